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
 * #     column: 16                        # 1-based column (null when line is null)
 * #     shown: ".Inf"                     # optional: how the message shows the value, when not renderValue(value)
 * # outdir: "out-for-fixtures/x"          # optional: the synth's output folder for this case (CDKTF_OUTDIR)
 * ```
 *
 * The header is read in the file's own encoding (UTF-16 and UTF-32 fixtures carry a header too) and with any line
 * ending (LF, CR LF, CR). The cases that cannot carry a header (an empty file, a file that does not exist, a
 * directory, and the FIFO, devices and oversized file that {@link specialCases} makes at test time) are listed here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
  readonly column?: number | null;
  /** How the message shows the value, when that is not `renderValue(value)` (a value as written, such as `.Inf`). */
  readonly shown?: string;
}

export interface BadConfigCase {
  /** Fixture name without `.yaml`. */
  readonly name: string;
  readonly about: string;
  /** Path given to `loadConfig` (relative to the project root, or absolute for the special files). */
  readonly file: string;
  readonly expect: readonly ExpectedProblem[];
  /** The synth's output folder for this case, when the case needs one (`state.directory` inside it). */
  readonly outdir?: string;
}

/** Cases without a header comment, whose files are in the fixture folder. */
export const EXTRA_CASES: readonly BadConfigCase[] = [
  {
    name: 'empty',
    about: 'an empty file (0 bytes)',
    file: join(FIXTURE_DIR, 'empty.yaml'),
    expect: [{ path: '$', rule: 'the file is empty', line: 1, column: 1 }],
  },
  {
    name: 'does-not-exist',
    about: 'a file that does not exist',
    file: join(FIXTURE_DIR, 'does-not-exist.yaml'),
    expect: [{ path: '$', rule: 'must exist and be readable (ENOENT)', line: null, column: null }],
  },
  {
    name: 'a-directory',
    about: 'a directory named like a config file',
    file: join(FIXTURE_DIR, 'a-directory.yaml'),
    expect: [
      {
        path: '$',
        shown: 'a directory',
        rule: 'a regular file (a YAML file of at most 1 MiB); this is a directory',
        line: null,
        column: null,
      },
    ],
  },
];

/** The most bytes a config file may have (config/source.ts MAX_CONFIG_BYTES), restated: 1 MiB. */
const ONE_MIB = 1024 * 1024;

/**
 * Cases whose files cannot live in git: a FIFO (reading it would block until a writer comes), character devices that
 * never end (`/dev/zero`) or are empty (`/dev/null`), standard input (a pipe under jest), and a file one byte over
 * 1 MiB. The FIFO and the big file are made in `tmpDir`.
 */
export function specialCases(tmpDir: string): BadConfigCase[] {
  const fifo = join(tmpDir, 'config.fifo.yaml');
  if (!existsSync(fifo)) execFileSync('mkfifo', [fifo]); // Node has no mkfifo; coreutils does
  const big = join(tmpDir, 'big.yaml');
  if (!existsSync(big)) writeFileSync(big, `estate: example\n# ${'x'.repeat(ONE_MIB)}\n`);
  const size = statSync(big).size;
  const device = (name: string, file: string, kind: string): BadConfigCase => ({
    name,
    about: `${file}, ${kind}`,
    file,
    expect: [
      {
        path: '$',
        shown: kind,
        rule: `a regular file (a YAML file of at most 1 MiB); this is ${kind}, which is never read`,
        line: null,
        column: null,
      },
    ],
  });
  return [
    device('fifo', fifo, 'a FIFO (named pipe)'),
    device('dev-zero', '/dev/zero', 'a character device'),
    device('dev-null', '/dev/null', 'a character device'),
    {
      name: 'oversized',
      about: 'a file one line over 1 MiB',
      file: big,
      expect: [
        {
          path: '$',
          shown: `${size} bytes`,
          rule: `a configuration file of at most ${ONE_MIB} bytes (1 MiB); this one has ${size}`,
          line: null,
          column: null,
        },
      ],
    },
  ];
}

/** A fixture's text, decoded the way its bytes say: UTF-32 and UTF-16 by their byte-order mark or NUL pattern. */
export function fixtureText(bytes: Buffer): string {
  const [a, b, c, d] = bytes;
  const utf32 = (le: boolean): string => {
    const out: string[] = [];
    for (let i = 0; i + 3 < bytes.length; i += 4)
      out.push(String.fromCodePoint(le ? bytes.readUInt32LE(i) : bytes.readUInt32BE(i)));
    return out.join('');
  };
  const utf16be = (buf: Buffer): string => {
    const swapped = Buffer.from(buf);
    swapped.swap16();
    return swapped.toString('utf16le');
  };
  if (a === 0x00 && b === 0x00 && (c === 0xfe || (c === 0x00 && d !== 0x00)))
    return utf32(false).replace(/^\uFEFF/, '');
  if (a === 0xff && b === 0xfe && c === 0x00 && d === 0x00) return utf32(true).replace(/^\uFEFF/, '');
  if (a !== 0x00 && b === 0x00 && c === 0x00 && d === 0x00) return utf32(true);
  if ((a === 0xfe && b === 0xff) || (a === 0x00 && b !== 0x00))
    return utf16be(bytes.subarray(0, bytes.length - (bytes.length % 2))).replace(/^\uFEFF/, '');
  if ((a === 0xff && b === 0xfe) || (a !== 0x00 && b === 0x00)) return bytes.toString('utf16le').replace(/^\uFEFF/, '');
  return bytes.toString('utf8');
}

/** Reads the YAML header comment of a fixture (lines starting with `#`, any line ending). */
export function readHeader(text: string): { about: string; expect: ExpectedProblem[]; outdir?: string } | undefined {
  const header: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (!line.startsWith('#')) break;
    header.push(line.replace(/^# ?/, ''));
  }
  if (!header.length) return undefined;
  const doc = parse(header.join('\n')) as { about?: unknown; expect?: unknown; outdir?: unknown } | null;
  if (!doc || typeof doc.about !== 'string' || !Array.isArray(doc.expect)) return undefined;
  return {
    about: doc.about,
    expect: doc.expect as ExpectedProblem[],
    ...(typeof doc.outdir === 'string' ? { outdir: doc.outdir } : {}),
  };
}

/** Every case: the fixtures with a header, then {@link EXTRA_CASES}. */
export function badConfigCases(): BadConfigCase[] {
  const cases: BadConfigCase[] = [];
  for (const f of readdirSync(FIXTURE_DIR)
    .filter((n) => n.endsWith('.yaml'))
    .sort()) {
    const file = join(FIXTURE_DIR, f);
    if (!statSync(file).isFile()) continue;
    const header = readHeader(fixtureText(readFileSync(file)));
    if (!header) continue;
    cases.push({ name: f.replace(/\.yaml$/, ''), file, ...header });
  }
  return [...cases, ...EXTRA_CASES];
}
