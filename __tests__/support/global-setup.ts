/**
 * Jest global setup: finds the terraform provider mirror when `CLOUDTRAIL_GUARD_PROVIDER_MIRROR` is not set (in
 * well-known places only), and makes this run's tally folder for terraform checks (global-teardown prints it).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProviderMirror, MIRROR_ENV } from '../../tools/terraform-cli-config';

/** Environment variable naming this run's tally folder; workers inherit it. */
export const TALLY_ENV = 'CLOUDTRAIL_GUARD_TERRAFORM_TALLY';

const WELL_KNOWN = ['/opt/tf-plugins', '/usr/share/terraform/plugins', '/usr/local/share/terraform/plugins', `${process.env.HOME}/.terraform.d/plugins`];

export default function globalSetup(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (!process.env[MIRROR_ENV]) {
    const found = WELL_KNOWN.find((d) => existsSync(d) && isProviderMirror(d));
    if (found) process.env[MIRROR_ENV] = found;
  }
  process.env[TALLY_ENV] = mkdtempSync(join(tmpdir(), 'ctg-tally-'));
}
