/**
 * Runs an SSM Automation document's steps locally, with AWS's documented semantics for the actions this project's
 * runbook uses: aws:executeAwsApi, aws:branch, aws:assertAwsResourceProperty and aws:waitForAwsResourceProperty.
 *
 * - Actions: https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html
 * - Step properties (nextStep, isEnd, onFailure, isCritical, maxAttempts):
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html#automation-common-properties
 * - aws:branch: https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-branch.html
 *
 * Choices where the service does not document its behaviour (see runbook/executor/README.md):
 * - a Selector that matches nothing leaves the output unset; a later `{{ Step.Output }}` of an unset output fails the
 *   step that reads it;
 * - retries (maxAttempts) happen at once, without back-off; timeoutSeconds is honoured by waitForAwsResourceProperty only;
 * - the execution status is Failed when a step fails with `onFailure: Abort`, or when a critical step failed
 *   (whatever its onFailure); otherwise Success.
 */
import { isKnownRegion, partitionOf } from '../../config/regions';
import { randomUUID } from 'node:crypto';
import { checkValueAgainstShape, findOperation, SERVICES } from './api-model';
import { flag, type AutomationDocument, type StepDefinition } from './document';
import { resolveParameters, type RawParameterValue, type TypedValue } from './parameters';
import { interpolate, plainResponse, selectOutput, UnresolvedReferenceError, type Lookup } from './values';

/** Makes the API calls of a step. */
export interface ApiCaller {
  /**
   * Calls `service`:`api` with `input`.
   * @returns the operation's output (SDK shape)
   * @throws the service's error (an SDK ServiceException subclass for service errors)
   */
  call(service: string, api: string, input: Record<string, unknown>): Promise<unknown>;
}

/** Options of {@link SdkApiCaller}. */
export interface SdkApiCallerOptions {
  /** Region of every client. */
  readonly region: string;
  /** Custom endpoint (an emulator such as LocalStack or moto). @default the service's public endpoint */
  readonly endpoint?: string;
  /** Credentials. @default the SDK's default provider chain (environment, profile, SSO, instance role) */
  readonly credentials?: unknown;
  /** Attempts per call for throttling and transient errors, passed to the SDK. @default 3 (the SDK default) */
  readonly sdkMaxAttempts?: number;
}

/**
 * Calls the real AWS SDK v3 clients: `cloudtrail` + `GetTrail` → `CloudTrailClient.send(new GetTrailCommand(input))`.
 * Works against an account (standard credentials) or an emulator (`endpoint`). Clients are made once per service and
 * kept until {@link SdkApiCaller.destroy}.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeAwsApi.html
 */
export class SdkApiCaller implements ApiCaller {
  private readonly clients = new Map<string, { send(command: unknown): Promise<unknown>; destroy(): void }>();
  constructor(private readonly options: SdkApiCallerOptions) {}

  /** @throws Error when the service is not bound or has no such operation */
  async call(service: string, api: string, input: Record<string, unknown>): Promise<unknown> {
    const op = findOperation(service, api);
    if (!op) throw new Error(`the AWS SDK model has no operation ${service}:${api}`);
    let client = this.clients.get(service);
    if (!client) {
      const { region, endpoint, credentials, sdkMaxAttempts } = this.options;
      client = new SERVICES[service].Client({
        region,
        ...(endpoint ? { endpoint } : {}),
        ...(credentials ? { credentials } : {}),
        ...(sdkMaxAttempts ? { maxAttempts: sdkMaxAttempts } : {}),
      });
      this.clients.set(service, client);
    }
    return client.send(new op.Command(input));
  }

  /** Releases the clients' sockets. */
  destroy(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }
}

/** `Get*`, `Describe*`, `List*`, `Lookup*`: calls that change nothing. */
export const isReadApi = (api: string): boolean => /^(Get|Describe|List|Lookup)[A-Z]/.test(api);

/** One API call the execution made. */
export interface ApiCallRecord {
  readonly step: string;
  readonly service: string;
  readonly api: string;
  readonly input: Record<string, unknown>;
  readonly kind: 'read' | 'write';
  /** The error's name (`TrailNotFoundException`) when the call failed. */
  readonly error?: string;
  readonly errorMessage?: string;
}

/** What happened to one step. */
export interface StepRecord {
  readonly name: string;
  readonly action: string;
  readonly status: 'Success' | 'Failed';
  readonly attempts: number;
  readonly failureMessage?: string;
  /** The outputs it set. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** For aws:branch: the step it chose. */
  readonly nextStep?: string;
}

/** The result of one execution. */
export interface ExecutionResult {
  readonly executionId: string;
  /** Failed when a step failed with onFailure Abort or a critical step failed. */
  readonly status: 'Success' | 'Failed';
  /** The first reason the execution failed. */
  readonly failureMessage?: string;
  /** The steps in the order they ran (a step appears once per run of it). */
  readonly steps: readonly StepRecord[];
  /** Every API call, in order. */
  readonly calls: readonly ApiCallRecord[];
  /** The document's `outputs` that are set (`Step.Output` → value). */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** The write calls that succeeded, as `Api` names in order: what the execution changed. */
  readonly changes: readonly string[];
  /** The resolved `assumeRole`. The caller's credentials are used as given; this executor does not assume it. */
  readonly assumeRole?: string;
  /** The parameters after defaults and type conversion. */
  readonly parameters: Readonly<Record<string, TypedValue>>;
}

/** Options of {@link runAutomation}. */
export interface RunAutomationOptions {
  /** Parameters as StartAutomationExecution takes them (each a string or a list of strings). */
  readonly parameters: Readonly<Record<string, RawParameterValue>>;
  /** The Region the automation runs in (`{{ global:REGION }}`). */
  readonly region: string;
  /** How API calls are made. @default a {@link SdkApiCaller} for `region` */
  readonly caller?: ApiCaller;
  /** `{{ global:ACCOUNT_ID }}`. @default the account of the resolved assumeRole ARN, when it is one */
  readonly accountId?: string;
  /** `{{ global:AWS_PARTITION }}`. @default from the Region: `aws-cn` for cn-*, `aws-us-gov` for us-gov-*, else `aws` */
  readonly partition?: string;
  /** `{{ automation:EXECUTION_ID }}`. @default a random UUID */
  readonly executionId?: string;
  /** Called after each step and each call, for progress output. @default none */
  readonly onEvent?: (event: { type: 'step'; step: StepRecord } | { type: 'call'; call: ApiCallRecord }) => void;
  /** Safety limit on step runs (loops through nextStep). @default 200 */
  readonly maxStepRuns?: number;
  /** Poll interval of aws:waitForAwsResourceProperty. @default 5000 ms */
  readonly pollIntervalMs?: number;
  /** The current time, for `{{ global:DATE }}` / `{{ global:DATE_TIME }}`. @default new Date() */
  readonly now?: Date;
}

class StepFailure extends Error {}

/** The partition of a Region, from the AWS SDK's partition data (config/regions.ts); `aws` for an unknown Region. */
const partitionOfRegion = (region: string): string => (isKnownRegion(region) ? partitionOf(region) : 'aws');
const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * The comparison operators of aws:branch.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-branch.html
 */
export const BRANCH_OPERATORS = [
  'StringEquals',
  'EqualsIgnoreCase',
  'StartsWith',
  'EndsWith',
  'Contains',
  'NumericEquals',
  'NumericGreater',
  'NumericLesser',
  'NumericGreaterOrEquals',
  'NumericLesserOrEquals',
  'BooleanEquals',
] as const;

function toBool(v: unknown, what: string): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new StepFailure(`${what} ${JSON.stringify(v)} is not a Boolean`);
}

function toNum(v: unknown, what: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (Number.isNaN(n)) throw new StepFailure(`${what} ${JSON.stringify(v)} is not a number`);
  return n;
}

const asText = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);

/**
 * Evaluates one aws:branch condition (`Variable` + operator, or `And` / `Or` / `Not`).
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-branch.html
 * @throws UnresolvedReferenceError / Error when a reference is unset or the condition is malformed
 */
export function evaluateCondition(cond: Record<string, unknown>, lookup: Lookup): boolean {
  if ('And' in cond) return (cond.And as Record<string, unknown>[]).every((c) => evaluateCondition(c, lookup));
  if ('Or' in cond) return (cond.Or as Record<string, unknown>[]).some((c) => evaluateCondition(c, lookup));
  if ('Not' in cond) {
    const inner = Array.isArray(cond.Not)
      ? (cond.Not as Record<string, unknown>[])
      : [cond.Not as Record<string, unknown>];
    if (inner.length !== 1) throw new StepFailure('Not takes exactly one condition');
    return !evaluateCondition(inner[0], lookup);
  }
  if (!('Variable' in cond)) throw new StepFailure(`a condition has Variable, And, Or or Not: ${JSON.stringify(cond)}`);
  const ops = BRANCH_OPERATORS.filter((o) => o in cond);
  if (ops.length !== 1)
    throw new StepFailure(
      `a condition has exactly one operator of ${BRANCH_OPERATORS.join(', ')}: ${JSON.stringify(cond)}`,
    );
  const op = ops[0];
  const variable = interpolate(cond.Variable, lookup);
  const expected = interpolate(cond[op], lookup);
  switch (op) {
    case 'StringEquals':
      return asText(variable) === asText(expected);
    case 'EqualsIgnoreCase':
      return asText(variable).toLowerCase() === asText(expected).toLowerCase();
    case 'StartsWith':
      return asText(variable).startsWith(asText(expected));
    case 'EndsWith':
      return asText(variable).endsWith(asText(expected));
    case 'Contains':
      return Array.isArray(variable)
        ? variable.map(asText).includes(asText(expected))
        : asText(variable).includes(asText(expected));
    case 'BooleanEquals':
      return toBool(variable, 'Variable') === toBool(expected, 'BooleanEquals');
    case 'NumericEquals':
      return toNum(variable, 'Variable') === toNum(expected, op);
    case 'NumericGreater':
      return toNum(variable, 'Variable') > toNum(expected, op);
    case 'NumericLesser':
      return toNum(variable, 'Variable') < toNum(expected, op);
    case 'NumericGreaterOrEquals':
      return toNum(variable, 'Variable') >= toNum(expected, op);
    case 'NumericLesserOrEquals':
      return toNum(variable, 'Variable') <= toNum(expected, op);
  }
}

const API_META_INPUTS = new Set(['Service', 'Api', 'PropertySelector', 'DesiredValues']);

/**
 * Runs a runbook locally, step by step, as SSM Automation would.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html
 * @returns the execution's result; a failed step is reported in it (status Failed), never thrown
 * @throws ParameterValidationError when the parameters are refused (the service refuses to start the execution)
 * @throws Error when the document names a step that does not exist, or the step runs exceed `maxStepRuns`
 */
export async function runAutomation(doc: AutomationDocument, options: RunAutomationOptions): Promise<ExecutionResult> {
  const params = resolveParameters(doc, options.parameters);
  const executionId = options.executionId ?? randomUUID();
  const outputsByStep = new Map<string, Record<string, unknown>>();
  const now = options.now ?? new Date();
  const globals: Record<string, string> = {
    'global:REGION': options.region,
    'global:AWS_PARTITION': options.partition ?? partitionOfRegion(options.region),
    'global:AWS_URL_SUFFIX': options.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com',
    'global:DATE': `${now.getUTCFullYear()}-${pad(now.getUTCMonth() + 1)}-${pad(now.getUTCDate())}`,
    'global:DATE_TIME': `${now.getUTCFullYear()}-${pad(now.getUTCMonth() + 1)}-${pad(now.getUTCDate())}_${pad(now.getUTCHours())}.${pad(now.getUTCMinutes())}.${pad(now.getUTCSeconds())}`,
    'automation:EXECUTION_ID': executionId,
  };
  const lookup: Lookup = (name) => {
    if (name in globals) return globals[name];
    if (Object.prototype.hasOwnProperty.call(params, name)) return params[name];
    const dot = name.indexOf('.');
    if (dot > 0) return outputsByStep.get(name.slice(0, dot))?.[name.slice(dot + 1)];
    return undefined;
  };
  let assumeRole: string | undefined;
  if (doc.assumeRole !== undefined) {
    try {
      assumeRole = String(interpolate(doc.assumeRole, lookup));
    } catch {
      assumeRole = undefined;
    }
  }
  const accountId = options.accountId ?? (assumeRole ? /^arn:[^:]+:iam::(\d{12}):/.exec(assumeRole)?.[1] : undefined);
  if (accountId) globals['global:ACCOUNT_ID'] = accountId;

  let sdkCaller: SdkApiCaller | undefined;
  const caller: ApiCaller = options.caller ?? (sdkCaller = new SdkApiCaller({ region: options.region }));
  const calls: ApiCallRecord[] = [];
  const steps: StepRecord[] = [];
  const changes: string[] = [];
  const indexOf = new Map(doc.mainSteps.map((s, i) => [s.name, i]));
  const stepIndex = (name: string, from: string): number => {
    const i = indexOf.get(name);
    if (i === undefined)
      throw new Error(`step ${from} refers to step ${JSON.stringify(name)}, which the runbook does not have`);
    return i;
  };

  const callApi = async (step: StepDefinition): Promise<unknown> => {
    const inputs = interpolate(step.inputs, lookup) as Record<string, unknown>;
    const service = String(inputs.Service);
    const api = String(inputs.Api);
    const input = Object.fromEntries(Object.entries(inputs).filter(([k]) => !API_META_INPUTS.has(k)));
    const op = findOperation(service, api);
    if (!op)
      throw new StepFailure(
        `the AWS API model has no operation ${service}:${api} (Service is the namespace, e.g. cloudtrail; Api the operation name, e.g. GetTrail)`,
      );
    const problems = checkValueAgainstShape(input, op.input);
    if (problems.length)
      throw new StepFailure(
        `parameter validation failed for ${service}:${api}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      );
    const kind = isReadApi(api) ? 'read' : 'write';
    try {
      const out = await caller.call(service, api, input);
      const rec: ApiCallRecord = { step: step.name, service, api, input, kind };
      calls.push(rec);
      options.onEvent?.({ type: 'call', call: rec });
      if (kind === 'write') changes.push(api);
      return plainResponse(out ?? {});
    } catch (e) {
      const err = e as Error;
      const rec: ApiCallRecord = {
        step: step.name,
        service,
        api,
        input,
        kind,
        error: err.name,
        errorMessage: err.message,
      };
      calls.push(rec);
      options.onEvent?.({ type: 'call', call: rec });
      throw new StepFailure(`${service}:${api} failed: ${err.name}: ${err.message}`);
    }
  };

  const assertProperty = (
    step: StepDefinition,
    response: unknown,
    inputs: Record<string, unknown>,
  ): { ok: boolean; got: unknown[]; desired: string[] } => {
    const selector = String(step.inputs.PropertySelector);
    const desired = (inputs.DesiredValues as unknown[]).map(asText);
    const sel = selectOutput(response, selector, 'StringList');
    if (sel.error) throw new StepFailure(sel.error);
    const got = sel.unset ? [] : (sel.value as unknown[]);
    return { ok: got.length > 0 && got.every((g) => desired.includes(asText(g))), got, desired };
  };

  /** Runs one attempt; returns the chosen next step name for a branch. */
  const attempt = async (step: StepDefinition, outputs: Record<string, unknown>): Promise<string | undefined> => {
    switch (step.action) {
      case 'aws:executeAwsApi': {
        const response = await callApi(step);
        for (const o of step.outputs ?? []) {
          const sel = selectOutput(response, o.Selector, o.Type ?? 'String');
          if (sel.error) throw new StepFailure(sel.error);
          if (!sel.unset) outputs[o.Name] = sel.value;
        }
        return undefined;
      }
      case 'aws:assertAwsResourceProperty': {
        const inputs = interpolate(step.inputs, lookup) as Record<string, unknown>;
        const response = await callApi(step);
        const r = assertProperty(step, response, inputs);
        if (!r.ok) {
          throw new StepFailure(
            `assertion failed: ${String(step.inputs.PropertySelector)} of ${String(inputs.Api)} is ${r.got.length ? JSON.stringify(r.got.map(asText)) : 'absent'}, expected one of ${JSON.stringify(r.desired)}`,
          );
        }
        return undefined;
      }
      case 'aws:waitForAwsResourceProperty': {
        const inputs = interpolate(step.inputs, lookup) as Record<string, unknown>;
        const timeoutMs = Number(step.timeoutSeconds ?? 3600) * 1000;
        const started = Date.now();
        for (;;) {
          const response = await callApi(step);
          const r = assertProperty(step, response, inputs);
          if (r.ok) return undefined;
          if (Date.now() - started >= timeoutMs) {
            throw new StepFailure(
              `timed out waiting for ${String(step.inputs.PropertySelector)} to be one of ${JSON.stringify(r.desired)} (last: ${JSON.stringify(r.got)})`,
            );
          }
          await new Promise((res) => setTimeout(res, options.pollIntervalMs ?? 5000));
        }
      }
      case 'aws:branch': {
        const choices = (step.inputs.Choices as Array<Record<string, unknown>>) ?? [];
        for (const c of choices) {
          const { NextStep, ...cond } = c;
          if (evaluateCondition(cond, lookup)) return String(NextStep);
        }
        if (step.inputs.Default !== undefined) return String(step.inputs.Default);
        throw new StepFailure('no choice matched and the branch has no Default');
      }
      default:
        throw new StepFailure(
          `action ${step.action} is not supported by this executor (supported: aws:executeAwsApi, aws:branch, aws:assertAwsResourceProperty, aws:waitForAwsResourceProperty)`,
        );
    }
  };

  let status: 'Success' | 'Failed' = 'Success';
  let failureMessage: string | undefined;
  let idx = 0;
  let runs = 0;
  const maxRuns = options.maxStepRuns ?? 200;
  try {
    while (idx < doc.mainSteps.length) {
      if (++runs > maxRuns) throw new Error(`more than ${maxRuns} step runs: the runbook loops`);
      const step = doc.mainSteps[idx];
      const maxAttempts = Math.max(1, Number(step.maxAttempts ?? 1));
      let attempts = 0;
      let chosen: string | undefined;
      let error: string | undefined;
      const outputs: Record<string, unknown> = {};
      while (attempts < maxAttempts) {
        attempts++;
        try {
          chosen = await attempt(step, outputs);
          error = undefined;
          break;
        } catch (e) {
          if (!(e instanceof StepFailure) && !(e instanceof UnresolvedReferenceError)) throw e;
          error = e.message;
        }
      }
      const rec: StepRecord = {
        name: step.name,
        action: step.action,
        status: error === undefined ? 'Success' : 'Failed',
        attempts,
        ...(error !== undefined ? { failureMessage: error } : {}),
        outputs: { ...outputs },
        ...(chosen !== undefined ? { nextStep: chosen } : {}),
      };
      steps.push(rec);
      options.onEvent?.({ type: 'step', step: rec });
      if (error === undefined) {
        outputsByStep.set(step.name, outputs);
        if (flag(step.isEnd, false)) break;
        const next = chosen ?? step.nextStep;
        idx = next !== undefined ? stepIndex(next, step.name) : idx + 1;
        continue;
      }
      const critical = flag(step.isCritical, true);
      const onFailure = step.onFailure ?? 'Abort';
      const message = `step ${step.name} failed: ${error}`;
      if (critical || onFailure === 'Abort') {
        status = 'Failed';
        failureMessage ??= message;
      }
      if (onFailure === 'Abort' || flag(step.isEnd, false)) break;
      if (onFailure === 'Continue') {
        idx = step.nextStep !== undefined ? stepIndex(step.nextStep, step.name) : idx + 1;
      } else if (onFailure.startsWith('step:')) {
        idx = stepIndex(onFailure.slice('step:'.length), step.name);
      } else {
        throw new Error(
          `step ${step.name}: onFailure ${JSON.stringify(onFailure)} is not Abort, Continue or step:<name>`,
        );
      }
    }
  } finally {
    sdkCaller?.destroy();
  }

  const docOutputs: Record<string, unknown> = {};
  for (const ref of doc.outputs ?? []) {
    const v = lookup(ref);
    if (v !== undefined) docOutputs[ref] = v;
  }
  return {
    executionId,
    status,
    failureMessage,
    steps,
    calls,
    outputs: docOutputs,
    changes,
    assumeRole,
    parameters: params,
  };
}
