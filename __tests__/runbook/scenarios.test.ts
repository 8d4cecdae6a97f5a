/**
 * Runs the deployed runbook against the stateful fake from each starting state (FC-13), asserts the trail it leaves
 * and the calls it made, then runs it again and asserts that the second run makes no write call.
 */
import { parseConfig } from '../../config/load';
import type { TrailState } from '../../runbook/executor/trail-model';
import { cloudWatchLogsRoleArnFor, example, keyArnFor, scenario, type Scenario } from './harness';

const OTHER_KEY_ID = 'abcdabcd-1111-2222-3333-444455556666';

interface Case {
  readonly title: string;
  /** Starting trail, from the compliant one; `undefined` = absent. */
  readonly start: (s: Scenario) => TrailState | undefined;
  /** The write calls of the first run, in order. */
  readonly writes: readonly string[];
  readonly file?: string;
  readonly accountId?: string;
  readonly organizationId?: string;
}

/** An account whose trail also notifies SNS and delivers to CloudWatch Logs. */
const optionalDeliveryConfig = () =>
  parseConfig(
    `estate: optional
state: { backend: local }
accounts:
  - accountId: "444444444444"
    homeRegion: eu-central-1
    trail: { name: audit-trail, snsTopicName: trail-deliveries, cloudWatchLogs: { logGroupName: /aws/cloudtrail/audit } }
    logBucket: { name: logs-444444444444 }
`,
    'inline.yaml',
  );
const LOG_GROUP_ARN = 'arn:aws:logs:eu-central-1:444444444444:log-group:/aws/cloudtrail/audit:*';

const cases: Case[] = [
  {
    title: 'management events with KMS and RDS Data API events excluded: PutEventSelectors without exclusions',
    start: (s) => ({
      ...s.compliant,
      EventSelectors: [
        {
          ReadWriteType: 'All',
          IncludeManagementEvents: true,
          DataResources: [],
          ExcludeManagementEventSources: ['kms.amazonaws.com', 'rdsdata.amazonaws.com'],
        },
      ],
    }),
    writes: ['PutEventSelectors'],
  },
  {
    title: 'absent: CreateTrail then StartLogging (FC-13 a)',
    start: () => undefined,
    writes: ['CreateTrail', 'StartLogging'],
  },
  {
    title: 'exists but stopped: StartLogging only (FC-13 b)',
    start: (s) => ({ ...s.compliant, IsLogging: false }),
    writes: ['StartLogging'],
  },
  {
    title: 'stopped with log file validation off: StartLogging plus UpdateTrail (FC-13 b)',
    start: (s) => ({ ...s.compliant, IsLogging: false, LogFileValidationEnabled: false }),
    writes: ['UpdateTrail', 'StartLogging'],
  },
  {
    title: 'logs to the wrong bucket and stopped: UpdateTrail then StartLogging (FC-13 c)',
    start: (s) => ({ ...s.compliant, S3BucketName: 'someone-elses-bucket', IsLogging: false }),
    writes: ['UpdateTrail', 'StartLogging'],
  },
  {
    title: 'logs to the wrong bucket',
    start: (s) => ({ ...s.compliant, S3BucketName: 'someone-elses-bucket' }),
    writes: ['UpdateTrail'],
  },
  {
    title: 'encrypted with the wrong key: UpdateTrail (FC-13 c)',
    start: (s) => ({ ...s.compliant, KmsKeyId: keyArnFor(s.account, OTHER_KEY_ID) }),
    writes: ['UpdateTrail'],
  },
  { title: 'no KMS key (SSE-S3)', start: (s) => ({ ...s.compliant, KmsKeyId: undefined }), writes: ['UpdateTrail'] },
  {
    title: 'log file validation off',
    start: (s) => ({ ...s.compliant, LogFileValidationEnabled: false }),
    writes: ['UpdateTrail'],
  },
  {
    title: 'single-Region trail',
    start: (s) => ({ ...s.compliant, IsMultiRegionTrail: false }),
    writes: ['UpdateTrail'],
  },
  {
    title: 'global service events off (a single-Region trail: a multi-Region one cannot have them off)',
    start: (s) => ({ ...s.compliant, IsMultiRegionTrail: false, IncludeGlobalServiceEvents: false }),
    writes: ['UpdateTrail'],
  },
  {
    title: 'event selectors exclude management events, with a data-event selector that must be kept',
    start: (s) => ({
      ...s.compliant,
      EventSelectors: [
        {
          ReadWriteType: 'WriteOnly',
          IncludeManagementEvents: false,
          DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::payroll-data/'] }],
          ExcludeManagementEventSources: [],
        },
      ],
    }),
    writes: ['PutEventSelectors'],
  },
  {
    title: 'event selectors log only read management events, no data events',
    start: (s) => ({
      ...s.compliant,
      EventSelectors: [
        {
          ReadWriteType: 'ReadOnly',
          IncludeManagementEvents: true,
          DataResources: [],
          ExcludeManagementEventSources: [],
        },
      ],
    }),
    writes: ['PutEventSelectors'],
  },
  {
    title: 'a different prefix is set',
    start: (s) => ({ ...s.compliant, S3KeyPrefix: 'old-prefix' }),
    writes: ['UpdateTrail'],
  },
  {
    title: 'no prefix although one is configured',
    start: (s) => ({ ...s.compliant, S3KeyPrefix: undefined }),
    writes: ['UpdateTrail'],
  },
  {
    title: 'a prefix is set although none is configured (account 222222222222): UpdateTrail removes it',
    file: 'multi-account.yaml',
    accountId: '222222222222',
    start: (s) => ({ ...s.compliant, S3KeyPrefix: 'stray' }),
    writes: ['UpdateTrail'],
  },
  {
    title: 'no prefix, none configured, stopped (account 222222222222, eu-west-1)',
    file: 'multi-account.yaml',
    accountId: '222222222222',
    start: (s) => ({ ...s.compliant, IsLogging: false }),
    writes: ['StartLogging'],
  },
  {
    title: 'the organization flag is set in account mode: UpdateTrail clears it',
    organizationId: 'o-abc123def4',
    start: (s) => ({ ...s.compliant, IsOrganizationTrail: true }),
    writes: ['UpdateTrail'],
  },
  { title: 'compliant: no write at all', start: (s) => s.compliant, writes: [] },
];

describe('the deployed runbook against the fake CloudTrail', () => {
  let s: Scenario | undefined;
  afterEach(() => s?.fake.restore());

  it.each(cases)('$title', async (c) => {
    s = scenario({ file: c.file && example(c.file), accountId: c.accountId, organizationId: c.organizationId });
    const start = c.start(s);
    if (start) s.fake.seed(start);

    const first = await s.run();
    expect(first.failureMessage).toBeUndefined();
    expect(first.status).toBe('Success');
    expect(s.fake.writes()).toEqual(c.writes);
    expect(first.changes).toEqual(c.writes);

    // The trail the config describes, logging, under the managed name; never a second trail, never a deletion.
    const expectedSelectors = start?.EventSelectors.some((e) => e.DataResources.length > 0)
      ? [
          {
            ReadWriteType: 'All',
            IncludeManagementEvents: true,
            DataResources: start.EventSelectors.flatMap((e) => e.DataResources),
            ExcludeManagementEventSources: [],
          },
        ]
      : c.writes.includes('PutEventSelectors')
        ? [
            {
              ReadWriteType: 'All',
              IncludeManagementEvents: true,
              DataResources: [],
              ExcludeManagementEventSources: [],
            },
          ]
        : s.compliant.EventSelectors;
    expect(s.fake.model.list()).toEqual([{ ...s.compliant, EventSelectors: expectedSelectors }]);
    expect(s.fake.calls.map((x) => x.api)).not.toContain('DeleteTrail');
    expect(
      s.fake.calls
        .filter((x) => ['CreateTrail', 'UpdateTrail', 'StartLogging', 'GetTrail'].includes(x.api))
        .every((x) => x.input.Name === s!.account.trail.name),
    ).toBe(true);

    // Outputs: the trail ARN, and what was changed.
    expect(first.outputs['VerifyTrail.TrailARN']).toBe(s.account.trail.arn);
    expect('CreateTrail.TrailARN' in first.outputs).toBe(c.writes.includes('CreateTrail'));
    expect('UpdateTrail.TrailARN' in first.outputs).toBe(c.writes.includes('UpdateTrail'));
    expect('LoggingStarted.IsLogging' in first.outputs).toBe(c.writes.includes('StartLogging'));

    // A second run changes nothing.
    s.fake.clearCalls();
    const second = await s.run();
    expect(second.status).toBe('Success');
    expect(s.fake.writes()).toEqual([]);
    expect(second.changes).toEqual([]);
    expect(second.outputs).toEqual({ 'VerifyTrail.TrailARN': s.account.trail.arn });
  });

  it('FC-13 (a) in detail: CreateTrail gets exactly the managed settings, then StartLogging', async () => {
    s = scenario();
    const r = await s.run();
    const writes = s.fake.calls.filter((c) => c.api === 'CreateTrail' || c.api === 'StartLogging');
    expect(writes.map((c) => c.api)).toEqual(['CreateTrail', 'StartLogging']);
    expect(writes[0].input).toEqual({
      Name: 'org-audit',
      S3BucketName: 'ct-logs-111111111111',
      S3KeyPrefix: 'logs',
      KmsKeyId: 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsOrganizationTrail: false,
    });
    expect(writes[1].input).toEqual({ Name: 'org-audit' });
    expect(r.steps.find((x) => x.name === 'GetTrail')).toMatchObject({
      status: 'Failed',
      failureMessage: expect.stringContaining('TrailNotFoundException'),
    });
    expect(r.outputs).toEqual({
      'VerifyTrail.TrailARN': 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit',
      'CreateTrail.TrailARN': 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit',
      'LoggingStarted.IsLogging': true,
    });
  });

  it('FC-13 (c) in detail: UpdateTrail restores bucket and key under the managed name', async () => {
    s = scenario();
    s.fake.seed({ ...s.compliant, S3BucketName: 'someone-elses-bucket', KmsKeyId: undefined, IsLogging: false });
    await s.run();
    const update = s.fake.calls.find((c) => c.api === 'UpdateTrail')!;
    expect(update.input).toMatchObject({
      Name: 'org-audit',
      S3BucketName: 'ct-logs-111111111111',
      KmsKeyId: s.keyArn,
      S3KeyPrefix: 'logs',
    });
    expect(s.fake.writes()).toEqual(['UpdateTrail', 'StartLogging']);
  });

  it('keeps the data resources of several selectors when it restores management events', async () => {
    s = scenario();
    const data1 = { Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::payroll-data/'] };
    const data2 = { Type: 'AWS::Lambda::Function', Values: ['arn:aws:lambda'] };
    s.fake.seed({
      ...s.compliant,
      EventSelectors: [
        {
          ReadWriteType: 'ReadOnly',
          IncludeManagementEvents: false,
          DataResources: [data1],
          ExcludeManagementEventSources: [],
        },
        {
          ReadWriteType: 'WriteOnly',
          IncludeManagementEvents: true,
          DataResources: [data2],
          ExcludeManagementEventSources: [],
        },
      ],
    });
    const r = await s.run();
    expect(r.status).toBe('Success');
    expect(s.fake.trail('org-audit', 'us-east-1')!.EventSelectors).toEqual([
      {
        ReadWriteType: 'All',
        IncludeManagementEvents: true,
        DataResources: [data1, data2],
        ExcludeManagementEventSources: [],
      },
    ]);
    expect(r.outputs['PutEventSelectorsKeepingDataEvents.TrailARN']).toBe(
      'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit',
    );
  });
  describe('a trail with advanced event selectors: never switched to basic selectors', () => {
    const dataOnly = [
      {
        Name: 'S3 writes to payroll',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
        ],
      },
    ];
    const withManagement = [
      { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      ...dataOnly,
    ];

    it('that log management events: compliant, no write', async () => {
      s = scenario();
      s.fake.seed({ ...s.compliant, EventSelectors: [], AdvancedEventSelectors: withManagement });
      const r = await s.run();
      expect(r.status).toBe('Success');
      expect(s.fake.writes()).toEqual([]);
      expect(s.fake.trail('org-audit', 'us-east-1')!.AdvancedEventSelectors).toEqual(withManagement);
    });

    it('that log no management events, stopped: logging is started, the selectors are kept, and the run ends Failed', async () => {
      s = scenario();
      s.fake.seed({ ...s.compliant, IsLogging: false, EventSelectors: [], AdvancedEventSelectors: dataOnly });
      const r = await s.run();
      expect(s.fake.writes()).toEqual(['StartLogging']);
      expect(s.fake.trail('org-audit', 'us-east-1')!.AdvancedEventSelectors).toEqual(dataOnly);
      expect(s.fake.trail('org-audit', 'us-east-1')!.IsLogging).toBe(true);
      expect(r.status).toBe('Failed');
      expect(r.failureMessage).toMatch(/^step AdvancedSelectorsLogManagementEvents failed: .*Management/);
      expect(r.steps.map((x) => x.name)).toContain('VerifyTrail');
    });
  });

  it('absent, with an SNS topic and CloudWatch Logs configured: CreateTrail, then UpdateTrail sets them, then StartLogging', async () => {
    s = scenario({ config: optionalDeliveryConfig() });
    const first = await s.run();
    expect(first.status).toBe('Success');
    expect(s.fake.writes()).toEqual(['CreateTrail', 'UpdateTrail', 'StartLogging']);
    expect(Object.keys(s.fake.calls.find((c) => c.api === 'CreateTrail')!.input)).not.toContain('SnsTopicName');
    expect(s.fake.trail('audit-trail', 'eu-central-1')).toEqual({
      ...s.compliant,
      SnsTopicName: 'trail-deliveries',
      CloudWatchLogsLogGroupArn: LOG_GROUP_ARN,
      CloudWatchLogsRoleArn: cloudWatchLogsRoleArnFor(s.account),
    });
    s.fake.clearCalls();
    expect((await s.run()).changes).toEqual([]);
  });

  describe('SNS and CloudWatch Logs drift on an existing trail', () => {

    it.each([
      ['the SNS topic removed', { SnsTopicName: undefined }],
      ['another SNS topic', { SnsTopicName: 'someone-elses-topic' }],
      ['CloudWatch Logs delivery removed', { CloudWatchLogsLogGroupArn: undefined, CloudWatchLogsRoleArn: undefined }],
      ['another log group', { CloudWatchLogsLogGroupArn: 'arn:aws:logs:eu-central-1:444444444444:log-group:elsewhere:*' }],
    ])('%s: UpdateTrail restores both, and a second run changes nothing', async (_title, drift) => {
      s = scenario({ config: optionalDeliveryConfig() });
      const wanted = {
        ...s.compliant,
        SnsTopicName: 'trail-deliveries',
        CloudWatchLogsLogGroupArn: LOG_GROUP_ARN,
        CloudWatchLogsRoleArn: cloudWatchLogsRoleArnFor(s.account),
      };
      s.fake.seed({ ...wanted, ...drift });
      const first = await s.run();
      expect(first.status).toBe('Success');
      expect(s.fake.writes()).toEqual(['UpdateTrail']);
      expect(s.fake.trail('audit-trail', 'eu-central-1')).toEqual(wanted);
      s.fake.clearCalls();
      expect((await s.run()).changes).toEqual([]);
    });

    it('an unexpected SNS topic on a trail that should have none is removed', async () => {
      s = scenario();
      s.fake.seed({ ...s.compliant, SnsTopicName: 'someone-elses-topic' });
      const r = await s.run();
      expect(s.fake.writes()).toEqual(['UpdateTrail']);
      expect(s.fake.calls.find((c) => c.api === 'UpdateTrail')!.input.SnsTopicName).toBe('');
      expect(s.fake.trail('org-audit', 'us-east-1')).toEqual(s.compliant);
      expect(r.status).toBe('Success');
    });
  });
});
