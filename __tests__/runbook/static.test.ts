/**
 * Static checks of the deployed runbook: AWS's JSON Schema for Automation documents, the AWS API model (FC-12), and
 * the document's structure; plus mutated copies that each check must catch.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { findOperation, listOperations, shapeAtSelector } from '../../runbook/executor/api-model';
import { RUNBOOK_PATH, type AutomationDocument, type StepDefinition } from '../../runbook/executor/document';
import {
  checkApiSteps,
  checkDocument,
  checkStructure,
  SCHEMA_GAPS_ALLOWED,
  validateAgainstSsmSchema,
} from '../../runbook/executor/static-checks';
import { deployedRunbook } from './harness';

const clone = (): AutomationDocument => JSON.parse(JSON.stringify(deployedRunbook())) as AutomationDocument;
/** `mainSteps[i](Name)`, the way problems name a step. */
const at = (name: string): string =>
  `mainSteps[${deployedRunbook().mainSteps.findIndex((s) => s.name === name)}](${name})`;
const step = (d: AutomationDocument, name: string): StepDefinition & { inputs: Record<string, unknown> } =>
  d.mainSteps.find((s) => s.name === name)! as StepDefinition & { inputs: Record<string, unknown> };

describe('the deployed runbook passes every static check', () => {
  it('validates against the JSON Schema of aws-ssm-document-language-service, with no gap allowed', () => {
    const raw = parse(readFileSync(RUNBOOK_PATH, 'utf8')) as unknown;
    expect(validateAgainstSsmSchema(raw)).toEqual([]);
    expect(SCHEMA_GAPS_ALLOWED).toEqual([]);
  });

  it('FC-12: every API step names an operation of the AWS model, with its own members, required ones present', () => {
    expect(checkApiSteps(deployedRunbook())).toEqual([]);
    const apis = deployedRunbook()
      .mainSteps.filter((s) => s.inputs.Service !== undefined)
      .map((s) => `${String(s.inputs.Service)}:${String(s.inputs.Api)}`);
    expect([...new Set(apis)].sort()).toEqual([
      'cloudtrail:CreateTrail',
      'cloudtrail:GetEventSelectors',
      'cloudtrail:GetTrail',
      'cloudtrail:GetTrailStatus',
      'cloudtrail:PutEventSelectors',
      'cloudtrail:StartLogging',
      'cloudtrail:UpdateTrail',
    ]);
  });

  it('has a sound structure: targets, references, defaults, descriptions and patterns', () => {
    expect(checkStructure(deployedRunbook())).toEqual([]);
    expect(checkDocument(deployedRunbook())).toEqual([]);
  });

  it('declares the parameters of the issue, each with a description, a type and an allowedPattern or allowedValues', () => {
    const d = deployedRunbook();
    expect(d.schemaVersion).toBe('0.3');
    expect(d.assumeRole).toBe('{{ AutomationAssumeRole }}');
    const params = d.parameters!;
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
        'SnsTopicName',
        'TrailName',
      ].sort(),
    );
    for (const [name, p] of Object.entries(params)) {
      expect([name, typeof p.description === 'string' && p.description.length > 10]).toEqual([name, true]);
      expect([name, p.allowedPattern !== undefined || p.allowedValues !== undefined]).toEqual([name, true]);
    }
    expect(
      Object.entries(params)
        .filter(([, p]) => p.type === 'Boolean')
        .map(([n]) => n)
        .sort(),
    ).toEqual(['EnableLogFileValidation', 'IncludeGlobalServiceEvents', 'IsMultiRegionTrail', 'IsOrganizationTrail']);
    // Required (no default): the ones the remediation must always send.
    expect(
      Object.entries(params)
        .filter(([, p]) => p.default === undefined)
        .map(([n]) => n)
        .sort(),
    ).toEqual(['AutomationAssumeRole', 'KmsKeyId', 'S3BucketName', 'TrailName']);
  });

  it('never deletes a trail and never stops logging', () => {
    const apis = deployedRunbook().mainSteps.map((s) => String(s.inputs.Api ?? ''));
    expect(apis.filter((a) => /Delete|StopLogging/.test(a))).toEqual([]);
    // CreateTrail and UpdateTrail take the trail name from the TrailName parameter only.
    for (const n of ['CreateTrail', 'UpdateTrail', 'StartLogging'])
      expect(step(deployedRunbook(), n).inputs.Name).toBe('{{ TrailName }}');
  });
});

describe('the checks catch what they are for', () => {
  it('FC-12: the CLI spelling of an operation (start-logging) is not an operation', () => {
    const d = clone();
    step(d, 'StartLogging').inputs.Api = 'start-logging';
    expect(checkApiSteps(d)).toEqual([
      {
        check: 'api-model',
        where: `${at('StartLogging')}.inputs.Api`,
        message: expect.stringContaining('cloudtrail:start-logging is not an operation of the AWS API model'),
      },
    ]);
  });

  it('FC-12: an input member in the wrong case, and a missing required member', () => {
    const d = clone();
    const u = step(d, 'UpdateTrail').inputs;
    u.s3BucketName = u.S3BucketName;
    delete u.S3BucketName;
    delete u.Name;
    const problems = checkApiSteps(d).map((p) => [p.where, p.message]);
    expect(problems).toEqual([
      [
        `${at('UpdateTrail')}.inputs.s3BucketName`,
        expect.stringContaining(
          'UpdateTrailRequest has no member "s3BucketName" (did you mean S3BucketName? member names are case-sensitive)',
        ),
      ],
      [`${at('UpdateTrail')}.inputs.Name`, 'required member Name of UpdateTrailRequest is missing'],
    ]);
  });

  it('FC-12: a literal of the wrong type, an unknown service, a selector the output shape lacks, a bad output type', () => {
    const d = clone();
    (
      step(d, 'PutManagementEventSelector').inputs.EventSelectors as Array<Record<string, unknown>>
    )[0].IncludeManagementEvents = 'yes';
    step(d, 'GetTrailStatus').inputs.Service = 'CloudTrail';
    (step(d, 'GetTrail').outputs as unknown as Array<{ Selector: string }>)[0].Selector = '$.Trail.TrailArn';
    (step(d, 'GetTrail').outputs as unknown as Array<{ Type: string }>)[1].Type = 'Str';
    const problems = checkApiSteps(d).map((p) => [p.where, p.message]);
    expect(problems).toEqual([
      [`${at('GetTrail')}.outputs[0].Selector`, expect.stringMatching(/^\$\.Trail \(Trail\) has no member "TrailArn"/)],
      [
        `${at('GetTrail')}.outputs[1].Type`,
        'Str is not one of String, StringList, Boolean, Integer, MapList, StringMap',
      ],
      [
        `${at('PutManagementEventSelector')}.inputs.EventSelectors[0].IncludeManagementEvents`,
        'expected a boolean, got string "yes"',
      ],
      [`${at('GetTrailStatus')}.inputs.Api`, expect.stringContaining('CloudTrail:GetTrailStatus is not an operation')],
    ]);
  });

  it('the JSON Schema catches an unknown step property and an unknown parameter type', () => {
    const d = clone() as unknown as {
      mainSteps: Array<Record<string, unknown>>;
      parameters: Record<string, Record<string, unknown>>;
    };
    d.mainSteps[0].onError = 'Abort';
    d.parameters.TrailName.type = 'Text';
    const problems = validateAgainstSsmSchema(d);
    expect(problems.map((p) => [p.where, p.message.split(' ')[0]])).toEqual(
      expect.arrayContaining([
        ['/mainSteps/0', 'additionalProperties:'],
        ['/parameters/TrailName/type', 'enum:'],
      ]),
    );
  });

  it('the structure check catches a dangling target, an unknown reference and a default its pattern refuses', () => {
    const d = clone();
    (d.parameters!.S3KeyPrefix as { default?: unknown }).default = '/logs/';
    (d.mainSteps[2] as unknown as Record<string, unknown>).onFailure = 'step:NoSuchStep';
    step(d, 'StartLogging').inputs.Name = '{{ TrailNme }}';
    expect(checkStructure(d).map((p) => [p.where, p.message])).toEqual([
      ['parameters.S3KeyPrefix.default', expect.stringContaining('"/logs/" does not match the allowedPattern')],
      [`${at('CheckSettings')}.onFailure`, 'step "NoSuchStep" does not exist'],
      [`${at('StartLogging')}.inputs`, '{{ TrailNme }} names no parameter'],
    ]);
  });
});

describe('the AWS API model comes from the SDK (not a hand-written list)', () => {
  it('knows CreateTrail: its members in model order, Name and S3BucketName required', () => {
    const op = findOperation('cloudtrail', 'CreateTrail')!;
    expect([...op.input.members!().keys()]).toEqual([
      'Name',
      'S3BucketName',
      'S3KeyPrefix',
      'SnsTopicName',
      'IncludeGlobalServiceEvents',
      'IsMultiRegionTrail',
      'EnableLogFileValidation',
      'CloudWatchLogsLogGroupArn',
      'CloudWatchLogsRoleArn',
      'KmsKeyId',
      'IsOrganizationTrail',
      'TagsList',
      'RecursiveLogging',
    ]);
    expect(op.input.required).toEqual(['Name', 'S3BucketName']);
    expect(findOperation('cloudtrail', 'PutEventSelectors')!.input.required).toEqual(['TrailName']);
    expect(findOperation('cloudtrail', 'DescribeTrails')!.input.required).toEqual([]);
    expect(op.Command.name).toBe('CreateTrailCommand');
  });

  it('refuses what is not an operation', () => {
    expect(findOperation('cloudtrail', 'start-logging')).toBeUndefined();
    expect(findOperation('cloudtrail', 'getTrail')).toBeUndefined();
    expect(findOperation('ssm', 'GetParameter')).toBeUndefined();
    expect(listOperations('cloudtrail')).toEqual(
      expect.arrayContaining(['CreateTrail', 'GetTrail', 'StartLogging', 'UpdateTrail']),
    );
  });

  it('resolves selectors against output shapes', () => {
    const out = findOperation('cloudtrail', 'GetEventSelectors')!.output;
    expect(shapeAtSelector(out, '$.EventSelectors[*].DataResources[*]').shape!.kind).toBe('structure');
    expect(
      shapeAtSelector(out, '$.EventSelectors[?(@.IncludeManagementEvents == true)].ReadWriteType').shape!.kind,
    ).toBe('string');
    expect(shapeAtSelector(out, '$.EventSelectors[0].Foo').problem).toMatch(/has no member "Foo"/);
  });
});
