/**
 * `npm run plan:offline` for an estate (tools/offline-terraform.ts): the command line, the counts of a plan, prior
 * state in both forms (a state file, `terraform show -json` output), and the command on a real synthesized estate,
 * whose summary table the README shows.
 * https://developer.hashicorp.com/terraform/internals/json-format
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appliedStateOffline,
  countPlanChanges,
  parsePlanOfflineArgs,
  planStackOffline,
  priorStateOf,
  readPriorState,
  renderPlanSummary,
  selectStacks,
  stateFromShowJson,
  terraformAvailability,
} from '../../tools/offline-terraform';
import { example, ROOT } from '../support/synth';
import { tallyCheck } from '../support/terraform';
import { synthHashedFile } from './hashed';

const USAGE =
  'usage: npm run plan:offline -- <stack name | account ID>... | --all [--outdir cdktf.out] [--state <dir>] [--jobs <n>] [--batch <n>] [--keep]';
const MULTI = [
  'cloudtrail-guard-111111111111-us-east-1',
  'cloudtrail-guard-222222222222-eu-west-1',
  'cloudtrail-guard-333333333333-ap-southeast-2',
];

describe('the command line', () => {
  test('arguments', () => {
    expect(parsePlanOfflineArgs(['--all'], {})).toEqual({ outdir: 'cdktf.out', all: true, selectors: [], keep: false });
    expect(
      parsePlanOfflineArgs(
        [
          '111111111111',
          'cloudtrail-guard-222222222222-eu-west-1',
          '--outdir',
          'o',
          '--state',
          's',
          '--jobs',
          '3',
          '--batch',
          '10',
          '--keep',
        ],
        {},
      ),
    ).toEqual({
      outdir: 'o',
      all: false,
      selectors: ['111111111111', 'cloudtrail-guard-222222222222-eu-west-1'],
      stateDir: 's',
      jobs: 3,
      batchSize: 10,
      keep: true,
    });
    expect(parsePlanOfflineArgs(['--all'], { CDKTF_OUTDIR: 'elsewhere' })).toMatchObject({ outdir: 'elsewhere' });
    expect(parsePlanOfflineArgs([], {})).toEqual({ problems: [USAGE] });
    expect(parsePlanOfflineArgs(['--all', 'x', '--jobs', '0', '--batch', 'many', '--state', '--fast'], {})).toEqual({
      problems: [
        `--state: a folder (${USAGE})`,
        `--fast: unknown option (${USAGE})`,
        '--jobs: "0": a positive integer',
        '--batch: "many": a positive integer',
        `--all and x: give --all or stacks, not both (${USAGE})`,
      ],
    });
    expect(parsePlanOfflineArgs(['Bad Name'], {})).toEqual({
      problems: [
        `"Bad Name": a stack name such as cloudtrail-guard-111111111111-us-east-1, or a 12-digit account ID (${USAGE})`,
      ],
    });
  });

  test('selection: all, by name, by account ID, each once, in the synthesized order; every unknown one named', () => {
    expect(selectStacks(MULTI, true, [])).toEqual({ stacks: MULTI });
    expect(
      selectStacks(MULTI, false, ['333333333333', 'cloudtrail-guard-111111111111-us-east-1', '111111111111']),
    ).toEqual({ stacks: [MULTI[0], MULTI[2]] });
    expect(selectStacks(MULTI, false, ['999999999999', 'cloudtrail-guard-x'])).toEqual({
      problems: [
        `999999999999: no synthesized stack of that account (run npm run synth first; there are: ${MULTI.join(', ')})`,
        `cloudtrail-guard-x: no synthesized stack of that name (run npm run synth first; there are: ${MULTI.join(', ')})`,
      ],
    });
  });

  test('the summary table', () => {
    expect(
      renderPlanSummary([
        { stack: 'a', ok: true, toAdd: 18, toChange: 1, toDestroy: 0, toMove: 3, toImport: 0, toReplace: 0 },
        { stack: 'b', ok: false, error: 'boom' },
        { stack: 'c', ok: true, toAdd: 2, toChange: 0, toDestroy: 1, toMove: 0, toImport: 0, toReplace: 1 },
      ]),
    ).toBe(
      [
        '| stack | to add | to change | to destroy | to move |',
        '|---|---|---|---|---|',
        '| a | 18 | 1 | 0 | 3 |',
        '| b | failed | failed | failed | failed |',
        '| c | 2 | 0 | 1 | 0 |',
        '| total (3 stacks, 1 failed) | 20 | 1 | 1 | 3 |',
      ].join('\n'),
    );
  });
});

describe('plans and states as Terraform writes them', () => {
  test('counting a plan: creations, updates, replacements, moves, imports, by module', () => {
    const rc = (address: string, actions: string[], extra: object = {}, module?: string) => ({
      address,
      mode: 'managed',
      type: 'x',
      name: 'y',
      ...(module ? { module_address: module } : {}),
      change: { actions },
      ...extra,
    });
    const plan = {
      resource_changes: [
        rc('a.1', ['create']),
        rc('a.2', ['update'], { previous_address: 'a.old' }),
        rc('a.3', ['delete', 'create']),
        rc('a.4', ['create', 'delete']),
        rc('a.5', ['delete']),
        rc('a.6', ['no-op'], { previous_address: 'a.six' }),
        { ...rc('a.7', ['no-op']), change: { actions: ['no-op'], importing: { id: 'i' } } },
        { address: 'data.a.b', mode: 'data', change: { actions: ['read'] } },
        rc('module.s.a.1', ['create'], {}, 'module.s'),
        rc('module.s.module.t.a.1', ['update'], {}, 'module.s.module.t'),
        rc('module.st.a.1', ['create'], {}, 'module.st'),
      ],
    };
    expect(countPlanChanges(plan)).toEqual({
      toAdd: 5,
      toChange: 2,
      toDestroy: 3,
      toMove: 2,
      toImport: 1,
      toReplace: 2,
    });
    expect(countPlanChanges(plan, 'module.s')).toEqual({
      toAdd: 1,
      toChange: 1,
      toDestroy: 0,
      toMove: 0,
      toImport: 0,
      toReplace: 0,
    });
  });

  test('a prior state: a state file as it is, or terraform show -json output turned into one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctg-prior-'));
    try {
      const shown = {
        format_version: '1.0',
        terraform_version: '1.11.4',
        values: {
          outputs: { log_bucket: { sensitive: false, value: 'b', type: 'string' } },
          root_module: {
            resources: [
              {
                address: 'aws_s3_bucket.log_bucket',
                mode: 'managed',
                type: 'aws_s3_bucket',
                name: 'log_bucket',
                provider_name: 'registry.terraform.io/hashicorp/aws',
                schema_version: 0,
                values: { bucket: 'b', id: 'b' },
                sensitive_values: {},
              },
              {
                address: 'aws_x.y[0]',
                mode: 'managed',
                type: 'aws_x',
                name: 'y',
                index: 0,
                provider_name: 'registry.terraform.io/hashicorp/aws',
                schema_version: 2,
                values: { id: '0' },
              },
              {
                address: 'aws_x.y[1]',
                mode: 'managed',
                type: 'aws_x',
                name: 'y',
                index: 1,
                provider_name: 'registry.terraform.io/hashicorp/aws',
                schema_version: 2,
                values: { id: '1' },
              },
            ],
            child_modules: [
              {
                address: 'module.m',
                resources: [
                  {
                    address: 'module.m.aws_z.w',
                    mode: 'managed',
                    type: 'aws_z',
                    name: 'w',
                    provider_name: 'registry.terraform.io/hashicorp/aws',
                    values: {},
                  },
                ],
              },
            ],
          },
        },
      };
      const st = stateFromShowJson(shown);
      expect({ ...st, lineage: 'L', terraform_version: 'V' }).toEqual({
        version: 4,
        terraform_version: 'V',
        serial: 1,
        lineage: 'L',
        outputs: { log_bucket: { value: 'b', type: 'string' } },
        resources: [
          {
            mode: 'managed',
            type: 'aws_s3_bucket',
            name: 'log_bucket',
            provider: 'provider["registry.terraform.io/hashicorp/aws"]',
            instances: [{ schema_version: 0, attributes: { bucket: 'b', id: 'b' }, sensitive_attributes: [] }],
          },
          {
            mode: 'managed',
            type: 'aws_x',
            name: 'y',
            each: 'list',
            provider: 'provider["registry.terraform.io/hashicorp/aws"]',
            instances: [
              { index_key: 0, schema_version: 2, attributes: { id: '0' }, sensitive_attributes: [] },
              { index_key: 1, schema_version: 2, attributes: { id: '1' }, sensitive_attributes: [] },
            ],
          },
          {
            module: 'module.m',
            mode: 'managed',
            type: 'aws_z',
            name: 'w',
            provider: 'provider["registry.terraform.io/hashicorp/aws"]',
            instances: [{ schema_version: 0, attributes: {}, sensitive_attributes: [] }],
          },
        ],
      });
      expect(() => stateFromShowJson({ format_version: '1.2', planned_values: {} })).toThrow(
        'this is terraform show -json of a plan, not of a state',
      );
      writeFileSync(join(dir, 's1.json'), JSON.stringify(shown));
      writeFileSync(
        join(dir, 's2.tfstate'),
        JSON.stringify({ version: 4, terraform_version: '9.9.9', serial: 7, lineage: 'x', outputs: {}, resources: [] }),
      );
      writeFileSync(join(dir, 's3.tfstate'), '{"version": 3}');
      writeFileSync(join(dir, 's4.json'), 'not json');
      expect(priorStateOf(dir, 's1')!.resources).toHaveLength(3);
      const s2 = priorStateOf(dir, 's2')!;
      expect(s2).toMatchObject({ version: 4, serial: 7, lineage: 'x' });
      // terraform refuses a state written by a newer terraform: the copy says the running version
      if (terraformAvailability().ok) expect(s2.terraform_version).toMatch(/^1\.\d+\.\d+$/);
      expect(priorStateOf(dir, 's5')).toBeUndefined();
      expect(() => readPriorState(join(dir, 's3.tfstate'))).toThrow(
        `${join(dir, 's3.tfstate')}: neither a Terraform state file (version 4) nor terraform show -json output of a state`,
      );
      expect(() => readPriorState(join(dir, 's4.json'))).toThrow(`${join(dir, 's4.json')}: Unexpected token`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('terraform: npm run plan:offline on a synthesized estate', () => {
  const out = mkdtempSync(join(tmpdir(), 'ctg-estate-test-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const run = (args: string[]) =>
    spawnSync('node', ['--import', 'tsx', join(ROOT, 'tools', 'offline-terraform.ts'), ...args, '--outdir', out], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  const synth = () => {
    const r = spawnSync('node', ['bin/synth.js'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CLOUDTRAIL_GUARD_CONFIG: example('multi-account.yaml'), CDKTF_OUTDIR: out },
    });
    expect(r.status).toBe(0);
  };
  /** The README's block between `<!-- name -->` and the next end marker, without its code fence. */
  const readmeBlock = (name: string): string[] => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf(`<!-- ${name} -->`);
    expect(start).toBeGreaterThan(0);
    return readme
      .slice(start, readme.indexOf('<!-- plan-offline:end -->', start))
      .split('\n')
      .slice(1)
      .filter((l) => l !== '' && !l.startsWith('```'));
  };

  test('--all: every stack, in parallel, and the summary table the README shows', () => {
    if (!tallyCheck('plan:offline --all of multi-account.yaml')) return;
    synth();
    const r = run(['--all', '--jobs', '2']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 6)).toEqual(readmeBlock('plan-offline:all'));
    expect(lines[6]).toMatch(/^offline plan of 3 stack\(s\) in 2 terraform run\(s\), 2 at a time: \d+\.\d s$/);
    expect(
      r.stderr
        .trim()
        .split('\n')
        .map((l) => l.replace(/\(\d+ s\)$/, '(s)')),
    ).toEqual(expect.arrayContaining(['planned 3/3 stacks (s)']));
  }, 600_000);

  test('one account: that stack alone, its whole plan, as before', () => {
    if (!tallyCheck('plan:offline 222222222222')) return;
    const r = run(['222222222222']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('# aws_config_configuration_recorder.config_recorder will be created');
    expect(r.stdout.trim().split('\n').pop()).toBe(
      'offline plan of cloudtrail-guard-222222222222-eu-west-1: 22 to add, 0 to change, 0 to destroy',
    );
  }, 600_000);

  test('unknown stacks and accounts: one line each, exit 2, nothing planned', () => {
    synth();
    const r = run(['999999999999', 'cloudtrail-guard-999999999999-us-east-1']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `999999999999: no synthesized stack of that account (run npm run synth first; there are: ${MULTI.join(', ')})`,
      `cloudtrail-guard-999999999999-us-east-1: no synthesized stack of that name (run npm run synth first; there are: ${MULTI.join(', ')})`,
    ]);
  });

  test('--state: against prior states (a state file, terraform show -json output), the plan shows the moves', () => {
    if (!tallyCheck('plan:offline --all --state')) return;
    const states = join(out, 'prior');
    mkdirSync(states);
    const old = synthHashedFile(example('multi-account.yaml'));
    // a state file for the first stack
    writeFileSync(join(states, `${MULTI[0]}.tfstate`), JSON.stringify(appliedStateOffline(old[0].json)));
    // terraform show -json of a state, for the third
    const planned = planStackOffline(old[2].json, appliedStateOffline(old[2].json));
    const shown = spawnSync('terraform', ['show', '-json', 'terraform.tfstate'], {
      cwd: planned.dir,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: {
        ...process.env,
        TF_CLI_CONFIG_FILE: (terraformAvailability() as { cliConfig: string }).cliConfig,
        CHECKPOINT_DISABLE: '1',
      },
    });
    expect(shown.status).toBe(0);
    expect(JSON.parse(shown.stdout).values.root_module.resources).toHaveLength(18);
    writeFileSync(join(states, `${MULTI[2]}.json`), shown.stdout);
    rmSync(planned.dir, { recursive: true, force: true });
    const r = run(['--all', '--state', states]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').slice(0, 6)).toEqual([
      '| stack | to add | to change | to destroy | to move |',
      '|---|---|---|---|---|',
      `| ${MULTI[0]} | 0 | 0 | 0 | 18 |`,
      `| ${MULTI[1]} | 22 | 0 | 0 | 0 |`,
      `| ${MULTI[2]} | 0 | 0 | 0 | 18 |`,
      '| total (3 stacks) | 22 | 0 | 0 | 36 |',
    ]);
    expect(r.stderr).toContain(
      `${MULTI[1]}: no ${MULTI[1]}.tfstate or ${MULTI[1]}.json in ${states}: planned against an empty state\n`,
    );
  }, 900_000);
});
