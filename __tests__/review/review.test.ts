/**
 * `npm run review` (tools/review.ts): the facts of every example stack, read from its policies, and the command on the
 * real synthesized output of every example (REVIEW.md and review.json, the same content).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ActionCatalog, loadActionCatalog } from '../../tools/review/actions';
import { renderReview, type ReviewDocument } from '../../tools/review/render';
import { describeStack, type StackReview } from '../../tools/review/stack';
import { buildReview } from '../../tools/review';
import { example, ROOT, synthFile, synthYaml } from '../support/synth';

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog([
    's3:*',
    'kms:*',
    'iam:*',
    'cloudtrail:*',
    'ssm:*',
    'events:*',
    'sns:*',
    'logs:*',
    'sts:*',
    'organizations:*',
  ]);
});

const review = (file: string, i = 0): StackReview => {
  const s = synthFile(example(file))[i];
  return describeStack(s.name, s.json, catalog);
};
const yamlReview = (yaml: string): StackReview => {
  const s = synthYaml(yaml)[0];
  return describeStack(s.name, s.json, catalog);
};
const SINGLE = readFileSync(example('single-account.yaml'), 'utf8');
const SOURCE_ARN = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit';
const STACK = 'cloudtrail-guard-111111111111-us-east-1';

describe('the facts of a stack, from its policies', () => {
  test('single-account: who may write to the log bucket, and what else the bucket policy says', () => {
    const r = review('single-account.yaml');
    expect(r.logBucket).toEqual({
      address: 'aws_s3_bucket.log_bucket',
      name: 'ct-logs-111111111111',
      forceDestroy: false,
      versioning: 'Enabled',
      publicAccessBlock: {
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      },
      encryption: 'aws:kms with aws_kms_key.trail_key.arn, S3 Bucket Key on',
      objectOwnership: 'BucketOwnerEnforced',
      policy: 'aws_s3_bucket_policy.log_bucket_policy.policy',
      writers: [
        {
          sid: 'AWSCloudTrailWrite',
          effect: 'Allow',
          text: `the service cloudtrail.amazonaws.com may s3:PutObject on objects logs/AWSLogs/111111111111/* of bucket ct-logs-111111111111 when s3:x-amz-acl is bucket-owner-full-control and aws:SourceArn is ${SOURCE_ARN}`,
          principals: ['the service cloudtrail.amazonaws.com'],
          actions: ['s3:PutObject'],
          resources: ['objects logs/AWSLogs/111111111111/* of bucket ct-logs-111111111111'],
          conditions: ['s3:x-amz-acl is bucket-owner-full-control', `aws:SourceArn is ${SOURCE_ARN}`],
        },
      ],
      otherAccess: [
        {
          sid: 'AWSCloudTrailAclCheck',
          effect: 'Allow',
          text: `the service cloudtrail.amazonaws.com may s3:GetBucketAcl on bucket ct-logs-111111111111 when aws:SourceArn is ${SOURCE_ARN}`,
          principals: ['the service cloudtrail.amazonaws.com'],
          actions: ['s3:GetBucketAcl'],
          resources: ['bucket ct-logs-111111111111'],
          conditions: [`aws:SourceArn is ${SOURCE_ARN}`],
        },
      ],
      denied: [
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          text: 'anyone is denied s3:* on bucket ct-logs-111111111111, every object of bucket ct-logs-111111111111 when aws:SecureTransport is false',
          principals: ['anyone'],
          actions: ['s3:*'],
          resources: ['bucket ct-logs-111111111111', 'every object of bucket ct-logs-111111111111'],
          conditions: ['aws:SecureTransport is false'],
        },
      ],
    });
  });

  test('single-account: who may use the key, what the automation role and the fast path role may do', () => {
    const r = review('single-account.yaml');
    expect(r.key!.users.map((g) => g.sid)).toEqual([
      'EnableRootAdministration',
      'AllowCloudTrailEncryptLogs',
      'AllowCloudTrailDescribeKey',
      'AllowCloudTrailDecryptWithBucketKey',
      'AllowLogReadersDecrypt',
    ]);
    expect(r.key!.users[0].text).toBe('account 111111111111 (its IAM policies decide who in it) may kms:* on this key');
    expect(r.key).toMatchObject({
      address: 'aws_kms_key.trail_key',
      aliases: ['alias/cloudtrail-logs'],
      rotation: true,
      deletionWindowInDays: 30,
      denied: [],
    });
    expect(r.automationRole!.trustedBy.map((g) => g.text)).toEqual([
      'the service ssm.amazonaws.com may sts:AssumeRole on this role when aws:SourceAccount is 111111111111 and aws:SourceArn matches arn:aws:ssm:*:111111111111:automation-execution/*',
    ]);
    const rolePolicy = JSON.parse(
      synthFile(example('single-account.yaml'))[0].json.resource.aws_iam_role_policy.automation_role_policy.policy,
    );
    expect(r.automationRole!.may.map((g) => g.sid)).toEqual(rolePolicy.Statement.map((st: any) => st.Sid));
    expect(r.automationRole!.may.map((g) => g.text).slice(0, 3)).toEqual([
      `the role cloudtrail-guard-automation-us-east-1 may cloudtrail:GetTrail, cloudtrail:GetTrailStatus, cloudtrail:GetEventSelectors, cloudtrail:CreateTrail, cloudtrail:UpdateTrail, cloudtrail:PutEventSelectors, cloudtrail:StartLogging on ${SOURCE_ARN}`,
      'the role cloudtrail-guard-automation-us-east-1 may cloudtrail:DescribeTrails on every resource',
      'the role cloudtrail-guard-automation-us-east-1 may kms:DescribeKey on aws_kms_key.trail_key.arn',
    ]);
    expect(r.fastPath).toMatchObject({
      address: 'aws_cloudwatch_event_rule.fast_path_rule',
      name: 'cloudtrail-guard-fast-path',
      enabled: true,
      sources: ['aws.cloudtrail'],
      detailTypes: ['AWS API Call via CloudTrail'],
      eventSources: ['cloudtrail.amazonaws.com'],
      eventNames: ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors'],
      trails: ['org-audit', SOURCE_ARN],
      onlySuccessfulCalls: true,
      target:
        'arn:aws:ssm:us-east-1:111111111111:automation-definition/aws_ssm_document.runbook_document.name:$DEFAULT',
    });
    expect(r.fastPath!.role!.may.map((g) => g.sid)).toEqual(['StartRemediationRunbook', 'PassAutomationRole']);
    expect(r.fastPath!.role!.may[1].text).toBe(
      'the role cloudtrail-guard-fast-path-us-east-1 may iam:PassRole on aws_iam_role.automation_role.arn when iam:PassedToService is ssm.amazonaws.com',
    );
  });

  test('single-account: the trail baseline as the trail, the remediation and the fast path set it; rules; protection', () => {
    const r = review('single-account.yaml');
    const all = (v: string) => ({ trail: v, remediation: v, fastPath: v });
    expect(r.trail).toEqual({
      managed: true,
      address: 'aws_cloudtrail.trail',
      baseline: [
        { setting: 'trail name', ...all('org-audit') },
        { setting: 'S3 bucket', ...all('ct-logs-111111111111') },
        { setting: 'S3 key prefix', ...all('logs') },
        { setting: 'KMS key', ...all('aws_kms_key.trail_key.arn') },
        { setting: 'multi-Region', ...all('true') },
        { setting: 'global service events', ...all('true') },
        { setting: 'log file validation', ...all('true') },
        { setting: 'organization trail', ...all('false') },
        { setting: 'logging', trail: 'true' },
        {
          setting: 'management events',
          trail: 'read_write_type All',
          remediation: 'read and write, no excluded source (the runbook restores this)',
        },
      ],
    });
    expect(r.rules).toEqual([
      {
        address: 'aws_config_config_rule.cloudtrail_enabled_rule',
        name: 'cloudtrail-enabled',
        identifier: 'CLOUD_TRAIL_ENABLED',
        frequency: 'One_Hour',
        inputParameters: '{"s3BucketName":"ct-logs-111111111111"}',
      },
    ]);
    expect(r.remediation).toEqual({
      address: 'aws_config_remediation_configuration.remediation',
      automatic: true,
      maximumAutomaticAttempts: 5,
      retryAttemptSeconds: 60,
      rule: 'aws_config_config_rule.cloudtrail_enabled_rule',
      runbook: 'aws_ssm_document.runbook_document',
    });
    expect(r.runbook).toMatchObject({
      name: 'cloudtrail-guard-enable-trail',
      documentType: 'Automation',
      steps: ['RemediateTrail (aws:executeScript)', 'VerifyLogging (aws:assertAwsResourceProperty)'],
      assumeRole: '{{ AutomationAssumeRole }}',
    });
    expect(r.protection.filter((p) => p.preventDestroy).map((p) => p.address)).toEqual([
      'aws_cloudtrail.trail',
      'aws_kms_key.trail_key',
      'aws_s3_bucket.log_bucket',
    ]);
    expect(r.notifications).toEqual({});
    expect(r.otherBuckets).toEqual([]);
    expect(r.deliversTo).toBeUndefined();
    expect(r.scps).toEqual([]);
    expect(r.moved).toHaveLength(18);
  });

  test('single-account: the diagram has each component and each link the JSON has', () => {
    const lines = review('single-account.yaml').diagram.split('\n');
    expect(lines[0]).toBe('flowchart LR');
    expect(lines.filter((l) => l.includes('-->')).map((l) => l.trim())).toEqual([
      'trail -->|"delivers log files"| bucket',
      'trail -->|"encrypts with"| key',
      'bucket -->|"SSE-KMS"| key',
      'rule0 -->|"NON_COMPLIANT"| remediation',
      'remediation -->|"starts"| runbook',
      'runbook -->|"assumes (AutomationAssumeRole)"| role',
      'role -->|"creates, updates, starts logging"| trail',
      'fastpath -->|"watches StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors, PutInsightSelectors"| trail',
      'fastpath -->|"starts"| runbook',
    ]);
    expect(lines).toContain('  trail["CloudTrail trail<br/>org-audit<br/>aws_cloudtrail.trail"]');
  });

  test('a recorder: AWS Config may write to the bucket and use the key', () => {
    const r = review('multi-account.yaml', 1);
    expect(r.stack).toBe('cloudtrail-guard-222222222222-eu-west-1');
    expect(r.logBucket!.writers.map((g) => g.sid)).toEqual(['AWSCloudTrailWrite', 'AWSConfigBucketDelivery']);
    expect(r.logBucket!.writers[1].principals).toEqual(['the service config.amazonaws.com']);
    expect(r.logBucket!.otherAccess.map((g) => g.sid)).toEqual([
      'AWSCloudTrailAclCheck',
      'AWSConfigBucketPermissionsCheck',
      'AWSConfigBucketExistenceCheck',
    ]);
    expect(r.key!.users.map((g) => g.sid)).toContain('AllowConfigDelivery');
    expect(r.recorder).toEqual({
      address: 'aws_config_configuration_recorder.config_recorder',
      deliveryChannel: 'aws_config_delivery_channel.config_recorder_delivery_channel',
      enabled: true,
    });
  });

  test('organization: what the SCP denies and to whom it makes exceptions (as its JSON says); notifications', () => {
    const stack = synthFile(example('organization.yaml')).find((s) => s.name === STACK)!;
    const r = describeStack(stack.name, stack.json, catalog);
    const [[address, scp]] = Object.entries(stack.json.resource.aws_organizations_policy as Record<string, any>);
    const content = JSON.parse(scp.content);
    expect(r.scps).toHaveLength(1);
    expect(r.scps[0]).toMatchObject({ address: `aws_organizations_policy.${address}`, name: scp.name });
    expect(r.scps[0].attachedTo).toEqual(
      Object.values(stack.json.resource.aws_organizations_policy_attachment).map((a: any) => a.target_id),
    );
    expect(r.scps[0].attachedTo.length).toBeGreaterThan(0);
    expect(r.scps[0].denies.map((g) => [g.sid, g.actions])).toEqual(
      content.Statement.map((st: any) => [st.Sid, [st.Action].flat()]),
    );
    // the exceptions: every value of a Deny statement's aws:PrincipalArn condition with a negated operator, once
    const negated = content.Statement.flatMap((st: any) =>
      Object.entries(st.Condition ?? {})
        .filter(([op]) => op.includes('Not'))
        .flatMap(([, block]: [string, any]) => [block['aws:PrincipalArn'] ?? []].flat()),
    );
    expect(negated.length).toBeGreaterThan(0);
    expect(r.scps[0].exceptions).toEqual([...new Set(negated)]);
    expect(r.notifications.topic).toMatchObject({ address: 'aws_sns_topic.topic', name: 'org-audit-deliveries' });
    expect(r.notifications.topic!.publishers.map((g) => `${g.effect} ${g.sid}`)).toEqual([
      'Allow AWSCloudTrailSNSPolicy',
      'Deny DenyInsecureTransport',
    ]);
    expect(r.notifications.logGroup).toEqual({
      address: 'aws_cloudwatch_log_group.log_group',
      name: '/aws/cloudtrail/org-audit',
      retentionInDays: 400,
    });
    expect(r.notifications.logsRole!.trustedBy.map((g) => g.text)).toEqual([
      'the service cloudtrail.amazonaws.com may sts:AssumeRole on this role',
    ]);
    expect(r.trail.baseline.find((b) => b.setting === 'organization trail')).toEqual({
      setting: 'organization trail',
      trail: 'true',
      remediation: 'true',
      fastPath: 'true',
    });
    expect(r.diagram).toContain('scp0 -->|"denies tampering"| trail');
  });

  test('a stack whose trail delivers to a bucket of another stack, and a stack with two buckets', () => {
    const stacks = synthFile(example('organization.yaml'));
    const all = stacks.map((s) => describeStack(s.name, s.json, catalog));
    for (const r of all) {
      // the log bucket is the bucket whose policy lets CloudTrail write, where the stack creates it; else named
      if (r.logBucket)
        expect(r.logBucket.writers.some((g) => g.principals?.includes('the service cloudtrail.amazonaws.com'))).toBe(
          true,
        );
      const trailBucket = r.trail.baseline.find((b) => b.setting === 'S3 bucket');
      if (!r.logBucket && trailBucket) expect(r.deliversTo).toBe(trailBucket.trail ?? trailBucket.remediation);
      expect(r.otherBuckets.map((b) => b.address).sort()).toEqual(
        Object.keys(stacks.find((s) => s.name === r.stack)!.json.resource?.aws_s3_bucket ?? {})
          .map((n) => `aws_s3_bucket.${n}`)
          .filter((a) => a !== r.logBucket?.address)
          .sort(),
      );
    }
  });

  test('no fast path, an unmanaged trail, an existing key', () => {
    const yaml = SINGLE.replace('      retryAttemptSeconds: 60', '      retryAttemptSeconds: 60\n      fastPath: false')
      .replace('      name: org-audit', '      name: org-audit\n      manage: false')
      .replace(
        '      alias: alias/cloudtrail-logs',
        '      existingKeyArn: arn:aws:kms:us-east-1:111111111111:key/0a1b2c3d-1111-2222-3333-444455556666',
      );
    const r = yamlReview(yaml);
    expect(r.fastPath).toBeUndefined();
    expect(r.trail.managed).toBe(false);
    expect(r.trail.baseline.find((b) => b.setting === 'multi-Region')).toEqual({
      setting: 'multi-Region',
      remediation: 'true',
    });
    expect(r.key).toEqual({
      existingKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/0a1b2c3d-1111-2222-3333-444455556666',
      aliases: [],
      users: [],
      denied: [],
    });
    expect(r.protection.filter((p) => p.preventDestroy).map((p) => p.address)).toEqual(['aws_s3_bucket.log_bucket']);
  });
});

describe('npm run review on the synthesized examples', () => {
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync('node', ['--import', 'tsx', join(ROOT, 'tools', 'review.ts'), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });

  test.each(['single-account.yaml', 'multi-account.yaml', 'organization.yaml'])(
    '%s: REVIEW.md and review.json, the same content',
    async (file) => {
      const out = mkdtempSync(join(tmpdir(), 'ctg-review-test-'));
      try {
        const synth = spawnSync('node', ['bin/synth.js'], {
          cwd: ROOT,
          encoding: 'utf8',
          env: { ...process.env, CLOUDTRAIL_GUARD_CONFIG: example(file), CDKTF_OUTDIR: out },
        });
        expect(synth.status).toBe(0);
        const r = run(['--out', out]);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        const stacks = synthFile(example(file)).map((s) => s.name);
        expect(r.stdout).toBe(
          `review of ${stacks.length} stack(s) written to ${join(out, 'REVIEW.md')} and ${join(out, 'review.json')}\n`,
        );
        const doc: ReviewDocument = JSON.parse(readFileSync(join(out, 'review.json'), 'utf8'));
        expect(doc.stacks.map((s) => s.stack)).toEqual([...stacks].sort());
        expect(doc).toEqual(JSON.parse(JSON.stringify(await buildReview(out))));
        const md = readFileSync(join(out, 'REVIEW.md'), 'utf8');
        expect(md).toBe(renderReview(doc));
        for (const s of doc.stacks) {
          expect(md).toContain(`## ${s.stack}\n`);
          for (const g of s.logBucket?.writers ?? []) expect(md).toContain(`- ${g.text} (\`${g.sid}\`)\n`);
          expect(md).toContain(`\`\`\`mermaid\n${s.diagram}\n\`\`\``);
        }
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
    120_000,
  );

  test('no stacks, a bad argument: one line per problem, exit 2, nothing written', () => {
    const out = mkdtempSync(join(tmpdir(), 'ctg-review-empty-'));
    try {
      const r = run(['--out', out]);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(
        `${join(out, 'stacks')}: no synthesized stacks (run npm run synth first, or give --out)\ncloudtrail-guard review: nothing was written.\n`,
      );
      expect(existsSync(join(out, 'REVIEW.md'))).toBe(false);
      const bad = run(['--out', out, '--nope', '--against']);
      expect(bad.status).toBe(2);
      expect(bad.stderr.trim().split('\n')).toEqual([
        '--nope: unknown argument (usage: npm run review [-- --out <dir>] [--against <previous cdktf.out | git ref>] [--fail-on-security])',
        '--against: a folder or a git ref (usage: npm run review [-- --out <dir>] [--against <previous cdktf.out | git ref>] [--fail-on-security])',
      ]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
