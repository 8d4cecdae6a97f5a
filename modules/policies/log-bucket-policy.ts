import { bucketArn as buildBucketArn, formatArn } from '../../config/arn';
import { CLOUDTRAIL_SERVICE_PRINCIPAL, CONFIG_SERVICE_PRINCIPAL, PolicyDocument, PolicyStatement, policyDocument } from './types';

/**
 * The key prefix the guard gives AWS Config's delivery channel by default (ConfigRecorder's default too).
 * @see https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html
 */
export const DEFAULT_CONFIG_KEY_PREFIX = 'config';

/** The organization whose organization trail writes to the bucket (FC-02). */
export interface OrganizationRef {
  /** Organization ID, `o-` followed by 10 to 32 lower-case letters or digits. */
  readonly id: string;
  /** The management account that owns the organization trail (12 digits). */
  readonly managementAccountId: string;
}

/** Inputs of {@link logBucketPolicy}. */
export interface LogBucketPolicyProps {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The trail's home Region (documentation only; the bucket ARN has no Region). */
  readonly region: string;
  /** The account that owns the trail (account mode) or the bucket (organization mode). 12 digits. */
  readonly accountId: string;
  /** The bucket name (not its ARN). */
  readonly bucketName: string;
  /** The trail's S3 key prefix: `''` for none, otherwise trimmed, with no leading or trailing `/`. */
  readonly s3KeyPrefix: string;
  /** ARN of the trail allowed to write, used as `aws:SourceArn` (confused-deputy protection). */
  readonly trailArn: string;
  /**
   * Set for an organization trail: PutObject is then also allowed under `AWSLogs/<orgId>/*` and under the management
   * account's own `AWSLogs/<managementAccountId>/*` (CloudTrail checks both).
   * @default undefined (account mode: only `AWSLogs/<accountId>/*`)
   */
  readonly organization?: OrganizationRef;
  /**
   * Also let AWS Config deliver configuration snapshots and history to this bucket under `<s3KeyPrefix>/AWSLogs/<accountId>/Config/*`
   * (statements AWSConfigBucketPermissionsCheck, AWSConfigBucketExistenceCheck, AWSConfigBucketDelivery, scoped by
   * `aws:SourceAccount`). Needed only when the stack creates the Config delivery channel (FC-15).
   * @see https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html
   * `true` means {@link DEFAULT_CONFIG_KEY_PREFIX} (`config`, ConfigRecorder's default prefix).
   * @default undefined (no AWS Config statements)
   */
  readonly allowConfigDelivery?: boolean | { readonly s3KeyPrefix: string };
}

/** Checks that a prefix is already normalised: no leading/trailing `/`, no empty segment. */
function assertPrefix(name: string, prefix: string): void {
  if (prefix === '') return;
  if (prefix.startsWith('/') || prefix.endsWith('/') || prefix.includes('//')) {
    throw new Error(`${name} ${JSON.stringify(prefix)} must be trimmed: no leading or trailing '/', no '//'`);
  }
}

/**
 * `arn:<p>:s3:::<bucket>/<prefix>/AWSLogs/<owner>/<suffix>`, prefix left out when empty, never a `//`. `owner` is an
 * account ID or organization ID; `suffix` defaults to `*`.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 * @throws Error when `s3KeyPrefix` is not trimmed, or (from `formatArn`) a segment is empty, `undefined` or `null`.
 */
export function logObjectArn(partition: string, bucketName: string, s3KeyPrefix: string, owner: string, suffix = '*'): string {
  assertPrefix('s3KeyPrefix', s3KeyPrefix);
  // Only the prefix may be left out; an empty owner or suffix leaves an empty segment that formatArn refuses.
  const key = [...(s3KeyPrefix === '' ? [] : [s3KeyPrefix]), 'AWSLogs', owner, suffix].join('/');
  return formatArn({ partition, service: 's3', region: '', account: '', resource: `${bucketName}/${key}` });
}

/**
 * The log bucket's bucket policy: CloudTrail may check the bucket ACL and write log files for exactly one trail
 * (`aws:SourceArn`), under exactly the prefix the trail uses; nothing may reach the bucket over plain HTTP.
 *
 * Statements, in this order: `AWSCloudTrailAclCheck`, `AWSCloudTrailWrite`, (with `allowConfigDelivery`)
 * `AWSConfigBucketPermissionsCheck`, `AWSConfigBucketExistenceCheck`, `AWSConfigBucketDelivery`, and
 * `DenyInsecureTransport`. No other Allow.
 *
 * There is deliberately no Deny on `s3:x-amz-server-side-encryption`: CloudTrail writes digest files without the
 * trail's KMS key, and a request without the header would be denied; the bucket's default encryption (SSE-KMS with
 * the trail key) covers objects written without the header.
 *
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html#org-trail-bucket-policy
 * @throws Error when the prefix is not trimmed, or an ARN would contain an empty, `undefined` or `null` segment.
 */
export function logBucketPolicy(p: LogBucketPolicyProps): PolicyDocument {
  const bucket = buildBucketArn(p.partition, p.bucketName);
  const owners = p.organization ? [p.organization.id, p.organization.managementAccountId] : [p.accountId];
  if (p.organization && !/^o-[a-z0-9]{10,32}$/.test(p.organization.id)) {
    throw new Error(`organization.id ${JSON.stringify(p.organization.id)} is not an organization ID (^o-[a-z0-9]{10,32}$)`);
  }
  const writeResources = [...new Set(owners)].map((o) => logObjectArn(p.partition, p.bucketName, p.s3KeyPrefix, o));

  const statements: Array<PolicyStatement | undefined> = [
    {
      Sid: 'AWSCloudTrailAclCheck',
      Effect: 'Allow',
      Principal: { Service: CLOUDTRAIL_SERVICE_PRINCIPAL },
      Action: 's3:GetBucketAcl',
      Resource: bucket,
      Condition: { StringEquals: { 'aws:SourceArn': p.trailArn } },
    },
    {
      Sid: 'AWSCloudTrailWrite',
      Effect: 'Allow',
      Principal: { Service: CLOUDTRAIL_SERVICE_PRINCIPAL },
      Action: 's3:PutObject',
      Resource: writeResources.length === 1 ? writeResources[0] : writeResources,
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': p.trailArn } },
    },
  ];
  if (p.allowConfigDelivery) {
    const configPrefix = p.allowConfigDelivery === true ? DEFAULT_CONFIG_KEY_PREFIX : p.allowConfigDelivery.s3KeyPrefix;
    const source = { 'aws:SourceAccount': p.accountId };
    statements.push(
      {
        Sid: 'AWSConfigBucketPermissionsCheck',
        Effect: 'Allow',
        Principal: { Service: CONFIG_SERVICE_PRINCIPAL },
        Action: 's3:GetBucketAcl',
        Resource: bucket,
        Condition: { StringEquals: source },
      },
      {
        Sid: 'AWSConfigBucketExistenceCheck',
        Effect: 'Allow',
        Principal: { Service: CONFIG_SERVICE_PRINCIPAL },
        Action: 's3:ListBucket',
        Resource: bucket,
        Condition: { StringEquals: source },
      },
      {
        Sid: 'AWSConfigBucketDelivery',
        Effect: 'Allow',
        Principal: { Service: CONFIG_SERVICE_PRINCIPAL },
        Action: 's3:PutObject',
        Resource: logObjectArn(p.partition, p.bucketName, configPrefix, p.accountId, 'Config/*'),
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', ...source } },
      },
    );
  }
  statements.push({
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [bucket, `${bucket}/*`],
    Condition: { Bool: { 'aws:SecureTransport': false } },
  });
  return policyDocument(statements);
}
