import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { ConfigConfigurationRecorder } from '@cdktf/provider-aws/lib/config-configuration-recorder';
import { ConfigConfigurationRecorderStatus } from '@cdktf/provider-aws/lib/config-configuration-recorder-status';
import { ConfigDeliveryChannel } from '@cdktf/provider-aws/lib/config-delivery-channel';
import { IamServiceLinkedRole } from '@cdktf/provider-aws/lib/iam-service-linked-role';
import { roleArn as buildRoleArn } from '../config/arn';
import { DEFAULT_CONFIG_KEY_PREFIX } from './policies/log-bucket-policy';
import { terraformString } from './terraform-string';

/** Name of AWS Config's service-linked role. https://docs.aws.amazon.com/config/latest/developerguide/using-service-linked-roles.html */
export const CONFIG_SERVICE_LINKED_ROLE = 'aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig';


/** Props of {@link ConfigRecorder}. */
export interface ConfigRecorderProps {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The account. */
  readonly accountId: string;
  /** Bucket the delivery channel writes to (the log bucket, whose policy then needs `allowConfigDelivery` with the same prefix). */
  readonly bucketName: string;
  /**
   * Key prefix of the delivery channel (`''` for none; no leading or trailing `/`).
   * @default 'config'
   */
  readonly s3KeyPrefix?: string;
  /**
   * KMS key ARN for the delivered objects.
   * @default undefined (the bucket's default encryption applies)
   */
  readonly s3KmsKeyArn?: string;
  /**
   * Create AWS Config's service-linked role. Set false when it exists already (CreateServiceLinkedRole fails then).
   * @default true
   */
  readonly createServiceLinkedRole?: boolean;
  /**
   * How often Config delivers configuration snapshots.
   * @default 'TwentyFour_Hours'
   */
  readonly snapshotDeliveryFrequency?: 'One_Hour' | 'Three_Hours' | 'Six_Hours' | 'Twelve_Hours' | 'TwentyFour_Hours';
  /**
   * What the delivery channel waits for: the bucket policy that lets Config write (and the key policy, if any).
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Recorder name (one recorder per account and Region).
   * @default 'default'
   */
  readonly name?: string;
}

/**
 * Opt-in AWS Config setup for accounts without it (FC-15): a configuration recorder (all supported resource types,
 * with the service-linked role), a delivery channel to S3, and the recorder status (enabled, after the delivery
 * channel). Pass {@link ConfigRecorder.dependables} to the rule's `dependsOn`.
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/config_configuration_recorder
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/config_delivery_channel
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/config_configuration_recorder_status
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/iam_service_linked_role
 * @see https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html
 * @throws Error when `s3KeyPrefix` is not trimmed (a leading or trailing `/`, or `//`), or (without the
 *   service-linked role) the role ARN would have an empty segment.
 */
export class ConfigRecorder extends Construct {
  public readonly serviceLinkedRole?: IamServiceLinkedRole;
  public readonly recorder: ConfigConfigurationRecorder;
  public readonly deliveryChannel: ConfigDeliveryChannel;
  public readonly recorderStatus: ConfigConfigurationRecorderStatus;
  /** What the Config rule must depend on: the recorder, the delivery channel and the recorder status. */
  public readonly dependables: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: ConfigRecorderProps) {
    super(scope, id);
    const prefix = props.s3KeyPrefix ?? DEFAULT_CONFIG_KEY_PREFIX;
    if (prefix.startsWith('/') || prefix.endsWith('/') || prefix.includes('//')) {
      throw new Error(`ConfigRecorder s3KeyPrefix ${JSON.stringify(prefix)} must be trimmed: no leading or trailing '/'`);
    }
    const createSlr = props.createServiceLinkedRole ?? true;
    if (createSlr) {
      this.serviceLinkedRole = new IamServiceLinkedRole(this, 'service-linked-role', { awsServiceName: 'config.amazonaws.com' });
    }
    this.recorder = new ConfigConfigurationRecorder(this, 'recorder', {
      name: terraformString(props.name ?? 'default'),
      roleArn: this.serviceLinkedRole?.arn ?? terraformString(buildRoleArn(props.partition, props.accountId, CONFIG_SERVICE_LINKED_ROLE)),
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
    });
    this.deliveryChannel = new ConfigDeliveryChannel(this, 'delivery-channel', {
      name: terraformString(props.name ?? 'default'),
      s3BucketName: terraformString(props.bucketName),
      s3KeyPrefix: prefix === '' ? undefined : terraformString(prefix),
      s3KmsKeyArn: props.s3KmsKeyArn === undefined ? undefined : terraformString(props.s3KmsKeyArn),
      snapshotDeliveryProperties: { deliveryFrequency: props.snapshotDeliveryFrequency ?? 'TwentyFour_Hours' },
      dependsOn: [this.recorder, ...(props.dependsOn ?? [])],
    });
    this.recorderStatus = new ConfigConfigurationRecorderStatus(this, 'recorder-status', {
      name: this.recorder.name,
      isEnabled: true,
      dependsOn: [this.deliveryChannel],
    });
    this.dependables = [this.recorder, this.deliveryChannel, this.recorderStatus];
  }
}
