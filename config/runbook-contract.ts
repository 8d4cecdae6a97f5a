/**
 * The runbook is a contract: every value that the remediation configuration and the fast path send to it must be
 * accepted by the runbook parameter's type, allowedValues and allowedPattern (FC-11), and fit the 512 characters that
 * SSM Automation and EventBridge allow a parameter value. This checks the values that come from the configuration at
 * load time, so a bad one is a configuration error naming its field, not a remediation that can never start.
 *
 * The values are those of `trailRemediationParameters` (modules/remediation-configuration.ts), the one function that
 * builds them; values that Terraform computes (role and key ARNs of resources it creates) are checked by the tests.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html
 */
import { readFileSync } from 'node:fs';
import { trailRemediationParameters } from '../modules/remediation-configuration';
import { type AutomationDocument, parseRunbook, RUNBOOK_PATH } from '../runbook/document/document';
import { checkParameterValue, convertParameter } from '../runbook/document/parameters';
import type { AccountConfig } from './types';

/**
 * The most characters SSM Automation takes in one parameter value (StartAutomationExecution).
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_StartAutomationExecution.html
 */
export const MAX_PARAMETER_VALUE_CHARS = 512;

/**
 * The most values SSM Automation takes in one parameter (StartAutomationExecution: "Maximum number of 100 items").
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_StartAutomationExecution.html
 */
export const MAX_PARAMETER_VALUES = 100;

/**
 * What AWS Config takes in one remediation parameter's static values (RemediationParameterValue.StaticValue.Values:
 * 0 to 25 items, each 1 to 256 characters; the AWS Config API model as botocore ships it, `StaticValue`), tighter than
 * SSM's own limits.
 * @see https://docs.aws.amazon.com/config/latest/APIReference/API_StaticValue.html
 */
export const CONFIG_STATIC_VALUE_LIMITS = { maxValues: 25, maxChars: 256 } as const;

/** Which configuration field each config-derived runbook parameter comes from (relative to the account). */
const FIELD_OF: Readonly<Record<string, readonly string[]>> = {
  TrailName: ['trail', 'name'],
  S3BucketName: ['logBucket', 'name'],
  S3KeyPrefix: ['logBucket', 's3KeyPrefix'],
  KmsKeyId: ['kmsKey', 'existingKeyArn'],
  SnsTopicARN: ['trail', 'snsTopicName'],
  CloudWatchLogsLogGroupArn: ['trail', 'cloudWatchLogs', 'logGroupName'],
  IsOrganizationTrail: ['trail', 'isOrganizationTrail'],
  TrailTags: ['tags'],
};

/** Stand-ins for values Terraform computes; they are not checked here. */
const COMPUTED = '${computed}';

let cached: AutomationDocument | undefined;

/**
 * The runbook's declarations (runbook/cloudtrail-remediation-action.yml: its parameters are all the contract needs,
 * so the handler is not inlined here), parsed once and cached.
 * @throws Error when the file cannot be read or is not a runbook (from `parseRunbook`).
 */
export function deployedRunbook(): AutomationDocument {
  cached ??= parseRunbook(readFileSync(RUNBOOK_PATH, 'utf8'));
  return cached;
}

/** One value the runbook would refuse. */
export interface RunbookValueProblem {
  /** Path of the field inside the account entry, e.g. `['logBucket', 'name']`. */
  readonly field: readonly string[];
  /** The runbook parameter name, e.g. `S3BucketName`. */
  readonly parameter: string;
  /** The value that would be sent (as the remediation configuration's static value). */
  readonly value: string;
  /** What the runbook accepts, in words. */
  readonly rule: string;
}

/**
 * The config-derived runbook parameter values of one account that the runbook would refuse (type, allowedValues,
 * allowedPattern, or more than {@link MAX_PARAMETER_VALUE_CHARS} characters).
 * @returns one entry per refused value; empty when all are accepted
 * @throws Error when the deployed runbook cannot be read ({@link deployedRunbook}), or from
 *   `trailRemediationParameters` (a `kmsKey.existingKeyArn` that is an alias).
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html
 */
export function runbookValueProblems(account: AccountConfig): RunbookValueProblem[] {
  const doc = deployedRunbook();
  const params = trailRemediationParameters(account, account.kmsKey.existingKeyArn ?? COMPUTED, COMPUTED, {
    cloudWatchLogsRoleArn: COMPUTED,
    // What the stack sends (stacks/account-stack.ts standardTags): the account's tags and the three guard tags (the
    // estate name, at most 32 characters, stands in at its longest).
    trailTags: {
      ...account.tags,
      'cloudtrail-guard:estate': 'e'.repeat(32),
      'cloudtrail-guard:stack': account.stackName,
      'cloudtrail-guard:managed-by': 'cloudtrail-guard',
    },
  });
  const out: RunbookValueProblem[] = [];
  for (const [name, p] of Object.entries(params)) {
    const field = FIELD_OF[name];
    if (!field || 'resourceValue' in p) continue;
    const values = 'staticValues' in p ? [...p.staticValues] : [p.staticValue];
    if (values.includes(COMPUTED)) continue;
    const shown = values.length === 1 ? values[0] : JSON.stringify(values);
    const def = doc.parameters?.[name];
    if (!def) {
      out.push({ field, parameter: name, value: shown, rule: `the runbook has no parameter ${name}` });
      continue;
    }
    const converted = convertParameter(def.type, values.length === 1 && def.type !== 'StringList' ? values[0] : values);
    const messages = converted.error
      ? [converted.error]
      : checkParameterValue(name, def, converted.value!).map((m) => m.replace(/^\w+: /, ''));
    const maxChars = Math.min(MAX_PARAMETER_VALUE_CHARS, CONFIG_STATIC_VALUE_LIMITS.maxChars);
    const maxValues = Math.min(MAX_PARAMETER_VALUES, CONFIG_STATIC_VALUE_LIMITS.maxValues);
    for (const v of values) {
      if (v.length > maxChars) {
        messages.push(`at most ${maxChars} characters in a remediation parameter value (AWS Config StaticValue), got ${v.length}`);
      }
    }
    if (values.length > maxValues) {
      messages.push(`at most ${maxValues} values in a remediation parameter (AWS Config StaticValue), got ${values.length}`);
    }
    for (const m of messages) out.push({ field, parameter: name, value: shown, rule: `accepted by the runbook parameter ${name}: ${m}` });
  }
  return out;
}
