import { bucketArn, formatArn } from '../../config/arn';
import {
  AUTOMATION_ROLE_NAME_PREFIX,
  FAST_PATH_ROLE_NAME_PREFIX,
  GUARD_CONFIG_RULE_TAG,
  GUARD_RESOURCE_NAME_PREFIX,
  GUARD_ROLE_PATH,
  LOG_ARCHIVE_KEY_ALIAS,
} from '../log-archive-naming';
import { BUCKET_CONFIGURATION_PROTECTED_ACTIONS } from './log-archive-bucket-policy';
import { KEY_DESTRUCTION_ACTIONS } from './log-archive-key-policy';
import { byteLength, checkTrailNames, oneOrMany, Problems } from './log-archive-scope';
import { SCP_MAX_CHARACTERS, TRAIL_TAMPER_ACTIONS } from './tamper-scp';
import { PolicyDocument, PolicyStatement, policyDocument, policyText } from './types';
import { NAMESPACE, label } from '../../config/naming';

/**
 * The calls that create or change a role, its trust policy, its permissions, its boundary or its tags, or delete it
 * (wildcards: `DeleteRole*` is DeleteRole, DeleteRolePolicy and DeleteRolePermissionsBoundary; `UpdateRole*` is
 * UpdateRole and UpdateRoleDescription; `PutRole*` is PutRolePolicy and PutRolePermissionsBoundary). The guard's roles
 * use inline policies only, so no managed policy version can widen them.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/mandatory-controls.html
 */
export const ROLE_TAMPER_ACTIONS = [
  'iam:CreateRole',
  'iam:DeleteRole*',
  'iam:UpdateRole*',
  'iam:PutRole*',
  'iam:UpdateAssumeRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:TagRole',
  'iam:UntagRole',
] as const;

/**
 * Changes to the guard's SSM documents and EventBridge rules.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html
 */
export const GUARD_RESOURCE_TAMPER_ACTIONS = [
  'ssm:UpdateDocument*',
  'ssm:DeleteDocument',
  'ssm:ModifyDocumentPermission',
  'events:PutRule',
  'events:DeleteRule',
  'events:DisableRule',
  'events:PutTargets',
  'events:RemoveTargets',
] as const;

/**
 * Changes to the guard's AWS Config rules (matched by their tag; rule ARNs carry an ID, not the name).
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsconfig.html
 */
export const CONFIG_RULE_TAMPER_ACTIONS = [
  'config:PutConfigRule',
  'config:DeleteConfigRule',
  'config:DeleteEvaluationResults',
] as const;

/** Changing or removing the tag that marks those rules. */
export const CONFIG_TAG_TAMPER_ACTIONS = ['config:TagResource', 'config:UntagResource'] as const;

/**
 * Stopping or changing the configuration recorder and delivery channel, and removing or changing remediations and
 * their exceptions. Remediation configurations have no name or tag in their ARN, and the delivery channel and
 * remediation exceptions have no resource type, so these are denied on every resource, as Control Tower does for the
 * recorder: only the deployment and break-glass patterns may change them (Config's own service-linked roles, such as
 * the one conformance packs use, are never restricted by an SCP).
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsconfig.html
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/mandatory-controls.html
 */
export const CONFIG_RECORDER_TAMPER_ACTIONS = [
  'config:StopConfigurationRecorder',
  'config:DeleteConfigurationRecorder',
  'config:PutConfigurationRecorder',
  'config:DeleteDeliveryChannel',
  'config:PutDeliveryChannel',
  'config:DeleteRemediationConfiguration',
  'config:PutRemediationConfigurations',
  'config:DeleteRemediationExceptions',
  'config:PutRemediationExceptions',
] as const;

/** Deleting log objects in the archive (the bucket policy denies it too). */
export const ARCHIVE_OBJECT_TAMPER_ACTIONS = [
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:BypassGovernanceRetention',
] as const;

/** A role ARN pattern: `arn:<p>:iam::<12 digits or *>:role/<path and name>`, where the path and name begin with a literal character. */
const ROLE_PATTERN = /^arn:(aws[a-z-]*):iam::(\d{12}|\*):role\/([\w+=,.@-][\w+=,.@/*?-]{0,511})$/;
/** An IAM path: `/`, one or more segments, `/`; not the root path. */
const ROLE_PATH = /^\/([\w+=,.@-]+\/)+$/;

/** Inputs of {@link guardTamperScp}. Every pattern matches roles in any account; none lists a role per account. */
export interface GuardTamperScpProps {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** Names of the guarded trails (one entry per distinct name; `arn:<p>:cloudtrail:*:*:trail/<name>`). */
  readonly trailNames: readonly string[];
  /**
   * Roles that deploy the stacks (Terraform): the only ones besides break-glass that may change the protected roles,
   * trails and resources. Role ARN patterns such as `arn:aws:iam::*:role/cloudtrail-guard-deployer`; `*` and `?` are
   * wildcards (`ArnNotLike`). Each pattern is also protected: nobody else may create or change a role it matches.
   * At least one.
   */
  readonly deploymentRolePatterns: readonly string[];
  /** Break-glass role ARN patterns, as `deploymentRolePatterns`. At least one. */
  readonly breakGlassRolePatterns: readonly string[];
  /**
   * The IAM path of the guard's own roles; `<path>*` is protected, and the automation and fast-path patterns lie under it.
   * @default GUARD_ROLE_PATH, `/cloudtrail-guard/`
   */
  readonly guardRolePath?: string;
  /** @default AUTOMATION_ROLE_NAME_PREFIX, `cloudtrail-guard-automation-` */
  readonly automationRoleNamePrefix?: string;
  /** @default FAST_PATH_ROLE_NAME_PREFIX, `cloudtrail-guard-fast-path-` */
  readonly fastPathRoleNamePrefix?: string;
  /**
   * Name prefix of the guard's SSM documents and EventBridge rules.
   * @default GUARD_RESOURCE_NAME_PREFIX, `cloudtrail-guard-`
   */
  readonly resourceNamePrefix?: string;
  /** The tag on the guard's Config rules. @default GUARD_CONFIG_RULE_TAG, `cloudtrail-guard:protected` = `true` */
  readonly configRuleTag?: { readonly key: string; readonly value: string };
  /**
   * The log archive: bucket name pattern and key alias.
   * @default { bucketNamePattern: 'cloudtrail-guard-archive-*', keyAlias: LOG_ARCHIVE_KEY_ALIAS }
   */
  readonly logArchive?: { readonly bucketNamePattern: string; readonly keyAlias: string };
}

/**
 * The tamper-prevention SCP whose size does not depend on the number of accounts: every exemption is an IAM path or
 * name pattern (`aws:PrincipalArn`, `ArnNotLike`), and the same patterns are protected, so only the deployment and
 * break-glass roles can create or change a role that an exemption matches. Statements, all `Deny`:
 * - `ProtectRoles`: {@link ROLE_TAMPER_ACTIONS} on `role/<guard path>*`, the deployment and break-glass patterns;
 *   except deployment and break-glass.
 * - `ProtectAutomationRole`: `iam:PassRole` of the automation roles; except the fast-path roles (EventBridge starts the
 *   runbook as them), deployment and break-glass. AWS Config's automatic remediation passes the role as its
 *   service-linked role AWSServiceRoleForConfigRemediation (AWSConfigRemediationServiceRolePolicy allows
 *   `iam:PassRole` to SSM), which no SCP restricts; so nobody else can start an automation as the automation role.
 * - `ProtectTrails`: {@link TRAIL_TAMPER_ACTIONS} on the guarded trails; except the automation roles (the runbook
 *   repairs the trail), deployment and break-glass.
 * - `ProtectGuardResources`: {@link GUARD_RESOURCE_TAMPER_ACTIONS}, the archive bucket's configuration and objects,
 *   and the archive key's alias; except deployment and break-glass.
 * - `ProtectArchiveKey`: disabling, deleting or re-policing the key that carries the archive alias
 *   (`kms:ResourceAliases`); except deployment and break-glass.
 * - `ProtectConfigRules`, `ProtectConfigRuleTag`, `ProtectConfigRecorder`: the guard's Config rules (by tag), their
 *   tag, and the recorder, delivery channel and remediations; except deployment and break-glass.
 * SCPs never restrict the management account, nor service-linked roles.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 * @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSConfigRemediationServiceRolePolicy.html
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-setup-iam.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-resource-aliases
 * @throws Error listing every problem: no trail name or a malformed one; no deployment or break-glass pattern; a
 *   pattern that is not a role ARN pattern of the partition or begins its path with a wildcard (it would exempt every
 *   role); a root or malformed guard path; a name prefix with a wildcard; or a document over
 *   {@link SCP_MAX_CHARACTERS} characters.
 */
export function guardTamperScp(p: GuardTamperScpProps): PolicyDocument {
  const problems = new Problems('guardTamperScp');
  const path = p.guardRolePath ?? GUARD_ROLE_PATH;
  const automationPrefix = p.automationRoleNamePrefix ?? AUTOMATION_ROLE_NAME_PREFIX;
  const fastPathPrefix = p.fastPathRoleNamePrefix ?? FAST_PATH_ROLE_NAME_PREFIX;
  const resourcePrefix = p.resourceNamePrefix ?? GUARD_RESOURCE_NAME_PREFIX;
  const tag = p.configRuleTag ?? GUARD_CONFIG_RULE_TAG;
  const archive = p.logArchive ?? {
    bucketNamePattern: `${label(NAMESPACE, 'archive')}-*`,
    keyAlias: LOG_ARCHIVE_KEY_ALIAS,
  };

  checkTrailNames(problems, 'trailNames', p.trailNames);
  for (const [what, patterns] of [
    ['deploymentRolePatterns', p.deploymentRolePatterns],
    ['breakGlassRolePatterns', p.breakGlassRolePatterns],
  ] as const) {
    if (patterns.length === 0) problems.add(`${what} is empty`);
    for (const pattern of patterns) {
      const m = ROLE_PATTERN.exec(pattern);
      if (!m) {
        problems.add(
          `${what}: ${JSON.stringify(pattern)} is not a role ARN pattern (arn:<partition>:iam::<account or *>:role/<path/name>, the path beginning with a literal character)`,
        );
      } else if (m[1] !== p.partition)
        problems.add(`${what}: ${JSON.stringify(pattern)} is in partition ${m[1]}, not ${p.partition}`);
    }
  }
  if (!ROLE_PATH.test(path))
    problems.add(`guardRolePath ${JSON.stringify(path)} is not an IAM path of one or more segments (/name/)`);
  for (const [what, v] of [
    ['automationRoleNamePrefix', automationPrefix],
    ['fastPathRoleNamePrefix', fastPathPrefix],
    ['resourceNamePrefix', resourcePrefix],
  ] as const) {
    if (!/^[\w+=,.@-]{1,64}$/.test(v))
      problems.add(`${what} ${JSON.stringify(v)} must be 1 to 64 of letters, digits and + = , . @ _ - (no wildcard)`);
  }
  if (automationPrefix.startsWith(fastPathPrefix) || fastPathPrefix.startsWith(automationPrefix)) {
    problems.add(
      'automationRoleNamePrefix and fastPathRoleNamePrefix overlap: the fast path would be exempt from the trail statement',
    );
  }
  if (!/^[\w.:/=+@-]{1,128}$/.test(tag.key) || tag.key.toLowerCase().startsWith('aws:'))
    problems.add(`configRuleTag.key ${JSON.stringify(tag.key)} is not a tag key of your own`);
  if (!/^[\w.:/=+@ -]{0,256}$/.test(tag.value))
    problems.add(`configRuleTag.value ${JSON.stringify(tag.value)} is not a tag value`);
  if (!/^[a-z0-9][a-z0-9.-]{2,61}\*$/.test(archive.bucketNamePattern))
    problems.add(
      `logArchive.bucketNamePattern ${JSON.stringify(archive.bucketNamePattern)} must be a bucket name prefix followed by *`,
    );
  if (!/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(archive.keyAlias) || archive.keyAlias.startsWith('alias/aws/'))
    problems.add(`logArchive.keyAlias ${JSON.stringify(archive.keyAlias)} is not an alias of your own`);
  problems.throwIfAny();

  const partition = p.partition;
  const guardRoles = `arn:${partition}:iam::*:role${path}*`;
  const automation = `arn:${partition}:iam::*:role${path}${automationPrefix}*`;
  const fastPath = `arn:${partition}:iam::*:role${path}${fastPathPrefix}*`;
  const admins = [...new Set([...p.deploymentRolePatterns, ...p.breakGlassRolePatterns])];
  const except = (extra: readonly string[] = []) => ({
    ArnNotLike: { 'aws:PrincipalArn': oneOrMany([...extra, ...admins]) },
  });
  const bucket = bucketArn(partition, archive.bucketNamePattern);

  const statements: PolicyStatement[] = [
    {
      Sid: 'ProtectRoles',
      Effect: 'Deny',
      Action: [...ROLE_TAMPER_ACTIONS],
      Resource: [guardRoles, ...admins],
      Condition: except(),
    },
    {
      Sid: 'ProtectAutomationRole',
      Effect: 'Deny',
      Action: 'iam:PassRole',
      Resource: automation,
      Condition: except([fastPath]),
    },
    {
      Sid: 'ProtectTrails',
      Effect: 'Deny',
      Action: [...TRAIL_TAMPER_ACTIONS],
      Resource: oneOrMany(
        p.trailNames.map((n) =>
          formatArn({ partition, service: 'cloudtrail', region: '*', account: '*', resource: `trail/${n}` }),
        ),
      ),
      Condition: except([automation]),
    },
    {
      Sid: 'ProtectGuardResources',
      Effect: 'Deny',
      Action: [
        ...GUARD_RESOURCE_TAMPER_ACTIONS,
        ...BUCKET_CONFIGURATION_PROTECTED_ACTIONS,
        ...ARCHIVE_OBJECT_TAMPER_ACTIONS,
        'kms:UpdateAlias',
        'kms:DeleteAlias',
      ],
      Resource: [
        formatArn({ partition, service: 'ssm', region: '*', account: '*', resource: `document/${resourcePrefix}*` }),
        formatArn({ partition, service: 'events', region: '*', account: '*', resource: `rule/${resourcePrefix}*` }),
        bucket,
        `${bucket}/*`,
        formatArn({ partition, service: 'kms', region: '*', account: '*', resource: `${archive.keyAlias}*` }),
      ],
      Condition: except(),
    },
    {
      Sid: 'ProtectArchiveKey',
      Effect: 'Deny',
      Action: [...KEY_DESTRUCTION_ACTIONS, 'kms:PutKeyPolicy'],
      Resource: '*',
      Condition: { ...except(), 'ForAnyValue:StringLike': { 'kms:ResourceAliases': `${archive.keyAlias}*` } },
    },
    {
      Sid: 'ProtectConfigRules',
      Effect: 'Deny',
      Action: [...CONFIG_RULE_TAMPER_ACTIONS],
      Resource: '*',
      Condition: { ...except(), StringEquals: { [`aws:ResourceTag/${tag.key}`]: tag.value } },
    },
    {
      Sid: 'ProtectConfigRuleTag',
      Effect: 'Deny',
      Action: [...CONFIG_TAG_TAMPER_ACTIONS],
      Resource: '*',
      Condition: { ...except(), 'ForAnyValue:StringEquals': { 'aws:TagKeys': tag.key } },
    },
    {
      Sid: 'ProtectConfigRecorder',
      Effect: 'Deny',
      Action: [...CONFIG_RECORDER_TAMPER_ACTIONS],
      Resource: '*',
      Condition: except(),
    },
  ];
  const doc = policyDocument(statements);
  const text = policyText(doc);
  const size = Math.max(text.length, byteLength(text));
  if (size > SCP_MAX_CHARACTERS)
    throw new Error(`guardTamperScp: ${size} characters exceeds the SCP limit of ${SCP_MAX_CHARACTERS}`);
  return doc;
}
