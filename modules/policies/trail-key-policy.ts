import { accountRootArn, formatArn } from '../../config/arn';
import type { OrganizationRef } from './log-bucket-policy';
import { CLOUDTRAIL_SERVICE_PRINCIPAL, CONFIG_SERVICE_PRINCIPAL, PolicyDocument, PolicyStatement, policyDocument } from './types';

/**
 * The encryption context condition key that CloudTrail sets on every data key it requests: the ARN of the trail.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 */
export const CLOUDTRAIL_ENCRYPTION_CONTEXT_KEY = 'kms:EncryptionContext:aws:cloudtrail:arn';

/** Inputs of {@link trailKeyPolicy}. */
export interface TrailKeyPolicyProps {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The key's Region (the trail's home Region). */
  readonly region: string;
  /** The account that owns the key (12 digits); its root administers the key and its principals may read logs. */
  readonly accountId: string;
  /** ARN of the trail that uses the key, used as `aws:SourceArn` on every CloudTrail statement. */
  readonly trailArn: string;
  /**
   * Set for an organization trail: the encryption context may then name trails of the management account (the
   * organization trail itself) and of `memberAccountIds`.
   * @default undefined (account mode: trails of `accountId` only)
   */
  readonly organization?: OrganizationRef;
  /**
   * Member accounts whose trails (the copies of the organization trail) may use the key. Only read with `organization`.
   * @default [] (the management account's trails only)
   */
  readonly memberAccountIds?: readonly string[];
  /**
   * The log bucket uses an S3 Bucket Key. CloudTrail then also needs `kms:Decrypt` to create or update a trail with
   * SSE-KMS (FC-06).
   * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html#create-kms-key-policy-for-cloudtrail-decrypt
   * @default true
   */
  readonly bucketKeyEnabled?: boolean;
  /**
   * Let AWS Config (service principal, scoped by `aws:SourceAccount`) encrypt what it delivers to the log bucket,
   * whose default encryption is this key. Needed only when the stack creates the Config delivery channel.
   * @see https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html
   * @default false
   */
  readonly allowConfigDelivery?: boolean;
}

/**
 * `arn:<p>:cloudtrail:*:<account>:trail/*`: any trail of that account, in any Region.
 * @throws Error (from `formatArn`) when a segment is empty, `undefined` or `null`.
 */
export const anyTrailOfAccount = (partition: string, account: string): string =>
  formatArn({ partition, service: 'cloudtrail', region: '*', account, resource: 'trail/*' });

/**
 * The trail key's key policy.
 *
 * Statements, in this order:
 * - `EnableRootAdministration`: the owning account's root may do `kms:*` (delegates to IAM; keeps the key manageable).
 * - `AllowCloudTrailEncryptLogs`: `cloudtrail.amazonaws.com` may call `kms:GenerateDataKey*` when the encryption
 *   context `aws:cloudtrail:arn` is a trail of the account (organization trail: of the management account and of
 *   `memberAccountIds`) and `aws:SourceArn` is `trailArn`.
 * - `AllowCloudTrailDescribeKey`: `kms:DescribeKey` for CloudTrail with `aws:SourceArn`.
 * - `AllowCloudTrailDecryptWithBucketKey` (with `bucketKeyEnabled`): `kms:Decrypt` for CloudTrail with `aws:SourceArn`.
 * - `AllowLogReadersDecrypt`: principals of the owning account (`kms:CallerAccount`) may `kms:Decrypt` data whose
 *   encryption context names one of those trails.
 * - `AllowConfigDelivery` (with `allowConfigDelivery`).
 *
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/default-kms-key-policy.html
 * @throws Error when an ARN would contain an empty, `undefined` or `null` segment.
 */
export function trailKeyPolicy(p: TrailKeyPolicyProps): PolicyDocument {
  const bucketKeyEnabled = p.bucketKeyEnabled ?? true;
  const trailOwners = p.organization
    ? [p.organization.managementAccountId, ...(p.memberAccountIds ?? [])]
    : [p.accountId];
  const contexts = [...new Set(trailOwners)].map((a) => anyTrailOfAccount(p.partition, a));
  const contextValue = contexts.length === 1 ? contexts[0] : contexts;
  const sourceArn = { 'aws:SourceArn': p.trailArn };
  const cloudtrail = { Service: CLOUDTRAIL_SERVICE_PRINCIPAL };

  const statements: Array<PolicyStatement | undefined> = [
    {
      Sid: 'EnableRootAdministration',
      Effect: 'Allow',
      Principal: { AWS: accountRootArn(p.partition, p.accountId) },
      Action: 'kms:*',
      Resource: '*',
    },
    {
      Sid: 'AllowCloudTrailEncryptLogs',
      Effect: 'Allow',
      Principal: cloudtrail,
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      Condition: { StringLike: { [CLOUDTRAIL_ENCRYPTION_CONTEXT_KEY]: contextValue }, StringEquals: sourceArn },
    },
    {
      Sid: 'AllowCloudTrailDescribeKey',
      Effect: 'Allow',
      Principal: cloudtrail,
      Action: 'kms:DescribeKey',
      Resource: '*',
      Condition: { StringEquals: sourceArn },
    },
    bucketKeyEnabled
      ? {
          Sid: 'AllowCloudTrailDecryptWithBucketKey',
          Effect: 'Allow',
          Principal: cloudtrail,
          Action: 'kms:Decrypt',
          Resource: '*',
          Condition: { StringEquals: sourceArn },
        }
      : undefined,
    {
      Sid: 'AllowLogReadersDecrypt',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: {
        StringEquals: { 'kms:CallerAccount': p.accountId },
        StringLike: { [CLOUDTRAIL_ENCRYPTION_CONTEXT_KEY]: contextValue },
      },
    },
    p.allowConfigDelivery
      ? {
          Sid: 'AllowConfigDelivery',
          Effect: 'Allow',
          Principal: { Service: CONFIG_SERVICE_PRINCIPAL },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': p.accountId } },
        }
      : undefined,
  ];
  return policyDocument(statements);
}
