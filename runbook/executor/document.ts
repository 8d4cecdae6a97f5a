/**
 * The shape of an SSM Automation document (schema version 0.3), as far as this executor runs it, and its loader.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

/** Runbook parameter and output types. */
export type ParameterType = 'String' | 'StringList' | 'Boolean' | 'Integer' | 'MapList' | 'StringMap';

/** All parameter types, in the service's own spelling. */
export const PARAMETER_TYPES: readonly ParameterType[] = [
  'String',
  'StringList',
  'Boolean',
  'Integer',
  'MapList',
  'StringMap',
];

/**
 * One entry of `parameters:`.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html
 */
export interface ParameterDefinition {
  readonly type: ParameterType;
  readonly description?: string;
  /** Used when the caller does not pass the parameter; without it the parameter is required. */
  readonly default?: unknown;
  readonly allowedValues?: readonly unknown[];
  /** A regular expression every String (or StringList element) must match. */
  readonly allowedPattern?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minChars?: number;
  readonly maxChars?: number;
}

/** One entry of a step's `outputs:`. */
export interface StepOutputDefinition {
  readonly Name: string;
  /** JSONPath into the API response. */
  readonly Selector: string;
  /** @default 'String' */
  readonly Type?: ParameterType;
}

/**
 * One step of `mainSteps:`.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html
 */
export interface StepDefinition {
  readonly name: string;
  readonly action: string;
  readonly description?: string;
  readonly inputs: Record<string, unknown>;
  readonly outputs?: readonly StepOutputDefinition[];
  /** `Abort` (default), `Continue`, or `step:<name>`. */
  readonly onFailure?: string;
  /** Step to run after this one succeeds. @default the next step in `mainSteps` */
  readonly nextStep?: string;
  /** @default false */
  readonly isEnd?: boolean | string;
  /** A failed critical step makes the execution Failed. @default true */
  readonly isCritical?: boolean | string;
  /** @default 1 */
  readonly maxAttempts?: number;
  readonly timeoutSeconds?: number | string;
}

/**
 * An Automation document (runbook), schemaVersion 0.3.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html
 */
export interface AutomationDocument {
  readonly schemaVersion: string;
  readonly description?: string;
  readonly assumeRole?: string;
  readonly parameters?: Record<string, ParameterDefinition>;
  readonly mainSteps: readonly StepDefinition[];
  /** `Step.Output` references. */
  readonly outputs?: readonly string[];
}

/** The runbook the stack deploys, relative to the repository root. */
export const RUNBOOK_PATH = resolve(__dirname, '..', 'cloudtrail-remediation-action.yml');

/**
 * Parses a runbook's YAML (or JSON) text.
 * @throws Error when the text is not YAML or lacks `schemaVersion` / `mainSteps`
 */
export function parseRunbook(text: string): AutomationDocument {
  const doc = parse(text, { uniqueKeys: true }) as unknown;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('a runbook is a YAML mapping');
  const d = doc as Partial<AutomationDocument>;
  if (typeof d.schemaVersion !== 'string') throw new Error('a runbook has schemaVersion (a string such as "0.3")');
  if (!Array.isArray(d.mainSteps) || d.mainSteps.length === 0)
    throw new Error('a runbook has at least one step in mainSteps');
  return d as AutomationDocument;
}

/**
 * Reads and parses a runbook file.
 * @param file path of the YAML file. @default {@link RUNBOOK_PATH}
 * @throws Error when the file is unreadable or not a runbook
 */
export function loadRunbook(file: string = RUNBOOK_PATH): AutomationDocument {
  return parseRunbook(readFileSync(file, 'utf8'));
}

/** SSM accepts `true`/`false` and the strings `"true"`/`"false"` for isEnd and isCritical. */
export function flag(v: boolean | string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  return v === true || v === 'true';
}
