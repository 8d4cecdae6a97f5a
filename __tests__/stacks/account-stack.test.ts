/**
 * Whole-stack tests: every stack of both examples, synthesized from the config, with every policy parsed.
 * Field cases: FC-01, FC-03, FC-04, FC-05, FC-06, FC-07, FC-08, FC-09, FC-10, FC-14, FC-15.
 */
import { parse as parseYaml } from 'yaml';
import { readRunbook } from '../../modules/runbook-document';
import { addressIn, addressOf, allStrings, conditionValues, example, ofConstruct, only, resources, synthFile, synthYaml } from '../support/synth';

const single = synthFile(example('single-account.yaml'));
const multi = synthFile(example('multi-account.yaml'));
const all = [...single, ...multi];

const REQUIRED_TYPES = [
  'aws_s3_bucket',
  'aws_s3_bucket_policy',
  'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_versioning',
  'aws_s3_bucket_server_side_encryption_configuration',
  'aws_s3_bucket_ownership_controls',
  'aws_kms_key',
  'aws_kms_alias',
  'aws_iam_role',
  'aws_iam_role_policy',
  'aws_ssm_document',
  'aws_config_config_rule',
  'aws_config_remediation_configuration',
  'aws_cloudtrail',
];

/** A config of one account, 111111111111, local state; `rest` holds the account's other lines. */
const oneAccount = (rest: string): string => `
estate: test
state: { backend: local }
accounts:
  - accountId: "111111111111"
${rest.replace(/^\n/, '')}`;

function params(json: Record<string, any>): Record<string, any> {
  const rem = only(json, 'aws_config_remediation_configuration');
  return Object.fromEntries(rem.parameter.map((p: any) => [p.name, p]));
}

describe('stacks from the examples', () => {
  test('one stack per (account, home Region), named by the naming function', () => {
    expect(single.map((s) => s.name)).toEqual(['cloudtrail-guard-111111111111-us-east-1']);
    expect(multi.map((s) => s.name)).toEqual([
      'cloudtrail-guard-111111111111-us-east-1',
      'cloudtrail-guard-222222222222-eu-west-1',
      'cloudtrail-guard-333333333333-ap-southeast-2',
    ]);
  });

  test.each(all.map((s) => [s.name, s] as const))('%s has every required resource type', (_n, s) => {
    for (const t of REQUIRED_TYPES) expect(resources(s.json, t).length).toBeGreaterThanOrEqual(1);
    for (const t of REQUIRED_TYPES.filter((t) => !t.startsWith('aws_iam_'))) expect(resources(s.json, t)).toHaveLength(1);
  });

  test('the provider runs in the home Region, only in the account, with the deployment role and default tags', () => {
    const p = multi[1].json.provider.aws[0];
    expect(p.region).toBe('eu-west-1');
    expect(p.allowed_account_ids).toEqual(['222222222222']);
    expect(p.assume_role).toEqual([{ role_arn: 'arn:aws:iam::222222222222:role/terraform-deploy', session_name: 'cloudtrail-guard' }]);
    expect(p.default_tags).toEqual([
      {
        tags: {
          owner: 'platform-security',
          environment: 'production',
          'cloudtrail-guard:estate': 'acme',
          'cloudtrail-guard:managed-by': 'cloudtrail-guard',
          'cloudtrail-guard:stack': 'cloudtrail-guard-222222222222-eu-west-1',
        },
      },
    ]);
    expect(single[0].json.provider.aws[0].assume_role).toBeUndefined();
  });

  test('FC-14: every stack has its own encrypted, locked state key', () => {
    const keys = multi.map((s) => s.json.terraform.backend.s3.key);
    expect(keys).toEqual([
      'cloudtrail-guard/111111111111/us-east-1/terraform.tfstate',
      'cloudtrail-guard/222222222222/eu-west-1/terraform.tfstate',
      'cloudtrail-guard/333333333333/ap-southeast-2/terraform.tfstate',
    ]);
    expect(new Set(keys).size).toBe(keys.length);
    for (const s of multi) {
      expect(s.json.terraform.backend.s3).toMatchObject({ bucket: 'acme-terraform-state', region: 'us-east-1', encrypt: true, use_lockfile: true });
    }
  });

  test('FC-03: no string anywhere contains undefined or null, and no ARN has an unexpected empty segment', () => {
    for (const s of all) {
      for (const str of allStrings(s.json)) {
        expect(str).not.toMatch(/undefined|\bnull\b|NaN/);
        if (str.startsWith('arn:')) {
          expect(str).not.toMatch(/::::/);
          expect(str).not.toMatch(/\/\//);
        }
      }
    }
  });
});

describe.each(all.map((s) => [s.name, s] as const))('%s', (name, s) => {
  const [, account, region] = /^cloudtrail-guard-(\d{12})-(.+)$/.exec(name)!;
  const j = s.json;
  const trail = only(j, 'aws_cloudtrail');
  const trailArn = `arn:aws:cloudtrail:${region}:${account}:trail/${trail.name}`;
  const bucketPolicy = JSON.parse(only(j, 'aws_s3_bucket_policy').policy);
  const keyPolicy = JSON.parse(only(j, 'aws_kms_key').policy);
  const rolePolicy = JSON.parse(ofConstruct(j, 'aws_iam_role_policy', 'automation-role').policy);
  const trust = JSON.parse(ofConstruct(j, 'aws_iam_role', 'automation-role').assume_role_policy);
  const p = params(j);

  test('FC-04: every aws:SourceArn is the trail that Terraform and the runbook manage', () => {
    const sourceArns = [...conditionValues(bucketPolicy, 'aws:SourceArn'), ...conditionValues(keyPolicy, 'aws:SourceArn')];
    expect(sourceArns.length).toBeGreaterThanOrEqual(4);
    for (const arn of sourceArns) expect(arn).toBe(trailArn);
    expect(p.TrailName.static_value).toBe(trail.name);
    expect(j.output.trail_arn.value).toBe(trailArn);
    expect(rolePolicy.Statement.find((st: any) => st.Sid === 'ManageGuardedTrail').Resource).toBe(trailArn);
  });

  test('FC-01: PutObject is scoped to <prefix>/AWSLogs/<account>/*, GetBucketAcl to the bare bucket', () => {
    const bucket = only(j, 'aws_s3_bucket').bucket;
    const prefix = trail.s3_key_prefix;
    const write = bucketPolicy.Statement.find((st: any) => st.Action === 's3:PutObject');
    expect(write.Resource).toBe(`arn:aws:s3:::${bucket}/${prefix ? `${prefix}/` : ''}AWSLogs/${account}/*`);
    expect(write.Condition.StringEquals['s3:x-amz-acl']).toBe('bucket-owner-full-control');
    const acl = bucketPolicy.Statement.find((st: any) => st.Action === 's3:GetBucketAcl');
    expect(acl.Resource).toBe(`arn:aws:s3:::${bucket}`);
    expect(p.S3BucketName.static_value).toBe(bucket);
    expect(p.S3KeyPrefix?.static_value).toBe(prefix);
  });

  test('the bucket is hardened and protected from destroy', () => {
    const bucket = only(j, 'aws_s3_bucket');
    expect(bucket.force_destroy).toBe(false);
    expect(bucket.lifecycle.prevent_destroy).toBe(true);
    expect(only(j, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(only(j, 'aws_s3_bucket_versioning').versioning_configuration.status).toBe('Enabled');
    const sse = only(j, 'aws_s3_bucket_server_side_encryption_configuration').rule[0];
    expect(sse.apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
    expect(sse.apply_server_side_encryption_by_default.kms_master_key_id).toBe(`\${${addressOf(j, 'aws_kms_key')}.arn}`);
    expect(sse.bucket_key_enabled).toBe(true);
    expect(only(j, 'aws_s3_bucket_ownership_controls').rule.object_ownership).toBe('BucketOwnerEnforced');
    const deny = bucketPolicy.Statement.find((st: any) => st.Effect === 'Deny');
    expect(deny.Condition.Bool['aws:SecureTransport']).toBe(false);
    expect(bucketPolicy.Statement.filter((st: any) => st.Effect === 'Allow').map((st: any) => st.Principal)).toEqual([
      { Service: 'cloudtrail.amazonaws.com' },
      { Service: 'cloudtrail.amazonaws.com' },
      ...(resources(j, 'aws_config_configuration_recorder').length
        ? [{ Service: 'config.amazonaws.com' }, { Service: 'config.amazonaws.com' }, { Service: 'config.amazonaws.com' }]
        : []),
    ]);
  });

  test('FC-06: the key policy lets CloudTrail encrypt for this account\'s trails; rotation on; protected', () => {
    const key = only(j, 'aws_kms_key');
    expect(key.enable_key_rotation).toBe(true);
    expect(key.deletion_window_in_days).toBe(30);
    expect(key.lifecycle.prevent_destroy).toBe(true);
    const gen = keyPolicy.Statement.find((st: any) => st.Action === 'kms:GenerateDataKey*');
    expect(gen.Principal).toEqual({ Service: 'cloudtrail.amazonaws.com' });
    expect(gen.Condition.StringLike['kms:EncryptionContext:aws:cloudtrail:arn']).toBe(`arn:aws:cloudtrail:*:${account}:trail/*`);
    expect(keyPolicy.Statement.some((st: any) => st.Action === 'kms:DescribeKey' && st.Principal?.Service === 'cloudtrail.amazonaws.com')).toBe(true);
    for (const st of keyPolicy.Statement) {
      for (const a of [st.Action].flat()) expect(a).toMatch(/^kms:(\*|[A-Z][A-Za-z]+\*?)$/);
    }
  });

  test('FC-05 and FC-07: the trail depends on the bucket policy and the key, and takes the key ARN, never an alias', () => {
    expect(trail.depends_on).toEqual([addressOf(j, 'aws_s3_bucket_policy'), addressOf(j, 'aws_kms_key')]);
    expect(trail.kms_key_id).toBe(`\${${addressOf(j, 'aws_kms_key')}.arn}`);
    expect(p.KmsKeyId.static_value).toBe(`\${${addressOf(j, 'aws_kms_key')}.arn}`);
    expect(allStrings(trail).some((v) => v.includes('alias'))).toBe(false);
    expect(trail).toMatchObject({
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
      enable_logging: true,
      is_organization_trail: false,
    });
  });

  test('FC-08 and FC-09: the remediation passes this account\'s role as AutomationAssumeRole, one value per static_value', () => {
    const rem = only(j, 'aws_config_remediation_configuration');
    expect(rem.parameter.map((x: any) => x.name)).toEqual([...rem.parameter.map((x: any) => x.name)].sort());
    expect(p.AutomationAssumeRole).toEqual({ name: 'AutomationAssumeRole', static_value: `\${${addressIn(j, 'aws_iam_role', 'automation-role')}.arn}` });
    expect(ofConstruct(j, 'aws_iam_role', 'automation-role').name).toBe(`cloudtrail-guard-automation-${region}`);
    for (const x of rem.parameter) {
      // TrailTags is the one StringList: its tags travel as static_values (FC-08: two or more values).
      expect([x.name, Object.keys(x).sort()]).toEqual([x.name, ['name', x.name === 'TrailTags' ? 'static_values' : 'static_value']]);
    }
    expect(p.IsOrganizationTrail.static_value).toBe('false');
    for (const b of ['IsMultiRegionTrail', 'IncludeGlobalServiceEvents', 'EnableLogFileValidation']) expect(p[b].static_value).toBe('true');
    const st = trust.Statement[0];
    expect(st.Principal).toEqual({ Service: 'ssm.amazonaws.com' });
    expect(st.Condition.StringEquals['aws:SourceAccount']).toBe(account);
    expect(parseYaml(readRunbook()).assumeRole).toBe('{{ AutomationAssumeRole }}');
  });

  test('FC-10: the rule is CLOUD_TRAIL_ENABLED with s3BucketName and an explicit frequency', () => {
    const rule = only(j, 'aws_config_config_rule');
    expect(rule.name).toBe('cloudtrail-enabled');
    expect(rule.source).toEqual({ owner: 'AWS', source_identifier: 'CLOUD_TRAIL_ENABLED' });
    expect(JSON.parse(rule.input_parameters)).toEqual({ s3BucketName: only(j, 'aws_s3_bucket').bucket });
    expect(rule.maximum_execution_frequency).toBe('One_Hour');
  });

  test('FC-15: the remediation names the rule and the document by reference', () => {
    const rem = only(j, 'aws_config_remediation_configuration');
    expect(rem.config_rule_name).toBe(`\${${addressOf(j, 'aws_config_config_rule')}.name}`);
    expect(rem.target_type).toBe('SSM_DOCUMENT');
    expect(rem.target_id).toBe(`\${${addressOf(j, 'aws_ssm_document')}.name}`);
    expect(rem.automatic).toBe(true);
  });

  test('the runbook document is the file in runbook/, as an Automation document in YAML', () => {
    const doc = only(j, 'aws_ssm_document');
    expect(doc.document_type).toBe('Automation');
    expect(doc.document_format).toBe('YAML');
    expect(doc.content).toBe(readRunbook());
    expect(doc.name).toBe('cloudtrail-guard-enable-trail');
  });
});

describe('per-account settings reach the stack', () => {
  test('remediation attempts and retry seconds come from the config (333333333333: 3 and 120)', () => {
    const rem = only(multi[2].json, 'aws_config_remediation_configuration');
    expect(rem.maximum_automatic_attempts).toBe(3);
    expect(rem.retry_attempt_seconds).toBe(120);
    expect(rem.execution_controls.ssm_controls).toEqual({ concurrent_execution_rate_percentage: 10, error_percentage: 10 });
  });

  test('FC-01: a prefix given as "cloudtrail/" is trimmed to "cloudtrail" everywhere', () => {
    const j = multi[2].json;
    expect(only(j, 'aws_cloudtrail').s3_key_prefix).toBe('cloudtrail');
    expect(params(j).S3KeyPrefix.static_value).toBe('cloudtrail');
  });

  test('without a prefix, the trail has no s3_key_prefix and the remediation sends none', () => {
    const j = multi[1].json;
    expect(only(j, 'aws_cloudtrail').s3_key_prefix).toBeUndefined();
    expect(params(j).S3KeyPrefix).toBeUndefined();
  });

  test('FC-15: with recorder: create, the rule depends on the recorder and the delivery channel', () => {
    const j = multi[1].json;
    const rule = only(j, 'aws_config_config_rule');
    expect(rule.depends_on).toEqual(
      expect.arrayContaining([addressOf(j, 'aws_config_configuration_recorder_status'), addressOf(j, 'aws_config_delivery_channel')]),
    );
    expect(only(j, 'aws_config_configuration_recorder_status').is_enabled).toBe(true);
    expect(only(multi[0].json, 'aws_config_config_rule').depends_on).toBeUndefined();
  });

  test('trail.manage: false leaves the trail to the runbook alone', () => {
    const [s] = synthYaml(oneAccount(`
    homeRegion: us-east-1
    trail: { name: org-audit, manage: false }
`));
    expect(resources(s.json, 'aws_cloudtrail')).toHaveLength(0);
    expect(params(s.json).TrailName.static_value).toBe('org-audit');
  });

  test('an existing key ARN is used as is, and no key is created', () => {
    const keyArn = 'arn:aws:kms:us-east-1:111111111111:key/0a1b2c3d-1111-2222-3333-444455556666';
    const [s] = synthYaml(oneAccount(`
    homeRegion: us-east-1
    kmsKey: { existingKeyArn: "${keyArn}" }
`));
    expect(resources(s.json, 'aws_kms_key')).toHaveLength(0);
    expect(only(s.json, 'aws_cloudtrail').kms_key_id).toBe(keyArn);
    expect(params(s.json).KmsKeyId.static_value).toBe(keyArn);
    expect(only(s.json, 'aws_cloudtrail').depends_on).toEqual([addressOf(s.json, 'aws_s3_bucket_policy')]);
  });

  test('the partition follows the home Region (aws-cn)', () => {
    const [s] = synthYaml(oneAccount(`
    homeRegion: cn-north-1
    logBucket: { name: ct-logs-cn }
`));
    const policy = JSON.parse(only(s.json, 'aws_s3_bucket_policy').policy);
    expect(conditionValues(policy, 'aws:SourceArn')).toContain('arn:aws-cn:cloudtrail:cn-north-1:111111111111:trail/cloudtrail-guard');
    expect(policy.Statement.find((st: any) => st.Action === 's3:PutObject').Resource).toBe('arn:aws-cn:s3:::ct-logs-cn/AWSLogs/111111111111/*');
    for (const str of allStrings(s.json)) if (str.startsWith('arn:')) expect(str.startsWith('arn:aws-cn:')).toBe(true);
  });
});

describe('AWS Config recorder options', () => {
  const yaml = (createServiceLinkedRole: boolean) => `
estate: test
state: { backend: local }
accounts:
  - accountId: "222222222222"
    homeRegion: eu-west-1
    configRule: { recorder: create, createServiceLinkedRole: ${createServiceLinkedRole} }
`;

  test('createServiceLinkedRole: true creates AWSServiceRoleForConfig and the recorder uses it', () => {
    const [s] = synthYaml(yaml(true));
    expect(only(s.json, 'aws_iam_service_linked_role').aws_service_name).toBe('config.amazonaws.com');
    expect(only(s.json, 'aws_config_configuration_recorder').role_arn).toBe(`\${${addressOf(s.json, 'aws_iam_service_linked_role')}.arn}`);
  });

  test('createServiceLinkedRole: false uses the existing role by its ARN', () => {
    const [s] = synthYaml(yaml(false));
    expect(resources(s.json, 'aws_iam_service_linked_role')).toHaveLength(0);
    expect(only(s.json, 'aws_config_configuration_recorder').role_arn).toBe(
      'arn:aws:iam::222222222222:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig',
    );
  });
});
