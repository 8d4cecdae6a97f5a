import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { bucketArn } from '../config/arn';
import { logBucketPolicy, type OrganizationRef } from './policies/log-bucket-policy';
import { PolicyDocument, policyJson } from './policies/types';
import { terraformString, terraformStringMap } from './terraform-string';

/** Props of {@link LogBucket}. */
export interface LogBucketProps {
  /** The bucket name (3 to 63 characters, globally unique). */
  readonly bucketName: string;
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The trail's home Region. */
  readonly region: string;
  /** The account that owns the bucket (and, in account mode, the trail). */
  readonly accountId: string;
  /** The trail's S3 key prefix: `''` or trimmed (no leading or trailing `/`). */
  readonly s3KeyPrefix: string;
  /** ARN of the trail allowed to write (`aws:SourceArn`). */
  readonly trailArn: string;
  /** ARN of the KMS key for default encryption (a Terraform token is fine). Never an alias. */
  readonly kmsKeyArn: string;
  /**
   * Organization whose organization trail writes here (FC-02).
   * @default undefined (account mode)
   */
  readonly organization?: OrganizationRef;
  /**
   * Let AWS Config deliver to this bucket (when the stack creates the delivery channel): `true` for the prefix
   * `config` (ConfigRecorder's default), or the prefix the delivery channel uses.
   * @default undefined (no AWS Config statements)
   */
  readonly allowConfigDelivery?: boolean | { readonly s3KeyPrefix: string };
  /**
   * Use an S3 Bucket Key for SSE-KMS (fewer KMS calls; the key policy then lets CloudTrail `kms:Decrypt`).
   * @default true
   */
  readonly bucketKeyEnabled?: boolean;
  /**
   * Tags on the bucket.
   * @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The trail's log bucket: private (all four public access blocks), versioned, SSE-KMS with the trail key and an S3
 * Bucket Key, ACLs disabled (BucketOwnerEnforced), protected from `terraform destroy` (`prevent_destroy`,
 * `force_destroy = false`), with the bucket policy from {@link logBucketPolicy}.
 *
 * The bucket policy depends on the public access block, so S3 never sees the policy on a bucket without it.
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/s3_bucket
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/s3_bucket_policy
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/s3_bucket_public_access_block
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/s3_bucket_server_side_encryption_configuration
 * @throws Error (at construction, from {@link logBucketPolicy}) when the prefix is not trimmed, `organization.id` is
 *   not an organization ID, or an ARN would have an empty segment.
 */
export class LogBucket extends Construct {
  public readonly bucket: S3Bucket;
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;
  public readonly versioning: S3BucketVersioningA;
  public readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  public readonly ownershipControls: S3BucketOwnershipControls;
  public readonly bucketPolicy: S3BucketPolicy;
  /** The bucket policy as data (what `bucketPolicy.policy` holds). */
  public readonly policyDocument: PolicyDocument;
  /** `arn:<p>:s3:::<bucketName>`, known at synth time. */
  public readonly bucketArn: string;
  /** The bucket name, as given. */
  public readonly bucketName: string;

  constructor(scope: Construct, id: string, props: LogBucketProps) {
    super(scope, id);
    const tags = terraformStringMap(props.tags);
    this.bucketName = props.bucketName;
    this.bucketArn = bucketArn(props.partition, props.bucketName);

    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: terraformString(props.bucketName),
      forceDestroy: false,
      tags,
      lifecycle: { preventDestroy: true },
    });
    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    this.ownershipControls = new S3BucketOwnershipControls(this, 'ownership-controls', {
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    this.versioning = new S3BucketVersioningA(this, 'versioning', {
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    this.encryption = new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: terraformString(props.kmsKeyArn) },
          bucketKeyEnabled: props.bucketKeyEnabled ?? true,
        },
      ],
    });
    this.policyDocument = logBucketPolicy({
      partition: props.partition,
      region: props.region,
      accountId: props.accountId,
      bucketName: props.bucketName,
      s3KeyPrefix: props.s3KeyPrefix,
      trailArn: props.trailArn,
      organization: props.organization,
      allowConfigDelivery: props.allowConfigDelivery,
    });
    this.bucketPolicy = new S3BucketPolicy(this, 'policy', {
      bucket: this.bucket.id,
      policy: policyJson(this.policyDocument),
      dependsOn: [this.publicAccessBlock],
    });
  }
}
