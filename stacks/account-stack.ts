/**
 * One deployable unit: the guard for one (account, home Region).
 *
 * Composition: provider (with the deployment role and default tags) · remote state · trail key · log bucket ·
 * automation role · runbook document · (opt-in) Config recorder · cloudtrail-enabled rule · remediation
 * configuration · (default) the trail itself.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { AccountConfig, GuardConfig } from '../config/types';
import { AutomationRole } from '../modules/automation-role';
import { CloudTrailEnabledRule } from '../modules/cloudtrail-enabled-rule';
import { ConfigRecorder } from '../modules/config-recorder';
import { fastPathParametersFrom, TrailFastPath } from '../modules/fast-path';
import { LogArchiveKeyRef } from '../modules/log-archive-key-ref';
import { LogBucket } from '../modules/log-bucket';
import { TrailRemediation, trailRemediationParameters } from '../modules/remediation-configuration';
import { RunbookDocument } from '../modules/runbook-document';
import { TamperProtection } from '../modules/tamper-protection';
import { Trail } from '../modules/trail';
import { TrailLogGroup, TrailTopic } from '../modules/trail-notifications';
import { TrailKey } from '../modules/trail-key';
import { applyBackend } from './backend';
import { ReadableIdStack } from './logical-ids';

/**
 * Tags every resource carries (through the provider's `default_tags`): the account's own (defaults merged), plus
 * `cloudtrail-guard:estate`, `cloudtrail-guard:stack` and `cloudtrail-guard:managed-by`, which win on a clash.
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs
 */
export function standardTags(config: GuardConfig, account: AccountConfig): Record<string, string> {
  return {
    ...account.tags,
    'cloudtrail-guard:estate': config.estate,
    'cloudtrail-guard:stack': account.stackName,
    'cloudtrail-guard:managed-by': 'cloudtrail-guard',
  };
}

/** Props of {@link AccountStack}. */
export interface AccountStackProps {
  /** The whole (normalised) configuration. */
  readonly config: GuardConfig;
  /** The account and home Region this stack guards. */
  readonly account: AccountConfig;
}

/**
 * The stack for one (account, home Region), named `cloudtrail-guard-<account>-<region>` (config/naming.ts): provider
 * (Region, `allowed_account_ids`, the deployment role, default tags), backend, trail key (unless `existingKeyArn`),
 * log bucket, optional SNS topic and CloudWatch Logs group, automation role, runbook, optional Config recorder, the
 * `cloudtrail-enabled` rule, its remediation configuration, the trail (with `trail.manage`), the fast path (with
 * `remediation.fastPath`), and the tamper-prevention SCP (management account only). With `logDestination: archive`
 * there is no log bucket and no trail key: the trail delivers across accounts to the log archive's bucket and prefix,
 * and the trail, the runbook and the automation role's `kms:DescribeKey` get the archive key's ARN
 * ({@link LogArchiveKeyRef}, read by its alias ARN at plan time, so the log-archive stack is applied first). Outputs:
 * `trail_arn`, `log_bucket`, `kms_key_arn`, `automation_role_arn`, `runbook_name`, `config_rule_name`.
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/cloudtrail-enabled.html
 * @see https://docs.aws.amazon.com/config/latest/developerguide/remediation.html
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs
 * @throws Error from the constructs it composes when an input breaks a rule they check (e.g. {@link Trail},
 *   {@link TrailKey}, {@link TrailRemediation}, {@link TrailFastPath}, {@link TamperProtection}, `trailRemediationParameters`).
 */
export class AccountStack extends ReadableIdStack {
  readonly account: AccountConfig;
  readonly key?: TrailKey;
  readonly kmsKeyArn: string;
  /** Unset with `logDestination: archive` (the trail delivers to the archive bucket). */
  readonly logBucket?: LogBucket;
  /** With `logDestination: archive`: the archive key's ARN, read by its alias ARN. */
  readonly archiveKey?: LogArchiveKeyRef;
  readonly automationRole: AutomationRole;
  readonly runbook: RunbookDocument;
  readonly rule: CloudTrailEnabledRule;
  readonly remediation: TrailRemediation;
  readonly trail?: Trail;
  readonly recorder?: ConfigRecorder;
  readonly topic?: TrailTopic;
  readonly logGroup?: TrailLogGroup;
  readonly fastPath?: TrailFastPath;
  readonly tamperProtection?: TamperProtection;

  constructor(scope: Construct, props: AccountStackProps) {
    const { config, account } = props;
    super(scope, account.stackName);
    this.account = account;
    const { partition, accountId, homeRegion: region } = account;
    const tags = standardTags(config, account);

    new AwsProvider(this, 'aws', {
      region,
      allowedAccountIds: [accountId],
      assumeRole: account.deploymentRoleArn
        ? [{ roleArn: account.deploymentRoleArn, sessionName: 'cloudtrail-guard' }]
        : undefined,
      defaultTags: [{ tags }],
    });
    applyBackend(this, config.state, account);

    const organization = account.trail.isOrganizationTrail ? config.organization : undefined;
    const trailArn = account.trail.arn;

    const archive = account.kmsKey.archive;
    if (archive) {
      // The central log archive's key, in another account: by its alias ARN, or as configured.
      this.archiveKey = new LogArchiveKeyRef(this, 'log-archive-key', archive);
      this.kmsKeyArn = this.archiveKey.keyArn;
    } else if (account.kmsKey.existingKeyArn) {
      this.kmsKeyArn = account.kmsKey.existingKeyArn;
    } else {
      this.key = new TrailKey(this, 'trail-key', {
        alias: account.kmsKey.alias,
        deletionWindowInDays: account.kmsKey.deletionWindowInDays,
        partition,
        region,
        accountId,
        trailArn,
        organization,
        allowConfigDelivery: account.configRule.recorder === 'create',
      });
      this.kmsKeyArn = this.key.keyArn;
    }

    if (account.logDestination === 'own') {
      this.logBucket = new LogBucket(this, 'log-bucket', {
        bucketName: account.logBucket.name,
        partition,
        region,
        accountId,
        s3KeyPrefix: account.logBucket.s3KeyPrefix,
        trailArn,
        kmsKeyArn: this.kmsKeyArn,
        organization,
        allowConfigDelivery: account.configRule.recorder === 'create',
      });
    }

    if (account.trail.snsTopicName) {
      this.topic = new TrailTopic(this, 'topic', {
        topicName: account.trail.snsTopicName,
        partition,
        region,
        accountId,
        trailArn,
      });
    }
    const cwl = account.trail.cloudWatchLogs;
    if (cwl) {
      this.logGroup = new TrailLogGroup(this, 'log-group', {
        logGroupName: cwl.logGroupName,
        retentionInDays: cwl.retentionInDays,
        partition,
        region,
        accountId,
        trailName: account.trail.name,
        organizationId: organization?.id,
      });
    }

    this.automationRole = new AutomationRole(this, 'automation-role', {
      roleName: account.automationRole.name,
      partition,
      region,
      accountId,
      trailArn,
      bucketArn: account.logBucket.arn,
      kmsKeyArn: this.kmsKeyArn,
      isOrganizationTrail: account.trail.isOrganizationTrail,
      snsTopicArn: this.topic?.topicArn,
      cloudWatchLogsRoleArn: this.logGroup?.roleArn,
      // The runbook's CreateTrail sends the stack's tags (TrailTags), which needs cloudtrail:AddTags on the trail.
      allowTagging: true,
    });

    this.runbook = new RunbookDocument(this, 'runbook', { documentName: account.runbook.documentName });

    if (account.configRule.recorder === 'create') {
      this.recorder = new ConfigRecorder(this, 'config-recorder', {
        partition,
        accountId,
        bucketName: account.logBucket.name,
        s3KmsKeyArn: this.kmsKeyArn,
        createServiceLinkedRole: account.configRule.createServiceLinkedRole,
        dependsOn: this.logBucket ? [this.logBucket.bucketPolicy] : undefined,
      });
    }

    this.rule = new CloudTrailEnabledRule(this, 'cloudtrail-enabled', {
      s3BucketName: account.logBucket.name,
      maximumExecutionFrequency: account.configRule.maximumExecutionFrequency,
      dependsOn: this.recorder?.dependables,
    });

    const runbookParameters = trailRemediationParameters(account, this.kmsKeyArn, this.automationRole.roleArn, {
      cloudWatchLogsRoleArn: this.logGroup?.roleArn,
      trailTags: tags,
    });
    this.remediation = new TrailRemediation(this, 'remediation', {
      configRule: this.rule.rule,
      document: this.runbook.document,
      parameters: runbookParameters,
      maximumAutomaticAttempts: account.remediation.maximumAutomaticAttempts,
      retryAttemptSeconds: account.remediation.retryAttemptSeconds,
      executionControls: {
        concurrentExecutionRatePercentage: account.remediation.concurrentExecutionRatePercentage,
        errorPercentage: account.remediation.errorPercentage,
      },
    });

    if (account.trail.manage) {
      this.trail = new Trail(this, 'trail', {
        trailName: account.trail.name,
        bucketName: account.logBucket.name,
        s3KeyPrefix: account.logBucket.s3KeyPrefix,
        kmsKeyArn: this.kmsKeyArn,
        isOrganizationTrail: account.trail.isOrganizationTrail,
        snsTopicName: account.trail.snsTopicName,
        cloudWatchLogs: this.logGroup ? { logGroupArn: this.logGroup.logGroupArn, roleArn: this.logGroup.roleArn } : undefined,
        dependsOn: [
          // With the archive, its bucket policy and key are in the log-archive stack, applied first.
          ...(this.logBucket ? [this.logBucket.bucketPolicy] : []),
          ...(this.key ? [this.key.key] : []),
          ...(this.topic ? [this.topic.topicPolicy] : []),
          ...(this.logGroup ? [this.logGroup.logGroup, this.logGroup.rolePolicy] : []),
        ],
      });
    }

    if (account.remediation.fastPath) {
      this.fastPath = new TrailFastPath(this, 'fast-path', {
        partition,
        region,
        accountId,
        trailName: account.trail.name,
        trailArn,
        documentName: this.runbook.document.name,
        automationRoleArn: this.automationRole.roleArn,
        parameters: fastPathParametersFrom(runbookParameters),
      });
    }

    // The tamper-prevention SCP lives in the management account's stack; it covers every guarded trail name.
    const scp = config.organization?.tamperProtection;
    if (scp && config.organization?.managementAccountId === accountId) {
      this.tamperProtection = new TamperProtection(this, 'tamper-protection', {
        partition,
        trailNames: [...scp.trailNames],
        targetIds: [...scp.targetIds],
        managementAccountId: accountId,
        deploymentRolePatterns: [...scp.deploymentRolePatterns],
        breakGlassRolePatterns: [...scp.breakGlassRolePatterns],
      });
    }

    new TerraformOutput(this, 'trail_arn', { value: trailArn, description: 'ARN of the guarded trail' });
    new TerraformOutput(this, 'log_bucket', { value: account.logBucket.name, description: 'Log bucket name' });
    new TerraformOutput(this, 'kms_key_arn', { value: this.kmsKeyArn, description: 'Trail key ARN' });
    new TerraformOutput(this, 'automation_role_arn', { value: this.automationRole.roleArn, description: 'Role that SSM Automation assumes' });
    new TerraformOutput(this, 'runbook_name', { value: this.runbook.document.name, description: 'SSM Automation document name' });
    new TerraformOutput(this, 'config_rule_name', { value: this.rule.rule.name, description: 'AWS Config rule name' });
  }
}
