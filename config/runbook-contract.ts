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
    trailTags: account.tags,
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
    for (const v of values) {
      if (v.length > MAX_PARAMETER_VALUE_CHARS) {
        messages.push(`at most ${MAX_PARAMETER_VALUE_CHARS} characters as a runbook parameter value (${v.length})`);
      }
    }
    if (values.length > MAX_PARAMETER_VALUES) {
      messages.push(`at most ${MAX_PARAMETER_VALUES} values in a runbook parameter (${values.length})`);
    }
    for (const m of messages) out.push({ field, parameter: name, value: shown, rule: `accepted by the runbook parameter ${name}: ${m}` });
  }
  return out;
}
