/**
 * ARN builders. Every ARN the product emits is built here, so none can contain `undefined`, `null` or a segment
 * that its service does not leave empty. Format: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */

/**
 * The parts of an ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
export interface ArnParts {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The service namespace, e.g. `cloudtrail`, `s3`, `iam`. */
  readonly service: string;
  /** Empty only for global services (S3 buckets, IAM). */
  readonly region: string;
  /** Empty only for S3 buckets. */
  readonly account: string;
  /** The resource part, e.g. `trail/<name>`; never empty, never ending in `/`, no `//`. */
  readonly resource: string;
}

const BAD_SEGMENT = /(^|[/:])(undefined|null|NaN)($|[/:])/;
const EMPTY_REGION_OK = new Set(['s3', 'iam', 'organizations']);
const EMPTY_ACCOUNT_OK = new Set(['s3']);

/**
 * Formats an ARN. `region` may be empty only for `s3`, `iam` and `organizations`; `account` only for `s3`.
 * @returns `arn:<partition>:<service>:<region>:<account>:<resource>`
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 * @throws Error when a segment is missing, is the text `undefined`/`null`, or is empty where the service requires it.
 */
export function formatArn(parts: ArnParts): string {
  const { partition, service, region, account, resource } = parts;
  const problems: string[] = [];
  for (const [name, value] of Object.entries(parts)) {
    if (typeof value !== 'string') problems.push(`${name} is ${String(value)}`);
  }
  if (!partition) problems.push('partition is empty');
  if (!service) problems.push('service is empty');
  if (!region && !EMPTY_REGION_OK.has(service)) problems.push(`region is empty for ${service}`);
  if (!account && !EMPTY_ACCOUNT_OK.has(service)) problems.push(`account is empty for ${service}`);
  if (!resource || resource.endsWith('/') || resource.includes('//')) problems.push(`resource ${JSON.stringify(resource)} has an empty segment`);
  const arn = `arn:${partition}:${service}:${region}:${account}:${resource}`;
  if (BAD_SEGMENT.test(arn)) problems.push('a segment reads undefined or null');
  if (problems.length) throw new Error(`refusing to build ARN ${arn}: ${problems.join('; ')}`);
  return arn;
}

/**
 * Parses an ARN into its parts, or returns undefined when `arn` is not an ARN (the account must be 12 digits, `aws`
 * or empty). Never throws.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
export function parseArn(arn: string): ArnParts | undefined {
  const m = /^arn:([a-z-]+):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|aws|):(.+)$/.exec(arn);
  if (!m) return undefined;
  return { partition: m[1], service: m[2], region: m[3], account: m[4], resource: m[5] };
}

/**
 * `arn:<p>:cloudtrail:<region>:<account>:trail/<name>`
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudtrail.html
 * @throws Error (from {@link formatArn}) when a segment is empty where the service requires it, or reads `undefined`/`null`.
 */
export const trailArn = (partition: string, region: string, account: string, name: string): string =>
  formatArn({ partition, service: 'cloudtrail', region, account, resource: `trail/${name}` });

/**
 * `arn:<p>:s3:::<bucket>`
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-arn-format.html
 * @throws Error (from {@link formatArn}) when a segment is empty where the service requires it, or reads `undefined`/`null`.
 */
export const bucketArn = (partition: string, bucket: string): string =>
  formatArn({ partition, service: 's3', region: '', account: '', resource: bucket });

/**
 * `arn:<p>:iam::<account>:role/<name>` (`name` may include a path, e.g. `aws-service-role/config.amazonaws.com/X`).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
 * @throws Error (from {@link formatArn}) when a segment is empty where the service requires it, or reads `undefined`/`null`.
 */
export const roleArn = (partition: string, account: string, name: string): string =>
  formatArn({ partition, service: 'iam', region: '', account, resource: `role/${name}` });

/**
 * `arn:<p>:iam::<account>:root` (the account as a principal).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
 * @throws Error (from {@link formatArn}) when a segment is empty where the service requires it, or reads `undefined`/`null`.
 */
export const accountRootArn = (partition: string, account: string): string =>
  formatArn({ partition, service: 'iam', region: '', account, resource: 'root' });

/**
 * `arn:<p>:ssm:<region>:<account>:document/<name>`
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
 * @throws Error (from {@link formatArn}) when a segment is empty where the service requires it, or reads `undefined`/`null`.
 */
export const documentArn = (partition: string, region: string, account: string, name: string): string =>
  formatArn({ partition, service: 'ssm', region, account, resource: `document/${name}` });

/**
 * `arn:<p>:sns:<region>:<account>:<topic>`
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html
 * @throws Error (from {@link formatArn}) when a segment is empty where the service requires it, or reads `undefined`/`null`.
 */
export const topicArn = (partition: string, region: string, account: string, topic: string): string =>
  formatArn({ partition, service: 'sns', region, account, resource: topic });

/**
 * `arn:<p>:logs:<region>:<account>:log-group:<name>:*` (the form CloudTrail's CloudWatchLogsLogGroupArn takes).
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html#awscloudtrail-CreateTrail-request-CloudWatchLogsLogGroupArn
 * @throws Error (from {@link formatArn}) when a segment is empty where the service requires it, or reads `undefined`/`null`.
 */
export const logGroupArn = (partition: string, region: string, account: string, name: string): string =>
  formatArn({ partition, service: 'logs', region, account, resource: `log-group:${name}:*` });
