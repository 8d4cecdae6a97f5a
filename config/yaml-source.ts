/**
 * Parsing a configuration file's text as YAML 1.2 with the `yaml` library, set up so that nothing in the file can
 * silently change what it means:
 * - the YAML 1.2 core schema only (`schema: 'core'`, `version: '1.2'`), without the YAML 1.1 types (`resolveKnownTags:
 *   false`: `!!binary`, `!!omap`, `!!pairs`, `!!set` and `!!timestamp` stay unresolved) and without merge keys
 *   (`merge: false`); every tag the schema cannot resolve (those, and `!Ref`, `!Sub`, `!!python/...`) is a problem at
 *   the tagged node's path, never plain text;
 * - mapping keys as the strings written (`stringKeys: true`), so that `1` and `"1"`, or `true` and `"true"`, are the
 *   same key and a second one is a duplicate (`uniqueKeys: true`), as they would be once the file is an object;
 * - a `%YAML 1.1` directive (under which `off`, `no`, `yes` and `on` are booleans and `0755` is octal) is a problem; the
 *   rest of the file is still read as YAML 1.2, so that its other problems are reported in the same pass;
 * - every parser warning is a problem (the library would otherwise carry on), and so is a second document;
 * - the library prints nothing itself (`logLevel: 'error'`: no process warnings; 'silent' would also hide the second
 *   document).
 * Line breaks are CR LF, LF or CR alone (YAML 1.2 §5.4); CR LF and CR are made LF before parsing, so that a file with
 * classic Mac line endings is read line by line (the library would take it for one long comment line).
 *
 * @see https://eemeli.org/yaml/#options
 * @see https://yaml.org/spec/1.2.2/
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node as YamlNode,
} from 'yaml';

/** A path of keys and indices into the document. */
export type Path = ReadonlyArray<string | number>;

/** A position in the file: 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** A problem found while reading the YAML, before the schema is applied. */
export interface YamlProblem {
  readonly path: Path;
  readonly value: unknown;
  readonly rule: string;
  readonly position?: Position;
  /** The value as written, when it is shown better so (a tag). @default undefined */
  readonly written?: string;
  /**
   * False when the problem says nothing about the value at `path` (a directive), so that the value is still checked.
   * @default true (the value at `path` is not trustworthy: nothing at or under it is checked further)
   */
  readonly masks?: boolean;
}

/** The parsed file: its document, a JS value, and what went wrong on the way. */
export interface YamlSource {
  /** The text parsed (line breaks made LF, a leading UTF-8 byte-order mark removed). */
  readonly text: string;
  readonly doc: Document.Parsed;
  /** The document as plain JS (mappings as objects), or undefined when the document could not be built. */
  readonly raw: unknown;
  /** Problems with a path: tags, duplicate or non-string keys, the `%YAML` directive, warnings. */
  readonly problems: readonly YamlProblem[];
  /** Syntax errors: when there is one, the document is not trustworthy and nothing else should be checked. */
  readonly syntaxErrors: readonly YamlProblem[];
  /** Where a path is written: the value (or, with `key`, the key) of the deepest part of `path` the file has. */
  locate(path: Path, options?: { key?: boolean }): Position | undefined;
  /** The path of the node at or just after a character offset of {@link YamlSource.text} (`[]` for the root). */
  pathAt(offset: number): Path;
}

/**
 * The `yaml` library's options that keep a file's meaning fixed (see the file comment).
 * @see https://eemeli.org/yaml/#parse-options
 */
export const YAML_OPTIONS = {
  version: '1.2',
  schema: 'core',
  resolveKnownTags: false,
  merge: false,
  stringKeys: true,
  uniqueKeys: true,
  strict: true,
  prettyErrors: false,
  logLevel: 'error',
} as const;

/**
 * The most aliases the document may expand (the `yaml` library's own guard against "billion laughs" documents).
 * @see https://eemeli.org/yaml/#tojs-options
 */
export const MAX_ALIAS_COUNT = 100;

/** Parser error codes that leave the rest of the document sound: reported with their path, then checking goes on. */
const SEMANTIC_ERRORS = new Set(['DUPLICATE_KEY', 'NON_STRING_KEY', 'TAG_RESOLVE_FAILED']);

/** The YAML 1.1 types that the 1.2 core schema does not have. https://yaml.org/type/ */
const YAML_11_TAGS = ['binary', 'omap', 'pairs', 'set', 'timestamp', 'merge', 'value', 'yaml'];

/** The tags of the YAML 1.2 core schema. https://yaml.org/spec/1.2.2/#103-core-schema */
const CORE_TAGS = ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'];

/**
 * The rule for a tag that the core schema does not resolve.
 * @param written the tag as the file writes it (`!!omap`, `!Ref`)
 * @param resolved the tag it stands for (`tag:yaml.org,2002:omap`, `!Ref`), from the parser's message
 */
function tagRule(written: string, resolved: string): string {
  const core = /^tag:yaml\.org,2002:(.*)$/.exec(resolved)?.[1];
  const kind =
    core !== undefined && YAML_11_TAGS.includes(core)
      ? 'a YAML 1.1 type that YAML 1.2 does not have (the file would quietly read it as something else)'
      : core !== undefined && CORE_TAGS.includes(core)
        ? `the value is not a YAML 1.2 ${core} (the tag cannot make it one)`
        : "a tag of another tool (CloudFormation's !Ref and !Sub, Python's !!python/..., ...), which this product never expands";
  return `a plain YAML 1.2 value without the tag ${written}: ${kind}; remove the tag and write the value itself`;
}

/** The tag a parser message names: `Unresolved tag: tag:yaml.org,2002:omap` → `tag:yaml.org,2002:omap`. */
function resolvedTag(message: string, written: string): string {
  return /tag: (\S+)/.exec(message.split('\n')[0])?.[1] ?? written;
}

/** One node (or key) of the document, in document order. */
interface Entry {
  readonly path: Path;
  readonly start: number;
  readonly end: number;
  readonly isKey: boolean;
  readonly node: YamlNode;
}

/** Every key and value node of `root`, in document order, with its path. Alias targets are not entered. */
function index(root: unknown): Entry[] {
  const out: Entry[] = [];
  const visit = (node: unknown, path: Path): void => {
    if (!node || typeof node !== 'object' || !('range' in node)) return;
    const n = node as YamlNode;
    const [start, , end] = n.range ?? [0, 0, 0];
    out.push({ path, start, end, isKey: false, node: n });
    if (isAlias(n)) return;
    if (isMap(n)) {
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const k = pair.key;
        const key = isScalar(k) ? String(k.value) : String(k);
        if (k && typeof k === 'object' && 'range' in k) {
          const [ks, , ke] = (k as YamlNode).range ?? [0, 0, 0];
          out.push({ path: [...path, key], start: ks, end: ke, isKey: true, node: k as YamlNode });
        }
        visit(pair.value, [...path, key]);
      }
    } else if (isSeq(n)) {
      n.items.forEach((item, i) => visit(item, [...path, i]));
    }
  };
  visit(root, []);
  return out;
}

/** `text` with CR LF and lone CR made LF, and a leading UTF-8 byte-order mark removed. */
export function normaliseText(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** The `%YAML` directive line of `text`, if any: its offset, its length and the version it names. */
function yamlDirective(text: string): { offset: number; length: number; version: string } | undefined {
  const m = /^%YAML[ \t]+(\S*).*$/m.exec(text);
  return m ? { offset: m.index, length: m[0].length, version: m[1] } : undefined;
}

/** A friendlier rule for the parser's syntax errors: what is expected, then the parser's own code and words. */
function syntaxRule(code: string, message: string): string {
  const first = message.split('\n')[0];
  if (code === 'MULTIPLE_DOCS') return `one YAML document; a second one starts here (---) (${code})`;
  return `valid YAML (${code}: ${first})`;
}

/**
 * Parses configuration text (see the file comment for what is refused and why).
 * @returns the document, its JS value and the problems found; never throws
 */
export function parseYamlSource(input: string): YamlSource {
  let text = normaliseText(input);
  const problems: YamlProblem[] = [];
  const lc0 = new LineCounter();
  const directive = yamlDirective(text);
  if (directive && directive.version !== '1.2') {
    lc0.addNewLine(0);
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') lc0.addNewLine(i + 1);
    const pos = lc0.linePos(directive.offset);
    problems.push({
      path: [],
      value: text.slice(directive.offset, directive.offset + directive.length),
      rule:
        directive.version === '1.1'
          ? 'no %YAML 1.1 directive: the file is read as YAML 1.2, where off, no, yes and on are strings and 0755 is a decimal number, not a boolean or octal; remove the line (the rest of the file is checked as YAML 1.2)'
          : `no %YAML ${directive.version} directive: the file is read as YAML 1.2; remove the line`,
      position: { line: pos.line, column: pos.col },
      masks: false,
    });
    // Blank the directive (same length, so offsets and positions stay) and read the rest as YAML 1.2.
    text =
      text.slice(0, directive.offset) + ' '.repeat(directive.length) + text.slice(directive.offset + directive.length);
  }

  const lc = new LineCounter();
  const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter: lc });
  const entries = index(doc.contents);
  const position = (offset: number): Position => {
    const p = lc.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const pathAt = (offset: number): Path => {
    let best: Entry | undefined;
    for (const e of entries) {
      if (e.start <= offset && offset < Math.max(e.end, e.start + 1) && (!best || e.path.length >= best.path.length))
        best = e;
    }
    return best?.path ?? [];
  };
  const locate = (path: Path, options: { key?: boolean } = {}): Position | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const want = JSON.stringify(path.slice(0, n));
      const matches = entries.filter(
        (e) => JSON.stringify(e.path) === want && e.isKey === (options.key === true && n === path.length),
      );
      // For a key given twice, the value that counts is the last one (as in the JS value); so is its position.
      const e = matches[matches.length - 1];
      if (e) return position(e.start);
    }
    return undefined;
  };
  const nodeAfter = (offset: number): Entry | undefined => entries.find((e) => !e.isKey && e.start >= offset);

  const syntaxErrors: YamlProblem[] = [];
  for (const e of doc.errors) {
    const [start, end] = e.pos;
    if (!SEMANTIC_ERRORS.has(e.code)) {
      syntaxErrors.push({ path: [], value: undefined, rule: syntaxRule(e.code, e.message), position: position(start) });
    } else if (e.code === 'DUPLICATE_KEY') {
      const path = pathAt(start);
      const key = path[path.length - 1];
      const first = entries.find((x) => x.isKey && JSON.stringify(x.path) === JSON.stringify(path));
      const at = first && first.start !== start ? ` (first at line ${position(first.start).line})` : '';
      problems.push({
        path,
        value: key,
        rule: `each key once in a mapping${at}; keys are compared as the text written, so 1 and "1", or true and "true", are one key`,
        position: position(start),
      });
    } else if (e.code === 'NON_STRING_KEY') {
      const entry = nodeAfter(start);
      problems.push({
        path: entry ? entry.path.slice(0, -1) : pathAt(start),
        value: text.slice(start, Math.max(end, start + 1)),
        rule: 'a plain text key: a list, a mapping or an alias (*name) as a key means nothing here; the << merge key is not supported either: write the keys out (shared settings belong in defaults:)',
        position: position(start),
      });
    } else {
      // TAG_RESOLVE_FAILED as an error: a tag with an undefined handle (!x!y).
      const tag = text.slice(start, end);
      const entry = nodeAfter(end);
      problems.push({
        path: entry?.path ?? pathAt(start),
        value: undefined,
        written: tag,
        rule: tagRule(tag, resolvedTag(e.message, tag)),
        position: position(start),
      });
    }
  }
  for (const w of doc.warnings) {
    const [start, end] = w.pos;
    if (w.code === 'TAG_RESOLVE_FAILED') {
      const tag = text.slice(start, end);
      const entry = nodeAfter(end);
      problems.push({
        path: entry?.path ?? pathAt(start),
        value: undefined,
        written: tag,
        rule: tagRule(tag, resolvedTag(w.message, tag)),
        position: position(start),
      });
    } else if (w.code === 'BAD_DIRECTIVE' && directive && start === directive.offset) {
      // Already reported above (an unsupported %YAML version).
    } else {
      problems.push({
        path: pathAt(start),
        value: undefined,
        rule: `YAML without warnings (${w.code}: ${w.message.split('\n')[0]})`,
        position: position(start),
        masks: false,
      });
    }
  }

  let raw: unknown;
  if (syntaxErrors.length === 0) {
    try {
      raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      syntaxErrors.push({
        path: [],
        value: undefined,
        rule: `YAML that expands to a plain document (${(e as Error).message.split('\n')[0]})`,
      });
    }
  }
  // A recursive alias (`&a [*a]`) makes a value that contains itself: refused where the cycle closes.
  if (raw !== undefined) {
    const ancestors = new Set<object>();
    const visit = (v: unknown, path: Path): void => {
      if (!v || typeof v !== 'object') return;
      if (ancestors.has(v)) {
        problems.push({
          path,
          value: undefined,
          rule: 'no alias inside the node it names (&a ... *a within it): the value would contain itself',
          position: locate(path),
        });
        return;
      }
      ancestors.add(v);
      if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...path, i]));
      else for (const [k, x] of Object.entries(v)) visit(x, [...path, k]);
      ancestors.delete(v);
    };
    visit(raw, []);
  }
  // Problems sorted into file order; the tagged node's own value is not shown (it was never resolved).
  problems.sort(
    (a, b) =>
      (a.position?.line ?? 0) - (b.position?.line ?? 0) || (a.position?.column ?? 0) - (b.position?.column ?? 0),
  );
  return { text, doc, raw, problems, syntaxErrors, locate, pathAt };
}

/** True when `prefix` is `path` or one of its ancestors. */
export function isPrefix(prefix: Path, path: Path): boolean {
  return prefix.length <= path.length && prefix.every((k, i) => String(k) === String(path[i]));
}
