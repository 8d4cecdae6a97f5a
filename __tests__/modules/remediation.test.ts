import { parse } from 'yaml';
import { CloudTrailEnabledRule } from '../../modules/cloudtrail-enabled-rule';
import {
  TrailRemediation,
  remediationParameters,
  trailRemediationParameters,
  type RemediationParameters,
} from '../../modules/remediation-configuration';
import { RunbookDocument, readRunbook } from '../../modules/runbook-document';
import { ACCOUNT, BUCKET, MEMBER, accountConfig, bareStack, only, ref, synth } from './helpers';

const KEY_ARN = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ROLE_ARN = 'arn:aws:iam::111111111111:role/cloudtrail-guard-automation-us-east-1';

describe('remediationParameters (FC-08)', () => {
  it('sorted by name; one value → static_value, two or more → static_values; RESOURCE_ID as resource_value', () => {
    const blocks = remediationParameters({
      TrailName: { staticValue: 'org-audit' },
      AutomationAssumeRole: { staticValues: [ROLE_ARN] },
      Regions: { staticValues: ['us-east-1', 'eu-west-1'] },
      AccountId: { resourceValue: 'RESOURCE_ID' },
    });
    expect(blocks).toEqual([
      { name: 'AccountId', resourceValue: 'RESOURCE_ID' },
      { name: 'AutomationAssumeRole', staticValue: ROLE_ARN },
      { name: 'Regions', staticValues: ['us-east-1', 'eu-west-1'] },
      { name: 'TrailName', staticValue: 'org-audit' },
    ]);
  });
  it('both a resource value and a static value is an error naming the parameter', () => {
    const bad = { TrailName: { resourceValue: 'RESOURCE_ID', staticValue: 'org-audit' } } as unknown as RemediationParameters;
    expect(() => remediationParameters(bad)).toThrow('remediation parameter TrailName: has both a resource value and a static value');
    const bad2 = { X: { resourceValue: 'RESOURCE_ID', staticValues: ['a', 'b'] } } as unknown as RemediationParameters;
    expect(() => remediationParameters(bad2)).toThrow(/parameter X: has both/);
  });
  it('an empty list, no value, or a non-string value is an error', () => {
    expect(() => remediationParameters({ X: { staticValues: [] } })).toThrow(/parameter X: staticValues is empty/);
    expect(() => remediationParameters({ X: {} } as unknown as RemediationParameters)).toThrow(/parameter X: give exactly one/);
    expect(() => remediationParameters({ X: { staticValue: true } } as unknown as RemediationParameters)).toThrow(/"true"\/"false"/);
  });
});

describe('trailRemediationParameters', () => {
  it('FC-07 / FC-10 / FC-11: static values only; key ARN; booleans as "true"/"false"; account mode is not an organization trail', () => {
    const { account } = accountConfig();
    expect(trailRemediationParameters(account, KEY_ARN, ROLE_ARN)).toEqual({
      AutomationAssumeRole: { staticValue: ROLE_ARN },
      TrailName: { staticValue: 'org-audit' },
      S3BucketName: { staticValue: BUCKET },
      S3KeyPrefix: { staticValue: 'logs' },
      KmsKeyId: { staticValue: KEY_ARN },
      IsMultiRegionTrail: { staticValue: 'true' },
      IsOrganizationTrail: { staticValue: 'false' },
      IncludeGlobalServiceEvents: { staticValue: 'true' },
      EnableLogFileValidation: { staticValue: 'true' },
    });
  });
  it('S3KeyPrefix is left out when there is none', () => {
    const { account } = accountConfig({ prefix: '' });
    expect(trailRemediationParameters(account, KEY_ARN, ROLE_ARN)).not.toHaveProperty('S3KeyPrefix');
  });
  it('FC-07: refuses an alias as KmsKeyId', () => {
    const { account } = accountConfig();
    expect(() => trailRemediationParameters(account, 'alias/cloudtrail-logs', ROLE_ARN)).toThrow(/not the alias/);
    expect(() => trailRemediationParameters(account, 'arn:aws:kms:us-east-1:111111111111:alias/cloudtrail-logs', ROLE_ARN)).toThrow(/not the alias/);
  });
  it('organization trail: IsOrganizationTrail "true"', () => {
    const { account } = accountConfig({
      trail: '      isOrganizationTrail: true\n',
      top: 'organization:\n  id: o-abc123def4\n  managementAccountId: "111111111111"\n',
    });
    expect(trailRemediationParameters(account, KEY_ARN, ROLE_ARN).IsOrganizationTrail).toEqual({ staticValue: 'true' });
  });
  it('SNS and CloudWatch Logs when configured; CloudWatch Logs needs the role', () => {
    const { account } = accountConfig({ trail: '      snsTopicName: ct-topic\n      cloudWatchLogs:\n        logGroupName: ct-logs\n' });
    expect(() => trailRemediationParameters(account, KEY_ARN, ROLE_ARN)).toThrow(/no cloudWatchLogsRoleArn/);
    const p = trailRemediationParameters(account, KEY_ARN, ROLE_ARN, { cloudWatchLogsRoleArn: 'arn:aws:iam::111111111111:role/ct-cwl' });
    expect(p.SnsTopicARN).toEqual({ staticValue: 'arn:aws:sns:us-east-1:111111111111:ct-topic' });
    expect(p.CloudWatchLogsLogGroupArn).toEqual({ staticValue: 'arn:aws:logs:us-east-1:111111111111:log-group:ct-logs:*' });
    expect(p.CloudWatchLogsRoleArn).toEqual({ staticValue: 'arn:aws:iam::111111111111:role/ct-cwl' });
  });
  it('every parameter it sends is declared by the runbook; Boolean ones are declared type Boolean', () => {
    const runbook = parse(readRunbook()) as { assumeRole: string; parameters: Record<string, { type: string }> };
    expect(runbook.assumeRole.replace(/\s/g, '')).toBe('{{AutomationAssumeRole}}');
    const { account } = accountConfig({ trail: '      snsTopicName: ct-topic\n      cloudWatchLogs:\n        logGroupName: ct-logs\n' });
    const p = trailRemediationParameters(account, KEY_ARN, ROLE_ARN, { cloudWatchLogsRoleArn: 'arn:aws:iam::111111111111:role/ct-cwl' });
    for (const [name, value] of Object.entries(p)) {
      expect(Object.keys(runbook.parameters)).toContain(name);
      const v = (value as { staticValue: string }).staticValue;
      if (v === 'true' || v === 'false') expect(`${name}: ${runbook.parameters[name].type}`).toBe(`${name}: Boolean`);
    }
  });
});

describe('TrailRemediation', () => {
  function build(accountId = ACCOUNT, extra: Partial<ConstructorParameters<typeof TrailRemediation>[2]> = {}) {
    const stack = bareStack();
    const { account } = accountConfig({ accountId });
    const rule = new CloudTrailEnabledRule(stack, 'rule', { s3BucketName: BUCKET });
    const runbook = new RunbookDocument(stack, 'runbook', { documentName: 'cloudtrail-guard-enable-trail' });
    const roleArn = `arn:aws:iam::${accountId}:role/cloudtrail-guard-automation-us-east-1`;
    const keyArn = `arn:aws:kms:us-east-1:${accountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const r = new TrailRemediation(stack, 'remediation', {
      configRule: rule.rule,
      document: runbook.document,
      parameters: trailRemediationParameters(account, keyArn, roleArn),
      ...extra,
    });
    return { json: synth(stack), rule, runbook, r, roleArn, keyArn };
  }

  it('refers to the rule and the document by reference (FC-15), with the secure defaults', () => {
    const { json, rule, runbook } = build();
    const rem = only(json, 'aws_config_remediation_configuration');
    expect(rem.config_rule_name).toBe(`\${${ref(rule.rule)}.name}`);
    expect(rem.target_type).toBe('SSM_DOCUMENT');
    expect(rem.target_id).toBe(`\${${ref(runbook.document)}.name}`);
    expect(rem.target_version).toBe(`\${${ref(runbook.document)}.default_version}`);
    expect(rem.automatic).toBe(true);
    expect(rem.maximum_automatic_attempts).toBe(5);
    expect(rem.retry_attempt_seconds).toBe(60);
    expect(rem.execution_controls).toEqual({ ssm_controls: { concurrent_execution_rate_percentage: 10, error_percentage: 10 } });
  });

  it('FC-08 / FC-09: parameter blocks sorted, each a static_value, AutomationAssumeRole is this account\'s role', () => {
    for (const accountId of [ACCOUNT, MEMBER]) {
      const { json, roleArn, keyArn } = build(accountId);
      const rem = only(json, 'aws_config_remediation_configuration');
      const names = rem.parameter.map((p: { name: string }) => p.name);
      expect(names).toEqual([...names].sort());
      expect(rem.parameter).toEqual([
        { name: 'AutomationAssumeRole', static_value: roleArn },
        { name: 'EnableLogFileValidation', static_value: 'true' },
        { name: 'IncludeGlobalServiceEvents', static_value: 'true' },
        { name: 'IsMultiRegionTrail', static_value: 'true' },
        { name: 'IsOrganizationTrail', static_value: 'false' },
        { name: 'KmsKeyId', static_value: keyArn },
        { name: 'S3BucketName', static_value: BUCKET },
        { name: 'S3KeyPrefix', static_value: 'logs' },
        { name: 'TrailName', static_value: 'org-audit' },
      ]);
      expect(JSON.stringify(rem.parameter)).not.toContain('static_values');
    }
  });

  it('FC-08: a one-element list for AutomationAssumeRole is emitted as static_value', () => {
    const { json } = build(ACCOUNT, { parameters: { AutomationAssumeRole: { staticValues: [ROLE_ARN] } } });
    expect(only(json, 'aws_config_remediation_configuration').parameter).toEqual([{ name: 'AutomationAssumeRole', static_value: ROLE_ARN }]);
  });

  it('FC-08: both kinds at once fails at synth time', () => {
    expect(() =>
      build(ACCOUNT, { parameters: { AutomationAssumeRole: { staticValue: ROLE_ARN, resourceValue: 'RESOURCE_ID' } } as unknown as RemediationParameters }),
    ).toThrow(/AutomationAssumeRole: has both/);
  });

  it('refuses out-of-range attempts and percentages', () => {
    expect(() => build(ACCOUNT, { maximumAutomaticAttempts: 26 })).toThrow(/from 1 to 25/);
    expect(() => build(ACCOUNT, { executionControls: { errorPercentage: 0 } })).toThrow(/errorPercentage 0/);
  });
});
