/**
 * Failures are reported as failed steps and a Failed execution, never as success: delivery refused by the bucket
 * policy or the key policy the stack synthesizes, and runs outside the trail's home Region.
 */
import { scenario, type Scenario } from './harness';

describe('the runbook reports failures as Failed', () => {
  let s: Scenario | undefined;
  afterEach(() => s?.fake.restore());

  it('FC-01: a bucket policy without the prefix path: CreateTrail fails with InsufficientS3BucketPolicyException, execution Failed', async () => {
    s = scenario({ bucketPolicy: { s3KeyPrefix: '' } }); // the policy allows AWSLogs/<account>/*, the trail writes under logs/
    const r = await s.run();
    expect(r.status).toBe('Failed');
    const create = r.steps.find((x) => x.name === 'CreateTrail')!;
    expect(create.status).toBe('Failed');
    expect(create.failureMessage).toMatch(
      /^cloudtrail:CreateTrail failed: InsufficientS3BucketPolicyException: Incorrect S3 bucket policy is detected for bucket: ct-logs-111111111111 \(s3:PutObject on arn:aws:s3:::ct-logs-111111111111\/logs\/AWSLogs\/111111111111\//,
    );
    expect(r.failureMessage).toContain('step CreateTrail failed');
    expect(r.calls.filter((c) => c.kind === 'write').map((c) => [c.api, c.error])).toEqual([
      ['CreateTrail', 'InsufficientS3BucketPolicyException'],
    ]);
    expect(r.changes).toEqual([]);
    expect(s.fake.model.list()).toEqual([]);
    // Abort: nothing runs after the failed step.
    expect(r.steps.map((x) => x.name)).toEqual(['GetTrail', 'CreateTrail']);
  });

  it('FC-01 on update: the bucket policy names another trail: UpdateTrail fails, the trail keeps its old bucket', async () => {
    s = scenario({ bucketPolicy: { trailArn: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/another-trail' } });
    s.fake.seed({ ...s.compliant, S3BucketName: 'someone-elses-bucket' });
    const r = await s.run();
    expect(r.status).toBe('Failed');
    expect(r.steps.find((x) => x.name === 'UpdateTrail')).toMatchObject({ status: 'Failed', attempts: 2 });
    expect(r.failureMessage).toContain('InsufficientS3BucketPolicyException');
    expect(s.fake.trail('org-audit', 'us-east-1')!.S3BucketName).toBe('someone-elses-bucket');
  });

  it('FC-04/FC-06: a key policy whose aws:SourceArn names another trail: InsufficientEncryptionPolicyException, Failed', async () => {
    s = scenario({ keyPolicyTrailArn: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/another-trail' });
    const r = await s.run();
    expect(r.status).toBe('Failed');
    expect(r.steps.find((x) => x.name === 'CreateTrail')!.failureMessage).toMatch(
      /InsufficientEncryptionPolicyException: .*kms:GenerateDataKey: ImplicitlyDenied/,
    );
    expect(s.fake.model.list()).toEqual([]);
  });

  it('outside the home Region (the shadow of a multi-Region trail): fails at AssertHomeRegion with the Regions named, no write', async () => {
    s = scenario();
    s.fake.seed({ ...s.compliant, IsLogging: false });
    const r = await s.run('eu-west-1');
    expect(r.status).toBe('Failed');
    expect(r.steps.map((x) => [x.name, x.status])).toEqual([
      ['GetTrail', 'Success'],
      ['AssertHomeRegion', 'Failed'],
    ]);
    expect(r.failureMessage).toBe(
      'step AssertHomeRegion failed: assertion failed: $.Trail.HomeRegion of GetTrail is ["us-east-1"], expected one of ["eu-west-1"]',
    );
    expect(s.fake.writes()).toEqual([]);
    expect(s.fake.calls.map((c) => c.region)).toEqual(['eu-west-1', 'eu-west-1']);
  });

  it('outside the home Region of a single-Region trail: never a second trail (the key pins the home Region)', async () => {
    s = scenario();
    s.fake.seed({ ...s.compliant, IsMultiRegionTrail: false, IncludeGlobalServiceEvents: true });
    const r = await s.run('eu-west-1');
    expect(r.status).toBe('Failed');
    expect(r.steps.find((x) => x.name === 'CreateTrail')!.failureMessage).toMatch(
      /KmsKeyNotFoundException: .*not in the trail's Region eu-west-1/,
    );
    expect(s.fake.model.list()).toHaveLength(1);
    expect(s.fake.model.list()[0].HomeRegion).toBe('us-east-1');
  });

  it('an existing trail never gets CreateTrail (no TrailAlreadyExistsException path), even when everything drifted', async () => {
    s = scenario();
    s.fake.seed({
      ...s.compliant,
      S3BucketName: 'x-bucket',
      KmsKeyId: undefined,
      LogFileValidationEnabled: false,
      IsMultiRegionTrail: false,
      IsLogging: false,
    });
    const r = await s.run();
    expect(r.status).toBe('Success');
    expect(s.fake.calls.map((c) => c.api)).not.toContain('CreateTrail');
    expect(s.fake.writes()).toEqual(['UpdateTrail', 'StartLogging']);
  });
});
