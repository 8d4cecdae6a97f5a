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
import { App } from 'cdktf';
import { ConfigError, formatProblem, loadConfig } from './config';
import { selectAccounts, selectorFromEnvironment } from './config/select';
import { buildStacks } from './stacks';

/** The configuration synthesized when none is named. */
export const DEFAULT_CONFIG = 'examples/single-account.yaml';

/** The cdktf context as the CLI passes it (`CDKTF_CONTEXT_JSON`), read before the App exists. */
function readContext(env: NodeJS.ProcessEnv): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(env.CDKTF_CONTEXT_JSON ?? '{}');
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Runs the app.
 * @returns the process exit code: 0 on success, 1 on a configuration problem.
 * @throws anything other than a ConfigError (a bug), so that its stack trace is shown.
 */
export function main(env: NodeJS.ProcessEnv = process.env): number {
  const context = readContext(env);
  const file = env.CLOUDTRAIL_GUARD_CONFIG ?? (typeof context.config === 'string' ? context.config : DEFAULT_CONFIG);
  let config;
  try {
    config = selectAccounts(loadConfig(file), selectorFromEnvironment(env, context));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const p of e.problems) console.error(formatProblem(p));
    console.error(`cloudtrail-guard: ${e.problems.length} configuration problem(s); nothing was synthesized.`);
    return 1;
  }
  const app = new App();
  const stacks = buildStacks(app, config);
  app.synth();
  console.error(`cloudtrail-guard: ${stacks.length} stack(s) from ${file} written to ${app.outdir}/stacks`);
  return 0;
}

if (require.main === module) {
  process.exitCode = main();
}
