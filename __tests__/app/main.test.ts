/** main.ts: what a synth writes, what it removes, and what it leaves behind when a construct refuses its input. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/synth';

const synth = (env: Record<string, string>) =>
  spawnSync(process.execPath, [join(ROOT, 'bin', 'synth.js')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env },
  });

describe('a synth', () => {
  const out = mkdtempSync(join(tmpdir(), 'ctg-main-'));
  const config = join(ROOT, 'examples', 'multi-account.yaml');

  test('writes one folder per stack and says so on stdout', () => {
    const r = synth({ CLOUDTRAIL_GUARD_CONFIG: config, CDKTF_OUTDIR: out });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').pop()).toBe(`cloudtrail-guard: 3 stack(s) from ${config} written to ${join(out, 'stacks')}`);
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual([
      'cloudtrail-guard-111111111111-us-east-1',
      'cloudtrail-guard-222222222222-eu-west-1',
      'cloudtrail-guard-333333333333-ap-southeast-2',
    ]);
  });

  test('with a selection, removes the folders of the stacks it did not write', () => {
    const r = synth({ CLOUDTRAIL_GUARD_CONFIG: config, CDKTF_OUTDIR: out, CLOUDTRAIL_GUARD_ACCOUNTS: '222222222222' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      'removed 2 stale stack folder(s): cloudtrail-guard-111111111111-us-east-1, cloudtrail-guard-333333333333-ap-southeast-2',
    );
    expect(readdirSync(join(out, 'stacks'))).toEqual(['cloudtrail-guard-222222222222-eu-west-1']);
  });
});

describe('a synth with a stale stack folder that holds local state', () => {
  test('keeps it, says why on stderr, removes the other stale folder, and exits 0', () => {
    const out = mkdtempSync(join(tmpdir(), 'ctg-main-state-'));
    const config = join(ROOT, 'examples', 'multi-account.yaml');
    expect(synth({ CLOUDTRAIL_GUARD_CONFIG: config, CDKTF_OUTDIR: out }).status).toBe(0);
    const stateDir = join(out, 'stacks', 'cloudtrail-guard-111111111111-us-east-1');
    writeFileSync(join(stateDir, 'terraform.tfstate'), '{"version":4}');
    const r = synth({ CLOUDTRAIL_GUARD_CONFIG: config, CDKTF_OUTDIR: out, CLOUDTRAIL_GUARD_ACCOUNTS: '222222222222' });
    expect(r.status).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([`${stateDir}: kept: it holds terraform.tfstate (local Terraform state)`]);
    expect(r.stdout).toContain('removed 1 stale stack folder(s): cloudtrail-guard-333333333333-ap-southeast-2');
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual(['cloudtrail-guard-111111111111-us-east-1', 'cloudtrail-guard-222222222222-eu-west-1']);
    expect(readFileSync(join(stateDir, 'terraform.tfstate'), 'utf8')).toBe('{"version":4}');
  });
});

/**
 * `npx cdktf synth`: cdktf-cli 0.21 removes the stale stack folders itself after the app ran
 * (node_modules/@cdktf/cli-core/src/lib/synth-stack.js), so the app must not remove them first (ENOENT), and must stop
 * it when one of them must be kept.
 */
describe('npx cdktf synth', () => {
  const config = join(ROOT, 'examples', 'multi-account.yaml');
  const cdktf = (out: string, env: Record<string, string>) => {
    const r = spawnSync('npx', ['cdktf', 'synth', '--output', out], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CHECKPOINT_DISABLE: '1', CLOUDTRAIL_GUARD_CONFIG: config, ...env },
    });
    // eslint-disable-next-line no-control-regex -- the CLI's spinner writes ANSI escapes
    return { status: r.status, output: `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '') };
  };

  test('works after the stack set shrinks: the second run exits 0 and the removed stack\'s folder is gone', () => {
    const out = mkdtempSync(join(tmpdir(), 'ctg-cli-'));
    const first = cdktf(out, {});
    expect([first.status, first.output]).toEqual([0, expect.stringContaining('Generated Terraform code for the stacks')]);
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual([
      'cloudtrail-guard-111111111111-us-east-1',
      'cloudtrail-guard-222222222222-eu-west-1',
      'cloudtrail-guard-333333333333-ap-southeast-2',
    ]);
    const second = cdktf(out, { CLOUDTRAIL_GUARD_ACCOUNTS: '222222222222' });
    expect(second.output).not.toContain('ENOENT');
    expect(second.status).toBe(0);
    expect(second.output).toContain(
      'cdktf removes 2 stale stack folder(s): cloudtrail-guard-111111111111-us-east-1, cloudtrail-guard-333333333333-ap-southeast-2',
    );
    expect(readdirSync(join(out, 'stacks'))).toEqual(['cloudtrail-guard-222222222222-eu-west-1']);
  });

  test('refuses, and deletes nothing, when cdktf-cli would delete a stale folder that holds local state', () => {
    const out = mkdtempSync(join(tmpdir(), 'ctg-cli-state-'));
    expect(cdktf(out, {}).status).toBe(0);
    const stateDir = join(out, 'stacks', 'cloudtrail-guard-111111111111-us-east-1');
    mkdirSync(join(stateDir, '.terraform'));
    writeFileSync(join(stateDir, '.terraform', 'terraform.tfstate'), '{"version":3}');
    const r = cdktf(out, { CLOUDTRAIL_GUARD_ACCOUNTS: '222222222222' });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain(`${stateDir}: kept: it holds .terraform/ (a Terraform working folder, which can hold state)`);
    expect(r.output).toContain('cloudtrail-guard: nothing was synthesized: cdktf-cli deletes every folder in');
    expect(readFileSync(join(stateDir, '.terraform', 'terraform.tfstate'), 'utf8')).toBe('{"version":3}');
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual([
      'cloudtrail-guard-111111111111-us-east-1',
      'cloudtrail-guard-222222222222-eu-west-1',
      'cloudtrail-guard-333333333333-ap-southeast-2',
    ]);
  });
});

describe('staleStackEntries and removeStaleStacks', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const m = require('../../main') as typeof import('../../main');
  const A = 'cloudtrail-guard-111111111111-us-east-1';
  const B = 'cloudtrail-guard-222222222222-eu-west-1';
  const STATE = 'it holds terraform.tfstate (local Terraform state)';

  /** An output folder with stack B (written this time) and one stale folder A made by `fill`. */
  function outWith(fill: (dir: string) => void): string {
    const out = mkdtempSync(join(tmpdir(), 'ctg-stale-'));
    for (const d of [A, B]) mkdirSync(join(out, 'stacks', d), { recursive: true });
    writeFileSync(join(out, 'stacks', B, 'cdk.tf.json'), '{}');
    writeFileSync(join(out, 'manifest.json'), '{}');
    fill(join(out, 'stacks', A));
    return out;
  }
  const file = (name: string, text = '{}') => (dir: string) => writeFileSync(join(dir, name), text);
  const all =
    (...fs: Array<(dir: string) => void>) =>
    (dir: string) =>
      fs.forEach((f) => f(dir));

  test("a stale log-archive stack folder is one of ours: removed when it holds only cdktf's files, kept with state", () => {
    const LA = 'cloudtrail-guard-log-archive-444444444444-eu-west-1';
    const out = mkdtempSync(join(tmpdir(), 'ctg-stale-'));
    for (const d of [LA, B]) mkdirSync(join(out, 'stacks', d), { recursive: true });
    writeFileSync(join(out, 'stacks', LA, 'cdk.tf.json'), '{}');
    expect(m.staleStackEntries(out, [B])).toEqual([{ name: LA, folder: true, keptBecause: undefined }]);
    writeFileSync(join(out, 'stacks', LA, 'terraform.tfstate'), '{}');
    expect(m.staleStackEntries(out, [B])).toEqual([{ name: LA, folder: true, keptBecause: STATE }]);
    rmSync(join(out, 'stacks', LA, 'terraform.tfstate'));
    expect(m.removeStaleStacks(out, m.staleStackEntries(out, [B]))).toEqual([LA]);
    rmSync(out, { recursive: true, force: true });
  });

  test.each<[string, (dir: string) => void, string | undefined]>([
    ['only what cdktf writes (JSON)', all(file('cdk.tf.json'), file('.terraform.lock.hcl'), file('plan')), undefined],
    ['only what cdktf writes (--hcl)', all(file('cdk.tf', ''), file('metadata.json')), undefined],
    ['a .terraform folder', all(file('cdk.tf.json'), (d) => mkdirSync(join(d, '.terraform'))), 'it holds .terraform/ (a Terraform working folder, which can hold state)'],
    ['terraform.tfstate', all(file('cdk.tf.json'), file('terraform.tfstate')), STATE],
    ['a state backup', all(file('cdk.tf.json'), file('terraform.tfstate.backup')), 'it holds terraform.tfstate.backup (local Terraform state)'],
    ['a workspace state folder', all(file('cdk.tf.json'), (d) => mkdirSync(join(d, 'terraform.tfstate.d'))), 'it holds terraform.tfstate.d/ (local Terraform state)'],
    ['a file of the user', all(file('cdk.tf.json'), file('notes.txt')), 'it holds notes.txt, which no synth writes'],
    ['a folder of the user', all(file('cdk.tf.json'), (d) => mkdirSync(join(d, 'sub'))), 'it holds sub/, which no synth writes'],
    ['nothing at all', () => undefined, 'it holds no cdk.tf.json, so no synth wrote it'],
  ])('a stale stack folder with %s', (_what, fill, why) => {
    const out = outWith(fill);
    const entries = m.staleStackEntries(out, [B]);
    expect(entries).toEqual([{ name: A, folder: true, keptBecause: why }]);
    const before = readdirSync(join(out, 'stacks', A)).sort();
    expect(m.removeStaleStacks(out, entries)).toEqual(why === undefined ? [A] : []);
    expect(existsSync(join(out, 'stacks', A))).toBe(why !== undefined);
    if (why !== undefined) expect(readdirSync(join(out, 'stacks', A)).sort()).toEqual(before);
    expect(readdirSync(join(out, 'stacks'))).toContain(B);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  });

  test('a link inside a stale folder keeps the folder, and its target is untouched', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'ctg-elsewhere-'));
    writeFileSync(join(elsewhere, 'precious'), 'x');
    const out = outWith(all(file('cdk.tf.json'), (d) => symlinkSync(join(elsewhere, 'precious'), join(d, 'cdk.tf.lock'))));
    const entries = m.staleStackEntries(out, [B]);
    expect(entries).toEqual([{ name: A, folder: true, keptBecause: 'it holds a link, cdk.tf.lock' }]);
    expect(m.removeStaleStacks(out, entries)).toEqual([]);
    expect(readFileSync(join(elsewhere, 'precious'), 'utf8')).toBe('x');
  });

  test('a folder not named like a stack of ours, a stale entry that is a link, and plain files', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'ctg-elsewhere-'));
    writeFileSync(join(elsewhere, 'cdk.tf.json'), '{}');
    const out = outWith(file('cdk.tf.json'));
    mkdirSync(join(out, 'stacks', 'state'));
    writeFileSync(join(out, 'stacks', 'state', 'cdk.tf.json'), '{}');
    symlinkSync(elsewhere, join(out, 'stacks', 'cloudtrail-guard-333333333333-ap-southeast-2'));
    writeFileSync(join(out, 'stacks', 'README'), 'x');
    const entries = m.staleStackEntries(out, [B]);
    expect(entries).toEqual([
      { name: A, folder: true, keptBecause: undefined },
      { name: 'cloudtrail-guard-333333333333-ap-southeast-2', folder: false, keptBecause: 'it is a link' },
      {
        name: 'state',
        folder: true,
        keptBecause:
          'not a stack folder of cloudtrail-guard (those are named cloudtrail-guard-<account>-<region>, or cloudtrail-guard-log-archive-<account>-<region>)',
      },
    ]);
    expect(m.removeStaleStacks(out, entries)).toEqual([A]);
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual(['README', B, 'cloudtrail-guard-333333333333-ap-southeast-2', 'state']);
    expect(existsSync(join(elsewhere, 'cdk.tf.json'))).toBe(true);
  });

  test.each(['stacks', 'outdir'])('nothing is removed through a link: %s is a link', (which) => {
    const real = outWith(file('cdk.tf.json'));
    const parent = mkdtempSync(join(tmpdir(), 'ctg-linked-'));
    let out: string;
    if (which === 'outdir') {
      out = join(parent, 'cdktf.out');
      symlinkSync(real, out);
    } else {
      out = parent;
      symlinkSync(join(real, 'stacks'), join(parent, 'stacks'));
    }
    const entries = m.staleStackEntries(out, [B]);
    expect(entries).toEqual([{ name: A, folder: true, keptBecause: `${which === 'outdir' ? out : join(out, 'stacks')} is a link` }]);
    expect(m.removeStaleStacks(out, entries)).toEqual([]);
    expect(existsSync(join(real, 'stacks', A, 'cdk.tf.json'))).toBe(true);
  });

  test('a missing output folder has no stale entries', () => {
    expect(m.staleStackEntries(join(tmpdir(), 'ctg-missing-out-folder'), [])).toEqual([]);
  });

  test('cdktfCliRemoves: only under cdktf-cli (CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS=true)', () => {
    expect(m.cdktfCliRemoves({ CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true' })).toBe(true);
    expect(m.cdktfCliRemoves({})).toBe(false);
    expect(m.cdktfCliRemoves({ CDKTF_OUTDIR: 'cdktf.out' })).toBe(false);
  });
});

describe('a construct that refuses its input', () => {
  beforeEach(() => jest.resetModules());

  test('gives one line naming the config file, exit 1, and no output folder', () => {
    jest.doMock('../../stacks', () => ({
      buildStacks: () => {
        throw new Error('TamperProtection targetIds: "r-ab12" is listed twice');
      },
    }));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { main } = require('../../main') as typeof import('../../main');
    const out = join(mkdtempSync(join(tmpdir(), 'ctg-refused-')), 'cdktf.out');
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    const code = main({ CLOUDTRAIL_GUARD_CONFIG: join(ROOT, 'examples', 'single-account.yaml'), CDKTF_OUTDIR: out });
    spy.mockRestore();
    expect(code).toBe(1);
    expect(errors).toEqual([
      `${join(ROOT, 'examples', 'single-account.yaml')}: TamperProtection targetIds: "r-ab12" is listed twice`,
      'cloudtrail-guard: nothing was synthesized (set CLOUDTRAIL_GUARD_DEBUG=1 for the stack trace).',
    ]);
    expect(existsSync(out)).toBe(false);
  });
});
