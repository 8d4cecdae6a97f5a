import { formatArn } from '../../config/arn';
import { CLOUDTRAIL_SERVICE_PRINCIPAL, PolicyDocument, PolicyStatement, policyDocument } from './types';

/** Inputs of {@link trailTopicPolicy}. */
export interface TrailTopicPolicyProps {
  /** The topic's ARN, `arn:<p>:sns:<region>:<account>:<topic>` (build it with `topicArn` from `config/arn.ts`). */
  readonly topicArn: string;
  /** The one trail that may publish (`aws:SourceArn`), `arn:<p>:cloudtrail:<region>:<account>:trail/<name>`. */
  readonly trailArn: string;
}

/**
 * Topic policy (access policy) of the trail's SNS topic:
 *
 * - `AWSCloudTrailSNSPolicy`: `cloudtrail.amazonaws.com` may `sns:Publish` to the topic, only on behalf of `trailArn`
 *   (`StringEquals aws:SourceArn`, the security best practice of the CloudTrail guide: no other account's or other
 *   trail's notifications reach the subscribers).
 * - `DenyInsecureTransport`: anyone's `sns:Publish` without TLS (`aws:SecureTransport = false`) is denied.
 *
 * Nothing else is granted: principals of the topic owner's account keep what their identity policies give them.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-permissions-for-sns-notifications.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html#enforce-encryption-data-in-transit
 */
export function trailTopicPolicy(p: TrailTopicPolicyProps): PolicyDocument {
  return policyDocument([
    {
      Sid: 'AWSCloudTrailSNSPolicy',
      Effect: 'Allow',
      Principal: { Service: CLOUDTRAIL_SERVICE_PRINCIPAL },
      Action: 'sns:Publish',
      Resource: p.topicArn,
      Condition: { StringEquals: { 'aws:SourceArn': p.trailArn } },
    },
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: p.topicArn,
      Condition: { Bool: { 'aws:SecureTransport': false } },
    },
  ]);
}

/**
 * The key policy statement a customer managed key needs before it can encrypt the trail's topic (SSE): CloudTrail
 * may `kms:GenerateDataKey*` and `kms:Decrypt` with the key (`Resource: '*'` means this key in a key policy). It is
 * the form of the CloudTrail guide, without conditions (the guide documents none for this call). Add it to the key
 * policy of the key passed as `TrailTopic`'s `kmsKeyArn`. The AWS managed key `alias/aws/sns` cannot be used: its key
 * policy cannot be changed.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-permissions-for-sns-notifications.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
export function cloudTrailSnsKeyStatement(): PolicyStatement {
  return {
    Sid: 'AllowCloudTrailToPublishToEncryptedTopic',
    Effect: 'Allow',
    Principal: { Service: CLOUDTRAIL_SERVICE_PRINCIPAL },
    Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
    Resource: '*',
  };
}

/**
 * Trust policy of the role CloudTrail assumes to deliver events to CloudWatch Logs: `cloudtrail.amazonaws.com` may
 * `sts:AssumeRole`, with no condition. The CloudTrail guide says: "Confused deputy prevention is not applicable to the
 * role policy for CloudWatch Logs monitoring. The role policy doesn't support the use of aws:SourceArn and
 * aws:SourceAccount." With such conditions CloudTrail cannot assume the role: delivery stops, and CreateTrail or
 * UpdateTrail naming the role fails. The role can do nothing but write CloudTrail's streams in the one log group
 * ({@link cloudWatchLogsDeliveryPolicy}), and only this stack's trail is configured with it.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
 */
export function cloudWatchLogsTrustPolicy(): PolicyDocument {
  return policyDocument([
    {
      Sid: 'AllowCloudTrailToAssume',
      Effect: 'Allow',
      Principal: { Service: CLOUDTRAIL_SERVICE_PRINCIPAL },
      Action: 'sts:AssumeRole',
    },
  ]);
}

/** Inputs of {@link cloudWatchLogsDeliveryPolicy} and {@link cloudTrailLogStreamArns}. */
export interface CloudWatchLogsDeliveryPolicyProps {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The trail's home Region (the log group's Region). */
  readonly region: string;
  /** The account of the log group and the trail. */
  readonly accountId: string;
  /** The log group name (not its ARN). */
  readonly logGroupName: string;
  /**
   * The organization of an organization trail: member accounts' streams are named `<org-id>_...`, so a second
   * resource `...:log-stream:<org-id>_*` is added.
   * @default undefined (account mode: the account's own streams only)
   */
  readonly organizationId?: string;
}

/**
 * The log streams CloudTrail creates in the log group: `arn:<p>:logs:<region>:<account>:log-group:<name>:log-stream:
 * <account>_CloudTrail_<region>*` (CloudTrail names streams `<account>_CloudTrail_<region>[_<n>]`), plus
 * `...:log-stream:<org-id>_*` for an organization trail.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-log-group-log-stream-naming-for-cloudtrail.html
 * @throws Error when an ARN would contain an empty, `undefined` or `null` segment, or the organization ID is malformed.
 */
export function cloudTrailLogStreamArns(p: CloudWatchLogsDeliveryPolicyProps): string[] {
  const stream = (prefix: string): string =>
    formatArn({
      partition: p.partition,
      service: 'logs',
      region: p.region,
      account: p.accountId,
      resource: `log-group:${p.logGroupName}:log-stream:${prefix}*`,
    });
  const arns = [stream(`${p.accountId}_CloudTrail_${p.region}`)];
  if (p.organizationId !== undefined) {
    if (!/^o-[a-z0-9]{10,32}$/.test(p.organizationId)) {
      throw new Error(`organizationId ${JSON.stringify(p.organizationId)} is not an organization ID (^o-[a-z0-9]{10,32}$)`);
    }
    arns.push(stream(`${p.organizationId}_`));
  }
  return arns;
}

/**
 * Permissions policy of the CloudWatch Logs role: `logs:CreateLogStream` and `logs:PutLogEvents` on CloudTrail's own
 * log streams in the one log group ({@link cloudTrailLogStreamArns}); nothing on other groups or streams.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html
 * @throws Error from {@link cloudTrailLogStreamArns}.
 */
export function cloudWatchLogsDeliveryPolicy(p: CloudWatchLogsDeliveryPolicyProps): PolicyDocument {
  const streams = cloudTrailLogStreamArns(p);
  return policyDocument([
    { Sid: 'AWSCloudTrailCreateLogStream', Effect: 'Allow', Action: 'logs:CreateLogStream', Resource: streams },
    { Sid: 'AWSCloudTrailPutLogEvents', Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: streams },
  ]);
}

/** Inputs of {@link logGroupKeyStatement}. */
export interface LogGroupKeyStatementProps {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The log group's Region (the service principal is Regional: `logs.<region>.amazonaws.com`). */
  readonly region: string;
  /** The log group's account. */
  readonly accountId: string;
  /** The log group name. */
  readonly logGroupName: string;
}

/**
 * The key policy statement a customer managed key needs before it can encrypt the log group: CloudWatch Logs
 * (`logs.<region>.amazonaws.com`) may use the key only under the encryption context of this log group
 * (`kms:EncryptionContext:aws:logs:arn` = `arn:<p>:logs:<region>:<account>:log-group:<name>`). `amazonaws.com.cn`
 * is used in `aws-cn`.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 * @throws Error when an ARN would contain an empty, `undefined` or `null` segment.
 */
export function logGroupKeyStatement(p: LogGroupKeyStatementProps): PolicyStatement {
  const suffix = p.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return {
    Sid: 'AllowCloudWatchLogsOfTheTrailLogGroup',
    Effect: 'Allow',
    Principal: { Service: `logs.${p.region}.${suffix}` },
    Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    Resource: '*',
    Condition: {
      ArnEquals: {
        'kms:EncryptionContext:aws:logs:arn': formatArn({
          partition: p.partition,
          service: 'logs',
          region: p.region,
          account: p.accountId,
          resource: `log-group:${p.logGroupName}`,
        }),
      },
    },
  };
}
