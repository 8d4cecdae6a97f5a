/**
 * The organization example: an organization trail in the management account, with SNS, CloudWatch Logs, the fast
 * path and the tamper-prevention SCP. Field cases FC-02 and FC-06 (organization), FC-04 and FC-05 across the extras.
 */
import { addressIn, addressOf, conditionValues, example, ofConstruct, only, resources, synthFile } from '../support/synth';

const [stack] = synthFile(example('organization.yaml'));
const j = stack.json;
const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit';
const params = Object.fromEntries(
  only(j, 'aws_config_remediation_configuration').parameter.map((p: any) => [p.name, p.static_value ?? p.static_values]),
);

test('the trail is an organization trail that also delivers to SNS and CloudWatch Logs, after their policies exist', () => {
  const trail = only(j, 'aws_cloudtrail');
  expect(trail.is_organization_trail).toBe(true);
  expect(trail.sns_topic_name).toBe('org-audit-deliveries');
  expect(trail.cloud_watch_logs_group_arn).toBe('arn:aws:logs:us-east-1:111111111111:log-group:/aws/cloudtrail/org-audit:*');
  expect(trail.cloud_watch_logs_role_arn).toBe(`\${${addressIn(j, 'aws_iam_role', 'log-group')}.arn}`);
  expect(trail.depends_on).toEqual([
    addressOf(j, 'aws_s3_bucket_policy'),
    addressOf(j, 'aws_kms_key'),
    addressOf(j, 'aws_sns_topic_policy'),
    addressOf(j, 'aws_cloudwatch_log_group'),
    addressIn(j, 'aws_iam_role_policy', 'log-group'),
  ]);
  expect(only(j, 'aws_cloudwatch_log_group')).toMatchObject({ name: '/aws/cloudtrail/org-audit', retention_in_days: 400, lifecycle: { prevent_destroy: true } });
});

test('FC-02: the bucket policy allows the organization path and the management account path', () => {
  const policy = JSON.parse(only(j, 'aws_s3_bucket_policy').policy);
  const puts = policy.Statement.filter((s: any) => s.Action === 's3:PutObject').flatMap((s: any) => [s.Resource].flat());
  expect(puts.sort()).toEqual([
    'arn:aws:s3:::ct-logs-111111111111/logs/AWSLogs/111111111111/*',
    'arn:aws:s3:::ct-logs-111111111111/logs/AWSLogs/o-abc123def4/*',
  ]);
  for (const s of policy.Statement.filter((st: any) => st.Action === 's3:PutObject')) {
    expect(s.Condition.StringEquals['s3:x-amz-acl']).toBe('bucket-owner-full-control');
  }
  expect(new Set(conditionValues(policy, 'aws:SourceArn'))).toEqual(new Set([TRAIL_ARN]));
});

test('the remediation and the fast path send the same runbook parameters, with the organization flag on', () => {
  expect(params.IsOrganizationTrail).toBe('true');
  expect(params.SnsTopicARN).toBe('arn:aws:sns:us-east-1:111111111111:org-audit-deliveries');
  expect(params.CloudWatchLogsLogGroupArn).toBe('arn:aws:logs:us-east-1:111111111111:log-group:/aws/cloudtrail/org-audit:*');
  const input = JSON.parse(only(j, 'aws_cloudwatch_event_target').input);
  expect(input).toEqual(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])));
  expect(only(j, 'aws_cloudwatch_event_target').arn).toBe(
    'arn:aws:ssm:us-east-1:111111111111:automation-definition/${aws_ssm_document.runbook_document.name}:$DEFAULT',
  );
});

test('the automation role may pass only the CloudWatch Logs role, only to CloudTrail', () => {
  const policy = JSON.parse(ofConstruct(j, 'aws_iam_role_policy', 'automation-role').policy);
  const pass = policy.Statement.filter((s: any) => [s.Action].flat().includes('iam:PassRole'));
  expect(pass).toHaveLength(1);
  expect(pass[0].Resource).toBe(`\${${addressIn(j, 'aws_iam_role', 'log-group')}.arn}`);
  expect(pass[0].Condition.StringEquals['iam:PassedToService']).toBe('cloudtrail.amazonaws.com');
});

test('the tamper-prevention SCP denies changes to the trail except to the exempt roles, attached to the root', () => {
  const scp = only(j, 'aws_organizations_policy');
  expect(scp.type).toBe('SERVICE_CONTROL_POLICY');
  const doc = JSON.parse(scp.content);
  const deny = doc.Statement.find((s: any) => s.Effect === 'Deny');
  expect([deny.Action].flat().sort()).toEqual([
    'cloudtrail:DeleteTrail',
    'cloudtrail:PutEventSelectors',
    'cloudtrail:PutInsightSelectors',
    'cloudtrail:StopLogging',
    'cloudtrail:UpdateTrail',
  ]);
  expect([deny.Resource].flat()).toEqual(['arn:aws:cloudtrail:*:*:trail/org-audit']);
  expect(deny.Condition).toEqual({
    ArnNotLike: {
      'aws:PrincipalArn': ['arn:aws:iam::222222222222:role/break-glass', 'arn:aws:iam::111111111111:role/cloudtrail-guard-automation-us-east-1'],
    },
  });
  expect(JSON.stringify(deny.Condition)).not.toContain('*');
  // The exempt roles themselves, the runbook and the fast-path rule cannot be changed by anyone but the admins.
  const guard = doc.Statement.find((s: any) => s.Sid === 'DenyGuardTampering');
  expect(guard.Resource).toEqual([
    'arn:aws:iam::*:role/cloudtrail-guard-*',
    'arn:aws:ssm:*:*:document/cloudtrail-guard-*',
    'arn:aws:events:*:*:rule/cloudtrail-guard-*',
  ]);
  expect(guard.Action).toEqual(expect.arrayContaining(['iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'ssm:UpdateDocument', 'events:DisableRule']));
  expect(guard.Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::222222222222:role/break-glass'] } });
  const attachments = resources(j, 'aws_organizations_policy_attachment').map(([, a]) => a.target_id);
  expect(attachments).toEqual(['r-ab12']);
});
