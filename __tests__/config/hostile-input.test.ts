/**
 * The loader under hostile and unusual input, beyond the fixture catalogue (__tests__/bad-config): what must still be
 * accepted, as written; warnings; values rendered short and visible; the reader's checks against Node's own decoder;
 * and that no value of a normalised configuration is ever a cdktf token.
 */
import { Token } from 'cdktf';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  formatProblem,
  formatWarning,
  loadConfig,
  parseConfig,
  renderValue,
  tokenLikeValues,
  toJsonPath,
  type ConfigProblem,
} from '../../config';
import { realish } from '../../config/rules';
import { firstNonUtf8Byte, foreignEncoding, MAX_CONFIG_BYTES } from '../../config/source';
import { YAML_OPTIONS } from '../../config/yaml-source';
import { example } from '../support/synth';

const tmp = mkdtempSync(join(tmpdir(), 'ctg-hostile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const one = (account: string, head = 'estate: test\nstate: { backend: local }\n'): string =>
  `${head}accounts:\n${account}\n`;
const problemsOf = (text: string, options = {}): ConfigProblem[] => {
  try {
    parseConfig(text, 't.yaml', { onWarning: () => undefined, ...options });
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  return [];
};

describe('what a file says is what the configuration holds', () => {
  test.each([
    ['"true"', 'true'],
    ['"Infinity"', 'Infinity'],
    ['Infinity', 'Infinity'],
    ['"1e3"', '1e3'],
    ['!!str 123', '123'],
    ['! 12345', '12345'],
  ])('a trail name written %s is the text %j', (written, name) => {
    const c = parseConfig(
      one(`  - { accountId: "111111111111", homeRegion: us-east-1, trail: { name: ${written} } }`),
      't.yaml',
    );
    expect(c.accounts[0].trail.name).toBe(name);
    expect(c.accounts[0].trail.arn).toBe(`arn:aws:cloudtrail:us-east-1:111111111111:trail/${name}`);
  });

  test('an account ID with the core !!str tag keeps its leading zero', () => {
    const c = parseConfig(one('  - { accountId: !!str 011111111111, homeRegion: us-east-1 }'), 't.yaml');
    expect(c.accounts[0].accountId).toBe('011111111111');
  });

  test('an explicit %YAML 1.2 directive changes nothing', () => {
    const c = parseConfig(
      `%YAML 1.2\n---\n${one('  - { accountId: "111111111111", homeRegion: us-east-1 }')}`,
      't.yaml',
    );
    expect(c.accounts[0].accountId).toBe('111111111111');
  });

  test('a UTF-8 byte-order mark, CR LF and CR line endings are all read as the same file', () => {
    const text = one('  - accountId: "111111111111"\n    homeRegion: eu-west-1\n    trail: { name: org-audit }');
    const lf = parseConfig(text, 't.yaml');
    for (const [name, bytes] of [
      ['bom.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
      ['crlf.yaml', Buffer.from(text.replace(/\n/g, '\r\n'))],
      ['cr.yaml', Buffer.from(text.replace(/\n/g, '\r'))],
    ] as const) {
      writeFileSync(join(tmp, name), bytes);
      const c = loadConfig(join(tmp, name));
      expect({ ...c, file: 't.yaml' }).toEqual(lf);
    }
  });

  test('an estate named null is text (it never reaches an ARN)', () => {
    expect(
      parseConfig(
        one('  - { accountId: "111111111111", homeRegion: us-east-1 }', 'estate: "null"\nstate: { backend: local }\n'),
        't.yaml',
      ).estate,
    ).toBe('null');
  });

  test('tag values may hold spaces of any script, and letters of any script', () => {
    const c = parseConfig(
      one(
        '  - { accountId: "111111111111", homeRegion: us-east-1, tags: { "cost center": "Équipe\u3000sécurité", 部署: 情報 } }',
      ),
      't.yaml',
    );
    expect(c.accounts[0].tags).toEqual({ 'cost center': 'Équipe\u3000sécurité', 部署: '情報' });
  });

  test('a file of exactly 1 MiB is read; the limit is in bytes', () => {
    const text = one('  - { accountId: "111111111111", homeRegion: us-east-1 }');
    const file = join(tmp, 'one-mib.yaml');
    writeFileSync(file, text + '#'.repeat(MAX_CONFIG_BYTES - Buffer.byteLength(text) - 1) + '\n');
    expect(loadConfig(file).accounts).toHaveLength(1);
  });
});

describe('the YAML library is held to YAML 1.2 by its own options', () => {
  test('core schema, no YAML 1.1 types, no merge keys, keys compared as written, unique keys', () => {
    expect(YAML_OPTIONS).toMatchObject({
      version: '1.2',
      schema: 'core',
      resolveKnownTags: false,
      merge: false,
      stringKeys: true,
      uniqueKeys: true,
      strict: true,
    });
  });
});

describe('warnings: settings without effect where an error would refuse a legitimate file', () => {
  const text = `estate: test
state: { backend: local }
defaults:
  kmsKey: { alias: alias/shared }
  remediation: { maximumAutomaticAttempts: 3 }
accounts:
  - accountId: "111111111111"
    homeRegion: us-east-1
    kmsKey: { existingKeyArn: "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab" }
  - accountId: "222222222222"
    homeRegion: us-east-1
    kmsKey: { existingKeyArn: "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab" }
`;

  test('a default that no account uses is a warning naming its path; the file still loads', () => {
    const warnings: ConfigProblem[] = [];
    const c = parseConfig(text, 'w.yaml', { onWarning: (w) => warnings.push(w) });
    expect(c.accounts).toHaveLength(2);
    expect(warnings.map((w) => [w.path, w.line, w.column, w.value])).toEqual([
      ['$.defaults.kmsKey.alias', 4, 20, 'alias/shared'],
    ]);
    expect(formatWarning(warnings[0])).toBe(
      'w.yaml:4:20: warning: $.defaults.kmsKey.alias: "alias/shared": a default that no account uses (each sets its own value, or the setting does not apply to it); remove it, or an account that should take it',
    );
  });

  test('the same default is no warning once one account uses it', () => {
    const warnings: ConfigProblem[] = [];
    parseConfig(`${text}  - { accountId: "333333333333", homeRegion: us-east-1 }\n`, 'w.yaml', {
      onWarning: (w) => warnings.push(w),
    });
    expect(warnings).toEqual([]);
  });

  test('without a handler, warnings go to stderr, one line each', () => {
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      parseConfig(text, 'w.yaml');
      expect(spy.mock.calls.map((c) => c[0])).toEqual([
        expect.stringMatching(/^w\.yaml:4:20: warning: \$\.defaults\.kmsKey\.alias: /),
      ]);
    } finally {
      spy.mockRestore();
    }
  });

  test('a failure inside the loader is still one line naming the file, not a stack trace', () => {
    const boom = (): never => {
      throw new Error('boom\n    at somewhere');
    };
    let error: unknown;
    try {
      parseConfig(text, 'w.yaml', { onWarning: boom });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map(formatProblem)).toEqual([
      'w.yaml: $: (missing): a file the loader can check (it failed: boom; please report this)',
    ]);
  });

  test('the examples load without a warning', () => {
    for (const f of ['single-account.yaml', 'multi-account.yaml', 'organization.yaml']) {
      const warnings: ConfigProblem[] = [];
      loadConfig(example(f), { onWarning: (w) => warnings.push(w) });
      expect([f, warnings]).toEqual([f, []]);
    }
  });
});

describe('the local state folder stays out of the output folder, whatever the path says', () => {
  const local = (directory?: string): string =>
    one(
      '  - { accountId: "111111111111", homeRegion: us-east-1 }',
      `estate: test\nstate: { backend: local${directory === undefined ? '' : `, directory: "${directory}"`} }\n`,
    );

  test('the default folder, when the output folder is the project root', () => {
    const p = problemsOf(local(), { outdir: '.', cwd: tmp });
    expect(p.map((x) => [x.path, x.value])).toEqual([['$.state.directory', undefined]]);
    expect(p[0].rule).toContain('the default terraform.tfstate.d is inside it here');
  });

  test('through a link, even one whose target does not exist yet', () => {
    mkdirSync(join(tmp, 'project'), { recursive: true });
    symlinkSync(join(tmp, 'project', 'out', 'stacks'), join(tmp, 'project', 'state-link'));
    expect(problemsOf(local('state-link/x'), { outdir: 'out', cwd: join(tmp, 'project') }).map((x) => x.path)).toEqual([
      '$.state.directory',
    ]);
    expect(realish(join(tmp, 'project', 'state-link', 'x'))).toBe(join(realish(tmp), 'project', 'out', 'stacks', 'x'));
  });

  test('a sibling whose name starts like the output folder is fine (cdktf.out-state is not in cdktf.out)', () => {
    expect(problemsOf(local('cdktf.out-state'), { outdir: 'cdktf.out', cwd: tmp })).toEqual([]);
  });

  test('the output folder inside the state folder is fine (the state files are not in it)', () => {
    expect(problemsOf(local('.'), { outdir: 'cdktf.out', cwd: tmp })).toEqual([]);
  });
});

describe('no value of a normalised configuration is a cdktf token', () => {
  const configs = (): Array<[string, unknown]> => [
    ...['single-account.yaml', 'multi-account.yaml', 'organization.yaml'].map((f): [string, unknown] => [
      f,
      loadConfig(example(f)),
    ]),
    [
      'every optional field set',
      parseConfig(
        `estate: kitchen-sink
state: { backend: s3, bucket: acme-state, region: us-east-1, keyPrefix: "a/b!_.*'()-c", roleArn: "arn:aws:iam::999999999999:role/p/state" }
defaults:
  tags: { "cost center": "a:b/c=d+e-f@g" }
accounts:
  - accountId: "111111111111"
    homeRegion: us-east-1
    deploymentRoleArn: "arn:aws:iam::111111111111:role/deploy"
    trail: { name: a.b_c-d, manage: false, snsTopicName: t_1-x, cloudWatchLogs: { logGroupName: "/a/b.c#d_e-f", retentionInDays: 1 } }
    logBucket: { name: a.b-c, s3KeyPrefix: "/x!y_z.wq'(r)s/" }
    kmsKey: { existingKeyArn: "arn:aws:kms:us-east-1:111111111111:key/mrk-0123456789abcdef0123456789abcdef" }
    configRule: { maximumExecutionFrequency: TwentyFour_Hours, recorder: create, createServiceLinkedRole: false }
    remediation: { maximumAutomaticAttempts: 25, retryAttemptSeconds: 2678000, concurrentExecutionRatePercentage: 100, errorPercentage: 1, fastPath: false }
`,
        'kitchen-sink.yaml',
        { onWarning: () => undefined },
      ),
    ],
  ];

  test.each(configs())('%s: Token.isUnresolved is false for every string and number', (_name, config) => {
    const seen: unknown[] = [];
    const visit = (v: unknown): void => {
      if (typeof v === 'string' || typeof v === 'number') {
        seen.push(v);
        expect([v, Token.isUnresolved(v)]).toEqual([v, false]);
      } else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          expect([k, Token.isUnresolved(k)]).toEqual([k, false]);
          visit(x);
        }
      }
    };
    visit(config);
    expect(seen.length).toBeGreaterThan(20);
    expect(tokenLikeValues(config)).toEqual([]);
  });

  test('the check finds a token wherever one is planted', () => {
    const config = { a: ['x', { b: '${TfToken[TOKEN.7]}' }], ['${TfToken[TOKEN.8]}']: 1 };
    expect(tokenLikeValues(config)).toEqual(['$.a[1].b', '$["${TfToken[TOKEN.8]}"]']);
  });
});

describe('values in messages: short, on one line, every character visible', () => {
  test.each([
    [undefined, '(missing)'],
    [null, 'null'],
    ['a\u200bb', '"a\\u200bb"'],
    ['\u202eevil', '"\\u202eevil"'],
    ['line\nbreak\u2028', '"line\\nbreak\\u2028"'],
    ['\u{e0041}tag', '"\\u{e0041}tag"'],
    [Infinity, '.inf'],
    [-Infinity, '-.inf'],
    [NaN, '.nan'],
    [12, '12'],
    [true, 'true'],
    [{ a: [1, Infinity] }, '{"a":[1,.inf]}'],
    ['x'.repeat(64), `"${'x'.repeat(64)}"`],
    ['x'.repeat(65), `"${'x'.repeat(48)}…" (65 characters)`],
    ['é'.repeat(1_000_000), `"${'é'.repeat(48)}…" (1000000 characters)`],
  ])('%j is rendered %s', (value, want) => {
    expect(renderValue(value)).toBe(want);
  });

  test('a long list or mapping is cut with its length', () => {
    const r = renderValue(Array.from({ length: 100 }, (_, i) => i));
    expect(r.endsWith('… (291 characters)')).toBe(true);
    expect(r.length).toBeLessThan(100);
  });

  test('a value that contains itself (a recursive alias) is rendered, not followed forever', () => {
    const a: unknown[] = [];
    a.push(a);
    expect(renderValue(a)).toBe('[(a cycle)]');
  });

  test('a path with an invisible or very long key stays one short line', () => {
    expect(toJsonPath(['tags', 'a\u200bb'])).toBe('$.tags["a\\u200bb"]');
    expect(toJsonPath(['k'.repeat(100)])).toBe(`$["${'k'.repeat(48)}…" (100 characters)]`);
  });

  test('a file name with a newline is escaped, so the problem stays one line', () => {
    const line = formatProblem({ file: 'a\nb.yaml', path: '$', value: undefined, rule: 'r', line: 1, column: 1 });
    expect(line).toBe('a\\u000ab.yaml:1:1: $: (missing): r');
  });
});

describe('the reader', () => {
  test('firstNonUtf8Byte agrees with the WHATWG decoder on every 1- and 2-byte sequence, and on 3- and 4-byte leads', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true });
    const valid = (b: Uint8Array): boolean => {
      try {
        fatal.decode(b);
        return true;
      } catch {
        return false;
      }
    };
    const samples: number[][] = [];
    for (let a = 0; a < 256; a++) {
      samples.push([a]);
      for (let b = 0; b < 256; b += 1) samples.push([a, b]);
    }
    for (const lead of [0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4, 0xf5]) {
      for (const b of [0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0]) {
        samples.push([lead, b, 0x80], [lead, b, 0x80, 0x80], [lead, b, 0xc0, 0x80]);
      }
    }
    for (const s of samples) {
      const bytes = Uint8Array.from(s);
      expect([s, firstNonUtf8Byte(bytes) === -1]).toEqual([s, valid(bytes)]);
    }
  });

  test('foreignEncoding recognises YAML 1.2 encodings by byte-order mark and by NUL pattern', () => {
    const enc = (text: string, encoding: 'utf16le' | 'utf8'): Buffer => Buffer.from(text, encoding);
    expect(foreignEncoding(Buffer.concat([Buffer.from([0xff, 0xfe]), enc('e: 1', 'utf16le')]))).toEqual({
      encoding: 'UTF-16LE',
      bom: true,
    });
    expect(foreignEncoding(enc('e: 1', 'utf16le'))).toEqual({ encoding: 'UTF-16LE', bom: false });
    expect(foreignEncoding(Buffer.from([0x00, 0x00, 0xfe, 0xff]))).toEqual({ encoding: 'UTF-32BE', bom: true });
    expect(foreignEncoding(Buffer.from([0x00, 0x00, 0x00, 0x65]))).toEqual({ encoding: 'UTF-32BE', bom: false });
    expect(foreignEncoding(enc('e: 1', 'utf8'))).toBeUndefined();
    expect(foreignEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x65]))).toBeUndefined(); // UTF-8 with a byte-order mark
    expect(foreignEncoding(Buffer.alloc(0))).toBeUndefined();
  });
});
