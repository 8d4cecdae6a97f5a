/**
 * The archive constructs (modules/log-archive-bucket.ts, modules/log-archive-key.ts) in a bare stack: every resource's
 * attributes and every policy's structure in the synthesized JSON, then terraform itself (offline `validate` and
 * `plan`, read back with `terraform show -json`), which also proves that `${aws:SourceAccount}` reaches AWS as written.
 * https://developer.hashicorp.com/terraform/language/syntax/json#expression-mapping
 */
import { rmSync } from 'node:fs';
import { Testing, type TerraformStack } from 'cdktf';
import { LogArchiveBucket, type LogArchiveBucketProps } from '../../modules/log-archive-bucket';
import { LogArchiveKey } from '../../modules/log-archive-key';
import {
  logArchiveAccessLogBucketName,
  logArchiveBucketName,
  logArchiveKeyAliasArn,
  LOG_ARCHIVE_KEY_ALIAS,
} from '../../modules/log-archive-naming';
import {
  BUCKET_CONFIGURATION_PROTECTED_ACTIONS,
  LOG_OBJECT_PROTECTED_ACTIONS,
} from '../../modules/policies/log-archive-bucket-policy';
import { KEY_ADMINISTRATION_ACTIONS, KEY_DESTRUCTION_ACTIONS } from '../../modules/policies/log-archive-key-policy';
import { policyText, type PolicyDocument } from '../../modules/policies/types';
import { initValidatePlan, tallyCheck } from '../support/terraform';
import {
  ACCESS_LOG_BUCKET,
  ARCHIVE,
  ARCHIVE_DEPLOYER,
  ARCHIVE_REGION,
  BREAK_GLASS,
  BUCKET,
  bareStack,
  MANAGEMENT,
  ORG_BUCKET_PROPS,
  ORG_ID,
  ORG_KEY_PROPS,
  ORG_TRAIL_ARN,
  PREFIX,
} from './fixtures';

type Json = any;
const synth = (stack: TerraformStack): Json => JSON.parse(Testing.synth(stack));
const all = (json: Json, type: string): Array<[string, Json]> => Object.entries(json.resource[type] ?? {});
/** The one resource of `type` whose `bucket` (or other attribute) matches. */
function one(json: Json, type: string, match: (r: Json) => boolean = () => true): Json {
  const found = all(json, type).filter(([, r]) => match(r));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0][1];
}
const addressOf = (json: Json, type: string, match: (r: Json) => boolean): string => {
  const found = all(json, type).filter(([, r]) => match(r));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return `${type}.${found[0][0]}`;
};
/** A policy as the Terraform JSON writes it: `${` escaped as `$${` (policyJson). */
const escaped = (doc: PolicyDocument): Json => JSON.parse(policyText(doc).replace(/\$\{/g, () => '$${'));

function archiveStack(extra: Partial<LogArchiveBucketProps> = {}) {
  const stack = bareStack();
  const key = new LogArchiveKey(stack, 'archive-key', ORG_KEY_PROPS);
  const archive = new LogArchiveBucket(stack, 'archive', {
    ...ORG_BUCKET_PROPS,
    accountId: ARCHIVE,
    accessLogBucketName: ACCESS_LOG_BUCKET,
    kmsKeyArn: key.keyArn,
    objectLock: { mode: 'GOVERNANCE', retentionDays: 365 },
    lifecycle: {
      transitions: [
        { days: 90, storageClass: 'STANDARD_IA' },
        { days: 180, storageClass: 'GLACIER' },
      ],
      expirationDays: 2555,
      noncurrentVersionExpirationDays: 30,
    },
    accessLogExpirationDays: 400,
    tags: { team: 'security' },
    ...extra,
  });
  return { stack, key, archive, json: synth(stack) };
}

describe('naming', () => {
  it('gives the deterministic names the other stacks compute', () => {
    expect(logArchiveBucketName(ARCHIVE, ARCHIVE_REGION)).toBe(BUCKET);
    expect(logArchiveAccessLogBucketName(ARCHIVE, ARCHIVE_REGION)).toBe(ACCESS_LOG_BUCKET);
    expect(LOG_ARCHIVE_KEY_ALIAS).toBe('alias/cloudtrail-guard-archive');
    expect(logArchiveKeyAliasArn('aws', ARCHIVE_REGION, ARCHIVE)).toBe(
      'arn:aws:kms:eu-west-1:444444444444:alias/cloudtrail-guard-archive',
    );
    expect(logArchiveAccessLogBucketName(ARCHIVE, 'ap-southeast-4').length).toBeLessThanOrEqual(63);
    expect(() => logArchiveBucketName('', ARCHIVE_REGION)).toThrow(
      'log archive bucket name: account "" is not a 12-digit account ID',
    );
    expect(() => logArchiveAccessLogBucketName(ARCHIVE, 'EU-WEST-1')).toThrow(
      'log archive bucket name: "EU-WEST-1" is not a Region name',
    );
  });
});

describe('LogArchiveBucket and LogArchiveKey in a bare stack', () => {
  const { key, archive, json } = archiveStack();
  const isArchive = (r: Json) =>
    r.bucket === BUCKET ||
    r.bucket ===
      `\${aws_s3_bucket.${Object.keys(json.resource.aws_s3_bucket).find((k) => json.resource.aws_s3_bucket[k].bucket === BUCKET)}.id}`;
  const archiveId = `\${aws_s3_bucket.${Object.entries(json.resource.aws_s3_bucket as Record<string, Json>).find(([, r]) => r.bucket === BUCKET)![0]}.id}`;
  const logsId = `\${aws_s3_bucket.${Object.entries(json.resource.aws_s3_bucket as Record<string, Json>).find(([, r]) => r.bucket === ACCESS_LOG_BUCKET)![0]}.id}`;
  const onArchive = (r: Json) => r.bucket === archiveId;
  const onLogs = (r: Json) => r.bucket === logsId;

  it('two buckets, both kept from destruction; Object Lock only on the archive', () => {
    const buckets = all(json, 'aws_s3_bucket').map(([, r]) => r);
    expect(buckets.map((b) => b.bucket).sort()).toEqual([ACCESS_LOG_BUCKET, BUCKET].sort());
    for (const b of buckets) {
      expect(b.force_destroy).toBe(false);
      expect(b.lifecycle).toEqual({ prevent_destroy: true });
      expect(b.tags).toEqual({ team: 'security' });
    }
    expect(one(json, 'aws_s3_bucket', (r) => r.bucket === BUCKET).object_lock_enabled).toBe(true);
    expect(one(json, 'aws_s3_bucket', (r) => r.bucket === ACCESS_LOG_BUCKET).object_lock_enabled).toBeUndefined();
    expect(isArchive({ bucket: BUCKET })).toBe(true);
  });

  it('both private, ACLs disabled, versioned', () => {
    for (const on of [onArchive, onLogs]) {
      expect(one(json, 'aws_s3_bucket_public_access_block', on)).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(one(json, 'aws_s3_bucket_ownership_controls', on).rule).toEqual({
        object_ownership: 'BucketOwnerEnforced',
      });
      expect(one(json, 'aws_s3_bucket_versioning', on).versioning_configuration).toEqual({ status: 'Enabled' });
    }
  });

  it('the archive encrypts with the archive key and an S3 Bucket Key; the access-log bucket with SSE-S3, the only default S3 logs to', () => {
    const keyRef = `\${aws_kms_key.${Object.keys(json.resource.aws_kms_key)[0]}.arn}`;
    expect(one(json, 'aws_s3_bucket_server_side_encryption_configuration', onArchive).rule).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: keyRef },
        bucket_key_enabled: true,
      },
    ]);
    expect(one(json, 'aws_s3_bucket_server_side_encryption_configuration', onLogs).rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' }, bucket_key_enabled: false },
    ]);
  });

  it('Object Lock default retention, after versioning', () => {
    const lock = one(json, 'aws_s3_bucket_object_lock_configuration');
    expect(lock.bucket).toBe(archiveId);
    expect(lock.rule).toEqual({ default_retention: { mode: 'GOVERNANCE', days: 365 } });
    expect(lock.depends_on).toEqual([addressOf(json, 'aws_s3_bucket_versioning', onArchive)]);
  });

  it('lifecycle: transitions, expiry, noncurrent expiry and aborted uploads on the archive; aborted uploads and expiry on the access logs', () => {
    expect(one(json, 'aws_s3_bucket_lifecycle_configuration', onArchive).rule).toEqual([
      {
        id: 'log-archive',
        status: 'Enabled',
        filter: [{}],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        transition: [
          { days: 90, storage_class: 'STANDARD_IA' },
          { days: 180, storage_class: 'GLACIER' },
        ],
        expiration: [{ days: 2555 }],
        noncurrent_version_expiration: [{ noncurrent_days: 30 }],
      },
    ]);
    expect(one(json, 'aws_s3_bucket_lifecycle_configuration', onLogs).rule).toEqual([
      {
        id: 'access-logs',
        status: 'Enabled',
        filter: [{}],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        expiration: [{ days: 400 }],
        noncurrent_version_expiration: [{ noncurrent_days: 400 }],
      },
    ]);
  });

  it("server access logging to the access-log bucket, once that bucket's policy lets S3 deliver", () => {
    const logging = one(json, 'aws_s3_bucket_logging');
    expect(logging).toMatchObject({ bucket: archiveId, target_bucket: logsId, target_prefix: 'access-logs/' });
    expect(logging.depends_on).toEqual([addressOf(json, 'aws_s3_bucket_policy', onLogs)]);
  });

  it('the archive bucket policy: organization trail, account trails by ${aws:SourceAccount}, TLS, and the two Denies; applied last on its bucket', () => {
    const resource = one(json, 'aws_s3_bucket_policy', onArchive);
    expect(resource.depends_on).toEqual([
      addressOf(json, 'aws_s3_bucket_public_access_block', onArchive),
      addressOf(json, 'aws_s3_bucket_ownership_controls', onArchive),
      addressOf(json, 'aws_s3_bucket_versioning', onArchive),
      addressOf(json, 'aws_s3_bucket_server_side_encryption_configuration', onArchive),
      addressOf(json, 'aws_s3_bucket_object_lock_configuration', () => true),
      addressOf(json, 'aws_s3_bucket_lifecycle_configuration', onArchive),
      addressOf(json, 'aws_s3_bucket_logging', () => true),
    ]);
    expect(resource.policy).toContain('$${aws:SourceAccount}');
    const policy = JSON.parse(resource.policy);
    expect(policy).toEqual(escaped(archive.policyDocument));
    const bySid = Object.fromEntries(policy.Statement.map((s: Json) => [s.Sid, s]));
    expect(Object.keys(bySid)).toEqual([
      'AWSCloudTrailAclCheckOrganizationTrail',
      'AWSCloudTrailWriteOrganizationTrail',
      'AWSCloudTrailAclCheckAccountTrails',
      'AWSCloudTrailWriteAccountTrails',
      'DenyInsecureTransport',
      'DenyLogDeletion',
      'DenyBucketConfigurationChanges',
    ]);
    const b = `arn:aws:s3:::${BUCKET}`;
    expect(bySid.AWSCloudTrailWriteOrganizationTrail).toEqual({
      Sid: 'AWSCloudTrailWriteOrganizationTrail',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: [`${b}/${PREFIX}/AWSLogs/${ORG_ID}/*`, `${b}/${PREFIX}/AWSLogs/${MANAGEMENT}/*`],
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': ORG_TRAIL_ARN } },
    });
    expect(bySid.AWSCloudTrailWriteAccountTrails).toEqual({
      Sid: 'AWSCloudTrailWriteAccountTrails',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${b}/${PREFIX}/AWSLogs/$\${aws:SourceAccount}/*`,
      Condition: {
        StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceOrgID': ORG_ID },
        ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:*:*:trail/cloudtrail-guard' },
      },
    });
    expect(bySid.AWSCloudTrailAclCheckAccountTrails.Condition).toEqual({
      ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:*:*:trail/cloudtrail-guard' },
      StringEqualsIfExists: { 'aws:SourceOrgID': ORG_ID },
    });
    expect(bySid.DenyInsecureTransport).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [b, `${b}/*`],
      Condition: { Bool: { 'aws:SecureTransport': false } },
    });
    expect(bySid.DenyLogDeletion).toEqual({
      Sid: 'DenyLogDeletion',
      Effect: 'Deny',
      Principal: '*',
      Action: [...LOG_OBJECT_PROTECTED_ACTIONS],
      Resource: `${b}/*`,
      Condition: { ArnNotLike: { 'aws:PrincipalArn': BREAK_GLASS } },
    });
    expect(bySid.DenyBucketConfigurationChanges).toEqual({
      Sid: 'DenyBucketConfigurationChanges',
      Effect: 'Deny',
      Principal: '*',
      Action: [...BUCKET_CONFIGURATION_PROTECTED_ACTIONS],
      Resource: b,
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [BREAK_GLASS, ARCHIVE_DEPLOYER] } },
    });
  });

  it('the access-log bucket policy: the logging service principal for the archive bucket only, as S3 documents it', () => {
    const resource = one(json, 'aws_s3_bucket_policy', onLogs);
    expect(resource.depends_on).toEqual([
      addressOf(json, 'aws_s3_bucket_public_access_block', onLogs),
      addressOf(json, 'aws_s3_bucket_ownership_controls', onLogs),
      addressOf(json, 'aws_s3_bucket_versioning', onLogs),
      addressOf(json, 'aws_s3_bucket_server_side_encryption_configuration', onLogs),
      addressOf(json, 'aws_s3_bucket_lifecycle_configuration', onLogs),
    ]);
    const policy = JSON.parse(resource.policy);
    expect(policy).toEqual(escaped(archive.accessLogPolicyDocument));
    expect(policy.Statement[0]).toEqual({
      Sid: 'S3ServerAccessLogsPolicy',
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${ACCESS_LOG_BUCKET}/access-logs/*`,
      Condition: {
        ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${BUCKET}` },
        StringEquals: { 'aws:SourceAccount': ARCHIVE },
      },
    });
    expect(policy.Statement.map((s: Json) => s.Sid)).toEqual([
      'S3ServerAccessLogsPolicy',
      'DenyInsecureTransport',
      'DenyLogDeletion',
      'DenyBucketConfigurationChanges',
    ]);
    expect(policy.Statement[1].Condition).toEqual({
      Bool: { 'aws:SecureTransport': false, 'aws:PrincipalIsAWSService': false },
    });
  });

  it('the key: symmetric, single-Region, rotation on, kept from destruction, with its alias and policy', () => {
    const k = one(json, 'aws_kms_key');
    expect(k).toMatchObject({
      key_usage: 'ENCRYPT_DECRYPT',
      customer_master_key_spec: 'SYMMETRIC_DEFAULT',
      multi_region: false,
      enable_key_rotation: true,
      rotation_period_in_days: 365,
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
      description: 'cloudtrail-guard: encrypts the CloudTrail log archive',
    });
    const alias = one(json, 'aws_kms_alias');
    expect(alias).toEqual({
      name: 'alias/cloudtrail-guard-archive',
      target_key_id: `\${aws_kms_key.${Object.keys(json.resource.aws_kms_key)[0]}.key_id}`,
    });
    expect(key.aliasName).toBe(LOG_ARCHIVE_KEY_ALIAS);
    const policy = JSON.parse(k.policy);
    expect(policy).toEqual(escaped(key.policyDocument));
    const bySid = Object.fromEntries(policy.Statement.map((s: Json) => [s.Sid, s]));
    expect(Object.keys(bySid)).toEqual([
      'EnableRootAdministration',
      'AllowCloudTrailEncryptOrganizationTrail',
      'AllowCloudTrailEncryptAccountTrails',
      'AllowCloudTrailDescribeKey',
      'AllowCloudTrailDecryptOrganizationTrail',
      'AllowCloudTrailDecryptAccountTrails',
      'AllowServedAccountsDescribeKey',
      'AllowLogReadersDecrypt',
      'DenyKeyDestruction',
      'DenyKeyAdministration',
    ]);
    expect(bySid.AllowCloudTrailEncryptAccountTrails.Condition).toEqual({
      ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:*:*:trail/cloudtrail-guard' },
      StringEquals: { 'aws:SourceOrgID': ORG_ID },
      StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:$${aws:SourceAccount}:trail/*' },
    });
    expect(bySid.AllowCloudTrailEncryptOrganizationTrail.Condition).toEqual({
      StringEquals: { 'aws:SourceArn': ORG_TRAIL_ARN },
      StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:*:trail/org-audit' },
    });
    expect(bySid.AllowServedAccountsDescribeKey).toMatchObject({
      Principal: { AWS: '*' },
      Action: 'kms:DescribeKey',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG_ID } },
    });
    expect(bySid.DenyKeyDestruction).toMatchObject({
      Effect: 'Deny',
      Action: [...KEY_DESTRUCTION_ACTIONS],
      Condition: { ArnNotLike: { 'aws:PrincipalArn': BREAK_GLASS } },
    });
    expect(bySid.DenyKeyAdministration).toMatchObject({
      Effect: 'Deny',
      Action: [...KEY_ADMINISTRATION_ACTIONS],
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [BREAK_GLASS, ARCHIVE_DEPLOYER] } },
    });
  });

  it('terraform validate and an offline plan accept the stack; the plan holds ${aws:SourceAccount} as AWS must receive it', () => {
    if (!tallyCheck('plan: log archive bucket, access-log bucket and key')) return;
    const r = initValidatePlan(json, { planJson: true });
    rmSync(r.dir, { recursive: true, force: true });
    expect(r.validate).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
    expect(r.planOutput).not.toMatch(/Warning:/);
    const resources = Object.values(json.resource as Record<string, Record<string, unknown>>).reduce(
      (n, byName) => n + Object.keys(byName).length,
      0,
    );
    expect(resources).toBe(18);
    expect({ add: r.toAdd, change: r.toChange, destroy: r.toDestroy }).toEqual({
      add: resources,
      change: 0,
      destroy: 0,
    });
    const planned = r.plan!.planned_values.root_module.resources as Array<{
      address: string;
      type: string;
      values: Json;
    }>;
    const archivePolicy = planned.find((p) => p.address === addressOf(json, 'aws_s3_bucket_policy', onArchive))!.values
      .policy;
    expect(archivePolicy).toContain(`"arn:aws:s3:::${BUCKET}/${PREFIX}/AWSLogs/\${aws:SourceAccount}/*"`);
    expect(archivePolicy).not.toContain('$${');
    expect(JSON.parse(archivePolicy)).toEqual(JSON.parse(policyText(archive.policyDocument)));
    const keyPolicy = planned.find((p) => p.type === 'aws_kms_key')!.values.policy;
    expect(JSON.parse(keyPolicy)).toEqual(JSON.parse(policyText(key.policyDocument)));
    expect(keyPolicy).toContain('arn:aws:cloudtrail:*:${aws:SourceAccount}:trail/*');
  });
});

describe('without Object Lock, and with the defaults', () => {
  it('no Object Lock resource or attribute; lifecycle keeps everything, only aborting incomplete uploads', () => {
    const { json } = archiveStack({
      objectLock: undefined,
      lifecycle: undefined,
      accessLogExpirationDays: undefined,
      tags: undefined,
    });
    expect(json.resource.aws_s3_bucket_object_lock_configuration).toBeUndefined();
    for (const [, b] of all(json, 'aws_s3_bucket')) expect(b.object_lock_enabled).toBeUndefined();
    for (const [, lc] of all(json, 'aws_s3_bucket_lifecycle_configuration')) {
      expect(lc.rule).toHaveLength(1);
      expect(Object.keys(lc.rule[0]).sort()).toEqual(['abort_incomplete_multipart_upload', 'filter', 'id', 'status']);
      expect(lc.rule[0].abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 7 }]);
    }
  });
});

describe('bad settings: one error naming every problem', () => {
  const stack = () => bareStack();
  const base = {
    ...ORG_BUCKET_PROPS,
    accountId: ARCHIVE,
    accessLogBucketName: ACCESS_LOG_BUCKET,
    kmsKeyArn: 'arn:aws:kms:eu-west-1:444444444444:key/x',
  };

  it('Object Lock and lifecycle: every problem in one message', () => {
    expect(
      () =>
        new LogArchiveBucket(stack(), 'b', {
          ...base,
          objectLock: { mode: 'LEGAL' as 'GOVERNANCE', retentionDays: 0 },
          lifecycle: {
            transitions: [
              { days: 10, storageClass: 'STANDARD_IA' },
              { days: 5, storageClass: 'GLACIER' },
              { days: 400, storageClass: 'STANDARD_IA' },
            ],
            expirationDays: 1.5,
            noncurrentVersionExpirationDays: 0,
          },
        }),
    ).toThrow(
      new Error(
        'LogArchiveBucket: objectLock.mode "LEGAL" is not GOVERNANCE or COMPLIANCE; objectLock.retentionDays 0 must be an integer from 1 to 36500; ' +
          "lifecycle.transitions[0].days 10 must be an integer from 30 (STANDARD_IA); lifecycle.transitions[1].days 5 must be after the previous transition's 10; " +
          'lifecycle.transitions[1] comes -5 days after STANDARD_IA; S3 requires at least 30; ' +
          'lifecycle.transitions[2]: GLACIER to STANDARD_IA is not a supported lifecycle transition; ' +
          'lifecycle.expirationDays 1.5 must be an integer from 1 to 36500; lifecycle.noncurrentVersionExpirationDays 0 must be an integer from 1 to 36500',
      ),
    );
  });

  it('an unsupported transition and an expiry before the retention', () => {
    let message = '';
    try {
      new LogArchiveBucket(stack(), 'b', {
        ...base,
        objectLock: { mode: 'COMPLIANCE', retentionDays: 400 },
        lifecycle: {
          transitions: [
            { days: 30, storageClass: 'GLACIER' },
            { days: 60, storageClass: 'STANDARD_IA' },
          ],
          expirationDays: 300,
        },
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      'LogArchiveBucket: lifecycle.transitions[1]: GLACIER to STANDARD_IA is not a supported lifecycle transition; ' +
        'lifecycle.expirationDays 300 is before objectLock.retentionDays 400: locked versions would outlive their expiry',
    );
  });

  it('the access-log bucket cannot be the archive itself', () => {
    expect(() => new LogArchiveBucket(stack(), 'b', { ...base, accessLogBucketName: BUCKET })).toThrow(
      /accessLogBucketName is the archive bucket itself/,
    );
  });

  it('key settings', () => {
    expect(
      () =>
        new LogArchiveKey(stack(), 'k', {
          ...ORG_KEY_PROPS,
          alias: 'alias/aws/mine',
          deletionWindowInDays: 3,
          rotationPeriodInDays: 30,
        }),
    ).toThrow(
      'LogArchiveKey: alias "alias/aws/mine" begins with alias/aws/, reserved for AWS managed keys; deletionWindowInDays 3 must be an integer from 7 to 30; rotationPeriodInDays 30 must be an integer from 90 to 2560',
    );
  });
});
