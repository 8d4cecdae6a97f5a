/**
 * Writes the configuration file's JSON Schema (`schema/cloudtrail-guard.schema.json`) from the zod schema, so editors
 * complete and check config files (yaml-language-server reads the `$schema` comment on each example's first line).
 * A test fails when the committed file is out of date: run `npm run schema`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { GuardConfigInput } from '../config/schema';

/** Where the JSON Schema is committed. */
export const SCHEMA_PATH = join(__dirname, '..', 'schema', 'cloudtrail-guard.schema.json');

/**
 * The JSON Schema text (draft 2020-12, the input side of `GuardConfigInput`), pretty-printed with a trailing newline.
 * @see https://zod.dev/json-schema
 */
export function jsonSchemaText(): string {
  const schema = z.toJSONSchema(GuardConfigInput, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, $id: 'https://github.com/cloudtrail-guard/cloudtrail-guard/schema/cloudtrail-guard.schema.json', title: 'cloudtrail-guard configuration' }, null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(SCHEMA_PATH, jsonSchemaText());
  console.log(SCHEMA_PATH);
}
