import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { NAMESPACE, label } from '../config/naming';
import {
  automationDefinitionArn,
  eventRuleArn,
  fastPathPermissionsPolicy,
  fastPathTrustPolicy,
} from './policies/fast-path-policy';
import { assertRolePath, GUARD_ROLE_PATH, replacedWithRole } from './guard-role';
import { PolicyDocument, policyJson } from './policies/types';
import { terraformString, terraformStringMap } from './terraform-string';
import type { RemediationParameters } from './remediation-configuration';

/**
 * The CloudTrail API calls that stop or weaken a trail, the default of {@link TrailFastPathProps.eventNames}.
 * `CreateTrail` is not among them: creating the guarded trail is what the runbook itself does, and a deleted trail
 * was already caught by `DeleteTrail`.
 */
export const DEFAULT_FAST_PATH_EVENT_NAMES = [
  'StopLogging',
  'DeleteTrail',
  'UpdateTrail',
  'PutEventSelectors',
  'PutInsightSelectors',
] as const;

/**
 * Limits of `StartAutomationExecution` `Parameters` (what the EventBridge target's `Input` becomes): names 1 to 50
 * characters, at most 200 parameters, at most 100 values a parameter, each value 1 to 512 characters; and of the
 * target's `Input`: at most 8192 characters.
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_StartAutomationExecution.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html
 */
export const AUTOMATION_INPUT_LIMITS = {
  maxNameLength: 50,
  maxParameters: 200,
  maxValues: 100,
  maxValueLength: 512,
  maxInputLength: 8192,
} as const;

/**
 * EventBridge rule names: 1 to 64 of letters, digits, `.`, `-`, `_`.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html
 */
export const EVENT_RULE_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** Default rule name: `cloudtrail-guard-fast-path` (rules are Regional; one per stack). */
export const fastPathRuleName = (): string => label(NAMESPACE, 'fast-path');

/** Default role name: `cloudtrail-guard-fast-path-<region>` (IAM is global, so the Region keeps stacks apart). */
export const fastPathRoleName = (region: string): string => label(NAMESPACE, 'fast-path', region);

/**
 * The event pattern: a successful (no `errorCode`) CloudTrail management API call named in `eventNames` on the trail
 * given by name or ARN. StopLogging, DeleteTrail and UpdateTrail carry the trail in `requestParameters.name`;
 * PutEventSelectors and PutInsightSelectors in `requestParameters.trailName`; either may be the name or the ARN.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html
 * @returns the pattern as data (`source`, `detail-type`, `detail`), for `JSON.stringify`; never throws
 */
export function fastPathEventPattern(trailName: string, trailArn: string, eventNames: readonly string[]): Record<string, unknown> {
  const trail = [trailName, trailArn];
  return {
    source: ['aws.cloudtrail'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['cloudtrail.amazonaws.com'],
      eventName: [...eventNames],
      errorCode: [{ exists: false }],
      $or: [{ requestParameters: { name: trail } }, { requestParameters: { trailName: trail } }],
    },
  };
}

/**
 * The target `Input`: a JSON map of runbook parameter name to a list of strings (what StartAutomationExecution
 * takes), names sorted.
 * @throws Error naming the parameter when a name or value breaks {@link AUTOMATION_INPUT_LIMITS}, or a list is empty.
 *   Terraform tokens are not measured (their values are unknown at synth time).
 */
export function automationInput(parameters: Readonly<Record<string, string | readonly string[]>>): string {
  const names = Object.keys(parameters).sort();
  const L = AUTOMATION_INPUT_LIMITS;
  if (names.length > L.maxParameters) throw new Error(`fast path: ${names.length} runbook parameters exceed ${L.maxParameters}`);
  const map: Record<string, string[]> = {};
  for (const name of names) {
    if (name.length < 1 || name.length > L.maxNameLength) {
      throw new Error(`fast path: runbook parameter name ${JSON.stringify(name)} must be 1 to ${L.maxNameLength} characters`);
    }
    const raw = parameters[name];
    const values = typeof raw === 'string' ? [raw] : [...raw];
    if (values.length === 0) throw new Error(`fast path: runbook parameter ${name} has an empty list`);
    if (values.length > L.maxValues) {
      throw new Error(`fast path: runbook parameter ${name} has ${values.length} values; at most ${L.maxValues}`);
    }
    values.forEach((v, i) => {
      if (typeof v !== 'string') throw new Error(`fast path: runbook parameter ${name}[${i}] is not a string`);
      if (Token.isUnresolved(v)) return;
      if (v.length < 1 || v.length > L.maxValueLength) {
        throw new Error(`fast path: runbook parameter ${name}[${i}] is ${v.length} characters; values are 1 to ${L.maxValueLength}`);
      }
    });
    map[name] = values;
  }
  const input = JSON.stringify(map);
  if (!Token.isUnresolved(input) && input.length > L.maxInputLength) {
    throw new Error(`fast path: target Input is ${input.length} characters; at most ${L.maxInputLength}`);
  }
  return input;
}

/**
 * The remediation configuration's parameters as fast-path parameters: each static value as is, static values as a
 * list. The fast path then sends exactly what AWS Config sends.
 * @throws Error naming the parameter when it is a `resourceValue` (RESOURCE_ID means something only to AWS Config).
 */
export function fastPathParametersFrom(params: RemediationParameters): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, v] of Object.entries(params)) {
    if ('resourceValue' in v) throw new Error(`fast path: runbook parameter ${name} is a resource value; give a static value`);
    out[name] = 'staticValues' in v ? [...v.staticValues] : v.staticValue;
  }
  return out;
}

/** Props of {@link TrailFastPath}. */
export interface TrailFastPathProps {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The trail's home Region: trail APIs are called there, so their events arrive there. */
  readonly region: string;
  /** The account of the trail, the runbook and the rule. */
  readonly accountId: string;
  /** The guarded trail's name. */
  readonly trailName: string;
  /** The guarded trail's ARN, `arn:<p>:cloudtrail:<region>:<account>:trail/<name>`. */
  readonly trailArn: string;
  /** The runbook (SSM document) name; a Terraform token is fine. */
  readonly documentName: string;
  /** The role the runbook assumes; sent as `AutomationAssumeRole`, and the only role EventBridge may pass. */
  readonly automationRoleArn: string;
  /**
   * The runbook parameters, the same the remediation configuration sends (see {@link fastPathParametersFrom}).
   * `AutomationAssumeRole` is set from `automationRoleArn` when missing.
   */
  readonly parameters: Readonly<Record<string, string | readonly string[]>>;
  /**
   * The CloudTrail API calls that start the runbook.
   * @default DEFAULT_FAST_PATH_EVENT_NAMES (StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors, PutInsightSelectors)
   */
  readonly eventNames?: readonly string[];
  /**
   * The EventBridge rule name.
   * @default fastPathRuleName(), `cloudtrail-guard-fast-path`
   */
  readonly ruleName?: string;
  /**
   * The EventBridge role name.
   * @default fastPathRoleName(region), `cloudtrail-guard-fast-path-<region>`
   */
  readonly roleName?: string;
  /**
   * The role's IAM path: the tamper SCP exempts and protects the guard's roles by it.
   * @default GUARD_ROLE_PATH, `/cloudtrail-guard/`
   */
  readonly rolePath?: string;
  /**
   * Tags on the rule and the role.
   * @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The fast path: an EventBridge rule on the default bus of the home Region matches a successful StopLogging,
 * DeleteTrail, UpdateTrail, PutEventSelectors or PutInsightSelectors on the guarded trail
 * ({@link fastPathEventPattern}) and starts the remediation runbook at once
 * (`automation-definition/<documentName>:$DEFAULT`), with the same parameters as the remediation configuration,
 * instead of waiting for the periodic `cloudtrail-enabled` rule.
 *
 * The runbook's own UpdateTrail or PutEventSelectors matches the rule too; the runbook changes nothing on a compliant
 * trail (FC-13), so that second run ends without a call and the chain stops. EventBridge receives these events only
 * while some trail in the account logs management events; the periodic rule stays the backstop.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-cwe-target.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/cloudwatch_event_target
 * @throws Error when an event name, the rule name, the role path or a parameter is invalid ({@link automationInput}), or
 *   `parameters.AutomationAssumeRole` names another role than `automationRoleArn`.
 */
export class TrailFastPath extends Construct {
  public readonly rule: CloudwatchEventRule;
  public readonly target: CloudwatchEventTarget;
  public readonly role: IamRole;
  public readonly rolePolicy: IamRolePolicy;
  /** The event pattern as data (what `rule.event_pattern` holds). */
  public readonly eventPattern: Record<string, unknown>;
  /** The runbook parameters sent, as data (what `target.input` holds). */
  public readonly automationParameters: Readonly<Record<string, string | readonly string[]>>;
  public readonly trustPolicyDocument: PolicyDocument;
  public readonly permissionsPolicyDocument: PolicyDocument;

  constructor(scope: Construct, id: string, props: TrailFastPathProps) {
    super(scope, id);
    assertRolePath('TrailFastPath role', props.rolePath ?? GUARD_ROLE_PATH);
    const eventNames = [...(props.eventNames ?? DEFAULT_FAST_PATH_EVENT_NAMES)];
    if (eventNames.length === 0) throw new Error('TrailFastPath eventNames is empty');
    for (const e of eventNames) {
      if (!/^[A-Z][A-Za-z]+$/.test(e)) throw new Error(`TrailFastPath eventName ${JSON.stringify(e)} is not a CloudTrail API operation name`);
    }
    if (new Set(eventNames).size !== eventNames.length) throw new Error(`TrailFastPath eventNames has duplicates: ${eventNames.join(', ')}`);
    const ruleName = props.ruleName ?? fastPathRuleName();
    if (!EVENT_RULE_NAME_PATTERN.test(ruleName)) {
      throw new Error(`TrailFastPath ruleName ${JSON.stringify(ruleName)} must be 1 to 64 of letters, digits, . - _`);
    }
    const given = props.parameters.AutomationAssumeRole;
    if (given !== undefined) {
      const list = typeof given === 'string' ? [given] : [...given];
      const same = list.length === 1 && (list[0] === props.automationRoleArn || Token.isUnresolved(list[0]) || Token.isUnresolved(props.automationRoleArn));
      if (!same) {
        throw new Error(`TrailFastPath parameters.AutomationAssumeRole ${JSON.stringify(given)} is not automationRoleArn ${props.automationRoleArn}`);
      }
    }
    this.automationParameters = { ...props.parameters, AutomationAssumeRole: given ?? props.automationRoleArn };
    const input = automationInput(this.automationParameters);
    const tags = terraformStringMap(props.tags);

    this.eventPattern = fastPathEventPattern(props.trailName, props.trailArn, eventNames);
    this.trustPolicyDocument = fastPathTrustPolicy({
      accountId: props.accountId,
      ruleArn: eventRuleArn(props.partition, props.region, props.accountId, ruleName),
    });
    this.permissionsPolicyDocument = fastPathPermissionsPolicy({
      partition: props.partition,
      region: props.region,
      accountId: props.accountId,
      documentName: props.documentName,
      automationRoleArn: props.automationRoleArn,
    });

    this.rule = new CloudwatchEventRule(this, 'rule', {
      name: terraformString(ruleName),
      description: terraformString(`cloudtrail-guard: repair ${props.trailName} at once when its logging or settings are changed`),
      eventPattern: terraformString(JSON.stringify(this.eventPattern)),
      state: 'ENABLED',
      tags,
    });
    this.role = new IamRole(this, 'role', {
      name: terraformString(props.roleName ?? fastPathRoleName(props.region)),
      description: terraformString(`cloudtrail-guard: EventBridge starts the remediation runbook of ${props.trailName}`),
      path: props.rolePath ?? GUARD_ROLE_PATH,
      assumeRolePolicy: policyJson(this.trustPolicyDocument),
      tags,
    });
    this.rolePolicy = new IamRolePolicy(this, 'policy', {
      name: 'start-remediation-runbook',
      role: this.role.name,
      policy: policyJson(this.permissionsPolicyDocument),
      lifecycle: replacedWithRole(this.role),
    });
    this.target = new CloudwatchEventTarget(this, 'target', {
      rule: this.rule.name,
      targetId: 'remediation-runbook',
      arn: terraformString(automationDefinitionArn(props.partition, props.region, props.accountId, props.documentName, '$DEFAULT')),
      roleArn: this.role.arn,
      input: terraformString(input),
      dependsOn: [this.rolePolicy],
    });
  }
}
