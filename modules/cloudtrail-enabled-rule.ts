import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { ConfigConfigRule } from '@cdktf/provider-aws/lib/config-config-rule';
import { CONFIG_RULE_NAME } from '../config/naming';
import { GUARD_CONFIG_RULE_TAG } from './log-archive-naming';
import { terraformLiteral, terraformString, terraformStringMap } from './terraform-string';

/**
 * How often a periodic AWS Config rule runs (one to 24 hours).
 * @see https://docs.aws.amazon.com/config/latest/APIReference/API_ConfigRule.html
 */
export type MaximumExecutionFrequency = 'One_Hour' | 'Three_Hours' | 'Six_Hours' | 'Twelve_Hours' | 'TwentyFour_Hours';

/** Props of {@link CloudTrailEnabledRule}. */
export interface CloudTrailEnabledRuleProps {
  /** The bucket the trail must deliver to (`s3BucketName` rule parameter); must not be empty. */
  readonly s3BucketName: string;
  /**
   * How often the periodic rule runs (FC-10: set, not left at 24 h).
   * @default 'One_Hour'
   */
  readonly maximumExecutionFrequency?: MaximumExecutionFrequency;
  /**
   * The rule name.
   * @default 'cloudtrail-enabled' (CONFIG_RULE_NAME)
   */
  readonly ruleName?: string;
  /**
   * Resources the rule must wait for: the configuration recorder and its status (FC-15).
   * @default [] (a recorder already exists in the account)
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Tags on the rule, besides `cloudtrail-guard:protected = true` ({@link GUARD_CONFIG_RULE_TAG}), which it always
   * carries: the tamper SCP protects the guard's Config rules by that tag (a rule's ARN carries an ID, not its name).
   * @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The AWS managed rule `CLOUD_TRAIL_ENABLED`, named `cloudtrail-enabled`: periodic, evaluates the account, and checks
 * that a trail delivers to `s3BucketName`. `input_parameters` is `{"s3BucketName": ...}` (lower-case `s`, FC-10). Tagged
 * `cloudtrail-guard:protected = true` for the tamper SCP.
 * @see https://docs.aws.amazon.com/config/latest/developerguide/cloudtrail-enabled.html
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/config_config_rule
 * @see https://docs.aws.amazon.com/config/latest/developerguide/tagging.html (tags on Config rules)
 * @throws Error when `s3BucketName` is empty, or `tags` sets the protected tag's key.
 */
export class CloudTrailEnabledRule extends Construct {
  public readonly rule: ConfigConfigRule;

  constructor(scope: Construct, id: string, props: CloudTrailEnabledRuleProps) {
    super(scope, id);
    if (!props.s3BucketName) throw new Error('CloudTrailEnabledRule: s3BucketName is empty');
    if (props.tags && GUARD_CONFIG_RULE_TAG.key in props.tags)
      throw new Error(`CloudTrailEnabledRule: tags sets ${GUARD_CONFIG_RULE_TAG.key}, which the rule always carries as ${GUARD_CONFIG_RULE_TAG.value}`);
    this.rule = new ConfigConfigRule(this, 'rule', {
      name: terraformString(props.ruleName ?? CONFIG_RULE_NAME),
      description: terraformLiteral('cloudtrail-guard: a trail is enabled and delivers to the guarded log bucket'),
      source: { owner: 'AWS', sourceIdentifier: 'CLOUD_TRAIL_ENABLED' },
      inputParameters: terraformString(JSON.stringify({ s3BucketName: props.s3BucketName })),
      maximumExecutionFrequency: props.maximumExecutionFrequency ?? 'One_Hour',
      tags: terraformStringMap({ ...props.tags, [GUARD_CONFIG_RULE_TAG.key]: GUARD_CONFIG_RULE_TAG.value }),
      dependsOn: props.dependsOn && props.dependsOn.length > 0 ? [...props.dependsOn] : undefined,
    });
  }
}
