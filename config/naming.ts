/**
 * The one naming function. Every physical name and every label is built here, deterministically from the config
 * (cloudposse `null-label` style: one scheme everywhere, lower case, `-` delimited).
 */

/** The namespace that starts every name the product creates. */
export const NAMESPACE = 'cloudtrail-guard';

/**
 * The AWS Config rule name; fixed so that dashboards and SCPs can name it. The managed rule's identifier is
 * `CLOUD_TRAIL_ENABLED`; its name in the AWS docs is `cloudtrail-enabled`.
 * @see https://docs.aws.amazon.com/config/latest/developerguide/cloudtrail-enabled.html
 */
export const CONFIG_RULE_NAME = 'cloudtrail-enabled';

/** Joins label parts with `-` after lower-casing them; `undefined` and empty parts are dropped. Never throws. */
export function label(...parts: ReadonlyArray<string | number | undefined>): string {
  return parts
    .filter((p): p is string | number => p !== undefined && `${p}` !== '')
    .map((p) => `${p}`.toLowerCase())
    .join('-');
}

/** Stack name for one (account, home Region): `cloudtrail-guard-111111111111-us-east-1`. */
export const stackName = (accountId: string, region: string): string => label(NAMESPACE, accountId, region);

/**
 * Stack name of the central log archive: `cloudtrail-guard-log-archive-444444444444-eu-west-1` (never the name of an
 * account's stack, which has the account ID right after the namespace).
 */
export const logArchiveStackName = (accountId: string, region: string): string =>
  label(NAMESPACE, 'log-archive', accountId, region);

/** Default trail name: `cloudtrail-guard`. */
export const defaultTrailName = (): string => NAMESPACE;

/** Default log bucket name: `cloudtrail-guard-logs-111111111111-us-east-1` (49 characters at most). */
export const defaultLogBucketName = (accountId: string, region: string): string =>
  label(NAMESPACE, 'logs', accountId, region);

/** Default KMS alias: `alias/cloudtrail-guard`. */
export const defaultKmsAlias = (): string => `alias/${NAMESPACE}`;

/**
 * Automation role name; IAM is global, so the home Region is part of it: `cloudtrail-guard-automation-us-east-1`
 * (at most 64 characters, IAM's limit for role names).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export const automationRoleName = (region: string): string => label(NAMESPACE, 'automation', region);

/**
 * Runbook (SSM document) name, `cloudtrail-guard-enable-trail`; avoids the reserved prefixes `aws`, `amazon`, `amzn`.
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html#systemsmanager-CreateDocument-request-Name
 */
export const runbookDocumentName = (): string => label(NAMESPACE, 'enable-trail');

/**
 * Remote state key for one stack: `<prefix>/<account>/<region>/terraform.tfstate` (an empty prefix is left out).
 * @see https://developer.hashicorp.com/terraform/language/backend/s3
 */
export const stateKey = (prefix: string, accountId: string, region: string): string =>
  [prefix, accountId, region, 'terraform.tfstate'].filter((p) => p !== '').join('/');

/**
 * Remote state key of the log-archive stack: `<prefix>/log-archive/<account>/<region>/terraform.tfstate`, apart from
 * the key of the same account's own stack (an empty prefix is left out).
 * @see https://developer.hashicorp.com/terraform/language/backend/s3
 */
export const logArchiveStateKey = (prefix: string, accountId: string, region: string): string =>
  [prefix, 'log-archive', accountId, region, 'terraform.tfstate'].filter((p) => p !== '').join('/');

/**
 * HCP Terraform workspace name for one stack: `<workspacePrefix><stackName>` (no separator is added).
 * @see https://developer.hashicorp.com/terraform/cli/cloud/settings
 */
export const workspaceName = (workspacePrefix: string, accountId: string, region: string): string =>
  `${workspacePrefix}${stackName(accountId, region)}`;

/**
 * HCP Terraform workspace name of the log-archive stack: `<workspacePrefix><logArchiveStackName>`.
 * @see https://developer.hashicorp.com/terraform/cli/cloud/settings
 */
export const logArchiveWorkspaceName = (workspacePrefix: string, accountId: string, region: string): string =>
  `${workspacePrefix}${logArchiveStackName(accountId, region)}`;
