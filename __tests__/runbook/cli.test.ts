/**
 * `npm run runbook -- ...`: the dry run prints the planned calls for a stopped trail; `check` runs the static checks;
 * refused parameters and usage errors (bad Region, account ID, files, options) exit 2 with one line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './harness';

const PARAMS = [
  '--param',
  'AutomationAssumeRole=arn:aws:iam::111111111111:role/cloudtrail-guard-automation-us-east-1',
  '--param',
  'TrailName=org-audit',
  '--param',
  'S3BucketName=ct-logs-111111111111',
  '--param',
  'S3KeyPrefix=logs',
  '--param',
  'KmsKeyId=arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  '--param',
  'IsOrganizationTrail=false',
];

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'tools/runbook-cli.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      AWS_REGION: '',
      AWS_DEFAULT_REGION: '',
      AWS_ACCESS_KEY_ID: '',
      AWS_PROFILE: 'cloudtrail-guard-none',
    },
  });

describe('runbook CLI', () => {
  it('--dry-run --assume-state stopped prints the planned calls: one write, StartLogging, nothing sent', () => {
    const r = cli('--dry-run', '--assume-state', 'stopped', '--region', 'us-east-1', ...PARAMS);
    expect(r.stderr).not.toMatch(/runbook:/);
    expect(r.status).toBe(0);
    const writes = r.stdout.split('\n').filter((l) => l.includes('would call (write, not sent)'));
    expect(writes).toEqual(['  would call (write, not sent): cloudtrail:StartLogging {"Name":"org-audit"}']);
    expect(r.stdout).toContain(
      '  would call (read, answered by the assumed state): cloudtrail:GetTrail {"Name":"org-audit"}',
    );
    expect(r.stdout).toContain('step CheckLogging (aws:branch): Success -> StartLogging');
    expect(r.stdout).toContain('planned writes: StartLogging {"Name":"org-audit"}');
    expect(r.stdout).toMatch(/execution [0-9a-f-]{36}: Success/);
  });

  it('--dry-run --json from an absent trail plans CreateTrail then StartLogging', () => {
    const r = cli('--dry-run', '--json', '--region', 'us-east-1', ...PARAMS);
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout) as {
      status: string;
      calls: Array<{ api: string; kind: string }>;
      changes: string[];
    };
    expect(result.status).toBe('Success');
    expect(result.changes).toEqual(['CreateTrail', 'StartLogging']);
    expect(result.calls.filter((c) => c.kind === 'write').map((c) => c.api)).toEqual(['CreateTrail', 'StartLogging']);
  });

  it('check reports no problems for the deployed runbook', () => {
    const r = cli('check');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /cloudtrail-remediation-action\.yml: no problems \(SSM JSON Schema, AWS API model, structure\)\n$/,
    );
  });

  it('refuses IsMultiRegionTrail=True with exit status 2, as the service refuses to start', () => {
    const r = cli('--dry-run', '--region', 'us-east-1', ...PARAMS, '--param', 'IsMultiRegionTrail=True');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('IsMultiRegionTrail (Boolean): a Boolean is exactly "true" or "false", got "True"');
  });
});

describe('runbook CLI usage errors: one line naming the option, the value and what is allowed; exit 2; no stack trace', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'ctg-runbook-cli-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const path = join(tmp, name);
    writeFileSync(path, text);
    return path;
  };
  /** Asserts exit 2, exactly one stderr line (`runbook: ...`), and no stack trace. */
  const expectUsage = (r: ReturnType<typeof cli>, line: string | RegExp): void => {
    expect(r.status).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    if (typeof line === 'string') expect(lines[0]).toBe(line);
    else expect(lines[0]).toMatch(line);
    expect(r.stderr).not.toMatch(/\n\s+at |SyntaxError|TypeError/);
  };
  const REGION_RULE = 'a known AWS Region such as us-east-1 (exactly, no white space)';

  it.each([['junk'], ['us-east-1 '], ['']])('--region %j', (region) => {
    expectUsage(cli('--dry-run', '--region', region, ...PARAMS), `runbook: --region ${JSON.stringify(region)}: ${REGION_RULE}`);
  });

  it('a Region from AWS_REGION is checked too, naming the variable', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'tools/runbook-cli.ts', '--dry-run', ...PARAMS], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, AWS_REGION: 'mars-1', AWS_DEFAULT_REGION: '', AWS_PROFILE: 'cloudtrail-guard-none' },
    });
    expectUsage(r, `runbook: environment variable AWS_REGION "mars-1": ${REGION_RULE}`);
  });

  it.each([['junk'], ['1111111111111 ']])('--account-id %j', (id) => {
    expectUsage(
      cli('--dry-run', '--region', 'us-east-1', '--account-id', id, ...PARAMS),
      `runbook: --account-id ${JSON.stringify(id)}: a 12-digit AWS account ID`,
    );
  });

  it('--params-file that is not JSON, not an object, or missing', () => {
    const notJson = file('params-not-json.json', 'not json');
    expectUsage(
      cli('--dry-run', '--region', 'us-east-1', '--params-file', notJson),
      new RegExp(`^runbook: --params-file ${escape(JSON.stringify(notJson))}: not JSON \\(.+\\); a JSON object \\{"Name": "value" \\| \\["v1", "v2"\\]\\}$`),
    );
    const list = file('params-list.json', '["TrailName=x"]');
    expectUsage(
      cli('--dry-run', '--region', 'us-east-1', '--params-file', list),
      `runbook: --params-file ${JSON.stringify(list)}: holds an array; a JSON object {"Name": "value" | ["v1", "v2"]}`,
    );
    const missing = join(tmp, 'no-such-params.json');
    expectUsage(
      cli('--dry-run', '--region', 'us-east-1', '--params-file', missing),
      `runbook: --params-file ${JSON.stringify(missing)}: cannot read the file (ENOENT); a JSON object {"Name": "value" | ["v1", "v2"]}`,
    );
  });

  it('--state-file that is not JSON', () => {
    const bad = file('state.json', '{"isLogging": fals');
    expectUsage(
      cli('--dry-run', '--region', 'us-east-1', '--state-file', bad, ...PARAMS),
      new RegExp(`^runbook: --state-file ${escape(JSON.stringify(bad))}: not JSON \\(.+\\); a JSON object of TrailState fields$`),
    );
  });

  it('a dry run without TrailName and S3BucketName is a one-line usage error', () => {
    expectUsage(
      cli('--dry-run', '--assume-state', 'stopped', '--region', 'us-east-1'),
      /^runbook: a dry run needs the TrailName and S3BucketName parameters$/,
    );
  });

  it('check --file with a missing file or a file that is not a runbook', () => {
    const missing = join(tmp, 'no-such-runbook.yml');
    expectUsage(
      cli('check', '--file', missing),
      `runbook: --file ${JSON.stringify(missing)}: cannot read the file (ENOENT); an SSM Automation runbook (YAML with schemaVersion and mainSteps)`,
    );
    const notRunbook = file('not-runbook.yml', 'description: no steps\n');
    expectUsage(
      cli('check', '--file', notRunbook),
      `runbook: --file ${JSON.stringify(notRunbook)}: not a runbook (a runbook has schemaVersion (a string such as "0.3")); an SSM Automation runbook (YAML with schemaVersion and mainSteps)`,
    );
  });

  it('an unknown option, a missing option value, and an unknown command', () => {
    expectUsage(cli('--bogus'), /^runbook: --bogus: unknown option; one of --file, --param, --params-file, --region, .*--help \(see --help\)$/);
    expectUsage(cli('--dry-run', '--region'), /^runbook: Option '--region <value>' argument missing \(see --help\)$/);
    expectUsage(cli('deploy'), 'runbook: unknown command "deploy": run or check (see --help)');
  });

  it('--assume-state and --endpoint-url outside their allowed values', () => {
    expectUsage(
      cli('--dry-run', '--region', 'us-east-1', '--assume-state', 'broken', ...PARAMS),
      /^runbook: --assume-state "broken": one of absent, .+$/,
    );
    expectUsage(
      cli('--region', 'us-east-1', '--endpoint-url', 'localhost:4566', ...PARAMS),
      'runbook: --endpoint-url "localhost:4566": an http(s) URL such as http://localhost:4566',
    );
  });
});

/** Escapes a string for use inside a RegExp. */
function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
