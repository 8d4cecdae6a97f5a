/**
 * The policies under test, built two ways:
 * - from the pure functions in modules/policies, fed by `loadConfig` / `parseConfig` (so the prefix normalisation of
 *   FC-01 is part of what is tested);
 * - from the synthesized stack of examples/single-account.yaml (the JSON Terraform would apply).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, parseConfig } from '../../config';
import type { AccountConfig, GuardConfig } from '../../config/types';
import { automationPermissionsPolicy, automationTrustPolicy } from '../../modules/policies/automation-role-policy';
import { logBucketPolicy } from '../../modules/policies/log-bucket-policy';
import { trailKeyPolicy } from '../../modules/policies/trail-key-policy';
import { cloudWatchLogsTrustPolicy } from '../../modules/policies/trail-notifications-policy';
import { CWL_ROLE_ARN, KEY_ARN, MEMBER, ORG_ID, type Setup } from './cases';
import type { PolicySet } from './simulate';

export const ROOT = join(__dirname, '..', '..');
export const SINGLE_ACCOUNT = join(ROOT, 'examples', 'single-account.yaml');

/** The organization setup: 111111111111 manages o-abc123def4 and owns the organization trail; 222222222222 is a member. */
export const ORGANIZATION_YAML = `
estate: example
state:
  backend: local
organization:
  id: ${ORG_ID}
  managementAccountId: "111111111111"
accounts:
  - accountId: "111111111111"
    homeRegion: us-east-1
    trail:
      name: org-audit
      isOrganizationTrail: true
      cloudWatchLogs:
        retentionInDays: 365
    logBucket:
      name: ct-logs-111111111111
      s3KeyPrefix: logs
  - accountId: "${MEMBER}"
    homeRegion: us-east-1
    logBucket:
      name: ct-logs-${MEMBER}
`;

/** The configuration of a setup, through the real loader. */
export function configFor(setup: Setup): { config: GuardConfig; account: AccountConfig } {
  let config: GuardConfig;
  if (setup === 'account') config = loadConfig(SINGLE_ACCOUNT);
  else if (setup === 'organization') config = parseConfig(ORGANIZATION_YAML, 'organization.yaml');
  else {
    const written = setup.replace(/^prefix /, '');
    const text = readFileSync(SINGLE_ACCOUNT, 'utf8');
    if (!/^ {6}s3KeyPrefix: logs$/m.test(text))
      throw new Error('examples/single-account.yaml no longer has s3KeyPrefix: logs');
    config = parseConfig(
      text.replace(/^( {6}s3KeyPrefix:) logs$/m, `$1 ${JSON.stringify(written)}`),
      `single-account (${setup}).yaml`,
    );
  }
  return { config, account: config.accounts[0] };
}

/** The policies of a setup, from the pure functions. */
export function pureSet(setup: Setup): PolicySet {
  const { config, account } = configFor(setup);
  const organization = account.trail.isOrganizationTrail ? config.organization : undefined;
  const common = {
    partition: account.partition,
    region: account.homeRegion,
    accountId: account.accountId,
    trailArn: account.trail.arn,
  };
  return {
    bucket: logBucketPolicy({
      ...common,
      bucketName: account.logBucket.name,
      s3KeyPrefix: account.logBucket.s3KeyPrefix,
      organization,
    }),
    key: trailKeyPolicy({ ...common, organization }),
    trust: automationTrustPolicy({ partition: account.partition, accountId: account.accountId }),
    cwlTrust: account.trail.cloudWatchLogs ? cloudWatchLogsTrustPolicy() : undefined,
    permissions: automationPermissionsPolicy({
      ...common,
      allowTagging: true, // the stack's runbook tags a trail it re-creates (TrailTags)
      bucketArn: account.logBucket.arn,
      kmsKeyArn: KEY_ARN,
      isOrganizationTrail: account.trail.isOrganizationTrail,
      cloudWatchLogsRoleArn: account.trail.cloudWatchLogs ? CWL_ROLE_ARN : undefined,
    }),
  };
}

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/**
 * Replaces Terraform references to the stack's own KMS key by {@link KEY_ARN}, and to its CloudWatch Logs role by
 * {@link CWL_ROLE_ARN} (the simulator needs ARNs).
 */
function resolveKeyReferences(json: string): string {
  return json
    .replace(/\$\{aws_kms_key\.[A-Za-z0-9_-]+\.arn\}/g, KEY_ARN)
    .replace(/\$\{aws_iam_role\.log_group_role\.arn\}/g, CWL_ROLE_ARN);
}

function parsePolicy(value: unknown, where: string): PolicySet['bucket'] {
  if (typeof value !== 'string') throw new Error(`${where}: the policy is not a JSON string`);
  const text = resolveKeyReferences(value);
  if (text.includes('${')) throw new Error(`${where}: unresolved Terraform reference in the policy: ${text}`);
  return JSON.parse(text) as PolicySet['bucket'];
}

function only(resources: Resources, type: string): Record<string, unknown> {
  const found = Object.values(resources[type] ?? {});
  if (found.length !== 1) throw new Error(`expected exactly one ${type} in the stack, found ${found.length}`);
  return found[0];
}

/**
 * The policies as synthesized in a stack's Terraform JSON (`cdk.tf.json`, parsed): the bucket policy of
 * `aws_s3_bucket_policy`, the key policy of `aws_kms_key` (or `aws_kms_key_policy`), and the automation role's trust
 * policy (`aws_iam_role.assume_role_policy`) and permissions (`aws_iam_role_policy`, or `aws_iam_policy`), and the
 * CloudWatch Logs role's trust policy where there is one.
 */
export function synthesizedSet(stack: { resource: Resources }): PolicySet {
  const r = stack.resource;
  const keyPolicy = r.aws_kms_key_policy ? only(r, 'aws_kms_key_policy').policy : only(r, 'aws_kms_key').policy;
  // The automation role is the one named by config/naming.ts (cloudtrail-guard-automation-<region>); other roles in
  // the stack (Config recorder, fast path) are not under test here.
  const roles = Object.entries(r.aws_iam_role ?? {}).filter(([, x]) =>
    /^cloudtrail-guard-automation-[a-z0-9-]+$/.test(String(x.name)),
  );
  if (roles.length !== 1) throw new Error(`expected one automation role, found ${roles.length}`);
  const [roleId, role] = roles[0];
  const inline = Object.values(r.aws_iam_role_policy ?? {}).filter((x) =>
    String(x.role).includes(`aws_iam_role.${roleId}.`),
  );
  if (inline.length !== 1)
    throw new Error(`expected one inline policy on aws_iam_role.${roleId}, found ${inline.length}`);
  const cwlRoles = Object.values(r.aws_iam_role ?? {}).filter((x) => /^cloudtrail-guard-cloudwatch-logs-[a-z0-9-]+$/.test(String(x.name)));
  if (cwlRoles.length > 1) throw new Error(`expected at most one CloudWatch Logs role, found ${cwlRoles.length}`);
  return {
    cwlTrust: cwlRoles.length ? parsePolicy(cwlRoles[0].assume_role_policy, 'CloudWatch Logs role assume_role_policy') : undefined,
    bucket: parsePolicy(only(r, 'aws_s3_bucket_policy').policy, 'aws_s3_bucket_policy'),
    key: parsePolicy(keyPolicy, 'key policy'),
    trust: parsePolicy(role.assume_role_policy, 'aws_iam_role.assume_role_policy'),
    permissions: parsePolicy(inline[0].policy, 'automation role policy'),
  };
}
