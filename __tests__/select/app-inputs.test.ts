/**
 * The app's own inputs, read before the cdktf App exists (main.ts readContext and the config-file lookup): a bad
 * `CDKTF_CONTEXT_JSON`, an empty `CLOUDTRAIL_GUARD_CONFIG` or an empty context key `config` prints one line naming the
 * input, the value and what is allowed, exits 1, shows no stack trace and creates no output folder. Run the way
 * `npm run synth` runs it: `node bin/synth.js`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const tmpRoot = mkdtempSync(join(tmpdir(), 'ctg-app-inputs-'));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

/** Runs `node bin/synth.js` with `vars` over an environment without the app's own variables. */
function synth(name: string, vars: Record<string, string>) {
  const outdir = join(tmpRoot, name);
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: outdir };
  for (const k of ['CDKTF_CONTEXT_JSON', 'CLOUDTRAIL_GUARD_CONFIG', 'CLOUDTRAIL_GUARD_ACCOUNTS', 'CLOUDTRAIL_GUARD_TAGS']) delete env[k];
  const r = spawnSync(process.execPath, ['bin/synth.js'], { cwd: ROOT, encoding: 'utf8', env: { ...env, ...vars } });
  return {
    status: r.status,
    lines: r.stderr.split('\n').filter((l) => l !== ''),
    stderr: r.stderr,
    stdout: r.stdout,
    outdirExists: existsSync(outdir),
  };
}

describe('node bin/synth.js with a bad app input', () => {
  it.each([
    ['not json', 'CDKTF_CONTEXT_JSON: "not json": a JSON object (cdktf context)'],
    ['["111111111111"]', 'CDKTF_CONTEXT_JSON: "[\\"111111111111\\"]": a JSON object (cdktf context)'],
    ['null', 'CDKTF_CONTEXT_JSON: "null": a JSON object (cdktf context)'],
    ['{"accounts":\n', 'CDKTF_CONTEXT_JSON: "{\\"accounts\\":\\n": a JSON object (cdktf context)'],
  ])('CDKTF_CONTEXT_JSON=%j: one line, exit 1, no output folder', (value, line) => {
    const r = synth(`context-${value.length}-${value.charCodeAt(0)}`, { CDKTF_CONTEXT_JSON: value });
    expect(r.status).toBe(1);
    expect(r.lines).toEqual([line]);
    expect(r.stderr).not.toMatch(/SyntaxError|\n\s+at /);
    expect(r.outdirExists).toBe(false);
  });

  it.each([[''], ['  ']])('CLOUDTRAIL_GUARD_CONFIG=%j (set but empty): names the variable, exit 1, no output folder', (value) => {
    const r = synth(`config-empty-${value.length}`, { CLOUDTRAIL_GUARD_CONFIG: value });
    expect(r.status).toBe(1);
    expect(r.lines).toEqual(['environment variable CLOUDTRAIL_GUARD_CONFIG is empty: a path to a config file']);
    expect(r.outdirExists).toBe(false);
  });

  it('context key config that is empty or not a string: names the key and the value, exit 1', () => {
    const empty = synth('context-config-empty', { CDKTF_CONTEXT_JSON: '{"config":""}' });
    expect([empty.status, empty.lines]).toEqual([1, ['cdktf context key "config": "": a path to a config file']]);
    expect(empty.outdirExists).toBe(false);
    const number = synth('context-config-number', { CDKTF_CONTEXT_JSON: '{"config":7}' });
    expect([number.status, number.lines]).toEqual([1, ['cdktf context key "config": 7: a path to a config file']]);
    expect(number.outdirExists).toBe(false);
  });

  it('a junk selector is a configuration problem, not "every account": exit 1, no output folder', () => {
    const r = synth('tags-proto', { CLOUDTRAIL_GUARD_CONFIG: 'examples/multi-account.yaml', CLOUDTRAIL_GUARD_TAGS: '__proto__=x' });
    expect(r.status).toBe(1);
    expect(r.lines).toEqual([
      'environment variable CLOUDTRAIL_GUARD_TAGS: $[0]: "__proto__=x": a tag key other than __proto__, constructor, prototype (reserved JavaScript property names)',
      'cloudtrail-guard: 1 configuration problem(s); nothing was synthesized.',
    ]);
    expect(r.outdirExists).toBe(false);
  });

  it('an empty CDKTF_CONTEXT_JSON is no context (as cdktf reads it): the app synthesizes', () => {
    const r = synth('context-empty', { CDKTF_CONTEXT_JSON: '', CLOUDTRAIL_GUARD_CONFIG: 'examples/single-account.yaml' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^cloudtrail-guard: 1 stack\(s\) from examples\/single-account\.yaml written to .*\/stacks$/);
    expect(r.outdirExists).toBe(true);
  });
});
