import { Construct } from 'constructs';
import { OrganizationsPolicy } from '@cdktf/provider-aws/lib/organizations-policy';
import { OrganizationsPolicyAttachment } from '@cdktf/provider-aws/lib/organizations-policy-attachment';
import { NAMESPACE, label } from '../config/naming';
import { guardTamperScp, type GuardTamperScpProps } from './policies/guard-tamper-scp';
import { PolicyDocument, policyJson } from './policies/types';
import { terraformLiteral, terraformString, terraformStringMap } from './terraform-string';

/**
 * Forms of an SCP attachment target (the `TargetId` of Organizations AttachPolicy): a root `r-xxxx`, an OU
 * `ou-xxxx-xxxxxxxx` or a 12-digit account ID.
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_AttachPolicy.html
 */
export const SCP_TARGET_PATTERNS = {
  root: /^r-[0-9a-z]{4,32}$/,
  organizationalUnit: /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/,
  account: /^\d{12}$/,
} as const;

/** Default SCP name: `cloudtrail-guard-tamper-protection`. */
export const tamperProtectionPolicyName = (): string => label(NAMESPACE, 'tamper-protection');

/**
 * Checks SCP attachment targets.
 * @param managementAccountId the organization's management account, when known: SCPs never restrict the management
 *   account, so an attachment to it would protect nothing while looking as if it did.
 *   https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 * @throws Error naming every bad value (not a root, OU or account ID), every duplicate and the management account's
 *   ID, or when the list is empty.
 */
export function assertScpTargets(targetIds: readonly string[], managementAccountId?: string): void {
  if (targetIds.length === 0) throw new Error('TamperProtection targetIds is empty: attach the SCP to a root, an OU or an account');
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const t of targetIds) {
    if (!Object.values(SCP_TARGET_PATTERNS).some((re) => re.test(t))) {
      problems.push(`${JSON.stringify(t)} is not a root (r-xxxx), an OU (ou-xxxx-xxxxxxxx) or a 12-digit account ID`);
    } else if (seen.has(t)) {
      problems.push(`${JSON.stringify(t)} is listed twice`);
    } else if (managementAccountId !== undefined && t === managementAccountId) {
      problems.push(
        `${JSON.stringify(t)} is the management account (managementAccountId), which SCPs never restrict; attach to the root or to OUs and member accounts`,
      );
    }
    seen.add(t);
  }
  if (problems.length) throw new Error(`TamperProtection targetIds: ${problems.join('; ')}`);
}

/** Props of {@link TamperProtection}: the SCP's inputs ({@link GuardTamperScpProps}), its targets and its own settings. */
export interface TamperProtectionProps extends GuardTamperScpProps {
  /** Where to attach the SCP: roots, OUs or accounts (see {@link SCP_TARGET_PATTERNS}); at least one. */
  readonly targetIds: readonly string[];
  /**
   * The organization's management account ID. When set, a target ID equal to it is an error: SCPs never restrict
   * the management account.
   * @default not checked
   */
  readonly managementAccountId?: string;
  /**
   * The SCP name.
   * @default tamperProtectionPolicyName(), `cloudtrail-guard-tamper-protection`
   */
  readonly policyName?: string;
  /**
   * Tags on the SCP.
   * @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Organization mode, in the management account's stack: the service control policy from {@link guardTamperScp} (the
 * guarded trails, the guard's roles on their IAM path, runbook, rules and EventBridge rule, AWS Config's recorder and
 * remediations, the log archive's bucket and key, each exempting roles by pattern, never by a list of ARNs, so that
 * its size does not grow with the accounts), attached to each target. SCPs never restrict the management account
 * itself; its trail is guarded there by the remediation and the fast path. No `prevent_destroy`: the SCP is
 * configuration, not data.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/organizations_policy
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/organizations_policy_attachment
 * @throws Error from {@link assertScpTargets} (bad, duplicate or management-account target), when
 *   `managementAccountId` is not 12 digits, and from {@link guardTamperScp} (no trail name, no deployment or
 *   break-glass pattern, a malformed pattern, a document over 5,120 characters).
 */
export class TamperProtection extends Construct {
  public readonly policy: OrganizationsPolicy;
  /** One attachment per target, in the order of `targetIds`. */
  public readonly attachments: OrganizationsPolicyAttachment[];
  /** The SCP as data (what `policy.content` holds). */
  public readonly policyDocument: PolicyDocument;

  constructor(scope: Construct, id: string, props: TamperProtectionProps) {
    super(scope, id);
    if (props.managementAccountId !== undefined && !SCP_TARGET_PATTERNS.account.test(props.managementAccountId)) {
      throw new Error(`TamperProtection managementAccountId: ${JSON.stringify(props.managementAccountId)} is not a 12-digit account ID`);
    }
    assertScpTargets(props.targetIds, props.managementAccountId);
    const { policyName, tags } = props;
    this.policyDocument = guardTamperScp({
      partition: props.partition,
      trailNames: props.trailNames,
      deploymentRolePatterns: props.deploymentRolePatterns,
      breakGlassRolePatterns: props.breakGlassRolePatterns,
      guardRolePath: props.guardRolePath,
      automationRoleNamePrefix: props.automationRoleNamePrefix,
      fastPathRoleNamePrefix: props.fastPathRoleNamePrefix,
      resourceNamePrefix: props.resourceNamePrefix,
      configRuleTag: props.configRuleTag,
      logArchive: props.logArchive,
    });
    this.policy = new OrganizationsPolicy(this, 'policy', {
      name: terraformString(policyName ?? tamperProtectionPolicyName()),
      description: terraformLiteral(
        'cloudtrail-guard: only the deployment and break-glass roles may change the guarded trails, the guard itself, AWS Config and the log archive',
      ),
      type: 'SERVICE_CONTROL_POLICY',
      content: policyJson(this.policyDocument),
      tags: terraformStringMap(tags),
    });
    this.attachments = props.targetIds.map(
      (targetId) => new OrganizationsPolicyAttachment(this, `attachment-${targetId}`, { policyId: this.policy.id, targetId: terraformString(targetId) }),
    );
  }
}
