import { TerraformOutput, TerraformStack } from 'cdktf';
import { AutomationRole } from '../../modules/automation-role';
import { CloudTrailEnabledRule } from '../../modules/cloudtrail-enabled-rule';
import { ConfigRecorder } from '../../modules/config-recorder';
import { LogBucket } from '../../modules/log-bucket';
import { RUNBOOK_PATH, RunbookDocument, assertDocumentName, readRunbook } from '../../modules/runbook-document';
import { Trail } from '../../modules/trail';
import { TrailKey } from '../../modules/trail-key';
import { ACCOUNT, BUCKET, MEMBER, ORG_ID, REGION, TRAIL_ARN, accountConfig, bareStack, only, ref, resourcesOf, synth } from './helpers';

const KEY_ARN = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function logBucket(stack: TerraformStack, s3KeyPrefix = 'logs', extra: Partial<ConstructorParameters<typeof LogBucket>[2]> = {}): LogBucket {
  return new LogBucket(stack, 'log-bucket', {
    bucketName: BUCKET,
    partition: 'aws',
    region: REGION,
    accountId: ACCOUNT,
    s3KeyPrefix,
    trailArn: TRAIL_ARN,
    kmsKeyArn: KEY_ARN,
    ...extra,
  });
}

function trailKey(stack: TerraformStack, extra: Partial<ConstructorParameters<typeof TrailKey>[2]> = {}): TrailKey {
  return new TrailKey(stack, 'trail-key', {
    alias: 'alias/cloudtrail-logs',
    partition: 'aws',
    region: REGION,
    accountId: ACCOUNT,
    trailArn: TRAIL_ARN,
    ...extra,
  });
}

describe('LogBucket', () => {
  it('private, versioned, SSE-KMS with a Bucket Key, owner-enforced, undeletable', () => {
    const stack = bareStack();
    logBucket(stack);
    const json = synth(stack);
    const bucket = only(json, 'aws_s3_bucket');
    expect(bucket.bucket).toBe(BUCKET);
    expect(bucket.force_destroy).toBe(false);
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
    const pab = only(json, 'aws_s3_bucket_public_access_block');
    expect([pab.block_public_acls, pab.block_public_policy, pab.ignore_public_acls, pab.restrict_public_buckets]).toEqual([true, true, true, true]);
    expect(only(json, 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    expect(only(json, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: KEY_ARN }, bucket_key_enabled: true },
    ]);
    expect(only(json, 'aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
  });

  it('the bucket policy is the typed policy and waits for the public access block', () => {
    const stack = bareStack();
    const b = logBucket(stack);
    const json = synth(stack);
    const policy = only(json, 'aws_s3_bucket_policy');
    expect(policy.depends_on).toEqual([ref(b.publicAccessBlock)]);
    expect(JSON.parse(policy.policy)).toEqual(b.policyDocument);
    expect(JSON.parse(policy.policy).Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      'AWSCloudTrailAclCheck',
      'AWSCloudTrailWrite',
      'DenyInsecureTransport',
    ]);
  });

  it.each(['logs', 'logs/', '/logs'])('FC-01 prefix %j through config: one PutObject resource, no // anywhere in the stack', (raw) => {
    const { account } = accountConfig({ prefix: raw });
    const stack = bareStack();
    logBucket(stack, account.logBucket.s3KeyPrefix);
    const text = JSON.stringify(synth(stack));
    const policy = JSON.parse(only(synth(stack), 'aws_s3_bucket_policy').policy);
    expect(policy.Statement[1].Resource).toBe('arn:aws:s3:::ct-logs-111111111111/logs/AWSLogs/111111111111/*');
    expect(policy.Statement[0].Resource).toBe('arn:aws:s3:::ct-logs-111111111111');
    expect(text.replace(/arn:[a-z-]*:s3:::/g, '').replace(/https?:\/\//g, '')).not.toContain('//');
  });

  it('FC-02: organization bucket policy covers the org ID and the management account paths', () => {
    const stack = bareStack();
    logBucket(stack, 'logs', { organization: { id: ORG_ID, managementAccountId: ACCOUNT } });
    const policy = JSON.parse(only(synth(stack), 'aws_s3_bucket_policy').policy);
    expect(policy.Statement[1].Resource).toEqual([
      'arn:aws:s3:::ct-logs-111111111111/logs/AWSLogs/o-abc123def4/*',
      'arn:aws:s3:::ct-logs-111111111111/logs/AWSLogs/111111111111/*',
    ]);
    expect(policy.Statement[1].Condition.StringEquals['s3:x-amz-acl']).toBe('bucket-owner-full-control');
  });
});

describe('TrailKey', () => {
  it('rotating, 30-day window, undeletable, key policy from trailKeyPolicy, alias to the key', () => {
    const stack = bareStack();
    const k = trailKey(stack);
    new TerraformOutput(stack, 'key_arn', { value: k.keyArn });
    const json = synth(stack) as ReturnType<typeof synth> & { output: Record<string, { value: string }> };
    const key = only(json, 'aws_kms_key');
    expect(key.enable_key_rotation).toBe(true);
    expect(key.deletion_window_in_days).toBe(30);
    expect(key.lifecycle).toEqual({ prevent_destroy: true });
    const policy = JSON.parse(key.policy);
    expect(policy).toEqual(k.policyDocument);
    expect(policy.Statement.find((s: { Sid: string }) => s.Sid === 'AllowCloudTrailEncryptLogs').Action).toBe('kms:GenerateDataKey*');
    const alias = only(json, 'aws_kms_alias');
    expect(alias.name).toBe('alias/cloudtrail-logs');
    expect(alias.target_key_id).toBe(`\${${ref(k.key)}.key_id}`);
    expect(json.output.key_arn.value).toBe(`\${${ref(k.key)}.arn}`);
  });

  it('FC-06 organization trail and a Bucket Key: the encryption context of the organization trail, in any account', () => {
    const stack = bareStack();
    trailKey(stack, { organization: { id: ORG_ID, managementAccountId: ACCOUNT } });
    const policy = JSON.parse(only(synth(stack), 'aws_kms_key').policy);
    const byId = Object.fromEntries(policy.Statement.map((s: { Sid: string }) => [s.Sid, s]));
    expect(byId.AllowCloudTrailEncryptLogs.Condition.StringLike['kms:EncryptionContext:aws:cloudtrail:arn']).toEqual([
      'arn:aws:cloudtrail:*:111111111111:trail/*',
      'arn:aws:cloudtrail:*:*:trail/org-audit',
    ]);
    expect(byId.AllowCloudTrailEncryptLogs.Condition.StringEquals).toEqual({ 'aws:SourceArn': TRAIL_ARN });
    expect(byId.AllowCloudTrailDecryptWithBucketKey.Action).toBe('kms:Decrypt');
    expect(byId.AllowCloudTrailDescribeKey.Action).toBe('kms:DescribeKey');
  });

  it('refuses a reserved alias, a bare name and a bad deletion window', () => {
    expect(() => trailKey(bareStack(), { alias: 'alias/aws/cloudtrail' })).toThrow(/reserved for AWS managed keys/);
    expect(() => trailKey(bareStack(), { alias: 'cloudtrail-logs' })).toThrow(/must be alias\/<name>/);
    expect(() => trailKey(bareStack(), { deletionWindowInDays: 6 })).toThrow(/from 7 to 30/);
  });
});

describe('AutomationRole', () => {
  it('FC-09: role trusts ssm.amazonaws.com scoped to its own account; inline policy is the typed policy', () => {
    for (const accountId of [ACCOUNT, MEMBER]) {
      const stack = bareStack();
      const r = new AutomationRole(stack, 'automation-role', {
        roleName: 'cloudtrail-guard-automation-us-east-1',
        partition: 'aws',
        region: REGION,
        accountId,
        trailArn: `arn:aws:cloudtrail:us-east-1:${accountId}:trail/org-audit`,
        bucketArn: 'arn:aws:s3:::ct-logs',
        kmsKeyArn: KEY_ARN,
      });
      new TerraformOutput(stack, 'role_arn', { value: r.roleArn });
      const json = synth(stack) as ReturnType<typeof synth> & { output: Record<string, { value: string }> };
      const role = only(json, 'aws_iam_role');
      expect(role.name).toBe('cloudtrail-guard-automation-us-east-1');
      const trust = JSON.parse(role.assume_role_policy);
      expect(trust.Statement).toHaveLength(1);
      expect(trust.Statement[0].Principal).toEqual({ Service: 'ssm.amazonaws.com' });
      expect(trust.Statement[0].Action).toBe('sts:AssumeRole');
      expect(trust.Statement[0].Condition.StringEquals).toEqual({ 'aws:SourceAccount': accountId });
      const inline = only(json, 'aws_iam_role_policy');
      expect(inline.role).toBe(`\${${ref(r.role)}.name}`);
      const perms = JSON.parse(inline.policy);
      expect(perms).toEqual(r.permissionsPolicyDocument);
      expect(perms.Statement[0].Resource).toBe(`arn:aws:cloudtrail:us-east-1:${accountId}:trail/org-audit`);
      expect(json.output.role_arn.value).toBe(`\${${ref(r.role)}.arn}`);
    }
  });
});

describe('RunbookDocument', () => {
  it('Automation document in YAML, content read from runbook/ at synth time', () => {
    const stack = bareStack();
    new RunbookDocument(stack, 'runbook', { documentName: 'cloudtrail-guard-enable-trail' });
    const doc = only(synth(stack), 'aws_ssm_document');
    expect(doc.name).toBe('cloudtrail-guard-enable-trail');
    expect(doc.document_type).toBe('Automation');
    expect(doc.document_format).toBe('YAML');
    expect(doc.content).toBe(readRunbook());
    expect(RUNBOOK_PATH.endsWith('/runbook/cloudtrail-remediation-action.yml')).toBe(true);
    expect(doc.content).toMatch(/assumeRole: '\{\{ ?AutomationAssumeRole ?\}\}'/);
  });
  it('explicit content wins', () => {
    const stack = bareStack();
    new RunbookDocument(stack, 'runbook', { documentName: 'my-runbook', content: "schemaVersion: '0.3'\n" });
    expect(only(synth(stack), 'aws_ssm_document').content).toBe("schemaVersion: '0.3'\n");
  });
  it.each(['AWS-Runbook', 'awsfoo', 'Amazon-x', 'AMZN_y'])('refuses the reserved prefix in %j', (name) => {
    expect(() => new RunbookDocument(bareStack(), 'runbook', { documentName: name, content: 'x' })).toThrow(/reserved prefix/);
  });
  it('refuses malformed names', () => {
    expect(() => assertDocumentName('ab')).toThrow(/3 to 128/);
    expect(() => assertDocumentName('has space')).toThrow(/3 to 128/);
    expect(() => assertDocumentName('cloudtrail-guard-enable-trail')).not.toThrow();
  });
});

describe('CloudTrailEnabledRule', () => {
  it('FC-10: CLOUD_TRAIL_ENABLED, input key s3BucketName, hourly', () => {
    const stack = bareStack();
    new CloudTrailEnabledRule(stack, 'rule', { s3BucketName: BUCKET });
    const rule = only(synth(stack), 'aws_config_config_rule');
    expect(rule.name).toBe('cloudtrail-enabled');
    expect(rule.source).toEqual({ owner: 'AWS', source_identifier: 'CLOUD_TRAIL_ENABLED' });
    expect(JSON.parse(rule.input_parameters)).toEqual({ s3BucketName: BUCKET });
    expect(Object.keys(JSON.parse(rule.input_parameters))).toEqual(['s3BucketName']);
    expect(rule.maximum_execution_frequency).toBe('One_Hour');
    expect(rule.depends_on).toBeUndefined();
  });
  it('FC-15: depends on the recorder, delivery channel and recorder status when the stack creates them', () => {
    const stack = bareStack();
    const rec = new ConfigRecorder(stack, 'recorder', { partition: 'aws', accountId: ACCOUNT, bucketName: BUCKET });
    new CloudTrailEnabledRule(stack, 'rule', { s3BucketName: BUCKET, maximumExecutionFrequency: 'Three_Hours', dependsOn: rec.dependables });
    const json = synth(stack);
    const rule = only(json, 'aws_config_config_rule');
    expect(rule.maximum_execution_frequency).toBe('Three_Hours');
    expect(rule.depends_on).toEqual([ref(rec.recorder), ref(rec.deliveryChannel), ref(rec.recorderStatus)]);
  });
});

describe('ConfigRecorder', () => {
  it('service-linked role, all resources, delivery under config/, status enabled after the channel', () => {
    const stack = bareStack();
    const b = logBucket(stack, 'logs', { allowConfigDelivery: true });
    const rec = new ConfigRecorder(stack, 'recorder', { partition: 'aws', accountId: ACCOUNT, bucketName: BUCKET, dependsOn: [b.bucketPolicy] });
    const json = synth(stack);
    expect(only(json, 'aws_iam_service_linked_role').aws_service_name).toBe('config.amazonaws.com');
    const recorder = only(json, 'aws_config_configuration_recorder');
    expect(recorder.recording_group).toEqual({ all_supported: true, include_global_resource_types: true });
    expect(recorder.role_arn).toBe(`\${${ref(rec.serviceLinkedRole!)}.arn}`);
    const channel = only(json, 'aws_config_delivery_channel');
    expect(channel.s3_bucket_name).toBe(BUCKET);
    expect(channel.s3_key_prefix).toBe('config');
    expect(channel.depends_on).toEqual([ref(rec.recorder), ref(b.bucketPolicy)]);
    const status = only(json, 'aws_config_configuration_recorder_status');
    expect(status.is_enabled).toBe(true);
    expect(status.depends_on).toEqual([ref(rec.deliveryChannel)]);
    const policy = JSON.parse(only(json, 'aws_s3_bucket_policy').policy);
    const delivery = policy.Statement.find((s: { Sid: string }) => s.Sid === 'AWSConfigBucketDelivery');
    expect(delivery.Resource).toBe('arn:aws:s3:::ct-logs-111111111111/config/AWSLogs/111111111111/Config/*');
  });
  it('uses the existing service-linked role when asked', () => {
    const stack = bareStack();
    new ConfigRecorder(stack, 'recorder', { partition: 'aws', accountId: ACCOUNT, bucketName: BUCKET, createServiceLinkedRole: false });
    const json = synth(stack);
    expect(resourcesOf(json, 'aws_iam_service_linked_role')).toEqual([]);
    expect(only(json, 'aws_config_configuration_recorder').role_arn).toBe(
      'arn:aws:iam::111111111111:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig',
    );
  });
});

describe('Trail', () => {
  it('FC-05 / FC-07: secure baseline, key ARN, depends on the bucket policy and the key, undeletable', () => {
    const stack = bareStack();
    const key = trailKey(stack);
    const b = logBucket(stack, 'logs');
    new Trail(stack, 'trail', {
      trailName: 'org-audit',
      bucketName: BUCKET,
      s3KeyPrefix: 'logs',
      kmsKeyArn: key.keyArn,
      dependsOn: [b.bucketPolicy, key.key],
    });
    const trail = only(synth(stack), 'aws_cloudtrail');
    expect(trail.name).toBe('org-audit');
    expect(trail.s3_bucket_name).toBe(BUCKET);
    expect(trail.s3_key_prefix).toBe('logs');
    expect(trail.kms_key_id).toBe(`\${${ref(key.key)}.arn}`);
    expect(trail.kms_key_id).not.toContain('alias');
    expect([trail.is_multi_region_trail, trail.include_global_service_events, trail.enable_log_file_validation, trail.enable_logging]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(trail.is_organization_trail).toBe(false);
    expect(trail.event_selector).toEqual([{ include_management_events: true, read_write_type: 'All' }]);
    expect(trail.depends_on).toEqual([ref(b.bucketPolicy), ref(key.key)]);
    expect(trail.lifecycle).toEqual({ prevent_destroy: true });
  });
  it('leaves s3_key_prefix out when there is no prefix', () => {
    const stack = bareStack();
    new Trail(stack, 'trail', { trailName: 'org-audit', bucketName: BUCKET, s3KeyPrefix: '', kmsKeyArn: KEY_ARN, dependsOn: [] });
    expect(only(synth(stack), 'aws_cloudtrail')).not.toHaveProperty('s3_key_prefix');
  });
  it('FC-07: refuses an alias as the key and as a dependency', () => {
    const stack = bareStack();
    const key = trailKey(stack);
    const base = { trailName: 'org-audit', bucketName: BUCKET, s3KeyPrefix: 'logs' };
    expect(() => new Trail(stack, 't1', { ...base, kmsKeyArn: 'alias/cloudtrail-logs', dependsOn: [] })).toThrow(/never an alias/);
    expect(() => new Trail(stack, 't2', { ...base, kmsKeyArn: 'arn:aws:kms:us-east-1:111111111111:alias/cloudtrail-logs', dependsOn: [] })).toThrow(/never an alias/);
    expect(() => new Trail(stack, 't3', { ...base, kmsKeyArn: key.keyArn, dependsOn: [key.alias] })).toThrow(/KmsAlias/);
  });
  it('FC-03: refuses invalid trail names and untrimmed prefixes', () => {
    const base = { bucketName: BUCKET, kmsKeyArn: KEY_ARN, dependsOn: [] };
    expect(() => new Trail(bareStack(), 't', { ...base, trailName: 'undefined-', s3KeyPrefix: '' })).toThrow(/trailName/);
    expect(() => new Trail(bareStack(), 't', { ...base, trailName: 'ab', s3KeyPrefix: '' })).toThrow(/trailName/);
    expect(() => new Trail(bareStack(), 't', { ...base, trailName: 'org-audit', s3KeyPrefix: '/logs' })).toThrow(/trimmed/);
  });
});
