/**
 * What the simulator cannot decide, checked by parsing the policies: the exact resources and condition values of the
 * field cases (FC-01, FC-02, FC-04, FC-06, FC-09), the encryption-context condition, and that every call the runbook
 * makes is allowed to the automation role.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { PolicyDocument, PolicyStatement } from '../../modules/policies/types';
import {
  ACCOUNT,
  ENCRYPTION_CONTEXT_KEY,
  KEY_ARN,
  ORG_ID,
  POLICY_CASES,
  ROLE_SESSION,
  TRAIL_ARN,
  type PolicyCase,
  type Setup,
} from './cases';
import { configFor, pureSet, ROOT } from './policy-sets';
import { encryptionContextHolds, simulate, stringLike, verdictOf, withEncryptionContextDecided } from './simulate';

const statement = (doc: PolicyDocument, sid: string): PolicyStatement => {
  const found = doc.Statement.filter((s) => s.Sid === sid);
  expect(found).toHaveLength(1);
  return found[0];
};
const list = (v: string | readonly string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? [...v] : [v as string];

describe('FC-01: the prefix written as logs, logs/ or /logs', () => {
  it.each(['account', 'prefix logs/', 'prefix /logs'] as Setup[])(
    '%s: one PutObject resource, no //, GetBucketAcl on the bare bucket',
    (setup) => {
      const { account } = configFor(setup);
      expect(account.logBucket.s3KeyPrefix).toBe('logs');
      const bucket = pureSet(setup).bucket;
      expect(list(statement(bucket, 'AWSCloudTrailWrite').Resource)).toEqual([
        'arn:aws:s3:::ct-logs-111111111111/logs/AWSLogs/111111111111/*',
      ]);
      expect(list(statement(bucket, 'AWSCloudTrailAclCheck').Resource)).toEqual(['arn:aws:s3:::ct-logs-111111111111']);
      expect(JSON.stringify(bucket).replace(/arn:aws:s3:::/g, '')).not.toContain('//');
    },
  );
});

describe('FC-02: organization trail', () => {
  const bucket = pureSet('organization').bucket;
  it('PutObject on both the organization path and the management account path, each with the ACL condition', () => {
    const write = statement(bucket, 'AWSCloudTrailWrite');
    expect(list(write.Resource)).toEqual([
      `arn:aws:s3:::ct-logs-111111111111/logs/AWSLogs/${ORG_ID}/*`,
      'arn:aws:s3:::ct-logs-111111111111/logs/AWSLogs/111111111111/*',
    ]);
    expect(write.Condition).toEqual({
      StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': TRAIL_ARN },
    });
  });
});

describe('FC-04: every SourceArn names the one trail', () => {
  it.each(['account', 'organization'] as Setup[])('%s: bucket policy and key policy', (setup) => {
    const { bucket, key } = pureSet(setup);
    const sourceArns = [...bucket.Statement, ...key.Statement].flatMap((s) =>
      Object.values(s.Condition ?? {}).flatMap((block) =>
        list(block['aws:SourceArn'] as string | string[] | undefined),
      ),
    );
    expect(sourceArns.length).toBeGreaterThanOrEqual(5);
    expect(new Set(sourceArns)).toEqual(new Set([TRAIL_ARN]));
    expect(configFor(setup).account.trail.arn).toBe(TRAIL_ARN);
  });

  it('no policy text contains undefined, null or an empty ARN segment', () => {
    for (const setup of ['account', 'prefix logs/', 'prefix /logs', 'organization'] as Setup[]) {
      const text = JSON.stringify(pureSet(setup));
      expect(text).not.toMatch(/undefined|null|NaN/);
      const arns = text.match(/arn:[^"]*/g) ?? [];
      expect(arns.length).toBeGreaterThan(5);
      for (const arn of arns) {
        // partition:service:region:account:resource; region empty only for s3/iam, account empty only for s3, and `*`
        // only in the organization trail's encryption context (its copy in any member account, trail/<name>).
        expect([
          arn,
          /^arn:aws:(s3:::[a-z0-9.-]+(\/[^/]+)*|iam::\d{12}:\S+|[a-z]+:([a-z0-9-]+|\*):\d{12}:\S+|cloudtrail:\*:\*:trail\/[A-Za-z0-9._-]+)$/.test(arn),
        ]).toEqual([arn, true]);
        expect([arn, /\/\/|\/$/.test(arn)]).toEqual([arn, false]);
      }
    }
  });
});

describe('FC-06: the key policy, parsed (the simulator ignores the encryption context key)', () => {
  it("account mode: GenerateDataKey* under the encryption context of the account's trails, DescribeKey, Decrypt for the Bucket Key", () => {
    const key = pureSet('account').key;
    const encrypt = statement(key, 'AllowCloudTrailEncryptLogs');
    expect(encrypt.Principal).toEqual({ Service: 'cloudtrail.amazonaws.com' });
    expect(encrypt.Action).toBe('kms:GenerateDataKey*');
    expect(encrypt.Condition).toEqual({
      StringLike: { [ENCRYPTION_CONTEXT_KEY]: `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` },
      StringEquals: { 'aws:SourceArn': TRAIL_ARN },
    });
    expect(statement(key, 'AllowCloudTrailDescribeKey').Action).toBe('kms:DescribeKey');
    expect(statement(key, 'AllowCloudTrailDecryptWithBucketKey').Action).toBe('kms:Decrypt');
  });

  it('organization trail: the organization trail only (SourceArn), its ARN or its copy in any member account as context', () => {
    const encrypt = statement(pureSet('organization').key, 'AllowCloudTrailEncryptLogs');
    expect(encrypt.Condition!.StringLike[ENCRYPTION_CONTEXT_KEY]).toEqual([
      `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*`,
      `arn:aws:cloudtrail:*:*:trail/org-audit`,
    ]);
    expect(encrypt.Condition!.StringEquals).toEqual({ 'aws:SourceArn': TRAIL_ARN });
  });

  it('every action name in the policies is service:Action, well formed', () => {
    for (const setup of ['account', 'organization'] as Setup[]) {
      for (const doc of Object.values(pureSet(setup)).filter((d) => d !== undefined) as PolicyDocument[]) {
        for (const a of doc.Statement.flatMap((s: PolicyStatement) => list(s.Action)))
          expect(a).toMatch(/^(kms|s3|sts|cloudtrail|iam|organizations):([A-Z][A-Za-z]*\*?|\*)$/);
      }
    }
  });

  it('the harness decides the condition with StringLike semantics', () => {
    const encrypt = statement(pureSet('account').key, 'AllowCloudTrailEncryptLogs');
    expect(encryptionContextHolds(encrypt, TRAIL_ARN)).toBe(true);
    expect(encryptionContextHolds(encrypt, 'arn:aws:cloudtrail:eu-west-1:111111111111:trail/other')).toBe(true);
    expect(encryptionContextHolds(encrypt, 'arn:aws:cloudtrail:us-east-1:999999999999:trail/org-audit')).toBe(false);
    expect(encryptionContextHolds(encrypt, undefined)).toBe(false);
    expect(
      encryptionContextHolds(statement(pureSet('account').key, 'AllowCloudTrailDescribeKey'), TRAIL_ARN),
    ).toBeUndefined();
    expect(stringLike('arn:aws:cloudtrail:*:1?1:trail/*', 'arn:aws:cloudtrail:x:121:trail/a')).toBe(true);
    expect(stringLike('a.b', 'axb')).toBe(false);
    const decided = withEncryptionContextDecided(
      pureSet('account').key,
      'arn:aws:cloudtrail:us-east-1:999999999999:trail/x',
    );
    expect(decided.Statement.map((s) => s.Sid)).toEqual([
      'EnableRootAdministration',
      'AllowCloudTrailDescribeKey',
      'AllowCloudTrailDecryptWithBucketKey',
    ]);
  });

  it('the simulator alone ignores exactly the encryption context key (so it would deny K1 for the wrong reason)', async () => {
    const k1 = POLICY_CASES.find((c) => c.id === 'K1')!;
    const r = await runSimulation(
      {
        request: {
          principal: k1.principal,
          action: k1.action,
          resource: { resource: KEY_ARN, accountId: ACCOUNT },
          contextVariables: { ...k1.context },
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: pureSet('account').key,
      },
      {},
    );
    expect(r.resultType).toBe('single');
    if (r.resultType !== 'single') return;
    expect(r.result.ignoredContextKeys).toEqual([ENCRYPTION_CONTEXT_KEY]);
    expect(r.overallResult).toBe('ImplicitlyDenied');
    expect(verdictOf((await simulate(k1, pureSet('account'))).result)).toBe('allowed');
  });
});

describe('FC-09: the automation role', () => {
  it('trusts ssm.amazonaws.com only, scoped to the account', () => {
    const trust = pureSet('account').trust;
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0].Principal).toEqual({ Service: 'ssm.amazonaws.com' });
    expect(trust.Statement[0].Action).toBe('sts:AssumeRole');
    expect(trust.Statement[0].Condition!.StringEquals).toEqual({ 'aws:SourceAccount': ACCOUNT });
  });

  it('grants no DeleteTrail, StopLogging, or wildcard action', () => {
    const actions = pureSet('account').permissions.Statement.flatMap((s) => list(s.Action));
    expect(actions.filter((a) => /\*|DeleteTrail|StopLogging/.test(a))).toEqual([]);
  });

  it('allows every AWS API call that the runbook makes (its aws:executeAwsApi steps and its Python handler)', async () => {
    const runbook = parse(readFileSync(join(ROOT, 'runbook', 'cloudtrail-remediation-action.yml'), 'utf8')) as {
      mainSteps: Array<{ name: string; inputs?: { Service?: string; Api?: string } }>;
    };
    // The handler (runbook/remediate_trail.py, inlined as the aws:executeScript step) calls boto3 through
    // calls.read/write (CloudTrail) and calls.call(calls.<client>, ...): the operation names in snake_case.
    const handler = readFileSync(join(ROOT, 'runbook', 'remediate_trail.py'), 'utf8');
    const camel = (op: string) => op.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());
    const fromHandler = [
      ...[...handler.matchAll(/calls\.(?:read|write)\("([a-z_]+)"/g)].map((m) => `cloudtrail:${camel(m[1])}`),
      ...[...handler.matchAll(/calls\.call\(calls\.(cloudtrail|kms), "([a-z_]+)"/g)].map((m) => `${m[1]}:${camel(m[2])}`),
    ];
    const calls = [
      ...new Set([
        ...runbook.mainSteps
          .filter((s) => s.inputs?.Service && s.inputs?.Api)
          .map((s) => `${s.inputs!.Service}:${s.inputs!.Api}`),
        ...fromHandler,
      ]),
    ];
    expect(calls).toContain('cloudtrail:StartLogging');
    expect(calls).toContain('cloudtrail:CreateTrail');
    expect(calls).toContain('kms:DescribeKey');
    expect(fromHandler).toContain('cloudtrail:UpdateTrail');
    for (const action of calls) {
      const wildcardOnly = action === 'cloudtrail:DescribeTrails' || action === 'cloudtrail:ListTrails';
      const c: PolicyCase = {
        id: `runbook ${action}`,
        setup: 'account',
        identityPolicies: ['permissions'],
        resourcePolicy: action.startsWith('kms:') ? 'key' : undefined,
        principal: ROLE_SESSION,
        action,
        resource: action.startsWith('kms:') ? KEY_ARN : wildcardOnly ? '*' : TRAIL_ARN,
        context: {},
        condition: '-',
        verdict: 'allowed',
      };
      expect([action, verdictOf((await simulate(c, pureSet('account'))).result)]).toEqual([action, 'allowed']);
    }
  });
});
