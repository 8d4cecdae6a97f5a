/**
 * Runs terraform offline on a synthesized stack: `init` from a provider mirror, `validate`, `plan`. For machines
 * without a registry or AWS credentials: the tests use it, and so can you, to review a plan.
 *
 * Usage: `npm run plan:offline -- <stack name> [--outdir cdktf.out]` after `npm run synth`.
 *
 * The mirror comes from `CLOUDTRAIL_GUARD_PROVIDER_MIRROR`, or else the first of a few well-known folders that holds
 * one. The CLI configuration that points terraform at it is written by the project (tools/terraform-cli-config.ts).
 * In a copy of the stack, and only there, the remote backend is swapped for a local one, and the provider gets fake
 * credentials, the skip_* settings, and loses assume_role and allowed_account_ids (both need AWS). Everything else is
 * the synthesized JSON as is. The plan shows what would be created; it reads nothing from AWS.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CLI_CONFIG, isProviderMirror, MIRROR_ENV, writeCliConfig } from './terraform-cli-config';

/** Folders searched for a provider mirror when `CLOUDTRAIL_GUARD_PROVIDER_MIRROR` is not set. */
export const WELL_KNOWN_MIRRORS: readonly string[] = [
  '/opt/tf-plugins',
  '/usr/share/terraform/plugins',
  '/usr/local/share/terraform/plugins',
  ...(process.env.HOME ? [`${process.env.HOME}/.terraform.d/plugins`] : []),
];

/**
 * The provider mirror: `CLOUDTRAIL_GUARD_PROVIDER_MIRROR` (as set, not checked), else the first well-known folder that
 * holds one, else `undefined`.
 * @param env @default process.env
 */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[MIRROR_ENV] || WELL_KNOWN_MIRRORS.find((d) => existsSync(d) && isProviderMirror(d));
}

/**
 * Whether terraform can run offline here: `cliConfig` is the CLI configuration file written for the mirror and
 * `version` the first line of `terraform version`; or `why` not.
 */
export type TerraformAvailability = { ok: true; cliConfig: string; version: string } | { ok: false; why: string };

let cached: TerraformAvailability | undefined;

/**
 * Whether terraform and the provider mirror are here; when not, why (tests print it and skip). The answer is cached
 * for the process; on the way it writes the CLI configuration to `DEFAULT_CLI_CONFIG`.
 * @see https://developer.hashicorp.com/terraform/cli/config/config-file#provider-installation
 */
export function terraformAvailability(): TerraformAvailability {
  if (cached) return cached;
  const mirror = findProviderMirror();
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

/** What {@link initValidatePlan} found. */
export interface PlanResult {
  /** The temporary folder terraform ran in (left in place for inspection). */
  readonly dir: string;
  /** `terraform validate -json` output. */
  readonly validate: { valid: boolean; error_count: number; diagnostics: unknown[] };
  /** Resources the plan would add. */
  readonly toAdd: number;
  /** Resources the plan would change in place. */
  readonly toChange: number;
  /** Resources the plan would destroy. */
  readonly toDestroy: number;
  /** The plan's text output (stdout and stderr). */
  readonly planOutput: string;
  /** With `opts.planJson`: `terraform show -json` of the saved plan (planned values, resource changes). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Terraform's JSON plan representation
  readonly plan?: Record<string, any>;
}

/**
 * Makes the stack runnable offline; see the file comment. Returns a new object; `stack` is not changed.
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Terraform JSON
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
 * @param opts `destroy: true` plans a destroy (`plan -destroy`); a failed destroy plan (e.g. `prevent_destroy`) is then
 *   returned in `planOutput`, not thrown. `planJson: true` saves the plan and returns `terraform show -json` of it in
 *   `plan` (https://developer.hashicorp.com/terraform/internals/json-format). @default {}
 * @throws Error with terraform's output when init fails, when a (non-destroy) plan fails, or when terraform is not
 *   available; SyntaxError when `terraform validate -json` prints no JSON.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Terraform JSON
export function initValidatePlan(stack: Record<string, any>, opts: { destroy?: boolean; planJson?: boolean } = {}): PlanResult {
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
  if (opts.planJson) planArgs.push('-out=tfplan');
  const plan = run(dir, planArgs, a.cliConfig);
  const m = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(plan.out);
  if (plan.status !== 0 && !opts.destroy) throw new Error(`terraform plan failed in ${dir}:\n${plan.out}`);
  let shown: Record<string, unknown> | undefined;
  if (opts.planJson && plan.status === 0) {
    const show = run(dir, ['show', '-json', '-no-color', 'tfplan'], a.cliConfig);
    if (show.status !== 0) throw new Error(`terraform show -json failed in ${dir}:\n${show.out}`);
    shown = JSON.parse(show.out.slice(show.out.indexOf('{')));
  }
  return {
    dir,
    validate,
    toAdd: m ? Number(m[1]) : 0,
    toChange: m ? Number(m[2]) : 0,
    toDestroy: m ? Number(m[3]) : 0,
    planOutput: plan.out,
    plan: shown,
  };
}

if (require.main === module) {
  const usage = 'usage: npm run plan:offline -- <stack name> [--outdir cdktf.out] [--keep]';
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--outdir');
  if (outIdx >= 0 && (args[outIdx + 1] === undefined || args[outIdx + 1].startsWith('--'))) {
    console.error(`--outdir: a folder (${usage})`);
    process.exit(2);
  }
  const outdir = outIdx >= 0 ? args[outIdx + 1] : process.env.CDKTF_OUTDIR || 'cdktf.out';
  const stackName = args.find((a, i) => !a.startsWith('--') && (outIdx < 0 || i !== outIdx + 1));
  if (!stackName) {
    console.error(usage);
    process.exit(2);
  }
  if (!/^[a-z0-9][a-z0-9-]*$/.test(stackName)) {
    console.error(`${JSON.stringify(stackName)}: a stack name such as cloudtrail-guard-111111111111-us-east-1 (${usage})`);
    process.exit(2);
  }
  const file = join(outdir, 'stacks', stackName, 'cdk.tf.json');
  if (!existsSync(file)) {
    console.error(`${file} does not exist: run npm run synth first (stack names are cloudtrail-guard-<account>-<region>)`);
    process.exit(2);
  }
  try {
    const r = initValidatePlan(JSON.parse(readFileSync(file, 'utf8')));
    console.log(r.planOutput);
    console.log(`offline plan of ${stackName}: ${r.toAdd} to add, ${r.toChange} to change, ${r.toDestroy} to destroy`);
    // The working copy is kept only when asked for (--keep), to look at; it holds nothing of value otherwise.
    if (args.includes('--keep')) console.log(`working copy kept in ${r.dir}`);
    else rmSync(r.dir, { recursive: true, force: true });
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
