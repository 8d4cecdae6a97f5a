/**
 * `{{ }}` references of a runbook: `{{ Param }}`, `{{ Step.Output }}`, `{{ global:REGION }}`,
 * `{{ automation:EXECUTION_ID }}`.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-variables.html
 */

/** `{{ name }}` with optional spaces; names are parameters, `Step.Output`, or `global:X` / `automation:X`. */
export const REFERENCE = /\{\{\s*([A-Za-z0-9_.:-]+)\s*\}\}/g;

/** Every reference named in `value` (recursively through lists and maps). */
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
