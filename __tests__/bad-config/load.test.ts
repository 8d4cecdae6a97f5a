/**
 * Every broken configuration in the catalogue makes `loadConfig` throw one ConfigError whose problems are exactly the
 * ones the fixture's header names: path and value exactly, a fragment of the rule, the file, and the line.
 */
import { readdirSync } from 'node:fs';
import { ConfigError, formatProblem, loadConfig, type ConfigProblem } from '../../config';
import { badConfigCases, EXTRA_CASES, FIXTURE_DIR, type BadConfigCase } from './catalogue';

const cases = badConfigCases();

const memo = new Map<string, readonly ConfigProblem[]>();

/** The problems `loadConfig` reports for `file` (memoised: each fixture is loaded once). */
function problemsOf(file: string): readonly ConfigProblem[] {
  const known = memo.get(file);
  if (known) return known;
  try {
    loadConfig(file);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    memo.set(file, e.problems);
    return e.problems;
  }
  throw new Error(`${file}: loadConfig accepted a broken configuration`);
}

describe('the catalogue', () => {
  it('has at least 40 broken configurations', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it('states the expected problems of every fixture file (a header, or a table entry for the empty file)', () => {
    const named = new Set(cases.map((c) => c.file.split('/').pop()));
    const files = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.yaml'));
    expect(files.filter((f) => !named.has(f))).toEqual([]);
    expect(EXTRA_CASES.map((c) => c.name)).toEqual(['empty', 'does-not-exist']);
  });

  it('expects at least one problem per case, each with a rule fragment', () => {
    for (const c of cases) {
      expect([c.name, c.expect.length > 0]).toEqual([c.name, true]);
      for (const p of c.expect) expect([c.name, typeof p.rule, p.rule.length > 0]).toEqual([c.name, 'string', true]);
    }
  });
});

describe.each(cases.map((c) => [c.name, c] as [string, BadConfigCase]))('%s', (_name, c) => {
  it(`throws a ConfigError with exactly the expected problems (${c.about})`, () => {
    expect(problemsOf(c.file).map((p) => p.path)).toEqual(c.expect.map((e) => e.path));
  });

  it.each(c.expect.map((e, i) => [e.path, i] as [string, number]))(
    'problem %s: file, value, rule and line',
    (_p, i) => {
      const want = c.expect[i];
      const got = problemsOf(c.file)[i];
      expect(got.file).toBe(c.file);
      expect(got.path).toBe(want.path);
      if ('value' in want) expect(got.value).toEqual(want.value);
      else expect(got.value).toBeUndefined();
      expect(got.rule).toContain(want.rule);
      if (want.line === null) {
        expect(got.line).toBeUndefined();
      } else {
        expect(got.line).toBe(want.line);
        expect(got.column).toBeGreaterThanOrEqual(1);
      }
    },
  );

  it('formats each problem as file[:line:col]: path: value: rule', () => {
    for (const p of problemsOf(c.file)) {
      const line = formatProblem(p);
      const where = p.line === undefined ? c.file : `${c.file}:${p.line}:${p.column}`;
      expect(line.startsWith(`${where}: ${p.path}: `)).toBe(true);
      expect(line.endsWith(`: ${p.rule}`)).toBe(true);
    }
  });
});

describe('several problems in one file', () => {
  it('are all reported together, in file order, in one ConfigError', () => {
    const c = cases.find((x) => x.name === 'several-problems')!;
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
    expect(error!.problems.map((p) => p.line)).toEqual([27, 28, 30, 32, 33]);
    expect(error!.message.split('\n')[0]).toBe('5 configuration problems:');
    expect(error!.message.split('\n')).toHaveLength(6);
  });
});

describe('messages say how to fix the input', () => {
  const only = (name: string): ConfigProblem => {
    const problems = problemsOf(cases.find((x) => x.name === name)!.file);
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
    expect(p.line).toBe(8);
  });
});
