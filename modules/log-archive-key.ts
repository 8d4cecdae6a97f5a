import { Construct } from 'constructs';
import type { TerraformProvider } from 'cdktf';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LOG_ARCHIVE_KEY_ALIAS } from './log-archive-naming';
import { logArchiveKeyPolicy, type LogArchiveKeyPolicyProps } from './policies/log-archive-key-policy';
import { PolicyDocument, policyJson } from './policies/types';
import { terraformLiteral, terraformString, terraformStringMap } from './terraform-string';

/** Props of {@link LogArchiveKey}: the key policy's inputs ({@link LogArchiveKeyPolicyProps}) and the key's own settings. */
export interface LogArchiveKeyProps extends LogArchiveKeyPolicyProps {
  /**
   * The alias, `alias/<name>`; member stacks find the key by its alias ARN, so keep it stable.
   * @default LOG_ARCHIVE_KEY_ALIAS, `alias/cloudtrail-guard-archive`
   */
  readonly alias?: string;
  /**
   * Waiting period before a scheduled deletion, in days (7 to 30). Only break-glass roles may schedule it.
   * @default 30
   */
  readonly deletionWindowInDays?: number;
  /**
   * Days between automatic rotations of the key material (90 to 2560).
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
   * @default 365
   */
  readonly rotationPeriodInDays?: number;
  /** @default 'cloudtrail-guard: encrypts the CloudTrail log archive' */
  readonly description?: string;
  /** Tags on the key. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * The provider of the key's account, when it is not the stack's default one (a key in a separate security account).
   * @default the stack's default AWS provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * The log archive's customer managed KMS key: symmetric, single-Region, automatic rotation on, `prevent_destroy`, the
 * key policy from {@link logArchiveKeyPolicy}, and its alias. Give the bucket and every trail {@link LogArchiveKey.keyArn}
 * (in other accounts: `data "aws_kms_key"` by alias ARN, then its `arn`), never the alias itself (FC-07).
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/kms_key
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/kms_alias
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 * @throws Error when the alias is malformed or reserved (`alias/aws/`), the deletion window is not an integer from 7
 *   to 30, the rotation period not an integer from 90 to 2560, or from {@link logArchiveKeyPolicy}.
 */
export class LogArchiveKey extends Construct {
  public readonly key: KmsKey;
  public readonly alias: KmsAlias;
  /** The key ARN (a Terraform token). */
  public readonly keyArn: string;
  /** The alias name, as given or defaulted. */
  public readonly aliasName: string;
  /** The key policy as data (what `key.policy` holds). */
  public readonly policyDocument: PolicyDocument;

  constructor(scope: Construct, id: string, props: LogArchiveKeyProps) {
    super(scope, id);
    const alias = props.alias ?? LOG_ARCHIVE_KEY_ALIAS;
    const deletionWindowInDays = props.deletionWindowInDays ?? 30;
    const rotationPeriodInDays = props.rotationPeriodInDays ?? 365;
    const problems: string[] = [];
    if (!/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(alias))
      problems.push(`alias ${JSON.stringify(alias)} must be alias/<name> (letters, digits, / _ -)`);
    else if (alias.toLowerCase().startsWith('alias/aws/'))
      problems.push(`alias ${JSON.stringify(alias)} begins with alias/aws/, reserved for AWS managed keys`);
    if (!Number.isInteger(deletionWindowInDays) || deletionWindowInDays < 7 || deletionWindowInDays > 30) {
      problems.push(`deletionWindowInDays ${deletionWindowInDays} must be an integer from 7 to 30`);
    }
    if (!Number.isInteger(rotationPeriodInDays) || rotationPeriodInDays < 90 || rotationPeriodInDays > 2560) {
      problems.push(`rotationPeriodInDays ${rotationPeriodInDays} must be an integer from 90 to 2560`);
    }
    if (problems.length) throw new Error(`LogArchiveKey: ${problems.join('; ')}`);
    this.aliasName = alias;
    this.policyDocument = logArchiveKeyPolicy(props);
    this.key = new KmsKey(this, 'key', {
      description:
        props.description === undefined
          ? terraformLiteral('cloudtrail-guard: encrypts the CloudTrail log archive')
          : terraformString(props.description),
      keyUsage: 'ENCRYPT_DECRYPT',
      customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      multiRegion: false,
      enableKeyRotation: true,
      rotationPeriodInDays,
      deletionWindowInDays,
      policy: policyJson(this.policyDocument),
      tags: terraformStringMap(props.tags),
      lifecycle: { preventDestroy: true },
      ...(props.provider ? { provider: props.provider } : {}),
    });
    this.alias = new KmsAlias(this, 'alias', {
      name: terraformString(alias),
      targetKeyId: this.key.keyId,
      ...(props.provider ? { provider: props.provider } : {}),
    });
    this.keyArn = this.key.arn;
  }
}
