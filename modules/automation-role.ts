import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import {
  automationPermissionsPolicy,
  type AutomationPermissionsPolicyProps,
  automationTrustPolicy,
} from './policies/automation-role-policy';
import { assertRolePath, GUARD_ROLE_PATH, replacedWithRole } from './guard-role';
import { PolicyDocument, policyJson } from './policies/types';

/** Props of {@link AutomationRole}: the permissions policy's inputs ({@link AutomationPermissionsPolicyProps}), plus the role's own. */
export interface AutomationRoleProps extends AutomationPermissionsPolicyProps {
  /** The role name (IAM is global: include the home Region, see `automationRoleName`). */
  readonly roleName: string;
  /**
   * The role's IAM path: the tamper SCP exempts and protects the guard's roles by it (modules/policies/guard-tamper-scp.ts).
   * @default GUARD_ROLE_PATH, `/cloudtrail-guard/`
   */
  readonly path?: string;
  /**
   * Maximum session duration, in seconds (IAM accepts 3600 to 43200; not checked here).
   * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
   * @default 3600
   */
  readonly maxSessionDuration?: number;
  /**
   * Tags on the role.
   * @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The role that SSM Automation assumes to run the remediation runbook (`AutomationAssumeRole`): trusted by
 * `ssm.amazonaws.com` for this account only (FC-09), with the least-privilege inline policy from
 * {@link automationPermissionsPolicy}.
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/iam_role
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/iam_role_policy
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-setup-iam.html
 * @throws Error (from {@link automationTrustPolicy} / {@link automationPermissionsPolicy}) when an ARN would contain an
 *   empty, `undefined` or `null` segment; when `path` is not an IAM path.
 */
export class AutomationRole extends Construct {
  public readonly role: IamRole;
  public readonly policy: IamRolePolicy;
  /** The role ARN (a Terraform token). */
  public readonly roleArn: string;
  public readonly trustPolicyDocument: PolicyDocument;
  public readonly permissionsPolicyDocument: PolicyDocument;

  constructor(scope: Construct, id: string, props: AutomationRoleProps) {
    super(scope, id);
    assertRolePath('AutomationRole', props.path ?? GUARD_ROLE_PATH);
    this.trustPolicyDocument = automationTrustPolicy({ partition: props.partition, accountId: props.accountId });
    this.permissionsPolicyDocument = automationPermissionsPolicy({
      partition: props.partition,
      region: props.region,
      accountId: props.accountId,
      trailArn: props.trailArn,
      bucketArn: props.bucketArn,
      kmsKeyArn: props.kmsKeyArn,
      snsTopicArn: props.snsTopicArn,
      cloudWatchLogsRoleArn: props.cloudWatchLogsRoleArn,
      isOrganizationTrail: props.isOrganizationTrail ?? false,
      allowTagging: props.allowTagging ?? false,
    });
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      path: props.path ?? GUARD_ROLE_PATH,
      description: `cloudtrail-guard: SSM Automation role that repairs ${props.trailArn}`,
      assumeRolePolicy: policyJson(this.trustPolicyDocument),
      maxSessionDuration: props.maxSessionDuration ?? 3600,
      tags: { ...(props.tags ?? {}) },
    });
    this.policy = new IamRolePolicy(this, 'policy', {
      name: 'cloudtrail-remediation',
      role: this.role.name,
      policy: policyJson(this.permissionsPolicyDocument),
      lifecycle: replacedWithRole(this.role),
    });
    this.roleArn = this.role.arn;
  }
}
