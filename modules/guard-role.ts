import { Lazy, type TerraformResourceLifecycle } from 'cdktf';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { GUARD_ROLE_PATH } from './log-archive-naming';

export { GUARD_ROLE_PATH };

/**
 * Checks an IAM path: `/`, or `/` and one or more segments of letters, digits and `+ = , . @ _ -`, each followed by `/`
 * (at most 512 characters).
 * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (Path)
 * @throws Error naming `what` when the path is malformed.
 */
export function assertRolePath(what: string, path: string): void {
  if (!/^\/([\w+=,.@-]+\/)*$/.test(path) || path.length > 512) {
    throw new Error(`${what} path ${JSON.stringify(path)} must be / or /<segment>/.../ (letters, digits and + = , . @ _ -), at most 512 characters`);
  }
}

/**
 * The lifecycle of a role's inline policy (`aws_iam_role_policy`): replaced whenever its role is replaced
 * (`replace_triggered_by` on the role's `unique_id`, which IAM gives each new role). A role is replaced when its
 * `path` changes (it cannot be changed in place), and deleting a role deletes its inline policies with it; without
 * this, the policy resource would stay in the state while the new role had no policy until the next apply.
 *
 * Checked against moto 5.2 with the AWS provider 5.100.0 (apply a role with an inline policy, change its path,
 * apply): without this, the role is replaced and the `aws_iam_role_policy` is not, and the new role has no inline
 * policy until the next apply; with it, the policy is replaced with the role and the next plan is empty.
 *
 * The reference is rendered as Terraform expects it in JSON, `aws_iam_role.<id>.unique_id` (cdktf 0.21 renders a
 * resource given to `replaceTriggeredBy` as `${aws_iam_role.<id>}`, which Terraform refuses).
 * @see https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle#replace_triggered_by
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/iam_role (path forces a new role)
 * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateRole.html (no Path: a role's path is fixed)
 */
export function replacedWithRole(role: IamRole): TerraformResourceLifecycle {
  return {
    replaceTriggeredBy: [
      Lazy.stringValue({ produce: () => `${role.terraformResourceType}.${role.friendlyUniqueId}.unique_id` }),
    ],
  };
}
