/**
 * What the README and docs/log-archive.md say of the layouts is what the app builds: the README's layouts table names,
 * for each example, exactly the stacks it synthesizes, in deploy order (the log archive first); every module and stack
 * file the README's tables cite exists; and the claims of the README's Security paragraph on the layouts hold in the
 * synthesized JSON of the examples.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { example, resources, ROOT, synthFile } from '../support/synth';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const LOG_ARCHIVE_DOC = readFileSync(join(ROOT, 'docs', 'log-archive.md'), 'utf8');

/** The rows of the table between `<!-- name:start -->` and `<!-- name:end -->`, cells without their backticks. */
function table(text: string, name: string): string[][] {
  const start = text.indexOf(`<!-- ${name}:start -->`);
  const end = text.indexOf(`<!-- ${name}:end -->`);
  expect([start > 0, end > start]).toEqual([true, true]);
  return text
    .slice(start, end)
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(2)
    .map((l) => l.replace(/^\||\|$/g, '').split('|').map((c) => c.trim().replace(/^`(.*)`$/, '$1')));
}

describe("README: the layouts table", () => {
  const rows = table(README, 'layouts');

  it('lists every example once', () => {
    expect(rows.map((r) => r[1]).sort()).toEqual(['log-archive.yaml', 'multi-account.yaml', 'organization.yaml', 'single-account.yaml']);
  });

  it.each(rows.map((r) => [r[1], r[2]]))('%s synthesizes exactly the stacks it names, in that (deploy) order', (file, cell) => {
    expect(synthFile(example(file)).map((s) => s.name)).toEqual(cell.split(', '));
  });
});

describe('the modules and stacks the README cites exist', () => {
  const cited = [...new Set([...README.matchAll(/`((?:modules|stacks)\/[a-z/-]+\.ts)`/g)].map((m) => m[1]))];
  it.each(cited)('%s', (path) => {
    expect(existsSync(join(ROOT, path))).toBe(true);
  });
  it('among them the log archive, its key reference and the detection-only stack', () => {
    expect(cited).toEqual(
      expect.arrayContaining([
        'modules/log-archive-bucket.ts',
        'modules/log-archive-key.ts',
        'modules/log-archive-key-ref.ts',
        'modules/policies/guard-tamper-scp.ts',
        'stacks/detection-stack.ts',
      ]),
    );
  });
});

describe("the README's Security paragraph and docs/log-archive.md on the layouts", () => {
  const archive = synthFile(example('log-archive.yaml'));
  const org = synthFile(example('organization.yaml'));
  const policy = (text: string) => JSON.parse(text.replace(/\$\$\{/g, '${'));

  it('each served account writes only its own AWSLogs/<account>/ path: one statement, the variable ${aws:SourceAccount}', () => {
    expect(README).toContain('only its own `AWSLogs/<account>/` path (one statement, the policy variable `${aws:SourceAccount}`');
    const [, p] = resources(archive[0].json, 'aws_s3_bucket_policy').find(([id]) => id === 'archive_policy')!;
    const writes = policy(p.policy).Statement.filter((s: any) => s.Action === 's3:PutObject');
    expect(writes.map((s: any) => s.Resource)).toEqual(['arn:aws:s3:::cloudtrail-guard-archive-444444444444-eu-west-1/logs/AWSLogs/${aws:SourceAccount}/*']);
  });

  it("a member's stack only detects, so no member pays for a second trail", () => {
    expect(README).toContain("a member's\nstack only detects, so no member pays for a second trail");
    const member = org.find((s) => s.name === 'cloudtrail-guard-222222222222-us-east-1')!;
    expect(Object.keys(member.json.resource)).toEqual(['aws_config_config_rule']);
    expect(org.flatMap((s) => resources(s.json, 'aws_cloudtrail'))).toHaveLength(1);
  });

  it('the guard roles sit on the IAM path /cloudtrail-guard/, in every example', () => {
    for (const f of ['single-account.yaml', 'multi-account.yaml', 'log-archive.yaml', 'organization.yaml'])
      for (const s of synthFile(example(f)))
        for (const [, r] of resources(s.json, 'aws_iam_role').filter(([, x]) => /^cloudtrail-guard-/.test(x.name)))
          expect([s.name, r.name, r.path]).toEqual([s.name, r.name, '/cloudtrail-guard/']);
  });

  it('docs/log-archive.md names the stacks of each layout as the examples build them', () => {
    expect(LOG_ARCHIVE_DOC).toContain('`examples/log-archive.yaml`');
    expect(LOG_ARCHIVE_DOC).toContain('`examples/organization.yaml`');
    expect(LOG_ARCHIVE_DOC).toContain('(`buildStacks` synthesizes it first)');
    for (const stacks of [archive, org]) expect(stacks[0].name).toMatch(/^cloudtrail-guard-log-archive-444444444444-/);
  });
});
