import { accountRootArn } from '../../config/arn';
import {
  anyTrailNamed,
  byteLength,
  checkExactArns,
  checkOrganizationTrail,
  checkServed,
  checkTrailNames,
  mergeConditions,
  oneOrMany,
  parseTrailArn,
  Problems,
  servedSourceCondition,
  SOURCE_ACCOUNT_VARIABLE,
  type OrganizationTrailRef,
  type ServedAccounts,
} from './log-archive-scope';
import { CLOUDTRAIL_ENCRYPTION_CONTEXT_KEY } from './trail-key-policy';
import {
  CLOUDTRAIL_SERVICE_PRINCIPAL,
  PolicyCondition,
  PolicyDocument,
  PolicyStatement,
  policyDocument,
  policyText,
} from './types';

/**
 * Largest key policy KMS accepts: 32 KB (32,768 bytes), not adjustable.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html
 */
export const KEY_POLICY_MAX_BYTES = 32_768;

/**
 * What only break-glass roles may do to the archive key: disable it, schedule its deletion, turn rotation off, or
 * delete imported key material. Each would make every archived log file unreadable.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
 */
export const KEY_DESTRUCTION_ACTIONS = [
  'kms:DisableKey',
  'kms:ScheduleKeyDeletion',
  'kms:DisableKeyRotation',
  'kms:DeleteImportedKeyMaterial',
] as const;

/**
 * What only break-glass roles and the key administrators (the role that applies the key, so Terraform can keep the
 * key policy and alias up to date) may do: replace the key policy, or move or delete an alias of the key (member
 * stacks find the key through its alias).
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
 */
export const KEY_ADMINISTRATION_ACTIONS = ['kms:PutKeyPolicy', 'kms:UpdateAlias', 'kms:DeleteAlias'] as const;

/** Inputs of {@link logArchiveKeyPolicy}. */
export interface LogArchiveKeyPolicyProps {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The key's Region (that of the archive bucket: CloudTrail needs the key in the bucket's Region). */
  readonly region: string;
  /** The account that owns the key: the log-archive account or a security account (12 digits). */
  readonly accountId: string;
  /**
   * The organization trail that encrypts with this key.
   * @default undefined (no organization trail)
   */
  readonly organizationTrail?: OrganizationTrailRef;
  /**
   * The accounts whose own trails encrypt with this key, and whose principals may `kms:DescribeKey` it (a member stack
   * reads the key ARN by alias ARN).
   * @default undefined (no account-mode trails)
   */
  readonly served?: ServedAccounts;
  /**
   * Names of the served accounts' trails (`aws:SourceArn` like `arn:<p>:cloudtrail:*:*:trail/<name>`). Required with
   * `served`.
   * @default [] (required with `served`)
   */
  readonly accountTrailNames?: readonly string[];
  /**
   * The archive bucket uses an S3 Bucket Key: CloudTrail then also needs `kms:Decrypt` to create or update a trail.
   * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
   * @default true
   */
  readonly bucketKeyEnabled?: boolean;
  /**
   * Principals that may read the logs: `kms:Decrypt` through S3 in the key's Region (`kms:ViaService`). Exact role,
   * user or root ARNs; they must exist when the policy is set (KMS checks).
   * @default [] (nobody outside the key owner's IAM policies)
   */
  readonly logReaderArns?: readonly string[];
  /** The only roles that may disable the key, schedule its deletion or turn rotation off. Exact role ARNs, at least one. */
  readonly breakGlassRoleArns: readonly string[];
  /**
   * Roles that apply the key (Terraform's deployment role in the key's account): besides break-glass, the only ones
   * that may replace the key policy or move or delete its alias. The role that creates or updates the key must be one
   * of these or a break-glass role, or KMS refuses the policy (the lockout safety check). Exact role ARNs.
   * @see https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html
   * @default []
   */
  readonly keyAdministratorArns?: readonly string[];
}

/**
 * The central log archive's key policy. Statements, in this order:
 * - `EnableRootAdministration`: the owning account's root may `kms:*` (delegates to IAM), limited by the Denies below.
 * - `AllowCloudTrailEncryptOrganizationTrail` (with `organizationTrail`): `kms:GenerateDataKey*` for `aws:SourceArn` =
 *   the organization trail, encryption context like `arn:<p>:cloudtrail:*:*:trail/<its name>` (whichever account
 *   CloudTrail names in it for member accounts' files: the source ARN already pins the trail).
 * - `AllowCloudTrailEncryptAccountTrails` (with `served`): `kms:GenerateDataKey*` when the encryption context is a
 *   trail of the very account CloudTrail acts for (`arn:<p>:cloudtrail:*:${aws:SourceAccount}:trail/*`), the source
 *   is a trail named in `accountTrailNames`, and the account is served ({@link servedSourceCondition}).
 * - `AllowCloudTrailDescribeKey`: `kms:DescribeKey` for those trails (`aws:SourceArn`).
 * - `AllowCloudTrailDecryptOrganizationTrail`, `AllowCloudTrailDecryptAccountTrails` (with `bucketKeyEnabled`):
 *   `kms:Decrypt`, scoped as the encrypt statements without the encryption context.
 * - `AllowServedAccountsDescribeKey` (with `served`): any principal of a served account (`aws:PrincipalOrgID`, plus
 *   `aws:PrincipalOrgPaths`; or `kms:CallerAccount` over the list) may `kms:DescribeKey`, so that its stack reads the
 *   key ARN by alias ARN.
 * - `AllowManagementAccountDescribeKey` (with `organizationTrail`, unless `served` is the organization, which covers
 *   it): principals of the management account (`kms:CallerAccount`) may `kms:DescribeKey`, for the same reason.
 * - `AllowLogReadersDecrypt` (with `logReaderArns`).
 * - `DenyKeyDestruction`: {@link KEY_DESTRUCTION_ACTIONS} for all but `breakGlassRoleArns`.
 * - `DenyKeyAdministration`: {@link KEY_ADMINISTRATION_ACTIONS} for all but break-glass and `keyAdministratorArns`.
 *
 * The size does not depend on the number of accounts in organization scope; with `accountIds` each account adds its
 * ID to three statements.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 * @throws Error listing every problem: neither `organizationTrail` nor `served`; `served` without `accountTrailNames`;
 *   a malformed account ID, organization ID, OU path, trail ARN or trail name; an ARN that is not exact or not in the
 *   partition; no break-glass role; or a policy over {@link KEY_POLICY_MAX_BYTES}.
 */
export function logArchiveKeyPolicy(p: LogArchiveKeyPolicyProps): PolicyDocument {
  const problems = new Problems('logArchiveKeyPolicy');
  const names = p.accountTrailNames ?? [];
  if (!/^\d{12}$/.test(p.accountId))
    problems.add(`accountId ${JSON.stringify(p.accountId)} is not a 12-digit account ID`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(p.region))
    problems.add(`region ${JSON.stringify(p.region)} is not a Region name`);
  if (!p.organizationTrail && !p.served)
    problems.add('nothing encrypts with this key: give organizationTrail, served, or both');
  if (p.organizationTrail) checkOrganizationTrail(problems, p.partition, p.organizationTrail);
  if (p.served) {
    checkServed(problems, p.served);
    checkTrailNames(problems, 'accountTrailNames', names);
  } else if (names.length) problems.add('accountTrailNames without served: say which accounts those trails are in');
  if (p.breakGlassRoleArns.length === 0)
    problems.add('breakGlassRoleArns is empty: name at least one break-glass role');
  checkExactArns(problems, 'breakGlassRoleArns', p.partition, p.breakGlassRoleArns, 'role');
  checkExactArns(problems, 'keyAdministratorArns', p.partition, p.keyAdministratorArns ?? [], 'role');
  checkExactArns(problems, 'logReaderArns', p.partition, p.logReaderArns ?? [], 'principal');
  problems.throwIfAny();

  const cloudtrail = { Service: CLOUDTRAIL_SERVICE_PRINCIPAL };
  const bucketKeyEnabled = p.bucketKeyEnabled ?? true;
  const orgTrail = p.organizationTrail;
  const orgSource: PolicyCondition | undefined = orgTrail
    ? { StringEquals: { 'aws:SourceArn': orgTrail.trailArn } }
    : undefined;
  const accountSource: PolicyCondition | undefined = p.served
    ? mergeConditions(
        { ArnLike: { 'aws:SourceArn': oneOrMany(names.map((n) => anyTrailNamed(p.partition, n))) } },
        servedSourceCondition(p.served),
      )
    : undefined;
  const allTrailSources = [
    ...(orgTrail ? [orgTrail.trailArn] : []),
    ...names.map((n) => anyTrailNamed(p.partition, n)),
  ];
  const readers = p.logReaderArns ?? [];

  const statements: Array<PolicyStatement | undefined> = [
    {
      Sid: 'EnableRootAdministration',
      Effect: 'Allow',
      Principal: { AWS: accountRootArn(p.partition, p.accountId) },
      Action: 'kms:*',
      Resource: '*',
    },
    orgTrail && orgSource
      ? {
          Sid: 'AllowCloudTrailEncryptOrganizationTrail',
          Effect: 'Allow',
          Principal: cloudtrail,
          Action: 'kms:GenerateDataKey*',
          Resource: '*',
          Condition: mergeConditions(orgSource, {
            StringLike: {
              [CLOUDTRAIL_ENCRYPTION_CONTEXT_KEY]: anyTrailNamed(
                p.partition,
                parseTrailArn(p.partition, orgTrail.trailArn).name,
              ),
            },
          }),
        }
      : undefined,
    accountSource
      ? {
          Sid: 'AllowCloudTrailEncryptAccountTrails',
          Effect: 'Allow',
          Principal: cloudtrail,
          Action: 'kms:GenerateDataKey*',
          Resource: '*',
          Condition: mergeConditions(accountSource, {
            StringLike: {
              [CLOUDTRAIL_ENCRYPTION_CONTEXT_KEY]: `arn:${p.partition}:cloudtrail:*:${SOURCE_ACCOUNT_VARIABLE}:trail/*`,
            },
          }),
        }
      : undefined,
    {
      Sid: 'AllowCloudTrailDescribeKey',
      Effect: 'Allow',
      Principal: cloudtrail,
      Action: 'kms:DescribeKey',
      Resource: '*',
      Condition: { ArnLike: { 'aws:SourceArn': oneOrMany(allTrailSources) } },
    },
    bucketKeyEnabled && orgSource
      ? {
          Sid: 'AllowCloudTrailDecryptOrganizationTrail',
          Effect: 'Allow',
          Principal: cloudtrail,
          Action: 'kms:Decrypt',
          Resource: '*',
          Condition: orgSource,
        }
      : undefined,
    bucketKeyEnabled && accountSource
      ? {
          Sid: 'AllowCloudTrailDecryptAccountTrails',
          Effect: 'Allow',
          Principal: cloudtrail,
          Action: 'kms:Decrypt',
          Resource: '*',
          Condition: accountSource,
        }
      : undefined,
    p.served
      ? {
          Sid: 'AllowServedAccountsDescribeKey',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'kms:DescribeKey',
          Resource: '*',
          Condition:
            'accountIds' in p.served
              ? { StringEquals: { 'kms:CallerAccount': [...p.served.accountIds] } }
              : {
                  StringEquals: { 'aws:PrincipalOrgID': p.served.organizationId },
                  ...(p.served.organizationalUnitPaths
                    ? {
                        'ForAnyValue:StringLike': {
                          'aws:PrincipalOrgPaths': p.served.organizationalUnitPaths.map((x) => `${x}*`),
                        },
                      }
                    : {}),
                },
        }
      : undefined,
    // The management account's stack reads the key ARN by alias ARN too (its organization trail), and its automation
    // role describes the key; served organization principals are covered by AllowServedAccountsDescribeKey already.
    orgTrail && !(p.served && 'organizationId' in p.served)
      ? {
          Sid: 'AllowManagementAccountDescribeKey',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'kms:DescribeKey',
          Resource: '*',
          Condition: { StringEquals: { 'kms:CallerAccount': parseTrailArn(p.partition, orgTrail.trailArn).account } },
        }
      : undefined,
    readers.length
      ? {
          Sid: 'AllowLogReadersDecrypt',
          Effect: 'Allow',
          Principal: { AWS: oneOrMany(readers) },
          Action: ['kms:Decrypt', 'kms:DescribeKey'],
          Resource: '*',
          Condition: { StringEquals: { 'kms:ViaService': `s3.${p.region}.amazonaws.com` } },
        }
      : undefined,
    {
      Sid: 'DenyKeyDestruction',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: [...KEY_DESTRUCTION_ACTIONS],
      Resource: '*',
      Condition: { ArnNotLike: { 'aws:PrincipalArn': oneOrMany(p.breakGlassRoleArns) } },
    },
    {
      Sid: 'DenyKeyAdministration',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: [...KEY_ADMINISTRATION_ACTIONS],
      Resource: '*',
      Condition: {
        ArnNotLike: { 'aws:PrincipalArn': oneOrMany([...p.breakGlassRoleArns, ...(p.keyAdministratorArns ?? [])]) },
      },
    },
  ];
  const doc = policyDocument(statements);
  const size = byteLength(policyText(doc));
  if (size > KEY_POLICY_MAX_BYTES) {
    const n = p.served && 'accountIds' in p.served ? p.served.accountIds.length : 0;
    throw new Error(
      `logArchiveKeyPolicy: ${size} bytes exceeds the KMS key policy limit of ${KEY_POLICY_MAX_BYTES}` +
        (n ? ` (served.accountIds lists ${n} accounts; serve the organization, whose policy does not grow)` : ''),
    );
  }
  return doc;
}
