/**
 * Jest global setup: finds the terraform provider mirror when `CLOUDTRAIL_GUARD_PROVIDER_MIRROR` is not set (in
 * well-known places only), and makes this run's tally folder for terraform checks (global-teardown prints it).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProviderMirror } from '../../tools/offline-terraform';
import { MIRROR_ENV } from '../../tools/terraform-cli-config';

/** Environment variable naming this run's tally folder; workers inherit it. */
export const TALLY_ENV = 'CLOUDTRAIL_GUARD_TERRAFORM_TALLY';

export default function globalSetup(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const mirror = findProviderMirror();
  if (mirror) process.env[MIRROR_ENV] = mirror;
  process.env[TALLY_ENV] = mkdtempSync(join(tmpdir(), 'ctg-tally-'));
}
