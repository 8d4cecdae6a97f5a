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
import { existsSync, lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdktf';
import { ConfigError, formatProblem, loadConfig, renderValue } from './config';
import { selectAccounts, selectorFromEnvironment } from './config/select';
import { buildStacks } from './stacks';

/** The folder name of one of our stacks (config/naming.ts `stackName`). */
const STACK_FOLDER = /^cloudtrail-guard-\d{12}-[a-z]{2}(-[a-z]+)+-\d+$/;

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
 * @returns the process exit code: 0 on success, 1 on a configuration problem or an input a construct refused
 *   (printed in one line; `CLOUDTRAIL_GUARD_DEBUG=1` rethrows it with its stack trace).
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
  let written: string[];
  try {
    const app = new App({ outdir });
    written = buildStacks(app, config).map((s) => s.node.id);
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
  const removed = removeStaleStacks(outdir, written);
  console.log(
    `cloudtrail-guard: ${written.length} stack(s) from ${file} written to ${join(outdir, 'stacks')}` +
      (removed.length ? `; removed ${removed.length} stale stack folder(s): ${removed.join(', ')}` : ''),
  );
  return 0;
}

/**
 * Removes the folders under `<outdir>/stacks` of stacks this synth did not write (accounts removed from the config or
 * not selected), as `cdktf synth` does, so that a loop over `cdktf.out/stacks/*` never applies a stale stack.
 *
 * Only what an earlier synth wrote goes: a real folder (not a link) named like a stack of ours
 * (`cloudtrail-guard-<account>-<region>`) that holds a `cdk.tf.json`. A `stacks` that is a link is left alone, and so
 * is anything else in it (a state folder, a user's files). Remote state is untouched.
 * @returns the names of the folders removed
 */
export function removeStaleStacks(outdir: string, written: readonly string[]): string[] {
  const dir = join(outdir, 'stacks');
  if (!existsSync(dir) || lstatSync(dir).isSymbolicLink() || !lstatSync(dir).isDirectory()) return [];
  const keep = new Set(written);
  const stale = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !keep.has(d.name) && STACK_FOLDER.test(d.name))
    .filter((d) => existsSync(join(dir, d.name, 'cdk.tf.json')))
    .map((d) => d.name);
  for (const name of stale) rmSync(join(dir, name), { recursive: true, force: true });
  return stale;
}

if (require.main === module) {
  process.exitCode = main();
}
