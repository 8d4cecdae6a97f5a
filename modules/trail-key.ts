import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { trailKeyPolicy, type TrailKeyPolicyProps } from './policies/trail-key-policy';
import { PolicyDocument, policyJson } from './policies/types';
import { terraformString, terraformStringMap } from './terraform-string';

/** Props of {@link TrailKey}: the key policy's inputs ({@link TrailKeyPolicyProps}), plus the key's own settings. */
export interface TrailKeyProps extends TrailKeyPolicyProps {
  /** The alias, `alias/<name>`; must not begin with `alias/aws/` (reserved for AWS managed keys). */
  readonly alias: string;
  /**
   * Waiting period before a scheduled deletion, in days (7 to 30).
   * @default 30
   */
  readonly deletionWindowInDays?: number;
  /**
   * Description of the key.
   * @default 'cloudtrail-guard: encrypts CloudTrail log files of <trailArn>'
   */
  readonly description?: string;
  /**
   * Tags on the key.
   * @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The trail's customer managed KMS key (symmetric, yearly rotation on, `prevent_destroy`) with the key policy from
 * {@link trailKeyPolicy}, and its alias. Give the trail and the runbook {@link TrailKey.keyArn}, never the alias (FC-07).
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/kms_key
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/kms_alias
 * @throws Error when the alias is malformed or reserved, the deletion window is not an integer from 7 to 30 days, or
 *   (from {@link trailKeyPolicy}) the trail ARN of an organization trail is malformed or an ARN would have an empty,
 *   `undefined` or `null` segment.
 */
export class TrailKey extends Construct {
  public readonly key: KmsKey;
  public readonly alias: KmsAlias;
  /** The key ARN (a Terraform token). */
  public readonly keyArn: string;
  /** The key policy as data (what `key.policy` holds). */
  public readonly policyDocument: PolicyDocument;

  constructor(scope: Construct, id: string, props: TrailKeyProps) {
    super(scope, id);
    if (!/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(props.alias)) {
      throw new Error(`TrailKey alias ${JSON.stringify(props.alias)} must be alias/<name> (letters, digits, / _ -)`);
    }
    if (props.alias.toLowerCase().startsWith('alias/aws/')) {
      throw new Error(`TrailKey alias ${JSON.stringify(props.alias)} begins with alias/aws/, reserved for AWS managed keys`);
    }
    const deletionWindowInDays = props.deletionWindowInDays ?? 30;
    if (!Number.isInteger(deletionWindowInDays) || deletionWindowInDays < 7 || deletionWindowInDays > 30) {
      throw new Error(`TrailKey deletionWindowInDays ${deletionWindowInDays} must be an integer from 7 to 30`);
    }
    this.policyDocument = trailKeyPolicy({
      partition: props.partition,
      region: props.region,
      accountId: props.accountId,
      trailArn: props.trailArn,
      organization: props.organization,
      bucketKeyEnabled: props.bucketKeyEnabled,
      allowConfigDelivery: props.allowConfigDelivery,
    });
    this.key = new KmsKey(this, 'key', {
      description: terraformString(props.description ?? `cloudtrail-guard: encrypts CloudTrail log files of ${props.trailArn}`),
      keyUsage: 'ENCRYPT_DECRYPT',
      customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      enableKeyRotation: true,
      deletionWindowInDays,
      policy: policyJson(this.policyDocument),
      tags: terraformStringMap(props.tags),
      lifecycle: { preventDestroy: true },
    });
    this.alias = new KmsAlias(this, 'alias', { name: terraformString(props.alias), targetKeyId: this.key.keyId });
    this.keyArn = this.key.arn;
  }
}
