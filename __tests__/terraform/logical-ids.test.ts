/**
 * Readable, stable addresses (stacks/logical-ids.ts): the names, the `moved` block from every old (hashed) address,
 * and the proof that an existing state at the old addresses plans moves only: terraform plans the new JSON against a
 * state that holds every resource at its old address (built offline by terraform itself, checked with
 * `terraform show -json`), and the plan has nothing to add, change or destroy.
 * https://developer.hashicorp.com/terraform/language/modules/develop/refactoring
 */
import { createHash } from 'node:crypto';
import { Testing, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { ReadableIdStack, readableLogicalId } from '../../stacks/logical-ids';
import { throughMoves } from '../../tools/review/diff';
import {
  appliedStateOffline,
  countPlanChanges,
  planEstateOffline,
  planStackOffline,
  type StateV4,
} from '../../tools/offline-terraform';
import { example, synthFile } from '../support/synth';
import { tallyCheck } from '../support/terraform';
import { synthHashedFile } from './hashed';

/** The old → new address of every resource of multi-account.yaml's 222222222222 stack (22 resources, with a recorder). */
const MEMBER_MOVES: Array<[string, string]> = [
  ['aws_kms_key.trail-key_F9911193', 'aws_kms_key.trail_key'],
  ['aws_kms_alias.trail-key_alias_F8151F08', 'aws_kms_alias.trail_key_alias'],
  ['aws_s3_bucket.log-bucket_38F5EEF0', 'aws_s3_bucket.log_bucket'],
  [
    'aws_s3_bucket_public_access_block.log-bucket_public-access-block_0535D5AF',
    'aws_s3_bucket_public_access_block.log_bucket_public_access_block',
  ],
  [
    'aws_s3_bucket_ownership_controls.log-bucket_ownership-controls_D146A242',
    'aws_s3_bucket_ownership_controls.log_bucket_ownership_controls',
  ],
  ['aws_s3_bucket_versioning.log-bucket_versioning_8194E4A4', 'aws_s3_bucket_versioning.log_bucket_versioning'],
  [
    'aws_s3_bucket_server_side_encryption_configuration.log-bucket_encryption_DC3C77C8',
    'aws_s3_bucket_server_side_encryption_configuration.log_bucket_encryption',
  ],
  ['aws_s3_bucket_policy.log-bucket_policy_0ACE94FE', 'aws_s3_bucket_policy.log_bucket_policy'],
  ['aws_iam_role.automation-role_C16AD97D', 'aws_iam_role.automation_role'],
  ['aws_iam_role_policy.automation-role_policy_8C2338D9', 'aws_iam_role_policy.automation_role_policy'],
  ['aws_ssm_document.runbook_document_6CAA7668', 'aws_ssm_document.runbook_document'],
  [
    'aws_iam_service_linked_role.config-recorder_service-linked-role_40D4E0C8',
    'aws_iam_service_linked_role.config_recorder_service_linked_role',
  ],
  ['aws_config_configuration_recorder.config-recorder_C3EF3688', 'aws_config_configuration_recorder.config_recorder'],
  [
    'aws_config_delivery_channel.config-recorder_delivery-channel_D17573D0',
    'aws_config_delivery_channel.config_recorder_delivery_channel',
  ],
  [
    'aws_config_configuration_recorder_status.config-recorder_recorder-status_208429DB',
    'aws_config_configuration_recorder_status.config_recorder_recorder_status',
  ],
  ['aws_config_config_rule.cloudtrail-enabled_rule_66542BFF', 'aws_config_config_rule.cloudtrail_enabled_rule'],
  ['aws_config_remediation_configuration.remediation_53C6CFEC', 'aws_config_remediation_configuration.remediation'],
  ['aws_cloudtrail.trail_3987B402', 'aws_cloudtrail.trail'],
  ['aws_cloudwatch_event_rule.fast-path_rule_DC24C5A7', 'aws_cloudwatch_event_rule.fast_path_rule'],
  ['aws_iam_role.fast-path_role_BBA01230', 'aws_iam_role.fast_path_role'],
  ['aws_iam_role_policy.fast-path_policy_2247791D', 'aws_iam_role_policy.fast_path_policy'],
  ['aws_cloudwatch_event_target.fast-path_target_6E705512', 'aws_cloudwatch_event_target.fast_path_target'],
];

/** The old → new address of the notification and SCP resources (organization.yaml's management stack). */
const ORGANIZATION_MOVES: Array<[string, string]> = [
  ['aws_sns_topic.topic_8AEA7A18', 'aws_sns_topic.topic'],
  ['aws_sns_topic_policy.topic_policy_F0B28A68', 'aws_sns_topic_policy.topic_policy'],
  ['aws_cloudwatch_log_group.log-group_ACDCF97A', 'aws_cloudwatch_log_group.log_group'],
  ['aws_iam_role.log-group_role_E4F35277', 'aws_iam_role.log_group_role'],
  ['aws_iam_role_policy.log-group_policy_ED6CB552', 'aws_iam_role_policy.log_group_policy'],
  ['aws_organizations_policy.tamper-protection_policy_2D125F6F', 'aws_organizations_policy.tamper_protection_policy'],
  [
    'aws_organizations_policy_attachment.tamper-protection_attachment-r-ab12_B91292FC',
    'aws_organizations_policy_attachment.tamper_protection_attachment_r_ab12',
  ],
];

/**
 * cdktf 0.21's hashed ID of a construct path below the stack, as node_modules/cdktf/lib/private/unique.js makes it:
 * the components (a component that the previous one ends with left out) joined by `_`, then `_` and the first 8 hex
 * digits, upper case, of the MD5 of the path joined by `/`.
 */
const cdktfHashedId = (...components: string[]): string => {
  const human = components.filter((c, i) => i === 0 || !components[i - 1].endsWith(c)).join('_');
  return `${human}_${createHash('md5').update(components.join('/')).digest('hex').slice(0, 8).toUpperCase()}`;
};

const addresses = (json: Record<string, any>): string[] =>
  Object.entries(json.resource ?? {})
    .flatMap(([t, rs]) => Object.keys(rs as object).map((n) => `${t}.${n}`))
    .sort();
const withoutMoved = (json: Record<string, any>): Record<string, any> => {
  const rest = { ...json };
  delete rest.moved;
  return rest;
};

describe('readableLogicalId', () => {
  test.each([
    [['trail', 'trail'], 'trail'],
    [['trail-key', 'key'], 'trail_key'],
    [['trail-key', 'alias'], 'trail_key_alias'],
    [['log-bucket', 'public-access-block'], 'log_bucket_public_access_block'],
    [['log-group', 'log-group'], 'log_group'],
    [['tamper-protection', 'attachment-r-ab12'], 'tamper_protection_attachment_r_ab12'],
    [['tamper-protection', 'attachment-222222222222'], 'tamper_protection_attachment_222222222222'],
    [['Default', 'bucket'], 'bucket'],
    [['archive', 'Resource'], 'archive'],
    [['9lives', 'x'], '_9lives_x'],
    [['a.b', 'c d'], 'a_b_c_d'],
  ])('%j → %s', (components, id) => {
    expect(readableLogicalId(components)).toBe(id);
  });

  test('an empty path has no ID', () => {
    expect(() => readableLogicalId(['Default'])).toThrow('no logical ID can be made of the construct path "Default"');
  });
});

describe('ReadableIdStack', () => {
  /** A module written after this change, that knows nothing of it. */
  class FutureModule extends Construct {
    readonly bucket: S3Bucket;
    constructor(scope: Construct, id: string) {
      super(scope, id);
      this.bucket = new S3Bucket(this, 'bucket', { bucket: 'b' });
      new S3Bucket(this, 'access-logs', { bucket: 'l', tags: { of: this.bucket.arn } });
      new DataAwsCallerIdentity(this, 'caller');
    }
  }

  test('a new module gets readable addresses, references to them, and moved blocks from the hashed addresses, with no edit of its own', () => {
    const app = Testing.app();
    const stack = new ReadableIdStack(app, 'stack');
    new FutureModule(stack, 'log-archive-bucket');
    new TerraformOutput(stack, 'bucket_arn', { value: 'x' });
    const json = JSON.parse(Testing.synth(stack));
    expect(Object.keys(json.resource.aws_s3_bucket)).toEqual(['log_archive_bucket', 'log_archive_bucket_access_logs']);
    expect(json.resource.aws_s3_bucket.log_archive_bucket_access_logs.tags).toEqual({
      of: '${aws_s3_bucket.log_archive_bucket.arn}',
    });
    expect(Object.keys(json.data.aws_caller_identity)).toEqual(['log_archive_bucket_caller']);
    expect(Object.keys(json.output)).toEqual(['bucket_arn']);
    // data sources hold no state that could be lost: no moved block for them
    expect(json.moved).toEqual([
      {
        from: `aws_s3_bucket.${cdktfHashedId('log-archive-bucket', 'bucket')}`,
        to: 'aws_s3_bucket.log_archive_bucket',
      },
      {
        from: `aws_s3_bucket.${cdktfHashedId('log-archive-bucket', 'access-logs')}`,
        to: 'aws_s3_bucket.log_archive_bucket_access_logs',
      },
    ]);
    // each moved block's `from` is the address cdktf's own scheme gives the resource
    const [bucket, logs] = (stack.node.findChild('log-archive-bucket') as FutureModule).node.children as S3Bucket[];
    expect(json.moved.map((m: { from: string }) => m.from)).toEqual(
      [bucket, logs].map((r) => `aws_s3_bucket.${stack.hashedLogicalId(r)}`),
    );
  });

  test('synthesizing twice gives each moved block once', () => {
    const app = Testing.app();
    const stack = new ReadableIdStack(app, 'stack');
    new S3Bucket(new Construct(stack, 'a'), 'bucket', { bucket: 'b' });
    Testing.synth(stack);
    expect(JSON.parse(Testing.synth(stack)).moved).toEqual([
      { from: `aws_s3_bucket.${cdktfHashedId('a', 'bucket')}`, to: 'aws_s3_bucket.a_bucket' },
    ]);
  });

  test('two constructs that would share an address are refused, both named', () => {
    const app = Testing.app();
    const stack = new ReadableIdStack(app, 'stack');
    new S3Bucket(new Construct(stack, 'a-b'), 'c', { bucket: 'one' });
    new S3Bucket(new Construct(stack, 'a'), 'b-c', { bucket: 'two' });
    expect(() => Testing.synth(stack)).toThrow(
      'aws_s3_bucket.a_b_c: the constructs stack/a-b/c and stack/a/b-c get the same Terraform address; give one of them another construct ID',
    );
  });
});

describe('every example stack: old addresses, moved blocks, new addresses', () => {
  const cases = ['single-account.yaml', 'multi-account.yaml', 'organization.yaml'].flatMap((file) => {
    const before = synthHashedFile(example(file));
    return synthFile(example(file)).map((s, i) => [`${file}/${s.name}`, before[i].json, s.json] as const);
  });

  test.each(cases)(
    '%s: one moved block per resource, from its old address to its new one, and nothing else changes',
    (_key, before, after) => {
      expect(before.moved).toBeUndefined();
      expect(addresses(before).every((a) => /_[0-9A-F]{8}$/.test(a))).toBe(true);
      expect(addresses(after).some((a) => /_[0-9A-F]{8}$/.test(a))).toBe(false);
      expect(after.moved.map((m: { from: string }) => m.from).sort()).toEqual(addresses(before));
      expect(after.moved.map((m: { to: string }) => m.to).sort()).toEqual(addresses(after));
      // the old JSON, its addresses and references renamed by the moved blocks, is the new JSON
      expect(throughMoves(before, after.moved)).toEqual(withoutMoved(after));
    },
  );

  test('the member stack: the address of every resource, before and after', () => {
    const [, , member] = cases.find(([k]) => k === 'multi-account.yaml/cloudtrail-guard-222222222222-eu-west-1')!;
    expect(member.moved.map((m: { from: string; to: string }) => [m.from, m.to])).toEqual(MEMBER_MOVES);
    // the trail's old address is cdktf's hash of its construct path
    expect(MEMBER_MOVES).toContainEqual([`aws_cloudtrail.${cdktfHashedId('trail', 'trail')}`, 'aws_cloudtrail.trail']);
  });

  test('the notifications and the SCP: their addresses, before and after', () => {
    const [, , org] = cases.find(([k]) => k === 'organization.yaml/cloudtrail-guard-111111111111-us-east-1')!;
    const moves = org.moved.map((m: { from: string; to: string }) => [m.from, m.to]);
    for (const m of ORGANIZATION_MOVES) expect(moves).toContainEqual(m);
  });
});

describe('terraform: upgrading from the old addresses plans moves only', () => {
  // multi-account.yaml: stacks without a data source (an offline plan cannot read one)
  const [oldFirst, oldMember] = synthHashedFile(example('multi-account.yaml'));
  const [nowFirst, nowMember] = synthFile(example('multi-account.yaml'));
  const pairs = [
    { old: oldFirst, now: nowFirst },
    { old: oldMember, now: nowMember },
  ];
  const states = new Map<string, StateV4>();

  test('a state at the old addresses, built offline by terraform, against which the old JSON plans no change', () => {
    if (!tallyCheck('state at the old addresses')) return;
    for (const s of pairs) {
      const state = appliedStateOffline(s.old.json);
      expect(state.resources.map((r) => `${r.type}.${r.name}`).sort()).toEqual(addresses(s.old.json));
      const again = planStackOffline(s.old.json, state);
      expect(countPlanChanges(again.plan!)).toEqual({
        toAdd: 0,
        toChange: 0,
        toDestroy: 0,
        toMove: 0,
        toImport: 0,
        toReplace: 0,
      });
      states.set(s.now.name, state);
    }
  }, 900_000);

  test('the new JSON against that state: every resource moves, nothing is added, changed, replaced or destroyed', () => {
    if (!tallyCheck('plan the new addresses against the old state')) return;
    const r = planStackOffline(nowMember.json, states.get(nowMember.name)!);
    expect({ add: r.toAdd, change: r.toChange, destroy: r.toDestroy, move: r.toMove }).toEqual({
      add: 0,
      change: 0,
      destroy: 0,
      move: 22,
    });
    const changes = (r.plan!.resource_changes as any[]).map((c) => [c.previous_address, c.address, c.change.actions]);
    expect(changes.sort()).toEqual(MEMBER_MOVES.map(([from, to]) => [from, to, ['no-op']]).sort());
    expect(r.planOutput).toContain('# aws_cloudtrail.trail_3987B402 has moved to aws_cloudtrail.trail');
    expect(r.planOutput).toContain('Plan: 0 to add, 0 to change, 0 to destroy.');
  }, 600_000);

  test('the same for two stacks at once, planned as one estate', async () => {
    if (!tallyCheck('estate plan of the new addresses against the old states')) return;
    const r = await planEstateOffline(
      pairs.map((s) => ({ name: s.now.name, json: s.now.json, state: states.get(s.now.name)! })),
      { jobs: 1 },
    );
    expect(r.stacks).toEqual([
      { stack: nowFirst.name, ok: true, toAdd: 0, toChange: 0, toDestroy: 0, toMove: 18, toImport: 0, toReplace: 0 },
      { stack: nowMember.name, ok: true, toAdd: 0, toChange: 0, toDestroy: 0, toMove: 22, toImport: 0, toReplace: 0 },
    ]);
    expect(r.batches).toBe(1);
  }, 600_000);
});
