/**
 * Runs terraform offline on a synthesized stack: `init` from a provider mirror, `validate`, `plan`. For machines
 * without a registry or AWS credentials: the tests use it, and so can you, to review a plan.
 *
 * Usage, after `npm run synth`:
 * - `npm run plan:offline -- <stack name> [--outdir cdktf.out] [--state <dir>] [--keep]`: one stack, its whole plan;
 * - `npm run plan:offline -- --all | <stack name | account ID>... [--state <dir>] [--jobs <n>] [--batch <n>]`: many
 *   stacks in parallel ({@link planEstateOffline}), and a summary table: stack, to add, to change, to destroy, to move.
 * `--state <dir>` plans against prior state: `<dir>/<stack>.tfstate` or `<dir>/<stack>.json`, a state file or
 * `terraform show -json` output of one ({@link readPriorState}); so the plan shows what a change does.
 *
 * The mirror comes from `CLOUDTRAIL_GUARD_PROVIDER_MIRROR`, or else the first of a few well-known folders that holds
 * one. The CLI configuration that points terraform at it is written by the project (tools/terraform-cli-config.ts).
 * In a copy of the stack, and only there, the remote backend is swapped for a local one, and the provider gets fake
 * credentials, the skip_* settings, and loses assume_role and allowed_account_ids (both need AWS); the log archive's key
 * ARN, which a stack delivering to the archive reads from KMS, is stubbed (tools/offline-stubs.ts). Everything else is
 * the synthesized JSON as is. The plan (`-refresh=false`) reads nothing from AWS: against an empty state it shows what
 * would be created; against a prior state, what would change.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stubArchiveKeyData } from './offline-stubs';
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
  // The log archive's key ARN, read from KMS at plan time in stacks that deliver to the archive (tools/offline-stubs.ts).
  stubArchiveKeyData(copy);
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

// ---------------------------------------------------------------------------------------------------------------------
// Estates: many stacks at once, in parallel, against prior state.

/** Terraform state in its file format, version 4 (what `terraform.tfstate` holds). */
export interface StateV4 {
  readonly version: 4;
  readonly terraform_version: string;
  readonly serial: number;
  readonly lineage: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Terraform JSON
  readonly outputs: Record<string, any>;
  readonly resources: StateResourceV4[];
}

/** One resource of a {@link StateV4}. */
export interface StateResourceV4 {
  /** `module.a.module.b`; absent in the root module. */
  readonly module?: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  /** `list` (count) or `map` (for_each); absent for a single instance. */
  readonly each?: 'list' | 'map';
  /** `provider["registry.terraform.io/hashicorp/aws"]`, or with a `module.<name>.` prefix. */
  readonly provider: string;
  readonly instances: Array<{
    index_key?: number | string;
    schema_version: number;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Terraform JSON
    attributes: Record<string, any>;
    sensitive_attributes: unknown[];
    dependencies?: string[];
  }>;
}

/** Counts of one stack's plan, as Terraform's own summary counts them, and the moves (`moved` blocks applied). */
export interface PlanCounts {
  /** Resources created, a replacement counted once here and once in `toDestroy` (Terraform's `Plan:` line). */
  readonly toAdd: number;
  /** Resources updated in place. */
  readonly toChange: number;
  /** Resources destroyed (replacements included). */
  readonly toDestroy: number;
  /** Resources whose address changes (`moved` blocks), whatever else happens to them. */
  readonly toMove: number;
  /** Resources imported (`import` blocks). */
  readonly toImport: number;
  /** Resources replaced (in both `toAdd` and `toDestroy`). */
  readonly toReplace: number;
}

/** The running terraform's version, `1.11.4` (from `terraform version`), or `undefined` when terraform is not here. */
function terraformVersionNumber(): string | undefined {
  const a = terraformAvailability();
  return a.ok ? /v(\d+\.\d+\.\d+)/.exec(a.version)?.[1] : undefined;
}

/**
 * Counts a plan's resource changes, from `terraform show -json` of a saved plan: all of them, or only those of the
 * module `moduleAddress` (e.g. `module.cloudtrail-guard-111111111111-us-east-1`) and its children. `create` adds,
 * `update` changes, `delete` destroys, a replacement (`delete`+`create` in either order) adds and destroys;
 * a `previous_address` is a move; `change.importing` an import. `read` and `no-op` count as nothing else.
 * @see https://developer.hashicorp.com/terraform/internals/json-format#plan-representation
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Terraform JSON
export function countPlanChanges(plan: Record<string, any>, moduleAddress?: string): PlanCounts {
  const c = { toAdd: 0, toChange: 0, toDestroy: 0, toMove: 0, toImport: 0, toReplace: 0 };
  const within = (m: string | undefined): boolean =>
    moduleAddress === undefined || m === moduleAddress || (m ?? '').startsWith(`${moduleAddress}.`);
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== 'managed' || !within(rc.module_address)) continue;
    const actions: string[] = rc.change?.actions ?? [];
    const replace = actions.includes('create') && actions.includes('delete');
    if (replace) c.toReplace++;
    if (actions.includes('create')) c.toAdd++;
    if (actions.includes('delete')) c.toDestroy++;
    if (actions.length === 1 && actions[0] === 'update') c.toChange++;
    if (rc.previous_address !== undefined && rc.previous_address !== rc.address) c.toMove++;
    if (rc.change?.importing) c.toImport++;
  }
  return c;
}

/**
 * A state in the file format (v4) from `terraform show -json` of a state: each resource with its `values` as
 * attributes and its `schema_version`. The sensitivity marks (`sensitive_values`) are left out (they only hide values
 * in a plan's text); so are outputs' values' types. The state's `terraform_version` is the running terraform's (the
 * state is for an offline plan here, and terraform refuses state written by a newer version).
 * @param shown `terraform show -json` output for a state (`{"format_version": …, "values": {"root_module": …}}`); a
 *   state with no resources may have no `values`
 * @throws Error when `shown` is a plan (it has `planned_values`) or has no `format_version`
 * @see https://developer.hashicorp.com/terraform/internals/json-format#state-representation
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Terraform JSON
export function stateFromShowJson(shown: Record<string, any>): StateV4 {
  if (shown.planned_values !== undefined) throw new Error('this is terraform show -json of a plan, not of a state');
  if (typeof shown.format_version !== 'string') throw new Error('not terraform show -json output (no format_version)');
  const byKey = new Map<string, StateResourceV4>();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Terraform JSON
  const walk = (mod: Record<string, any> | undefined): void => {
    if (!mod) return;
    for (const r of mod.resources ?? []) {
      const module = mod.address as string | undefined;
      const key = `${module ?? ''}|${r.mode}|${r.type}|${r.name}`;
      let res = byKey.get(key);
      if (!res) {
        res = {
          ...(module ? { module } : {}),
          mode: r.mode,
          type: r.type,
          name: r.name,
          ...(r.index === undefined ? {} : { each: typeof r.index === 'number' ? ('list' as const) : ('map' as const) }),
          provider: `provider[${JSON.stringify(r.provider_name)}]`,
          instances: [],
        };
        byKey.set(key, res);
      }
      res.instances.push({
        ...(r.index === undefined ? {} : { index_key: r.index }),
        schema_version: r.schema_version ?? 0,
        attributes: r.values ?? {},
        sensitive_attributes: [],
      });
    }
    for (const child of mod.child_modules ?? []) walk(child);
  };
  walk(shown.values?.root_module);
  const outputs = Object.fromEntries(
    Object.entries((shown.values?.outputs ?? {}) as Record<string, { value: unknown; type?: unknown; sensitive?: boolean }>).map(
      ([k, o]) => [k, { value: o.value, type: o.type ?? 'string', ...(o.sensitive ? { sensitive: true } : {}) }],
    ),
  );
  return {
    version: 4,
    terraform_version: terraformVersionNumber() ?? '1.11.4',
    serial: 1,
    lineage: randomUUID(),
    outputs,
    resources: [...byKey.values()],
  };
}

/**
 * Reads a prior state for an offline plan: a state file (format version 4, as `terraform.tfstate`) or `terraform show
 * -json` output of one ({@link stateFromShowJson}). Its `terraform_version` becomes the running terraform's.
 * @throws Error `<file>: <why>` when the file cannot be read, is not JSON, or is neither form
 * @see https://developer.hashicorp.com/terraform/language/state
 */
export function readPriorState(file: string): StateV4 {
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  if (parsed && parsed.version === 4 && Array.isArray(parsed.resources)) {
    return { ...parsed, terraform_version: terraformVersionNumber() ?? parsed.terraform_version };
  }
  if (parsed && typeof parsed.format_version === 'string') {
    try {
      return stateFromShowJson(parsed);
    } catch (e) {
      throw new Error(`${file}: ${(e as Error).message}`);
    }
  }
  throw new Error(`${file}: neither a Terraform state file (version 4) nor terraform show -json output of a state`);
}

/** `state`'s resources moved under the module `module.<name>` of a root that calls each stack as a module. */
function underModule(state: StateV4, name: string): StateResourceV4[] {
  const prefix = `module.${name}`;
  return state.resources.map((r) => ({
    ...r,
    module: r.module ? `${prefix}.${r.module}` : prefix,
    provider: `${prefix}.${r.provider}`,
  }));
}

/** The environment terraform runs with here (see {@link run}), plus `extra`. */
function terraformEnv(cliConfig: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PROFILE: '',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    ...extra,
  };
}

/** {@link run}, without blocking the event loop (several terraform processes at once). */
function runAsync(dir: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number; out: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn('terraform', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.stderr.on('data', (b: Buffer) => chunks.push(b));
    child.on('error', (e) => resolvePromise({ status: -1, out: String(e) }));
    child.on('close', (code) => resolvePromise({ status: code ?? -1, out: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** One stack of an estate plan: its name (the folder under `cdktf.out/stacks`), its `cdk.tf.json`, its prior state. */
export interface EstateStack {
  readonly name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Terraform JSON
  readonly json: Record<string, any>;
  /** The state to plan against. @default none (empty state: the plan shows creations only) */
  readonly state?: StateV4;
}

/** One stack's result in an estate plan: its counts, or why it could not be planned. */
export type StackPlan = ({ readonly stack: string; readonly ok: true } & PlanCounts) | { readonly stack: string; readonly ok: false; readonly error: string };

/** Options of {@link planEstateOffline}. */
export interface EstateOptions {
  /** Terraform processes at once. @default the number of CPUs (`os.availableParallelism()`) */
  readonly jobs?: number;
  /**
   * Stacks per terraform run. Each run plans its stacks as modules of one root module: terraform reads the provider's
   * schema once per run, and each stack keeps its own provider configuration (Region, default tags), so each runs its
   * own provider process (about 100 MB of memory each, all alive while the run lasts).
   * @default ceil(stacks / jobs), at most 25
   */
  readonly batchSize?: number;
  /**
   * The shared provider plugin cache (`TF_PLUGIN_CACHE_DIR`): the provider is linked from it, not copied (it is about
   * 700 MB) into each working folder. The inits that fill it run one at a time (the cache is not safe for
   * concurrent inits).
   * @default `.tmp/terraform/plugin-cache` in the project
   * @see https://developer.hashicorp.com/terraform/cli/config/config-file#provider-plugin-cache
   */
  readonly pluginCacheDir?: string;
  /** Keep the working folders (their paths are in the result). @default false */
  readonly keep?: boolean;
  /** Called with each batch's stacks as it finishes (progress). */
  readonly onBatch?: (done: readonly StackPlan[]) => void;
}

/** What {@link planEstateOffline} returns. */
export interface EstateResult {
  /** One per stack, in the order given. */
  readonly stacks: StackPlan[];
  /** Terraform runs (batches), and how many ran at once. */
  readonly batches: number;
  readonly jobs: number;
  /** The working folders, when `keep` (removed otherwise). */
  readonly dirs: string[];
}

/** The default shared plugin cache (ignored by git). */
export const DEFAULT_PLUGIN_CACHE = resolve(__dirname, '..', '.tmp', 'terraform', 'plugin-cache');

/** How long an init may hold the plugin cache's lock before another process takes it as abandoned (ms). */
const CACHE_LOCK_STALE_MS = 10 * 60 * 1000;

/**
 * Takes the plugin cache's lock, `<cache>/.init-lock` (a folder: `mkdir` either makes it or fails, atomically), for
 * one `terraform init`: Terraform documents the cache as not safe for concurrent inits, and several processes (test
 * workers, two plan:offline runs) may share it. A lock older than {@link CACHE_LOCK_STALE_MS} is taken as abandoned.
 * @returns a function that releases it
 * @throws Error when the lock is not free within twice the stale time (never a hang)
 * @see https://developer.hashicorp.com/terraform/cli/config/config-file#provider-plugin-cache
 */
async function lockPluginCache(cache: string): Promise<() => void> {
  const lock = join(cache, '.init-lock');
  const deadline = Date.now() + 2 * CACHE_LOCK_STALE_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > CACHE_LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${lock}: the plugin cache stayed locked; remove the folder if no terraform init runs`);
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * Plans many stacks offline (see the file comment for what the copy changes), in parallel: the stacks are split into
 * batches, each batch is one root module that calls each of its stacks as a child module (`module.<stack>`, its
 * backend left out, its provider configuration kept), planned by one `terraform plan -refresh=false`, and `jobs`
 * batches run at once. A stack's prior state is put under its module. A batch that fails is planned again one stack at
 * a time, so each failure is the stack's own.
 * @param stacks the stacks, with unique names (each a Terraform identifier: letters, digits, `-`, `_`)
 * @returns one {@link StackPlan} per stack, in order
 * @throws Error when terraform is not available, or a stack name is not a Terraform identifier or is given twice
 * @see https://developer.hashicorp.com/terraform/language/modules/syntax
 * @see https://developer.hashicorp.com/terraform/cli/commands/plan#planning-options
 */
export async function planEstateOffline(stacks: readonly EstateStack[], opts: EstateOptions = {}): Promise<EstateResult> {
  const a = terraformAvailability();
  if (!a.ok) throw new Error(`terraform is not available: ${a.why}`);
  const names = new Set<string>();
  for (const s of stacks) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(s.name)) throw new Error(`${JSON.stringify(s.name)}: a stack name must be a Terraform identifier`);
    if (names.has(s.name)) throw new Error(`${s.name}: given twice`);
    names.add(s.name);
  }
  const jobs = Math.max(1, Math.floor(opts.jobs ?? availableParallelism()));
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? Math.min(25, Math.ceil(stacks.length / jobs))));
  const cache = opts.pluginCacheDir ?? DEFAULT_PLUGIN_CACHE;
  mkdirSync(cache, { recursive: true });
  const env = terraformEnv(a.cliConfig, { TF_PLUGIN_CACHE_DIR: cache });
  const root = mkdtempSync(join(tmpdir(), 'ctg-estate-'));
  const dirs: string[] = [];
  let initLock: Promise<unknown> = Promise.resolve();
  const serialInit = (dir: string): Promise<{ status: number; out: string }> => {
    const p = initLock.then(async () => {
      const release = await lockPluginCache(cache);
      try {
        return await runAsync(dir, ['init', '-input=false', '-no-color'], env);
      } finally {
        release();
      }
    });
    initLock = p.catch(() => undefined);
    return p;
  };

  const planBatch = async (batch: readonly EstateStack[], index: string): Promise<StackPlan[]> => {
    const dir = join(root, `batch-${index}`);
    dirs.push(dir);
    mkdirSync(dir, { recursive: true });
    const modules: Record<string, { source: string }> = {};
    const resources: StateResourceV4[] = [];
    for (const s of batch) {
      const copy = offlineCopy(s.json);
      delete copy.terraform.backend;
      mkdirSync(join(dir, s.name));
      writeFileSync(join(dir, s.name, 'cdk.tf.json'), JSON.stringify(copy));
      modules[s.name] = { source: `./${s.name}` };
      if (s.state) resources.push(...underModule(s.state, s.name));
    }
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: 'terraform.tfstate' } } }, module: modules }, null, 1));
    if (resources.length > 0) {
      const state: StateV4 = { version: 4, terraform_version: terraformVersionNumber() ?? '1.11.4', serial: 1, lineage: randomUUID(), outputs: {}, resources };
      writeFileSync(join(dir, 'terraform.tfstate'), JSON.stringify(state));
    }
    const fail = (why: string): StackPlan[] => batch.map((s) => ({ stack: s.name, ok: false as const, error: why }));
    const init = await serialInit(dir);
    if (init.status !== 0) return fail(`terraform init failed in ${dir}:\n${init.out}`);
    const plan = await runAsync(dir, ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false', '-out=tfplan'], env);
    if (plan.status !== 0) return fail(`terraform plan failed in ${dir}:\n${plan.out}`);
    const show = await runAsync(dir, ['show', '-json', '-no-color', 'tfplan'], env);
    if (show.status !== 0) return fail(`terraform show -json failed in ${dir}:\n${show.out}`);
    const shown = JSON.parse(show.out.slice(show.out.indexOf('{')));
    return batch.map((s) => ({ stack: s.name, ok: true as const, ...countPlanChanges(shown, `module.${s.name}`) }));
  };

  const batches: EstateStack[][] = [];
  for (let i = 0; i < stacks.length; i += batchSize) batches.push(stacks.slice(i, i + batchSize));
  const results = new Map<string, StackPlan>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const k = next++;
      let done = await planBatch(batches[k], String(k + 1));
      if (batches[k].length > 1 && done.some((d) => !d.ok)) {
        // Plan each stack of a failed batch alone, so that a failure is attributed to its own stack.
        done = [];
        for (const [j, s] of batches[k].entries()) done.push(...(await planBatch([s], `${k + 1}-${j + 1}`)));
      }
      for (const d of done) results.set(d.stack, d);
      opts.onBatch?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, batches.length) }, () => worker()));
  if (!opts.keep) rmSync(root, { recursive: true, force: true });
  return { stacks: stacks.map((s) => results.get(s.name)!), batches: batches.length, jobs: Math.min(jobs, Math.max(1, batches.length)), dirs: opts.keep ? dirs : [] };
}

/**
 * The summary table of an estate plan (markdown): one row per stack, `stack | to add | to change | to destroy |
 * to move`, then a total row; a stack that failed shows `failed` in each count.
 */
export function renderPlanSummary(plans: readonly StackPlan[]): string {
  const rows = plans.map((p) =>
    p.ok ? [p.stack, p.toAdd, p.toChange, p.toDestroy, p.toMove].map(String) : [p.stack, 'failed', 'failed', 'failed', 'failed'],
  );
  const ok = plans.filter((p): p is Extract<StackPlan, { ok: true }> => p.ok);
  const sum = (k: keyof PlanCounts): string => String(ok.reduce((n, p) => n + p[k], 0));
  rows.push([`total (${plans.length} stacks${ok.length < plans.length ? `, ${plans.length - ok.length} failed` : ''})`, sum('toAdd'), sum('toChange'), sum('toDestroy'), sum('toMove')]);
  return ['| stack | to add | to change | to destroy | to move |', '|---|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** What {@link planStackOffline} found: {@link PlanResult} with the moves and imports counted. */
export interface StackPlanResult extends PlanResult {
  readonly toMove: number;
  readonly toImport: number;
}

/**
 * {@link initValidatePlan} against a prior state: the state is the working copy's local state, and the plan (saved,
 * and shown with `terraform show -json`) is counted with {@link countPlanChanges}.
 * @param state @default none (empty state)
 * @throws as {@link initValidatePlan}
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Terraform JSON
export function planStackOffline(stack: Record<string, any>, state?: StateV4): StackPlanResult {
  const a = terraformAvailability();
  if (!a.ok) throw new Error(`terraform is not available: ${a.why}`);
  const dir = mkdtempSync(join(tmpdir(), 'ctg-tf-'));
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(offlineCopy(stack), null, 2));
  if (state) writeFileSync(join(dir, 'terraform.tfstate'), JSON.stringify(state));
  const init = run(dir, ['init', '-input=false', '-no-color'], a.cliConfig);
  if (init.status !== 0) throw new Error(`terraform init failed in ${dir}:\n${init.out}`);
  const v = run(dir, ['validate', '-json', '-no-color'], a.cliConfig);
  const validate = JSON.parse(v.out.slice(v.out.indexOf('{')));
  const plan = run(dir, ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false', '-out=tfplan'], a.cliConfig);
  if (plan.status !== 0) throw new Error(`terraform plan failed in ${dir}:\n${plan.out}`);
  const show = run(dir, ['show', '-json', '-no-color', 'tfplan'], a.cliConfig);
  if (show.status !== 0) throw new Error(`terraform show -json failed in ${dir}:\n${show.out}`);
  const shown = JSON.parse(show.out.slice(show.out.indexOf('{')));
  const c = countPlanChanges(shown);
  return { dir, validate, planOutput: plan.out, plan: shown, ...c };
}

// ---------------------------------------------------------------------------------------------------------------------
// A state as an apply would leave it, offline (for tests, demos and upgrade checks).

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Terraform JSON
type Json = any;

/** The provider's resource schemas (`terraform providers schema -json`), read once per process. */
let schemaCache: Record<string, Json> | undefined;

function resourceSchemas(dir: string, cliConfig: string): Record<string, Json> {
  if (schemaCache) return schemaCache;
  const r = spawnSync('terraform', ['providers', 'schema', '-json'], { cwd: dir, env: terraformEnv(cliConfig), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`terraform providers schema -json failed in ${dir}:\n${r.stdout}${r.stderr}`);
  const all = JSON.parse(r.stdout).provider_schemas as Record<string, Json>;
  return (schemaCache = Object.fromEntries(Object.values(all).flatMap((p) => Object.entries(p.resource_schemas ?? {}))));
}

/**
 * A stand-in for a value only AWS knows, by its cty type. Strings: an `arn` (or `*_arn`) is a well-formed ARN of the
 * resource's service; an `id` is the resource's own `bucket` or `name` where it has one (as AWS makes it for buckets,
 * roles, documents, rules, log groups), else a name made of the address; other IDs and versions (`*_id`, `*version`)
 * are made of the address too; every other string is empty (an attribute AWS fills with a default, such as an SNS
 * topic's FIFO settings, must not get a value the provider would refuse). Numbers are 0, Booleans false,
 * collections empty.
 */
function standIn(ctyType: Json, address: string, attr: string, region: string, known: Json): Json {
  if (ctyType === 'string') {
    const [type, name] = address.split('.');
    const service = type.split('_')[1] ?? 'fake';
    if (attr === 'arn' || attr.endsWith('_arn')) return `arn:aws:${service}:${region}:000000000000:${type}/${name}`;
    if (attr === 'id' && typeof (known?.bucket ?? known?.name) === 'string') return known.bucket ?? known.name;
    if (attr === 'id' || attr.endsWith('_id') || attr.endsWith('version')) return `${type}-${name}-${attr}`.replace(/_/g, '-');
    return '';
  }
  if (ctyType === 'number') return 0;
  if (ctyType === 'bool') return false;
  if (Array.isArray(ctyType) && (ctyType[0] === 'list' || ctyType[0] === 'set')) return [];
  if (Array.isArray(ctyType) && ctyType[0] === 'map') return {};
  return null;
}

/** `values` with every unknown (`after_unknown`) part filled by {@link standIn}, by the resource's schema block. */
function fillUnknowns(values: Json, unknown: Json, block: Json, address: string, region: string): Json {
  if (unknown !== null && typeof unknown === 'object' && !Array.isArray(unknown)) {
    const out: Json = { ...(values ?? {}) };
    for (const [k, u] of Object.entries(unknown)) {
      const attr = block?.attributes?.[k];
      const nested = block?.block_types?.[k];
      if (u === true) {
        if (attr) out[k] = standIn(attr.type, address, k, region, values);
        else if (nested) out[k] = nested.nesting_mode === 'single' ? null : [];
        continue;
      }
      if (nested && Array.isArray(u)) {
        out[k] = (out[k] ?? []).map((v: Json, i: number) => fillUnknowns(v, u[i] ?? {}, nested.block, address, region));
      }
    }
    return out;
  }
  return values;
}

/** `prior` with `after`'s known parts (where `after_unknown` is not `true`) laid over it. */
function mergeKnown(prior: Json, after: Json, unknown: Json): Json {
  if (unknown === true) return prior;
  if (after === null || typeof after !== 'object' || Array.isArray(after)) {
    if (Array.isArray(after) && Array.isArray(unknown)) return after.map((v, i) => mergeKnown(Array.isArray(prior) ? prior[i] : undefined, v, unknown[i]));
    return after;
  }
  const out: Json = { ...(prior ?? {}) };
  for (const [k, v] of Object.entries(after)) out[k] = mergeKnown(prior?.[k], v, unknown?.[k]);
  for (const [k, u] of Object.entries(unknown ?? {})) if (u === true && !(k in after)) out[k] = prior?.[k];
  return out;
}

/**
 * The state an apply of `stack` would leave, made offline: terraform plans the stack (empty state), every planned
 * value becomes the resource's attributes, and every value only AWS would know (IDs, ARNs) gets a stand-in; then
 * terraform plans again against that state, and each resource the plan would still change takes the plan's
 * values, until a plan against the state changes nothing (at most `rounds` plans). The result is checked with
 * `terraform show -json`. Fake, but consistent: planning `stack` against it shows no changes, so a plan of another
 * configuration against it shows exactly what that configuration changes.
 * @param rounds @default 6
 * @returns the state (format version 4), its resources at the stack's addresses
 * @throws Error when terraform is not available, when a plan fails, or when the state does not settle in `rounds`
 *   (the working folder is then left in place, and named)
 * @see https://developer.hashicorp.com/terraform/internals/json-format
 */
export function appliedStateOffline(stack: Json, rounds = 6): StateV4 {
  const a = terraformAvailability();
  if (!a.ok) throw new Error(`terraform is not available: ${a.why}`);
  const dir = mkdtempSync(join(tmpdir(), 'ctg-state-'));
  // no shared plugin cache here: this init runs synchronously, outside the cache's lock (lockPluginCache)
  const env = terraformEnv(a.cliConfig);
  const tf = (args: string[]): string => {
    const r = spawnSync('terraform', args, { cwd: dir, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`terraform ${args[0]} failed in ${dir}:\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  {
    const copy = offlineCopy(stack);
    const region: string = copy.provider?.aws?.[0]?.region ?? 'us-east-1';
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(copy));
    tf(['init', '-input=false', '-no-color']);
    const schemas = resourceSchemas(dir, a.cliConfig);
    const state: StateV4 = { version: 4, terraform_version: terraformVersionNumber() ?? '1.11.4', serial: 1, lineage: randomUUID(), outputs: {}, resources: [] };
    for (let round = 0; round < rounds; round++) {
      if (round > 0) writeFileSync(join(dir, 'terraform.tfstate'), JSON.stringify({ ...state, serial: round }));
      tf(['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false', '-out=tfplan']);
      const plan = JSON.parse(tf(['show', '-json', '-no-color', 'tfplan']));
      const changes = (plan.resource_changes ?? []).filter((rc: Json) => rc.mode === 'managed' && !(rc.change.actions.length === 1 && rc.change.actions[0] === 'no-op'));
      if (changes.length === 0) {
        const shown = JSON.parse(tf(['show', '-json', '-no-color', 'terraform.tfstate']));
        const listed = (shown.values?.root_module?.resources ?? []).map((r: Json) => r.address).sort();
        const expected = state.resources.map((r) => `${r.type}.${r.name}`).sort();
        if (JSON.stringify(listed) !== JSON.stringify(expected)) {
          throw new Error(`terraform show -json of the state in ${dir} lists ${listed.join(', ')}, not ${expected.join(', ')}`);
        }
        rmSync(dir, { recursive: true, force: true });
        return state;
      }
      for (const rc of changes) {
        const schema = schemas[rc.type];
        if (!schema) throw new Error(`no schema for ${rc.type}`);
        const existing = state.resources.find((r) => r.type === rc.type && r.name === rc.name && r.mode === 'managed');
        const prior = existing?.instances[0].attributes;
        const attributes = prior
          ? mergeKnown(prior, rc.change.after, rc.change.after_unknown)
          : fillUnknowns(rc.change.after, rc.change.after_unknown, schema.block, rc.address, region);
        if (existing) existing.instances[0].attributes = attributes;
        else {
          state.resources.push({
            mode: 'managed',
            type: rc.type,
            name: rc.name,
            provider: `provider[${JSON.stringify(rc.provider_name)}]`,
            instances: [{ schema_version: schema.version ?? 0, attributes, sensitive_attributes: [] }],
          });
        }
      }
    }
    throw new Error(`the state of the stack did not settle in ${rounds} plans (the last is in ${dir})`);
  }
}

/** The command line of `npm run plan:offline`. */
const USAGE =
  'usage: npm run plan:offline -- <stack name | account ID>... | --all [--outdir cdktf.out] [--state <dir>] [--jobs <n>] [--batch <n>] [--keep]';

/** What the command line asks for. */
export interface PlanOfflineArgs {
  readonly outdir: string;
  readonly all: boolean;
  readonly selectors: string[];
  readonly stateDir?: string;
  readonly jobs?: number;
  readonly batchSize?: number;
  readonly keep: boolean;
}

/**
 * Parses the command line of `npm run plan:offline`.
 * @returns the arguments, or the problems (one line each)
 */
export function parsePlanOfflineArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): PlanOfflineArgs | { problems: string[] } {
  const problems: string[] = [];
  const values: Record<string, string> = {};
  const selectors: string[] = [];
  let all = false;
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--all') all = true;
    else if (a === '--keep') keep = true;
    else if (['--outdir', '--state', '--jobs', '--batch'].includes(a)) {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) problems.push(`${a}: ${a === '--outdir' || a === '--state' ? 'a folder' : 'a positive integer'} (${USAGE})`);
      else {
        values[a] = v;
        i++;
      }
    } else if (a.startsWith('--')) problems.push(`${a}: unknown option (${USAGE})`);
    else selectors.push(a);
  }
  const int = (name: string): number | undefined => {
    if (values[name] === undefined) return undefined;
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1) problems.push(`${name}: ${JSON.stringify(values[name])}: a positive integer`);
    return n;
  };
  const jobs = int('--jobs');
  const batchSize = int('--batch');
  if (all && selectors.length > 0) problems.push(`--all and ${selectors.join(' ')}: give --all or stacks, not both (${USAGE})`);
  if (!all && selectors.length === 0 && problems.length === 0) problems.push(USAGE);
  for (const s of selectors) {
    if (!/^(\d{12}|[a-z0-9][a-z0-9-]*)$/.test(s)) {
      problems.push(`${JSON.stringify(s)}: a stack name such as cloudtrail-guard-111111111111-us-east-1, or a 12-digit account ID (${USAGE})`);
    }
  }
  if (problems.length > 0) return { problems };
  return {
    outdir: values['--outdir'] ?? (env.CDKTF_OUTDIR || 'cdktf.out'),
    all,
    selectors,
    ...(values['--state'] ? { stateDir: values['--state'] } : {}),
    ...(jobs ? { jobs } : {}),
    ...(batchSize ? { batchSize } : {}),
    keep,
  };
}

/**
 * The stacks a command line selects from the synthesized ones: all (`--all`), or by name, or by account ID (the
 * stacks named `cloudtrail-guard-<account>-<region>`), in the order of `available`, each once.
 * @param available the stack folders under `<outdir>/stacks` that hold a `cdk.tf.json`
 * @returns the selected names, or one problem per selector that matches nothing
 */
export function selectStacks(available: readonly string[], all: boolean, selectors: readonly string[]): { stacks: string[] } | { problems: string[] } {
  if (all) return { stacks: [...available] };
  const problems: string[] = [];
  const chosen = new Set<string>();
  for (const s of selectors) {
    const hits = /^\d{12}$/.test(s) ? available.filter((n) => n.split('-')[2] === s) : available.filter((n) => n === s);
    if (hits.length === 0) problems.push(`${s}: no synthesized stack ${/^\d{12}$/.test(s) ? 'of that account' : 'of that name'} (run npm run synth first; there are: ${available.join(', ') || 'none'})`);
    hits.forEach((h) => chosen.add(h));
  }
  return problems.length > 0 ? { problems } : { stacks: available.filter((n) => chosen.has(n)) };
}

/**
 * The prior state of a stack in `--state <dir>`: `<dir>/<stack>.tfstate` (a state file, or `terraform show -json`
 * output) or `<dir>/<stack>.json` (`terraform show -json` output, or a state file); `undefined` when neither exists.
 * @throws Error from {@link readPriorState} when the file is neither form
 */
export function priorStateOf(stateDir: string, stack: string): StateV4 | undefined {
  for (const f of [`${stack}.tfstate`, `${stack}.json`]) {
    const file = join(stateDir, f);
    if (existsSync(file)) return readPriorState(file);
  }
  return undefined;
}

/** Runs `npm run plan:offline`; returns the exit code (0 planned, 1 a plan failed, 2 bad usage or input). */
export async function planOfflineMain(argv: readonly string[]): Promise<number> {
  const args = parsePlanOfflineArgs(argv);
  if ('problems' in args) {
    args.problems.forEach((p) => console.error(p));
    return 2;
  }
  const stacksDir = join(args.outdir, 'stacks');
  const available = existsSync(stacksDir)
    ? readdirSync(stacksDir)
        .filter((d) => existsSync(join(stacksDir, d, 'cdk.tf.json')))
        .sort()
    : [];
  if (args.selectors.length === 1 && !/^\d{12}$/.test(args.selectors[0]) && !available.includes(args.selectors[0])) {
    console.error(`${join(stacksDir, args.selectors[0], 'cdk.tf.json')} does not exist: run npm run synth first (stack names are cloudtrail-guard-<account>-<region>)`);
    return 2;
  }
  const selected = selectStacks(available, args.all, args.selectors);
  if ('problems' in selected) {
    selected.problems.forEach((p) => console.error(p));
    return 2;
  }
  if (selected.stacks.length === 0) {
    console.error(`${stacksDir}: no synthesized stacks: run npm run synth first`);
    return 2;
  }
  const states = new Map<string, StateV4>();
  if (args.stateDir) {
    if (!existsSync(args.stateDir)) {
      console.error(`--state ${args.stateDir}: no such folder`);
      return 2;
    }
    const problems: string[] = [];
    for (const s of selected.stacks) {
      try {
        const st = priorStateOf(args.stateDir, s);
        if (st) states.set(s, st);
        else console.error(`${s}: no ${s}.tfstate or ${s}.json in ${args.stateDir}: planned against an empty state`);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    if (problems.length > 0) {
      problems.forEach((p) => console.error(p));
      return 2;
    }
  }
  const json = (s: string) => JSON.parse(readFileSync(join(stacksDir, s, 'cdk.tf.json'), 'utf8'));

  if (!args.all && selected.stacks.length === 1) {
    const [name] = selected.stacks;
    const state = states.get(name);
    try {
      const r = state ? planStackOffline(json(name), state) : initValidatePlan(json(name));
      console.log(r.planOutput);
      const moves = 'toMove' in r ? `, ${(r as StackPlanResult).toMove} to move` : '';
      console.log(`offline plan of ${name}: ${r.toAdd} to add, ${r.toChange} to change, ${r.toDestroy} to destroy${moves}`);
      // The working copy is kept only when asked for (--keep), to look at; it holds nothing of value otherwise.
      if (args.keep) console.log(`working copy kept in ${r.dir}`);
      else rmSync(r.dir, { recursive: true, force: true });
      return 0;
    } catch (e) {
      console.error((e as Error).message);
      return 1;
    }
  }

  const started = Date.now();
  let done = 0;
  const r = await planEstateOffline(
    selected.stacks.map((name) => ({ name, json: json(name), ...(states.has(name) ? { state: states.get(name) } : {}) })),
    {
      ...(args.jobs ? { jobs: args.jobs } : {}),
      ...(args.batchSize ? { batchSize: args.batchSize } : {}),
      keep: args.keep,
      onBatch: (b) => {
        done += b.length;
        console.error(`planned ${done}/${selected.stacks.length} stacks (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      },
    },
  );
  console.log(renderPlanSummary(r.stacks));
  console.log(
    `offline plan of ${r.stacks.length} stack(s) in ${r.batches} terraform run(s), ${r.jobs} at a time: ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (args.keep) console.log(`working copies kept in ${r.dirs.join(' ')}`);
  const failed = r.stacks.filter((p): p is Extract<StackPlan, { ok: false }> => !p.ok);
  for (const f of failed) console.error(`${f.stack}: ${f.error}`);
  return failed.length > 0 ? 1 : 0;
}

if (require.main === module) {
  planOfflineMain(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      console.error((e as Error).message);
      process.exitCode = 1;
    },
  );
}
