/** main.ts: what a synth writes, what it removes, and what it leaves behind when a construct refuses its input. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
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

describe('removeStaleStacks', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { removeStaleStacks } = require('../../main') as typeof import('../../main');
  const A = 'cloudtrail-guard-111111111111-us-east-1';
  const B = 'cloudtrail-guard-222222222222-eu-west-1';
  const C = 'cloudtrail-guard-333333333333-ap-southeast-2';

  test('removes only stack folders an earlier synth wrote, and nothing else', () => {
    const out = mkdtempSync(join(tmpdir(), 'ctg-stale-'));
    for (const d of [A, B, C]) {
      mkdirSync(join(out, 'stacks', d), { recursive: true });
      writeFileSync(join(out, 'stacks', d, 'cdk.tf.json'), '{}');
    }
    mkdirSync(join(out, 'stacks', 'state'));
    writeFileSync(join(out, 'stacks', 'state', 'x.tfstate'), '{}');
    mkdirSync(join(out, 'stacks', 'cloudtrail-guard-444444444444-us-east-1'));
    writeFileSync(join(out, 'manifest.json'), '{}');
    expect(removeStaleStacks(out, [B]).sort()).toEqual([A, C]);
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual([B, 'cloudtrail-guard-444444444444-us-east-1', 'state']);
    expect(existsSync(join(out, 'stacks', 'state', 'x.tfstate'))).toBe(true);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    expect(removeStaleStacks(join(out, 'missing'), [])).toEqual([]);
  });

  test('leaves a stacks folder that is a link alone', () => {
    const out = mkdtempSync(join(tmpdir(), 'ctg-stale-link-'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'ctg-elsewhere-'));
    mkdirSync(join(elsewhere, A));
    writeFileSync(join(elsewhere, A, 'cdk.tf.json'), '{}');
    symlinkSync(elsewhere, join(out, 'stacks'));
    expect(removeStaleStacks(out, [])).toEqual([]);
    expect(existsSync(join(elsewhere, A, 'cdk.tf.json'))).toBe(true);
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
