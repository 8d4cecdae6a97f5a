/**
 * Offline plan benchmark: `npm run plan:offline -- --all` on a generated estate (bench/generate.ts), timed as one
 * child process under GNU time, next to single-stack plans (`npm run plan:offline -- <stack>`, one at a time, what
 * an estate cost before). Used by bench/synth-bench.ts (`npm run bench`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { terraformAvailability } from '../tools/offline-terraform';
import { writeConfig } from './generate';

const ROOT = resolve(__dirname, '..');

/** One estate plan, or why none was measured. */
export type PlanMeasurement =
  | {
      readonly stacks: number;
      /** Seconds, the whole `plan:offline --all` run. */
      readonly wallSeconds: number;
      /** Seconds, user + system, of it and every terraform and provider process it waited for. */
      readonly cpuSeconds: number;
      /** MiB, the largest single process's peak RSS (a provider). */
      readonly peakRssMiB: number;
      /** Terraform runs, and how many ran at once (from the command's last line). */
      readonly runs: number;
      readonly jobs: number;
      /** Seconds per stack of `plan:offline <stack>` run one at a time (the median of `singles` runs), if measured. */
      readonly singleStackSeconds?: number;
      readonly singles: number;
    }
  | { readonly stacks: number; readonly skipped: string };

type Timed = { wall: number; cpu: number; rssMiB: number; stdout: string };

function timed(args: string[], env: NodeJS.ProcessEnv, work: string, label: string): Timed {
  const timeFile = join(work, `${label}.time`);
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}:\n${(r.stderr ?? '').slice(-3000)}`);
  const [wall, user, sys, rss] = (readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '')
    .split(/\s+/)
    .map(Number);
  if (![wall, user, sys, rss].every(Number.isFinite)) throw new Error(`unreadable /usr/bin/time output in ${timeFile}`);
  return { wall, cpu: user + sys, rssMiB: rss / 1024, stdout: r.stdout };
}

/**
 * Plans `stacks` generated accounts offline, all at once (`--all`, default jobs and batches), and `singles` of them one
 * at a time. Checks every stack planned (a row of numbers in the summary table, each with something to add).
 * @returns the figures, or `skipped` with why (terraform or the provider mirror missing)
 * @throws Error when a synth or a plan fails, or the summary table does not list every stack
 */
export function measureEstatePlan(stacks: number, singles: number, work: string): PlanMeasurement {
  const a = terraformAvailability();
  if (!a.ok) return { stacks, skipped: a.why };
  const dir = mkdtempSync(join(work, `plan-${stacks}-`));
  try {
    const config = writeConfig(join(dir, 'configs'), stacks);
    const outdir = join(dir, 'cdktf.out');
    const env = { ...process.env, CLOUDTRAIL_GUARD_CONFIG: config, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' };
    const synth = spawnSync('node', ['bin/synth.js'], { cwd: ROOT, env, encoding: 'utf8' });
    if (synth.status !== 0) throw new Error(`synth of ${stacks} accounts failed:\n${synth.stderr}`);
    const all = timed(
      ['node', '--import', 'tsx', 'tools/offline-terraform.ts', '--all', '--outdir', outdir],
      env,
      dir,
      'all',
    );
    const rows = all.stdout.split('\n').filter((l) => /^\| cloudtrail-guard-\d{12}-/.test(l));
    const planned = rows.filter((l) => /^\| \S+ \| [1-9]\d* \| 0 \| 0 \| 0 \|$/.test(l));
    if (rows.length !== stacks || planned.length !== stacks) {
      throw new Error(
        `plan:offline --all listed ${rows.length} stacks, ${planned.length} planned with creations only, of ${stacks}:\n${all.stdout.slice(-3000)}`,
      );
    }
    const last = /in (\d+) terraform run\(s\), (\d+) at a time/.exec(all.stdout);
    const names = rows.map((l) => l.split('|')[1].trim());
    const singleTimes = names
      .slice(0, singles)
      .map(
        (n, i) =>
          timed(
            ['node', '--import', 'tsx', 'tools/offline-terraform.ts', n, '--outdir', outdir],
            env,
            dir,
            `single-${i}`,
          ).wall,
      );
    const sorted = [...singleTimes].sort((x, y) => x - y);
    return {
      stacks,
      wallSeconds: all.wall,
      cpuSeconds: all.cpu,
      peakRssMiB: all.rssMiB,
      runs: last ? Number(last[1]) : 0,
      jobs: last ? Number(last[2]) : 0,
      ...(sorted.length ? { singleStackSeconds: sorted[Math.floor((sorted.length - 1) / 2)] } : {}),
      singles: sorted.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
