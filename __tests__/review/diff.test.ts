/**
 * Diff mode of `npm run review`: real changes (a config changed and synthesized again, or the synthesized JSON changed
 * in a copy), and the exact findings in order, security-relevant first.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ActionCatalog, loadActionCatalog } from '../../tools/review/actions';
import { diffEstates } from '../../tools/review/diff';
import { synthesizeRef } from '../../tools/review/source';
import { example, ROOT, synthFile, synthYaml } from '../support/synth';
import { synthHashedFile } from '../terraform/hashed';

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog([
    's3:*',
    'kms:*',
    'iam:*',
    'cloudtrail:*',
    'ssm:*',
    'events:*',
    'sns:*',
    'logs:*',
    'sts:*',
    'organizations:*',
  ]);
});

type Stacks = Array<{ name: string; json: Record<string, any> }>;
const byName = (stacks: Stacks): Map<string, Record<string, any>> => new Map(stacks.map((s) => [s.name, s.json]));
const findings = (before: Stacks, after: Stacks) => {
  const d = diffEstates(byName(before), byName(after), catalog);
  return {
    security: d.security.map((f) => [f.kind, f.subject, f.text]),
    other: d.other.map((f) => [f.kind, f.subject, f.text]),
  };
};
/** A copy of a stack's JSON with one policy attribute edited as data. */
const editPolicy = (
  json: Record<string, any>,
  type: string,
  name: string,
  attr: string,
  edit: (p: any) => void,
): void => {
  const p = JSON.parse(json.resource[type][name][attr]);
  edit(p);
  json.resource[type][name][attr] = JSON.stringify(p);
};
const SINGLE = readFileSync(example('single-account.yaml'), 'utf8');
const STACK = 'cloudtrail-guard-111111111111-us-east-1';
const SOURCE_ARN = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit';

test('the same synth twice: no change', () => {
  const s = synthFile(example('multi-account.yaml'));
  expect(findings(s, synthFile(example('multi-account.yaml')))).toEqual({ security: [], other: [] });
});

test('a config change: the fast path turned off and the trail left unmanaged', () => {
  const before = synthFile(example('single-account.yaml'));
  const after = synthYaml(
    SINGLE.replace('      retryAttemptSeconds: 60', '      retryAttemptSeconds: 60\n      fastPath: false').replace(
      '      name: org-audit',
      '      name: org-audit\n      manage: false',
    ),
  );
  expect(findings(before, after)).toEqual({
    security: [
      [
        'protected-resource-removed',
        'aws_cloudtrail.trail',
        'aws_cloudtrail.trail removed from the configuration: Terraform plans to destroy it (prevent_destroy protects only a resource that is still in the configuration)',
      ],
      [
        'fast-path-off',
        'aws_cloudwatch_event_rule.fast_path_rule',
        'fast path turned off: aws_cloudwatch_event_rule.fast_path_rule removed',
      ],
      [
        'fast-path-off',
        'aws_cloudwatch_event_target.fast_path_target',
        'fast path turned off: aws_cloudwatch_event_target.fast_path_target removed',
      ],
    ],
    other: [
      [
        'allow-removed',
        'aws_iam_role.fast_path_role.assume_role_policy',
        'trust policy of role cloudtrail-guard-fast-path-us-east-1 (aws_iam_role.fast_path_role): Allow statement removed: AllowEventBridgeRuleOfThisAccount: the service events.amazonaws.com may sts:AssumeRole on this role when aws:SourceAccount is 111111111111 and aws:SourceArn is arn:aws:events:us-east-1:111111111111:rule/cloudtrail-guard-fast-path',
      ],
      [
        'allow-removed',
        'aws_iam_role_policy.fast_path_policy.policy',
        'permissions of role cloudtrail-guard-fast-path-us-east-1 (aws_iam_role_policy.fast_path_policy): Allow statement removed: StartRemediationRunbook: the role cloudtrail-guard-fast-path-us-east-1 may ssm:StartAutomationExecution on arn:aws:ssm:us-east-1:111111111111:automation-definition/aws_ssm_document.runbook_document.name:*',
      ],
      [
        'allow-removed',
        'aws_iam_role_policy.fast_path_policy.policy',
        'permissions of role cloudtrail-guard-fast-path-us-east-1 (aws_iam_role_policy.fast_path_policy): Allow statement removed: PassAutomationRole: the role cloudtrail-guard-fast-path-us-east-1 may iam:PassRole on aws_iam_role.automation_role.arn when iam:PassedToService is ssm.amazonaws.com',
      ],
      ['resource-removed', 'aws_iam_role.fast_path_role', 'aws_iam_role.fast_path_role removed'],
      ['resource-removed', 'aws_iam_role_policy.fast_path_policy', 'aws_iam_role_policy.fast_path_policy removed'],
    ],
  });
});

test('the JSON changed in a copy: wider policies, prevent_destroy, the baseline, the remediation and the fast path', () => {
  const before = synthFile(example('single-account.yaml'));
  const j = JSON.parse(JSON.stringify(before[0].json));
  editPolicy(j, 'aws_s3_bucket_policy', 'log_bucket_policy', 'policy', (p) => {
    const w = p.Statement.find((s: any) => s.Sid === 'AWSCloudTrailWrite');
    w.Resource = 'arn:aws:s3:::ct-logs-111111111111/*';
    delete w.Condition.StringEquals['aws:SourceArn'];
  });
  editPolicy(j, 'aws_kms_key', 'trail_key', 'policy', (p) => {
    p.Statement.find((s: any) => s.Sid === 'AllowCloudTrailDescribeKey').Principal = { AWS: '*' };
  });
  editPolicy(j, 'aws_iam_role_policy', 'automation_role_policy', 'policy', (p) => {
    p.Statement.push({ Sid: 'ReadLogs', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
  });
  delete j.resource.aws_s3_bucket.log_bucket.lifecycle;
  j.resource.aws_cloudtrail.trail.is_multi_region_trail = false;
  j.resource.aws_config_remediation_configuration.remediation.automatic = false;
  editPolicy(j, 'aws_cloudwatch_event_rule', 'fast_path_rule', 'event_pattern', (p) => {
    p.detail.eventName = p.detail.eventName.filter((n: string) => n !== 'StopLogging');
  });
  expect(findings(before, [{ name: STACK, json: j }])).toEqual({
    security: [
      [
        'allow-added',
        'aws_iam_role_policy.automation_role_policy.policy',
        'permissions of role cloudtrail-guard-automation-us-east-1 (aws_iam_role_policy.automation_role_policy): new Allow statement ReadLogs: the role cloudtrail-guard-automation-us-east-1 may s3:GetObject on every resource',
      ],
      [
        'principal-widened',
        'aws_kms_key.trail_key.policy',
        'key policy (aws_kms_key.trail_key): AllowCloudTrailDescribeKey: now also allows anyone (before: the service cloudtrail.amazonaws.com)',
      ],
      [
        'resource-widened',
        'aws_s3_bucket_policy.log_bucket_policy.policy',
        'bucket policy of ct-logs-111111111111 (aws_s3_bucket_policy.log_bucket_policy): AWSCloudTrailWrite: now also on every object of bucket ct-logs-111111111111 (before: objects logs/AWSLogs/111111111111/* of bucket ct-logs-111111111111)',
      ],
      [
        'condition-dropped',
        'aws_s3_bucket_policy.log_bucket_policy.policy',
        `bucket policy of ct-logs-111111111111 (aws_s3_bucket_policy.log_bucket_policy): AWSCloudTrailWrite: condition dropped: aws:SourceArn is ${SOURCE_ARN}`,
      ],
      ['prevent-destroy-removed', 'aws_s3_bucket.log_bucket', 'aws_s3_bucket.log_bucket: prevent_destroy removed'],
      [
        'baseline-off',
        'aws_cloudtrail.trail',
        'trail baseline: multi-Region turned off in aws_cloudtrail.trail (is_multi_region_trail true → false)',
      ],
      [
        'fast-path-off',
        'aws_cloudwatch_event_rule.fast_path_rule',
        'fast path no longer reacts to StopLogging (aws_cloudwatch_event_rule.fast_path_rule event_pattern)',
      ],
      [
        'remediation-off',
        'aws_config_remediation_configuration.remediation',
        'automatic remediation turned off in aws_config_remediation_configuration.remediation (automatic true → false)',
      ],
    ],
    other: [],
  });
});

test('the organization example changed in a copy: an SCP exception, a Deny removed, the SCP detached, the rule removed, settings turned off', () => {
  const before = synthFile(example('organization.yaml'));
  const after = JSON.parse(JSON.stringify(before)) as Stacks;
  const mgmt = after.find((s) => s.name === STACK)!.json;
  const [scpName, scpRes] = Object.entries(mgmt.resource.aws_organizations_policy as Record<string, any>)[0];
  const content = JSON.parse(scpRes.content);
  const excepting = content.Statement.find(
    (st: any) => st.Effect === 'Deny' && st.Condition?.ArnNotLike?.['aws:PrincipalArn'],
  );
  const last = content.Statement[content.Statement.length - 1];
  expect(excepting).toBeDefined();
  expect(last).not.toBe(excepting);
  editPolicy(mgmt, 'aws_organizations_policy', scpName, 'content', (p) => {
    p.Statement.find((st: any) => st.Sid === excepting.Sid).Condition.ArnNotLike['aws:PrincipalArn'] = [
      excepting.Condition.ArnNotLike['aws:PrincipalArn'],
    ]
      .flat()
      .concat('arn:aws:iam::*:role/admin');
    p.Statement = p.Statement.filter((st: any) => st.Sid !== last.Sid);
  });
  const attachments = Object.entries(mgmt.resource.aws_organizations_policy_attachment as Record<string, any>);
  delete mgmt.resource.aws_organizations_policy_attachment;
  const [ruleName, rule] = Object.entries(mgmt.resource.aws_config_config_rule as Record<string, any>)[0];
  delete mgmt.resource.aws_config_config_rule;
  delete mgmt.resource.aws_cloudtrail.trail.enable_log_file_validation;
  mgmt.resource.aws_cloudwatch_log_group.log_group.retention_in_days = 30;
  const keyed = after.find((s) => s.json.resource?.aws_kms_key)!;
  const [keyName] = Object.keys(keyed.json.resource.aws_kms_key);
  keyed.json.resource.aws_kms_key[keyName].enable_key_rotation = false;

  const scp = `SCP ${scpRes.name} (aws_organizations_policy.${scpName})`;
  const d = diffEstates(byName(before), byName(after), catalog);
  expect(d.security.map((f) => [f.stack, f.kind, f.subject])).toEqual([
    [STACK, 'exception-added', `aws_organizations_policy.${scpName}.content`],
    [STACK, 'deny-removed', `aws_organizations_policy.${scpName}.content`],
    [STACK, 'rule-off', `aws_config_config_rule.${ruleName}`],
    ...attachments.map(([n]) => [STACK, 'scp-detached', `aws_organizations_policy_attachment.${n}`]),
    [STACK, 'baseline-off', 'aws_cloudtrail.trail'],
    [keyed.name, 'setting-off', `aws_kms_key.${keyName}`],
  ]);
  expect(d.security.map((f) => f.text)).toEqual([
    `${scp}: ${excepting.Sid}: new exception: aws:PrincipalArn arn:aws:iam::*:role/admin`,
    expect.stringMatching(
      new RegExp(
        `^${scp.replace(/[().]/g, '\\$&')}: Deny statement removed: ${last.Sid}: every principal in the accounts it applies to is denied `,
      ),
    ),
    `AWS Config rule ${rule.name} turned off: aws_config_config_rule.${ruleName} removed`,
    ...attachments.map(
      ([n, a]) => `SCP no longer attached to ${a.target_id}: aws_organizations_policy_attachment.${n} removed`,
    ),
    'trail baseline: log file validation turned off in aws_cloudtrail.trail (enable_log_file_validation true → false (left out: the provider default))',
    `key rotation turned off in aws_kms_key.${keyName} (enable_key_rotation true → false)`,
  ]);
  expect(d.other.map((f) => [f.stack, f.kind, f.text])).toEqual([
    [STACK, 'changed', 'aws_cloudwatch_log_group.log_group: retention_in_days: 400 → 30'],
  ]);
});

test('stacks added and removed', () => {
  const multi = synthFile(example('multi-account.yaml'));
  const f = findings(multi.slice(0, 2), multi.slice(1));
  expect(f.security).toEqual([
    [
      'stack-removed',
      STACK,
      'stack removed: its 18 resources (3 with prevent_destroy) are no longer in any configuration; its state still holds them',
    ],
  ]);
  expect(f.other).toEqual([['stack-added', 'cloudtrail-guard-333333333333-ap-southeast-2', 'new stack: 18 resources']]);
});

test('upgrading from the hashed addresses: one finding per stack, the moves, and no security-relevant change', () => {
  const f = findings(synthHashedFile(example('multi-account.yaml')), synthFile(example('multi-account.yaml')));
  expect(f.security).toEqual([]);
  expect(f.other.map(([kind, subject]) => [kind, subject])).toEqual([
    ['moved', 'cloudtrail-guard-111111111111-us-east-1'],
    ['moved', 'cloudtrail-guard-222222222222-eu-west-1'],
    ['moved', 'cloudtrail-guard-333333333333-ap-southeast-2'],
  ]);
  expect(f.other[1][2]).toMatch(
    /^22 resource address\(es\) change, with moved blocks \(no replacement\): aws_kms_key\.trail-key_F9911193 → aws_kms_key\.trail_key, /,
  );
});

describe('against a git ref', () => {
  const worktrees = (): string =>
    spawnSync('git', ['-C', ROOT, 'worktree', 'list', '--porcelain'], { encoding: 'utf8' }).stdout;
  const reviewTemps = (): string[] => readdirSync(tmpdir()).filter((d) => d.startsWith('ctg-review-ref-'));

  test("HEAD's tree is synthesized in a temporary worktree, which is removed afterwards", () => {
    const before = worktrees();
    const temps = reviewTemps();
    const r = synthesizeRef('HEAD', { config: 'examples/multi-account.yaml' });
    expect(r.label).toMatch(/^git ref HEAD \([0-9a-f]{7}\)$/);
    expect(r.commit).toBe(spawnSync('git', ['-C', ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim());
    expect([...r.stacks.keys()]).toEqual([
      'cloudtrail-guard-111111111111-us-east-1',
      'cloudtrail-guard-222222222222-eu-west-1',
      'cloudtrail-guard-333333333333-ap-southeast-2',
    ]);
    expect(r.stacks.get(STACK)!.resource.aws_s3_bucket).toBeDefined();
    expect(worktrees()).toBe(before);
    expect(reviewTemps()).toEqual(temps);
  }, 180_000);

  test('the command line: a ref, a previous folder, and something that is neither', () => {
    const out = mkdtempSync(join(tmpdir(), 'ctg-diff-cli-'));
    try {
      const prev = join(out, 'before');
      const now = join(out, 'after');
      for (const [dir, stacks] of [
        [prev, synthFile(example('single-account.yaml'))],
        [
          now,
          synthYaml(
            SINGLE.replace('      retryAttemptSeconds: 60', '      retryAttemptSeconds: 60\n      fastPath: false'),
          ),
        ],
      ] as const) {
        for (const s of stacks) {
          mkdirSync(join(dir, 'stacks', s.name), { recursive: true });
          writeFileSync(join(dir, 'stacks', s.name, 'cdk.tf.json'), JSON.stringify(s.json));
        }
      }
      const run = (args: string[]) =>
        spawnSync('node', ['--import', 'tsx', join(ROOT, 'tools', 'review.ts'), ...args], {
          cwd: ROOT,
          encoding: 'utf8',
        });
      const r = run(['--out', now, '--against', prev, '--fail-on-security']);
      expect(r.status).toBe(3);
      expect(r.stdout.split('\n').slice(0, 3)).toEqual([
        `changes against ${prev}: 2 security-relevant, 5 other`,
        `  1. ${STACK}: fast path turned off: aws_cloudwatch_event_rule.fast_path_rule removed`,
        `  2. ${STACK}: fast path turned off: aws_cloudwatch_event_target.fast_path_target removed`,
      ]);
      const md = readFileSync(join(now, 'REVIEW.md'), 'utf8');
      expect(md).toContain(
        `## Changes against ${prev}\n\n### Security-relevant (2)\n\n1. \`${STACK}\`: fast path turned off: aws_cloudwatch_event_rule.fast_path_rule removed\n`,
      );
      expect(md).toContain('### Fast path\n\n**Off**: no EventBridge rule watches the trail.\n');
      const bad = run(['--out', now, '--against', 'no-such-ref-of-this-repository']);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toBe(
        `no-such-ref-of-this-repository: neither a folder of synthesized stacks (with stacks/) nor a git ref of ${ROOT}\ncloudtrail-guard review: nothing was written.\n`,
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
