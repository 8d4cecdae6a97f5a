/** Jest global teardown: prints how many terraform checks ran and how many were skipped, and why. */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TALLY_ENV } from './global-setup';

export default function globalTeardown(): void {
  const dir = process.env[TALLY_ENV];
  if (!dir || !existsSync(dir)) return;
  const entries = readdirSync(dir).map(
    (f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { ran: boolean; what: string; why?: string },
  );
  rmSync(dir, { recursive: true, force: true });
  const ran = entries.filter((e) => e.ran).length;
  const skipped = entries.filter((e) => !e.ran);
  console.log(`\nterraform checks: ${ran} ran, ${skipped.length} skipped`);
  for (const why of new Set(skipped.map((s) => s.why))) console.log(`  skipped because: ${why}`);
}
