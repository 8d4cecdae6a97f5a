/**
 * End to end: a broken configuration given to the app, run the way the README's synth command runs it
 * (`npm run synth` = `node bin/synth.js`, the bundled app; `node --import tsx main.ts`, the app from source; and
 * `cdktf synth --output`), exits non-zero within seconds, prints one line per problem naming file, line, column, path,
 * value and rule (`file:line:col: $.path: value: rule`), never a stack trace, and writes nothing to the output folder.
 *
 * Every case goes through the bundled app (about half a second each, several at once); two also through main.ts
 * from source, and two through `cdktf synth`, whose start-up costs seconds. load.test.ts checks every problem's fields
 * in-process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderValue } from '../../config';
import { badConfigCases, specialCases, type BadConfigCase } from './catalogue';

const ROOT = resolve(__dirname, '..', '..');
const tmpRoot = mkdtempSync(join(tmpdir(), 'ctg-bad-config-'));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

/** Standard input of the app, made a FIFO (the test's own), as when the app is started in a shell pipeline. */
const STDIN_CASE: BadConfigCase = {
  name: 'dev-stdin',
  about: '/dev/stdin, a pipe',
  file: '/dev/stdin',
  expect: [
    {
      path: '$',
      shown: 'a FIFO (named pipe)',
      rule: 'a regular file (a YAML file of at most 1 MiB); this is a FIFO (named pipe), which is never read',
      line: null,
      column: null,
    },
  ],
};
const special = specialCases(tmpRoot);
const cases = new Map([...badConfigCases(), ...special, STDIN_CASE].map((c) => [c.name, c]));
// Open for reading without blocking (no writer yet), as the child's standard input for the /dev/stdin case.
const stdinFifo = openSync(special.find((c) => c.name === 'fifo')!.file, constants.O_RDONLY | constants.O_NONBLOCK);
afterAll(() => closeSync(stdinFifo));

/** How the app is started: `bundle` is `node bin/synth.js` (npm run synth), `tsx` is main.ts from source. */
const START = { bundle: ['bin/synth.js'], tsx: ['--import', 'tsx', 'main.ts'] };
// Every case through the bundle (what `npm run synth` runs), and two through main.ts from source.
const THROUGH_APP: Array<[string, keyof typeof START]> = [
  ...[...cases.keys()].sort().map((name): [string, 'bundle'] => [name, 'bundle']),
  ['several-problems', 'tsx'],
  ['does-not-exist', 'tsx'],
];
const THROUGH_CDKTF = ['org-trail-member-account', 'several-problems'];

/** Files under `dir`, recursively (empty when it does not exist). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? d.path, d.name));
}

/** `file:line:col: ` (or `file: ` without a line) and `: $.path: value: ` of one expected problem. */
function expectedParts(c: BadConfigCase, i: number): { where: string; middle: string; rule: string } {
  const want = c.expect[i];
  const where = want.line === null ? `${c.file}: ` : `${c.file}:${want.line}:${want.column}: `;
  const value = want.shown ?? ('value' in want ? renderValue(want.value) : '(missing)');
  return { where, middle: `${want.path}: ${value}: `, rule: want.rule };
}

/** Asserts that stderr has exactly one line per expected problem, each naming file, line, column, path, value and rule. */
function expectProblemLines(stderr: string, c: BadConfigCase): void {
  const lines = stderr.split('\n').filter((l) => l.startsWith(`${c.file}:`));
  expect(lines).toHaveLength(c.expect.length);
  c.expect.forEach((_, i) => {
    const { where, middle, rule } = expectedParts(c, i);
    expect(lines[i].startsWith(`${where}${middle}`)).toBe(true);
    expect(lines[i].slice(where.length + middle.length)).toContain(rule);
  });
  expect(stderr).toContain(`cloudtrail-guard: ${c.expect.length} configuration problem(s); nothing was synthesized.`);
}

/**
 * Runs the app once, asynchronously (so that jest runs several at once), with a time bound: it must never hang.
 * @param stdin the child's standard input: a file descriptor, or `'pipe'` (what libuv makes: a socket pair)
 */
function runApp(
  how: keyof typeof START,
  c: BadConfigCase,
  outdir: string,
  stdin: number | 'pipe' = 'pipe',
): Promise<{ status: number | null; stderr: string; killed: boolean }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, START[how], {
      cwd: ROOT,
      stdio: [stdin, 'ignore', 'pipe'],
      env: { ...process.env, CHECKPOINT_DISABLE: '1', CLOUDTRAIL_GUARD_CONFIG: c.file, CDKTF_OUTDIR: outdir },
    });
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, 60_000);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, stderr, killed });
    });
  });
}

describe('the app (npm run synth, or main.ts through tsx) with a broken configuration', () => {
  it.concurrent.each(THROUGH_APP)(
    '%s (%s): exits 1 at once, prints every problem, writes nothing',
    async (name, how) => {
      const c = cases.get(name)!;
      expect(c).toBeDefined();
      const outdir = c.outdir ? resolve(ROOT, c.outdir) : join(tmpRoot, `app-${name}-${how}`);
      const r = await runApp(how, c, outdir, name === 'dev-stdin' ? stdinFifo : 'pipe');
      expect(r.killed).toBe(false); // it never hangs (the FIFO and /dev/zero included)
      expect(r.status).toBe(1);
      expectProblemLines(r.stderr, c);
      expect(r.stderr).not.toMatch(/\n\s+at /); // a ConfigError, not a stack trace
      expect(existsSync(outdir)).toBe(false);
    },
  );
});

describe('npx cdktf synth --output with a broken configuration', () => {
  it.each(THROUGH_CDKTF)('%s: exits non-zero, prints every problem, writes no stack', (name) => {
    const c = cases.get(name)!;
    const outdir = join(tmpRoot, `cdktf-${name}`);
    const r = spawnSync('npx', ['cdktf', 'synth', '--output', outdir], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1', FORCE_COLOR: '0', CLOUDTRAIL_GUARD_CONFIG: c.file },
    });
    const output = `${r.stdout}\n${r.stderr}`;
    expect(r.status).not.toBe(0);
    c.expect.forEach((_, i) => {
      const { where, middle, rule } = expectedParts(c, i);
      expect(output).toContain(`${where}${middle}`);
      expect(output).toContain(rule);
    });
    expect(filesUnder(outdir)).toEqual([]);
  });
});
