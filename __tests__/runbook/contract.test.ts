/**
 * FC-11, FC-04, FC-09, FC-10: the contract between the remediation configuration and the runbook. The remediation side is
 * `trailRemediationParameters` (modules/remediation-configuration.ts) for every account of every example config, plus
 * a config with the optional settings (SNS topic, CloudWatch Logs).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, parseConfig } from '../../config/load';
import type { AccountConfig } from '../../config/types';
import { trailRemediationParameters, type RemediationParameters } from '../../modules/remediation-configuration';
import { loadRunbook } from '../../runbook/document/document';
import { checkParameterValue, convertParameter, resolveParameters, type RawParameterValue } from '../../runbook/document/parameters';

const ROOT = join(__dirname, '..', '..');
const example = (f: string): string => join(ROOT, 'examples', f);
const deployedRunbook = loadRunbook;
/** A key ARN of the account's home Region (the stack's key ARN is a Terraform token). */
const keyArnFor = (a: AccountConfig): string =>
  a.kmsKey.existingKeyArn ?? `arn:${a.partition}:kms:${a.homeRegion}:${a.accountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
/** What AWS Config sends: each static value as a string, static values as a list. */
const toRawParameters = (p: RemediationParameters): Record<string, RawParameterValue> =>
  Object.fromEntries(
    Object.entries(p).map(([k, v]) => [k, 'staticValue' in v ? v.staticValue : 'staticValues' in v ? [...v.staticValues] : 'RESOURCE_ID']),
  );

const examples = readdirSync(`${ROOT}/examples`).filter((f) => f.endsWith('.yaml'));

const optionalSettings = parseConfig(
  `estate: optional
state: { backend: local }
accounts:
  - accountId: "444444444444"
    homeRegion: eu-central-1
    trail: { name: audit.trail_1, snsTopicName: trail-deliveries, cloudWatchLogs: { logGroupName: /aws/cloudtrail/audit } }
    logBucket: { name: logs-444444444444, s3KeyPrefix: /a/b/ }
`,
  'inline.yaml',
);

const accounts: Array<[string, AccountConfig]> = [
  ...examples.flatMap((f) =>
    loadConfig(example(f)).accounts.map((a): [string, AccountConfig] => [`${f} ${a.accountId}`, a]),
  ),
  ['inline (SNS, CloudWatch Logs, prefix /a/b/) 444444444444', optionalSettings.accounts[0]],
];

const remediationFor = (a: AccountConfig) =>
  trailRemediationParameters(a, keyArnFor(a), a.automationRole.arn, {
    cloudWatchLogsRoleArn: `arn:${a.partition}:iam::${a.accountId}:role/cloudtrail-guard-cloudwatch-${a.homeRegion}`,
  });

describe('FC-11: every static value the remediation sends is accepted by the runbook, exactly', () => {
  const runbook = deployedRunbook();
  const defs = runbook.parameters!;

  it('covers the example files', () => {
    expect(examples).toEqual(expect.arrayContaining(['multi-account.yaml', 'organization.yaml', 'single-account.yaml']));
    expect(accounts.length).toBeGreaterThanOrEqual(6);
  });

  it.each(accounts)('%s', (_name, account) => {
    const sent = remediationFor(account);
    const raw = toRawParameters(sent);

    // Every parameter the remediation sends exists in the runbook.
    expect(Object.keys(sent).filter((k) => !(k in defs))).toEqual([]);
    // Every required runbook parameter (no default) is sent.
    expect(
      Object.entries(defs)
        .filter(([k, d]) => d.default === undefined && !(k in sent))
        .map(([k]) => k),
    ).toEqual([]);

    // Each value is accepted by its parameter's type, allowedValues and allowedPattern, exactly.
    for (const [k, v] of Object.entries(raw)) {
      const c = convertParameter(defs[k].type, v);
      expect([k, c.error]).toEqual([k, undefined]);
      expect([k, checkParameterValue(k, defs[k], c.value!)]).toEqual([k, []]);
    }
    // Booleans are sent as exactly "true" / "false".
    for (const [k, d] of Object.entries(defs))
      if (d.type === 'Boolean' && k in raw) expect(['true', 'false']).toContain(raw[k]);

    // And the executor starts with them: the values the runbook works with.
    const resolved = resolveParameters(runbook, raw);
    expect(resolved).toMatchObject({
      AutomationAssumeRole: account.automationRole.arn,
      TrailName: account.trail.name, // FC-04: the runbook's trail name is the remediation's (and Terraform's)
      S3BucketName: account.logBucket.name,
      S3KeyPrefix: account.logBucket.s3KeyPrefix,
      KmsKeyId: keyArnFor(account),
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsOrganizationTrail: account.trail.isOrganizationTrail,
    });
    // FC-09: the role is this stack's own account's.
    expect(String(resolved.AutomationAssumeRole).split(':')[4]).toBe(account.accountId);
    // FC-10: no value comes from RESOURCE_ID (the account ID is not a trail name).
    expect(Object.values(sent).some((v) => 'resourceValue' in v)).toBe(false);
  });

  it('sends the optional settings when configured, and the runbook accepts them', () => {
    const raw = toRawParameters(remediationFor(optionalSettings.accounts[0]));
    expect(raw).toMatchObject({
      S3KeyPrefix: 'a/b',
      SnsTopicARN: 'arn:aws:sns:eu-central-1:444444444444:trail-deliveries',
      CloudWatchLogsLogGroupArn: 'arn:aws:logs:eu-central-1:444444444444:log-group:/aws/cloudtrail/audit:*',
      CloudWatchLogsRoleArn: 'arn:aws:iam::444444444444:role/cloudtrail-guard-cloudwatch-eu-central-1',
    });
    expect(() => resolveParameters(deployedRunbook(), raw)).not.toThrow();
  });
});

describe('FC-11: what the service refuses, the executor refuses', () => {
  const runbook = deployedRunbook();
  const account = loadConfig(example('single-account.yaml')).accounts[0];
  const good = toRawParameters(remediationFor(account));

  it.each([
    ['IsMultiRegionTrail', 'True', 'IsMultiRegionTrail (Boolean): a Boolean is exactly "true" or "false", got "True"'],
    [
      'IsOrganizationTrail',
      'FALSE',
      'IsOrganizationTrail (Boolean): a Boolean is exactly "true" or "false", got "FALSE"',
    ],
    ['IsMultiRegionTrail', 'false', 'IsMultiRegionTrail: false is not one of the allowedValues [true]'],
    [
      'EnableLogFileValidation',
      ['true', 'true'],
      'EnableLogFileValidation (Boolean): a Boolean is exactly "true" or "false", got ["true","true"]',
    ],
    ['KmsKeyId', 'alias/cloudtrail-logs', 'KmsKeyId: "alias/cloudtrail-logs" does not match the allowedPattern'],
    ['S3KeyPrefix', '/logs/', 'S3KeyPrefix: "/logs/" does not match the allowedPattern'],
    ['S3BucketName', 'CT-Logs-111111111111', 'S3BucketName: "CT-Logs-111111111111" does not match the allowedPattern'],
    [
      'AutomationAssumeRole',
      ['arn:aws:iam::111111111111:role/a', 'arn:aws:iam::111111111111:role/b'],
      'AutomationAssumeRole (String): a String takes exactly one value, got 2',
    ],
  ])('%s = %j', (name, value, message) => {
    expect(() => resolveParameters(runbook, { ...good, [name]: value as string })).toThrow(message);
  });

  it('refuses a parameter the runbook does not have, and a missing required one, together', () => {
    const rest = Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'TrailName'));
    expect(() => resolveParameters(runbook, { ...rest, AssumeRole: good.AutomationAssumeRole })).toThrow(
      /2 invalid parameters:\n {2}- AssumeRole: the runbook has no such parameter .*\n {2}- TrailName: required/,
    );
  });
});
