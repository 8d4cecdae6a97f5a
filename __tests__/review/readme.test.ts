/**
 * README "Reviewing a change": what it shows of `npm run review` is what the command writes and prints (the
 * `plan:offline --all` table is checked against the command in __tests__/terraform/estate.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { example, ROOT } from '../support/synth';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The lines between `<!-- name -->` and the next `<!-- review:end -->`, without code fences. */
function block(name: string): string[] {
  const start = README.indexOf(`<!-- ${name} -->`);
  expect(start).toBeGreaterThan(0);
  return README.slice(start, README.indexOf('<!-- review:end -->', start))
    .split('\n')
    .slice(1)
    .filter((l) => l !== '' && !l.startsWith('```'));
}

const node = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync('node', args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });

test('the README has the section, and names the commands as package.json does', () => {
  expect(README).toContain('\n## Reviewing a change\n');
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts;
  expect(scripts.review).toBe('node --import tsx tools/review.ts');
  expect(scripts['plan:offline']).toBe('node --import tsx tools/offline-terraform.ts');
});

test('what REVIEW.md says of the default example, and what diff mode prints when the fast path is turned off', () => {
  const work = mkdtempSync(join(tmpdir(), 'ctg-readme-'));
  try {
    const out = join(work, 'cdktf.out');
    const before = join(work, 'before');
    expect(
      node(['bin/synth.js'], { CLOUDTRAIL_GUARD_CONFIG: example('single-account.yaml'), CDKTF_OUTDIR: out }).status,
    ).toBe(0);
    const first = node(['--import', 'tsx', 'tools/review.ts', '--out', out]);
    expect(first.status).toBe(0);
    expect(first.stdout).toBe(
      `review of 1 stack(s) written to ${join(out, 'REVIEW.md')} and ${join(out, 'review.json')}\n`,
    );
    expect(README).toContain('# review of 1 stack(s) written to cdktf.out/REVIEW.md and cdktf.out/review.json\n');
    const md = readFileSync(join(out, 'REVIEW.md'), 'utf8').split('\n');
    const writers = md.slice(md.indexOf('**Who may write to it**') + 2);
    expect(block('review:writers')).toEqual(writers.slice(0, writers.indexOf('')));

    cpSync(out, before, { recursive: true });
    const config = join(work, 'single-account.yaml');
    const yaml = readFileSync(example('single-account.yaml'), 'utf8').replace(
      '      retryAttemptSeconds: 60',
      '      retryAttemptSeconds: 60\n      fastPath: false',
    );
    writeFileSync(config, yaml);
    expect(node(['bin/synth.js'], { CLOUDTRAIL_GUARD_CONFIG: config, CDKTF_OUTDIR: out }).status).toBe(0);
    const diff = node(['--import', 'tsx', 'tools/review.ts', '--out', out, '--against', before]);
    expect(diff.status).toBe(0);
    const printed = diff.stdout.split(before).join('/tmp/before').split(out).join('cdktf.out').trim().split('\n');
    expect(block('review:diff')).toEqual(printed);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}, 120_000);
