import { bucketArn as buildBucketArn, formatArn } from '../../config/arn';
import { logObjectArn } from './log-bucket-policy';
import {
  byteLength,
  checkExactArns,
  checkOrganizationTrail,
  checkServed,
  checkTrailNames,
  mergeConditions,
  anyTrailNamed,
  oneOrMany,
  parseTrailArn,
  Problems,
  servedSourceCondition,
  SOURCE_ACCOUNT_VARIABLE,
  type OrganizationTrailRef,
  type ServedAccounts,
} from './log-archive-scope';
import {
  CLOUDTRAIL_SERVICE_PRINCIPAL,
  PolicyCondition,
  PolicyDocument,
  PolicyStatement,
  policyDocument,
  policyText,
} from './types';

/**
 * Largest bucket policy S3 accepts: "Bucket policies are limited to 20 KB in size". Counted here as 20,000 bytes, so
 * that the check holds whether S3 means 1,000 or 1,024 bytes a KB.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/add-bucket-policy.html
 */
export const BUCKET_POLICY_MAX_BYTES = 20_000;

/** The S3 server access logging service principal. https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general */
export const S3_LOGGING_SERVICE_PRINCIPAL = 'logging.s3.amazonaws.com';

/**
 * What only break-glass roles may do to log objects: delete them or their versions, bypass Object Lock governance
 * retention, change a retention or a legal hold.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
export const LOG_OBJECT_PROTECTED_ACTIONS = [
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:BypassGovernanceRetention',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
] as const;

/**
 * What only break-glass and deployment roles (Terraform applies the bucket's own configuration) may do to the bucket:
 * delete it, or change its policy, lifecycle, versioning, Object Lock, encryption, access logging, public access
 * block, ownership controls, ACL or replication.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
export const BUCKET_CONFIGURATION_PROTECTED_ACTIONS = [
  's3:DeleteBucket',
  's3:DeleteBucketPolicy',
  's3:PutBucketPolicy',
  's3:PutLifecycleConfiguration',
  's3:PutBucketVersioning',
  's3:PutBucketObjectLockConfiguration',
  's3:PutEncryptionConfiguration',
  's3:PutBucketLogging',
  's3:PutBucketPublicAccessBlock',
  's3:PutBucketOwnershipControls',
  's3:PutBucketAcl',
  's3:PutReplicationConfiguration',
] as const;

/** The exemption of a Deny statement: every principal but these (`aws:PrincipalArn`; absent for service principals, so they are denied too). */
const exceptPrincipals = (arns: readonly string[]) => ({ ArnNotLike: { 'aws:PrincipalArn': oneOrMany(arns) } });

/** Inputs of {@link logArchiveBucketPolicy}. */
export interface LogArchiveBucketPolicyProps {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The archive bucket's name (not its ARN). */
  readonly bucketName: string;
  /** The S3 key prefix every served trail uses: `''` for none, otherwise trimmed (no leading or trailing `/`). */
  readonly s3KeyPrefix: string;
  /**
   * The organization trail that delivers here (FC-02): PutObject under `<prefix>/AWSLogs/<organization>/*` and under
   * the management account's own `<prefix>/AWSLogs/<management account>/*`, with `aws:SourceArn` = the trail ARN.
   * @default undefined (no organization trail)
   */
  readonly organizationTrail?: OrganizationTrailRef;
  /**
   * The accounts whose own trails deliver here ({@link ServedAccounts}); each writes only under
   * `<prefix>/AWSLogs/${aws:SourceAccount}/*`, its own account's path.
   * @default undefined (no account-mode trails)
   */
  readonly served?: ServedAccounts;
  /**
   * The names of the served accounts' trails (`aws:SourceArn` like `arn:<p>:cloudtrail:*:*:trail/<name>`). Required
   * with `served`; one entry per distinct name, not per account.
   * @default [] (required with `served`)
   */
  readonly accountTrailNames?: readonly string[];
  /**
   * The only roles that may delete log objects or versions, bypass governance retention or change retention and legal
   * holds, and (with `deploymentRoleArns`) change the bucket's configuration. Exact role ARNs, at least one.
   */
  readonly breakGlassRoleArns: readonly string[];
  /**
   * Roles that apply the bucket's configuration (Terraform's deployment roles of the log-archive account): besides
   * the break-glass roles, the only ones that may change its policy, lifecycle, versioning, Object Lock, encryption,
   * logging, public access block, ownership controls, ACL or replication. They may not delete objects. Exact role ARNs.
   * @default [] (only the break-glass roles; Terraform can then create the policy but not change it)
   */
  readonly deploymentRoleArns?: readonly string[];
}

/**
 * The central log archive's bucket policy. Statements, in this order:
 * - `AWSCloudTrailAclCheckOrganizationTrail`, `AWSCloudTrailWriteOrganizationTrail` (with `organizationTrail`):
 *   `s3:GetBucketAcl` on the bucket and `s3:PutObject` on both organization paths, for `aws:SourceArn` = the
 *   organization trail, with `s3:x-amz-acl = bucket-owner-full-control` on the write.
 * - `AWSCloudTrailAclCheckAccountTrails`, `AWSCloudTrailWriteAccountTrails` (with `served`): for trails named in
 *   `accountTrailNames` (`aws:SourceArn`); the write is on `<prefix>/AWSLogs/${aws:SourceAccount}/*` and requires the
 *   served scope ({@link servedSourceCondition}: `aws:SourceOrgID` or the `aws:SourceAccount` list). The ACL check
 *   reads nothing but the bucket ACL; in organization scope it checks `aws:SourceOrgID` when CloudTrail sends it
 *   (`StringEqualsIfExists`; Control Tower's archive bucket checks it on writes only), and in account scope it leaves
 *   the list out, so that the list appears once and the policy holds twice as many accounts.
 * - `DenyInsecureTransport`: every S3 action over plain HTTP, for everyone.
 * - `DenyLogDeletion`: {@link LOG_OBJECT_PROTECTED_ACTIONS} on every object, for all but `breakGlassRoleArns`.
 * - `DenyBucketConfigurationChanges`: {@link BUCKET_CONFIGURATION_PROTECTED_ACTIONS} on the bucket, for all but
 *   `breakGlassRoleArns` and `deploymentRoleArns`.
 *
 * `${aws:SourceAccount}` is an IAM policy variable (allowed in the resource part of an ARN); `policyJson` writes it
 * `$${aws:SourceAccount}` for Terraform. If CloudTrail did not send `aws:SourceAccount`, the variable would not
 * resolve and the statement would allow nothing: CreateTrail then fails with InsufficientS3BucketPolicyException,
 * never a write to another account's path. CloudTrail's confused-deputy guidance has bucket policies use it.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-set-bucket-policy-for-multiple-accounts.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cross-service-confused-deputy-prevention.html
 * @see https://docs.aws.amazon.com/controltower/latest/userguide/logging-s3-audit-bucket.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 * @throws Error listing every problem: neither `organizationTrail` nor `served`; `served` without `accountTrailNames`;
 *   a malformed organization ID, OU path, account ID, trail ARN or trail name; a break-glass or deployment ARN that is
 *   not an exact role ARN of the partition; no break-glass role; an untrimmed prefix; or a policy over
 *   {@link BUCKET_POLICY_MAX_BYTES} (an `accountIds` list too long: serve the organization instead).
 */
export function logArchiveBucketPolicy(p: LogArchiveBucketPolicyProps): PolicyDocument {
  const problems = new Problems('logArchiveBucketPolicy');
  const names = p.accountTrailNames ?? [];
  if (!p.organizationTrail && !p.served) problems.add('nothing delivers here: give organizationTrail, served, or both');
  if (p.organizationTrail) checkOrganizationTrail(problems, p.partition, p.organizationTrail);
  if (p.served) {
    checkServed(problems, p.served);
    checkTrailNames(problems, 'accountTrailNames', names);
  } else if (names.length) problems.add('accountTrailNames without served: say which accounts those trails are in');
  if (p.breakGlassRoleArns.length === 0)
    problems.add('breakGlassRoleArns is empty: name at least one break-glass role');
  checkExactArns(problems, 'breakGlassRoleArns', p.partition, p.breakGlassRoleArns, 'role');
  checkExactArns(problems, 'deploymentRoleArns', p.partition, p.deploymentRoleArns ?? [], 'role');
  problems.check(() => logObjectArn(p.partition, p.bucketName, p.s3KeyPrefix, SOURCE_ACCOUNT_VARIABLE));
  problems.throwIfAny();

  const bucket = buildBucketArn(p.partition, p.bucketName);
  const cloudtrail = { Service: CLOUDTRAIL_SERVICE_PRINCIPAL };
  const ownerAcl = { 's3:x-amz-acl': 'bucket-owner-full-control' };
  const statements: Array<PolicyStatement | undefined> = [];

  if (p.organizationTrail) {
    const { account: management } = parseTrailArn(p.partition, p.organizationTrail.trailArn);
    const sourceArn = { 'aws:SourceArn': p.organizationTrail.trailArn };
    statements.push(
      {
        Sid: 'AWSCloudTrailAclCheckOrganizationTrail',
        Effect: 'Allow',
        Principal: cloudtrail,
        Action: 's3:GetBucketAcl',
        Resource: bucket,
        Condition: { StringEquals: sourceArn },
      },
      {
        Sid: 'AWSCloudTrailWriteOrganizationTrail',
        Effect: 'Allow',
        Principal: cloudtrail,
        Action: 's3:PutObject',
        Resource: [...new Set([p.organizationTrail.organizationId, management])].map((o) =>
          logObjectArn(p.partition, p.bucketName, p.s3KeyPrefix, o),
        ),
        Condition: { StringEquals: { ...ownerAcl, ...sourceArn } },
      },
    );
  }
  if (p.served) {
    const trailPatterns = { 'aws:SourceArn': oneOrMany(names.map((n) => anyTrailNamed(p.partition, n))) };
    const aclScope: PolicyCondition =
      'organizationId' in p.served ? { StringEqualsIfExists: { 'aws:SourceOrgID': p.served.organizationId } } : {};
    statements.push(
      {
        Sid: 'AWSCloudTrailAclCheckAccountTrails',
        Effect: 'Allow',
        Principal: cloudtrail,
        Action: 's3:GetBucketAcl',
        Resource: bucket,
        Condition: mergeConditions({ ArnLike: trailPatterns }, aclScope),
      },
      {
        Sid: 'AWSCloudTrailWriteAccountTrails',
        Effect: 'Allow',
        Principal: cloudtrail,
        Action: 's3:PutObject',
        Resource: logObjectArn(p.partition, p.bucketName, p.s3KeyPrefix, SOURCE_ACCOUNT_VARIABLE),
        Condition: mergeConditions({ StringEquals: ownerAcl, ArnLike: trailPatterns }, servedSourceCondition(p.served)),
      },
    );
  }
  statements.push(
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [bucket, `${bucket}/*`],
      Condition: { Bool: { 'aws:SecureTransport': false } },
    },
    {
      Sid: 'DenyLogDeletion',
      Effect: 'Deny',
      Principal: '*',
      Action: [...LOG_OBJECT_PROTECTED_ACTIONS],
      Resource: `${bucket}/*`,
      Condition: exceptPrincipals(p.breakGlassRoleArns),
    },
    {
      Sid: 'DenyBucketConfigurationChanges',
      Effect: 'Deny',
      Principal: '*',
      Action: [...BUCKET_CONFIGURATION_PROTECTED_ACTIONS],
      Resource: bucket,
      Condition: exceptPrincipals([...p.breakGlassRoleArns, ...(p.deploymentRoleArns ?? [])]),
    },
  );
  const doc = policyDocument(statements);
  const size = byteLength(policyText(doc));
  if (size > BUCKET_POLICY_MAX_BYTES) {
    const n = p.served && 'accountIds' in p.served ? p.served.accountIds.length : 0;
    throw new Error(
      `logArchiveBucketPolicy: ${size} bytes exceeds the S3 bucket policy limit of ${BUCKET_POLICY_MAX_BYTES}` +
        (n ? ` (served.accountIds lists ${n} accounts; serve the organization, whose policy does not grow)` : ''),
    );
  }
  return doc;
}

/** Inputs of {@link accessLogBucketPolicy}. */
export interface AccessLogBucketPolicyProps {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The access-log bucket's name. */
  readonly bucketName: string;
  /** The bucket whose server access logs arrive here (same account and Region). */
  readonly sourceBucketName: string;
  /** The account that owns both buckets (`aws:SourceAccount` of the log delivery). */
  readonly accountId: string;
  /**
   * The target prefix that the source bucket's logging configuration uses: `''` or ending in `/`.
   * @default ''
   */
  readonly targetPrefix?: string;
  /** As for {@link LogArchiveBucketPolicyProps.breakGlassRoleArns}. */
  readonly breakGlassRoleArns: readonly string[];
  /** As for {@link LogArchiveBucketPolicyProps.deploymentRoleArns}. @default [] */
  readonly deploymentRoleArns?: readonly string[];
}

/**
 * The access-log bucket's policy. Statements: `S3ServerAccessLogsPolicy` (the logging service principal may
 * `s3:PutObject` under the target prefix, for `aws:SourceArn` = the source bucket and `aws:SourceAccount` = the
 * owner, exactly as S3 documents it; the bucket uses BucketOwnerEnforced, so no ACL grant is possible),
 * `DenyInsecureTransport` (plain HTTP, except for AWS service principals: S3 documents only that Deny statements must
 * not block log delivery, not how it is sent), `DenyLogDeletion` and `DenyBucketConfigurationChanges` as for the archive.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalisawsservice
 * @throws Error listing every problem: a malformed account ID or prefix, no break-glass role, an ARN that is not an
 *   exact role ARN of the partition.
 */
export function accessLogBucketPolicy(p: AccessLogBucketPolicyProps): PolicyDocument {
  const problems = new Problems('accessLogBucketPolicy');
  const prefix = p.targetPrefix ?? '';
  if (!/^\d{12}$/.test(p.accountId))
    problems.add(`accountId ${JSON.stringify(p.accountId)} is not a 12-digit account ID`);
  if (
    prefix !== '' &&
    (!prefix.endsWith('/') || prefix.startsWith('/') || prefix.includes('//') || /[*?$]/.test(prefix))
  ) {
    problems.add(
      `targetPrefix ${JSON.stringify(prefix)} must be '' or end in '/', with no leading '/', no '//', no * ? $`,
    );
  }
  if (p.breakGlassRoleArns.length === 0)
    problems.add('breakGlassRoleArns is empty: name at least one break-glass role');
  checkExactArns(problems, 'breakGlassRoleArns', p.partition, p.breakGlassRoleArns, 'role');
  checkExactArns(problems, 'deploymentRoleArns', p.partition, p.deploymentRoleArns ?? [], 'role');
  problems.throwIfAny();
  const bucket = buildBucketArn(p.partition, p.bucketName);
  const target = formatArn({
    partition: p.partition,
    service: 's3',
    region: '',
    account: '',
    resource: `${p.bucketName}/${prefix}*`,
  });
  return policyDocument([
    {
      Sid: 'S3ServerAccessLogsPolicy',
      Effect: 'Allow',
      Principal: { Service: S3_LOGGING_SERVICE_PRINCIPAL },
      Action: 's3:PutObject',
      Resource: target,
      Condition: {
        ArnLike: { 'aws:SourceArn': buildBucketArn(p.partition, p.sourceBucketName) },
        StringEquals: { 'aws:SourceAccount': p.accountId },
      },
    },
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [bucket, `${bucket}/*`],
      Condition: { Bool: { 'aws:SecureTransport': false, 'aws:PrincipalIsAWSService': false } },
    },
    {
      Sid: 'DenyLogDeletion',
      Effect: 'Deny',
      Principal: '*',
      Action: [...LOG_OBJECT_PROTECTED_ACTIONS],
      Resource: `${bucket}/*`,
      Condition: exceptPrincipals(p.breakGlassRoleArns),
    },
    {
      Sid: 'DenyBucketConfigurationChanges',
      Effect: 'Deny',
      Principal: '*',
      Action: [...BUCKET_CONFIGURATION_PROTECTED_ACTIONS],
      Resource: bucket,
      Condition: exceptPrincipals([...p.breakGlassRoleArns, ...(p.deploymentRoleArns ?? [])]),
    },
  ]);
}
