/**
 * Writes the configuration file's JSON Schema (`schema/cloudtrail-guard.schema.json`) from the zod schema, so editors
 * complete and check config files (yaml-language-server reads the `$schema` comment on each example's first line).
 * Each field's `description` (what an editor shows on hover) is the row for that field in the README's config
 * reference (`### Inputs`), so the two never say different things. A test fails when the committed file is out of
 * date: run `npm run schema`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { isKnownRegion, partitionOf } from '../config/regions';
import { GuardConfigInput, Region, SUPPORTED_PARTITIONS } from '../config/schema';

/** Where the JSON Schema is committed. */
export const SCHEMA_PATH = join(__dirname, '..', 'schema', 'cloudtrail-guard.schema.json');

/** The README, whose `### Inputs` table gives each field's description. */
const README_PATH = join(__dirname, '..', 'README.md');

/**
 * The README's config reference: field path (`accounts[].trail.name`) → `description (default: …)`.
 * @param readme the README's text
 * @returns one entry per row of the `### Inputs` table; empty when there is none
 */
export function readmeFieldDescriptions(readme: string): Map<string, string> {
  const start = readme.indexOf('### Inputs');
  const out = new Map<string, string>();
  if (start < 0) return out;
  const end = readme.indexOf('\n### ', start + 1);
  for (const line of readme.slice(start, end < 0 ? undefined : end).split('\n')) {
    const cells = line
      .trim()
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, '|'));
    const m = /^`([^`]+)`$/.exec(cells[0] ?? '');
    if (!m || cells.length < 4) continue;
    const plain = (t: string): string => t.replace(/`/g, '');
    out.set(m[1], `${plain(cells[3])} (type: ${plain(cells[1])}; default: ${plain(cells[2])})`);
  }
  return out;
}

type JsonSchemaNode = {
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  oneOf?: JsonSchemaNode[];
  anyOf?: JsonSchemaNode[];
  [k: string]: unknown;
};

/** Sets `description` on every node whose path the README describes (`defaults.x` takes the row of `accounts[].x`). */
function describe(node: JsonSchemaNode, path: string, rows: Map<string, string>): void {
  const row = rows.get(path) ?? (path.startsWith('defaults.') ? rows.get(`accounts[].${path.slice('defaults.'.length)}`) : undefined);
  if (row && path !== '') node.description = row;
  for (const variant of [...(node.oneOf ?? []), ...(node.anyOf ?? [])]) describe(variant, path, rows);
  if (node.items) describe(node.items, `${path}[]`, rows);
  for (const [key, child] of Object.entries(node.properties ?? {})) describe(child, path ? `${path}.${key}` : key, rows);
}

/**
 * The Regions the loader accepts (`Region` in config/schema.ts), listed: every Region that the AWS SDK's partition data
 * names in the aws, aws-cn and aws-us-gov partitions. The SDK has no function that lists them, so they are read from
 * the partition table in its source (`@aws-sdk/core/client`), and each is checked against the loader's own test.
 * @returns the Regions, sorted
 * @throws Error when the SDK's source has no partition table, or a Region read from it is one the loader refuses
 */
export function knownRegions(): string[] {
  const source = readFileSync(require.resolve('@aws-sdk/core/client'), 'utf8');
  const start = source.indexOf('const partitionsInfo = {');
  const end = source.indexOf('\n};', start);
  if (start < 0 || end < 0) throw new Error('the AWS SDK no longer has its partition table where write-schema.ts looks for it');
  const info = JSON.parse(source.slice(source.indexOf('{', start), end + 2)) as {
    partitions: Array<{ id: string; regions: Record<string, { description?: string }> }>;
  };
  const regions = info.partitions
    .filter((p) => SUPPORTED_PARTITIONS.includes(p.id))
    .flatMap((p) => Object.entries(p.regions).filter(([, r]) => typeof r.description === 'string').map(([name]) => name))
    .filter((r) => isKnownRegion(r))
    .sort();
  for (const r of regions) {
    if (!Region.safeParse(r).success || !SUPPORTED_PARTITIONS.includes(partitionOf(r))) throw new Error(`the loader refuses the SDK's Region ${r}`);
  }
  if (!regions.includes('us-east-1')) throw new Error('no us-east-1 in the SDK partition table: it was not read right');
  return regions;
}

/**
 * The JSON Schema text (draft 2020-12, the input side of `GuardConfigInput`, descriptions from the README),
 * pretty-printed with a trailing newline. Every rule of the zod schema is a regular expression, an enum or a bound, so
 * it carries over as is; the one refinement, `Region`, becomes the `enum` of {@link knownRegions}.
 * @see https://zod.dev/json-schema
 */
export function jsonSchemaText(readme: string = readFileSync(README_PATH, 'utf8')): string {
  const regions = knownRegions();
  const schema = z.toJSONSchema(GuardConfigInput, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema === Region) (ctx.jsonSchema as JsonSchemaNode).enum = regions;
    },
  }) as JsonSchemaNode;
  describe(schema, '', readmeFieldDescriptions(readme));
  return `${JSON.stringify({ ...schema, $id: 'https://github.com/cloudtrail-guard/cloudtrail-guard/schema/cloudtrail-guard.schema.json', title: 'cloudtrail-guard configuration' }, null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(SCHEMA_PATH, jsonSchemaText());
  console.log(SCHEMA_PATH);
}
