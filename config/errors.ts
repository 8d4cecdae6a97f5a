/**
 * The one error type for configuration problems.
 *
 * Every problem names the file, a JSON path into the file (`$.accounts[0].homeRegion`), the offending value and the
 * rule it broke. Loaders collect every problem and throw them together, never just the first.
 */

/** One broken rule in a configuration file. */
export interface ConfigProblem {
  /** Path of the configuration file, as given by the caller. */
  readonly file: string;
  /** JSONPath of the offending field, e.g. `$.accounts[1].logBucket.name`; `$` for the whole document. */
  readonly path: string;
  /** The offending value (`undefined` when the field is missing). */
  readonly value: unknown;
  /** What is allowed, in words, e.g. `12 digits` or `one of One_Hour, Three_Hours`. */
  readonly rule: string;
  /**
   * 1-based line in the file, when the parser could locate the field.
   * @default undefined (not located; the message then names the file only)
   */
  readonly line?: number;
  /**
   * 1-based column in the file.
   * @default undefined (rendered as column 1 when `line` is set)
   */
  readonly column?: number;
}

/**
 * Renders a value for an error message: strings JSON-quoted (any length), missing values as `(missing)`, other values
 * as JSON cut to 80 characters (`...` at the end), or `String(value)` when JSON cannot represent them. Never throws.
 */
export function renderValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}

/** Formats one problem as `file:line:col: path: value: rule` (`file: path: value: rule` when `line` is unset). */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  return `${where}: ${p.path}: ${renderValue(p.value)}: ${p.rule}`;
}

/**
 * Thrown when a configuration file is missing, unreadable, not YAML, or breaks the schema or a cross-field rule.
 * `message` lists every problem, one per line.
 */
export class ConfigError extends Error {
  /** Every problem found, in the order found (at least one when thrown by the loaders). */
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const count = problems.length;
    super(
      `${count} configuration problem${count === 1 ? '' : 's'}:\n` + problems.map((p) => `  - ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Converts a path of keys and indices into JSONPath: `['accounts', 0, 'trail']` → `$.accounts[0].trail`. */
export function toJsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (typeof k === 'string' && /^[A-Za-z_$][\w$]*$/.test(k)) out += `.${k}`;
    else out += `[${JSON.stringify(String(k))}]`;
  }
  return out;
}
