/**
 * Runbook parameters as StartAutomationExecution takes them: every value is a list of strings (AWS Config sends
 * `StaticValue.Values`), converted by the parameter's declared type, then checked against `allowedValues` and
 * `allowedPattern`. https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_StartAutomationExecution.html
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html
 */
import type { AutomationDocument, ParameterDefinition, ParameterType } from './document';

/** A parameter value as the caller passes it: one string, or a list of strings (the API's own form). */
export type RawParameterValue = string | readonly string[];

/** A converted value: string, string list, boolean, integer, map or list of maps. */
export type TypedValue =
  | string
  | readonly string[]
  | boolean
  | number
  | Readonly<Record<string, unknown>>
  | ReadonlyArray<Record<string, unknown>>;

/**
 * Thrown when parameters are refused; the service refuses to start the execution (ValidationException).
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_StartAutomationExecution.html
 */
export class ParameterValidationError extends Error {
  /** One line per refused parameter. */
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(
      `the automation cannot start: ${problems.length} invalid parameter${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ParameterValidationError';
    this.problems = problems;
  }
}

const asList = (v: RawParameterValue): readonly string[] => (typeof v === 'string' ? [v] : v);

/**
 * Converts one parameter's raw strings to its declared type.
 * Boolean accepts exactly `true` / `false` (so `True` is refused, as the service refuses it); Integer accepts an
 * optional sign and digits; StringMap and MapList take one JSON (or YAML flow) string.
 * @returns the value, or a message saying why it is refused
 */
export function convertParameter(type: ParameterType, raw: RawParameterValue): { value?: TypedValue; error?: string } {
  const list = asList(raw);
  const one = (): string | undefined => (list.length === 1 ? list[0] : undefined);
  switch (type) {
    case 'String': {
      const s = one();
      return s === undefined ? { error: `a String takes exactly one value, got ${list.length}` } : { value: s };
    }
    case 'StringList':
      return { value: [...list] };
    case 'Boolean': {
      const s = one();
      if (s === 'true') return { value: true };
      if (s === 'false') return { value: false };
      return { error: `a Boolean is exactly "true" or "false", got ${JSON.stringify(list.length === 1 ? s : list)}` };
    }
    case 'Integer': {
      const s = one();
      if (s === undefined || !/^[+-]?\d+$/.test(s) || !Number.isSafeInteger(Number(s)))
        return { error: `an Integer is one whole number, got ${JSON.stringify(list)}` };
      return { value: Number(s) };
    }
    case 'StringMap':
    case 'MapList': {
      const s = one();
      try {
        const v = JSON.parse(s ?? '') as unknown;
        const ok =
          type === 'StringMap'
            ? v !== null && typeof v === 'object' && !Array.isArray(v)
            : Array.isArray(v) && v.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e));
        return ok
          ? { value: v as TypedValue }
          : { error: `a ${type} is one JSON ${type === 'StringMap' ? 'object' : 'array of objects'}` };
      } catch {
        return {
          error: `a ${type} is one JSON ${type === 'StringMap' ? 'object' : 'array of objects'}, got ${JSON.stringify(s)}`,
        };
      }
    }
    default:
      return { error: `unknown parameter type ${String(type)}` };
  }
}

/** True when `v` is a valid value of `type` as written in a document (a default or an allowed value). */
function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Checks a converted value against `allowedValues` (exact: same type and same text, so `"True"` ≠ `true`),
 * `allowedPattern` (every string; JavaScript RegExp, which agrees with the service's Java regexes on the patterns
 * used here), and the min/max items and chars.
 * @returns every problem, as text
 */
export function checkParameterValue(name: string, def: ParameterDefinition, value: TypedValue): string[] {
  const problems: string[] = [];
  const strings =
    typeof value === 'string'
      ? [value]
      : Array.isArray(value) && value.every((e) => typeof e === 'string')
        ? (value as string[])
        : [];
  if (def.allowedValues) {
    const elems = def.type === 'StringList' ? (value as readonly string[]) : [value];
    for (const e of elems) {
      if (!def.allowedValues.some((a) => sameValue(a, e))) {
        problems.push(
          `${name}: ${JSON.stringify(e)} is not one of the allowedValues ${JSON.stringify(def.allowedValues)}`,
        );
      }
    }
  }
  if (def.allowedPattern !== undefined) {
    let re: RegExp;
    try {
      re = new RegExp(def.allowedPattern);
    } catch (e) {
      return [
        ...problems,
        `${name}: allowedPattern ${JSON.stringify(def.allowedPattern)} is not a regular expression (${(e as Error).message})`,
      ];
    }
    for (const s of strings)
      if (!re.test(s))
        problems.push(`${name}: ${JSON.stringify(s)} does not match the allowedPattern ${def.allowedPattern}`);
  }
  if (Array.isArray(value)) {
    if (def.minItems !== undefined && value.length < def.minItems)
      problems.push(`${name}: at least ${def.minItems} items`);
    if (def.maxItems !== undefined && value.length > def.maxItems)
      problems.push(`${name}: at most ${def.maxItems} items`);
  }
  for (const s of strings) {
    if (def.minChars !== undefined && s.length < def.minChars)
      problems.push(`${name}: at least ${def.minChars} characters`);
    if (def.maxChars !== undefined && s.length > def.maxChars)
      problems.push(`${name}: at most ${def.maxChars} characters`);
  }
  return problems;
}

/**
 * Resolves the parameters of an execution: unknown names refused, missing required ones refused, defaults applied,
 * values converted by type and checked.
 * @returns parameter name → typed value
 * @throws ParameterValidationError listing every refused parameter
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html
 */
export function resolveParameters(
  doc: AutomationDocument,
  given: Readonly<Record<string, RawParameterValue>>,
): Record<string, TypedValue> {
  const defs = doc.parameters ?? {};
  const problems: string[] = [];
  const out: Record<string, TypedValue> = {};
  for (const name of Object.keys(given)) {
    if (!Object.prototype.hasOwnProperty.call(defs, name))
      problems.push(`${name}: the runbook has no such parameter (parameters: ${Object.keys(defs).join(', ')})`);
  }
  for (const [name, def] of Object.entries(defs)) {
    let value: TypedValue;
    if (Object.prototype.hasOwnProperty.call(given, name)) {
      const c = convertParameter(def.type, given[name]);
      if (c.error !== undefined) {
        problems.push(`${name} (${def.type}): ${c.error}`);
        continue;
      }
      value = c.value!;
    } else if (def.default !== undefined) {
      value = def.default as TypedValue;
    } else {
      problems.push(`${name}: required (the runbook gives it no default)`);
      continue;
    }
    problems.push(...checkParameterValue(name, def, value));
    out[name] = value;
  }
  if (problems.length) throw new ParameterValidationError(problems);
  return out;
}
