/**
 * ARN builders. Every ARN the product emits is built here, so none can contain `undefined`, `null` or a segment
 * that its service does not leave empty. Format: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */

/** The parts of an ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export interface ArnParts {
  readonly partition: string;
  readonly service: string;
  /** Empty only for global services (S3 buckets, IAM). */
  readonly region: string;
  /** Empty only for S3 buckets. */
  readonly account: string;
  readonly resource: string;
}

const BAD_SEGMENT = /(^|[/:])(undefined|null|NaN)($|[/:])/;
const EMPTY_REGION_OK = new Set(['s3', 'iam', 'organizations']);
const EMPTY_ACCOUNT_OK = new Set(['s3']);

/**
 * Formats an ARN.
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

/** Parses an ARN into its parts, or returns undefined when `arn` is not an ARN. */
export function parseArn(arn: string): ArnParts | undefined {
  const m = /^arn:([a-z-]+):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|aws|):(.+)$/.exec(arn);
  if (!m) return undefined;
  return { partition: m[1], service: m[2], region: m[3], account: m[4], resource: m[5] };
}

/** `arn:<p>:cloudtrail:<region>:<account>:trail/<name>` */
export const trailArn = (partition: string, region: string, account: string, name: string): string =>
  formatArn({ partition, service: 'cloudtrail', region, account, resource: `trail/${name}` });

/** `arn:<p>:s3:::<bucket>` */
export const bucketArn = (partition: string, bucket: string): string =>
  formatArn({ partition, service: 's3', region: '', account: '', resource: bucket });

/** `arn:<p>:iam::<account>:role/<name>` */
export const roleArn = (partition: string, account: string, name: string): string =>
  formatArn({ partition, service: 'iam', region: '', account, resource: `role/${name}` });

/** `arn:<p>:iam::<account>:root` */
export const accountRootArn = (partition: string, account: string): string =>
  formatArn({ partition, service: 'iam', region: '', account, resource: 'root' });

/** `arn:<p>:ssm:<region>:<account>:document/<name>` */
export const documentArn = (partition: string, region: string, account: string, name: string): string =>
  formatArn({ partition, service: 'ssm', region, account, resource: `document/${name}` });

/** `arn:<p>:sns:<region>:<account>:<topic>` */
export const topicArn = (partition: string, region: string, account: string, topic: string): string =>
  formatArn({ partition, service: 'sns', region, account, resource: topic });

/** `arn:<p>:logs:<region>:<account>:log-group:<name>:*` (the form CloudTrail's CloudWatchLogsLogGroupArn takes). */
export const logGroupArn = (partition: string, region: string, account: string, name: string): string =>
  formatArn({ partition, service: 'logs', region, account, resource: `log-group:${name}:*` });
