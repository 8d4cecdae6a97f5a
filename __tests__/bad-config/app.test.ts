/**
 * End to end: a broken configuration given to the app, run the way the README's synth command runs it
 * (`npm run synth` = `node bin/synth.js`, the bundled app; `node --import tsx main.ts`, the app from source; and
 * `cdktf synth --output`), exits non-zero, prints one line per problem naming file, path, value and rule
 * (`file:line:col: $.path: value: rule`), and writes nothing to the output folder.
 *
 * Every fixture goes through the bundled app (about half a second each); two also through main.ts from source, and two
 * through `cdktf synth`, whose start-up costs seconds. load.test.ts checks every problem's fields in-process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderValue } from '../../config';
import { badConfigCases, type BadConfigCase } from './catalogue';

const ROOT = resolve(__dirname, '..', '..');
const cases = new Map(badConfigCases().map((c) => [c.name, c]));

/** [fixture, how the app is started]: `bundle` is `node bin/synth.js` (npm run synth), `tsx` is main.ts from source. */
// Every fixture through the bundle (what `npm run synth` runs), and two through main.ts from source.
const THROUGH_APP: Array<[string, 'bundle' | 'tsx']> = [
  ...[...cases.keys()].sort().map((name): [string, 'bundle'] => [name, 'bundle']),
  ['several-problems', 'tsx'],
  ['does-not-exist', 'tsx'],
];
const START = { bundle: ['bin/synth.js'], tsx: ['--import', 'tsx', 'main.ts'] };
const THROUGH_CDKTF = ['org-trail-member-account', 'several-problems'];

const tmpRoot = mkdtempSync(join(tmpdir(), 'ctg-bad-config-'));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

/** Files under `dir`, recursively (empty when it does not exist). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? d.path, d.name));
}

/** Asserts that stderr has exactly one line per expected problem, each naming file, line, path, value and rule. */
function expectProblemLines(stderr: string, c: BadConfigCase): void {
  const lines = stderr.split('\n').filter((l) => l.startsWith(`${c.file}:`) || l.startsWith(`${c.file}: `));
  expect(lines).toHaveLength(c.expect.length);
  c.expect.forEach((want, i) => {
    const where = want.line === null ? `${c.file}: ` : `${c.file}:${want.line}:`;
    const value = 'value' in want ? renderValue(want.value) : '(missing)';
    expect(lines[i].startsWith(where)).toBe(true);
    expect(lines[i]).toContain(`: ${want.path}: ${value}: `);
    expect(lines[i].slice(lines[i].indexOf(`: ${want.path}: ${value}: `))).toContain(want.rule);
  });
  expect(stderr).toContain(`cloudtrail-guard: ${c.expect.length} configuration problem(s); nothing was synthesized.`);
}

describe('the app (npm run synth, or main.ts through tsx) with a broken configuration', () => {
  it.each(THROUGH_APP)('%s (%s): exits 1, prints every problem, writes nothing', (name, how) => {
    const c = cases.get(name)!;
    expect(c).toBeDefined();
    const outdir = join(tmpRoot, `app-${name}`);
    const r = spawnSync(process.execPath, START[how], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CHECKPOINT_DISABLE: '1', CLOUDTRAIL_GUARD_CONFIG: c.file, CDKTF_OUTDIR: outdir },
    });
    expect(r.status).toBe(1);
    expectProblemLines(r.stderr, c);
    expect(r.stderr).not.toMatch(/\n\s+at /); // a ConfigError, not a stack trace
    expect(existsSync(outdir)).toBe(false);
  });
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
    for (const want of c.expect) {
      const where = want.line === null ? `${c.file}: ` : `${c.file}:${want.line}:`;
      const value = 'value' in want ? renderValue(want.value) : '(missing)';
      expect(output).toContain(`${where}`);
      expect(output).toContain(`: ${want.path}: ${value}: `);
      expect(output).toContain(want.rule);
    }
    expect(filesUnder(outdir)).toEqual([]);
  });
});
