/**
 * The stack of a member account that the organization trail covers (issue #11, organization mode as AWS recommends it):
 * detection only.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { AccountConfig, GuardConfig } from '../config/types';
import { CloudTrailEnabledRule } from '../modules/cloudtrail-enabled-rule';
import { standardTags } from './account-stack';
import { applyBackend } from './backend';
import { ReadableIdStack } from './logical-ids';

/** Props of {@link DetectionStack}. */
export interface DetectionStackProps {
  /** The whole (normalised) configuration. */
  readonly config: GuardConfig;
  /** The member account (`detectionOnly`). */
  readonly account: AccountConfig;
}

/**
 * `cloudtrail-guard-<account>-<region>` of a member account covered by the organization trail: provider, backend (the
 * same state key an account stack has), and only the `cloudtrail-enabled` rule (tagged for the tamper SCP), which
 * checks that a trail delivers to the archive bucket. No trail (the organization trail is the member's trail: a second
 * one would deliver a second, billed copy of its management events), no bucket, key, role, runbook, remediation or
 * fast path (only the management account, or a CloudTrail delegated administrator, can change the organization
 * trail, and the management account's stack repairs it). Whatever the rule decides in the member, nothing acts on it
 * there. Output: `config_rule_name`.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html
 * @see https://docs.aws.amazon.com/config/latest/developerguide/cloudtrail-enabled.html
 * @see https://aws.amazon.com/cloudtrail/pricing/ (the first copy of management events is free; further copies are charged)
 * @throws Error when the account is not `detectionOnly`, and from {@link CloudTrailEnabledRule}.
 */
export class DetectionStack extends ReadableIdStack {
  readonly account: AccountConfig;
  readonly rule: CloudTrailEnabledRule;

  constructor(scope: Construct, props: DetectionStackProps) {
    const { config, account } = props;
    if (!account.detectionOnly) throw new Error(`DetectionStack: ${account.stackName} is not a member that only detects`);
    super(scope, account.stackName);
    this.account = account;
    new AwsProvider(this, 'aws', {
      region: account.homeRegion,
      allowedAccountIds: [account.accountId],
      assumeRole: account.deploymentRoleArn
        ? [{ roleArn: account.deploymentRoleArn, sessionName: 'cloudtrail-guard' }]
        : undefined,
      defaultTags: [{ tags: standardTags(config, account) }],
    });
    applyBackend(this, config.state, account);
    this.rule = new CloudTrailEnabledRule(this, 'cloudtrail-enabled', {
      s3BucketName: account.logBucket.name,
      maximumExecutionFrequency: account.configRule.maximumExecutionFrequency,
    });
    new TerraformOutput(this, 'config_rule_name', { value: this.rule.rule.name, description: 'AWS Config rule name' });
  }
}
