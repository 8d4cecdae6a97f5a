/**
 * Runs or checks an SSM Automation runbook locally (`npm run runbook -- ...`). See `--help`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  ASSUMED_STATES,
  assumedTrail,
  checkDocument,
  CloudTrailModel,
  DryRunCaller,
  loadRunbook,
  ParameterValidationError,
  RUNBOOK_PATH,
  runAutomation,
  SdkApiCaller,
  type AssumedState,
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

function fail(message: string): never {
  process.stderr.write(`runbook: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
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
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const command = positionals[0] ?? 'run';
  if (!['run', 'check'].includes(command) || positionals.length > 1)
    fail(`unknown command ${positionals.join(' ')}\n${HELP}`);
  const doc = loadRunbook(values.file ?? RUNBOOK_PATH);

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
  if (values['params-file']) {
    const fromFile = JSON.parse(readFileSync(values['params-file'], 'utf8')) as Record<string, unknown>;
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
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) fail('no Region: pass --region or set AWS_REGION');

  let caller;
  let model: CloudTrailModel | undefined;
  if (values['dry-run']) {
    const state = (values['assume-state'] ?? (values['state-file'] ? 'compliant' : 'absent')) as AssumedState;
    if (!ASSUMED_STATES.includes(state)) fail(`--assume-state ${state}: one of ${ASSUMED_STATES.join(', ')}`);
    const overrides = values['state-file']
      ? (JSON.parse(readFileSync(values['state-file'], 'utf8')) as Partial<TrailState>)
      : {};
    const accountId =
      values['account-id'] ??
      /^arn:[^:]+:iam::(\d{12}):/.exec(String(params.AutomationAssumeRole ?? ''))?.[1] ??
      '123456789012';
    model = new CloudTrailModel({ accountId });
    const trail = assumedTrail(state, params, region, overrides);
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
  process.stderr.write(`runbook: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(2);
});
