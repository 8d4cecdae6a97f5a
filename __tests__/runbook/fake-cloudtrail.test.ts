/**
 * The fake behaves as CloudTrail for the calls the runbook uses, through the real SDK client (aws-sdk-client-mock).
 */
import {
  CloudTrailClient,
  CreateTrailCommand,
  GetEventSelectorsCommand,
  GetTrailCommand,
  InsufficientEncryptionPolicyException,
  InsufficientS3BucketPolicyException,
  InvalidHomeRegionException,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  TrailAlreadyExistsException,
  TrailNotFoundException,
  UpdateTrailCommand,
  DescribeTrailsCommand,
} from '@aws-sdk/client-cloudtrail';
import { evaluate } from '../support/fake-cloudtrail';
import { scenario, type Scenario } from './harness';

const creds = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' };
const client = (region: string) => new CloudTrailClient({ region, credentials: creds });

describe('FakeCloudTrail', () => {
  let s: Scenario;
  beforeEach(() => {
    s = scenario();
  });
  afterEach(() => s.fake.restore());

  const create = (region = 'us-east-1', extra: Record<string, unknown> = {}) =>
    client(region).send(
      new CreateTrailCommand({
        Name: 'org-audit',
        S3BucketName: 'ct-logs-111111111111',
        S3KeyPrefix: 'logs',
        KmsKeyId: s.keyArn,
        IsMultiRegionTrail: true,
        EnableLogFileValidation: true,
        ...extra,
      }),
    );

  it('GetTrail of an unknown trail throws the SDK TrailNotFoundException', async () => {
    const e = await client('us-east-1')
      .send(new GetTrailCommand({ Name: 'org-audit' }))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TrailNotFoundException);
    expect((e as Error).name).toBe('TrailNotFoundException');
  });

  it('CreateTrail creates a stopped trail with default selectors; a second CreateTrail throws TrailAlreadyExistsException', async () => {
    const out = await create();
    expect(out.TrailARN).toBe('arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit');
    expect(out.S3KeyPrefix).toBe('logs');
    expect(out.LogFileValidationEnabled).toBe(true);
    expect(s.fake.trail('org-audit', 'us-east-1')).toMatchObject({ IsLogging: false, HomeRegion: 'us-east-1' });
    const sel = await client('us-east-1').send(new GetEventSelectorsCommand({ TrailName: 'org-audit' }));
    expect(sel.EventSelectors).toEqual([
      { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] },
    ]);
    await expect(create()).rejects.toBeInstanceOf(TrailAlreadyExistsException);
  });

  it('home-Region rule: GetTrail from another Region returns the shadow of a multi-Region trail; writes from there throw InvalidHomeRegionException', async () => {
    await create();
    const shadow = await client('ap-southeast-2').send(new GetTrailCommand({ Name: 'org-audit' }));
    expect(shadow.Trail).toMatchObject({
      Name: 'org-audit',
      HomeRegion: 'us-east-1',
      TrailARN: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit',
    });
    const listed = await client('ap-southeast-2').send(
      new DescribeTrailsCommand({ trailNameList: ['org-audit'], includeShadowTrails: false }),
    );
    expect(listed.trailList).toEqual([]);
    for (const cmd of [
      new UpdateTrailCommand({ Name: 'org-audit', EnableLogFileValidation: true }),
      new StartLoggingCommand({ Name: 'org-audit' }),
      new PutEventSelectorsCommand({
        TrailName: 'org-audit',
        EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }],
      }),
    ]) {
      const e = await client('ap-southeast-2')
        .send(cmd as never)
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(InvalidHomeRegionException);
    }
    expect(s.fake.trail('org-audit', 'us-east-1')!.IsLogging).toBe(false);
  });

  it('a single-Region trail is not visible from another Region', async () => {
    await create('us-east-1', { IsMultiRegionTrail: false });
    await expect(client('eu-west-1').send(new GetTrailCommand({ Name: 'org-audit' }))).rejects.toBeInstanceOf(
      TrailNotFoundException,
    );
  });

  it('UpdateTrail with an empty S3KeyPrefix removes the prefix (GetTrail then has no S3KeyPrefix)', async () => {
    await create();
    const e = await client('us-east-1')
      .send(new UpdateTrailCommand({ Name: 'org-audit', S3KeyPrefix: '' }))
      .catch((x: unknown) => x);
    // The synthesized policy allows only logs/AWSLogs/...: without the prefix CloudTrail may not write.
    expect(e).toBeInstanceOf(InsufficientS3BucketPolicyException);
    expect((await client('us-east-1').send(new GetTrailCommand({ Name: 'org-audit' }))).Trail!.S3KeyPrefix).toBe(
      'logs',
    );
  });

  it('the synthesized key policy is evaluated: a key policy for another account refuses with InsufficientEncryptionPolicyException', async () => {
    const other = JSON.parse(
      JSON.stringify(s.fake.options.keys[s.keyArn].policy).replaceAll('111111111111', '999999999999'),
    );
    (s.fake.options.keys as Record<string, unknown>)[s.keyArn] = { policy: other };
    await expect(create()).rejects.toBeInstanceOf(InsufficientEncryptionPolicyException);
  });
});

describe('policy evaluation with iam-simulate (the decisions the fake relies on)', () => {
  let s: Scenario;
  beforeAll(() => {
    s = scenario();
  });
  afterAll(() => s.fake.restore());
  const trail = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit';
  const ctx = { 'aws:SourceArn': trail, 'aws:SourceAccount': '111111111111', 'aws:SecureTransport': 'true' };

  it('the synthesized bucket policy allows PutObject under the prefix with the ACL header, and nothing else', async () => {
    const policy = s.fake.options.buckets['ct-logs-111111111111'].policy;
    const obj = 'arn:aws:s3:::ct-logs-111111111111/logs/AWSLogs/111111111111/CloudTrail/us-east-1/x.json.gz';
    expect(
      await evaluate(policy, 's3:PutObject', obj, '111111111111', {
        ...ctx,
        's3:x-amz-acl': 'bucket-owner-full-control',
      }),
    ).toBe('Allowed');
    expect(await evaluate(policy, 's3:PutObject', obj, '111111111111', ctx)).toBe('ImplicitlyDenied');
    expect(
      await evaluate(
        policy,
        's3:PutObject',
        'arn:aws:s3:::ct-logs-111111111111/AWSLogs/111111111111/x',
        '111111111111',
        { ...ctx, 's3:x-amz-acl': 'bucket-owner-full-control' },
      ),
    ).toBe('ImplicitlyDenied');
    expect(
      await evaluate(policy, 's3:PutObject', obj, '111111111111', {
        ...ctx,
        's3:x-amz-acl': 'bucket-owner-full-control',
        'aws:SecureTransport': 'false',
      }),
    ).toBe('ExplicitlyDenied');
    expect(await evaluate(policy, 's3:GetBucketAcl', 'arn:aws:s3:::ct-logs-111111111111', '111111111111', ctx)).toBe(
      'Allowed',
    );
  });

  it('the synthesized key policy allows GenerateDataKey only with the encryption context of a trail of the account', async () => {
    const policy = s.fake.options.keys[s.keyArn].policy;
    expect(
      await evaluate(
        policy,
        'kms:GenerateDataKey',
        s.keyArn,
        '111111111111',
        { ...ctx, 'kms:EncryptionContext:aws:cloudtrail:arn': trail },
        true,
      ),
    ).toBe('Allowed');
    expect(
      await evaluate(
        policy,
        'kms:GenerateDataKey',
        s.keyArn,
        '111111111111',
        { ...ctx, 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:us-east-1:999999999999:trail/x' },
        true,
      ),
    ).toBe('ImplicitlyDenied');
    expect(await evaluate(policy, 'kms:GenerateDataKey', s.keyArn, '111111111111', ctx, true)).toBe('ImplicitlyDenied');
    expect(await evaluate(policy, 'kms:DescribeKey', s.keyArn, '111111111111', ctx, true)).toBe('Allowed');
  });
});
