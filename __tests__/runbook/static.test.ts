/**
 * The runbook document as it is deployed (the template with the handler inlined): AWS's JSON Schema for Automation
 * documents, the AWS API model (FC-12), the structure, and what SSM documents about the two actions it uses; plus
 * mutated copies that each check must catch.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { findOperation, listOperations, shapeAtSelector } from '../../runbook/document/api-model';
import {
  HANDLER_PATH,
  loadRunbook,
  renderRunbook,
  type AutomationDocument,
  type StepDefinition,
} from '../../runbook/document/document';
import {
  checkApiSteps,
  checkDocument,
  checkDocumentedSemantics,
  checkStructure,
  DOCUMENTED_SELECTOR,
  SCHEMA_GAPS_ALLOWED,
  validateAgainstSsmSchema,
} from '../../runbook/document/static-checks';

const deployed = loadRunbook();
const clone = (): AutomationDocument => JSON.parse(JSON.stringify(deployed)) as AutomationDocument;
const at = (name: string): string => `mainSteps[${deployed.mainSteps.findIndex((s) => s.name === name)}](${name})`;
const step = (d: AutomationDocument, name: string): StepDefinition & { inputs: Record<string, unknown> } =>
  d.mainSteps.find((s) => s.name === name)! as StepDefinition & { inputs: Record<string, unknown> };

describe('the deployed runbook', () => {
  it('is two steps: the script that decides, then a declarative assertion that the trail logs', () => {
    expect(deployed.mainSteps.map((s) => [s.name, s.action])).toEqual([
      ['RemediateTrail', 'aws:executeScript'],
      ['VerifyLogging', 'aws:assertAwsResourceProperty'],
    ]);
    expect(deployed.schemaVersion).toBe('0.3');
    expect(deployed.assumeRole).toBe('{{ AutomationAssumeRole }}');
    expect(deployed.outputs).toEqual([
      'RemediateTrail.TrailARN',
      'RemediateTrail.Changed',
      'RemediateTrail.WriteCalls',
      'RemediateTrail.Summary',
    ]);
  });

  it('carries the handler: the Script is runbook/remediate_trail.py byte for byte, Runtime python3.11, Handler handler', () => {
    const s = step(deployed, 'RemediateTrail');
    expect(s.inputs.Script).toBe(readFileSync(HANDLER_PATH, 'utf8'));
    expect(s.inputs.Runtime).toBe('python3.11');
    expect(s.inputs.Handler).toBe('handler');
    expect(s.onFailure).toBe('Abort');
    expect(s.timeoutSeconds).toBe(600);
  });

  it('passes every runbook parameter to the script, and the Region, account and partition from SSM globals', () => {
    const payload = step(deployed, 'RemediateTrail').inputs.InputPayload as Record<string, string>;
    const params = Object.keys(deployed.parameters!).filter((p) => p !== 'AutomationAssumeRole');
    expect(Object.keys(payload).sort()).toEqual([...params, 'AccountId', 'Partition', 'Region'].sort());
    for (const p of params) expect([p, payload[p]]).toEqual([p, `{{ ${p} }}`]);
    expect([payload.Region, payload.AccountId, payload.Partition]).toEqual([
      '{{ global:REGION }}',
      '{{ global:ACCOUNT_ID }}',
      '{{ global:AWS_PARTITION }}',
    ]);
  });

  it('types every output of the script and selects it under $.Payload', () => {
    expect(step(deployed, 'RemediateTrail').outputs).toEqual([
      { Name: 'TrailARN', Selector: '$.Payload.TrailARN', Type: 'String' },
      { Name: 'Changed', Selector: '$.Payload.Changed', Type: 'Boolean' },
      { Name: 'WriteCalls', Selector: '$.Payload.WriteCalls', Type: 'String' },
      { Name: 'Summary', Selector: '$.Payload.Summary', Type: 'String' },
    ]);
  });

  it('asserts IsLogging with the capitalised Boolean SSM documents ("True")', () => {
    const v = step(deployed, 'VerifyLogging');
    expect(v.inputs).toEqual({
      Service: 'cloudtrail',
      Api: 'GetTrailStatus',
      Name: '{{ RemediateTrail.TrailARN }}',
      PropertySelector: '$.IsLogging',
      DesiredValues: ['True'],
    });
    expect(v.isEnd).toBe(true);
  });

  it('validates against the JSON Schema of aws-ssm-document-language-service, with only the named gaps allowed', () => {
    expect(validateAgainstSsmSchema(parse(renderRunbook()))).toEqual([]);
    // Only the Runtime gap: the schema lists python3.6 and python3.7 only.
    expect(SCHEMA_GAPS_ALLOWED.map((g) => [g.keyword, String(g.instancePath)])).toEqual([
      ['enum', String(/^\/mainSteps\/\d+\/inputs\/Runtime$/)],
      ['pattern', String(/^\/mainSteps\/\d+\/inputs\/Runtime$/)],
      ['oneOf', String(/^\/mainSteps\/\d+\/inputs\/Runtime$/)],
      ['if', String(/^\/mainSteps\/\d+$/)],
    ]);
    // The rest of the step is still checked: a Handler that is not a string is caught.
    const d = parse(renderRunbook()) as { mainSteps: Array<{ inputs: Record<string, unknown> }> };
    d.mainSteps[0].inputs.Handler = 5;
    expect(validateAgainstSsmSchema(d).map((p) => [p.where, p.message])).toEqual([
      ['/mainSteps/0/inputs/Handler', 'type: must be string {"type":"string"}'],
    ]);
  });

  it('passes the API model, structure and documented-semantics checks', () => {
    expect(checkApiSteps(deployed)).toEqual([]);
    expect(checkStructure(deployed)).toEqual([]);
    expect(checkDocumentedSemantics(deployed)).toEqual([]);
    expect(checkDocument(deployed)).toEqual([]);
  });

  it('declares the parameters the remediation sends, each described and constrained', () => {
    const params = deployed.parameters!;
    expect(Object.keys(params).sort()).toEqual(
      [
        'AutomationAssumeRole',
        'CloudWatchLogsLogGroupArn',
        'CloudWatchLogsRoleArn',
        'EnableLogFileValidation',
        'IncludeGlobalServiceEvents',
        'IsMultiRegionTrail',
        'IsOrganizationTrail',
        'KmsKeyId',
        'S3BucketName',
        'S3KeyPrefix',
        'SnsTopicARN',
        'TrailName',
        'TrailTags',
      ].sort(),
    );
    for (const [name, p] of Object.entries(params)) {
      expect([name, typeof p.description === 'string' && p.description.length > 10]).toEqual([name, true]);
      expect([name, p.allowedPattern !== undefined || p.allowedValues !== undefined]).toEqual([name, true]);
    }
    expect(
      Object.entries(params)
        .filter(([, p]) => p.default === undefined)
        .map(([n]) => n)
        .sort(),
    ).toEqual(['AutomationAssumeRole', 'KmsKeyId', 'S3BucketName', 'TrailName']);
  });

  it('the handler never calls DeleteTrail or StopLogging, and writes only the guarded trail by name', () => {
    const script = readFileSync(HANDLER_PATH, 'utf8');
    expect(script).not.toMatch(/delete_trail|stop_logging|DeleteTrail\(|StopLogging\(/);
    const writes = [...script.matchAll(/calls\.write\("([a-z_]+)"/g)].map((m) => m[1]).sort();
    expect(writes).toEqual(['create_trail', 'put_event_selectors', 'start_logging', 'update_trail']);
  });

  it('stays well under the 64 KB SSM document size quota', () => {
    // https://docs.aws.amazon.com/general/latest/gr/ssm.html lists the document size quota.
    expect(Buffer.byteLength(renderRunbook(), 'utf8')).toBeLessThan(64 * 1024);
  });
});

describe('the checks catch what they are for', () => {
  it.each([
    ['true', '"true": a Boolean is written True or False (capital letter)'],
    ['false', '"false": a Boolean is written True or False (capital letter)'],
    ['TRUE', '"TRUE": a Boolean is written True or False (capital letter)'],
    ['{{ IsMultiRegionTrail }}', '{{ IsMultiRegionTrail }}: a reference renders a Boolean in lower case; write True or False'],
    ['yes', '"yes": $.IsLogging is a Boolean; write True or False'],
  ])('a DesiredValues entry %j on a Boolean property', (value, message) => {
    const d = clone();
    step(d, 'VerifyLogging').inputs.DesiredValues = [value];
    expect(checkDocumentedSemantics(d)).toEqual([
      { check: 'semantics', where: `${at('VerifyLogging')}.inputs.DesiredValues[0]`, message },
    ]);
  });

  it.each([
    ['$.EventSelectors[?(@.IncludeManagementEvents == true)].ReadWriteType'],
    ['$.EventSelectors[*].DataResources'],
    ["$.Trail['Name']"],
    ['Trail.Name'],
  ])('a selector outside SSM\'s documented JSONPath: %s', (selector) => {
    const d = clone();
    step(d, 'VerifyLogging').inputs.PropertySelector = selector;
    (step(d, 'RemediateTrail').outputs as unknown as Array<{ Selector: string }>)[0].Selector = selector;
    const problems = checkDocumentedSemantics(d).map((p) => p.where);
    expect(problems).toEqual(
      expect.arrayContaining([`${at('RemediateTrail')}.outputs[0].Selector`, `${at('VerifyLogging')}.inputs.PropertySelector`]),
    );
    expect(DOCUMENTED_SELECTOR.test(selector)).toBe(false);
  });

  it('accepts the documented forms $, .name, ..name and [n]', () => {
    for (const s of ['$', '$.IsLogging', '$.Trail.TrailARN', '$..TrailARN', '$.trailList[0].Name'])
      expect([s, DOCUMENTED_SELECTOR.test(s)]).toEqual([s, true]);
  });

  it('a retired runtime, a handler the script does not define, an untyped output, an output outside the Payload', () => {
    const d = clone();
    const s = step(d, 'RemediateTrail');
    s.inputs.Runtime = 'python3.8';
    s.inputs.Handler = 'main';
    const outs = s.outputs as unknown as Array<Record<string, unknown>>;
    delete outs[1].Type;
    outs[2].Selector = '$.WriteCalls';
    expect(checkDocumentedSemantics(d).map((p) => [p.where, p.message])).toEqual([
      [`${at('RemediateTrail')}.inputs.Runtime`, '"python3.8" is not one of python3.9, python3.10, python3.11'],
      [`${at('RemediateTrail')}.inputs.Script`, 'the script does not define def main(events, context)'],
      [`${at('RemediateTrail')}.outputs[1].Type`, 'a type of String, StringList, Boolean, Integer, MapList, StringMap'],
      [`${at('RemediateTrail')}.outputs[2].Selector`, '"$.WriteCalls": a script\'s outputs select under $.Payload'],
    ]);
  });

  it('BooleanEquals takes a Boolean, not text', () => {
    const d = clone() as unknown as { mainSteps: Array<Record<string, unknown>> };
    d.mainSteps.splice(1, 0, {
      name: 'Branch',
      action: 'aws:branch',
      inputs: { Choices: [{ Variable: '{{ RemediateTrail.Changed }}', BooleanEquals: 'not-a-boolean', NextStep: 'VerifyLogging' }] },
    });
    expect(checkStructure(d as unknown as AutomationDocument).map((p) => p.message)).toEqual([
      'BooleanEquals takes true or false (a YAML Boolean), not "not-a-boolean"',
    ]);
  });

  it('FC-12: the CLI spelling of an operation and a member in the wrong case', () => {
    const d = clone();
    const v = step(d, 'VerifyLogging');
    v.inputs.Api = 'get-trail-status';
    expect(checkApiSteps(d)).toEqual([
      {
        check: 'api-model',
        where: `${at('VerifyLogging')}.inputs.Api`,
        message: expect.stringContaining('cloudtrail:get-trail-status is not an operation of the AWS API model'),
      },
    ]);
    v.inputs.Api = 'GetTrailStatus';
    v.inputs.name = v.inputs.Name;
    delete v.inputs.Name;
    expect(checkApiSteps(d).map((p) => [p.where, p.message])).toEqual([
      [`${at('VerifyLogging')}.inputs.name`, expect.stringContaining('has no member "name" (did you mean Name?')],
      [`${at('VerifyLogging')}.inputs.Name`, 'required member Name of GetTrailStatusRequest is missing'],
    ]);
  });

  it('the structure check catches an unknown reference and a default its pattern refuses', () => {
    const d = clone();
    (d.parameters!.S3KeyPrefix as { default?: unknown }).default = '/logs/';
    (step(d, 'RemediateTrail').inputs.InputPayload as Record<string, string>).TrailName = '{{ TrailNme }}';
    expect(checkStructure(d).map((p) => [p.where, p.message])).toEqual([
      ['parameters.S3KeyPrefix.default', expect.stringContaining('"/logs/" does not match the allowedPattern')],
      [`${at('RemediateTrail')}.inputs`, '{{ TrailNme }} names no parameter'],
    ]);
  });

  it('the JSON Schema catches an unknown step property and an unknown parameter type', () => {
    const d = clone() as unknown as { mainSteps: Array<Record<string, unknown>>; parameters: Record<string, Record<string, unknown>> };
    d.mainSteps[1].onError = 'Abort';
    d.parameters.TrailName.type = 'Text';
    expect(validateAgainstSsmSchema(d).map((p) => [p.where, p.message.split(' ')[0]])).toEqual(
      expect.arrayContaining([
        ['/mainSteps/1', 'additionalProperties:'],
        ['/parameters/TrailName/type', 'enum:'],
      ]),
    );
  });
});

describe('the AWS API model comes from the SDK (not a hand-written list)', () => {
  it('knows GetTrailStatus and CreateTrail, with their required members', () => {
    expect(findOperation('cloudtrail', 'GetTrailStatus')!.input.required).toEqual(['Name']);
    expect(findOperation('cloudtrail', 'CreateTrail')!.input.required).toEqual(['Name', 'S3BucketName']);
    expect(shapeAtSelector(findOperation('cloudtrail', 'GetTrailStatus')!.output, '$.IsLogging').shape!.kind).toBe('boolean');
  });

  it('refuses what is not an operation', () => {
    expect(findOperation('cloudtrail', 'start-logging')).toBeUndefined();
    expect(findOperation('cloudtrail', 'getTrail')).toBeUndefined();
    expect(listOperations('cloudtrail')).toEqual(expect.arrayContaining(['CreateTrail', 'GetTrail', 'StartLogging', 'UpdateTrail']));
  });
});
