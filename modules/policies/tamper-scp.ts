import { PolicyDocument, policyDocument, policyText } from './types';

/**
 * The actions that stop or weaken a trail; the SCP denies them on the guarded trails.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudtrail.html
 */
export const TRAIL_TAMPER_ACTIONS = [
  'cloudtrail:StopLogging',
  'cloudtrail:DeleteTrail',
  'cloudtrail:UpdateTrail',
  'cloudtrail:PutEventSelectors',
  'cloudtrail:PutInsightSelectors',
] as const;

/**
 * The actions that would let a principal take over or switch off the guard's own resources in a member account: the
 * roles the SCP exempts (trust policy, permissions, deletion), the runbook document, and the fast-path rule. Without
 * this statement, an IAM administrator in a member account could rewrite an exempt role's trust policy, assume it, and
 * stop the trail as an exempt principal.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
 */
export const GUARD_TAMPER_ACTIONS = [
  'iam:UpdateAssumeRolePolicy',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:UpdateRole',
  'iam:DeleteRole',
  'ssm:UpdateDocument',
  'ssm:UpdateDocumentDefaultVersion',
  'ssm:DeleteDocument',
  'ssm:ModifyDocumentPermission',
  'events:PutRule',
  'events:DeleteRule',
  'events:DisableRule',
  'events:PutTargets',
  'events:RemoveTargets',
] as const;

/**
 * The guard's own resources in every account, by the names config/naming.ts gives them (`cloudtrail-guard-*`):
 * IAM roles, SSM documents and EventBridge rules, as ARN patterns with `*` for Region and account. Never throws.
 */
export const guardResourceArns = (partition: string): string[] => [
  `arn:${partition}:iam::*:role/cloudtrail-guard-*`,
  `arn:${partition}:ssm:*:*:document/cloudtrail-guard-*`,
  `arn:${partition}:events:*:*:rule/cloudtrail-guard-*`,
];

/**
 * Maximum size of an SCP document, in characters.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
 */
export const SCP_MAX_CHARACTERS = 5120;

/** `arn:<partition>:iam::<12-digit account>:role/<path/name>`, with no IAM wildcard (`*` or `?`) anywhere. */
const EXACT_ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

/**
 * Checks the roles that an SCP exempts: each must be one exact IAM role ARN in `partition` (a 12-digit account, no
 * `*` or `?`). `ArnLike`/`ArnNotLike` treat `*` and `?` as wildcards, so a pattern such as
 * `arn:aws:iam::*:role/name-*` would exempt any role of that name that anyone creates in any member account.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 * @throws Error naming every ARN that is not an exact role ARN in the partition.
 */
export function assertExactRoleArns(partition: string, arns: readonly string[]): void {
  const problems: string[] = [];
  for (const arn of arns) {
    const m = EXACT_ROLE_ARN.exec(arn);
    if (!m) {
      problems.push(
        `${JSON.stringify(arn)} is not an exact IAM role ARN (arn:<partition>:iam::<12-digit account>:role/<name>, no * or ? wildcard)`,
      );
    } else if (m[1] !== partition) {
      problems.push(`${JSON.stringify(arn)} is in partition ${m[1]}, not ${partition}`);
    }
  }
  if (problems.length) throw new Error(`trailTamperScp exemptRoleArns: ${problems.join('; ')}`);
}

/** Inputs of {@link trailTamperScp}. */
export interface TrailTamperScpProps {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The guarded trails' ARNs (at least one). */
  readonly trailArns: readonly string[];
  /**
   * Exactly the roles still allowed to change the trails, and no others: the automation role of every guarded
   * account (so the runbook can repair the trail) and any break-glass roles. Each is one exact role ARN in
   * `partition` (see {@link assertExactRoleArns}); duplicates are dropped, order is kept. Empty: no principal in the
   * target accounts is exempt, and the statement has no `Condition`.
   */
  readonly exemptRoleArns: readonly string[];
  /**
   * When set, a second statement denies {@link GUARD_TAMPER_ACTIONS} on the guard's own resources
   * ({@link guardResourceArns}) to every principal but these exact roles: the roles that deploy the stacks
   * (Terraform) and the break-glass roles. Exact role ARNs, as for `exemptRoleArns`.
   * @default undefined (no second statement)
   */
  readonly guardAdminRoleArns?: readonly string[];
}

/**
 * Service control policy for organization mode: denies {@link TRAIL_TAMPER_ACTIONS} on the guarded trails to every
 * principal whose `aws:PrincipalArn` is not one of `exemptRoleArns` (condition `ArnNotLike` over exact ARNs, which
 * match only themselves). SCPs have no `Principal` element.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_cloudtrail.html
 * @throws Error when `trailArns` is empty, when an exempt ARN is not an exact role ARN in the partition, or when the
 *   document exceeds {@link SCP_MAX_CHARACTERS}.
 */
export function trailTamperScp(p: TrailTamperScpProps): PolicyDocument {
  if (p.trailArns.length === 0) throw new Error('trailTamperScp: trailArns is empty; there is nothing to guard');
  assertExactRoleArns(p.partition, p.exemptRoleArns);
  if (p.guardAdminRoleArns) assertExactRoleArns(p.partition, p.guardAdminRoleArns);
  const exempt = [...new Set(p.exemptRoleArns)];
  const admins = [...new Set(p.guardAdminRoleArns ?? [])];
  const doc = policyDocument([
    {
      Sid: 'DenyTrailTampering',
      Effect: 'Deny',
      Action: [...TRAIL_TAMPER_ACTIONS],
      Resource: [...p.trailArns],
      ...(exempt.length ? { Condition: { ArnNotLike: { 'aws:PrincipalArn': exempt } } } : {}),
    },
    ...(p.guardAdminRoleArns
      ? [
          {
            Sid: 'DenyGuardTampering',
            Effect: 'Deny' as const,
            Action: [...GUARD_TAMPER_ACTIONS],
            Resource: guardResourceArns(p.partition),
            ...(admins.length ? { Condition: { ArnNotLike: { 'aws:PrincipalArn': admins } } } : {}),
          },
        ]
      : []),
  ]);
  const size = policyText(doc).length;
  if (size > SCP_MAX_CHARACTERS) throw new Error(`trailTamperScp: ${size} characters exceeds the SCP limit of ${SCP_MAX_CHARACTERS}`);
  return doc;
}
