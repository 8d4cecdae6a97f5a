/**
 * cloudtrail-guard: the cdktf app.
 *
 * Reads one configuration file (YAML), validates it, and synthesizes one stack per (account, home Region) into
 * `cdktf.out/stacks/<stack>/cdk.tf.json` (plain Terraform JSON).
 *
 * Inputs, in order of precedence:
 * - the config file: env `CLOUDTRAIL_GUARD_CONFIG`, else cdktf context `config`, else `examples/single-account.yaml`;
 * - the accounts to synthesize: env `CLOUDTRAIL_GUARD_ACCOUNTS` / `CLOUDTRAIL_GUARD_TAGS`, or context `accounts` /
 *   `tags` (see config/select.ts); all accounts by default;
 * - the output folder: env `CDKTF_OUTDIR` (set by `cdktf synth --output`), else `cdktf.out`.
 *
 * A bad config prints one line per problem (`file:line:col: $.path: value: rule`) to stderr, exits 1 and writes
 * nothing: the config is validated before the cdktf App (which creates the output folder) exists.
 */
import { existsSync, lstatSync, readdirSync, rmdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdktf';
import { ConfigError, formatProblem, loadConfig, renderValue } from './config';
import { selectAccounts, selectorFromEnvironment } from './config/select';
import { buildStacks } from './stacks';

/** The folder name of one of our stacks (config/naming.ts `stackName`, `logArchiveStackName`). */
const STACK_FOLDER = /^cloudtrail-guard-(log-archive-)?\d{12}-[a-z]{2}(-[a-z]+)+-\d+$/;

/** The configuration synthesized when none is named (relative to the working directory). */
export const DEFAULT_CONFIG = 'examples/single-account.yaml';

/**
 * The cdktf context as the CLI passes it (`CDKTF_CONTEXT_JSON`), read before the App exists. Unset or empty is `{}`
 * (as cdktf's App reads it); anything else must be a JSON object, or the App constructor would throw a bare
 * SyntaxError (or accept an array or a string as context).
 * https://developer.hashicorp.com/terraform/cdktf/create-and-deploy/configuration-file
 * @returns the context, or `undefined` after printing `CDKTF_CONTEXT_JSON: <value>: a JSON object (cdktf context)`
 *   (the value JSON-quoted, so it stays on one line) to stderr.
 */
function readContext(env: NodeJS.ProcessEnv): Record<string, unknown> | undefined {
  const raw = env.CDKTF_CONTEXT_JSON;
  if (raw === undefined || raw === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  console.error(`CDKTF_CONTEXT_JSON: ${renderValue(raw)}: a JSON object (cdktf context)`);
  return undefined;
}

/**
 * The config file: env `CLOUDTRAIL_GUARD_CONFIG`, else context `config`, else {@link DEFAULT_CONFIG}.
 * @returns the path, or `undefined` after printing to stderr why the variable (set but empty) or the context key
 *   (empty or not a string) names no file.
 */
function configFile(env: NodeJS.ProcessEnv, context: Record<string, unknown>): string | undefined {
  const fromEnv = env.CLOUDTRAIL_GUARD_CONFIG;
  if (fromEnv !== undefined) {
    if (fromEnv.trim() !== '') return fromEnv;
    console.error('environment variable CLOUDTRAIL_GUARD_CONFIG is empty: a path to a config file');
    return undefined;
  }
  if (context.config === undefined) return DEFAULT_CONFIG;
  if (typeof context.config === 'string' && context.config.trim() !== '') return context.config;
  console.error(`cdktf context key "config": ${renderValue(context.config)}: a path to a config file`);
  return undefined;
}

/**
 * Runs the app.
 * @param env the environment to read (see the file comment). @default process.env
 * Stale stack folders (of stacks this synth does not write) are removed when they hold only what cdktf writes
 * ({@link staleStackEntries}); any other is kept, with a line `<folder>: kept: <why>` on stderr. Under cdktf-cli, which
 * removes stale folders itself ({@link cdktfCliRemoves}), the app removes none, and refuses to synthesize (exit 1,
 * nothing written) when cdktf-cli would delete one that must be kept.
 * @returns the process exit code: 0 on success, 1 on a configuration problem, on an input a construct refused
 *   (printed in one line; `CLOUDTRAIL_GUARD_DEBUG=1` rethrows it with its stack trace), or on a stale folder that
 *   cdktf-cli would delete but must be kept.
 * @throws an unexpected (non-ConfigError) error while loading the config (a bug), so that its stack trace is shown;
 *   and any synth error when `CLOUDTRAIL_GUARD_DEBUG=1`.
 * @see https://developer.hashicorp.com/terraform/cdktf/create-and-deploy/configuration-file
 */
export function main(env: NodeJS.ProcessEnv = process.env): number {
  const context = readContext(env);
  const file = context && configFile(env, context);
  if (context === undefined || file === undefined) return 1;
  let config;
  try {
    config = selectAccounts(loadConfig(file), selectorFromEnvironment(env, context));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const p of e.problems) console.error(formatProblem(p));
    console.error(`cloudtrail-guard: ${e.problems.length} configuration problem(s); nothing was synthesized.`);
    return 1;
  }
  if (env.CDKTF_OUTDIR !== undefined && env.CDKTF_OUTDIR.trim() === '') {
    console.error('environment variable CDKTF_OUTDIR is empty: a folder for the synthesized stacks (default cdktf.out)');
    return 1;
  }
  const outdir = env.CDKTF_OUTDIR ?? 'cdktf.out';
  const outdirExisted = existsSync(outdir);
  const underCli = cdktfCliRemoves(env);
  let written: string[];
  let stale: StaleEntry[];
  try {
    const app = new App({ outdir });
    written = buildStacks(app, config).map((s) => s.node.id);
    stale = staleStackEntries(outdir, written);
    // cdktf-cli deletes every stale folder itself once the app has written its manifest: stop before that when one of
    // them must be kept (nothing is written: the App only makes folders that already exist here).
    const endangered = underCli ? stale.filter((e) => e.folder && e.keptBecause !== undefined) : [];
    if (endangered.length > 0) {
      for (const e of endangered) console.error(`${join(outdir, 'stacks', e.name)}: kept: ${e.keptBecause}`);
      console.error(
        `cloudtrail-guard: nothing was synthesized: cdktf-cli deletes every folder in ${join(outdir, 'stacks')} that is ` +
          'not a stack of this synth, and would delete the folder(s) above; move them out of it, or run npm run synth ' +
          '(which keeps them).',
      );
      return 1;
    }
    app.synth();
  } catch (e) {
    // A construct refused its input (a rule the config schema cannot express). Say so in one line, and leave no
    // half-written output behind.
    if (env.CLOUDTRAIL_GUARD_DEBUG === '1') throw e;
    console.error(`${file}: ${(e as Error).message}`);
    console.error('cloudtrail-guard: nothing was synthesized (set CLOUDTRAIL_GUARD_DEBUG=1 for the stack trace).');
    if (!outdirExisted) rmSync(outdir, { recursive: true, force: true });
    return 1;
  }
  const removable = stale.filter((e) => e.folder && e.keptBecause === undefined).map((e) => e.name);
  const removed = underCli ? removable : removeStaleStacks(outdir, stale);
  for (const e of stale) {
    if (e.keptBecause !== undefined || !removed.includes(e.name)) {
      console.error(`${join(outdir, 'stacks', e.name)}: kept: ${e.keptBecause ?? 'it changed while the synth ran'}`);
    }
  }
  console.log(
    `cloudtrail-guard: ${written.length} stack(s) from ${file} written to ${join(outdir, 'stacks')}` +
      (removed.length
        ? `; ${underCli ? 'cdktf removes' : 'removed'} ${removed.length} stale stack folder(s): ${removed.join(', ')}`
        : ''),
  );
  return 0;
}

/**
 * The files that cdktf writes into a stack folder, and nothing else: `cdk.tf.json` (or, with `--hcl`, `cdk.tf` and
 * `metadata.json`) from `app.synth()` (node_modules/cdktf/lib/synthesize/synthesizer.js), and `.terraform.lock.hcl`
 * and the saved plan `plan` that `cdktf diff` / `cdktf deploy` have terraform write there
 * (node_modules/@cdktf/cli-core/src/lib/models/terraform-cli.js). A `.terraform` folder (which `terraform init` makes,
 * and which can hold state) is not among them on purpose.
 */
export const SYNTH_FILES: readonly string[] = ['cdk.tf.json', 'cdk.tf', 'metadata.json', '.terraform.lock.hcl', 'plan'];

/** One entry of `<outdir>/stacks` that this synth did not write. */
export interface StaleEntry {
  /** Its name (a direct child of `<outdir>/stacks`). */
  readonly name: string;
  /** A real folder (not a link): cdktf-cli's own clean-up would delete it (see {@link cdktfCliRemoves}). */
  readonly folder: boolean;
  /** Why it must be kept; `undefined` when it is a stack folder of ours that holds only {@link SYNTH_FILES}. */
  readonly keptBecause?: string;
}

/**
 * Why the stale folder `dir` must be kept, or `undefined` when only files cdktf writes are in it (see SYNTH_FILES).
 * Never follows a link.
 */
function whyKeep(dir: string, name: string): string | undefined {
  if (!STACK_FOLDER.test(name))
    return 'not a stack folder of cloudtrail-guard (those are named cloudtrail-guard-<account>-<region>, or cloudtrail-guard-log-archive-<account>-<region>)';
  const entries = readdirSync(dir, { withFileTypes: true });
  if (entries.some((e) => e.name === '.terraform')) return 'it holds .terraform/ (a Terraform working folder, which can hold state)';
  const state = entries.find((e) => /\.tfstate/.test(e.name));
  if (state) return `it holds ${state.name}${state.isDirectory() ? '/' : ''} (local Terraform state)`;
  const link = entries.find((e) => e.isSymbolicLink());
  if (link) return `it holds a link, ${link.name}`;
  const other = entries.find((e) => !e.isFile() || !SYNTH_FILES.includes(e.name));
  if (other) return `it holds ${other.name}${other.isDirectory() ? '/' : ''}, which no synth writes`;
  if (!entries.some((e) => e.name === 'cdk.tf.json' || e.name === 'cdk.tf')) return 'it holds no cdk.tf.json, so no synth wrote it';
  return undefined;
}

/**
 * The entries of `<outdir>/stacks` that this synth did not write (accounts removed from the config, or not selected),
 * each with why it must be kept, if it must. Only a real folder (not a link) named like a stack of ours
 * (`cloudtrail-guard-<account>-<region>`), that holds a `cdk.tf.json` and nothing but {@link SYNTH_FILES}, may go; and
 * only when neither `<outdir>` nor `<outdir>/stacks` is a link. Reads only; never throws for a missing folder.
 * @param outdir the output folder (`cdktf.out`)
 * @param written the names of the stacks this synth writes
 * @returns one entry per folder or link in `<outdir>/stacks` not in `written` (plain files are nobody's concern: neither
 *   this app nor cdktf-cli removes them), sorted by name
 */
export function staleStackEntries(outdir: string, written: readonly string[]): StaleEntry[] {
  const dir = join(outdir, 'stacks');
  if (!existsSync(dir)) return [];
  const linked = lstatSync(outdir).isSymbolicLink()
    ? `${outdir} is a link`
    : lstatSync(dir).isSymbolicLink()
      ? `${dir} is a link`
      : undefined;
  if (!statSync(dir).isDirectory()) return [];
  const keep = new Set(written);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => !keep.has(d.name) && (d.isDirectory() || d.isSymbolicLink()))
    .map((d) =>
      d.isDirectory()
        ? { name: d.name, folder: true, keptBecause: linked ?? whyKeep(join(dir, d.name), d.name) }
        : { name: d.name, folder: false, keptBecause: 'it is a link' },
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * True when the app runs under cdktf-cli's `synth`, `diff` or `deploy`. cdktf-cli 0.21 lists every real folder (lstat,
 * so not links) under `<outdir>/stacks` before it starts the app, and after the app has written `manifest.json` it
 * deletes each of them that is not a stack in the manifest (`fs.rmSync(dir, { recursive: true })`, no `force`: a
 * folder already gone is an ENOENT error). It starts the app with `CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS=true`,
 * which nothing else sets. Source: node_modules/@cdktf/cli-core/src/lib/synth-stack.js, `SynthStack.synth` (bundled
 * the same in node_modules/cdktf-cli/bundle/bin/cmds/handlers.js).
 */
export function cdktfCliRemoves(env: NodeJS.ProcessEnv): boolean {
  return env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS === 'true';
}

/**
 * Removes the stale stack folders that may go ({@link staleStackEntries} with no `keptBecause`): file by file (each
 * checked again to be a regular file of {@link SYNTH_FILES}), then the empty folder. A folder that gained anything in
 * between is kept. Remote state is never touched.
 * @returns the names of the folders removed
 */
export function removeStaleStacks(outdir: string, entries: readonly StaleEntry[]): string[] {
  const removed: string[] = [];
  for (const e of entries.filter((x) => x.folder && x.keptBecause === undefined)) {
    const dir = join(outdir, 'stacks', e.name);
    if (whyKeep(dir, e.name) !== undefined) continue;
    for (const f of readdirSync(dir)) unlinkSync(join(dir, f));
    try {
      rmdirSync(dir);
      removed.push(e.name);
    } catch {
      // something was written into it meanwhile: keep it
    }
  }
  return removed;
}

if (require.main === module) {
  process.exitCode = main();
}
