/**
 * The organization example, as AWS recommends the layout: the management account's organization trail delivers to the
 * central log archive (its own stack), and to SNS and CloudWatch Logs in the management account, where the remediation
 * and the fast path run; the tamper SCP exempts roles by pattern; the listed member only detects. Field cases FC-02 and
 * FC-06 (organization), FC-04, FC-05 and FC-07 across the stacks.
 */
import { loadConfig } from '../../config';
import { guardTamperScp } from '../../modules/policies/guard-tamper-scp';
import { addressIn, addressOf, conditionValues, example, ofConstruct, only, resources, synthFile } from '../support/synth';

const stacks = synthFile(example('organization.yaml'));
const byName = Object.fromEntries(stacks.map((s) => [s.name, s.json]));
const ARCHIVE = byName['cloudtrail-guard-log-archive-444444444444-us-east-1'];
const j = byName['cloudtrail-guard-111111111111-us-east-1'];
const MEMBER = byName['cloudtrail-guard-222222222222-us-east-1'];
const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit';
const ARCHIVE_BUCKET = 'cloudtrail-guard-archive-444444444444-us-east-1';
const KEY = '${local.log_archive_key_arn}';
const params = Object.fromEntries(only(j, 'aws_config_remediation_configuration').parameter.map((p: any) => [p.name, p.static_value ?? p.static_values]));
/** A policy as AWS gets it: `$${` in Terraform JSON is a literal `${`. */
const policy = (text: string) => JSON.parse(text.replace(/\$\$\{/g, '${'));

test('three stacks, the log archive first (it deploys first): the archive, the management account, the member', () => {
  expect(stacks.map((s) => s.name)).toEqual([
    'cloudtrail-guard-log-archive-444444444444-us-east-1',
    'cloudtrail-guard-111111111111-us-east-1',
    'cloudtrail-guard-222222222222-us-east-1',
  ]);
  expect(ARCHIVE.terraform.backend.s3.key).toBe('cloudtrail-guard-org/log-archive/444444444444/us-east-1/terraform.tfstate');
  expect(j.terraform.backend.s3.key).toBe('cloudtrail-guard-org/111111111111/us-east-1/terraform.tfstate');
  expect(MEMBER.terraform.backend.s3.key).toBe('cloudtrail-guard-org/222222222222/us-east-1/terraform.tfstate');
});

test('the organization trail delivers to the archive bucket, prefix and key (by the alias ARN, FC-07), after its topic and log group', () => {
  const trail = only(j, 'aws_cloudtrail');
  expect(trail).toMatchObject({
    is_organization_trail: true,
    s3_bucket_name: ARCHIVE_BUCKET,
    s3_key_prefix: 'logs',
    kms_key_id: KEY,
    sns_topic_name: 'org-audit-deliveries',
    cloud_watch_logs_group_arn: 'arn:aws:logs:us-east-1:111111111111:log-group:/aws/cloudtrail/org-audit:*',
    cloud_watch_logs_role_arn: `\${${addressIn(j, 'aws_iam_role', 'log-group')}.arn}`,
    lifecycle: { prevent_destroy: true },
  });
  // The archive's bucket policy and key are in the log-archive stack, applied first; nothing here to wait for.
  expect(trail.depends_on).toEqual([
    addressOf(j, 'aws_sns_topic_policy'),
    addressOf(j, 'aws_cloudwatch_log_group'),
    addressIn(j, 'aws_iam_role_policy', 'log-group'),
  ]);
  expect(j.data.aws_kms_key.log_archive_key.key_id).toBe('arn:aws:kms:us-east-1:444444444444:alias/cloudtrail-guard-archive');
  expect(j.locals).toEqual({ log_archive_key_arn: '${data.aws_kms_key.log_archive_key.arn}' });
  for (const t of ['aws_s3_bucket', 'aws_s3_bucket_policy', 'aws_kms_key', 'aws_kms_alias']) expect(resources(j, t)).toEqual([]);
});

test('the remediation and the fast path send the same runbook parameters: the archive, the organization flag on', () => {
  expect(params).toMatchObject({
    TrailName: 'org-audit',
    S3BucketName: ARCHIVE_BUCKET,
    S3KeyPrefix: 'logs',
    KmsKeyId: KEY,
    IsOrganizationTrail: 'true',
    SnsTopicARN: 'arn:aws:sns:us-east-1:111111111111:org-audit-deliveries',
    CloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:111111111111:log-group:/aws/cloudtrail/org-audit:*',
  });
  const input = JSON.parse(only(j, 'aws_cloudwatch_event_target').input);
  expect(input).toEqual(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, [v].flat()])));
  expect(only(j, 'aws_cloudwatch_event_target').arn).toBe(
    'arn:aws:ssm:us-east-1:111111111111:automation-definition/${aws_ssm_document.runbook_document.name}:$DEFAULT',
  );
  expect(only(j, 'aws_config_config_rule').input_parameters).toBe(JSON.stringify({ s3BucketName: ARCHIVE_BUCKET }));
});

test("the automation role describes the archive key, and may pass only the CloudWatch Logs role, only to CloudTrail; the guard's roles sit on /cloudtrail-guard/", () => {
  const p = JSON.parse(ofConstruct(j, 'aws_iam_role_policy', 'automation-role').policy);
  expect(p.Statement.find((s: any) => s.Sid === 'DescribeTrailKey')).toEqual({
    Sid: 'DescribeTrailKey',
    Effect: 'Allow',
    Action: 'kms:DescribeKey',
    Resource: KEY,
  });
  const pass = p.Statement.filter((s: any) => [s.Action].flat().includes('iam:PassRole'));
  expect(pass).toHaveLength(1);
  expect(pass[0].Resource).toBe(`\${${addressIn(j, 'aws_iam_role', 'log-group')}.arn}`);
  expect(pass[0].Condition.StringEquals['iam:PassedToService']).toBe('cloudtrail.amazonaws.com');
  expect(resources(j, 'aws_iam_role').map(([, r]) => [r.name, r.path]).sort()).toEqual([
    ['cloudtrail-guard-automation-us-east-1', '/cloudtrail-guard/'],
    ['cloudtrail-guard-cloudwatch-logs-us-east-1', '/cloudtrail-guard/'],
    ['cloudtrail-guard-fast-path-us-east-1', '/cloudtrail-guard/'],
  ]);
  // Each inline policy is replaced with its role (a role is replaced when its path changes).
  for (const [id, rp] of resources(j, 'aws_iam_role_policy')) {
    const role = /^\$\{(aws_iam_role\.[a-z_]+)\.name\}$/.exec(rp.role)![1];
    expect([id, rp.lifecycle]).toEqual([id, { replace_triggered_by: [`${role}.unique_id`] }]);
  }
});

test('the tamper SCP is guardTamperScp of the configured patterns, attached to the root, and names no account', () => {
  const scp = only(j, 'aws_organizations_policy');
  expect(scp.type).toBe('SERVICE_CONTROL_POLICY');
  const doc = JSON.parse(scp.content);
  expect(doc).toEqual(
    guardTamperScp({
      partition: 'aws',
      trailNames: ['org-audit'],
      deploymentRolePatterns: ['arn:aws:iam::*:role/cloudtrail-guard-deployer'],
      breakGlassRolePatterns: ['arn:aws:iam::*:role/break-glass'],
    }),
  );
  expect(scp.content).not.toMatch(/\d{12}/);
  expect(resources(j, 'aws_organizations_policy_attachment').map(([, a]) => a.target_id)).toEqual(['r-ab12']);
});

test('the member only detects: the cloudtrail-enabled rule, tagged for the SCP, checking the archive bucket; no trail, bucket, key, role or runbook', () => {
  expect(Object.keys(MEMBER.resource)).toEqual(['aws_config_config_rule']);
  expect(MEMBER.data).toBeUndefined();
  expect(only(MEMBER, 'aws_config_config_rule')).toMatchObject({
    name: 'cloudtrail-enabled',
    source: { owner: 'AWS', source_identifier: 'CLOUD_TRAIL_ENABLED' },
    input_parameters: JSON.stringify({ s3BucketName: ARCHIVE_BUCKET }),
    maximum_execution_frequency: 'One_Hour',
    tags: { 'cloudtrail-guard:protected': 'true' },
  });
  expect(MEMBER.provider.aws[0]).toMatchObject({
    region: 'us-east-1',
    allowed_account_ids: ['222222222222'],
    assume_role: [{ role_arn: 'arn:aws:iam::222222222222:role/cloudtrail-guard-deployer', session_name: 'cloudtrail-guard' }],
  });
  expect(Object.keys(MEMBER.output)).toEqual(['config_rule_name']);
});

test("FC-02: the archive bucket policy lets the organization trail write its two paths, pinned by its ARN; no account trail writes", () => {
  const p = policy(ofConstruct(ARCHIVE, 'aws_s3_bucket_policy', 'archive_policy').policy);
  const puts = p.Statement.filter((s: any) => s.Action === 's3:PutObject');
  expect(puts.map((s: any) => s.Sid)).toEqual(['AWSCloudTrailWriteOrganizationTrail']);
  expect(puts[0].Resource).toEqual([
    `arn:aws:s3:::${ARCHIVE_BUCKET}/logs/AWSLogs/o-abc123def4/*`,
    `arn:aws:s3:::${ARCHIVE_BUCKET}/logs/AWSLogs/111111111111/*`,
  ]);
  expect(puts[0].Condition.StringEquals).toEqual({ 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': TRAIL_ARN });
  expect(new Set(conditionValues(p, 'aws:SourceArn'))).toEqual(new Set([TRAIL_ARN]));
});

test('FC-06: the archive key lets CloudTrail encrypt for the organization trail, and the management account describe the key (its stack reads it by alias)', () => {
  const key = policy(only(ARCHIVE, 'aws_kms_key').policy);
  expect(key.Statement.map((s: any) => s.Sid)).toEqual([
    'EnableRootAdministration',
    'AllowCloudTrailEncryptOrganizationTrail',
    'AllowCloudTrailDescribeKey',
    'AllowCloudTrailDecryptOrganizationTrail',
    'AllowManagementAccountDescribeKey',
    'AllowLogReadersDecrypt',
    'DenyKeyDestruction',
    'DenyKeyAdministration',
  ]);
  expect(key.Statement.find((s: any) => s.Sid === 'AllowManagementAccountDescribeKey').Condition).toEqual({
    StringEquals: { 'kms:CallerAccount': '111111111111' },
  });
  expect(only(ARCHIVE, 'aws_kms_alias').name).toBe('alias/cloudtrail-guard-archive');
});

test('the configuration these stacks come from: the member is detection-only, the archive serves only the organization trail', () => {
  const c = loadConfig(example('organization.yaml'));
  expect(c.accounts.map((a) => a.detectionOnly)).toEqual([false, true]);
  expect(c.logArchive?.served).toBeUndefined();
});
