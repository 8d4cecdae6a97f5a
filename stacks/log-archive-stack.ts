/**
 * The central log archive's own stack (issue #11): deployed first, in the log-archive account and Region, with its
 * own state. It holds the archive key (or uses an existing one) and the archive bucket with its access-log bucket;
 * every other stack finds them by name (docs/log-archive.md: values cross stacks by deterministic naming).
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { GuardConfig, LogArchiveConfig } from '../config/types';
import { LogArchiveBucket } from '../modules/log-archive-bucket';
import { LogArchiveKey } from '../modules/log-archive-key';
import { applyBackend } from './backend';
import { ReadableIdStack } from './logical-ids';

/** Props of {@link LogArchiveStack}. */
export interface LogArchiveStackProps {
  /** The whole (normalised) configuration; `config.logArchive` must be set. */
  readonly config: GuardConfig;
}

/**
 * Tags of every resource of the log-archive stack (the provider's `default_tags`): `logArchive.tags`, plus
 * `cloudtrail-guard:estate`, `cloudtrail-guard:stack` and `cloudtrail-guard:managed-by`, which win on a clash.
 */
export function logArchiveTags(config: GuardConfig, la: LogArchiveConfig): Record<string, string> {
  return {
    ...la.tags,
    'cloudtrail-guard:estate': config.estate,
    'cloudtrail-guard:stack': la.stackName,
    'cloudtrail-guard:managed-by': 'cloudtrail-guard',
  };
}

/**
 * `cloudtrail-guard-log-archive-<account>-<region>`: provider (the log-archive Region, `allowed_account_ids`, the
 * deployment role, default tags), backend (state key `<prefix>/log-archive/<account>/<region>/terraform.tfstate`),
 * the archive key ({@link LogArchiveKey}; with `kmsKey.accountId` of another account, through a second provider,
 * aliased `key`, that assumes `kmsKey.deploymentRoleArn` there; none with `kmsKey.existingKeyArn`) and the archive
 * bucket with its access-log bucket ({@link LogArchiveBucket}), encrypted with that key. Both policies serve exactly
 * what the configuration delivers there: the organization trail, and the own trails of the `logDestination: archive`
 * accounts (the whole organization, or the listed accounts). Outputs: `archive_bucket`, `access_log_bucket`,
 * `archive_key_arn`, `archive_key_alias_arn`.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-receive-logs-from-multiple-accounts.html
 * @see https://docs.aws.amazon.com/prescriptive-guidance/latest/security-reference-architecture/log-archive.html
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs#assume_role
 * @throws Error when `config.logArchive` is unset, and from {@link LogArchiveKey} and {@link LogArchiveBucket} when an
 *   input breaks a rule they check.
 */
export class LogArchiveStack extends ReadableIdStack {
  readonly logArchive: LogArchiveConfig;
  /** Unset with `kmsKey.existingKeyArn`. */
  readonly key?: LogArchiveKey;
  readonly kmsKeyArn: string;
  readonly bucket: LogArchiveBucket;

  constructor(scope: Construct, props: LogArchiveStackProps) {
    const la = props.config.logArchive;
    if (!la) throw new Error('LogArchiveStack: the configuration has no logArchive');
    super(scope, la.stackName);
    this.logArchive = la;
    const tags = logArchiveTags(props.config, la);
    new AwsProvider(this, 'aws', {
      region: la.region,
      allowedAccountIds: [la.accountId],
      assumeRole: [{ roleArn: la.deploymentRoleArn, sessionName: 'cloudtrail-guard' }],
      defaultTags: [{ tags }],
    });
    applyBackend(this, props.config.state, {
      accountId: la.accountId,
      homeRegion: la.region,
      stackName: la.stackName,
      kind: 'log-archive',
    });

    const key = la.kmsKey;
    if (key.existingKeyArn) {
      this.kmsKeyArn = key.existingKeyArn;
    } else {
      const provider =
        key.accountId === la.accountId
          ? undefined
          : new AwsProvider(this, 'aws-key', {
              alias: 'key',
              region: la.region,
              allowedAccountIds: [key.accountId],
              assumeRole: [{ roleArn: key.deploymentRoleArn, sessionName: 'cloudtrail-guard' }],
              defaultTags: [{ tags }],
            });
      this.key = new LogArchiveKey(this, 'archive-key', {
        partition: la.partition,
        region: la.region,
        accountId: key.accountId,
        alias: key.alias,
        organizationTrail: la.organizationTrail,
        served: la.served,
        accountTrailNames: la.accountTrailNames,
        bucketKeyEnabled: true,
        logReaderArns: la.logReaderArns,
        breakGlassRoleArns: la.breakGlassRoleArns,
        keyAdministratorArns: [key.deploymentRoleArn],
        provider,
      });
      this.kmsKeyArn = this.key.keyArn;
    }

    this.bucket = new LogArchiveBucket(this, 'archive', {
      partition: la.partition,
      accountId: la.accountId,
      bucketName: la.bucket.name,
      accessLogBucketName: la.accessLogBucketName,
      s3KeyPrefix: la.s3KeyPrefix,
      organizationTrail: la.organizationTrail,
      served: la.served,
      accountTrailNames: la.accountTrailNames,
      breakGlassRoleArns: la.breakGlassRoleArns,
      deploymentRoleArns: [la.deploymentRoleArn],
      kmsKeyArn: this.kmsKeyArn,
      bucketKeyEnabled: true,
      objectLock: la.objectLock,
      lifecycle: la.lifecycle,
      accessLogExpirationDays: la.accessLogExpirationDays,
    });

    new TerraformOutput(this, 'archive_bucket', { value: la.bucket.name, description: 'Archive bucket name' });
    new TerraformOutput(this, 'access_log_bucket', { value: la.accessLogBucketName, description: "Archive's server access log bucket" });
    new TerraformOutput(this, 'archive_key_arn', { value: this.kmsKeyArn, description: 'Archive key ARN' });
    new TerraformOutput(this, 'archive_key_alias_arn', {
      value: key.existingKeyArn ? key.existingKeyArn : key.aliasArn,
      description: 'What the other stacks read the key by (its alias ARN, or the key ARN given in the configuration)',
    });
  }
}
