/**
 * Remote state for one stack (one account and home Region): an S3 backend with its own key, encryption and S3-native
 * locking; a local backend with one state file per stack; or HCP Terraform with one workspace per stack.
 *
 * Backends: https://developer.hashicorp.com/terraform/language/backend/s3,
 * https://developer.hashicorp.com/terraform/language/backend/local,
 * https://developer.hashicorp.com/terraform/cli/cloud/settings
 */
import { resolve as resolvePath } from 'node:path';
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, type TerraformStack } from 'cdktf';
import { logArchiveStateKey, logArchiveWorkspaceName, stateKey, workspaceName } from '../config/naming';
import type { AccountConfig, StateConfig } from '../config/types';

/**
 * The stack a backend is for: an account's own stack (its account ID, home Region and stack name), or, with
 * `kind: 'log-archive'`, the log-archive stack (its account, Region and stack name), whose state key and workspace
 * are apart from those of the same account's own stack ({@link logArchiveStateKey}, {@link logArchiveWorkspaceName}).
 */
export type BackendTarget = Pick<AccountConfig, 'accountId' | 'homeRegion' | 'stackName'> & {
  /** @default 'account' */
  readonly kind?: 'account' | 'log-archive';
};

/**
 * Adds the backend that `state` describes to `stack`, the stack of `account` ({@link BackendTarget}; the log-archive
 * stack's key is `<keyPrefix>/log-archive/<accountId>/<region>/terraform.tfstate`).
 *
 * - `s3`: `terraform.backend.s3` with `bucket`, `region`, `key` = `<keyPrefix>/<accountId>/<homeRegion>/terraform.tfstate`
 *   (see {@link stateKey}; every stack has its own key, FC-14), `encrypt = true`, `kms_key_id` when `state.kmsKeyId` is set,
 *   `assume_role { role_arn }` when `state.roleArn` is set, and `use_lockfile = true` (S3-native locking, Terraform
 *   >= 1.10; no DynamoDB table). The cdktf 0.21 `S3Backend` binding has no `useLockfile`, so it is added as an override.
 * - `local`: `terraform.backend.local` with `path` = `<directory>/<stackName>.tfstate`, made absolute against the
 *   folder the app runs in (the project root), so the state never lands inside `cdktf.out/` (build output).
 * - `cloud`: `terraform.cloud` with `organization`, `hostname` and `workspaces { name, project }`, where the name is
 *   `<workspacePrefix><stackName>` (see {@link workspaceName}). Plans and applies run remotely in HCP Terraform.
 *   There are no workspace tags: `workspaces` takes `tags` only instead of `name` (Terraform rejects the pair: "Only
 *   one of workspace "tags" or "name" is allowed", internal/cloud/backend.go), tags select workspaces rather than
 *   label them, and a single named workspace per stack is what keeps every stack's state apart. So the configuration
 *   has no `state.tags` (a file that sets it is refused with a pointer to docs/hcp-terraform.md, which shows how to
 *   tag the workspaces with the `tfe` provider, the API or the UI).
 *   https://developer.hashicorp.com/terraform/cli/cloud/settings#workspaces
 *
 * @param stack the stack to configure; it must not already have a backend
 * @param state the estate's normalised state settings (`GuardConfig.state`)
 * @param account the account whose stack this is; `stackName`, `accountId` and `homeRegion` are used
 * @throws Error when `state.backend` is not one of `s3`, `local`, `cloud` (cannot happen for a config from `loadConfig`)
 */
export function applyBackend(stack: TerraformStack, state: StateConfig, account: BackendTarget): void {
  const archive = account.kind === 'log-archive';
  switch (state.backend) {
    case 's3': {
      new S3Backend(stack, {
        bucket: state.bucket,
        region: state.region,
        key: (archive ? logArchiveStateKey : stateKey)(state.keyPrefix, account.accountId, account.homeRegion),
        encrypt: true,
        ...(state.kmsKeyId ? { kmsKeyId: state.kmsKeyId } : {}),
        ...(state.roleArn ? { assumeRole: { roleArn: state.roleArn } } : {}),
      });
      // https://developer.hashicorp.com/terraform/language/backend/s3#use_lockfile (Terraform >= 1.10)
      stack.addOverride('terraform.backend.s3.use_lockfile', true);
      return;
    }
    case 'local': {
      // Resolved against the folder the app runs in (as cdktf's own default local backend is), never left relative to
      // the stack's working directory inside cdktf.out/, which is build output: state there is easily lost.
      new LocalBackend(stack, { path: resolvePath(state.directory, `${account.stackName}.tfstate`) });
      return;
    }
    case 'cloud': {
      new CloudBackend(stack, {
        organization: state.organization,
        hostname: state.hostname,
        workspaces: new NamedCloudWorkspace(
          (archive ? logArchiveWorkspaceName : workspaceName)(state.workspacePrefix, account.accountId, account.homeRegion),
          state.project,
        ),
      });
      return;
    }
    default: {
      const never: never = state;
      throw new Error(`unknown state backend ${JSON.stringify((never as { backend?: unknown }).backend)}`);
    }
  }
}
