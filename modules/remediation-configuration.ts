import { Construct } from 'constructs';
import { ConfigConfigRule } from '@cdktf/provider-aws/lib/config-config-rule';
import {
  ConfigRemediationConfiguration,
  type ConfigRemediationConfigurationParameter,
} from '@cdktf/provider-aws/lib/config-remediation-configuration';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { logGroupArn, topicArn } from '../config/arn';
import type { AccountConfig } from '../config/types';
import { TRAIL_BASELINE } from './trail-baseline';

/**
 * One remediation parameter value. Exactly one kind: a static value, a list of static values, or the ID of the
 * non-compliant resource (for `cloudtrail-enabled` that is the account ID, FC-10).
 */
export type RemediationParameterValue =
  | { readonly staticValue: string }
  | { readonly staticValues: readonly string[] }
  | { readonly resourceValue: 'RESOURCE_ID' };

/**
 * Remediation parameters by runbook parameter name.
 * @see https://docs.aws.amazon.com/config/latest/APIReference/API_RemediationParameterValue.html
 */
export type RemediationParameters = Readonly<Record<string, RemediationParameterValue>>;

/**
 * Builds the `parameter` blocks of `aws_config_remediation_configuration`: sorted by name (the provider reads them
 * back sorted), one static value as `static_value` and two or more as `static_values` (FC-08).
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/config_remediation_configuration
 * @throws Error naming the parameter when it has both a resource value and static value(s), none of them, an empty
 *   static list, a value that is not a string, or a `resourceValue` other than `RESOURCE_ID`.
 */
export function remediationParameters(params: RemediationParameters): ConfigRemediationConfigurationParameter[] {
  return Object.keys(params)
    .sort()
    .map((name) => {
      const v = params[name] as Partial<{ staticValue: unknown; staticValues: unknown; resourceValue: unknown }>;
      const kinds = (['staticValue', 'staticValues', 'resourceValue'] as const).filter((k) => v[k] !== undefined);
      if (kinds.includes('resourceValue') && kinds.length > 1) {
        throw new Error(`remediation parameter ${name}: has both a resource value and a static value; give exactly one`);
      }
      if (kinds.length !== 1) {
        throw new Error(`remediation parameter ${name}: give exactly one of staticValue, staticValues, resourceValue (got ${kinds.join(', ') || 'none'})`);
      }
      if (v.resourceValue !== undefined) {
        if (v.resourceValue !== 'RESOURCE_ID') throw new Error(`remediation parameter ${name}: resourceValue must be RESOURCE_ID`);
        return { name, resourceValue: 'RESOURCE_ID' };
      }
      const values = v.staticValues !== undefined ? v.staticValues : [v.staticValue];
      if (!Array.isArray(values) || values.length === 0) throw new Error(`remediation parameter ${name}: staticValues is empty`);
      if (values.some((x) => typeof x !== 'string')) {
        throw new Error(`remediation parameter ${name}: static values must be strings (booleans as "true"/"false")`);
      }
      return values.length === 1 ? { name, staticValue: values[0] as string } : { name, staticValues: [...(values as string[])] };
    });
}

/**
 * A Boolean runbook parameter as AWS Config must send it: exactly `"true"` or `"false"` (FC-11).
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html
 */
export const booleanParameter = (value: boolean): { staticValue: 'true' | 'false' } => ({ staticValue: value ? 'true' : 'false' });

/** Options of {@link trailRemediationParameters}. */
export interface TrailRemediationParameterOptions {
  /**
   * The role CloudTrail uses for CloudWatch Logs; required when the account's trail sends to CloudWatch Logs.
   * @default undefined (no CloudWatch Logs parameters)
   */
  readonly cloudWatchLogsRoleArn?: string;
  /**
   * The tags a trail the runbook creates gets (the stack's tags, what Terraform gives the trail through the provider's
   * default_tags), sent as `TrailTags`, one JSON object `{"Key","Value"}` per tag, sorted by key.
   * @default {} (no TrailTags parameter)
   */
  readonly trailTags?: Readonly<Record<string, string>>;
}

/**
 * The runbook parameters for one (account, home Region): `AutomationAssumeRole` (this account's role, FC-09),
 * `TrailName`, `S3BucketName`, `S3KeyPrefix` (left out when `''`), `KmsKeyId` (the key ARN, never an alias, FC-07),
 * `IsMultiRegionTrail`, `IsOrganizationTrail`, `IncludeGlobalServiceEvents`, `EnableLogFileValidation` (as `"true"` /
 * `"false"`, FC-11), and `SnsTopicARN` (the topic in this account and home Region, compared whole by the runbook),
 * `CloudWatchLogsLogGroupArn`, `CloudWatchLogsRoleArn` when configured, and `TrailTags` (one `{"Key","Value"}` JSON
 * object per tag) when `options.trailTags` has any.
 * All are static values: `cloudtrail-enabled` evaluates the account, so RESOURCE_ID is the account ID (FC-10).
 * @param kmsKeyArn the trail key's ARN (a Terraform token is fine)
 * @param roleArn the automation role's ARN (`AutomationAssumeRole`)
 * @param options @default {} (no CloudWatch Logs role)
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
 * @throws Error when `kmsKeyArn` is an alias, the trail sends to CloudWatch Logs and no role ARN is given, or the log
 *   group ARN would have an empty segment.
 */
export function trailRemediationParameters(
  account: AccountConfig,
  kmsKeyArn: string,
  roleArn: string,
  options: TrailRemediationParameterOptions = {},
): Record<string, RemediationParameterValue> {
  if (/(^|:)alias\//.test(kmsKeyArn)) {
    throw new Error(`trailRemediationParameters: KmsKeyId must be the key ARN, not the alias ${kmsKeyArn} (FC-07)`);
  }
  const t = account.trail;
  const params: Record<string, RemediationParameterValue> = {
    AutomationAssumeRole: { staticValue: roleArn },
    TrailName: { staticValue: t.name },
    S3BucketName: { staticValue: account.logBucket.name },
    KmsKeyId: { staticValue: kmsKeyArn },
    IsMultiRegionTrail: booleanParameter(TRAIL_BASELINE.isMultiRegionTrail),
    IsOrganizationTrail: booleanParameter(t.isOrganizationTrail),
    IncludeGlobalServiceEvents: booleanParameter(TRAIL_BASELINE.includeGlobalServiceEvents),
    EnableLogFileValidation: booleanParameter(TRAIL_BASELINE.enableLogFileValidation),
  };
  if (account.logBucket.s3KeyPrefix !== '') params.S3KeyPrefix = { staticValue: account.logBucket.s3KeyPrefix };
  if (t.snsTopicName) params.SnsTopicARN = { staticValue: topicArn(account.partition, account.homeRegion, account.accountId, t.snsTopicName) };
  if (t.cloudWatchLogs) {
    if (!options.cloudWatchLogsRoleArn) {
      throw new Error(`trailRemediationParameters: trail ${t.name} sends to CloudWatch Logs but no cloudWatchLogsRoleArn was given`);
    }
    params.CloudWatchLogsLogGroupArn = {
      staticValue: logGroupArn(account.partition, account.homeRegion, account.accountId, t.cloudWatchLogs.logGroupName),
    };
    params.CloudWatchLogsRoleArn = { staticValue: options.cloudWatchLogsRoleArn };
  }
  const tags = Object.keys(options.trailTags ?? {}).sort();
  if (tags.length > 0) {
    const values = tags.map((Key) => JSON.stringify({ Key, Value: options.trailTags![Key] }));
    params.TrailTags = values.length === 1 ? { staticValue: values[0] } : { staticValues: values };
  }
  return params;
}

/**
 * SSM rate controls of the remediation.
 * @see https://docs.aws.amazon.com/config/latest/APIReference/API_SsmControls.html
 */
export interface RemediationExecutionControls {
  /**
   * Percent (1 to 100) of non-compliant resources remediated at the same time.
   * @default 10
   */
  readonly concurrentExecutionRatePercentage?: number;
  /**
   * Percent (1 to 100) of failed remediations after which Config stops.
   * @default 10
   */
  readonly errorPercentage?: number;
}

/** Props of {@link TrailRemediation}. */
export interface TrailRemediationProps {
  /** The rule construct (`config_rule_name` refers to `rule.name`, so Terraform orders replacements, FC-15). */
  readonly configRule: ConfigConfigRule;
  /** The runbook document (`target_id = name`, `target_version = default_version`). */
  readonly document: SsmDocument;
  /** The runbook parameters, e.g. from {@link trailRemediationParameters}. */
  readonly parameters: RemediationParameters;
  /**
   * Remediate automatically when the rule finds the account non-compliant.
   * @default true
   */
  readonly automatic?: boolean;
  /**
   * Attempts before Config gives up (1 to 25), within `retryAttemptSeconds`.
   * @default 5
   */
  readonly maximumAutomaticAttempts?: number;
  /**
   * Window for `maximumAutomaticAttempts`, in seconds (AWS Config accepts 1 to 2678000; not checked here).
   * @default 60
   */
  readonly retryAttemptSeconds?: number;
  /**
   * SSM rate controls.
   * @default { concurrentExecutionRatePercentage: 10, errorPercentage: 10 }
   */
  readonly executionControls?: RemediationExecutionControls;
}

/**
 * `aws_config_remediation_configuration` that runs the runbook when `cloudtrail-enabled` is non-compliant.
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/config_remediation_configuration
 * @see https://docs.aws.amazon.com/config/latest/APIReference/API_RemediationConfiguration.html
 * @throws Error from {@link remediationParameters}, or when attempts are outside 1..25 or percentages outside 1..100.
 */
export class TrailRemediation extends Construct {
  public readonly remediation: ConfigRemediationConfiguration;

  constructor(scope: Construct, id: string, props: TrailRemediationProps) {
    super(scope, id);
    const attempts = props.maximumAutomaticAttempts ?? 5;
    if (!Number.isInteger(attempts) || attempts < 1 || attempts > 25) {
      throw new Error(`TrailRemediation maximumAutomaticAttempts ${attempts} must be an integer from 1 to 25`);
    }
    const rate = props.executionControls?.concurrentExecutionRatePercentage ?? 10;
    const errors = props.executionControls?.errorPercentage ?? 10;
    for (const [n, v] of [['concurrentExecutionRatePercentage', rate], ['errorPercentage', errors]] as const) {
      if (!Number.isInteger(v) || v < 1 || v > 100) throw new Error(`TrailRemediation ${n} ${v} must be an integer from 1 to 100`);
    }
    this.remediation = new ConfigRemediationConfiguration(this, 'remediation', {
      configRuleName: props.configRule.name,
      targetType: 'SSM_DOCUMENT',
      targetId: props.document.name,
      targetVersion: props.document.defaultVersion,
      automatic: props.automatic ?? true,
      maximumAutomaticAttempts: attempts,
      retryAttemptSeconds: props.retryAttemptSeconds ?? 60,
      executionControls: { ssmControls: { concurrentExecutionRatePercentage: rate, errorPercentage: errors } },
      parameter: remediationParameters(props.parameters),
    });
  }
}
