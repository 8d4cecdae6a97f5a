import { Construct } from 'constructs';
import { RETENTION_DAYS } from '../config/schema';
import { Token } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { logGroupArn as buildLogGroupArn, topicArn as buildTopicArn } from '../config/arn';
import { NAMESPACE, label } from '../config/naming';
import { cloudWatchLogsDeliveryPolicy, cloudWatchLogsTrustPolicy, trailTopicPolicy } from './policies/trail-notifications-policy';
import { assertRolePath, GUARD_ROLE_PATH, replacedWithRole } from './guard-role';
import { PolicyDocument, policyJson } from './policies/types';
import { terraformString, terraformStringMap } from './terraform-string';

/**
 * SNS topic names: 1 to 256 letters, digits, `_` and `-` (standard topics; CloudTrail cannot publish to FIFO topics).
 * @see https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html
 */
export const TOPIC_NAME_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

/** Props of {@link TrailTopic}. */
export interface TrailTopicProps {
  /** The topic name (the trail's `SnsTopicName`); see {@link TOPIC_NAME_PATTERN}. */
  readonly topicName: string;
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The trail's home Region (the topic must be in it). */
  readonly region: string;
  /** The account of the topic and the trail. */
  readonly accountId: string;
  /** The one trail that may publish (`aws:SourceArn`). */
  readonly trailArn: string;
  /**
   * Customer managed KMS key for server-side encryption of the topic (a key ARN; a token is fine). Its key policy must
   * hold `cloudTrailSnsKeyStatement()` first, or CloudTrail cannot publish.
   *
   * The default is no SSE, deliberately: the AWS managed key `alias/aws/sns` cannot be used (its key policy cannot
   * grant CloudTrail), and a notification carries only the bucket name and the object keys of delivered log files,
   * never log content (which stays SSE-KMS in the bucket). Messages still travel only over TLS (the topic policy
   * denies plain-HTTP publishing).
   * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-permissions-for-sns-notifications.html
   * @default undefined (no SSE)
   */
  readonly kmsKeyArn?: string;
  /**
   * Tags on the topic.
   * @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The SNS topic CloudTrail notifies of each log file delivery, with the topic policy from {@link trailTopicPolicy}:
 * only this trail's CloudTrail may publish, only over TLS. A trail that names the topic must depend on
 * {@link TrailTopic.topicPolicy} (CreateTrail checks it: InsufficientSnsTopicPolicyException).
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/sns_topic
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/sns_topic_policy
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/configure-sns-notifications-for-cloudtrail.html
 * @throws Error when the topic name is invalid or a FIFO name, or `kmsKeyArn` is an AWS managed key alias (`alias/aws/...`).
 */
export class TrailTopic extends Construct {
  public readonly topic: SnsTopic;
  public readonly topicPolicy: SnsTopicPolicy;
  /** The topic ARN (a Terraform token, so that users depend on the topic). */
  public readonly topicArn: string;
  /** The topic name (what the trail's `sns_topic_name` takes). */
  public readonly topicName: string;
  /** The topic policy as data (what `topicPolicy.policy` holds). */
  public readonly policyDocument: PolicyDocument;

  constructor(scope: Construct, id: string, props: TrailTopicProps) {
    super(scope, id);
    if (!TOPIC_NAME_PATTERN.test(props.topicName)) {
      throw new Error(`TrailTopic topicName ${JSON.stringify(props.topicName)} must be 1 to 256 letters, digits, _ or - (no FIFO topics)`);
    }
    const key = props.kmsKeyArn;
    if (key !== undefined && !Token.isUnresolved(key) && /(^|:)alias\/aws\//.test(key)) {
      throw new Error(`TrailTopic kmsKeyArn ${JSON.stringify(key)} is an AWS managed key: CloudTrail cannot use it; give a customer managed key`);
    }
    if (key !== undefined && !Token.isUnresolved(key) && key === '') {
      throw new Error('TrailTopic kmsKeyArn is empty; leave it out for no SSE');
    }
    this.topicName = props.topicName;
    this.policyDocument = trailTopicPolicy({
      topicArn: buildTopicArn(props.partition, props.region, props.accountId, props.topicName),
      trailArn: props.trailArn,
    });
    this.topic = new SnsTopic(this, 'topic', {
      name: terraformString(props.topicName),
      kmsMasterKeyId: key === undefined ? undefined : terraformString(key),
      tags: terraformStringMap(props.tags),
    });
    this.topicPolicy = new SnsTopicPolicy(this, 'policy', {
      arn: this.topic.arn,
      policy: policyJson(this.policyDocument),
    });
    this.topicArn = this.topic.arn;
  }
}

/**
 * Retention values CloudWatch Logs accepts, in days.
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
 */
export const LOG_RETENTION_DAYS: readonly number[] = RETENTION_DAYS; // one list, kept in config/schema.ts

/**
 * Log group names: 1 to 512 of letters, digits, `_`, `-`, `/`, `.`, `#`.
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
 */
export const LOG_GROUP_NAME_PATTERN = /^[A-Za-z0-9_\-/.#]{1,512}$/;

/** Default name of the CloudWatch Logs role: `cloudtrail-guard-cloudwatch-logs-<region>` (IAM is global). */
export const cloudWatchLogsRoleName = (region: string): string => label(NAMESPACE, 'cloudwatch-logs', region);

/** Props of {@link TrailLogGroup}. */
export interface TrailLogGroupProps {
  /** The log group name; see {@link LOG_GROUP_NAME_PATTERN}. */
  readonly logGroupName: string;
  /**
   * How long CloudWatch Logs keeps events, in days; one of {@link LOG_RETENTION_DAYS}.
   * @default 365
   */
  readonly retentionInDays?: number;
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The trail's home Region (the log group must be in it). */
  readonly region: string;
  /** The account of the log group, the role and the trail. */
  readonly accountId: string;
  /** The trail's name (for descriptions). */
  readonly trailName: string;
  /**
   * Customer managed KMS key ARN to encrypt the log group (a token is fine). Its key policy must hold
   * `logGroupKeyStatement(...)` first, or creating the log group fails.
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   * @default undefined (CloudWatch Logs' own server-side encryption)
   */
  readonly kmsKeyArn?: string;
  /**
   * The organization of an organization trail (lets the role write member accounts' `<org-id>_*` streams).
   * @default undefined (account mode)
   */
  readonly organizationId?: string;
  /**
   * Name of the role CloudTrail assumes.
   * @default cloudWatchLogsRoleName(region), `cloudtrail-guard-cloudwatch-logs-<region>`
   */
  readonly roleName?: string;
  /**
   * The role's IAM path: the tamper SCP exempts and protects the guard's roles by it.
   * @default GUARD_ROLE_PATH, `/cloudtrail-guard/`
   */
  readonly rolePath?: string;
  /**
   * Tags on the log group and the role.
   * @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The CloudWatch Logs log group the trail sends events to (retention set, `prevent_destroy`: it holds audit logs), and
 * the role CloudTrail assumes to write to it: trusted by `cloudtrail.amazonaws.com`, without `aws:SourceArn` or
 * `aws:SourceAccount`, which this role does not support ({@link cloudWatchLogsTrustPolicy}), allowed `logs:CreateLogStream` / `logs:PutLogEvents` on CloudTrail's streams
 * only ({@link cloudWatchLogsDeliveryPolicy}). Give the trail {@link TrailLogGroup.logGroupArn} and
 * {@link TrailLogGroup.roleArn}, and let it depend on {@link TrailLogGroup.logGroup} and {@link TrailLogGroup.rolePolicy}
 * (`logGroupArn` is built at synth time, so it carries no dependency of its own).
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/cloudwatch_log_group
 * @throws Error when the log group name, retention or role path is invalid, or an ARN would have an empty segment.
 */
export class TrailLogGroup extends Construct {
  public readonly logGroup: CloudwatchLogGroup;
  /** `arn:<p>:logs:<region>:<account>:log-group:<name>:*`, the form CloudTrail's `CloudWatchLogsLogGroupArn` takes. */
  public readonly logGroupArn: string;
  public readonly role: IamRole;
  public readonly rolePolicy: IamRolePolicy;
  /** The role ARN (a Terraform token). */
  public readonly roleArn: string;
  public readonly trustPolicyDocument: PolicyDocument;
  public readonly permissionsPolicyDocument: PolicyDocument;

  constructor(scope: Construct, id: string, props: TrailLogGroupProps) {
    super(scope, id);
    assertRolePath('TrailLogGroup role', props.rolePath ?? GUARD_ROLE_PATH);
    if (!LOG_GROUP_NAME_PATTERN.test(props.logGroupName)) {
      throw new Error(`TrailLogGroup logGroupName ${JSON.stringify(props.logGroupName)} must be 1 to 512 of letters, digits, _ - / . #`);
    }
    const retentionInDays = props.retentionInDays ?? 365;
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retentionInDays)) {
      throw new Error(`TrailLogGroup retentionInDays ${retentionInDays} is not one of ${LOG_RETENTION_DAYS.join(', ')}`);
    }
    const tags = terraformStringMap(props.tags);
    this.logGroupArn = buildLogGroupArn(props.partition, props.region, props.accountId, props.logGroupName);
    this.trustPolicyDocument = cloudWatchLogsTrustPolicy();
    this.permissionsPolicyDocument = cloudWatchLogsDeliveryPolicy({
      partition: props.partition,
      region: props.region,
      accountId: props.accountId,
      logGroupName: props.logGroupName,
      organizationId: props.organizationId,
    });
    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: terraformString(props.logGroupName),
      retentionInDays,
      kmsKeyId: props.kmsKeyArn === undefined ? undefined : terraformString(props.kmsKeyArn),
      tags,
      lifecycle: { preventDestroy: true },
    });
    this.role = new IamRole(this, 'role', {
      name: terraformString(props.roleName ?? cloudWatchLogsRoleName(props.region)),
      description: terraformString(`cloudtrail-guard: CloudTrail delivers ${props.trailName} events to CloudWatch Logs ${props.logGroupName}`),
      path: props.rolePath ?? GUARD_ROLE_PATH,
      assumeRolePolicy: policyJson(this.trustPolicyDocument),
      tags,
    });
    this.rolePolicy = new IamRolePolicy(this, 'policy', {
      name: 'cloudtrail-cloudwatch-logs-delivery',
      role: this.role.name,
      policy: policyJson(this.permissionsPolicyDocument),
      lifecycle: replacedWithRole(this.role),
    });
    this.roleArn = this.role.arn;
  }
}
