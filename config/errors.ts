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
  /**
   * The value exactly as the file writes it, when its rendering would otherwise differ from the text (`.Inf`, `.NaN`).
   * @default undefined (the value is rendered with {@link renderValue})
   */
  readonly written?: string;
}

/** The longest rendering of a value in a message, in characters, before it is cut (see {@link renderValue}). */
export const MAX_RENDERED_CHARS = 80;

/**
 * Characters a reader cannot see or that change how text around them is displayed: control characters (C0, DEL,
 * C1), format characters (zero-width space and joiners, bidirectional marks, embeddings, overrides and isolates, the
 * byte-order mark, the soft hyphen), Unicode's default-ignorable code points (variation selectors, Hangul fillers,
 * tag characters), line and paragraph separators, private-use and unassigned code points, lone surrogates, and U+FFFD
 * (what a decoder leaves for bytes that were not text).
 * @see https://www.unicode.org/reports/tr9/ (bidirectional controls)
 * @see https://www.unicode.org/reports/tr44/#Default_Ignorable_Code_Point
 */
export const INVISIBLE_CHARACTER =
  /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}\uFFFD]/u;
const INVISIBLE_GLOBAL = new RegExp(INVISIBLE_CHARACTER.source, 'gu');

/** Names of the invisible characters an author is most likely to meet (pasted from a web page or a chat). */
const CHARACTER_NAMES: Readonly<Record<number, string>> = {
  0x00: 'NULL',
  0x09: 'CHARACTER TABULATION',
  0x0a: 'LINE FEED',
  0x0d: 'CARRIAGE RETURN',
  0x7f: 'DELETE',
  0x85: 'NEXT LINE',
  0xa0: 'NO-BREAK SPACE',
  0xad: 'SOFT HYPHEN',
  0x34f: 'COMBINING GRAPHEME JOINER',
  0x61c: 'ARABIC LETTER MARK',
  0x115f: 'HANGUL CHOSEONG FILLER',
  0x1160: 'HANGUL JUNGSEONG FILLER',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2061: 'FUNCTION APPLICATION',
  0x2062: 'INVISIBLE TIMES',
  0x2063: 'INVISIBLE SEPARATOR',
  0x2064: 'INVISIBLE PLUS',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0x3164: 'HANGUL FILLER',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE (byte-order mark)',
  0xffa0: 'HALFWIDTH HANGUL FILLER',
  0xfffd: 'REPLACEMENT CHARACTER (bytes that were not UTF-8)',
};

/** `U+200B ZERO WIDTH SPACE` (or just `U+E0001` when the name is not in the short list above). Never throws. */
export function describeCharacter(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  const name = CHARACTER_NAMES[cp];
  return name ? `U+${hex} ${name}` : `U+${hex}`;
}

/**
 * The first invisible character of `s` (see {@link INVISIBLE_CHARACTER}) and its 0-based index in code points, or
 * undefined when there is none. Never throws.
 */
export function firstInvisible(s: string): { readonly character: string; readonly index: number } | undefined {
  let index = 0;
  for (const ch of s) {
    if (INVISIBLE_CHARACTER.test(ch)) return { character: ch, index };
    index++;
  }
  return undefined;
}

/** `\u200b` for a BMP code point, `\u{e0001}` above it. */
function escapeCodePoint(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/**
 * `s` JSON-quoted, with every invisible character (see {@link INVISIBLE_CHARACTER}) escaped as `\uXXXX`, so that the
 * text in a message is exactly what a reader can retype. Never throws.
 */
export function quote(s: string): string {
  // JSON.stringify escapes C0 controls, `"` and `\`, and lone surrogates; the rest of the invisible set is escaped here.
  return JSON.stringify(s).replace(INVISIBLE_GLOBAL, escapeCodePoint);
}

/** Cuts `s` to at most `max` code points (never inside a surrogate pair). */
function cut(s: string, max: number): string {
  return [...s].slice(0, max).join('');
}

/** How a non-finite number is written in YAML 1.2 (core schema): `.inf`, `-.inf`, `.nan`. */
function yamlNumber(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  return Object.is(n, -0) ? '-0' : String(n);
}

/** A compact JSON-like rendering: strings via {@link quote}, non-finite numbers as YAML writes them, cycles marked. */
function compact(value: unknown, seen: Set<object>): string {
  if (value === undefined) return '(missing)';
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return yamlNumber(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value !== 'object') return quote(String(value));
  if (seen.has(value)) return '(a cycle)';
  seen.add(value);
  try {
    if (Array.isArray(value)) return `[${value.map((v) => compact(v, seen)).join(',')}]`;
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
      return quote(Object.prototype.toString.call(value));
    }
    return `{${Object.entries(value)
      .map(([k, v]) => `${quote(k)}:${compact(v, seen)}`)
      .join(',')}}`;
  } finally {
    seen.delete(value);
  }
}

/**
 * Renders a value for an error message, on one line and at most about {@link MAX_RENDERED_CHARS} characters:
 * - missing values as `(missing)`;
 * - strings JSON-quoted, every invisible character escaped (`"a\u200bb"`); a string over 64 characters is cut to its
 *   first 48 and shown with an ellipsis and its length: `"aaaa…" (1048576 characters)`;
 * - numbers as JSON, except `.inf`, `-.inf` and `.nan` (YAML's words for them; JSON has none);
 * - lists and mappings as compact JSON of the same kind, cut to {@link MAX_RENDERED_CHARS} with an ellipsis and the
 *   full length: `{"a":…} (1234 characters)`.
 * Never throws (cyclic values, from recursive YAML aliases, are marked `(a cycle)`).
 */
export function renderValue(value: unknown): string {
  if (typeof value === 'string') {
    const length = [...value].length;
    return length > 64 ? `${quote(cut(value, 48)).slice(0, -1)}…" (${length} characters)` : quote(value);
  }
  const s = compact(value, new Set());
  return s.length > MAX_RENDERED_CHARS ? `${s.slice(0, MAX_RENDERED_CHARS - 8)}… (${s.length} characters)` : s;
}

/** A file name for a message: invisible characters (a newline, say) escaped so that the message stays on one line. */
function renderFile(file: string): string {
  return INVISIBLE_CHARACTER.test(file) ? file.replace(INVISIBLE_GLOBAL, escapeCodePoint) : file;
}

/** `file:line:col` (`file` alone when the problem has no line). */
function location(p: ConfigProblem): string {
  const file = renderFile(p.file);
  return p.line !== undefined ? `${file}:${p.line}:${p.column ?? 1}` : file;
}

/**
 * Formats one problem as `file:line:col: path: value: rule` (`file: path: value: rule` when `line` is unset), on one
 * line: the value as {@link renderValue} renders it (or as written, see {@link ConfigProblem.written}).
 */
export function formatProblem(p: ConfigProblem): string {
  return `${location(p)}: ${p.path}: ${p.written ?? renderValue(p.value)}: ${p.rule}`;
}

/**
 * Formats a warning (a setting that has no effect, where an error would refuse a legitimate file) as
 * `file:line:col: warning: path: value: rule`, the form compilers use, so that editors and CI annotate it.
 */
export function formatWarning(p: ConfigProblem): string {
  return `${location(p)}: warning: ${p.path}: ${p.written ?? renderValue(p.value)}: ${p.rule}`;
}

/**
 * Thrown when a configuration file is missing, unreadable, not YAML, or breaks the schema or a cross-field rule.
 * `message` lists every problem, one per line.
 */
export class ConfigError extends Error {
  /** Every problem found, in file order (at least one when thrown by the loaders). */
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const count = problems.length;
    super(
      `${count} configuration problem${count === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Converts a path of keys and indices into JSONPath: `['accounts', 0, 'trail']` → `$.accounts[0].trail`. A key that is
 * not an identifier is quoted (`$.tags["cost center"]`), with invisible characters escaped and a key over 64
 * characters cut (as {@link renderValue} cuts strings), so a path is always one short line. Never throws.
 */
export function toJsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (typeof k === 'string' && /^[A-Za-z_$][\w$]*$/.test(k) && k.length <= 64) out += `.${k}`;
    else out += `[${renderValue(String(k))}]`;
  }
  return out;
}
