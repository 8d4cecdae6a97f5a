/**
 * Test support for terraform checks: the offline runner (tools/offline-terraform.ts) and the tally of checks that the
 * global teardown prints (`terraform checks: N ran, M skipped`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terraformAvailability } from '../../tools/offline-terraform';
import { TALLY_ENV } from './global-setup';

export { initValidatePlan, offlineCopy, terraformAvailability } from '../../tools/offline-terraform';
export type { PlanResult, TerraformAvailability } from '../../tools/offline-terraform';

/**
 * Records one terraform check in the tally that the global teardown prints (`terraform checks: N ran, M skipped`).
 * When terraform is not available, prints why, so a skip is never silent.
 * @returns true when the check can run
 */
export function tallyCheck(what: string): boolean {
  const a = terraformAvailability();
  const dir = process.env[TALLY_ENV] ?? join(tmpdir(), 'ctg-tally-orphan');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`), JSON.stringify({ ran: a.ok, what, why: a.ok ? undefined : a.why }));
  if (!a.ok) console.warn(`SKIPPED terraform check (${what}): ${a.why}`);
  return a.ok;
}

