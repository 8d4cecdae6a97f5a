/**
 * Synth benchmark: time, CPU and peak memory of synthesizing 1, 10, 100 and 500 accounts, through the app directly
 * and through `cdktf synth`, beside a naive baseline app (bench/baseline/) that builds the same stacks.
 *
 * Usage: `npm run bench` (full: writes bench/RESULTS.md and bench/synth-time.svg), `npm run bench -- --quick`
 * (3 accounts, baseline only through its app command; writes to a temp folder unless --out is given).
 * Options: --out <dir>, --sizes 1,10,100,500, --baseline-sizes 1,10,100, --repeat <n> (runs per measurement of
 * ours with up to 10 accounts; the median is kept), --estate-sizes 1000,5000 (large estates: ours, app only, one run
 * each), --plan-stacks 100 (an estate planned offline with `plan:offline --all`; 0: none; bench/plan-bench.ts),
 * --plan-singles 3 (stacks planned one at a time, for comparison), --report-only <results.json> (re-render the report
 * from saved figures). Env BENCH_QUICK=1 is the same as --quick (no large estates, no plans).
 *
 * Each run is a child process under GNU time (`/usr/bin/time -f`): wall time, user+system CPU time of the child and
 * every descendant it waited for, and the peak resident set size of the largest of them. Every run is checked: exit
 * status 0 and one `cdk.tf.json` per account.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeConfig } from './generate';
import { measureEstatePlan, type PlanMeasurement } from './plan-bench';

const ROOT = resolve(__dirname, '..');
const BASELINE_DIR = join(ROOT, 'bench', 'baseline');

/** One way of synthesizing. */
export type Mode = 'app' | 'cdktf';
/** Whose app: ours (bin/synth.js) or the naive baseline. */
export type Impl = 'ours' | 'baseline';

/** One measurement (the median run when repeated). */
export interface Measurement {
  readonly impl: Impl;
  readonly mode: Mode;
  readonly accounts: number;
  /** Seconds. */
  readonly wallSeconds: number;
  /** Seconds, user + system, of the child and its waited-for descendants. */
  readonly cpuSeconds: number;
  /** MiB, the largest process's peak RSS. */
  readonly peakRssMiB: number;
  /** How many runs the median was taken over. */
  readonly runs: number;
}

export interface BenchOptions {
  readonly quick: boolean;
  /** Re-render the report from this results.json instead of measuring. */
  readonly reportOnly?: string;
  readonly outDir: string;
  readonly sizes: readonly number[];
  readonly baselineSizes: readonly number[];
  /** Modes the baseline is measured with. */
  readonly baselineModes: readonly Mode[];
  readonly repeat: number;
  /** Large estates measured for ours through the app only, once each. @default [1000, 5000] (quick: none) */
  readonly estateSizes: readonly number[];
  /** Stacks of the estate planned offline (`plan:offline --all`); 0 for none. @default 100 (quick: 0) */
  readonly planStacks: number;
  /** Stacks of it also planned one at a time. @default 3 (quick: 0) */
  readonly planSingles: number;
}

/** The command line (and BENCH_QUICK) as options. */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const quick = argv.includes('--quick') || env.BENCH_QUICK === '1';
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = (name: string, dflt: number[]): number[] => {
    const v = value(name);
    if (v === undefined) return dflt;
    const out = v.split(',').map((s) => Number(s.trim()));
    if (out.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${name} takes positive integers, got ${v}`);
    return out;
  };
  const count = (name: string, dflt: number): number => {
    const v = value(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} takes a whole number, got ${v}`);
    return n;
  };
  const repeat = Number(value('--repeat') ?? (quick ? 1 : 3));
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat takes a positive integer`);
  const reportOnly = value('--report-only');
  return {
    quick,
    ...(reportOnly ? { reportOnly: resolve(reportOnly) } : {}),
    outDir: resolve(value('--out') ?? (quick ? join(tmpdir(), 'cloudtrail-guard-bench-quick') : join(ROOT, 'bench'))),
    sizes: list('--sizes', quick ? [3] : [1, 10, 100, 500]),
    baselineSizes: list('--baseline-sizes', quick ? [3] : [1, 10, 100]),
    baselineModes: quick ? ['app'] : ['app', 'cdktf'],
    repeat,
    estateSizes: value('--estate-sizes') === '' ? [] : list('--estate-sizes', quick ? [] : [1000, 5000]),
    planStacks: count('--plan-stacks', quick ? 0 : 100),
    planSingles: count('--plan-singles', quick ? 0 : 3),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The cdktf CLI, run as `npm run`/`npm exec` run it (node_modules/.bin), without npx's own start-up. */
const CDKTF_CLI = join(ROOT, 'node_modules', '.bin', 'cdktf');

/**
 * The child command for one (impl, mode). The cdktf CLI is started the same way for both, so the comparison is of
 * the apps; the baseline's app command (its cdktf.json) is the naive one, `npx ts-node main.ts`.
 */
function command(impl: Impl, mode: Mode, outdir: string): { cmd: string[]; cwd: string } {
  if (impl === 'ours') {
    return mode === 'app'
      ? { cmd: ['node', 'bin/synth.js'], cwd: ROOT }
      : { cmd: [CDKTF_CLI, 'synth', '--output', outdir], cwd: ROOT };
  }
  return mode === 'app'
    ? { cmd: ['npx', '--no-install', 'ts-node', 'main.ts'], cwd: BASELINE_DIR }
    : { cmd: [CDKTF_CLI, 'synth', '--output', outdir], cwd: BASELINE_DIR };
}

function childEnv(configFile: string, outdir: string, tfrc: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['CDKTF_CONTEXT_JSON', 'CLOUDTRAIL_GUARD_ACCOUNTS', 'CLOUDTRAIL_GUARD_TAGS', 'NODE_OPTIONS', 'CLOUDTRAIL_GUARD_NO_BUNDLE']) {
    delete env[k];
  }
  return {
    ...env,
    CLOUDTRAIL_GUARD_CONFIG: configFile,
    CDKTF_OUTDIR: outdir,
    CHECKPOINT_DISABLE: '1',
    DISABLE_VERSION_CHECK: '1',
    CI: '1',
    TF_CLI_CONFIG_FILE: tfrc,
  };
}

/** Runs one synth under GNU time and checks its output. */
function runOnce(impl: Impl, mode: Mode, accounts: number, configFile: string, work: string, tfrc: string): Omit<Measurement, 'runs'> {
  const outdir = mkdtempSync(join(work, `${impl}-${mode}-${accounts}-`));
  const timeFile = join(outdir, '..', `${impl}-${mode}-${accounts}.time`);
  const { cmd, cwd } = command(impl, mode, outdir);
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, ...cmd], {
    cwd,
    env: childEnv(configFile, outdir, tfrc),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`cannot run ${cmd.join(' ')} under /usr/bin/time: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`${impl} ${mode} with ${accounts} accounts exited ${r.status}:\n${(r.stderr ?? '').slice(-3000)}`);
  }
  const stacksDir = join(outdir, 'stacks');
  const stacks = existsSync(stacksDir) ? readdirSync(stacksDir).filter((d) => existsSync(join(stacksDir, d, 'cdk.tf.json'))) : [];
  if (stacks.length !== accounts) {
    throw new Error(`${impl} ${mode} wrote ${stacks.length} stacks for ${accounts} accounts into ${stacksDir}`);
  }
  // GNU time may print "Command exited..." lines before the figures; the figures are the last line.
  const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
  const [wall, user, sys, rssKiB] = last.split(/\s+/).map(Number);
  if (![wall, user, sys, rssKiB].every(Number.isFinite)) throw new Error(`unreadable /usr/bin/time output: ${last}`);
  rmSync(outdir, { recursive: true, force: true });
  return { impl, mode, accounts, wallSeconds: wall, cpuSeconds: user + sys, peakRssMiB: rssKiB / 1024 };
}

function measure(impl: Impl, mode: Mode, accounts: number, configFile: string, work: string, tfrc: string, repeat: number): Measurement {
  const runs = impl === 'ours' && accounts <= 10 ? repeat : 1;
  const results = Array.from({ length: runs }, () => runOnce(impl, mode, accounts, configFile, work, tfrc));
  const byWall = [...results].sort((a, b) => a.wallSeconds - b.wallSeconds);
  const mid = byWall[Math.floor((runs - 1) / 2)];
  return {
    ...mid,
    wallSeconds: median(results.map((r) => r.wallSeconds)),
    cpuSeconds: median(results.map((r) => r.cpuSeconds)),
    peakRssMiB: Math.max(...results.map((r) => r.peakRssMiB)),
    runs,
  };
}

const f2 = (n: number): string => n.toFixed(2);
const f0 = (n: number): string => n.toFixed(0);
const NOT_MEASURED = 'not measured';

/** The machine, for the report's header. */
export interface MachineInfo {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly date: string;
  /** 1-minute load average when the run started (other work on the machine slows wall time). */
  readonly loadAverage: number;
  /** 1-minute load average when the measurements ended (absent in results saved before it was recorded). */
  readonly loadAverageEnd?: number;
  readonly commit: string;
}

export function machineInfo(): MachineInfo {
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  return {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    date: new Date().toISOString(),
    loadAverage: loadavg()[0],
    commit: git.status === 0 ? git.stdout.trim() : 'unknown',
  };
}

/** Column headers of the results table, in order. */
export const TABLE_HEADER = [
  'accounts',
  'path',
  'wall s',
  'CPU s',
  'peak RSS MiB',
  'ms per stack',
  'baseline wall s',
  'baseline CPU s',
  'baseline peak RSS MiB',
  'speed-up (wall)',
  'speed-up (CPU)',
] as const;

const PATH_LABEL: Record<Mode, string> = { app: 'app (node bin/synth.js)', cdktf: 'cdktf synth' };
const BASELINE_LABEL: Record<Mode, string> = { app: 'npx ts-node main.ts', cdktf: 'cdktf synth (app: npx ts-node main.ts)' };

/** The results table (markdown): one row per (accounts, path), ours beside the baseline. */
export function renderTable(results: readonly Measurement[]): string {
  const sizes = [...new Set(results.filter((r) => r.impl === 'ours').map((r) => r.accounts))].sort((a, b) => a - b);
  const rows: string[][] = [];
  for (const n of sizes) {
    for (const mode of ['app', 'cdktf'] as const) {
      const o = results.find((r) => r.impl === 'ours' && r.mode === mode && r.accounts === n);
      if (!o) continue;
      const b = results.find((r) => r.impl === 'baseline' && r.mode === mode && r.accounts === n);
      rows.push([
        String(n),
        PATH_LABEL[mode],
        f2(o.wallSeconds),
        f2(o.cpuSeconds),
        f0(o.peakRssMiB),
        f0((o.wallSeconds * 1000) / n),
        b ? f2(b.wallSeconds) : NOT_MEASURED,
        b ? f2(b.cpuSeconds) : NOT_MEASURED,
        b ? f0(b.peakRssMiB) : NOT_MEASURED,
        b ? `${(b.wallSeconds / o.wallSeconds).toFixed(1)}x` : NOT_MEASURED,
        b ? `${(b.cpuSeconds / o.cpuSeconds).toFixed(1)}x` : NOT_MEASURED,
      ]);
    }
  }
  return [`| ${TABLE_HEADER.join(' | ')} |`, `|${TABLE_HEADER.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/**
 * Marginal cost per added stack between consecutive sizes, for one (impl, mode): `[from, to, ms]`, in wall time or,
 * with `metric: 'cpu'`, CPU time.
 */
export function marginalCosts(
  results: readonly Measurement[],
  impl: Impl,
  mode: Mode,
  metric: 'wall' | 'cpu' = 'wall',
): Array<[number, number, number]> {
  const rs = results.filter((r) => r.impl === impl && r.mode === mode).sort((a, b) => a.accounts - b.accounts);
  const v = (r: Measurement): number => (metric === 'wall' ? r.wallSeconds : r.cpuSeconds);
  const out: Array<[number, number, number]> = [];
  for (let i = 1; i < rs.length; i++) {
    out.push([rs[i - 1].accounts, rs[i].accounts, ((v(rs[i]) - v(rs[i - 1])) * 1000) / (rs[i].accounts - rs[i - 1].accounts)]);
  }
  return out;
}

const SERIES: ReadonlyArray<{ impl: Impl; mode: Mode; label: string; color: string; dash?: string }> = [
  { impl: 'ours', mode: 'app', label: 'ours: node bin/synth.js', color: '#1b7837' },
  { impl: 'ours', mode: 'cdktf', label: 'ours: cdktf synth', color: '#5aae61', dash: '6 4' },
  { impl: 'baseline', mode: 'app', label: 'baseline: npx ts-node', color: '#b2182b' },
  { impl: 'baseline', mode: 'cdktf', label: 'baseline: cdktf synth', color: '#ef8a62', dash: '6 4' },
];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A line plot of wall time against the number of accounts (SVG text). */
export function renderSvg(results: readonly Measurement[], title: string): string {
  const W = 720;
  const H = 440;
  const m = { l: 64, r: 220, t: 40, b: 56 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const maxX = Math.max(1, ...results.map((r) => r.accounts));
  const maxY = Math.max(1, ...results.map((r) => r.wallSeconds));
  const niceStep = (max: number): number => {
    const raw = max / 5;
    const p = 10 ** Math.floor(Math.log10(raw));
    return [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw) ?? raw;
  };
  const xs = niceStep(maxX);
  const ys = niceStep(maxY);
  const xMax = Math.ceil(maxX / xs) * xs;
  const yMax = Math.ceil(maxY / ys) * ys;
  const X = (v: number): number => m.l + (v / xMax) * pw;
  const Y = (v: number): number => m.t + ph - (v / yMax) * ph;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.l}" y="24" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  for (let v = 0; v <= xMax + 1e-9; v += xs) {
    parts.push(`<line x1="${X(v).toFixed(1)}" y1="${m.t}" x2="${X(v).toFixed(1)}" y2="${m.t + ph}" stroke="#eee"/>`);
    parts.push(`<text x="${X(v).toFixed(1)}" y="${m.t + ph + 18}" text-anchor="middle">${+v.toFixed(6)}</text>`);
  }
  for (let v = 0; v <= yMax + 1e-9; v += ys) {
    parts.push(`<line x1="${m.l}" y1="${Y(v).toFixed(1)}" x2="${m.l + pw}" y2="${Y(v).toFixed(1)}" stroke="#eee"/>`);
    parts.push(`<text x="${m.l - 8}" y="${(Y(v) + 4).toFixed(1)}" text-anchor="end">${+v.toFixed(6)}</text>`);
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  parts.push(`<text x="${m.l + pw / 2}" y="${H - 16}" text-anchor="middle">accounts (stacks)</text>`);
  parts.push(`<text transform="translate(18 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">wall time (s)</text>`);
  let legendY = m.t + 10;
  for (const s of SERIES) {
    const pts = results.filter((r) => r.impl === s.impl && r.mode === s.mode).sort((a, b) => a.accounts - b.accounts);
    if (pts.length === 0) continue;
    const d = pts.map((p) => `${X(p.accounts).toFixed(1)},${Y(p.wallSeconds).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    for (const p of pts) {
      parts.push(`<circle cx="${X(p.accounts).toFixed(1)}" cy="${Y(p.wallSeconds).toFixed(1)}" r="3.5" fill="${s.color}"><title>${esc(s.label)}: ${p.accounts} accounts, ${f2(p.wallSeconds)} s</title></circle>`);
    }
    parts.push(`<line x1="${m.l + pw + 16}" y1="${legendY}" x2="${m.l + pw + 40}" y2="${legendY}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    parts.push(`<text x="${m.l + pw + 46}" y="${legendY + 4}">${esc(s.label)}</text>`);
    legendY += 20;
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** The whole report (markdown). `plans`: the offline plans of estates ({@link measureEstatePlan}), if any. */
export function renderReport(results: readonly Measurement[], machine: MachineInfo, opts: BenchOptions, plans: readonly PlanMeasurement[] = []): string {
  const ours = (mode: Mode, n: number): Measurement | undefined => results.find((r) => r.impl === 'ours' && r.mode === mode && r.accounts === n);
  const base = (mode: Mode, n: number): Measurement | undefined => results.find((r) => r.impl === 'baseline' && r.mode === mode && r.accounts === n);
  const check = (label: string, ok: boolean | undefined, detail: string): string =>
    `| ${label} | ${ok === undefined ? NOT_MEASURED : ok ? 'met' : '**missed**'} | ${detail} |`;
  const a1 = ours('app', 1);
  const c1 = ours('cdktf', 1);
  const a500 = ours('app', 500);
  const a100 = ours('app', 100);
  const b100 = base('app', 100);
  const c100 = ours('cdktf', 100);
  const bc100 = base('cdktf', 100);
  const marg = marginalCosts(results, 'ours', 'app');
  const margCpu = marginalCosts(results, 'ours', 'app', 'cpu');
  const a1000 = ours('app', 1000);
  const a5000 = ours('app', 5000);
  const plan100 = plans.find((p) => p.stacks === 100);
  const measuredPlan = plan100 && 'wallSeconds' in plan100 ? plan100 : undefined;
  // CPU ms per added stack: from 1,000 to 5,000 accounts, against the step just below 1,000 (100 or 500 to 1,000)
  const cpuPerStack = (from: Measurement | undefined, to: Measurement | undefined): number | undefined =>
    from && to && to.accounts > from.accounts ? ((to.cpuSeconds - from.cpuSeconds) * 1000) / (to.accounts - from.accounts) : undefined;
  const below1000 = [...results].filter((r) => r.impl === 'ours' && r.mode === 'app' && r.accounts < 1000).sort((x, y) => y.accounts - x.accounts)[0];
  const flatBefore = cpuPerStack(below1000, a1000);
  const flatAfter = cpuPerStack(a1000, a5000);
  const lines = [
    `# Synth benchmark${opts.quick ? ' (quick mode)' : ''}`,
    '',
    `Machine: ${machine.nproc} CPUs (${machine.cpuModel}), Node ${machine.node}, ${machine.date}, commit ${machine.commit}, ` +
      `load average ${machine.loadAverage.toFixed(2)} at start${machine.loadAverageEnd === undefined ? '' : `, ${machine.loadAverageEnd.toFixed(2)} at the end`}. Written by \`npm run bench${opts.quick ? ' -- --quick' : ''}\` (bench/synth-bench.ts).`,
    '',
    'Configs: generated by bench/generate.ts (S3 state, 8 home Regions, deployment roles, prefixes, Config recorders, tags).',
    `Each figure is ${opts.repeat === 1 ? 'one run' : `one run, or for ours with up to 10 accounts the median of ${opts.repeat} runs`}. "ours" runs the prebuilt bundle`,
    '(`node bin/synth.js`; the bundle is built before timing starts). "baseline" is bench/baseline/main.ts: package-root',
    'import of `@cdktf/provider-aws`, run by ts-node with type checking, the same resources per account.',
    'CPU s is user + system time of the process tree; peak RSS is the largest single process; ms per stack is wall / accounts.',
    'Wall time depends on what else the machine runs (see the load average); CPU time and its speed-up are steadier.',
    '',
    renderTable(results),
    '',
    `Baseline measured: ${
      (['app', 'cdktf'] as const)
        .map((mode) => [mode, results.filter((r) => r.impl === 'baseline' && r.mode === mode).map((r) => r.accounts)] as const)
        .filter(([, ns]) => ns.length > 0)
        .map(([mode, ns]) => `${BASELINE_LABEL[mode]} at ${ns.join(', ')} accounts`)
        .join('; ') || 'none'
    }. Other cells: ${NOT_MEASURED}.`,
    '',
    '## Growth',
    '',
    '| from | to | added wall ms per added stack (ours, app) | added CPU ms per added stack (ours, app) |',
    '|---|---|---|---|',
    ...(marg.length ? marg.map(([a, b, ms], i) => `| ${a} | ${b} | ${f0(ms)} | ${f0(margCpu[i][2])} |`) : ['| - | - | one size only | one size only |']),
    '',
    '## Targets',
    '',
    '| target | result | figure |',
    '|---|---|---|',
    check('1 account, app run directly ≤ 1.0 s', a1 && a1.wallSeconds <= 1.0, a1 ? `${f2(a1.wallSeconds)} s` : NOT_MEASURED),
    check('1 account through cdktf synth ≤ 5 s', c1 && c1.wallSeconds <= 5, c1 ? `${f2(c1.wallSeconds)} s` : NOT_MEASURED),
    check('500 accounts ≤ 20 s', a500 && a500.wallSeconds <= 20, a500 ? `${f2(a500.wallSeconds)} s` : NOT_MEASURED),
    check('500 accounts ≤ 1.5 GB peak RSS', a500 && a500.peakRssMiB <= 1536, a500 ? `${f0(a500.peakRssMiB)} MiB` : NOT_MEASURED),
    check(
      '100 accounts ≥ 5x faster than the baseline (app, wall)',
      a100 && b100 && b100.wallSeconds / a100.wallSeconds >= 5,
      a100 && b100 ? `${(b100.wallSeconds / a100.wallSeconds).toFixed(1)}x` : NOT_MEASURED,
    ),
    check(
      '100 accounts ≥ 5x less CPU than the baseline (app)',
      a100 && b100 && b100.cpuSeconds / a100.cpuSeconds >= 5,
      a100 && b100 ? `${(b100.cpuSeconds / a100.cpuSeconds).toFixed(1)}x` : NOT_MEASURED,
    ),
    check(
      '100 accounts ≥ 5x faster than the baseline (cdktf synth, wall)',
      c100 && bc100 && bc100.wallSeconds / c100.wallSeconds >= 5,
      c100 && bc100 ? `${(bc100.wallSeconds / c100.wallSeconds).toFixed(1)}x` : NOT_MEASURED,
    ),
    check('100 stacks planned offline (plan:offline --all) ≤ 2 min', measuredPlan && measuredPlan.wallSeconds <= 120, measuredPlan ? `${f2(measuredPlan.wallSeconds)} s` : NOT_MEASURED),
    check('1,000 accounts synthesized ≤ 5 s', a1000 && a1000.wallSeconds <= 5, a1000 ? `${f2(a1000.wallSeconds)} s (CPU ${f2(a1000.cpuSeconds)} s)` : NOT_MEASURED),
    check('1,000 accounts ≤ 400 MiB peak RSS', a1000 && a1000.peakRssMiB <= 400, a1000 ? `${f0(a1000.peakRssMiB)} MiB` : NOT_MEASURED),
    check('5,000 accounts synthesized ≤ 30 s', a5000 && a5000.wallSeconds <= 30, a5000 ? `${f2(a5000.wallSeconds)} s (CPU ${f2(a5000.cpuSeconds)} s)` : NOT_MEASURED),
    check('5,000 accounts ≤ 2 GiB peak RSS', a5000 && a5000.peakRssMiB <= 2048, a5000 ? `${f0(a5000.peakRssMiB)} MiB` : NOT_MEASURED),
    check(
      '5,000 accounts: cost per stack flat (CPU ms per added stack from 1,000 to 5,000 ≤ 1.25 × the step below 1,000)',
      flatBefore !== undefined && flatAfter !== undefined ? flatAfter <= 1.25 * flatBefore : undefined,
      flatBefore !== undefined && flatAfter !== undefined ? `${f0(flatAfter)} ms against ${f0(flatBefore)} ms (${below1000!.accounts} → 1,000)` : NOT_MEASURED,
    ),
    '',
    ...renderPlans(plans),
    '![synth time against accounts](synth-time.svg)',
    '',
    '## Where the time goes (node --cpu-prof, 100 accounts)',
    '',
    '- `node --import tsx main.ts` spends about 0.6 s starting tsx and compiling TypeScript, and formats every stack trace',
    '  through source maps. The app now runs as one esbuild bundle with plain node (bin/synth.js); its output is',
    '  byte-for-byte the same as the tsx run.',
    '- cdktf captures a full stack trace for every token it creates (`Intrinsic`, `Lazy`, ...), only to print it if the',
    '  token later fails to resolve. That was a third of the CPU time. The bundle captures it only when',
    '  CLOUDTRAIL_GUARD_TOKEN_STACK_TRACES=1.',
    '- What is left is cdktf itself: resolving tokens in `prepareStack` and again in `toTerraform`, about 10 to 20 ms of',
    '  CPU per stack, flat from 10 to 500 accounts.',
    '- `cdktf synth` adds a fixed 5 to 7 s of CPU on this machine before and after the app runs: the CLI loads its bundled',
    '  handlers (hcl2cdk, jsii-rosetta, TypeScript, yoga) and calls `terraform version` four times. The app cannot',
    '  shorten that. The synthesized JSON is the same on both paths, so use `npm run synth` (or `node bin/synth.js`)',
    '  and run `terraform` or `cdktf deploy --skip-synth` on cdktf.out.',
    '- The baseline pays for TypeScript type checking of the package-root provider bindings (about 30 s and 1.4 GB)',
    '  on every synth, whatever the number of accounts.',
    '',
    '## Where the time goes at 1,000 and 5,000 accounts (node --cpu-prof)',
    '',
    "- cdktf's `moveFromId` makes every stack with a `moved` block run `terraform version` in a child process at every",
    '  synth (a validation, node_modules/cdktf/lib/synthesize/synthesizer.js): 90 ms a stack, 114 s for 1,000 accounts.',
    '  The `moved` blocks of the readable addresses are written as a stack override instead (stacks/logical-ids.ts),',
    '  the same JSON without the child processes.',
    "- What is left is cdktf's token resolution, 60 % of the CPU time: every element is resolved twice, once by",
    '  `prepareStack` (which looks for cross-stack references, which this project does not use, docs/log-archive.md)',
    '  and again by `toTerraform`. Leaving out the first pass saved about 30 % in a trial; it is not done, being',
    "  cdktf's own (a cross-stack reference added later would break without a word).",
    '- The app synthesizes on one core. Meeting the 2-core targets for 1,000 and 5,000 accounts needs the estate split',
    '  across processes (one app per core, each writing its own stacks and a merged manifest), which main.ts does not do.',
    '',
  ];
  return lines.join('\n');
}

/** The "Offline plans" section: one row per estate planned. */
export function renderPlans(plans: readonly PlanMeasurement[]): string[] {
  if (plans.length === 0) return [];
  const rows = plans.map((p) =>
    'skipped' in p
      ? `| ${p.stacks} | skipped: ${p.skipped} | - | - | - | - |`
      : `| ${p.stacks} | ${f2(p.wallSeconds)} | ${f2(p.cpuSeconds)} | ${f0(p.peakRssMiB)} | ${p.runs} runs, ${p.jobs} at a time | ${
          p.singleStackSeconds === undefined ? NOT_MEASURED : `${f2(p.singleStackSeconds)} s a stack (median of ${p.singles}); ${p.stacks} stacks ≈ ${f2((p.singleStackSeconds * p.stacks) / 60)} min`
        } |`,
  );
  return [
    '## Offline plans (`npm run plan:offline -- --all`)',
    '',
    'A generated estate (bench/generate.ts) synthesized, then planned offline as one command: the stacks in batches, each',
    'batch one terraform run with each stack a module of its own, as many runs at once as there are CPUs, one shared',
    'plugin cache. CPU s counts terraform and the provider processes; peak RSS is the largest single process (a',
    'provider). "One at a time" is `npm run plan:offline -- <stack>` for single stacks, what an estate cost before.',
    '',
    '| stacks | wall s | CPU s | peak RSS MiB | terraform runs | one at a time |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ];
}

function writeReport(results: readonly Measurement[], machine: MachineInfo, opts: BenchOptions, plans: readonly PlanMeasurement[] = []): string {
  mkdirSync(opts.outDir, { recursive: true });
  const report = renderReport(results, machine, opts, plans);
  writeFileSync(join(opts.outDir, 'RESULTS.md'), report);
  writeFileSync(join(opts.outDir, 'synth-time.svg'), renderSvg(results, `cloudtrail-guard synth time (${machine.nproc} CPUs, Node ${machine.node})`));
  return report;
}

/**
 * Runs the benchmark and writes RESULTS.md, synth-time.svg and results.json into `opts.outDir`; with
 * `opts.reportOnly`, re-renders RESULTS.md and synth-time.svg from that results.json instead.
 * @throws Error when /usr/bin/time is missing, the bundle does not build, or a synth fails or writes the wrong stacks
 */
export function runBench(opts: BenchOptions): Measurement[] {
  if (opts.reportOnly) {
    const saved = JSON.parse(readFileSync(opts.reportOnly, 'utf8')) as { machine: MachineInfo; results: Measurement[]; plans?: PlanMeasurement[] };
    console.log(writeReport(saved.results, saved.machine, opts, saved.plans ?? []));
    return saved.results;
  }
  if (!existsSync('/usr/bin/time')) throw new Error('the benchmark needs GNU time at /usr/bin/time (Debian package "time")');
  const work = mkdtempSync(join(tmpdir(), 'cloudtrail-guard-bench-'));
  const tfrc = join(work, 'terraformrc');
  writeFileSync(tfrc, '# empty: no CLI settings\n');
  const machine = machineInfo();
  try {
    const build = spawnSync('node', ['bin/synth.js', '--build'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`building the bundle failed:\n${build.stderr}`);
    const results: Measurement[] = [];
    const sizes = [...new Set([...opts.sizes, ...opts.baselineSizes])].sort((a, b) => a - b);
    for (const n of sizes) {
      const configFile = writeConfig(join(work, 'configs'), n);
      const jobs: Array<[Impl, Mode]> = [];
      if (opts.sizes.includes(n)) jobs.push(['ours', 'app'], ['ours', 'cdktf']);
      if (opts.baselineSizes.includes(n)) for (const m of opts.baselineModes) jobs.push(['baseline', m]);
      for (const [impl, mode] of jobs) {
        const r = measure(impl, mode, n, configFile, work, tfrc, opts.repeat);
        results.push(r);
        console.error(`${String(n).padStart(4)} accounts  ${impl.padEnd(8)} ${mode.padEnd(5)} ${f2(r.wallSeconds)} s wall  ${f2(r.cpuSeconds)} s CPU  ${f0(r.peakRssMiB)} MiB`);
      }
    }
    for (const n of opts.estateSizes) {
      const configFile = writeConfig(join(work, 'configs'), n);
      const r = measure('ours', 'app', n, configFile, work, tfrc, 1);
      results.push(r);
      console.error(`${String(n).padStart(4)} accounts  ours     app   ${f2(r.wallSeconds)} s wall  ${f2(r.cpuSeconds)} s CPU  ${f0(r.peakRssMiB)} MiB`);
    }
    const plans: PlanMeasurement[] = [];
    if (opts.planStacks > 0) {
      const p = measureEstatePlan(opts.planStacks, opts.planSingles, work);
      plans.push(p);
      console.error(
        'skipped' in p
          ? `${opts.planStacks} stacks planned offline: skipped: ${p.skipped}`
          : `${opts.planStacks} stacks planned offline  ${f2(p.wallSeconds)} s wall  ${f2(p.cpuSeconds)} s CPU  ${f0(p.peakRssMiB)} MiB  ${p.runs} runs, ${p.jobs} at a time`,
      );
    }
    const measured: MachineInfo = { ...machine, loadAverageEnd: loadavg()[0] };
    const report = writeReport(results, measured, opts, plans);
    writeFileSync(join(opts.outDir, 'results.json'), JSON.stringify({ machine: measured, results, plans }, null, 2) + '\n');
    console.log(report);
    console.error(`written: ${join(opts.outDir, 'RESULTS.md')}, synth-time.svg, results.json`);
    return results;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  try {
    runBench(parseArgs(process.argv.slice(2)));
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  }
}
