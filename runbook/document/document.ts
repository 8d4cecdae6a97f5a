/**
 * The shape of an SSM Automation document (schema version 0.3), its loader, and the renderer that inlines the
 * runbook's Python handler into its aws:executeScript step.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isMap, isScalar, parse, parseDocument, Scalar, YAMLSeq } from 'yaml';

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

/** The runbook/ folder, from this file (runbook/document/) and from the app bundle (dist/) alike. */
const RUNBOOK_DIR = existsSync(join(__dirname, '..', 'cloudtrail-remediation-action.yml'))
  ? resolve(__dirname, '..')
  : resolve(__dirname, '..', 'runbook');

/** The runbook template the stack deploys (its aws:executeScript Script is inlined by {@link renderRunbook}). */
export const RUNBOOK_PATH = join(RUNBOOK_DIR, 'cloudtrail-remediation-action.yml');

/** The handler that the runbook's RemediateTrail step runs. */
export const HANDLER_PATH = join(RUNBOOK_DIR, 'remediate_trail.py');

/** A Script value of the template that {@link renderRunbook} replaces by the named file's text (beside the template). */
export const INLINE_MARKER = /^@inline ([A-Za-z0-9_]+\.py)$/;

/**
 * The document content that is deployed: the template at `file` with every aws:executeScript `Script` of the form
 * `@inline <file>.py` replaced by that file's text (UTF-8, as a YAML literal block), comments and order kept.
 * @param file the template. @default {@link RUNBOOK_PATH}
 * @returns YAML text
 * @throws Error when the template or an inlined file cannot be read, or the template is not YAML
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeScript.html
 */
export function renderRunbook(file: string = RUNBOOK_PATH): string {
  const doc = parseDocument(readFileSync(file, 'utf8'), { uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
  const steps = doc.get('mainSteps');
  if (steps instanceof YAMLSeq) {
    for (const step of steps.items) {
      if (!isMap(step) || step.get('action') !== 'aws:executeScript') continue;
      const inputs = step.get('inputs');
      const script = isMap(inputs) ? inputs.get('Script', true) : undefined;
      const m = isScalar(script) && typeof script.value === 'string' ? INLINE_MARKER.exec(script.value) : null;
      if (!m || !isMap(inputs)) continue;
      const text = new Scalar(readFileSync(join(dirname(file), m[1]), 'utf8'));
      text.type = Scalar.BLOCK_LITERAL;
      inputs.set('Script', text);
    }
  }
  return doc.toString({ lineWidth: 0 });
}

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
 * Renders ({@link renderRunbook}) and parses a runbook.
 * @param file the template. @default {@link RUNBOOK_PATH}
 * @throws Error when a file is unreadable or the result is not a runbook
 */
export function loadRunbook(file: string = RUNBOOK_PATH): AutomationDocument {
  return parseRunbook(renderRunbook(file));
}

/** SSM accepts `true`/`false` and the strings `"true"`/`"false"` for isEnd and isCritical. */
export function flag(v: boolean | string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  return v === true || v === 'true';
}
