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
   * Set for an organization trail (`trailArn` is then the organization trail, in the management account): the
   * encryption context may name any trail of the management account, or a trail of the organization trail's name in
   * any account (see {@link trailKeyPolicy}).
   * @default undefined (account mode: trails of `accountId` only)
   */
  readonly organization?: OrganizationRef;
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
 * The encryption contexts a data key of the trail may carry (`kms:EncryptionContext:aws:cloudtrail:arn`, StringLike).
 *
 * Account mode: `arn:<p>:cloudtrail:*:<account>:trail/*`, the form of the CloudTrail guide.
 *
 * Organization trail: CloudTrail documents that `aws:SourceArn` is always the ARN of the trail that uses the key, and
 * `aws:SourceAccount` the management account's ID for an organization trail; it does not document which trail ARN
 * the encryption context of a member account's log file names. Both plausible answers are allowed:
 * `arn:<p>:cloudtrail:*:<management>:trail/*` (the organization trail's own ARN) and
 * `arn:<p>:cloudtrail:*:*:trail/<name>` (its copy in the member account, which has the same name). Every CloudTrail
 * statement also pins `aws:SourceArn` to the organization trail, so no other trail, of a member account or of
 * anyone, can use the key: a member account's own trail has its own ARN as `aws:SourceArn`.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cross-service-confused-deputy-prevention.html
 * @throws Error when `trailArn` is not a trail ARN, or an ARN would contain an empty, `undefined` or `null` segment.
 */
export function trailEncryptionContexts(p: Pick<TrailKeyPolicyProps, 'partition' | 'accountId' | 'trailArn' | 'organization'>): string[] {
  if (!p.organization) return [anyTrailOfAccount(p.partition, p.accountId)];
  const name = /^arn:[^:]+:cloudtrail:[^:]+:\d{12}:trail\/([^/]+)$/.exec(p.trailArn)?.[1];
  if (name === undefined) throw new Error(`trailArn ${JSON.stringify(p.trailArn)} is not a trail ARN (arn:<p>:cloudtrail:<region>:<account>:trail/<name>)`);
  return [
    anyTrailOfAccount(p.partition, p.organization.managementAccountId),
    formatArn({ partition: p.partition, service: 'cloudtrail', region: '*', account: '*', resource: `trail/${name}` }),
  ];
}

/**
 * The trail key's key policy.
 *
 * Statements, in this order:
 * - `EnableRootAdministration`: the owning account's root may do `kms:*`. This delegates to IAM: any principal of the
 *   account whose IAM policies allow an action on the key may do it, under any encryption context.
 * - `AllowCloudTrailEncryptLogs`: `cloudtrail.amazonaws.com` may call `kms:GenerateDataKey*` when `aws:SourceArn` is
 *   `trailArn` and the encryption context is one of {@link trailEncryptionContexts}.
 * - `AllowCloudTrailDescribeKey`: `kms:DescribeKey` for CloudTrail with `aws:SourceArn`.
 * - `AllowCloudTrailDecryptWithBucketKey` (with `bucketKeyEnabled`): `kms:Decrypt` for CloudTrail with `aws:SourceArn`.
 * - `AllowLogReadersDecrypt`: every principal of the owning account (`kms:CallerAccount`), with no IAM policy needed,
 *   may `kms:Decrypt` data whose encryption context is one of {@link trailEncryptionContexts} (the CloudTrail guide's
 *   "allow principals in the account to decrypt log files"); reading the files still needs `s3:GetObject`.
 * - `AllowConfigDelivery` (with `allowConfigDelivery`).
 *
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/default-kms-key-policy.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
 * @throws Error when `trailArn` is not a trail ARN (organization trail), or an ARN would contain an empty,
 *   `undefined` or `null` segment.
 */
export function trailKeyPolicy(p: TrailKeyPolicyProps): PolicyDocument {
  const bucketKeyEnabled = p.bucketKeyEnabled ?? true;
  const contexts = trailEncryptionContexts(p);
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
