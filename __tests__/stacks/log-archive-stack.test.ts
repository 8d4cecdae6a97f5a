/**
 * Account mode with the central log archive (examples/log-archive.yaml): the log-archive stack with its own state, and
 * account stacks whose trails deliver across accounts to the archive bucket and key, each keeping its role, runbook,
 * rule, remediation and fast path. Then the key in a separate security account, and an existing key.
 */
import { ARCHIVE_IN_ORGANIZATION_YAML } from '../log-archive/fixtures';
import { addressIn, example, ofConstruct, only, resources, synthFile, synthYaml } from '../support/synth';

const stacks = synthFile(example('log-archive.yaml'));
const byName = Object.fromEntries(stacks.map((s) => [s.name, s.json]));
const LA = byName['cloudtrail-guard-log-archive-444444444444-eu-west-1'];
const BUCKET = 'cloudtrail-guard-archive-444444444444-eu-west-1';
const ACCESS = 'cloudtrail-guard-archive-access-444444444444-eu-west-1';
const KEY = '${local.log_archive_key_arn}';
const ALIAS_ARN = 'arn:aws:kms:eu-west-1:444444444444:alias/cloudtrail-guard-archive';
const policy = (text: string) => JSON.parse(text.replace(/\$\$\{/g, '${'));

describe('the log-archive stack', () => {
  test('comes first, in the log-archive account and Region, through its deployment role, with a state key of its own', () => {
    expect(stacks.map((s) => s.name)).toEqual([
      'cloudtrail-guard-log-archive-444444444444-eu-west-1',
      'cloudtrail-guard-222222222222-eu-west-1',
      'cloudtrail-guard-333333333333-us-east-1',
    ]);
    expect(LA.provider.aws).toEqual([
      expect.objectContaining({
        region: 'eu-west-1',
        allowed_account_ids: ['444444444444'],
        assume_role: [{ role_arn: 'arn:aws:iam::444444444444:role/cloudtrail-guard-deployer', session_name: 'cloudtrail-guard' }],
        default_tags: [
          {
            tags: {
              'cloudtrail-guard:estate': 'acme',
              'cloudtrail-guard:stack': 'cloudtrail-guard-log-archive-444444444444-eu-west-1',
              'cloudtrail-guard:managed-by': 'cloudtrail-guard',
            },
          },
        ],
      }),
    ]);
    expect(LA.terraform.backend.s3).toMatchObject({
      bucket: 'acme-terraform-state',
      key: 'cloudtrail-guard/log-archive/444444444444/eu-west-1/terraform.tfstate',
      encrypt: true,
      use_lockfile: true,
    });
  });

  test('the archive bucket: Object Lock, the lifecycle and the access logs as configured; both buckets and the key kept from destroy', () => {
    const buckets = Object.fromEntries(resources(LA, 'aws_s3_bucket').map(([, b]) => [b.bucket, b]));
    expect(Object.keys(buckets).sort()).toEqual([BUCKET, ACCESS]);
    expect(buckets[BUCKET]).toMatchObject({ object_lock_enabled: true, force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(buckets[ACCESS]).toMatchObject({ force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(only(LA, 'aws_s3_bucket_object_lock_configuration').rule).toEqual({ default_retention: { mode: 'GOVERNANCE', days: 365 } });
    const lifecycle = ofConstruct(LA, 'aws_s3_bucket_lifecycle_configuration', 'archive_lifecycle');
    expect(lifecycle.rule).toEqual([
      {
        id: 'log-archive',
        status: 'Enabled',
        filter: [{}],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        transition: [
          { days: 90, storage_class: 'STANDARD_IA' },
          { days: 365, storage_class: 'GLACIER' },
        ],
        noncurrent_version_expiration: [{ noncurrent_days: 30 }],
      },
    ]);
    expect(ofConstruct(LA, 'aws_s3_bucket_lifecycle_configuration', 'archive_access_log_lifecycle').rule[0]).toMatchObject({
      expiration: [{ days: 400 }],
      noncurrent_version_expiration: [{ noncurrent_days: 400 }],
    });
    expect(only(LA, 'aws_kms_key')).toMatchObject({ enable_key_rotation: true, lifecycle: { prevent_destroy: true } });
    const sse = resources(LA, 'aws_s3_bucket_server_side_encryption_configuration').map(([, e]) => e.rule[0].apply_server_side_encryption_by_default);
    expect(sse.sort((x, y) => (x.sse_algorithm < y.sse_algorithm ? -1 : 1))).toEqual([
      { sse_algorithm: 'AES256' },
      { sse_algorithm: 'aws:kms', kms_master_key_id: `\${${addressIn(LA, 'aws_kms_key', 'archive_key')}.arn}` },
    ]);
  });

  test('the bucket and key policies serve exactly the two listed accounts, each on its own path; break-glass alone deletes', () => {
    const b = policy(ofConstruct(LA, 'aws_s3_bucket_policy', 'archive_policy').policy);
    const write = b.Statement.find((s: any) => s.Sid === 'AWSCloudTrailWriteAccountTrails');
    expect(write.Resource).toBe(`arn:aws:s3:::${BUCKET}/logs/AWSLogs/\${aws:SourceAccount}/*`);
    expect(write.Condition).toEqual({
      StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': ['222222222222', '333333333333'] },
      ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:*:*:trail/cloudtrail-guard' },
    });
    expect(b.Statement.find((s: any) => s.Sid === 'DenyLogDeletion').Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::444444444444:role/break-glass' },
    });
    expect(b.Statement.map((s: any) => s.Sid)).not.toContain('AWSCloudTrailWriteOrganizationTrail');
    const k = policy(only(LA, 'aws_kms_key').policy);
    expect(k.Statement.find((s: any) => s.Sid === 'AllowServedAccountsDescribeKey').Condition).toEqual({
      StringEquals: { 'kms:CallerAccount': ['222222222222', '333333333333'] },
    });
    // Terraform passes the policy variable through literally: the JSON holds $${aws:SourceAccount}.
    expect(ofConstruct(LA, 'aws_s3_bucket_policy', 'archive_policy').policy).toContain('AWSLogs/$${aws:SourceAccount}/*');
  });
});

describe.each(['cloudtrail-guard-222222222222-eu-west-1', 'cloudtrail-guard-333333333333-us-east-1'])('%s', (name) => {
  const j = byName[name];
  test('creates no bucket and no key; reads the key ARN by its alias ARN, once, into one local', () => {
    for (const t of ['aws_s3_bucket', 'aws_s3_bucket_policy', 'aws_kms_key', 'aws_kms_alias']) expect(resources(j, t)).toEqual([]);
    expect(j.data).toEqual({
      aws_kms_key: {
        log_archive_key: expect.objectContaining({ key_id: ALIAS_ARN }),
      },
    });
    expect(j.locals).toEqual({ log_archive_key_arn: '${data.aws_kms_key.log_archive_key.arn}' });
  });

  test('the trail, the runbook and the rule use the archive bucket, prefix and key; the trail waits for nothing in this stack', () => {
    const trail = only(j, 'aws_cloudtrail');
    expect(trail).toMatchObject({ s3_bucket_name: BUCKET, s3_key_prefix: 'logs', kms_key_id: KEY, is_organization_trail: false });
    expect(trail.depends_on).toBeUndefined();
    const params = Object.fromEntries(only(j, 'aws_config_remediation_configuration').parameter.map((p: any) => [p.name, p.static_value ?? p.static_values]));
    expect(params).toMatchObject({ S3BucketName: BUCKET, S3KeyPrefix: 'logs', KmsKeyId: KEY });
    expect(JSON.parse(only(j, 'aws_cloudwatch_event_target').input)).toMatchObject({ S3BucketName: [BUCKET], S3KeyPrefix: ['logs'], KmsKeyId: [KEY] });
    expect(only(j, 'aws_config_config_rule').input_parameters).toBe(JSON.stringify({ s3BucketName: BUCKET }));
    const describe = JSON.parse(ofConstruct(j, 'aws_iam_role_policy', 'automation-role').policy).Statement.find((s: any) => s.Sid === 'DescribeTrailKey');
    expect(describe.Resource).toBe(KEY);
  });
});

describe('the archive key in a security account; an existing key; accounts of an organization', () => {
  const yaml = (kmsKey: string) => `estate: acme
state: { backend: local }
logArchive:
  accountId: "444444444444"
  region: eu-west-1
  deploymentRoleArn: arn:aws:iam::444444444444:role/cloudtrail-guard-deployer
  breakGlassRoleArns: [arn:aws:iam::444444444444:role/break-glass, arn:aws:iam::555555555555:role/break-glass]
  kmsKey: ${kmsKey}
accounts:
  - { accountId: "222222222222", homeRegion: eu-west-1, logDestination: archive }
`;

  test('a security account: the key and alias through a second provider that assumes the key role there; members read it by its alias ARN there', () => {
    const [la, acc] = synthYaml(yaml('{ accountId: "555555555555", deploymentRoleArn: "arn:aws:iam::555555555555:role/key-deployer" }'));
    expect(la.json.provider.aws).toHaveLength(2);
    expect(la.json.provider.aws[1]).toMatchObject({
      alias: 'key',
      region: 'eu-west-1',
      allowed_account_ids: ['555555555555'],
      assume_role: [{ role_arn: 'arn:aws:iam::555555555555:role/key-deployer', session_name: 'cloudtrail-guard' }],
    });
    expect(only(la.json, 'aws_kms_key').provider).toBe('aws.key');
    expect(only(la.json, 'aws_kms_alias').provider).toBe('aws.key');
    const key = policy(only(la.json, 'aws_kms_key').policy);
    expect(key.Statement[0].Principal).toEqual({ AWS: 'arn:aws:iam::555555555555:root' });
    expect(key.Statement.find((s: any) => s.Sid === 'DenyKeyAdministration').Condition.ArnNotLike['aws:PrincipalArn']).toEqual([
      'arn:aws:iam::444444444444:role/break-glass',
      'arn:aws:iam::555555555555:role/break-glass',
      'arn:aws:iam::555555555555:role/key-deployer',
    ]);
    for (const r of [...resources(la.json, 'aws_s3_bucket'), ...resources(la.json, 'aws_s3_bucket_policy')]) expect(r[1].provider).toBeUndefined();
    expect(acc.json.data.aws_kms_key.log_archive_key.key_id).toBe('arn:aws:kms:eu-west-1:555555555555:alias/cloudtrail-guard-archive');
  });

  test('an existing key: no key in the log-archive stack, and no data source in the account stacks (the local holds the ARN)', () => {
    const arn = 'arn:aws:kms:eu-west-1:555555555555:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const [la, acc] = synthYaml(yaml(`{ existingKeyArn: "${arn}" }`));
    expect(resources(la.json, 'aws_kms_key')).toEqual([]);
    const sse = resources(la.json, 'aws_s3_bucket_server_side_encryption_configuration').map(([, e]) => e.rule[0].apply_server_side_encryption_by_default);
    expect(sse).toContainEqual({ sse_algorithm: 'aws:kms', kms_master_key_id: arn });
    expect(acc.json.data).toBeUndefined();
    expect(acc.json.locals).toEqual({ log_archive_key_arn: arn });
    expect(only(acc.json, 'aws_cloudtrail').kms_key_id).toBe(KEY);
  });

  test('accounts of an organization: the archive serves the whole organization, by aws:SourceOrgID and aws:PrincipalOrgID', () => {
    const [la] = synthYaml(ARCHIVE_IN_ORGANIZATION_YAML);
    const b = policy(ofConstruct(la.json, 'aws_s3_bucket_policy', 'archive_policy').policy);
    expect(b.Statement.find((s: any) => s.Sid === 'AWSCloudTrailWriteAccountTrails').Condition.StringEquals).toEqual({
      's3:x-amz-acl': 'bucket-owner-full-control',
      'aws:SourceOrgID': 'o-abc123def4',
    });
    const k = policy(only(la.json, 'aws_kms_key').policy);
    expect(k.Statement.find((s: any) => s.Sid === 'AllowServedAccountsDescribeKey').Condition).toEqual({
      StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' },
    });
    expect(JSON.stringify(b)).not.toMatch(/"(222222222222|333333333333)"/);
  });
});
