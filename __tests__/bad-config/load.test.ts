/**
 * Every broken configuration in the catalogue makes `loadConfig` throw one ConfigError whose problems are exactly the
 * ones the fixture's header names: path and value exactly, a fragment of the rule, the file, the line and the column.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, formatProblem, loadConfig, renderValue, type ConfigProblem } from '../../config';
import { badConfigCases, EXTRA_CASES, FIXTURE_DIR, specialCases, type BadConfigCase } from './catalogue';

const tmp = mkdtempSync(join(tmpdir(), 'ctg-bad-config-load-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const fixtures = badConfigCases();
const cases = [...fixtures, ...specialCases(tmp)];

const memo = new Map<string, readonly ConfigProblem[]>();

/** The problems `loadConfig` reports for a case (memoised: each fixture is loaded once). */
function problemsOf(c: BadConfigCase): readonly ConfigProblem[] {
  const known = memo.get(c.file);
  if (known) return known;
  try {
    loadConfig(c.file, { ...(c.outdir ? { outdir: c.outdir } : {}), onWarning: () => undefined });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    memo.set(c.file, e.problems);
    return e.problems;
  }
  throw new Error(`${c.file}: loadConfig accepted a broken configuration`);
}

describe('the catalogue', () => {
  it('has at least 200 broken configurations in the fixture folder', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(200);
    const files = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(200);
  });

  it('states the expected problems of every fixture file (a header, or a table entry)', () => {
    const named = new Set(cases.map((c) => c.file.split('/').pop()));
    const files = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.yaml'));
    expect(files.filter((f) => !named.has(f))).toEqual([]);
    expect(EXTRA_CASES.map((c) => c.name)).toEqual(['empty', 'does-not-exist', 'a-directory']);
    expect(statSync(join(FIXTURE_DIR, 'a-directory.yaml')).isDirectory()).toBe(true);
  });

  it('expects at least one problem per case, each with a rule fragment, and a column wherever there is a line', () => {
    for (const c of cases) {
      expect([c.name, c.expect.length > 0]).toEqual([c.name, true]);
      for (const p of c.expect) {
        expect([c.name, typeof p.rule, p.rule.length > 0]).toEqual([c.name, 'string', true]);
        expect([c.name, p.path, typeof p.column]).toEqual([c.name, p.path, p.line === null ? 'object' : 'number']);
      }
    }
  });
});

describe.each(cases.map((c) => [c.name, c] as [string, BadConfigCase]))('%s', (_name, c) => {
  it(`throws a ConfigError with exactly the expected problems (${c.about})`, () => {
    expect(problemsOf(c).map((p) => p.path)).toEqual(c.expect.map((e) => e.path));
  });

  it.each(c.expect.map((e, i) => [e.path, i] as [string, number]))(
    'problem %s: file, value, rule, line and column',
    (_p, i) => {
      const want = c.expect[i];
      const got = problemsOf(c)[i];
      expect(got.file).toBe(c.file);
      expect(got.path).toBe(want.path);
      if ('value' in want) expect(got.value).toEqual(want.value);
      else expect(got.value).toBeUndefined();
      expect(got.rule).toContain(want.rule);
      if (want.line === null) {
        expect(got.line).toBeUndefined();
        expect(got.column).toBeUndefined();
      } else {
        expect([got.line, got.column]).toEqual([want.line, want.column]);
      }
    },
  );

  it('formats each problem on one line as file[:line:col]: path: value: rule, the value short and visible', () => {
    c.expect.forEach((want, i) => {
      const p = problemsOf(c)[i];
      const line = formatProblem(p);
      const where = want.line === null ? c.file : `${c.file}:${want.line}:${want.column}`;
      const shown = want.shown ?? ('value' in want ? renderValue(want.value) : '(missing)');
      expect(line.startsWith(`${where}: ${want.path}: ${shown}: `)).toBe(true);
      expect(line.endsWith(`: ${p.rule}`)).toBe(true);
      expect(line).not.toMatch(/[\n\r\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/);
      expect(shown.length).toBeLessThanOrEqual(100);
    });
  });
});

describe('several problems in one file', () => {
  it('are all reported together, in file order, in one ConfigError', () => {
    const c = fixtures.find((x) => x.name === 'several-problems')!;
    let error: ConfigError | undefined;
    try {
      loadConfig(c.file);
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((p) => p.path)).toEqual([
      '$.accounts[0].accountId',
      '$.accounts[0].homeRegion',
      '$.accounts[0].logBucket.name',
      '$.accounts[0].remediation.maximumAutomaticAttempts',
      '$.accounts[0].colour',
    ]);
    expect(error!.problems.map((p) => [p.line, p.column])).toEqual([
      [32, 16],
      [33, 17],
      [35, 13],
      [37, 33],
      [38, 5],
    ]);
    expect(error!.message.split('\n')[0]).toBe('5 configuration problems:');
    expect(error!.message.split('\n')).toHaveLength(6);
  });

  it('cross-field problems come in the same pass as per-field ones, in file order', () => {
    const c = fixtures.find((x) => x.name === 'several-problems-cross-field')!;
    const problems = problemsOf(c);
    const lines = problems.map((p) => p.line!);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
    const rules = problems.map((p) => p.rule);
    expect(rules.some((r) => r.includes('a known AWS Region'))).toBe(true); // per field
    expect(rules.some((r) => r.includes('bucket names are global'))).toBe(true); // cross-field
  });
});

describe('messages say how to fix the input', () => {
  const only = (name: string): ConfigProblem => {
    const problems = problemsOf(fixtures.find((x) => x.name === name)!);
    expect(problems).toHaveLength(1);
    return problems[0];
  };

  it('an unquoted account ID: quote it', () => {
    expect(only('account-id-unquoted-number').rule).toBe(
      'an AWS account ID is exactly 12 digits, as a quoted string: quote it ("111111111111"); unquoted, YAML reads it as a number and drops leading zeros',
    );
  });

  it('an unknown state backend: the allowed backends, not zod\'s "Invalid discriminator value"', () => {
    expect(only('state-backend-s4').rule).toBe('one of s3, local, cloud');
  });

  it('a typo in a key: the key it is close to, and the keys allowed there', () => {
    expect(only('unknown-key-nested').rule).toBe(
      'unknown key; did you mean s3KeyPrefix?; allowed here: name, s3KeyPrefix',
    );
  });

  it('a reserved tag key: the key itself is the value, not the tag value', () => {
    const p = only('tag-key-aws-prefix');
    expect(p.value).toBe('aws:team');
    expect(p.rule).toBe('the aws: tag prefix is reserved');
  });

  it('a number out of range: both bounds', () => {
    expect(only('remediation-attempts-26').rule).toBe('an integer from 1 to 25');
  });

  it("invalid YAML: the parser's code and the line it stopped at", () => {
    const p = only('yaml-tab');
    expect(p.rule).toBe('valid YAML (TAB_AS_INDENT: Tabs are not allowed as indentation)');
    expect([p.line, p.column]).toEqual([9, 1]);
  });

  it('a megabyte-class value is cut, with its length', () => {
    const line = formatProblem(only('long-value-trail-name'));
    expect(line).toContain('…" (20000 characters)');
    expect(line.length).toBeLessThan(400);
  });

  it('!!binary in the wrong place is one line naming the path and the tag', () => {
    const line = formatProblem(only('tag-binary-account-id'));
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('$.accounts[0].accountId: !!binary: ');
  });
});
