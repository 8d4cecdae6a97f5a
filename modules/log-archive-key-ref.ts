import { Construct } from 'constructs';
import { TerraformLocal } from 'cdktf';
import { DataAwsKmsKey } from '@cdktf/provider-aws/lib/data-aws-kms-key';

/** The Terraform name of the data source that reads the archive key: `data.aws_kms_key.log_archive_key`. */
export const LOG_ARCHIVE_KEY_DATA_NAME = 'log_archive_key';

/** The Terraform name of the local that holds the archive key's ARN: `local.log_archive_key_arn`. */
export const LOG_ARCHIVE_KEY_LOCAL_NAME = 'log_archive_key_arn';

/** Props of {@link LogArchiveKeyRef}. */
export interface LogArchiveKeyRefProps {
  /** The archive key's alias ARN, `arn:<p>:kms:<region>:<account>:alias/cloudtrail-guard-archive` (log-archive-naming.ts). */
  readonly aliasArn: string;
  /**
   * The key ARN, when the configuration gives it (`logArchive.kmsKey.existingKeyArn`): then nothing is read.
   * @default undefined (read by the alias ARN)
   */
  readonly keyArn?: string;
}

/**
 * The ARN of the log archive's key, in a stack of another account: `data "aws_kms_key" "log_archive_key"` with
 * `key_id` = the alias ARN (KMS DescribeKey accepts an alias ARN across accounts, and the key policy lets the served
 * accounts' principals describe the key), then one local, `local.log_archive_key_arn`, that every resource of the stack
 * uses (the trail's `kms_key_id`, the runbook's KmsKeyId, the automation role's DescribeKey): the one place the
 * cross-stack value enters, so that an offline plan or an emulator can set it (tools/offline-stubs.ts). The data
 * source is read at plan time, so the log-archive stack must be applied first. With `keyArn`, the local holds that
 * ARN and no data source is made.
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/data-sources/kms_key
 * @see https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html
 * @see https://developer.hashicorp.com/terraform/language/values/locals
 * @throws Error when `aliasArn` is not a KMS alias ARN, or `keyArn` is not a KMS key ARN.
 */
export class LogArchiveKeyRef extends Construct {
  /** Set unless `keyArn` is given. */
  public readonly data?: DataAwsKmsKey;
  public readonly local: TerraformLocal;
  /** `${local.log_archive_key_arn}`: the key ARN, never the alias (FC-07). */
  public readonly keyArn: string;

  constructor(scope: Construct, id: string, props: LogArchiveKeyRefProps) {
    super(scope, id);
    if (!/^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:alias\/[A-Za-z0-9/_-]+$/.test(props.aliasArn))
      throw new Error(`LogArchiveKeyRef: aliasArn ${JSON.stringify(props.aliasArn)} is not a KMS alias ARN`);
    if (props.keyArn !== undefined && !/^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(props.keyArn))
      throw new Error(`LogArchiveKeyRef: keyArn ${JSON.stringify(props.keyArn)} is not a KMS key ARN`);
    let value: string;
    if (props.keyArn !== undefined) value = props.keyArn;
    else {
      this.data = new DataAwsKmsKey(this, 'key', { keyId: props.aliasArn });
      this.data.overrideLogicalId(LOG_ARCHIVE_KEY_DATA_NAME);
      value = this.data.arn;
    }
    this.local = new TerraformLocal(this, 'arn', value);
    this.local.overrideLogicalId(LOG_ARCHIVE_KEY_LOCAL_NAME);
    this.keyArn = this.local.asString;
  }
}
