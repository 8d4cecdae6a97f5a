import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../config';
import { BENCH_REGIONS, generateConfig } from '../../bench/generate';
import { machineInfo, marginalCosts, type Measurement, parseArgs, renderPlans, renderReport, renderSvg, renderTable, runBench, TABLE_HEADER } from '../../bench/synth-bench';

const m = (impl: Measurement['impl'], mode: Measurement['mode'], accounts: number, wallSeconds: number): Measurement => ({
  impl,
  mode,
  accounts,
  wallSeconds,
  cpuSeconds: wallSeconds * 0.9,
  peakRssMiB: 100 + accounts,
  runs: 1,
});

/** Splits a markdown table row into trimmed cells. */
const cells = (row: string): string[] => row.split('|').slice(1, -1).map((c) => c.trim());

describe('generateConfig', () => {
  it('generates a valid configuration with the requested accounts, varied Regions and unique names', () => {
    const cfg = parseConfig(generateConfig(20), 'gen.yaml');
    expect(cfg.accounts).toHaveLength(20);
    expect(cfg.accounts[0].accountId).toBe('100000000000');
    expect(cfg.accounts[0].homeRegion).toBe('us-east-1');
    expect(cfg.accounts[9].accountId).toBe('100000000009');
    expect(cfg.accounts[9].homeRegion).toBe('eu-west-1');
    expect(new Set(cfg.accounts.map((a) => a.homeRegion)).size).toBe(BENCH_REGIONS.length);
    expect(new Set(cfg.accounts.map((a) => a.stackName)).size).toBe(20);
    expect(new Set(cfg.accounts.map((a) => a.logBucket.name)).size).toBe(20);
    expect(cfg.accounts[0].logBucket.s3KeyPrefix).toBe('logs');
    expect(cfg.accounts[1].configRule.recorder).toBe('create');
    expect(cfg.accounts[3].trail.name).toBe('audit-100000000003');
    expect(cfg.accounts[0].deploymentRoleArn).toBe('arn:aws:iam::100000000000:role/terraform-deploy');
    expect(cfg.accounts[1].deploymentRoleArn).toBeUndefined();
    expect(cfg.state).toEqual({
      backend: 's3',
      bucket: 'bench-terraform-state',
      region: 'us-east-1',
      keyPrefix: 'cloudtrail-guard',
      kmsKeyId: undefined,
      roleArn: undefined,
    });
  });

  it("keeps 5,000 accounts under the config loader's 1 MiB limit", () => {
    expect(Buffer.byteLength(generateConfig(5000))).toBeLessThan(1024 * 1024);
  });

  it('rejects a non-positive count', () => {
    expect(() => generateConfig(0)).toThrow(RangeError);
    expect(() => generateConfig(1.5)).toThrow(RangeError);
  });
});

describe('parseArgs', () => {
  it('defaults to the full run', () => {
    const o = parseArgs([], {});
    expect(o.quick).toBe(false);
    expect(o.sizes).toEqual([1, 10, 100, 500]);
    expect(o.baselineSizes).toEqual([1, 10, 100]);
    expect(o.baselineModes).toEqual(['app', 'cdktf']);
    expect(o.repeat).toBe(3);
    expect(o.outDir.endsWith('/bench')).toBe(true);
  });

  it('--quick and BENCH_QUICK=1 measure 3 accounts once, baseline through its app only, outside the repository', () => {
    for (const o of [parseArgs(['--quick'], {}), parseArgs([], { BENCH_QUICK: '1' })]) {
      expect(o.quick).toBe(true);
      expect(o.sizes).toEqual([3]);
      expect(o.baselineSizes).toEqual([3]);
      expect(o.baselineModes).toEqual(['app']);
      expect(o.repeat).toBe(1);
      expect(o.outDir).toBe(join(tmpdir(), 'cloudtrail-guard-bench-quick'));
    }
  });

  it('takes sizes, baseline sizes, repeat and out', () => {
    const o = parseArgs(['--sizes', '2,4', '--baseline-sizes', '2', '--repeat', '5', '--out', '/tmp/x'], {});
    expect([o.sizes, o.baselineSizes, o.repeat, o.outDir]).toEqual([[2, 4], [2], 5, '/tmp/x']);
    expect(() => parseArgs(['--sizes', '0'], {})).toThrow('--sizes takes positive integers, got 0');
  });
});

describe('report rendering', () => {
  const results = [
    m('ours', 'app', 1, 0.5),
    m('ours', 'cdktf', 1, 6),
    m('baseline', 'app', 1, 25),
    m('ours', 'app', 100, 2.5),
    m('ours', 'cdktf', 100, 8),
    m('baseline', 'app', 100, 40),
    m('baseline', 'cdktf', 100, 48),
  ];

  it('renders one row per (accounts, path) with the baseline beside ours', () => {
    const lines = renderTable(results).split('\n');
    expect(cells(lines[0])).toEqual([...TABLE_HEADER]);
    expect(lines.slice(2).map(cells)).toEqual([
      ['1', 'app (node bin/synth.js)', '0.50', '0.45', '101', '500', '25.00', '22.50', '101', '50.0x', '50.0x'],
      ['1', 'cdktf synth', '6.00', '5.40', '101', '6000', 'not measured', 'not measured', 'not measured', 'not measured', 'not measured'],
      ['100', 'app (node bin/synth.js)', '2.50', '2.25', '200', '25', '40.00', '36.00', '200', '16.0x', '16.0x'],
      ['100', 'cdktf synth', '8.00', '7.20', '200', '80', '48.00', '43.20', '200', '6.0x', '6.0x'],
    ]);
  });

  it('computes the marginal cost per added stack', () => {
    expect(marginalCosts(results, 'ours', 'app')).toEqual([[1, 100, 2000 / 99]]);
    expect(marginalCosts(results, 'ours', 'app', 'cpu')[0][2]).toBeCloseTo(1800 / 99, 9);
  });

  it('draws one polyline per measured series, scaled to the axes', () => {
    const svg = renderSvg(results, 'title <x>');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('title &lt;x&gt;');
    const polylines = [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((x) => x[1]);
    expect(polylines).toHaveLength(4);
    // x axis 0..100 over 436 px from 64; y axis 0..50 s over 344 px from 40
    expect(polylines[0]).toBe('68.4,380.6 500.0,366.8');
    expect(polylines[2]).toBe('68.4,212.0 500.0,108.8');
    expect((svg.match(/<circle /g) ?? []).length).toBe(7);
  });
});

describe('--report-only', () => {
  it('re-renders RESULTS.md and the plot from a saved results.json without measuring', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-report-only-'));
    try {
      const machine = { nproc: 2, cpuModel: 'test', node: 'v20.0.0', date: '2026-01-01T00:00:00.000Z', loadAverage: 0.5, commit: 'abc1234' };
      const results = [m('ours', 'app', 1, 0.5), m('ours', 'app', 500, 10.5), m('ours', 'cdktf', 1, 4)];
      writeFileSync(join(dir, 'results.json'), JSON.stringify({ machine, results }));
      const opts = parseArgs(['--report-only', join(dir, 'results.json'), '--out', dir], {});
      expect(opts.reportOnly).toBe(join(dir, 'results.json'));
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined); // the report it prints
      expect(runBench(opts)).toEqual(results);
      log.mockRestore();
      const md = readFileSync(join(dir, 'RESULTS.md'), 'utf8');
      expect(md).toContain('Machine: 2 CPUs (test), Node v20.0.0, 2026-01-01T00:00:00.000Z, commit abc1234, load average 0.50 at start.');
      expect(md).toContain('| 1 | 500 | 20 | 18 |'); // (10.5 - 0.5) s / 499 added stacks; CPU is 0.9 x wall
      expect(md).toContain('| 1 account, app run directly ≤ 1.0 s | met | 0.50 s |');
      expect(md).toContain('| 1 account through cdktf synth ≤ 5 s | met | 4.00 s |');
      expect(md).toContain('| 500 accounts ≤ 20 s | met | 10.50 s |');
      expect(md).toContain('| 500 accounts ≤ 1.5 GB peak RSS | met | 600 MiB |');
      expect(md).toContain('| 100 accounts ≥ 5x faster than the baseline (app, wall) | not measured | not measured |');
      expect((readFileSync(join(dir, 'synth-time.svg'), 'utf8').match(/<polyline /g) ?? []).length).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run bench -- --quick', () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-quick-test-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it(
    'measures 3 accounts on every path and writes a table with the right rows and numeric columns',
    () => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/synth-bench.ts', '--quick', '--out', out], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      expect(r.stderr).not.toMatch(/exited \d+/);
      expect(r.status).toBe(0);
      const md = readFileSync(join(out, 'RESULTS.md'), 'utf8');
      expect(md).toMatch(/^# Synth benchmark \(quick mode\)/);
      expect(md).toMatch(/Machine: \d+ CPUs .*Node v\d+/);
      const lines = md.split('\n');
      const head = lines.findIndex((l) => l.startsWith('| accounts |'));
      expect(cells(lines[head])).toEqual([...TABLE_HEADER]);
      const end = lines.findIndex((l, i) => i > head && !l.startsWith('|'));
      const rows = lines.slice(head + 2, end).map(cells);
      expect(rows.map((c) => [c[0], c[1]])).toEqual([
        ['3', 'app (node bin/synth.js)'],
        ['3', 'cdktf synth'],
      ]);
      const num = /^\d+(\.\d+)?$/;
      for (const c of rows) for (const i of [2, 3, 4, 5]) expect(c[i]).toMatch(num);
      for (const i of [6, 7, 8]) expect(rows[0][i]).toMatch(num);
      expect(rows[0][9]).toMatch(/^\d+(\.\d)?x$/);
      expect(rows[0][10]).toMatch(/^\d+(\.\d)?x$/);
      expect(rows[1].slice(6)).toEqual(['not measured', 'not measured', 'not measured', 'not measured', 'not measured']);
      const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
      expect(json.results.map((x: Measurement) => `${x.impl}/${x.mode}/${x.accounts}`)).toEqual(['ours/app/3', 'ours/cdktf/3', 'baseline/app/3']);
      expect(existsSync(join(out, 'synth-time.svg'))).toBe(true);
      expect((readFileSync(join(out, 'synth-time.svg'), 'utf8').match(/<polyline /g) ?? []).length).toBe(3);
    },
    600_000,
  );
});

describe('issue #14 targets: large estates and offline plans', () => {
  it('measures 1,000 and 5,000 accounts and plans 100 stacks by default; none of it in quick mode', () => {
    expect(parseArgs([], {})).toMatchObject({ estateSizes: [1000, 5000], planStacks: 100, planSingles: 3 });
    expect(parseArgs(['--quick'], {})).toMatchObject({ estateSizes: [], planStacks: 0, planSingles: 0 });
    expect(parseArgs(['--estate-sizes', '2000', '--plan-stacks', '0', '--plan-singles', '1'], {})).toMatchObject({ estateSizes: [2000], planStacks: 0, planSingles: 1 });
    expect(() => parseArgs(['--plan-stacks', '-1'], {})).toThrow('--plan-stacks takes a whole number, got -1');
  });

  it('reports each target against its figure, and the offline plans', () => {
    const results = [m('ours', 'app', 500, 3), m('ours', 'app', 1000, 4.5), m('ours', 'app', 5000, 40)];
    const plans = [{ stacks: 100, wallSeconds: 95.5, cpuSeconds: 180, peakRssMiB: 640, runs: 4, jobs: 2, singleStackSeconds: 6.2, singles: 3 }];
    const md = renderReport(results, machineInfo(), parseArgs([], {}), plans);
    expect(md).toContain('| 100 stacks planned offline (plan:offline --all) ≤ 2 min | met | 95.50 s |');
    expect(md).toContain('| 1,000 accounts synthesized ≤ 5 s | met | 4.50 s (CPU 4.05 s) |');
    expect(md).toContain('| 1,000 accounts ≤ 400 MiB peak RSS | **missed** | 1100 MiB |');
    expect(md).toContain('| 5,000 accounts synthesized ≤ 30 s | **missed** | 40.00 s (CPU 36.00 s) |');
    expect(md).toContain('| 5,000 accounts ≤ 2 GiB peak RSS | **missed** | 5100 MiB |');
    // CPU is 0.9 x wall: (36 - 4.05) s / 4000 = 8 ms, against (4.05 - 2.7) s / 500 = 3 ms
    expect(md).toContain('| 5,000 accounts: cost per stack flat (CPU ms per added stack from 1,000 to 5,000 ≤ 1.25 × the step below 1,000) | **missed** | 8 ms against 3 ms (500 → 1,000) |');
    expect(renderPlans(plans)).toContain('| 100 | 95.50 | 180.00 | 640 | 4 runs, 2 at a time | 6.20 s a stack (median of 3); 100 stacks ≈ 10.33 min |');
    expect(renderPlans([{ stacks: 100, skipped: 'terraform is not on the PATH' }])).toContain('| 100 | skipped: terraform is not on the PATH | - | - | - | - |');
    expect(renderReport([], machineInfo(), parseArgs([], {}))).toContain('| 100 stacks planned offline (plan:offline --all) ≤ 2 min | not measured | not measured |');
  });
});
