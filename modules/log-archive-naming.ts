/**
 * Deterministic names of the central log archive, so that every stack can compute them from the configuration alone
 * (no cross-stack reference, no remote state: see docs/log-archive.md). They follow config/naming.ts: lower case,
 * `-` delimited, every name starting with {@link NAMESPACE}.
 */
import { formatArn } from '../config/arn';
import { NAMESPACE, label } from '../config/naming';

/**
 * S3 bucket names: 3 to 63 characters of lower-case letters, digits, `.` and `-`.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function checkedBucketName(accountId: string, region: string, ...kind: string[]): string {
  // label() drops empty parts: check the parts first, so that a missing account never yields another valid name.
  if (!/^\d{12}$/.test(accountId))
    throw new Error(`log archive bucket name: account ${JSON.stringify(accountId)} is not a 12-digit account ID`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    throw new Error(`log archive bucket name: ${JSON.stringify(region)} is not a Region name`);
  const name = label(NAMESPACE, ...kind, accountId, region);
  if (!BUCKET_NAME.test(name))
    throw new Error(
      `log archive bucket name ${JSON.stringify(name)} is not a valid S3 bucket name (3 to 63 of a-z 0-9 . -)`,
    );
  return name;
}

/**
 * The archive bucket: `cloudtrail-guard-archive-<account>-<region>` (at most 55 characters for a 12-digit account and
 * a Region of up to 14 characters).
 * @param accountId the log-archive account (12 digits)
 * @param region the log-archive Region
 * @throws Error when the account is not 12 digits, the Region not a Region name, or the result not a valid bucket name.
 */
export const logArchiveBucketName = (accountId: string, region: string): string =>
  checkedBucketName(accountId, region, 'archive');

/**
 * The archive bucket's server access log bucket: `cloudtrail-guard-archive-access-<account>-<region>` (at most 62
 * characters). S3 delivers access logs only to a bucket of the same account and Region.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
 * @throws Error when the account is not 12 digits, the Region not a Region name, or the result not a valid bucket name.
 */
export const logArchiveAccessLogBucketName = (accountId: string, region: string): string =>
  checkedBucketName(accountId, region, 'archive-access');

/** The archive key's alias: `alias/cloudtrail-guard-archive`. */
export const LOG_ARCHIVE_KEY_ALIAS = `alias/${label(NAMESPACE, 'archive')}`;

/**
 * The alias ARN `arn:<p>:kms:<region>:<account>:alias/cloudtrail-guard-archive`. A stack in another account reads the
 * key ARN with `data "aws_kms_key"` and this ARN as `key_id` (DescribeKey accepts an alias ARN across accounts).
 * @see https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/data-sources/kms_key
 * @throws Error (from formatArn) when a segment is empty, `undefined` or `null`.
 */
export const logArchiveKeyAliasArn = (
  partition: string,
  region: string,
  accountId: string,
  alias = LOG_ARCHIVE_KEY_ALIAS,
): string => formatArn({ partition, service: 'kms', region, account: accountId, resource: alias });

/**
 * The IAM path of the guard's own roles (automation, fast path, CloudWatch Logs delivery): `/cloudtrail-guard/`. The
 * tamper SCP exempts and protects roles by this path, so it never lists a role per account.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
 */
export const GUARD_ROLE_PATH = `/${NAMESPACE}/`;

/** Name prefix of the automation roles (`cloudtrail-guard-automation-<region>`, config/naming.ts). */
export const AUTOMATION_ROLE_NAME_PREFIX = `${label(NAMESPACE, 'automation')}-`;

/** Name prefix of the fast-path roles (`cloudtrail-guard-fast-path-<region>`, modules/fast-path.ts). */
export const FAST_PATH_ROLE_NAME_PREFIX = `${label(NAMESPACE, 'fast-path')}-`;

/** Name prefix of the guard's SSM documents and EventBridge rules: `cloudtrail-guard-`. */
export const GUARD_RESOURCE_NAME_PREFIX = `${NAMESPACE}-`;

/**
 * The tag that marks the guard's AWS Config rules for the tamper SCP (Config rule ARNs carry an ID, not the name, so
 * the SCP matches the rule by `aws:ResourceTag`, as Control Tower does for its own rules).
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/mandatory-controls.html
 */
export const GUARD_CONFIG_RULE_TAG = { key: `${NAMESPACE}:protected`, value: 'true' } as const;
