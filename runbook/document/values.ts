/**
 * Variable interpolation (`{{ Param }}`, `{{ Step.Output }}`, `{{ global:REGION }}`, `{{ automation:EXECUTION_ID }}`)
 * and step output selection (JSONPath via jsonpath-plus, then conversion to the output's Type).
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-outputs-inputs.html
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-variables.html
 */
import { JSONPath } from 'jsonpath-plus';
import type { ParameterType } from './document';

/** `{{ name }}` with optional spaces; names are parameters, `Step.Output`, or `global:X` / `automation:X`. */
export const REFERENCE = /\{\{\s*([A-Za-z0-9_.:-]+)\s*\}\}/g;

/** Thrown when a `{{ }}` reference names nothing that is set; the step that holds it fails. */
export class UnresolvedReferenceError extends Error {
  constructor(readonly reference: string) {
    super(`cannot resolve {{ ${reference} }}: no parameter, step output or global variable of that name is set`);
    this.name = 'UnresolvedReferenceError';
  }
}

/** Looks a reference up; `undefined` when it is not set. */
export type Lookup = (name: string) => unknown;

function render(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  return JSON.stringify(v);
}

/**
 * Interpolates every string in `value` (recursively through lists and maps). A string that is exactly one reference
 * takes the referenced value with its type (a Boolean stays a boolean, a StringList a list); references inside a
 * longer string are rendered as text.
 * @throws UnresolvedReferenceError when a reference is not set
 */
export function interpolate(value: unknown, lookup: Lookup): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{\s*([A-Za-z0-9_.:-]+)\s*\}\}$/.exec(value);
    if (whole) {
      const v = lookup(whole[1]);
      if (v === undefined) throw new UnresolvedReferenceError(whole[1]);
      return v;
    }
    return value.replace(REFERENCE, (_m, name: string) => {
      const v = lookup(name);
      if (v === undefined) throw new UnresolvedReferenceError(name);
      return render(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, lookup));
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, lookup)]));
  }
  return value;
}

/** Every reference named in `value` (recursively). */
export function referencesIn(value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') for (const m of v.matchAll(REFERENCE)) out.push(m[1]);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return out;
}

/** Makes SDK responses plain JSON data (Dates → ISO strings, `$metadata` dropped), as boto3 output is for SSM. */
export function plainResponse(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(plainResponse);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== '$metadata')
        .map(([k, x]) => [k, plainResponse(x)]),
    );
  }
  return v;
}

/**
 * Applies a Selector and converts the result to `type` with the service's documented conversions: String → StringList,
 * Integer, Boolean; Integer → String, StringList; Boolean → String, StringList; a one-element list → String, Integer,
 * Boolean.
 * @returns `{ value }`, `{ unset: true }` when the selector matches nothing (the output is not set), or `{ error }`
 *   when the value cannot be converted (the step fails)
 */
export function selectOutput(
  response: unknown,
  selector: string,
  type: ParameterType = 'String',
): { value?: unknown; unset?: boolean; error?: string } {
  let matches: unknown[];
  try {
    matches = JSONPath({ path: selector, json: response as object, wrap: true }) as unknown[];
  } catch (e) {
    return { error: `selector ${selector} is not valid JSONPath: ${(e as Error).message}` };
  }
  if (!matches || matches.length === 0) return { unset: true };
  const multi = /\[\*\]|\[\?|\.\*|\.\./.test(selector);
  const v: unknown = multi ? matches.flat() : matches[0];
  const fail = (what: string): { error: string } => ({
    error: `output of ${selector} (${JSON.stringify(v)}) cannot be converted to ${type}: ${what}`,
  });
  const scalar = (x: unknown): unknown => (Array.isArray(x) && x.length === 1 ? x[0] : x);
  switch (type) {
    case 'String': {
      const s = scalar(v);
      if (typeof s === 'string') return { value: s };
      if (typeof s === 'number' || typeof s === 'boolean') return { value: String(s) };
      return fail('not a string');
    }
    case 'Integer': {
      const s = scalar(v);
      if (typeof s === 'number' && Number.isInteger(s)) return { value: s };
      if (typeof s === 'string' && /^[+-]?\d+$/.test(s)) return { value: Number(s) };
      return fail('not an integer');
    }
    case 'Boolean': {
      const s = scalar(v);
      if (typeof s === 'boolean') return { value: s };
      if (s === 'true' || s === 'false') return { value: s === 'true' };
      return fail('not a boolean');
    }
    case 'StringList': {
      const list = Array.isArray(v) ? v : [v];
      if (list.every((e) => typeof e === 'string' || typeof e === 'number' || typeof e === 'boolean'))
        return { value: list.map(String) };
      return fail('not a list of strings');
    }
    case 'StringMap':
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return { value: v };
      return fail('not a map');
    case 'MapList': {
      const list = Array.isArray(v) ? v : [v];
      if (list.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e))) return { value: list };
      return fail('not a list of maps');
    }
    default:
      return fail('unknown type');
  }
}
