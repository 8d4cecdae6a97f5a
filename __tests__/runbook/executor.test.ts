/**
 * The executor's semantics, on small documents with a scripted ApiCaller: parameters, interpolation, selectors and
 * output types, aws:branch operators, nextStep / isEnd / onFailure / isCritical / maxAttempts, globals.
 */
import { TrailNotFoundException } from '@aws-sdk/client-cloudtrail';
import { parseRunbook, type AutomationDocument } from '../../runbook/executor/document';
import { evaluateCondition, runAutomation, type ApiCaller } from '../../runbook/executor/executor';
import { convertParameter, resolveParameters } from '../../runbook/executor/parameters';
import { interpolate, selectOutput, UnresolvedReferenceError } from '../../runbook/executor/values';

/** Answers calls from a script: api → response, or an Error to throw; records calls. */
function scripted(
  script: Record<string, unknown | unknown[]>,
): ApiCaller & { calls: Array<[string, Record<string, unknown>]> } {
  const calls: Array<[string, Record<string, unknown>]> = [];
  const queues = new Map(Object.entries(script).map(([k, v]) => [k, Array.isArray(v) ? [...v] : [v]]));
  return {
    calls,
    async call(_service, api, input) {
      calls.push([api, input]);
      const q = queues.get(api) ?? [];
      const r = q.length > 1 ? q.shift() : q[0];
      if (r instanceof Error) throw r;
      return r;
    },
  };
}

const notFound = () => new TrailNotFoundException({ message: 'Unknown trail', $metadata: {} });
const doc = (yaml: string): AutomationDocument => parseRunbook(yaml);

describe('parameters', () => {
  it('converts each type the way the service does', () => {
    expect(convertParameter('String', 'a')).toEqual({ value: 'a' });
    expect(convertParameter('StringList', ['a', 'b'])).toEqual({ value: ['a', 'b'] });
    expect(convertParameter('Boolean', 'true')).toEqual({ value: true });
    expect(convertParameter('Boolean', ['false'])).toEqual({ value: false });
    expect(convertParameter('Boolean', 'True').error).toBe('a Boolean is exactly "true" or "false", got "True"');
    expect(convertParameter('Boolean', '1').error).toBe('a Boolean is exactly "true" or "false", got "1"');
    expect(convertParameter('Integer', '-42')).toEqual({ value: -42 });
    expect(convertParameter('Integer', '4.2').error).toBe('an Integer is one whole number, got ["4.2"]');
    expect(convertParameter('StringMap', '{"a":"b"}')).toEqual({ value: { a: 'b' } });
    expect(convertParameter('StringMap', '[1]').error).toBe('a StringMap is one JSON object');
    expect(convertParameter('MapList', '[{"a":1},{"b":2}]')).toEqual({ value: [{ a: 1 }, { b: 2 }] });
    expect(convertParameter('MapList', '[1]').error).toBe('a MapList is one JSON array of objects');
  });

  it('applies defaults, allowedValues (typed, exact) and allowedPattern', () => {
    const d = doc(`
schemaVersion: '0.3'
parameters:
  Mode: { type: String, allowedValues: [fast, slow], default: slow, description: m }
  Count: { type: Integer, allowedValues: [1, 2], description: c }
  Flag: { type: Boolean, default: false, description: f }
  Names: { type: StringList, allowedPattern: '^[a-z]+$', description: n }
mainSteps:
  - { name: Only, action: aws:branch, inputs: { Choices: [{ NextStep: Only, Variable: x, StringEquals: y }], Default: Only }, isEnd: true }
`);
    expect(resolveParameters(d, { Count: '2', Names: ['ab', 'cd'] })).toEqual({
      Mode: 'slow',
      Count: 2,
      Flag: false,
      Names: ['ab', 'cd'],
    });
    expect(() => resolveParameters(d, { Count: '3', Names: ['ab', 'Cd'], Mode: 'Fast' })).toThrow(
      'the automation cannot start: 3 invalid parameters:\n' +
        '  - Mode: "Fast" is not one of the allowedValues ["fast","slow"]\n' +
        '  - Count: 3 is not one of the allowedValues [1,2]\n' +
        '  - Names: "Cd" does not match the allowedPattern ^[a-z]+$',
    );
  });
});

describe('interpolation and selectors', () => {
  const values: Record<string, unknown> = {
    Flag: true,
    Name: 'org-audit',
    List: ['a', 'b'],
    'Step.Out': 'x',
    'automation:EXECUTION_ID': 'e-1',
  };
  const lookup = (n: string) => values[n];

  it('keeps the type of a whole reference and renders references inside text', () => {
    expect(interpolate('{{ Flag }}', lookup)).toBe(true);
    expect(interpolate('{{List}}', lookup)).toEqual(['a', 'b']);
    expect(interpolate({ a: ['{{ Name }}-{{ Step.Out }}', '{{ automation:EXECUTION_ID }}'] }, lookup)).toEqual({
      a: ['org-audit-x', 'e-1'],
    });
    expect(() => interpolate('{{ Missing.Out }}', lookup)).toThrow(UnresolvedReferenceError);
  });

  it('selects with JSONPath and converts to the output Type', () => {
    const r = { Trail: { IsMultiRegionTrail: true, Name: 'n', Count: 3 }, List: [{ T: 'a' }, { T: 'b' }] };
    expect(selectOutput(r, '$.Trail.IsMultiRegionTrail', 'Boolean')).toEqual({ value: true });
    expect(selectOutput(r, '$.Trail.IsMultiRegionTrail', 'String')).toEqual({ value: 'true' });
    expect(selectOutput(r, '$.Trail.Count', 'StringList')).toEqual({ value: ['3'] });
    expect(selectOutput(r, '$.List[*].T', 'StringList')).toEqual({ value: ['a', 'b'] });
    expect(selectOutput(r, '$.List[*]', 'MapList')).toEqual({ value: [{ T: 'a' }, { T: 'b' }] });
    expect(selectOutput(r, '$.List[?(@.T == "b")].T', 'String')).toEqual({ value: 'b' });
    expect(selectOutput(r, '$.Trail.KmsKeyId', 'String')).toEqual({ unset: true });
    expect(selectOutput(r, '$.Trail', 'Integer').error).toMatch(/cannot be converted to Integer/);
  });
});

describe('aws:branch conditions', () => {
  const lookup = (n: string) => ({ S: 'Hello', B: true, N: 5, L: ['All', 'ReadOnly'] })[n];
  it.each([
    [{ Variable: '{{ S }}', StringEquals: 'Hello' }, true],
    [{ Variable: '{{ S }}', StringEquals: 'hello' }, false],
    [{ Variable: '{{ S }}', EqualsIgnoreCase: 'hello' }, true],
    [{ Variable: '{{ S }}', StartsWith: 'He' }, true],
    [{ Variable: '{{ S }}', EndsWith: 'lo' }, true],
    [{ Variable: '{{ S }}', Contains: 'ell' }, true],
    [{ Variable: '{{ L }}', Contains: 'All' }, true],
    [{ Variable: '{{ L }}', Contains: 'Al' }, false],
    [{ Variable: '{{ B }}', BooleanEquals: true }, true],
    [{ Variable: '{{ B }}', BooleanEquals: '{{ B }}' }, true],
    [{ Variable: '{{ N }}', NumericEquals: 5 }, true],
    [{ Variable: '{{ N }}', NumericGreater: 5 }, false],
    [{ Variable: '{{ N }}', NumericGreaterOrEquals: 5 }, true],
    [{ Variable: '{{ N }}', NumericLesser: 6 }, true],
    [{ Variable: '{{ N }}', NumericLesserOrEquals: 4 }, false],
    [
      {
        And: [
          { Variable: '{{ B }}', BooleanEquals: true },
          { Variable: '{{ N }}', NumericEquals: 5 },
        ],
      },
      true,
    ],
    [
      {
        Or: [
          { Variable: '{{ B }}', BooleanEquals: false },
          { Variable: '{{ N }}', NumericEquals: 4 },
        ],
      },
      false,
    ],
    [{ Not: [{ Variable: '{{ S }}', StringEquals: 'x' }] }, true],
  ])('%j → %s', (cond, expected) => {
    expect(evaluateCondition(cond as Record<string, unknown>, lookup)).toBe(expected);
  });
});

describe('step flow', () => {
  const flowDoc = (getTrailStep: string) =>
    doc(`
schemaVersion: '0.3'
assumeRole: '{{ Role }}'
outputs: [Lookup.Arn, Create.Arn]
parameters:
  Role: { type: String, description: r, allowedPattern: '^arn:' }
  Name: { type: String, description: n, allowedPattern: '^[a-z-]+$' }
mainSteps:
${getTrailStep}
  - name: Found
    action: aws:branch
    inputs:
      Choices:
        - { Variable: '{{ Lookup.Arn }}', StartsWith: 'arn:', NextStep: Done }
      Default: Create
  - name: Create
    action: aws:executeAwsApi
    inputs: { Service: cloudtrail, Api: CreateTrail, Name: '{{ Name }}', S3BucketName: b }
    outputs: [{ Name: Arn, Selector: $.TrailARN, Type: String }]
  - name: Done
    action: aws:executeAwsApi
    inputs: { Service: cloudtrail, Api: StartLogging, Name: '{{ Name }}' }
    isEnd: true
  - name: NeverReached
    action: aws:executeAwsApi
    inputs: { Service: cloudtrail, Api: DeleteTrail, Name: '{{ Name }}' }
`);
  const params = { Role: 'arn:aws:iam::111111111111:role/r', Name: 'org-audit' };

  it('onFailure step:X goes to X; a non-critical failure leaves the execution Success; isEnd stops', async () => {
    const d = flowDoc(`  - name: Lookup
    action: aws:executeAwsApi
    onFailure: step:Create
    isCritical: false
    inputs: { Service: cloudtrail, Api: GetTrail, Name: '{{ Name }}' }
    outputs: [{ Name: Arn, Selector: $.Trail.TrailARN, Type: String }]`);
    const caller = scripted({
      GetTrail: notFound(),
      CreateTrail: { TrailARN: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit' },
      StartLogging: {},
    });
    const r = await runAutomation(d, { parameters: params, region: 'us-east-1', caller });
    expect(r.status).toBe('Success');
    expect(r.steps.map((s) => [s.name, s.status])).toEqual([
      ['Lookup', 'Failed'],
      ['Create', 'Success'],
      ['Done', 'Success'],
    ]);
    expect(caller.calls.map(([a]) => a)).toEqual(['GetTrail', 'CreateTrail', 'StartLogging']);
    expect(r.outputs).toEqual({ 'Create.Arn': 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit' });
    expect(r.changes).toEqual(['CreateTrail', 'StartLogging']);
    expect(r.assumeRole).toBe('arn:aws:iam::111111111111:role/r');
  });

  it('a critical step that fails with onFailure step:X still goes to X, and the execution is Failed', async () => {
    const d = flowDoc(`  - name: Lookup
    action: aws:executeAwsApi
    onFailure: step:Create
    inputs: { Service: cloudtrail, Api: GetTrail, Name: '{{ Name }}' }
    outputs: [{ Name: Arn, Selector: $.Trail.TrailARN, Type: String }]`);
    const r = await runAutomation(d, {
      parameters: params,
      region: 'us-east-1',
      caller: scripted({ GetTrail: notFound(), CreateTrail: {}, StartLogging: {} }),
    });
    expect(r.status).toBe('Failed');
    expect(r.failureMessage).toBe(
      'step Lookup failed: cloudtrail:GetTrail failed: TrailNotFoundException: Unknown trail',
    );
    expect(r.steps.map((s) => s.name)).toEqual(['Lookup', 'Create', 'Done']);
  });

  it('Abort (the default) stops at the failed step; maxAttempts retries first', async () => {
    const d = flowDoc(`  - name: Lookup
    action: aws:executeAwsApi
    maxAttempts: 3
    inputs: { Service: cloudtrail, Api: GetTrail, Name: '{{ Name }}' }
    outputs: [{ Name: Arn, Selector: $.Trail.TrailARN, Type: String }]`);
    const caller = scripted({ GetTrail: [notFound(), notFound(), notFound()] });
    const r = await runAutomation(d, { parameters: params, region: 'us-east-1', caller });
    expect(r.status).toBe('Failed');
    expect(r.steps).toEqual([expect.objectContaining({ name: 'Lookup', status: 'Failed', attempts: 3 })]);
    expect(caller.calls).toHaveLength(3);
  });

  it('maxAttempts: a retry that succeeds makes the step succeed', async () => {
    const d = flowDoc(`  - name: Lookup
    action: aws:executeAwsApi
    maxAttempts: 2
    inputs: { Service: cloudtrail, Api: GetTrail, Name: '{{ Name }}' }
    outputs: [{ Name: Arn, Selector: $.Trail.TrailARN, Type: String }]`);
    const caller = scripted({
      GetTrail: [notFound(), { Trail: { TrailARN: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit' } }],
      StartLogging: {},
    });
    const r = await runAutomation(d, { parameters: params, region: 'us-east-1', caller });
    expect(r.status).toBe('Success');
    expect(r.steps.map((s) => [s.name, s.attempts, s.nextStep])).toEqual([
      ['Lookup', 2, undefined],
      ['Found', 1, 'Done'],
      ['Done', 1, undefined],
    ]);
    expect(r.outputs).toEqual({ 'Lookup.Arn': 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit' });
  });

  it('Continue goes on to the next step; a branch reading an unset output fails', async () => {
    const d = flowDoc(`  - name: Lookup
    action: aws:executeAwsApi
    onFailure: Continue
    isCritical: false
    inputs: { Service: cloudtrail, Api: GetTrail, Name: '{{ Name }}' }
    outputs: [{ Name: Arn, Selector: $.Trail.TrailARN, Type: String }]`);
    const r = await runAutomation(d, {
      parameters: params,
      region: 'us-east-1',
      caller: scripted({ GetTrail: notFound() }),
    });
    expect(r.status).toBe('Failed');
    expect(r.steps.map((s) => [s.name, s.status])).toEqual([
      ['Lookup', 'Failed'],
      ['Found', 'Failed'],
    ]);
    expect(r.failureMessage).toBe(
      'step Found failed: cannot resolve {{ Lookup.Arn }}: no parameter, step output or global variable of that name is set',
    );
  });

  it('refuses input members the API model does not have before calling (as boto3 does)', async () => {
    const d = flowDoc(`  - name: Lookup
    action: aws:executeAwsApi
    inputs: { Service: cloudtrail, Api: GetTrail, name: '{{ Name }}' }`);
    const caller = scripted({});
    const r = await runAutomation(d, { parameters: params, region: 'us-east-1', caller });
    expect(r.status).toBe('Failed');
    expect(r.failureMessage).toMatch(
      /^step Lookup failed: parameter validation failed for cloudtrail:GetTrail: \$\.name: GetTrailRequest has no member "name" \(did you mean Name\?/,
    );
    expect(caller.calls).toEqual([]);
  });

  it('provides the globals: region, account, partition, execution ID', async () => {
    const d = doc(`
schemaVersion: '0.3'
mainSteps:
  - name: Tag
    action: aws:executeAwsApi
    inputs: { Service: cloudtrail, Api: GetTrail, Name: 'trail-{{ global:ACCOUNT_ID }}-{{ global:REGION }}-{{ global:AWS_PARTITION }}-{{ automation:EXECUTION_ID }}' }
`);
    const caller = scripted({ GetTrail: { Trail: {} } });
    await runAutomation(d, {
      parameters: {},
      region: 'cn-north-1',
      accountId: '111111111111',
      executionId: 'e-123',
      caller,
    });
    expect(caller.calls).toEqual([['GetTrail', { Name: 'trail-111111111111-cn-north-1-aws-cn-e-123' }]]);
  });
});
