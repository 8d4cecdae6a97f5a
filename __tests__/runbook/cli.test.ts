/**
 * `npm run runbook -- ...`: the dry run prints the planned calls for a stopped trail; `check` runs the static checks;
 * refused parameters exit 2.
 */
import { spawnSync } from 'node:child_process';
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
