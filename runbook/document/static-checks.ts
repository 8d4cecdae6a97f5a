/**
 * Static checks of an Automation document:
 * 1. AWS's JSON Schema for Automation documents, as shipped in aws-ssm-document-language-service (validated with ajv);
 * 2. every API step against the AWS API model of its service (operation exists, input members exist with the exact
 *    case, required members present, values of the right JSON type where they are literal), output selectors that
 *    exist in the operation's output shape, and output types;
 * 3. the document's own structure: unique step names, nextStep / onFailure / Choices targets that exist, `{{ }}`
 *    references to parameters or to outputs of steps, document outputs that name a step output, defaults that their
 *    parameter accepts, branch operators that aws:branch knows.
 *
 * Gaps of the shipped schema (it predates newer actions and properties) are allowed explicitly in
 * {@link SCHEMA_GAPS_ALLOWED}: today the python3.11 runtime of aws:executeScript.
 */
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { checkValueAgainstShape, findOperation, shapeAtSelector, type ShapeInfo } from './api-model';
import { PARAMETER_TYPES, type AutomationDocument, type ParameterType } from './document';
import { checkParameterValue, type TypedValue } from './parameters';
import { referencesIn } from './values';

/**
 * The operators of aws:branch choices.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-branch.html
 */
export const BRANCH_OPERATORS = [
  'StringEquals',
  'EqualsIgnoreCase',
  'StartsWith',
  'EndsWith',
  'Contains',
  'BooleanEquals',
  'NumericEquals',
  'NumericGreater',
  'NumericLesser',
  'NumericGreaterOrEquals',
  'NumericLesserOrEquals',
] as const;

/**
 * The Python runtimes of aws:executeScript that AWS still runs (3.6 to 3.8 were retired in 2025).
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeScript.html
 */
export const PYTHON_RUNTIMES = ['python3.9', 'python3.10', 'python3.11'] as const;

/**
 * The JSONPath SSM documents for selectors: `$`, `.name`, `..name` and `[n]`; no filter (`[?()]`), no wildcard
 * (`[*]`), no quoted member.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-outputs-inputs.html
 */
export const DOCUMENTED_SELECTOR = /^\$(\.{1,2}[A-Za-z0-9_]+|\[\d+\])*$/;

/** One finding. `where` is a path into the document, e.g. `mainSteps[3](UpdateTrail).inputs.S3BucketName`. */
export interface DocumentProblem {
  readonly check: 'schema' | 'api-model' | 'structure' | 'semantics';
  readonly where: string;
  readonly message: string;
}

/** The JSON Schema file of aws-ssm-document-language-service (draft-07, Automation documents, schemaVersion 0.3). */
export const SSM_SCHEMA_PATH = require.resolve('aws-ssm-document-language-service/dist/schema.json');

/**
 * Schema errors that are allowed because the shipped schema is older than the service. Keyed by ajv instancePath
 * regex; each entry says why. Empty: the runbook uses no action or property the schema lacks.
 */
export const SCHEMA_GAPS_ALLOWED: ReadonlyArray<{
  readonly instancePath: RegExp;
  readonly keyword: string;
  readonly why: string;
}> = [
  // The shipped schema lists the aws:executeScript runtimes of 2020 (python3.6, python3.7, PowerShell Core 6.0). AWS
  // has since retired python3.6 to 3.8 and runs python3.11: "we recommend that you upgrade runbooks that use the
  // aws:executeScript action with a Python runtime to Python 3.11"
  // (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeScript.html).
  // checkDocumentedSemantics checks the runtime against PYTHON_RUNTIMES instead.
  ...(['enum', 'pattern', 'oneOf'] as const).map((keyword) => ({
    instancePath: /^\/mainSteps\/\d+\/inputs\/Runtime$/,
    keyword,
    why: 'the schema predates the python3.11 runtime of aws:executeScript',
  })),
  { instancePath: /^\/mainSteps\/\d+$/, keyword: 'if', why: "the step-level summary of the same Runtime gap (the action's if/then)" },
];

let validator: ReturnType<Ajv['compile']> | undefined;

/**
 * Validates a document against AWS's JSON Schema for Automation documents.
 * @returns the schema's errors that are not allowed gaps
 */
export function validateAgainstSsmSchema(doc: unknown): DocumentProblem[] {
  if (!validator) {
    const schema = JSON.parse(readFileSync(SSM_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
    // strict: false: the schema uses keywords ajv does not know (defaultSnippets, for editors).
    // unicodeRegExp: false: the schema's patterns (e.g. `^{{[ ]{0,1}...}}$`) are valid only without the `u` flag.
    validator = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false }).compile(schema);
  }
  if (validator(doc)) return [];
  return (validator.errors ?? [])
    .filter((e) => !SCHEMA_GAPS_ALLOWED.some((g) => g.keyword === e.keyword && g.instancePath.test(e.instancePath)))
    .map((e) => ({
      check: 'schema' as const,
      where: e.instancePath || '/',
      message: `${e.keyword}: ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    }));
}

const API_ACTIONS = new Set(['aws:executeAwsApi', 'aws:assertAwsResourceProperty', 'aws:waitForAwsResourceProperty']);
const META = new Set(['Service', 'Api', 'PropertySelector', 'DesiredValues']);
const isReference = (v: unknown): boolean => typeof v === 'string' && /^\{\{\s*[A-Za-z0-9_.:-]+\s*\}\}$/.test(v);

/** The shape kind an output Type can hold. */
const TYPE_FITS: Record<ParameterType, ReadonlyArray<ShapeInfo['kind']>> = {
  String: ['string', 'number', 'boolean', 'timestamp', 'list'],
  Integer: ['number', 'string', 'list'],
  Boolean: ['boolean', 'string', 'list'],
  StringList: ['list', 'string', 'number', 'boolean'],
  StringMap: ['structure', 'map'],
  MapList: ['list', 'structure'],
};

/**
 * Checks every API step against the AWS API model (FC-12).
 * @returns every problem found
 */
export function checkApiSteps(doc: AutomationDocument): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  doc.mainSteps.forEach((step, i) => {
    if (!API_ACTIONS.has(step.action)) return;
    const where = `mainSteps[${i}](${step.name})`;
    const push = (w: string, message: string): void =>
      void problems.push({ check: 'api-model', where: `${where}${w}`, message });
    const { Service, Api } = step.inputs as { Service?: unknown; Api?: unknown };
    if (typeof Service !== 'string' || typeof Api !== 'string')
      return push('.inputs', 'Service and Api are literal strings');
    const op = findOperation(Service, Api);
    if (!op) {
      return push(
        '.inputs.Api',
        `${Service}:${Api} is not an operation of the AWS API model (Service is the SDK namespace such as cloudtrail; Api the operation name in PascalCase such as StartLogging)`,
      );
    }
    const input = Object.fromEntries(Object.entries(step.inputs).filter(([k]) => !META.has(k)));
    for (const p of checkValueAgainstShape(input, op.input, '$', isReference))
      push(`.inputs${p.path.slice(1)}`, p.message);
    for (const [k, o] of (step.outputs ?? []).entries()) {
      if (!o.Name || !/^[A-Za-z0-9_]+$/.test(o.Name))
        push(`.outputs[${k}].Name`, `output name ${JSON.stringify(o.Name)} is letters, digits and _`);
      const type = o.Type ?? 'String';
      if (!PARAMETER_TYPES.includes(type)) {
        push(`.outputs[${k}].Type`, `${String(type)} is not one of ${PARAMETER_TYPES.join(', ')}`);
        continue;
      }
      const s = shapeAtSelector(op.output, o.Selector);
      if (s.problem) push(`.outputs[${k}].Selector`, s.problem);
      else if (!TYPE_FITS[type].includes(s.shape!.kind))
        push(`.outputs[${k}].Type`, `${type} cannot hold ${o.Selector}, a ${s.shape!.kind}`);
    }
    if (step.action !== 'aws:executeAwsApi') {
      const sel = step.inputs.PropertySelector;
      if (typeof sel !== 'string') push('.inputs.PropertySelector', 'a JSONPath string');
      else {
        const s = shapeAtSelector(op.output, sel);
        if (s.problem) push('.inputs.PropertySelector', s.problem);
      }
      if (!Array.isArray(step.inputs.DesiredValues) || step.inputs.DesiredValues.length === 0)
        push('.inputs.DesiredValues', 'a non-empty list');
    }
  });
  return problems;
}

function conditionProblems(cond: Record<string, unknown>, where: string, out: DocumentProblem[]): void {
  const push = (message: string): void => void out.push({ check: 'structure', where, message });
  for (const k of ['And', 'Or'] as const) {
    if (k in cond) {
      if (!Array.isArray(cond[k]) || (cond[k] as unknown[]).length < 2)
        push(`${k} takes a list of at least two conditions`);
      else (cond[k] as Record<string, unknown>[]).forEach((c, i) => conditionProblems(c, `${where}.${k}[${i}]`, out));
      return;
    }
  }
  if ('Not' in cond) {
    const inner = Array.isArray(cond.Not) ? cond.Not : [cond.Not];
    if (inner.length !== 1) push('Not takes one condition');
    else conditionProblems(inner[0] as Record<string, unknown>, `${where}.Not[0]`, out);
    return;
  }
  if (!('Variable' in cond)) return push('a condition has Variable, And, Or or Not');
  const ops = Object.keys(cond).filter((k) => k !== 'Variable');
  if (ops.length !== 1 || !(BRANCH_OPERATORS as readonly string[]).includes(ops[0])) {
    push(`a condition has exactly one operator of ${BRANCH_OPERATORS.join(', ')}; got ${ops.join(', ') || 'none'}`);
  } else if (ops[0] === 'BooleanEquals' && typeof cond.BooleanEquals !== 'boolean' && !isReference(cond.BooleanEquals)) {
    push(`BooleanEquals takes true or false (a YAML Boolean), not ${JSON.stringify(cond.BooleanEquals)}`);
  }
}

/**
 * Checks what SSM documents about the actions the runbook uses, where a mistake fails every execution:
 * - every output `Selector` and `PropertySelector` stays within {@link DOCUMENTED_SELECTOR};
 * - `DesiredValues` of aws:assertAwsResourceProperty and aws:waitForAwsResourceProperty: a Boolean is written `True`
 *   or `False` ("If you specify a Boolean value, you must use a capital letter such as True or False"), never
 *   `true`/`false` and never a reference (a Boolean parameter renders in lower case); when the property is a boolean
 *   in the API model, every desired value is `True` or `False`;
 * - aws:executeScript: a Python runtime of {@link PYTHON_RUNTIMES}, a `Handler` that the embedded `Script` defines as
 *   `def <Handler>(events, context)`, an `InputPayload` mapping, and outputs that each have a `Type` and select
 *   under `$.Payload`.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-assertAwsResourceProperty.html
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeScript.html
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-outputs-inputs.html
 * @returns every problem found
 */
export function checkDocumentedSemantics(doc: AutomationDocument): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  doc.mainSteps.forEach((step, i) => {
    const where = `mainSteps[${i}](${step.name})`;
    const push = (w: string, message: string): void => void problems.push({ check: 'semantics', where: `${where}${w}`, message });
    const inputs = step.inputs ?? {};
    (step.outputs ?? []).forEach((o, k) => {
      if (typeof o.Selector !== 'string' || !DOCUMENTED_SELECTOR.test(o.Selector))
        push(`.outputs[${k}].Selector`, `${JSON.stringify(o.Selector)} is outside the JSONPath SSM documents ($, .name, ..name, [n])`);
    });
    if (step.action === 'aws:assertAwsResourceProperty' || step.action === 'aws:waitForAwsResourceProperty') {
      const sel = inputs.PropertySelector;
      if (typeof sel !== 'string' || !DOCUMENTED_SELECTOR.test(sel))
        push('.inputs.PropertySelector', `${JSON.stringify(sel)} is outside the JSONPath SSM documents ($, .name, ..name, [n])`);
      const op = typeof inputs.Service === 'string' && typeof inputs.Api === 'string' ? findOperation(inputs.Service, inputs.Api) : undefined;
      const shape = op && typeof sel === 'string' ? shapeAtSelector(op.output, sel).shape : undefined;
      const desired = Array.isArray(inputs.DesiredValues) ? (inputs.DesiredValues as unknown[]) : [];
      desired.forEach((v, k) => {
        const w = `.inputs.DesiredValues[${k}]`;
        if (typeof v === 'boolean' || (typeof v === 'string' && /^(true|false)$/i.test(v) && v !== 'True' && v !== 'False'))
          push(w, `${JSON.stringify(v)}: a Boolean is written True or False (capital letter)`);
        else if (isReference(v)) push(w, `${String(v)}: a reference renders a Boolean in lower case; write True or False`);
        else if (shape?.kind === 'boolean' && v !== 'True' && v !== 'False')
          push(w, `${JSON.stringify(v)}: ${String(sel)} is a Boolean; write True or False`);
      });
    }
    if (step.action === 'aws:executeScript') {
      const runtime = inputs.Runtime;
      if (!(PYTHON_RUNTIMES as readonly unknown[]).includes(runtime))
        push('.inputs.Runtime', `${JSON.stringify(runtime)} is not one of ${PYTHON_RUNTIMES.join(', ')}`);
      const handler = inputs.Handler;
      const script = inputs.Script;
      if (typeof handler !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(handler))
        push('.inputs.Handler', `${JSON.stringify(handler)} is the name of a Python function`);
      else if (typeof script !== 'string' || !new RegExp(`^def ${handler}\\(events, context\\):`, 'm').test(script))
        push('.inputs.Script', `the script does not define def ${handler}(events, context)`);
      const payload = inputs.InputPayload;
      if (payload !== undefined && (payload === null || typeof payload !== 'object' || Array.isArray(payload)))
        push('.inputs.InputPayload', 'a mapping of names to values');
      (step.outputs ?? []).forEach((o, k) => {
        if (!o.Type || !PARAMETER_TYPES.includes(o.Type)) push(`.outputs[${k}].Type`, `a type of ${PARAMETER_TYPES.join(', ')}`);
        if (typeof o.Selector !== 'string' || !o.Selector.startsWith('$.Payload.'))
          push(`.outputs[${k}].Selector`, `${JSON.stringify(o.Selector)}: a script's outputs select under $.Payload`);
      });
    }
  });
  return problems;
}

/**
 * Checks the document's structure (names, targets, references, defaults, branch syntax).
 * @returns every problem found
 */
export function checkStructure(doc: AutomationDocument): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  const push = (where: string, message: string): void => void problems.push({ check: 'structure', where, message });
  const names = doc.mainSteps.map((s) => s.name);
  const params = doc.parameters ?? {};
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) push(`mainSteps[${i}]`, `step name ${n} appears twice`);
    if (!/^[A-Za-z0-9_]+$/.test(n))
      push(
        `mainSteps[${i}]`,
        `step name ${JSON.stringify(n)} is letters, digits and _ (onFailure: step:<name> matches \\w+)`,
      );
  });
  const outputsOf = new Map(doc.mainSteps.map((s) => [s.name, new Set((s.outputs ?? []).map((o) => o.Name))]));
  const target = (where: string, name: unknown): void => {
    if (typeof name !== 'string' || !names.includes(name)) push(where, `step ${JSON.stringify(name)} does not exist`);
  };
  const checkRef = (where: string, ref: string): void => {
    if (ref.startsWith('global:') || ref.startsWith('automation:')) {
      if (
        ![
          'global:ACCOUNT_ID',
          'global:REGION',
          'global:AWS_PARTITION',
          'global:AWS_URL_SUFFIX',
          'global:DATE',
          'global:DATE_TIME',
          'automation:EXECUTION_ID',
        ].includes(ref)
      )
        push(where, `unknown variable ${ref}`);
      return;
    }
    const dot = ref.indexOf('.');
    if (dot < 0) {
      if (!(ref in params)) push(where, `{{ ${ref} }} names no parameter`);
      return;
    }
    const [step, out] = [ref.slice(0, dot), ref.slice(dot + 1)];
    if (!outputsOf.get(step)?.has(out)) push(where, `{{ ${ref} }} names no output of a step`);
  };
  if (doc.assumeRole !== undefined) for (const r of referencesIn(doc.assumeRole)) checkRef('assumeRole', r);
  for (const o of doc.outputs ?? []) {
    const m = /^([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$/.exec(o);
    if (!m || !outputsOf.get(m[1])?.has(m[2])) push(`outputs`, `${o} names no output of a step`);
  }
  for (const [name, def] of Object.entries(params)) {
    if (!def.description) push(`parameters.${name}`, 'has no description');
    if (def.allowedPattern === undefined && def.allowedValues === undefined)
      push(`parameters.${name}`, 'has neither allowedPattern nor allowedValues');
    if (def.default !== undefined)
      for (const p of checkParameterValue(name, def, def.default as TypedValue)) push(`parameters.${name}.default`, p);
  }
  doc.mainSteps.forEach((s, i) => {
    const where = `mainSteps[${i}](${s.name})`;
    if (s.nextStep !== undefined) target(`${where}.nextStep`, s.nextStep);
    if (s.onFailure?.startsWith('step:')) target(`${where}.onFailure`, s.onFailure.slice(5));
    else if (s.onFailure !== undefined && s.onFailure !== 'Abort' && s.onFailure !== 'Continue')
      push(`${where}.onFailure`, `${s.onFailure} is not Abort, Continue or step:<name>`);
    for (const r of referencesIn(s.inputs)) checkRef(`${where}.inputs`, r);
    if (s.action === 'aws:branch') {
      const choices = s.inputs.Choices as Array<Record<string, unknown>> | undefined;
      if (!Array.isArray(choices) || choices.length === 0)
        push(`${where}.inputs.Choices`, 'a branch has at least one choice');
      (choices ?? []).forEach((c, k) => {
        const { NextStep, ...cond } = c;
        target(`${where}.inputs.Choices[${k}].NextStep`, NextStep);
        conditionProblems(cond, `${where}.inputs.Choices[${k}]`, problems);
      });
      if (s.inputs.Default !== undefined) target(`${where}.inputs.Default`, s.inputs.Default);
      if (s.nextStep !== undefined)
        push(`${where}.nextStep`, 'a branch chooses its next step; nextStep is not allowed');
    }
    for (const v of Object.values(s.inputs)) {
      if (typeof v === 'string' && /\{\{(?!\s*[A-Za-z0-9_.:-]+\s*\}\})/.test(v))
        push(`${where}.inputs`, `malformed reference in ${JSON.stringify(v)}`);
    }
  });
  return problems;
}

/**
 * All static checks: schema, API model, structure, documented semantics.
 * @param doc the parsed document (as `loadRunbook` returns it; the JSON Schema sees it as written)
 * @returns every problem found; empty when the document passes
 */
export function checkDocument(doc: AutomationDocument): DocumentProblem[] {
  return [...validateAgainstSsmSchema(doc), ...checkApiSteps(doc), ...checkStructure(doc), ...checkDocumentedSemantics(doc)];
}
