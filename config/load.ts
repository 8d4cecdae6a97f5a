/**
 * Loads, validates and normalises a configuration file. Reading refuses what is not a small UTF-8 text file
 * (source.ts); parsing uses the `yaml` library set up so that no tag, directive or key can change what the file says
 * (yaml-source.ts); validation uses the zod schema in `schema.ts`, then cross-field rules (rules.ts). Every problem,
 * per-field and cross-field alike, is collected in one pass and thrown together as one ConfigError, in file order.
 */
import { Token } from 'cdktf';
import { isScalar } from 'yaml';
import {
  ConfigError,
  describeCharacter,
  firstInvisible,
  formatWarning,
  type ConfigProblem,
  toJsonPath,
} from './errors';
import { checkCrossField, normaliseConfig, type LoadContext } from './rules';
import { GuardConfigInput } from './schema';
import { firstNonUtf8Byte, foreignEncoding, readConfigBytes, SourceError } from './source';
import type { GuardConfig } from './types';
import { isPrefix, normaliseText, parseYamlSource, type Path, type YamlSource } from './yaml-source';

export { MAX_CONFIG_TAGS } from './schema';
export { MAX_CONFIG_BYTES } from './source';

/** Options of {@link loadConfig} and {@link parseConfig}. */
export interface LoadOptions {
  /**
   * The output folder of the synth (`cdktf.out`, or what `cdktf synth --output` sets), resolved against `cwd`: a local
   * state folder inside it is refused (the stale-stack cleanup and a fresh synth may remove it).
   * @default process.env.CDKTF_OUTDIR, else 'cdktf.out'
   */
  readonly outdir?: string;
  /**
   * The folder relative paths (`state.directory`, `outdir`) are resolved against, as the backend resolves them.
   * @default process.cwd()
   */
  readonly cwd?: string;
  /**
   * Called with each warning: a setting that has no effect, where an error would refuse a legitimate file (a default
   * that no account uses). Called before the ConfigError is thrown, when there is one.
   * @default prints the warning to stderr as `file:line:col: warning: $.path: value: rule` ({@link formatWarning})
   */
  readonly onWarning?: (warning: ConfigProblem) => void;
}

/**
 * Reads and validates a configuration file.
 *
 * @param file path of a YAML file (see `schema/cloudtrail-guard.schema.json` and the README's config reference): a
 *   regular file of at most 1 MiB, UTF-8 (a byte-order mark is allowed), YAML 1.2
 * @param options see {@link LoadOptions}
 * @returns the normalised configuration
 * @throws ConfigError listing every problem: a missing or unreadable file, a FIFO, device, socket or directory, a file
 *   over 1 MiB, UTF-16 or UTF-32 text, bytes that are not UTF-8, invalid YAML, YAML tags and directives that would
 *   change the file's meaning, duplicate keys, an empty document, invisible characters, schema violations and
 *   cross-field violations, each with file, JSONPath, value, rule and (where the file has one) line and column.
 */
export function loadConfig(file: string, options: LoadOptions = {}): GuardConfig {
  let bytes: Buffer;
  try {
    bytes = readConfigBytes(file);
  } catch (e) {
    const rule =
      e instanceof SourceError
        ? e.rule
        : `a file that can be read (${String((e as Error)?.message ?? e).split('\n')[0]})`;
    const shown = e instanceof SourceError ? e.shown : undefined;
    throw new ConfigError([{ file, path: '$', value: undefined, rule, ...(shown ? { written: shown } : {}) }]);
  }
  const foreign = foreignEncoding(bytes);
  if (foreign) {
    throw new ConfigError([
      {
        file,
        path: '$',
        value: undefined,
        written: `${foreign.encoding}${foreign.bom ? ' (byte-order mark)' : ''}`,
        rule: `UTF-8 text: this file is ${foreign.encoding}; save it as UTF-8 (YAML allows UTF-16 and UTF-32, but this product reads UTF-8 only)`,
        line: 1,
        column: 1,
      },
    ]);
  }
  const bad = firstNonUtf8Byte(bytes);
  if (bad >= 0) {
    let problem: ConfigProblem;
    try {
      problem = notUtf8Problem(file, bytes, bad);
    } catch {
      problem = {
        file,
        path: '$',
        value: undefined,
        rule: 'UTF-8 text: the file has bytes that are not UTF-8; save it as UTF-8',
      };
    }
    throw new ConfigError([problem]);
  }
  return parseConfig(bytes.toString('utf8'), file, options);
}

/** The one problem for a file with bytes that are not UTF-8: where the first one is, and in which field. */
function notUtf8Problem(file: string, bytes: Buffer, offset: number): ConfigProblem {
  let count = 0;
  for (let at = offset; at >= 0;) {
    count++;
    const next = firstNonUtf8Byte(bytes.subarray(at + 1));
    at = next < 0 ? -1 : at + 1 + next;
  }
  const before = normaliseText(bytes.subarray(0, offset).toString('utf8'));
  const line = before.split('\n').length;
  const column = [...before.slice(before.lastIndexOf('\n') + 1)].length + 1;
  // Where it is: the field at that offset, in the text as a decoder that replaces bad bytes reads it.
  const src = parseYamlSource(bytes.toString('utf8'));
  const path = src.syntaxErrors.length ? [] : src.pathAt(before.length);
  const value = path.length ? getIn(src.raw, path) : undefined;
  const byte = bytes[offset].toString(16).toUpperCase().padStart(2, '0');
  return {
    file,
    path: toJsonPath(path),
    value: typeof value === 'object' ? undefined : value,
    rule: `UTF-8 text: byte 0x${byte} is not UTF-8 (${count} such byte${count === 1 ? '' : 's'} in the file; Latin-1 or Windows-1252 text?); save the file as UTF-8`,
    line,
    column,
  };
}

/** The value at `path` in a plain JS value, or undefined. Never throws. */
export function getIn(value: unknown, path: Path): unknown {
  let v: unknown = value;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(v, k)) return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

/** What YAML made of a value, in the words an author would use. */
function yamlKind(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

/** The rule for a value of the wrong type, phrased as the fix (zod says only "expected string, received number"). */
function typeRule(expected: string, value: unknown, path: Path, source?: string): string {
  const got = yamlKind(value);
  const key = path[path.length - 1];
  if (expected === 'string' && value === null && source === '') {
    return 'a string; the value is empty, which YAML reads as null (write the value, or leave the key out)';
  }
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean' || value === null)) {
    // Quote what was written (011111111111, .inf, ~), not what YAML made of it (11111111111, Infinity, null).
    const quoted = JSON.stringify(source ?? String(value));
    if (key === 'accountId' || key === 'managementAccountId') {
      return `an AWS account ID is exactly 12 digits, as a quoted string: quote it (${quoted}); unquoted, YAML reads it as ${got}${typeof value === 'number' ? ' and drops leading zeros' : ''}`;
    }
    return `a string: quote it (${quoted}); unquoted, YAML reads it as ${got}`;
  }
  if ((expected === 'number' || expected === 'int') && typeof value === 'string')
    return `a number, written without quotes (YAML reads "${value}" as a string)`;
  if ((expected === 'int' || expected === 'number') && typeof value === 'number' && !Number.isFinite(value)) {
    return `a finite whole number, not ${source ?? String(value)} (YAML's word for ${Number.isNaN(value) ? 'not-a-number' : 'infinity'})`;
  }
  if (expected === 'int') return `a whole number, not ${got}`;
  if (
    expected === 'boolean' &&
    typeof value === 'string' &&
    /^(yes|no|on|off|y|n|True|False|TRUE|FALSE)$/.test(value)
  ) {
    return `true or false, without quotes: YAML 1.2 reads ${value} as a string, not a boolean`;
  }
  if (expected === 'boolean') return `true or false, without quotes, not ${got}`;
  if (expected === 'record' || expected === 'object') return `a mapping (key: value lines), not ${got}`;
  if (expected === 'array') return `a list (lines starting with "- "), not ${got}`;
  return `${expected}, not ${got}`;
}

/** Zod schema internals this file walks (zod 4 `_zod.def`). */
interface SchemaDef {
  readonly type: string;
  readonly shape?: Record<string, { _zod: { def: SchemaDef } }>;
  readonly innerType?: { _zod: { def: SchemaDef } };
  readonly element?: { _zod: { def: SchemaDef } };
  readonly options?: ReadonlyArray<{ _zod: { def: SchemaDef } }>;
  readonly discriminator?: string;
  readonly values?: readonly unknown[];
}

/** The keys a strict object in the schema allows at `path` (used to suggest a fix for an unknown key). */
function allowedKeysAt(schema: { _zod: { def: SchemaDef } }, path: Path, raw: unknown): string[] {
  const unwrap = (def: SchemaDef | undefined, at: Path): SchemaDef | undefined => {
    while (def) {
      if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') def = def.innerType?._zod.def;
      else if (def.type === 'union' && def.discriminator && def.options) {
        // A discriminated union: the option whose discriminator literal is the value written in the file.
        const key = def.discriminator;
        const tag = getIn(raw, [...at, key]);
        def = def.options.map((o) => o._zod.def).find((o) => o.shape?.[key]?._zod.def.values?.includes(tag));
      } else return def;
    }
    return undefined;
  };
  let def = unwrap(schema._zod.def, []);
  for (let i = 0; def && i < path.length; i++) {
    const next: SchemaDef | undefined =
      def.type === 'object'
        ? def.shape?.[String(path[i])]?._zod.def
        : def.type === 'array'
          ? def.element?._zod.def
          : undefined;
    def = unwrap(next, path.slice(0, i + 1));
  }
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** Keys that the file format once had, or that other tools use, with what to do instead. */
const KEY_HINTS: ReadonlyArray<{ readonly match: (path: Path) => boolean; readonly hint: string }> = [
  {
    match: (p) => p[p.length - 1] === '<<',
    hint: 'YAML merge keys (<<) are not supported (YAML 1.2 has none): write the keys out, or put shared settings in defaults:',
  },
  {
    match: (p) => p.length === 2 && p[0] === 'state' && p[1] === 'tags',
    hint: 'state.tags was removed: the cloud block can carry workspace tags only instead of a workspace name, so the tags were never applied; tag the workspaces as docs/hcp-terraform.md ("Tags") says',
  },
  {
    match: (p) => p[p.length - 1] === '__proto__',
    hint: '__proto__ is never a setting (a JavaScript object would take it for its prototype)',
  },
  {
    match: (p) => p.length === 3 && p[0] === 'organization' && p[1] === 'tamperProtection' && p[2] === 'exemptRoleArns',
    hint: 'organization.tamperProtection.exemptRoleArns was replaced by deploymentRolePatterns and breakGlassRolePatterns: the SCP exempts roles by pattern, so that its size no longer grows with the accounts (docs/security.md, "The tamper-prevention SCP")',
  },
];

/** "unknown key" plus a suggestion: the allowed key that differs only in case, or at most two edits. */
function unknownKeyRule(path: Path, allowed: readonly string[]): string {
  const key = String(path[path.length - 1]);
  const near =
    allowed.find((a) => a.toLowerCase() === key.toLowerCase()) ?? allowed.find((a) => editDistance(a, key) <= 2);
  const list = allowed.length ? `; allowed here: ${allowed.join(', ')}` : '';
  const hint = KEY_HINTS.find((h) => h.match(path));
  if (hint) return `unknown key: ${hint.hint}${list}`;
  return near ? `unknown key; did you mean ${near}?${list}` : `unknown key${list}`;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || b.length > 200) return 3;
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

/** A problem as the checks produce it: a path, before it is located and rendered. */
interface Found {
  readonly path: Path;
  readonly rule: string;
  /** Defaults to the value at `path`. */
  readonly value?: unknown;
  readonly hasValue: boolean;
  /** Point at the key rather than the value (unknown keys). */
  readonly atKey?: boolean;
  /** False: the value at `path` is still checked (see YamlProblem.masks). @default true */
  readonly masks?: boolean;
  readonly written?: string;
  readonly position?: { readonly line: number; readonly column: number };
}

/**
 * Every string (keys and values) of `raw` with an invisible character, and every `__proto__` key: one problem each, at
 * its path.
 */
function invisibleProblems(raw: unknown): Found[] {
  const out: Found[] = [];
  const ancestors = new Set<object>();
  const visit = (v: unknown, path: Path): void => {
    if (typeof v === 'string') {
      const hit = firstInvisible(v);
      if (hit) {
        out.push({
          path,
          hasValue: false,
          rule: `no invisible or control characters: ${describeCharacter(hit.character)} at character ${hit.index + 1} (pasted text often carries them); retype the value`,
        });
      }
      return;
    }
    if (!v || typeof v !== 'object' || ancestors.has(v)) return;
    ancestors.add(v);
    if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...path, i]));
    else {
      for (const [k, x] of Object.entries(v)) {
        const hit = firstInvisible(k);
        if (k === '__proto__') {
          // zod drops a __proto__ key of a record (tags) without a word; it is never a setting, nor a tag key.
          out.push({ path: [...path, k], hasValue: false, atKey: true, rule: `unknown key: ${KEY_HINTS[2].hint}` });
        } else if (hit) {
          out.push({
            path: [...path, k],
            value: k,
            hasValue: true,
            atKey: true,
            rule: `a key without invisible or control characters: ${describeCharacter(hit.character)} at character ${hit.index + 1}; retype the key`,
          });
        } else visit(x, [...path, k]);
      }
    }
    ancestors.delete(v);
  };
  visit(raw, []);
  return out;
}

/** Zod's issues, as problems phrased as fixes; issues at or under a path in `masked` are left out (already reported). */
function schemaProblems(raw: unknown, src: YamlSource, masked: readonly Path[]): Found[] {
  const parsed = GuardConfigInput.safeParse(raw);
  if (parsed.success) return [];
  const out: Found[] = [];
  const covered = (p: Path): boolean => masked.some((m) => isPrefix(m, p));
  for (const issue of parsed.error.issues) {
    const path = issue.path as Array<string | number>;
    const value = getIn(raw, path);
    // What the file writes for a scalar (an alias's `source` is its anchor's name, not a value).
    const node = src.doc.getIn(path, true);
    const source = isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
    const written = typeof value === 'number' && !Number.isFinite(value) ? source : undefined;
    const add = (f: Omit<Found, 'hasValue'> & { hasValue?: boolean }): void => {
      if (!covered(f.path)) out.push({ hasValue: false, ...f, ...(written && f.path === path ? { written } : {}) });
    };
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeysAt(GuardConfigInput, path, raw);
      for (const key of issue.keys)
        add({ path: [...path, key], atKey: true, rule: unknownKeyRule([...path, key], allowed) });
    } else if (issue.code === 'invalid_value' && 'values' in issue) {
      const values = issue.values as unknown[];
      if (values.length && value !== undefined && typeof value !== typeof values[0] && issue.path.length) {
        add({
          path,
          rule: `${typeRule(typeof values[0], value, path, source)}; ${issue.message.startsWith('Invalid') ? `one of ${values.join(', ')}` : issue.message}`,
        });
      } else {
        add({
          path,
          rule: issue.message.startsWith('Invalid')
            ? `one of ${values.map((v) => String(v)).join(', ')}`
            : issue.message,
        });
      }
    } else if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
      // A discriminated union (state.backend): zod says "Invalid discriminator value"; say what is allowed.
      add({ path, rule: `one of ${(issue.options as unknown[]).map((v) => String(v)).join(', ')}` });
    } else if (issue.code === 'invalid_union' && path.length === 1 && path[0] === 'state') {
      add({ path: [...path, 'backend'], rule: 'one of s3, local, cloud' });
    } else if (issue.code === 'invalid_key') {
      // A record key (a tag key) broke its rule: report the key itself, with the key rule's own words.
      const key = path[path.length - 1];
      add({ path, value: key, hasValue: true, atKey: true, rule: issue.issues.map((i) => i.message).join('; ') });
    } else if (issue.code === 'invalid_type' && value === undefined) {
      add({ path, value: undefined, hasValue: true, rule: `required: ${issue.expected}` });
    } else if (issue.code === 'invalid_type') {
      add({ path, rule: typeRule(issue.expected, value, path, source) });
    } else {
      add({ path, rule: issue.message });
    }
  }
  // One problem per path: the rules a value breaks, joined (a bucket name can break several at once).
  const byPath = new Map<string, Found>();
  for (const f of out) {
    const k = JSON.stringify(f.path) + (f.atKey ? ' key' : '');
    const prev = byPath.get(k);
    if (!prev) byPath.set(k, f);
    else if (!prev.rule.split('; ').includes(f.rule)) byPath.set(k, { ...prev, rule: `${prev.rule}; ${f.rule}` });
  }
  return [...byPath.values()];
}

/**
 * Every string and number of a normalised configuration that cdktf would take for a token (`${TfToken[TOKEN.1]}` and
 * the like): none may reach the stacks, or cdktf would replace it with whatever that token resolves to.
 * @returns the paths (into the normalised configuration) of such values; empty for every configuration the schema
 *   accepts (no field that reaches the stacks allows `${`)
 */
export function tokenLikeValues(config: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown, path: Path): void => {
    if ((typeof v === 'string' || typeof v === 'number') && Token.isUnresolved(v)) out.push(toJsonPath(path));
    else if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...path, i]));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (Token.isUnresolved(k)) out.push(toJsonPath([...path, k]));
        visit(x, [...path, k]);
      }
    }
  };
  visit(config, []);
  return out;
}

/**
 * Validates configuration text; `file` is used in messages only.
 * @param options see {@link LoadOptions}
 * @throws ConfigError as for {@link loadConfig} (except the file-level problems: reading, size and encoding).
 */
export function parseConfig(text: string, file: string, options: LoadOptions = {}): GuardConfig {
  try {
    return checkConfig(text, file, options);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    // A bug of the loader's own: still one line naming the file, never a stack trace (CLOUDTRAIL_GUARD_DEBUG=1 shows it).
    if (process.env.CLOUDTRAIL_GUARD_DEBUG === '1') throw e;
    throw new ConfigError([
      {
        file,
        path: '$',
        value: undefined,
        rule: `a file the loader can check (it failed: ${String((e as Error)?.message ?? e).split('\n')[0]}; please report this)`,
      },
    ]);
  }
}

/** {@link parseConfig} without the safety net. */
function checkConfig(text: string, file: string, options: LoadOptions): GuardConfig {
  const src = parseYamlSource(text);
  const raw = src.raw;
  const render = (f: Found): ConfigProblem => {
    const pos = f.position ?? src.locate(f.path, { key: f.atKey });
    return {
      file,
      path: toJsonPath(f.path),
      value: f.hasValue ? f.value : getIn(raw, f.path),
      rule: f.rule,
      ...(pos ? { line: pos.line, column: pos.column } : {}),
      ...(f.written !== undefined ? { written: f.written } : {}),
    };
  };
  const fromYaml = (p: YamlSource['problems'][number]): Found => ({
    path: p.path,
    rule: p.rule,
    value: p.value,
    hasValue: true,
    position: p.position,
    written: p.written,
    masks: p.masks,
  });
  const fail = (found: readonly Found[]): never => {
    const problems = found.map(render);
    const order = (p: ConfigProblem): number => (p.line ?? Number.MAX_SAFE_INTEGER) * 1e6 + (p.column ?? 0);
    throw new ConfigError(
      problems
        .map((p, i) => ({ p, i }))
        .sort((a, b) => order(a.p) - order(b.p) || a.i - b.i)
        .map((x) => x.p),
    );
  };

  if (src.syntaxErrors.length)
    fail([...src.problems.filter((p) => p.path.length === 0), ...src.syntaxErrors].map(fromYaml));
  const found: Found[] = src.problems.map(fromYaml);
  if (raw === null || raw === undefined) {
    fail([
      ...found,
      {
        path: [],
        value: undefined,
        hasValue: true,
        position: { line: 1, column: 1 },
        rule: 'a YAML mapping with estate, state and accounts (the file is empty)',
      },
    ]);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    fail([...found, { path: [], hasValue: false, rule: 'a YAML mapping with estate, state and accounts' }]);
  }

  const masking = (): Path[] => found.filter((f) => f.masks !== false).map((f) => f.path);
  const yamlMasks = masking();
  found.push(...invisibleProblems(raw).filter((f) => !yamlMasks.some((m) => isPrefix(m, f.path))));
  found.push(...schemaProblems(raw, src, masking()));

  const ctx: LoadContext = {
    raw,
    bad: masking(),
    outdir: options.outdir ?? (process.env.CDKTF_OUTDIR?.trim() ? process.env.CDKTF_OUTDIR : 'cdktf.out'),
    cwd: options.cwd ?? process.cwd(),
  };
  const cross = checkCrossField(ctx);
  found.push(...cross.problems.map((p) => ({ ...p, hasValue: 'value' in p })));
  const warn = options.onWarning ?? ((w: ConfigProblem) => console.error(formatWarning(w)));
  for (const w of cross.warnings) warn(render({ ...w, hasValue: 'value' in w }));
  if (found.length) fail(found);

  const config = normaliseConfig(GuardConfigInput.parse(raw), file);
  // cdktf must never take a value of the file for one of its tokens (it would substitute the token's value).
  const tokens = tokenLikeValues(config);
  if (tokens.length) {
    fail(
      tokens.map((t) => ({
        path: [],
        value: t,
        hasValue: true,
        rule: `no value that cdktf reads as a token (\${TfToken[...]}), at ${t} of the normalised configuration`,
      })),
    );
  }
  return config;
}
