import { formatArn, roleArn as buildRoleArn } from '../../config/arn';
import { CLOUDTRAIL_SERVICE_PRINCIPAL, PolicyDocument, PolicyStatement, SSM_SERVICE_PRINCIPAL, policyDocument } from './types';

/** Inputs of {@link automationTrustPolicy}. */
export interface AutomationTrustPolicyProps {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The account the role lives in; only Automation executions of this account may assume it. */
  readonly accountId: string;
}

/**
 * Trust policy of the automation role: `ssm.amazonaws.com` may `sts:AssumeRole`, only for Automation executions of
 * the same account (`aws:SourceAccount`, and `aws:SourceArn` like `arn:<p>:ssm:*:<account>:automation-execution/*`).
 * FC-09.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-setup-iam.html
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/cross-service-confused-deputy-prevention.html
 * @throws Error when an ARN would contain an empty, `undefined` or `null` segment.
 */
export function automationTrustPolicy(p: AutomationTrustPolicyProps): PolicyDocument {
  return policyDocument([
    {
      Sid: 'AllowSsmAutomationOfThisAccount',
      Effect: 'Allow',
      Principal: { Service: SSM_SERVICE_PRINCIPAL },
      Action: 'sts:AssumeRole',
      Condition: {
        StringEquals: { 'aws:SourceAccount': p.accountId },
        ArnLike: {
          'aws:SourceArn': formatArn({
            partition: p.partition,
            service: 'ssm',
            region: '*',
            account: p.accountId,
            resource: 'automation-execution/*',
          }),
        },
      },
    },
  ]);
}

/** Inputs of {@link automationPermissionsPolicy}. */
export interface AutomationPermissionsPolicyProps {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The trail's home Region. */
  readonly region: string;
  /** The account the role lives in. */
  readonly accountId: string;
  /** The one trail the runbook may create, update and start: `arn:<p>:cloudtrail:<region>:<account>:trail/<name>`. */
  readonly trailArn: string;
  /** The log bucket's ARN. No S3 permission is granted: CloudTrail checks the bucket policy itself. */
  readonly bucketArn: string;
  /** The trail key's ARN (never an alias): the runbook may `kms:DescribeKey` it (to check it is enabled), nothing else. */
  readonly kmsKeyArn: string;
  /**
   * The trail's SNS topic. No SNS permission is granted: CloudTrail checks the topic policy itself.
   * @default undefined
   */
  readonly snsTopicArn?: string;
  /**
   * The role CloudTrail uses to write to CloudWatch Logs. When set, the runbook may `iam:PassRole` this role, and only
   * to `cloudtrail.amazonaws.com`.
   * @default undefined (no iam:PassRole at all)
   */
  readonly cloudWatchLogsRoleArn?: string;
  /**
   * The trail is an organization trail: CreateTrail then also needs `organizations:DescribeOrganization`,
   * `organizations:ListAWSServiceAccessForOrganization`, and `iam:GetRole` / `iam:CreateServiceLinkedRole` on the
   * CloudTrail service-linked role.
   * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-an-organizational-trail-prepare.html
   * @default false
   */
  readonly isOrganizationTrail?: boolean;
  /**
   * The runbook passes `TagsList` to CreateTrail (or calls AddTags): grant `cloudtrail:AddTags` on the trail.
   * @default false
   */
  readonly allowTagging?: boolean;
}

/**
 * The actions the runbook may call on its one trail (resource-level permissions on `trail`).
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudtrail.html
 */
export const TRAIL_SCOPED_ACTIONS = [
  'cloudtrail:GetTrail',
  'cloudtrail:GetTrailStatus',
  'cloudtrail:GetEventSelectors',
  'cloudtrail:CreateTrail',
  'cloudtrail:UpdateTrail',
  'cloudtrail:PutEventSelectors',
  'cloudtrail:StartLogging',
] as const;

/**
 * Permissions policy of the automation role: least privilege for the runbook's calls.
 *
 * - `ManageGuardedTrail`: {@link TRAIL_SCOPED_ACTIONS} on `trailArn` only (each supports resource-level permissions).
 * - `DescribeTrails`: `cloudtrail:DescribeTrails` on `*` (the action has no resource type).
 * - `DescribeTrailKey`: `kms:DescribeKey` on `kmsKeyArn`.
 * - `PassCloudWatchLogsRole` (with `cloudWatchLogsRoleArn`), `TagGuardedTrail` (with `allowTagging`),
 *   `DescribeOrganization` / `CloudTrailServiceLinkedRole` (with `isOrganizationTrail`).
 *
 * Never `cloudtrail:DeleteTrail`, `cloudtrail:StopLogging`, nor a wildcard action.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudtrail.html
 * @throws Error when an ARN would contain an empty, `undefined` or `null` segment.
 */
export function automationPermissionsPolicy(p: AutomationPermissionsPolicyProps): PolicyDocument {
  const statements: Array<PolicyStatement | undefined> = [
    { Sid: 'ManageGuardedTrail', Effect: 'Allow', Action: [...TRAIL_SCOPED_ACTIONS], Resource: p.trailArn },
    { Sid: 'DescribeTrails', Effect: 'Allow', Action: 'cloudtrail:DescribeTrails', Resource: '*' },
    { Sid: 'DescribeTrailKey', Effect: 'Allow', Action: 'kms:DescribeKey', Resource: p.kmsKeyArn },
  ];
  if (p.allowTagging) {
    statements.push({ Sid: 'TagGuardedTrail', Effect: 'Allow', Action: 'cloudtrail:AddTags', Resource: p.trailArn });
  }
  if (p.cloudWatchLogsRoleArn) {
    statements.push({
      Sid: 'PassCloudWatchLogsRole',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: p.cloudWatchLogsRoleArn,
      Condition: { StringEquals: { 'iam:PassedToService': CLOUDTRAIL_SERVICE_PRINCIPAL } },
    });
  }
  if (p.isOrganizationTrail) {
    const slr = buildRoleArn(p.partition, p.accountId, 'aws-service-role/cloudtrail.amazonaws.com/AWSServiceRoleForCloudTrail');
    statements.push(
      {
        Sid: 'DescribeOrganization',
        Effect: 'Allow',
        Action: ['organizations:DescribeOrganization', 'organizations:ListAWSServiceAccessForOrganization'],
        Resource: '*',
      },
      { Sid: 'GetCloudTrailServiceLinkedRole', Effect: 'Allow', Action: 'iam:GetRole', Resource: slr },
      {
        Sid: 'CreateCloudTrailServiceLinkedRole',
        Effect: 'Allow',
        Action: 'iam:CreateServiceLinkedRole',
        Resource: slr,
        Condition: { StringEquals: { 'iam:AWSServiceName': CLOUDTRAIL_SERVICE_PRINCIPAL } },
      },
    );
  }
  return policyDocument(statements);
}
