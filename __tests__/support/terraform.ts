/**
 * Runs terraform offline on synthesized stacks: `init` from the provider mirror, `validate`, `plan`.
 *
 * The mirror comes from `CLOUDTRAIL_GUARD_PROVIDER_MIRROR` (.ci/run sets it). The CLI configuration that points
 * terraform at it is written by the project (tools/terraform-cli-config.ts). For the run, and only here, the stack's
 * remote backend is swapped for a local one, and the provider gets fake credentials, the skip_* settings, and
 * loses assume_role and allowed_account_ids (both need AWS). Everything else is the synthesized JSON as is.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TALLY_ENV } from './global-setup';
import { DEFAULT_CLI_CONFIG, isProviderMirror, MIRROR_ENV, writeCliConfig } from '../../tools/terraform-cli-config';

export type TerraformAvailability = { ok: true; cliConfig: string; version: string } | { ok: false; why: string };

let cached: TerraformAvailability | undefined;

/** Whether terraform and the provider mirror are here; when not, why (tests print it and skip). */
export function terraformAvailability(): TerraformAvailability {
  if (cached) return cached;
  const mirror = process.env[MIRROR_ENV];
  if (!mirror) return (cached = { ok: false, why: `${MIRROR_ENV} is not set and no provider mirror was found` });
  if (!isProviderMirror(mirror)) return (cached = { ok: false, why: `${MIRROR_ENV}=${mirror} holds no hashicorp/aws provider` });
  const cliConfig = writeCliConfig(mirror, DEFAULT_CLI_CONFIG);
  let version: string;
  try {
    version = execFileSync('terraform', ['version'], {
      encoding: 'utf8',
      env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: cliConfig },
    }).split('\n')[0];
  } catch {
    return (cached = { ok: false, why: 'terraform is not on the PATH' });
  }
  return (cached = { ok: true, cliConfig, version });
}

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

export interface PlanResult {
  readonly dir: string;
  readonly validate: { valid: boolean; error_count: number; diagnostics: unknown[] };
  readonly toAdd: number;
  readonly toChange: number;
  readonly toDestroy: number;
  readonly planOutput: string;
}

/** Makes the stack runnable offline; see the file comment. Returns a new object. */
export function offlineCopy(stack: Record<string, any>): Record<string, any> {
  const copy = JSON.parse(JSON.stringify(stack));
  delete copy.terraform.backend;
  delete copy.terraform.cloud;
  copy.terraform.backend = { local: { path: 'terraform.tfstate' } };
  for (const p of copy.provider?.aws ?? []) {
    delete p.assume_role;
    delete p.allowed_account_ids;
    Object.assign(p, {
      access_key: 'AKIAIOSFODNN7EXAMPLE',
      secret_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
    });
  }
  return copy;
}

function run(dir: string, args: string[], cliConfig: string): { status: number; out: string } {
  const r = spawnSync('terraform', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      TF_CLI_CONFIG_FILE: cliConfig,
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PROFILE: '',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/**
 * `terraform init`, `validate -json` and `plan` on one synthesized stack (`cdk.tf.json` content), offline.
 * @throws Error with terraform's output when init or plan fails, or when terraform is not available.
 */
export function initValidatePlan(stack: Record<string, any>, opts: { destroy?: boolean } = {}): PlanResult {
  const a = terraformAvailability();
  if (!a.ok) throw new Error(`terraform is not available: ${a.why}`);
  const dir = mkdtempSync(join(tmpdir(), 'ctg-tf-'));
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(offlineCopy(stack), null, 2));
  const init = run(dir, ['init', '-input=false', '-no-color'], a.cliConfig);
  if (init.status !== 0) throw new Error(`terraform init failed in ${dir}:\n${init.out}`);
  const v = run(dir, ['validate', '-json', '-no-color'], a.cliConfig);
  const validate = JSON.parse(v.out.slice(v.out.indexOf('{')));
  const planArgs = ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false'];
  if (opts.destroy) planArgs.push('-destroy');
  const plan = run(dir, planArgs, a.cliConfig);
  const m = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(plan.out);
  if (plan.status !== 0 && !opts.destroy) throw new Error(`terraform plan failed in ${dir}:\n${plan.out}`);
  return {
    dir,
    validate,
    toAdd: m ? Number(m[1]) : 0,
    toChange: m ? Number(m[2]) : 0,
    toDestroy: m ? Number(m[3]) : 0,
    planOutput: plan.out,
  };
}
