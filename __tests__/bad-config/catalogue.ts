/**
 * The catalogue of broken configurations in `__tests__/fixtures/bad-config/`.
 *
 * Each fixture states its expected problems in a header comment that is itself YAML (after the `# ` is removed):
 *
 * ```yaml
 * # about: an account ID of 11 digits
 * # expect:
 * #   - path: "$.accounts[0].accountId"   # JSONPath, compared exactly
 * #     value: "11111111111"              # compared exactly; leave the key out when the field is missing
 * #     rule: "exactly 12 digits"         # a fragment of the rule
 * #     line: 11                          # 1-based line of the field (null: no line)
 * ```
 *
 * The cases that cannot carry a header (an empty file, a file that does not exist) are in {@link EXTRA_CASES}.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

/** Fixture folder, relative to the project root (the path tests pass to `loadConfig`). */
export const FIXTURE_DIR = relative(process.cwd(), join(__dirname, '..', 'fixtures', 'bad-config')) || '.';

/** One expected problem. `value` absent means the field is missing (`undefined`). */
export interface ExpectedProblem {
  readonly path: string;
  readonly value?: unknown;
  readonly rule: string;
  readonly line: number | null;
}

export interface BadConfigCase {
  /** Fixture name without `.yaml`. */
  readonly name: string;
  readonly about: string;
  /** Path given to `loadConfig` (relative to the project root). */
  readonly file: string;
  readonly expect: readonly ExpectedProblem[];
}

/** Cases without a header comment. */
export const EXTRA_CASES: readonly BadConfigCase[] = [
  {
    name: 'empty',
    about: 'an empty file (0 bytes)',
    file: join(FIXTURE_DIR, 'empty.yaml'),
    expect: [{ path: '$', rule: 'the file is empty', line: null }],
  },
  {
    name: 'does-not-exist',
    about: 'a file that does not exist',
    file: join(FIXTURE_DIR, 'does-not-exist.yaml'),
    expect: [{ path: '$', rule: 'must exist and be readable (ENOENT)', line: null }],
  },
];

/** Reads the YAML header comment of a fixture. */
export function readHeader(text: string): { about: string; expect: ExpectedProblem[] } | undefined {
  const header: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    header.push(line.replace(/^# ?/, ''));
  }
  if (!header.length) return undefined;
  const doc = parse(header.join('\n')) as { about?: unknown; expect?: unknown } | null;
  if (!doc || typeof doc.about !== 'string' || !Array.isArray(doc.expect)) return undefined;
  return { about: doc.about, expect: doc.expect as ExpectedProblem[] };
}

/** Every case: the fixtures with a header, then {@link EXTRA_CASES}. */
export function badConfigCases(): BadConfigCase[] {
  const cases: BadConfigCase[] = [];
  for (const f of readdirSync(FIXTURE_DIR)
    .filter((n) => n.endsWith('.yaml'))
    .sort()) {
    const file = join(FIXTURE_DIR, f);
    const header = readHeader(readFileSync(file, 'utf8'));
    if (!header) continue;
    cases.push({ name: f.replace(/\.yaml$/, ''), file, ...header });
  }
  return [...cases, ...EXTRA_CASES];
}
