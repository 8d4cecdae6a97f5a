import { Construct } from 'constructs';
import { Token, type ITerraformDependable } from 'cdktf';
import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { TRAIL_BASELINE } from './trail-baseline';
import { terraformString, terraformStringMap } from './terraform-string';

/**
 * Trail names: 3 to 128 letters, digits, `.`, `_`, `-`, beginning and ending with a letter or digit (FC-03). (The
 * config schema also refuses adjacent `._-` and IP-address forms; this pattern does not.)
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html#awscloudtrail-CreateTrail-request-Name
 */
export const TRAIL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/;

/** Props of {@link Trail}. */
export interface TrailProps {
  /** The trail name; see {@link TRAIL_NAME_PATTERN}. */
  readonly trailName: string;
  /** The log bucket's name (not its ARN). */
  readonly bucketName: string;
  /** `''` or trimmed (no leading or trailing `/`); left out of the resource when `''`. */
  readonly s3KeyPrefix: string;
  /** The key ARN (a token is fine), never an alias (FC-07). */
  readonly kmsKeyArn: string;
  /**
   * Create an organization trail (management account or delegated administrator only).
   * @default false
   */
  readonly isOrganizationTrail?: boolean;
  /**
   * SNS topic notified of each log file delivery.
   * @default undefined (no notifications)
   */
  readonly snsTopicName?: string;
  /**
   * CloudWatch Logs delivery: the log group ARN in the form `arn:<p>:logs:<region>:<account>:log-group:<name>:*` and
   * the role CloudTrail assumes to write to it.
   * @default undefined (no CloudWatch Logs)
   */
  readonly cloudWatchLogs?: { readonly logGroupArn: string; readonly roleArn: string };
  /**
   * What the trail waits for: the bucket policy and the key (FC-05). Never a `KmsAlias` (FC-07). Empty when both are
   * in another stack (the log archive, applied first): then no `depends_on` is written.
   */
  readonly dependsOn: ITerraformDependable[];
  /**
   * Tags on the trail.
   * @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The trail, with the fixed secure baseline ({@link TRAIL_BASELINE}): multi-Region, global service events, log file validation, logging on,
 * SSE-KMS with the key ARN, all management events (read and write), `prevent_destroy`.
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/cloudtrail
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
 * @throws Error when the name is invalid, the prefix is not trimmed (leading or trailing `/`, or `//`), `kmsKeyArn` is
 *   not a key ARN (an alias, or any other text that is not a Terraform token), or `dependsOn` holds a KmsAlias.
 */
export class Trail extends Construct {
  public readonly trail: Cloudtrail;

  constructor(scope: Construct, id: string, props: TrailProps) {
    super(scope, id);
    if (!TRAIL_NAME_PATTERN.test(props.trailName)) {
      throw new Error(`Trail trailName ${JSON.stringify(props.trailName)} must be 3 to 128 of letters, digits, . _ -, beginning and ending with a letter or digit`);
    }
    const prefix = props.s3KeyPrefix;
    if (prefix.startsWith('/') || prefix.endsWith('/') || prefix.includes('//')) {
      throw new Error(`Trail s3KeyPrefix ${JSON.stringify(prefix)} must be trimmed: no leading or trailing '/', no '//'`);
    }
    if (!Token.isUnresolved(props.kmsKeyArn) && !/^arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(props.kmsKeyArn)) {
      throw new Error(`Trail kmsKeyArn ${JSON.stringify(props.kmsKeyArn)} must be a key ARN, never an alias (FC-07)`);
    }
    if (props.dependsOn.some((d) => d instanceof KmsAlias)) {
      throw new Error('Trail dependsOn holds a KmsAlias; depend on the key (and the bucket policy), never the alias (FC-07)');
    }
    this.trail = new Cloudtrail(this, 'trail', {
      name: terraformString(props.trailName),
      s3BucketName: terraformString(props.bucketName),
      s3KeyPrefix: prefix === '' ? undefined : terraformString(prefix),
      kmsKeyId: terraformString(props.kmsKeyArn),
      isMultiRegionTrail: TRAIL_BASELINE.isMultiRegionTrail,
      includeGlobalServiceEvents: TRAIL_BASELINE.includeGlobalServiceEvents,
      enableLogFileValidation: TRAIL_BASELINE.enableLogFileValidation,
      enableLogging: true,
      isOrganizationTrail: props.isOrganizationTrail ?? false,
      snsTopicName: props.snsTopicName === undefined ? undefined : terraformString(props.snsTopicName),
      cloudWatchLogsGroupArn: props.cloudWatchLogs && terraformString(props.cloudWatchLogs.logGroupArn),
      cloudWatchLogsRoleArn: props.cloudWatchLogs && terraformString(props.cloudWatchLogs.roleArn),
      eventSelector: [{ ...TRAIL_BASELINE.managementEvents }],
      tags: terraformStringMap(props.tags),
      // None when the bucket policy and key live in another stack (the log archive, applied first).
      dependsOn: props.dependsOn.length ? [...props.dependsOn] : undefined,
      lifecycle: { preventDestroy: true },
    });
  }
}
