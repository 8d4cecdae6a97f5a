/**
 * Runs or checks an SSM Automation runbook locally (`npm run runbook -- ...`). See `--help`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isKnownRegion } from '../config/regions';
import {
  ASSUMED_STATES,
  assumedTrail,
  checkDocument,
  CloudTrailModel,
  DryRunCaller,
  ParameterValidationError,
  parseRunbook,
  RUNBOOK_PATH,
  runAutomation,
  SdkApiCaller,
  type AssumedState,
  type AutomationDocument,
  type RawParameterValue,
  type TrailState,
} from '../runbook/executor';

const HELP = `Usage:
  npm run runbook -- [run] [options]      run the runbook (against AWS, an emulator, or a dry run)
  npm run runbook -- check [--file f]     static checks only (SSM JSON Schema, AWS API model, structure)

Options:
  --file <path>            runbook file (default: ${RUNBOOK_PATH})
  --param Name=Value       a parameter; repeat a name to pass a StringList
  --params-file <json>     parameters as {"Name": "value" | ["v1", "v2"]}
  --region <region>        Region of the execution (default: AWS_REGION, then AWS_DEFAULT_REGION)
  --endpoint-url <url>     send API calls to this endpoint (an emulator)
  --account-id <id>        {{ global:ACCOUNT_ID }} (default: the account of AutomationAssumeRole)
  --dry-run                send nothing: print the calls the runbook would make from an assumed state
  --assume-state <state>   dry run's starting state: ${ASSUMED_STATES.join(', ')} (default: absent)
  --state-file <json>      dry run's starting trail: TrailState fields over the assumed state (default state: compliant)
  --json                   print the result as JSON
  -h, --help               this help

Credentials: the AWS SDK's default chain (environment, profile, SSO, instance role). The runbook's assumeRole is
reported, not assumed: run with credentials that may make the calls.
Exit status: 0 success, 1 execution Failed or check problems, 2 usage or refused parameters.`;

/** Prints `runbook: <message>` (one line) to stderr and exits 2 (usage or refused parameters). */
function fail(message: string): never {
  process.stderr.write(`runbook: ${message}\n`);
  process.exit(2);
}

/** Exits 2 with `runbook: <option> <value>: <allowed>`, the value JSON-quoted so stray white space shows. */
function badOption(option: string, value: unknown, allowed: string): never {
  fail(`${option} ${JSON.stringify(value)}: ${allowed}`);
}

/** The first line of an error's message, for a one-line report. */
function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0].trim();
}

/** Reads a file named by `option`, or exits 2 naming the option, the path and why it could not be read. */
function readOptionFile(option: string, path: string, allowed: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    badOption(option, path, `cannot read the file (${code ?? firstLine(e)}); ${allowed}`);
  }
}

/** Reads a JSON object from the file named by `option`, or exits 2 naming the option, the path and the rule. */
function readJsonObject(option: string, path: string, allowed: string): Record<string, unknown> {
  const text = readOptionFile(option, path, allowed);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    badOption(option, path, `not JSON (${firstLine(e)}); ${allowed}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    badOption(option, path, `holds ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}; ${allowed}`);
  return parsed as Record<string, unknown>;
}

/** Loads the runbook named by `--file`, or exits 2 naming the option, the path and the rule. */
function readRunbook(file: string | undefined): AutomationDocument {
  const path = file ?? RUNBOOK_PATH;
  const allowed = 'an SSM Automation runbook (YAML with schemaVersion and mainSteps)';
  const text = readOptionFile('--file', path, allowed);
  try {
    return parseRunbook(text);
  } catch (e) {
    badOption('--file', path, `not a runbook (${firstLine(e)}); ${allowed}`);
  }
}

const OPTIONS = {
  file: { type: 'string' },
  param: { type: 'string', multiple: true },
  'params-file': { type: 'string' },
  region: { type: 'string' },
  'endpoint-url': { type: 'string' },
  'account-id': { type: 'string' },
  'dry-run': { type: 'boolean' },
  'assume-state': { type: 'string' },
  'state-file': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** `parseArgs`, with its errors (unknown option, missing value) as one-line usage errors (exit 2). */
function parseCommandLine(args: string[]) {
  try {
    return parseArgs({ args, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const known = Object.keys(OPTIONS)
      .map((o) => `--${o}`)
      .join(', ');
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const option = /option '([^']*)'/i.exec(firstLine(e))?.[1] ?? firstLine(e);
      fail(`${option}: unknown option; one of ${known} (see --help)`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') fail(`${firstLine(e)} (see --help)`);
    throw e;
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine(process.argv.slice(2));
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const command = positionals[0] ?? 'run';
  if (!['run', 'check'].includes(command) || positionals.length > 1)
    fail(`unknown command ${JSON.stringify(positionals.join(' '))}: run or check (see --help)`);
  const doc = readRunbook(values.file);

  if (command === 'check') {
    const problems = checkDocument(doc);
    if (values.json) process.stdout.write(`${JSON.stringify(problems, null, 2)}\n`);
    else if (problems.length === 0)
      process.stdout.write(`${values.file ?? RUNBOOK_PATH}: no problems (SSM JSON Schema, AWS API model, structure)\n`);
    else for (const p of problems) process.stdout.write(`${p.check}: ${p.where}: ${p.message}\n`);
    process.exitCode = problems.length ? 1 : 0;
    return;
  }

  const params: Record<string, RawParameterValue> = {};
  if (values['params-file'] !== undefined) {
    const fromFile = readJsonObject(
      '--params-file',
      values['params-file'],
      'a JSON object {"Name": "value" | ["v1", "v2"]}',
    );
    for (const [k, v] of Object.entries(fromFile)) {
      if (typeof v === 'string' || (Array.isArray(v) && v.every((e) => typeof e === 'string')))
        params[k] = v as RawParameterValue;
      else
        fail(
          `--params-file: ${k} must be a string or a list of strings (as AWS Config and StartAutomationExecution send them)`,
        );
    }
  }
  for (const p of values.param ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) fail(`--param ${p}: expected Name=Value`);
    const [k, v] = [p.slice(0, eq), p.slice(eq + 1)];
    const prev = params[k];
    params[k] = prev === undefined ? v : [...(typeof prev === 'string' ? [prev] : prev), v];
  }
  const REGION_RULE = 'a known AWS Region such as us-east-1 (exactly, no white space)';
  if (values.region !== undefined && !isKnownRegion(values.region)) badOption('--region', values.region, REGION_RULE);
  const regionVar = ['AWS_REGION', 'AWS_DEFAULT_REGION'].find((v) => process.env[v]);
  const region = values.region ?? (regionVar ? process.env[regionVar] : undefined);
  if (!region) fail('no Region: pass --region or set AWS_REGION');
  if (!isKnownRegion(region)) badOption(`environment variable ${regionVar}`, region, REGION_RULE);
  const accountIdOption = values['account-id'];
  if (accountIdOption !== undefined && !/^\d{12}$/.test(accountIdOption))
    badOption('--account-id', accountIdOption, 'a 12-digit AWS account ID');
  const endpoint = values['endpoint-url'];
  if (endpoint !== undefined && !(URL.canParse(endpoint) && /^https?:$/.test(new URL(endpoint).protocol)))
    badOption('--endpoint-url', endpoint, 'an http(s) URL such as http://localhost:4566');

  let caller;
  let model: CloudTrailModel | undefined;
  if (values['dry-run']) {
    const state = (values['assume-state'] ?? (values['state-file'] ? 'compliant' : 'absent')) as AssumedState;
    if (!ASSUMED_STATES.includes(state)) badOption('--assume-state', state, `one of ${ASSUMED_STATES.join(', ')}`);
    const overrides =
      values['state-file'] !== undefined
        ? (readJsonObject('--state-file', values['state-file'], 'a JSON object of TrailState fields') as Partial<TrailState>)
        : {};
    const accountId =
      values['account-id'] ??
      /^arn:[^:]+:iam::(\d{12}):/.exec(String(params.AutomationAssumeRole ?? ''))?.[1] ??
      '123456789012';
    model = new CloudTrailModel({ accountId });
    let trail: ReturnType<typeof assumedTrail>;
    try {
      trail = assumedTrail(state, params, region, overrides);
    } catch (e) {
      // e.g. "a dry run needs the TrailName and S3BucketName parameters": a usage error, in one line.
      fail((e as Error).message);
    }
    if (trail) model.put(trail);
    caller = new DryRunCaller(model, region);
    if (!values.json)
      process.stdout.write(
        `dry run from state "${state}"${trail ? `: ${JSON.stringify(trail)}` : ' (no trail)'}; nothing is sent to AWS\n`,
      );
  } else {
    caller = new SdkApiCaller({ region, endpoint: values['endpoint-url'] });
  }

  try {
    const result = await runAutomation(doc, {
      parameters: params,
      region,
      caller,
      accountId: values['account-id'],
      onEvent: values.json
        ? undefined
        : (e) => {
            if (e.type === 'call') {
              const c = e.call;
              const tag = values['dry-run']
                ? c.kind === 'write'
                  ? 'would call (write, not sent)'
                  : 'would call (read, answered by the assumed state)'
                : `call (${c.kind})`;
              process.stdout.write(
                `  ${tag}: ${c.service}:${c.api} ${JSON.stringify(c.input)}${c.error ? ` -> ${c.error}: ${c.errorMessage}` : ''}\n`,
              );
            } else {
              const s = e.step;
              process.stdout.write(
                `step ${s.name} (${s.action}): ${s.status}${s.nextStep ? ` -> ${s.nextStep}` : ''}${s.failureMessage ? `: ${s.failureMessage}` : ''}\n`,
              );
            }
          },
    });
    if (caller instanceof SdkApiCaller) caller.destroy();
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      process.stdout.write(
        `\nexecution ${result.executionId}: ${result.status}${result.failureMessage ? ` (${result.failureMessage})` : ''}\n`,
      );
      const writes = result.calls.filter((c) => c.kind === 'write' && !c.error);
      process.stdout.write(
        `${values['dry-run'] ? 'planned writes' : 'changes'}: ${writes.length ? writes.map((c) => `${c.api} ${JSON.stringify(c.input)}`).join('\n  ') : 'none'}\n`,
      );
      process.stdout.write(`outputs: ${JSON.stringify(result.outputs)}\n`);
    }
    process.exitCode = result.status === 'Success' ? 0 : 1;
  } catch (e) {
    if (e instanceof ParameterValidationError) fail(e.message);
    throw e;
  }
}

main().catch((e: unknown) => {
  // An unexpected failure (a bug): one line, and the stack trace only when asked for.
  process.stderr.write(`runbook: ${process.env.CLOUDTRAIL_GUARD_DEBUG === '1' ? ((e as Error).stack ?? String(e)) : String((e as Error).message ?? e)}\n`);
  process.exit(2);
});
