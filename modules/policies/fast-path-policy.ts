import { formatArn } from '../../config/arn';
import { PolicyDocument, SSM_SERVICE_PRINCIPAL, policyDocument } from './types';

/**
 * The EventBridge service principal.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html
 */
export const EVENTS_SERVICE_PRINCIPAL = 'events.amazonaws.com';

/**
 * `arn:<p>:ssm:<region>:<account>:automation-definition/<documentName>:<version>`: the ARN of a runbook as an
 * EventBridge target (`$DEFAULT`, `$LATEST` or a version number) or, with `*`, as the resource of
 * `ssm:StartAutomationExecution`.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-cwe-target.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html#awssystemsmanager-resources-for-iam-policies
 * @throws Error when a segment is empty, `undefined` or `null`.
 */
export const automationDefinitionArn = (
  partition: string,
  region: string,
  account: string,
  documentName: string,
  version: string,
): string => {
  if (!documentName || !version) throw new Error(`automationDefinitionArn: documentName ${JSON.stringify(documentName)} and version ${JSON.stringify(version)} must be non-empty`);
  return formatArn({ partition, service: 'ssm', region, account, resource: `automation-definition/${documentName}:${version}` });
};

/**
 * `arn:<p>:events:<region>:<account>:rule/<name>` (a rule on the default event bus).
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html
 * @throws Error (from `formatArn`) when a segment is empty, `undefined` or `null`.
 */
export const eventRuleArn = (partition: string, region: string, account: string, ruleName: string): string =>
  formatArn({ partition, service: 'events', region, account, resource: `rule/${ruleName}` });

/** Inputs of {@link fastPathTrustPolicy}. */
export interface FastPathTrustPolicyProps {
  /** The account of the role and the rule (`aws:SourceAccount`). */
  readonly accountId: string;
  /** The one rule that may use the role (`aws:SourceArn`), e.g. from {@link eventRuleArn}. */
  readonly ruleArn: string;
}

/**
 * Trust policy of the role EventBridge uses to start the runbook: `events.amazonaws.com` may `sts:AssumeRole`, only
 * for the one rule of this account.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html#eb-confused-deputy-prevention
 * @returns a one-statement document (`AllowEventBridgeRuleOfThisAccount`); never throws
 */
export function fastPathTrustPolicy(p: FastPathTrustPolicyProps): PolicyDocument {
  return policyDocument([
    {
      Sid: 'AllowEventBridgeRuleOfThisAccount',
      Effect: 'Allow',
      Principal: { Service: EVENTS_SERVICE_PRINCIPAL },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': p.accountId, 'aws:SourceArn': p.ruleArn } },
    },
  ]);
}

/** Inputs of {@link fastPathPermissionsPolicy}. */
export interface FastPathPermissionsPolicyProps {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The trail's home Region (where the runbook and the rule are). */
  readonly region: string;
  /** The account of the runbook. */
  readonly accountId: string;
  /** The runbook (SSM document) name; a Terraform token is fine. */
  readonly documentName: string;
  /** The role the runbook assumes (`AutomationAssumeRole`); the only role that may be passed. */
  readonly automationRoleArn: string;
}

/**
 * Permissions policy of the EventBridge role, least privilege:
 *
 * - `StartRemediationRunbook`: `ssm:StartAutomationExecution` on `automation-definition/<documentName>:*` (any
 *   version of this one runbook, nothing else).
 * - `PassAutomationRole`: `iam:PassRole` on the automation role only, only to `ssm.amazonaws.com`
 *   (`iam:PassedToService`): the runbook's `AutomationAssumeRole`.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-cwe-target.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
 * @throws Error when an ARN would contain an empty, `undefined` or `null` segment.
 */
export function fastPathPermissionsPolicy(p: FastPathPermissionsPolicyProps): PolicyDocument {
  return policyDocument([
    {
      Sid: 'StartRemediationRunbook',
      Effect: 'Allow',
      Action: 'ssm:StartAutomationExecution',
      Resource: automationDefinitionArn(p.partition, p.region, p.accountId, p.documentName, '*'),
    },
    {
      Sid: 'PassAutomationRole',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: p.automationRoleArn,
      Condition: { StringEquals: { 'iam:PassedToService': SSM_SERVICE_PRINCIPAL } },
    },
  ]);
}
