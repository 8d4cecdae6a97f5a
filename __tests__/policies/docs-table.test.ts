/**
 * docs/security.md's table of allowed and denied requests is exactly the list the policy tests evaluate
 * (cases.ts): same rows, same order, same cells. A row in the docs that no test asserts, or a test row missing from
 * the docs, fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { POLICY_CASES, TABLE_COLUMNS, tableCells } from './cases';

const DOC = join(__dirname, '..', '..', 'docs', 'security.md');
const README = join(__dirname, '..', '..', 'README.md');

/** Splits a markdown table row into its cells, honouring `\|` inside a cell. */
function splitRow(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => c.trim());
}

/** The rows of the table between the security-table markers (header and separator included). */
function docTable(file: string): string[][] {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('<!-- security-table:start -->');
  const end = text.indexOf('<!-- security-table:end -->');
  expect(start).toBeGreaterThan(-1);
  expect(end).toBeGreaterThan(start);
  return text
    .slice(start, end)
    .split('\n')
    .filter((l) => l.trim().startsWith('|'))
    .map(splitRow);
}

describe.each([
  ['docs/security.md', DOC],
  ['README.md (Security section)', README],
])('%s', (_name, file) => {
  const rows = docTable(file);

  it('has the stable header | id | setup | policy | principal | action | resource | condition | verdict |', () => {
    expect(rows[0]).toEqual([...TABLE_COLUMNS]);
    // The separator row: dashes (any number, so that a formatter may pad the columns).
    expect(rows[1].map((c) => /^:?-{3,}:?$/.test(c))).toEqual(TABLE_COLUMNS.map(() => true));
  });

  it('lists exactly the rows that the policy tests assert, in order, cell for cell', () => {
    expect(rows.slice(2)).toEqual(POLICY_CASES.map(tableCells));
  });

  it('has unique ids and only the three verdicts', () => {
    const body = rows.slice(2);
    expect(new Set(body.map((r) => r[0])).size).toBe(body.length);
    expect([...new Set(body.map((r) => r[7]))].sort()).toEqual(['allowed', 'denied', 'denied (explicit)']);
  });

  it("names the simulator's licence and that it is a devDependency only", () => {
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('AGPL-3.0-or-later');
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
    expect(pkg.devDependencies['@cloud-copilot/iam-simulate']).toBeDefined();
    expect(pkg.dependencies['@cloud-copilot/iam-simulate']).toBeUndefined();
  });
});
