/**
 * `npm run e2e`: end to end on moto (issue #10). Synthesizes every example (`examples/*.yaml`) into a temporary
 * folder of its own (never the repo's cdktf.out), checks that python3 with moto, boto3 and PyYAML, terraform and the
 * provider mirror are here, and hands over to the Python driver, `__tests__/e2e/e2e.py`, which applies every stack to
 * moto on 127.0.0.1, plans again (empty), checks that destroy is refused for the log bucket, the key and the trail,
 * and breaks the trail and brings it back with the deployed runbook.
 *
 * Prints one summary line, `e2e: N stacks applied, N planned empty, R recovered, K skipped (why)`, one line per moto
 * shortfall, and the elapsed time. Where python3, moto, terraform or the mirror is missing, every stack is counted as
 * skipped, with the reason, and the exit status is 0. Any failure exits 1.
 *
 * Before the e2e, the harness's own checks (`__tests__/e2e/test_harness.py`, pytest) run when pytest is here.
 *
 * Bounds: each synth {@link SYNTH_S} s, the harness checks {@link HARNESS_CHECKS_S} s; the whole run {@link TOTAL_S} s (the driver gets a deadline
 * {@link DRIVER_MARGIN_S} s earlier and stops its own children; past the bound it is sent SIGTERM, then SIGKILL).
 * Ctrl-C (SIGINT) and SIGTERM are passed to the driver, which stops moto and terraform by their PIDs.
 *
 * Env: `E2E_JOBS` terraform commands at a time (default 3: two cores stay busy while one command waits on the
 * provider's KMS key wait); `E2E_KEEP=1` keeps the temporary folder; `E2E_EACH_UPDATE=1` also breaks the three
 * UpdateTrail settings one at a time; `E2E_VERBOSE=1` prints every command with its wall time.
 * @see https://docs.getmoto.org/en/latest/docs/server_mode.html
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { findProviderMirror, terraformAvailability } from './offline-terraform';
import { writeCliConfig } from './terraform-cli-config';

/** The repository root. */
const ROOT = resolve(__dirname, '..');

/** The whole e2e, in seconds (issue #10: at most 10 minutes on 2 cores). */
export const TOTAL_S = 600;
/** Each example's synth, in seconds. */
export const SYNTH_S = 120;
/** The harness's own pytest checks, in seconds. */
export const HARNESS_CHECKS_S = 60;
/** How much earlier than {@link TOTAL_S} the driver's own deadline is, in seconds. */
export const DRIVER_MARGIN_S = 30;

/** The summary line's shape (the driver prints it; so does this launcher when it skips or fails early). */
export const SUMMARY = /^e2e: \d+ stacks applied, \d+ planned empty, \d+ recovered, \d+ skipped \(.*\)$/;

/** The summary line for a run in which nothing ran: `skipped` stacks, and why. */
export function skippedSummary(skipped: number, why: string): string {
  return `e2e: 0 stacks applied, 0 planned empty, 0 recovered, ${skipped} skipped (${why})`;
}

/**
 * Why the Python side cannot run here, or `undefined` when python3 imports moto, boto3 and yaml.
 * @param python @default 'python3'
 */
export function pythonUnavailable(python = 'python3'): string | undefined {
  const r = spawnSync(python, ['-c', 'import moto, boto3, yaml; print(moto.__version__)'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error) return `${python} is not on the PATH`;
  if (r.status !== 0) {
    const last = `${r.stderr}`.trim().split('\n').pop() ?? '';
    return `${python} lacks moto, boto3 or PyYAML: ${last}`;
  }
  return undefined;
}

/** Synthesizes `examples/<name>.yaml` into `<outdir>`; returns the stack names, or throws with the synth's output. */
function synth(example: string, outdir: string): string[] {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'synth.js')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: SYNTH_S * 1000,
    env: { ...process.env, CLOUDTRAIL_GUARD_CONFIG: join('examples', example), CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' },
  });
  if (r.status !== 0) {
    const why = r.error ? `${r.error.message}` : `exit ${r.status}${r.signal ? ` (${r.signal})` : ''}`;
    throw new Error(`synth of examples/${example} failed (${why}):\n${r.stdout}${r.stderr}`);
  }
  const stacks = join(outdir, 'stacks');
  return existsSync(stacks) ? readdirSync(stacks).sort() : [];
}

function main(): Promise<number> {
  const t0 = Date.now();
  const elapsed = () => `e2e: elapsed ${((Date.now() - t0) / 1000).toFixed(1)} s (bound ${TOTAL_S} s)`;
  const tmp = mkdtempSync(join(tmpdir(), 'ctg-e2e-'));
  const keep = process.env.E2E_KEEP === '1';
  const finish = (code: number): number => {
    console.log(elapsed());
    if (code === 0 && !keep) rmSync(tmp, { recursive: true, force: true });
    else console.log(`e2e: working folders kept in ${tmp}`);
    return code;
  };

  const examples = readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  let stackCount = 0;
  mkdirSync(join(tmp, 'synth'));
  try {
    for (const example of examples) stackCount += synth(example, join(tmp, 'synth', example.replace(/\.yaml$/, ''))).length;
  } catch (e) {
    console.log(`e2e: FAIL: ${(e as Error).message}`);
    console.log(skippedSummary(0, 'none'));
    return Promise.resolve(finish(1));
  }

  const why = pythonUnavailable() ?? (() => {
    const a = terraformAvailability();
    return a.ok ? undefined : a.why;
  })();
  if (why) {
    console.log(skippedSummary(stackCount, why));
    return Promise.resolve(finish(0));
  }
  // A CLI configuration of the e2e's own: the shared one under .tmp/ is rewritten by other test runs while this one
  // reads it (seen: a terraform init failed on the half-written file).
  const cliConfig = writeCliConfig(findProviderMirror()!, join(tmp, 'cli.tfrc'));

  // The harness's own checks first (its override, its readings, the moto extensions): a minute at most.
  const checks = spawnSync('python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', join('__tests__', 'e2e')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: HARNESS_CHECKS_S * 1000,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  const checksTail = `${checks.stdout ?? ''}`.trim().split('\n').pop() ?? '';
  if (/No module named pytest/.test(`${checks.stderr}`)) {
    console.log('e2e: harness checks: not run (python3 has no pytest)');
  } else if (checks.status !== 0) {
    console.log(`${checks.stdout ?? ''}${checks.stderr ?? ''}`);
    console.log(`e2e: FAIL: the harness checks (__tests__/e2e/test_harness.py) failed: ${checksTail || checks.error?.message}`);
    console.log(skippedSummary(0, 'none'));
    return Promise.resolve(finish(1));
  } else {
    console.log(`e2e: harness checks: ${checksTail}`);
  }

  const work = join(tmp, 'work');
  mkdirSync(work, { recursive: true });
  const deadline = (t0 + (TOTAL_S - DRIVER_MARGIN_S) * 1000) / 1000;
  const child = spawn(
    'python3',
    [join(ROOT, '__tests__', 'e2e', 'e2e.py'), '--synth', join(tmp, 'synth'), '--work', work, '--cli-config', cliConfig, '--deadline', String(deadline)],
    // detached: a process group of its own, so that the bound and Ctrl-C reach the driver and everything it started.
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], detached: true, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
  );
  let sawSummary = false;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (SUMMARY.test(line)) sawSummary = true;
    console.log(line);
  });
  const stopChild = (signal: NodeJS.Signals) => {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, signal); // its process group: the driver started it with its own session
      } catch {
        /* already gone */
      }
    }
  };
  let killTimer: NodeJS.Timeout | undefined;
  const bound = setTimeout(() => {
    console.log(`e2e: FAIL: the e2e did not end within ${TOTAL_S} s; stopping it`);
    stopChild('SIGTERM');
    killTimer = setTimeout(() => stopChild('SIGKILL'), 10_000);
  }, TOTAL_S * 1000);
  const forward = (signal: NodeJS.Signals) => () => stopChild(signal === 'SIGINT' ? 'SIGTERM' : signal);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));

  return new Promise((done) => {
    child.on('close', (code, signal) => {
      clearTimeout(bound);
      if (killTimer) clearTimeout(killTimer);
      if (!sawSummary) {
        console.log(`e2e: FAIL: the driver ended (${signal ?? `exit ${code}`}) before its summary`);
        console.log(skippedSummary(0, 'none'));
      }
      done(finish(code === 0 && sawSummary ? 0 : 1));
    });
  });
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.log(`e2e: FAIL: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
