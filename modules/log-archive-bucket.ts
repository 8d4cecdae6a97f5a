import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { bucketArn } from '../config/arn';
import {
  accessLogBucketPolicy,
  logArchiveBucketPolicy,
  type LogArchiveBucketPolicyProps,
} from './policies/log-archive-bucket-policy';
import { PolicyDocument, policyJson } from './policies/types';
import { terraformString, terraformStringMap } from './terraform-string';

/**
 * S3 Object Lock default retention for new log objects.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
 */
export interface LogArchiveObjectLock {
  /** `GOVERNANCE` (break-glass roles with `s3:BypassGovernanceRetention` can still remove) or `COMPLIANCE` (nobody can, not even the root user, until retention ends). */
  readonly mode: 'GOVERNANCE' | 'COMPLIANCE';
  /** Default retention in days, an integer from 1 to 36500. */
  readonly retentionDays: number;
}

/**
 * A lifecycle transition.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
 */
export interface LogArchiveTransition {
  /** Days after creation, a non-negative integer (at least 30 for `STANDARD_IA` and `ONEZONE_IA`). */
  readonly days: number;
  /** The S3 storage class to move objects to. */
  readonly storageClass:
    'STANDARD_IA' | 'ONEZONE_IA' | 'INTELLIGENT_TIERING' | 'GLACIER_IR' | 'GLACIER' | 'DEEP_ARCHIVE';
}

/**
 * The archive's lifecycle rules. Every default keeps every log: nothing expires unless you say so.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html
 */
export interface LogArchiveLifecycle {
  /**
   * Transitions of current versions, in increasing `days`.
   * @default [] (objects stay in S3 Standard)
   */
  readonly transitions?: readonly LogArchiveTransition[];
  /**
   * Days after creation when current versions expire (become noncurrent: versioning keeps them).
   * @default undefined (never)
   */
  readonly expirationDays?: number;
  /**
   * Days after becoming noncurrent when a version is removed for good.
   * @default undefined (never)
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Days after which an incomplete multipart upload is aborted (its parts are not log files).
   * @default 7
   */
  readonly abortIncompleteMultipartUploadDays?: number;
}

/** Props of {@link LogArchiveBucket}: the bucket policy's inputs ({@link LogArchiveBucketPolicyProps}) and the buckets' own settings. */
export interface LogArchiveBucketProps extends LogArchiveBucketPolicyProps {
  /** The account that owns both buckets (12 digits): the access logs' `aws:SourceAccount`. */
  readonly accountId: string;
  /** The name of the bucket that receives the archive's server access logs (same account and Region). */
  readonly accessLogBucketName: string;
  /** ARN of the archive key for SSE-KMS (a Terraform token is fine). Never an alias (FC-07). */
  readonly kmsKeyArn: string;
  /**
   * Use an S3 Bucket Key for SSE-KMS (fewer KMS calls; the key policy must then let CloudTrail `kms:Decrypt`).
   * @default true
   */
  readonly bucketKeyEnabled?: boolean;
  /**
   * S3 Object Lock with a default retention. Object Lock can only be turned on when the bucket is created.
   * @default undefined (no Object Lock; versioning and the bucket policy protect the logs)
   */
  readonly objectLock?: LogArchiveObjectLock;
  /** Lifecycle of the archive. @default {} (see {@link LogArchiveLifecycle}) */
  readonly lifecycle?: LogArchiveLifecycle;
  /**
   * Days after which server access log objects expire in the access-log bucket, and after which their noncurrent
   * versions are removed.
   * @default undefined (never)
   */
  readonly accessLogExpirationDays?: number;
  /**
   * The key prefix of server access logs in the access-log bucket: `''` or ending in `/`.
   * @default 'access-logs/'
   */
  readonly accessLogPrefix?: string;
  /** Tags on both buckets. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The transitions S3 Lifecycle supports from one storage class to the next (the "waterfall"); any class may go to
 * GLACIER or DEEP_ARCHIVE, and S3 Standard (where objects start) to any.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
 */
export const SUPPORTED_NEXT: Record<LogArchiveTransition['storageClass'], readonly LogArchiveTransition['storageClass'][]> = {
  STANDARD_IA: ['INTELLIGENT_TIERING', 'ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'],
  INTELLIGENT_TIERING: ['ONEZONE_IA', 'GLACIER', 'DEEP_ARCHIVE'],
  ONEZONE_IA: ['GLACIER', 'DEEP_ARCHIVE'],
  GLACIER_IR: ['GLACIER', 'DEEP_ARCHIVE'],
  GLACIER: ['DEEP_ARCHIVE'],
  DEEP_ARCHIVE: [],
};

const isDays = (n: unknown, min: number, max = 36500): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;

/**
 * Checks the Object Lock and lifecycle settings.
 * @throws Error listing every problem (see {@link LogArchiveBucket}).
 */
export function assertLogArchiveSettings(
  p: Pick<LogArchiveBucketProps, 'objectLock' | 'lifecycle' | 'accessLogExpirationDays' | 'accessLogPrefix'>,
): void {
  const problems: string[] = [];
  const lock = p.objectLock;
  if (lock) {
    if (lock.mode !== 'GOVERNANCE' && lock.mode !== 'COMPLIANCE')
      problems.push(`objectLock.mode ${JSON.stringify(lock.mode)} is not GOVERNANCE or COMPLIANCE`);
    if (!isDays(lock.retentionDays, 1))
      problems.push(`objectLock.retentionDays ${String(lock.retentionDays)} must be an integer from 1 to 36500`);
  }
  const lc = p.lifecycle ?? {};
  const transitions = lc.transitions ?? [];
  let last: LogArchiveTransition | undefined;
  for (const [i, t] of transitions.entries()) {
    if (!(t.storageClass in SUPPORTED_NEXT))
      problems.push(
        `lifecycle.transitions[${i}].storageClass ${JSON.stringify(t.storageClass)} is not a lifecycle storage class`,
      );
    const min = t.storageClass === 'STANDARD_IA' || t.storageClass === 'ONEZONE_IA' ? 30 : 0;
    if (!isDays(t.days, min))
      problems.push(
        `lifecycle.transitions[${i}].days ${String(t.days)} must be an integer from ${min} (${t.storageClass})`,
      );
    if (last) {
      if (t.days <= last.days)
        problems.push(
          `lifecycle.transitions[${i}].days ${t.days} must be after the previous transition's ${last.days}`,
        );
      if (!(SUPPORTED_NEXT[last.storageClass] ?? []).includes(t.storageClass)) {
        problems.push(
          `lifecycle.transitions[${i}]: ${last.storageClass} to ${t.storageClass} is not a supported lifecycle transition`,
        );
      }
      // S3 bills Standard-IA and One Zone-IA for at least 30 days and refuses a next transition sooner in one rule.
      if ((last.storageClass === 'STANDARD_IA' || last.storageClass === 'ONEZONE_IA') && t.days - last.days < 30) {
        problems.push(
          `lifecycle.transitions[${i}] comes ${t.days - last.days} days after ${last.storageClass}; S3 requires at least 30`,
        );
      }
    }
    last = t;
  }
  if (lc.expirationDays !== undefined) {
    if (!isDays(lc.expirationDays, 1))
      problems.push(`lifecycle.expirationDays ${String(lc.expirationDays)} must be an integer from 1 to 36500`);
    else if (last && lc.expirationDays <= last.days)
      problems.push(`lifecycle.expirationDays ${lc.expirationDays} must be after the last transition (${last.days})`);
    if (lock && lc.expirationDays < lock.retentionDays) {
      problems.push(
        `lifecycle.expirationDays ${lc.expirationDays} is before objectLock.retentionDays ${lock.retentionDays}: locked versions would outlive their expiry`,
      );
    }
  }
  if (lc.noncurrentVersionExpirationDays !== undefined && !isDays(lc.noncurrentVersionExpirationDays, 1)) {
    problems.push(
      `lifecycle.noncurrentVersionExpirationDays ${String(lc.noncurrentVersionExpirationDays)} must be an integer from 1 to 36500`,
    );
  }
  if (lc.abortIncompleteMultipartUploadDays !== undefined && !isDays(lc.abortIncompleteMultipartUploadDays, 1)) {
    problems.push(
      `lifecycle.abortIncompleteMultipartUploadDays ${String(lc.abortIncompleteMultipartUploadDays)} must be an integer from 1 to 36500`,
    );
  }
  if (p.accessLogExpirationDays !== undefined && !isDays(p.accessLogExpirationDays, 1)) {
    problems.push(`accessLogExpirationDays ${String(p.accessLogExpirationDays)} must be an integer from 1 to 36500`);
  }
  if (problems.length) throw new Error(`LogArchiveBucket: ${problems.join('; ')}`);
}

/**
 * The central log archive: two buckets, both private (all four public access blocks), versioned, ACLs disabled
 * (BucketOwnerEnforced), `prevent_destroy` and `force_destroy = false`.
 * - The archive bucket: SSE-KMS with the archive key and an S3 Bucket Key; optional Object Lock with a default
 *   retention; lifecycle rules ({@link LogArchiveLifecycle}); server access logging to the access-log bucket; the
 *   policy from {@link logArchiveBucketPolicy}.
 * - The access-log bucket: SSE-S3 (S3 delivers server access logs only to a bucket with SSE-S3 default encryption and
 *   without Object Lock), a lifecycle rule (abort incomplete uploads; optional expiry), and the policy from
 *   {@link accessLogBucketPolicy} (the logging service principal, `aws:SourceArn` = the archive bucket).
 *
 * Each bucket policy comes last on its bucket (after the public access block and every configuration resource: its
 * Deny statements would otherwise race the first apply when the deployer is not exempt), and logging comes after the
 * access-log bucket's policy, so S3 never sees a policy on an unprotected bucket, nor logging to a bucket that does
 * not accept it yet.
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/s3_bucket
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/s3_bucket_object_lock_configuration
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/s3_bucket_lifecycle_configuration
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/s3_bucket_logging
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
 * @throws Error (at construction) from {@link assertLogArchiveSettings} (Object Lock mode or retention, a transition
 *   out of S3's order or under its minimum days, an expiry before the last transition or the retention, a day count
 *   that is not an integer), from {@link logArchiveBucketPolicy} and {@link accessLogBucketPolicy}, or when the two
 *   bucket names are the same.
 */
export class LogArchiveBucket extends Construct {
  public readonly bucket: S3Bucket;
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;
  public readonly ownershipControls: S3BucketOwnershipControls;
  public readonly versioning: S3BucketVersioningA;
  public readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  /** Set with `objectLock`. */
  public readonly objectLockConfiguration?: S3BucketObjectLockConfigurationA;
  public readonly lifecycleConfiguration: S3BucketLifecycleConfiguration;
  public readonly logging: S3BucketLoggingA;
  public readonly bucketPolicy: S3BucketPolicy;
  /** The archive bucket's policy as data. */
  public readonly policyDocument: PolicyDocument;
  public readonly accessLogBucket: S3Bucket;
  public readonly accessLogPublicAccessBlock: S3BucketPublicAccessBlock;
  public readonly accessLogOwnershipControls: S3BucketOwnershipControls;
  public readonly accessLogVersioning: S3BucketVersioningA;
  public readonly accessLogEncryption: S3BucketServerSideEncryptionConfigurationA;
  public readonly accessLogLifecycleConfiguration: S3BucketLifecycleConfiguration;
  public readonly accessLogBucketPolicy: S3BucketPolicy;
  /** The access-log bucket's policy as data. */
  public readonly accessLogPolicyDocument: PolicyDocument;
  /** `arn:<p>:s3:::<bucketName>`, known at synth time. */
  public readonly bucketArn: string;
  public readonly bucketName: string;

  constructor(scope: Construct, id: string, props: LogArchiveBucketProps) {
    super(scope, id);
    assertLogArchiveSettings(props);
    if (props.accessLogBucketName === props.bucketName) {
      throw new Error(
        'LogArchiveBucket: accessLogBucketName is the archive bucket itself; S3 would log its own log deliveries in a loop',
      );
    }
    const accessLogPrefix = props.accessLogPrefix ?? 'access-logs/';
    this.policyDocument = logArchiveBucketPolicy(props);
    this.accessLogPolicyDocument = accessLogBucketPolicy({
      partition: props.partition,
      bucketName: props.accessLogBucketName,
      sourceBucketName: props.bucketName,
      accountId: props.accountId,
      targetPrefix: accessLogPrefix,
      breakGlassRoleArns: props.breakGlassRoleArns,
      deploymentRoleArns: props.deploymentRoleArns,
    });
    const tags = terraformStringMap(props.tags);
    this.bucketName = props.bucketName;
    this.bucketArn = bucketArn(props.partition, props.bucketName);

    // The access-log bucket first: the archive's logging configuration points at it.
    this.accessLogBucket = new S3Bucket(this, 'access-log-bucket', {
      bucket: terraformString(props.accessLogBucketName),
      forceDestroy: false,
      tags,
      lifecycle: { preventDestroy: true },
    });
    const logs = this.private('access-log-', this.accessLogBucket, { sseAlgorithm: 'AES256' }, false);
    this.accessLogPublicAccessBlock = logs.publicAccessBlock;
    this.accessLogOwnershipControls = logs.ownershipControls;
    this.accessLogVersioning = logs.versioning;
    this.accessLogEncryption = logs.encryption;
    this.accessLogLifecycleConfiguration = new S3BucketLifecycleConfiguration(this, 'access-log-lifecycle', {
      bucket: this.accessLogBucket.id,
      rule: [
        {
          id: 'access-logs',
          status: 'Enabled',
          filter: [{}],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
          ...(props.accessLogExpirationDays !== undefined
            ? {
                expiration: [{ days: props.accessLogExpirationDays }],
                noncurrentVersionExpiration: [{ noncurrentDays: props.accessLogExpirationDays }],
              }
            : {}),
        },
      ],
      dependsOn: [logs.versioning],
    });
    this.accessLogBucketPolicy = new S3BucketPolicy(this, 'access-log-policy', {
      bucket: this.accessLogBucket.id,
      policy: policyJson(this.accessLogPolicyDocument),
      // Last: its Deny on configuration changes must not race the configuration Terraform applies first.
      dependsOn: [
        logs.publicAccessBlock,
        logs.ownershipControls,
        logs.versioning,
        logs.encryption,
        this.accessLogLifecycleConfiguration,
      ],
    });

    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: terraformString(props.bucketName),
      forceDestroy: false,
      ...(props.objectLock ? { objectLockEnabled: true } : {}),
      tags,
      lifecycle: { preventDestroy: true },
    });
    const archive = this.private(
      '',
      this.bucket,
      { sseAlgorithm: 'aws:kms', kmsMasterKeyId: terraformString(props.kmsKeyArn) },
      props.bucketKeyEnabled ?? true,
    );
    this.publicAccessBlock = archive.publicAccessBlock;
    this.ownershipControls = archive.ownershipControls;
    this.versioning = archive.versioning;
    this.encryption = archive.encryption;
    if (props.objectLock) {
      this.objectLockConfiguration = new S3BucketObjectLockConfigurationA(this, 'object-lock', {
        bucket: this.bucket.id,
        rule: { defaultRetention: { mode: props.objectLock.mode, days: props.objectLock.retentionDays } },
        dependsOn: [archive.versioning],
      });
    }
    this.lifecycleConfiguration = new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [archiveLifecycleRule(props.lifecycle ?? {})],
      dependsOn: [archive.versioning],
    });
    this.logging = new S3BucketLoggingA(this, 'logging', {
      bucket: this.bucket.id,
      targetBucket: this.accessLogBucket.id,
      targetPrefix: terraformString(accessLogPrefix),
      dependsOn: [this.accessLogBucketPolicy],
    });
    this.bucketPolicy = new S3BucketPolicy(this, 'policy', {
      bucket: this.bucket.id,
      policy: policyJson(this.policyDocument),
      // Last, as for the access-log bucket.
      dependsOn: [
        archive.publicAccessBlock,
        archive.ownershipControls,
        archive.versioning,
        archive.encryption,
        ...(this.objectLockConfiguration ? [this.objectLockConfiguration] : []),
        this.lifecycleConfiguration,
        this.logging,
      ],
    });
  }

  /**
   * Public access block, BucketOwnerEnforced, versioning and default encryption for one bucket; their construct IDs
   * start with `prefix` (`''` for the archive bucket, `access-log-` for the other).
   */
  private private(
    prefix: string,
    bucket: S3Bucket,
    sse: { sseAlgorithm: string; kmsMasterKeyId?: string },
    bucketKeyEnabled: boolean,
  ): {
    publicAccessBlock: S3BucketPublicAccessBlock;
    ownershipControls: S3BucketOwnershipControls;
    versioning: S3BucketVersioningA;
    encryption: S3BucketServerSideEncryptionConfigurationA;
  } {
    return {
      publicAccessBlock: new S3BucketPublicAccessBlock(this, `${prefix}public-access-block`, {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      }),
      ownershipControls: new S3BucketOwnershipControls(this, `${prefix}ownership-controls`, {
        bucket: bucket.id,
        rule: { objectOwnership: 'BucketOwnerEnforced' },
      }),
      versioning: new S3BucketVersioningA(this, `${prefix}versioning`, {
        bucket: bucket.id,
        versioningConfiguration: { status: 'Enabled' },
      }),
      encryption: new S3BucketServerSideEncryptionConfigurationA(this, `${prefix}encryption`, {
        bucket: bucket.id,
        rule: [{ applyServerSideEncryptionByDefault: sse, bucketKeyEnabled }],
      }),
    };
  }
}

/** The archive's one lifecycle rule, over every object (`filter {}`), from {@link LogArchiveLifecycle}. Never throws. */
export function archiveLifecycleRule(lc: LogArchiveLifecycle): S3BucketLifecycleConfigurationRule {
  return {
    id: 'log-archive',
    status: 'Enabled',
    filter: [{}],
    abortIncompleteMultipartUpload: [{ daysAfterInitiation: lc.abortIncompleteMultipartUploadDays ?? 7 }],
    ...(lc.transitions?.length
      ? { transition: lc.transitions.map((t) => ({ days: t.days, storageClass: t.storageClass })) }
      : {}),
    ...(lc.expirationDays !== undefined ? { expiration: [{ days: lc.expirationDays }] } : {}),
    ...(lc.noncurrentVersionExpirationDays !== undefined
      ? { noncurrentVersionExpiration: [{ noncurrentDays: lc.noncurrentVersionExpirationDays }] }
      : {}),
  };
}
