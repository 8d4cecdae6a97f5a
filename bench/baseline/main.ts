/**
 * The benchmark's baseline: the same stacks as cloudtrail-guard, built the way a naive cdktf app builds them.
 *
 * - imports the provider bindings from the package root `@cdktf/provider-aws` (loads every one of ~1,500 resource
 *   classes, and makes the type checker read all of their declarations);
 * - runs through `ts-node` with type checking, on every synth (cdktf's TypeScript template: `npx ts-node main.ts`);
 * - writes its policies inline as JSON strings.
 *
 * It reads the same configuration (env CLOUDTRAIL_GUARD_CONFIG) and makes, per (account, home Region), the same
 * resources: provider, S3 state backend, trail key and alias, log bucket with its controls and policy, automation role
 * and policy, runbook document, optional Config recorder, cloudtrail-enabled rule, remediation configuration, trail
 * and outputs. Only the benchmark uses it; it is not part of the product.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
// The naive import on purpose: this is what the benchmark measures against.
// eslint-disable-next-line no-restricted-imports
import * as aws from '@cdktf/provider-aws';
import { App, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { loadConfig } from '../../config/load';
import type { AccountConfig, GuardConfig } from '../../config/types';

const runbook = readFileSync(path.join(__dirname, '..', '..', 'runbook', 'cloudtrail-remediation-action.yml'), 'utf8');

class NaiveAccountStack extends TerraformStack {
  constructor(scope: Construct, config: GuardConfig, a: AccountConfig) {
    super(scope, a.stackName);
    const p = a.partition;
    new aws.provider.AwsProvider(this, 'aws', {
      region: a.homeRegion,
      allowedAccountIds: [a.accountId],
      assumeRole: a.deploymentRoleArn ? [{ roleArn: a.deploymentRoleArn, sessionName: 'cloudtrail-guard' }] : undefined,
      defaultTags: [{ tags: { ...a.tags, 'cloudtrail-guard:estate': config.estate } }],
    });
    if (config.state.backend === 's3') {
      new S3Backend(this, {
        bucket: config.state.bucket,
        region: config.state.region,
        key: `${config.state.keyPrefix}/${a.accountId}/${a.homeRegion}/terraform.tfstate`,
        encrypt: true,
      });
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    }

    const key = new aws.kmsKey.KmsKey(this, 'key', {
      description: `CloudTrail key for ${a.trail.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: a.kmsKey.deletionWindowInDays,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:${p}:iam::${a.accountId}:root` }, Action: 'kms:*', Resource: '*' },
          {
            Sid: 'CloudTrailEncrypt',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 'kms:GenerateDataKey*',
            Resource: '*',
            Condition: {
              StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${p}:cloudtrail:*:${a.accountId}:trail/*` },
              StringEquals: { 'aws:SourceArn': a.trail.arn },
            },
          },
          { Sid: 'CloudTrailDescribe', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:DescribeKey', Resource: '*' },
        ],
      }),
    });
    new aws.kmsAlias.KmsAlias(this, 'alias', { name: a.kmsKey.alias, targetKeyId: key.keyId });

    const bucket = new aws.s3Bucket.S3Bucket(this, 'bucket', { bucket: a.logBucket.name, forceDestroy: false });
    new aws.s3BucketOwnershipControls.S3BucketOwnershipControls(this, 'ownership', {
      bucket: bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new aws.s3BucketPublicAccessBlock.S3BucketPublicAccessBlock(this, 'pab', {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new aws.s3BucketServerSideEncryptionConfiguration.S3BucketServerSideEncryptionConfigurationA(this, 'sse', {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
    });
    new aws.s3BucketVersioning.S3BucketVersioningA(this, 'versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
    const prefix = a.logBucket.s3KeyPrefix ? `${a.logBucket.s3KeyPrefix}/` : '';
    const bucketPolicy = new aws.s3BucketPolicy.S3BucketPolicy(this, 'bucket-policy', {
      bucket: bucket.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AclCheck',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:GetBucketAcl',
            Resource: a.logBucket.arn,
            Condition: { StringEquals: { 'aws:SourceArn': a.trail.arn } },
          },
          {
            Sid: 'Write',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `${a.logBucket.arn}/${prefix}AWSLogs/${a.accountId}/*`,
            Condition: { StringEquals: { 'aws:SourceArn': a.trail.arn, 's3:x-amz-acl': 'bucket-owner-full-control' } },
          },
          {
            Sid: 'DenyHttp',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [a.logBucket.arn, `${a.logBucket.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    });

    const role = new aws.iamRole.IamRole(this, 'role', {
      name: a.automationRole.name,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'ssm.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': a.accountId } },
          },
        ],
      }),
    });
    new aws.iamRolePolicy.IamRolePolicy(this, 'role-policy', {
      role: role.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['cloudtrail:CreateTrail', 'cloudtrail:UpdateTrail', 'cloudtrail:StartLogging', 'cloudtrail:GetTrailStatus', 'cloudtrail:DescribeTrails'],
            Resource: a.trail.arn,
          },
        ],
      }),
    });
    const doc = new aws.ssmDocument.SsmDocument(this, 'runbook', {
      name: a.runbook.documentName,
      documentType: 'Automation',
      documentFormat: 'YAML',
      content: runbook,
    });

    const deps: Construct[] = [];
    if (a.configRule.recorder === 'create') {
      const recorderRole = new aws.iamServiceLinkedRole.IamServiceLinkedRole(this, 'config-slr', { awsServiceName: 'config.amazonaws.com' });
      const recorder = new aws.configConfigurationRecorder.ConfigConfigurationRecorder(this, 'recorder', {
        name: 'default',
        roleArn: recorderRole.arn,
        recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
      });
      const channel = new aws.configDeliveryChannel.ConfigDeliveryChannel(this, 'channel', {
        name: 'default',
        s3BucketName: a.logBucket.name,
        dependsOn: [recorder, bucketPolicy],
      });
      deps.push(new aws.configConfigurationRecorderStatus.ConfigConfigurationRecorderStatus(this, 'recorder-status', {
        name: recorder.name,
        isEnabled: true,
        dependsOn: [channel],
      }));
    }
    const rule = new aws.configConfigRule.ConfigConfigRule(this, 'rule', {
      name: a.configRule.name,
      maximumExecutionFrequency: a.configRule.maximumExecutionFrequency,
      source: { owner: 'AWS', sourceIdentifier: 'CLOUD_TRAIL_ENABLED' },
      inputParameters: JSON.stringify({ s3BucketName: a.logBucket.name }),
      dependsOn: deps as aws.configConfigurationRecorderStatus.ConfigConfigurationRecorderStatus[],
    });
    new aws.configRemediationConfiguration.ConfigRemediationConfiguration(this, 'remediation', {
      configRuleName: rule.name,
      targetType: 'SSM_DOCUMENT',
      targetId: doc.name,
      automatic: true,
      maximumAutomaticAttempts: a.remediation.maximumAutomaticAttempts,
      retryAttemptSeconds: a.remediation.retryAttemptSeconds,
      parameter: [
        { name: 'AutomationAssumeRole', staticValue: role.arn },
        { name: 'KmsKeyId', staticValue: key.arn },
        { name: 'S3BucketName', staticValue: a.logBucket.name },
        { name: 'TrailName', staticValue: a.trail.name },
      ],
    });
    if (a.trail.manage) {
      new aws.cloudtrail.Cloudtrail(this, 'trail', {
        name: a.trail.name,
        s3BucketName: bucket.id,
        s3KeyPrefix: a.logBucket.s3KeyPrefix || undefined,
        kmsKeyId: key.arn,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        dependsOn: [bucketPolicy, key],
      });
    }
    new TerraformOutput(this, 'trail_arn', { value: a.trail.arn });
    new TerraformOutput(this, 'log_bucket', { value: a.logBucket.name });
    new TerraformOutput(this, 'kms_key_arn', { value: key.arn });
    new TerraformOutput(this, 'automation_role_arn', { value: role.arn });
    new TerraformOutput(this, 'runbook_name', { value: doc.name });
    new TerraformOutput(this, 'config_rule_name', { value: rule.name });
  }
}

const config = loadConfig(process.env.CLOUDTRAIL_GUARD_CONFIG ?? path.join(__dirname, '..', '..', 'examples', 'single-account.yaml'));
const app = new App();
for (const account of config.accounts) new NaiveAccountStack(app, config, account);
app.synth();
