/**
 * Test harness: one account from an example config, the runbook parameters that its remediation configuration sends
 * (`trailRemediationParameters`), the bucket policy and key policy that its stack synthesizes (`logBucketPolicy`,
 * `trailKeyPolicy`), and a FakeCloudTrail that evaluates those policies. Runs the deployed runbook file.
 */
import { resolve } from 'node:path';
import { formatArn } from '../../config/arn';
import { loadConfig } from '../../config/load';
import type { AccountConfig, GuardConfig } from '../../config/types';
import { logBucketPolicy, type LogBucketPolicyProps } from '../../modules/policies/log-bucket-policy';
import { trailKeyPolicy } from '../../modules/policies/trail-key-policy';
import { policyJson } from '../../modules/policies/types';
import { trailRemediationParameters, type RemediationParameterValue } from '../../modules/remediation-configuration';
import { loadRunbook, RUNBOOK_PATH } from '../../runbook/executor/document';
import { runAutomation, SdkApiCaller, type ExecutionResult } from '../../runbook/executor/executor';
import type { RawParameterValue } from '../../runbook/executor/parameters';
import { DEFAULT_EVENT_SELECTORS, type TrailState } from '../../runbook/executor/trail-model';
import { FakeCloudTrail, type PolicyJson } from '../support/fake-cloudtrail';

export const ROOT = resolve(__dirname, '..', '..');
export const example = (name: string): string => resolve(ROOT, 'examples', name);

/** The runbook the stack deploys: the very file, read fresh. */
export const deployedRunbook = () => loadRunbook(RUNBOOK_PATH);

/** A key ARN in the account's home Region (a KMS key ID is a UUID). */
export const keyArnFor = (a: AccountConfig, id = '1234abcd-12ab-34cd-56ef-1234567890ab'): string =>
  formatArn({
    partition: a.partition,
    service: 'kms',
    region: a.homeRegion,
    account: a.accountId,
    resource: `key/${id}`,
  });

/** The role CloudTrail would assume to write to CloudWatch Logs (only sent when the trail uses CloudWatch Logs). */
export const cloudWatchLogsRoleArnFor = (a: AccountConfig): string =>
  formatArn({
    partition: a.partition,
    service: 'iam',
    region: '',
    account: a.accountId,
    resource: `role/cloudtrail-guard-cloudwatch-${a.homeRegion}`,
  });

/** Remediation parameter values as Config sends them to SSM: a static value is one string, static values a list. */
export function toRawParameters(
  p: Readonly<Record<string, RemediationParameterValue>>,
): Record<string, RawParameterValue> {
  const out: Record<string, RawParameterValue> = {};
  for (const [k, v] of Object.entries(p)) {
    if ('staticValue' in v) out[k] = v.staticValue;
    else if ('staticValues' in v) out[k] = [...v.staticValues];
    else
      throw new Error(
        `${k}: a resource value; cloudtrail-enabled's RESOURCE_ID is the account ID (FC-10), not used by this runbook`,
      );
  }
  return out;
}

export const parse = (doc: { Version: '2012-10-17' } & object): PolicyJson =>
  JSON.parse(policyJson(doc as never)) as PolicyJson;

/** Everything one scenario needs. */
export interface Scenario {
  readonly account: AccountConfig;
  readonly keyArn: string;
  readonly params: Record<string, RawParameterValue>;
  readonly fake: FakeCloudTrail;
  /** The trail the runbook must leave: the config's settings, logging, All management events. */
  readonly compliant: TrailState;
  /** Runs the deployed runbook once, in `region` (default: the home Region). */
  run(region?: string): Promise<ExecutionResult>;
}

/** Options of {@link scenario}. */
export interface ScenarioOptions {
  readonly file?: string;
  /** A loaded configuration, instead of `file`. */
  readonly config?: GuardConfig;
  readonly accountId?: string;
  /** Replaces props of the synthesized bucket policy (e.g. a policy without the prefix). */
  readonly bucketPolicy?: Partial<LogBucketPolicyProps>;
  /** Replaces the trail ARN the key policy names. */
  readonly keyPolicyTrailArn?: string;
  /** Extra buckets that exist, with the synthesized policy of the account. */
  readonly extraBuckets?: readonly string[];
  /** Extra keys that exist (key ARN → the synthesized key policy). */
  readonly extraKeys?: readonly string[];
  readonly organizationId?: string;
}

/** Builds a scenario and installs its fake (call `fake.restore()` after). */
export function scenario(opts: ScenarioOptions = {}): Scenario {
  const cfg = opts.config ?? loadConfig(opts.file ?? example('single-account.yaml'));
  const account = opts.accountId ? cfg.accounts.find((a) => a.accountId === opts.accountId)! : cfg.accounts[0];
  const keyArn = keyArnFor(account);
  const params = toRawParameters(
    trailRemediationParameters(account, keyArn, account.automationRole.arn, {
      cloudWatchLogsRoleArn: cloudWatchLogsRoleArnFor(account),
    }),
  );
  const base = {
    partition: account.partition,
    region: account.homeRegion,
    accountId: account.accountId,
    bucketName: account.logBucket.name,
    s3KeyPrefix: account.logBucket.s3KeyPrefix,
    trailArn: account.trail.arn,
  };
  const bucketPolicy = parse(logBucketPolicy({ ...base, ...opts.bucketPolicy }));
  const keyPolicy = parse(
    trailKeyPolicy({
      partition: account.partition,
      region: account.homeRegion,
      accountId: account.accountId,
      trailArn: opts.keyPolicyTrailArn ?? account.trail.arn,
    }),
  );
  const buckets: Record<string, { policy: PolicyJson }> = { [account.logBucket.name]: { policy: bucketPolicy } };
  for (const b of opts.extraBuckets ?? []) buckets[b] = { policy: bucketPolicy };
  const keys: Record<string, { policy: PolicyJson; bucketKey: boolean }> = {
    [keyArn]: { policy: keyPolicy, bucketKey: true },
  };
  for (const k of opts.extraKeys ?? []) keys[k] = { policy: keyPolicy, bucketKey: true };
  const fake = new FakeCloudTrail({
    accountId: account.accountId,
    partition: account.partition,
    organizationId: opts.organizationId,
    buckets,
    keys,
  }).install();
  const compliant: TrailState = {
    Name: account.trail.name,
    HomeRegion: account.homeRegion,
    S3BucketName: account.logBucket.name,
    ...(account.logBucket.s3KeyPrefix ? { S3KeyPrefix: account.logBucket.s3KeyPrefix } : {}),
    KmsKeyId: keyArn,
    IsMultiRegionTrail: true,
    IncludeGlobalServiceEvents: true,
    LogFileValidationEnabled: true,
    IsOrganizationTrail: false,
    IsLogging: true,
    EventSelectors: DEFAULT_EVENT_SELECTORS,
  };
  const doc = deployedRunbook();
  return {
    account,
    keyArn,
    params,
    fake,
    compliant,
    run: (region = account.homeRegion) =>
      runAutomation(doc, {
        parameters: params,
        region,
        caller: new SdkApiCaller({ region, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } }),
        executionId: 'test-execution',
      }),
  };
}
