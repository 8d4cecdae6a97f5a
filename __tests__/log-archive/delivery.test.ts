/**
 * IAM simulation of delivery to the central log archive (issue #11): the bucket policy and the key policy built by
 * modules/policies/log-archive-*-policy.ts, evaluated with @cloud-copilot/iam-simulate (see fixtures.ts).
 *
 * Allowed: the organization trail (both of its paths, FC-02) and each served account's own trail; denied: a foreign
 * account, an account not served, another account's path, plain HTTP, and anyone but break-glass deleting logs or
 * disabling the key.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 */
import {
  logArchiveBucketPolicy,
  type LogArchiveBucketPolicyProps,
} from '../../modules/policies/log-archive-bucket-policy';
import { logArchiveKeyPolicy } from '../../modules/policies/log-archive-key-policy';
import type { PolicyDocument } from '../../modules/policies/types';
import {
  ADMIN_POLICY,
  ARCHIVE,
  ARCHIVE_DEPLOYER,
  ARCHIVE_REGION,
  BREAK_GLASS,
  BUCKET,
  cloudTrailContext,
  encryptionContext,
  evaluate,
  KEY_ARN,
  LOG_READER,
  logObject,
  MANAGEMENT,
  MEMBER,
  MEMBER_2,
  NOT_SERVED,
  ORG_BUCKET_PROPS,
  ORG_ID,
  ORG_KEY_PROPS,
  ORG_TRAIL_ARN,
  OTHER_ORG_ID,
  OTHER_OU,
  roleArn,
  roleContext,
  SERVED_OU,
  STRANGER,
  trailArn,
  type Request,
  type Verdict,
} from './fixtures';

const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const ACL = { 's3:x-amz-acl': 'bucket-owner-full-control' };
const bucketPolicy = logArchiveBucketPolicy(ORG_BUCKET_PROPS);
const keyPolicy = logArchiveKeyPolicy(ORG_KEY_PROPS);

async function expectVerdict(r: Request, verdict: Verdict): Promise<void> {
  const out = await evaluate(r);
  expect(out.ignored).toEqual([]);
  expect(out.verdict).toBe(verdict);
}

const put = (
  owner: string,
  context: Record<string, string | string[]>,
  policy: PolicyDocument = bucketPolicy,
): Request => ({
  principal: 'cloudtrail.amazonaws.com',
  action: 's3:PutObject',
  resource: logObject(owner),
  resourceAccount: ARCHIVE,
  context,
  resourcePolicy: policy,
});
const aclCheck = (context: Record<string, string | string[]>, policy: PolicyDocument = bucketPolicy): Request => ({
  principal: 'cloudtrail.amazonaws.com',
  action: 's3:GetBucketAcl',
  resource: BUCKET_ARN,
  resourceAccount: ARCHIVE,
  context,
  resourcePolicy: policy,
});
const kms = (
  action: string,
  context: Record<string, string | string[]>,
  principal = 'cloudtrail.amazonaws.com',
  identity?: PolicyDocument,
): Request => ({
  principal,
  action,
  resource: KEY_ARN,
  resourceAccount: ARCHIVE,
  context,
  resourcePolicy: keyPolicy,
  ...(identity ? { identityPolicies: [identity] } : {}),
});

describe('bucket policy: CloudTrail delivers for every trail it serves', () => {
  const orgTrail = cloudTrailContext(ORG_TRAIL_ARN, ORG_ID, ACL);

  it("the organization trail writes member accounts' files under AWSLogs/<org-id>/ and the management account's under AWSLogs/<management>/ (FC-02)", async () => {
    await expectVerdict(put(`${ORG_ID}/${MEMBER}`, orgTrail), 'Allowed');
    await expectVerdict(put(`${ORG_ID}/${MANAGEMENT}`, orgTrail), 'Allowed');
    await expectVerdict(put(MANAGEMENT, orgTrail), 'Allowed');
    await expectVerdict(aclCheck(cloudTrailContext(ORG_TRAIL_ARN, ORG_ID)), 'Allowed');
  });

  it.each([MEMBER, MEMBER_2, NOT_SERVED, MANAGEMENT])(
    'the own trail of served account %s writes under its own AWSLogs/<account>/',
    async (account) => {
      const ctx = cloudTrailContext(trailArn(account, 'cloudtrail-guard', 'eu-central-1'), ORG_ID, ACL);
      await expectVerdict(put(account, ctx), 'Allowed');
      await expectVerdict(aclCheck(cloudTrailContext(trailArn(account), ORG_ID)), 'Allowed');
    },
  );

  it("a served account writes nowhere but its own path: not another account's, not the organization's", async () => {
    const ctx = cloudTrailContext(trailArn(MEMBER), ORG_ID, ACL);
    await expectVerdict(put(MEMBER_2, ctx), 'ImplicitlyDenied');
    await expectVerdict(put(`${ORG_ID}/${MEMBER}`, ctx), 'ImplicitlyDenied');
    await expectVerdict(put(MANAGEMENT, ctx), 'ImplicitlyDenied');
  });

  it("a member trail that takes the organization trail's name is not the organization trail", async () => {
    const ctx = cloudTrailContext(trailArn(MEMBER, 'org-audit'), ORG_ID, ACL);
    await expectVerdict(put(`${ORG_ID}/${MEMBER}`, ctx), 'ImplicitlyDenied');
    await expectVerdict(put(MEMBER, ctx), 'ImplicitlyDenied');
  });

  it("a foreign account's trail of the same name, in another organization or none, is denied", async () => {
    await expectVerdict(put(STRANGER, cloudTrailContext(trailArn(STRANGER), OTHER_ORG_ID, ACL)), 'ImplicitlyDenied');
    await expectVerdict(put(STRANGER, cloudTrailContext(trailArn(STRANGER), undefined, ACL)), 'ImplicitlyDenied');
    await expectVerdict(aclCheck(cloudTrailContext(trailArn(STRANGER), OTHER_ORG_ID)), 'ImplicitlyDenied');
  });

  it('a trail of a served account with a name the archive does not serve is denied', async () => {
    await expectVerdict(
      put(MEMBER, cloudTrailContext(trailArn(MEMBER, 'other-trail'), ORG_ID, ACL)),
      'ImplicitlyDenied',
    );
  });

  it('without the bucket-owner-full-control ACL, or over plain HTTP, nothing is written', async () => {
    await expectVerdict(put(MEMBER, cloudTrailContext(trailArn(MEMBER), ORG_ID)), 'ImplicitlyDenied');
    await expectVerdict(
      put(MEMBER, { ...cloudTrailContext(trailArn(MEMBER), ORG_ID, ACL), 'aws:SecureTransport': 'false' }),
      'ExplicitlyDenied',
    );
    await expectVerdict(
      put(`${ORG_ID}/${MEMBER}`, { ...orgTrail, 'aws:SecureTransport': 'false' }),
      'ExplicitlyDenied',
    );
  });

  it('if CloudTrail sent no aws:SourceAccount, the ${aws:SourceAccount} path would match nothing: no write anywhere, never a wrong path', async () => {
    const ctx = cloudTrailContext(trailArn(MEMBER), ORG_ID, ACL);
    delete ctx['aws:SourceAccount'];
    for (const owner of [MEMBER, MEMBER_2, '${aws:SourceAccount}'])
      await expectVerdict(put(owner, ctx), 'ImplicitlyDenied');
  });

  it('if CloudTrail sent no aws:SourceOrgID, writes of account trails stop (fail closed); the organization trail, pinned by its ARN, still writes', async () => {
    await expectVerdict(put(MEMBER, cloudTrailContext(trailArn(MEMBER), undefined, ACL)), 'ImplicitlyDenied');
    await expectVerdict(put(`${ORG_ID}/${MEMBER}`, cloudTrailContext(ORG_TRAIL_ARN, undefined, ACL)), 'Allowed');
    // The ACL check reads only the bucket ACL; without the key it still passes, so CreateTrail is not refused for it.
    await expectVerdict(aclCheck(cloudTrailContext(trailArn(MEMBER), undefined)), 'Allowed');
  });
});

describe('bucket policy: accounts not served', () => {
  it('with OU paths, an account of another OU is denied and one of a served OU is allowed', async () => {
    const policy = logArchiveBucketPolicy({
      ...ORG_BUCKET_PROPS,
      served: { organizationId: ORG_ID, organizationalUnitPaths: [SERVED_OU] },
    });
    const inOu = (path: string) =>
      cloudTrailContext(trailArn(MEMBER), ORG_ID, { ...ACL, 'aws:SourceOrgPaths': [path] });
    await expectVerdict(put(MEMBER, inOu(`${SERVED_OU}ou-ab12-33333333/`), policy), 'Allowed');
    await expectVerdict(put(MEMBER, inOu(SERVED_OU), policy), 'Allowed');
    await expectVerdict(put(MEMBER, inOu(OTHER_OU), policy), 'ImplicitlyDenied');
  });

  it('without an organization, exactly the listed accounts are served', async () => {
    const props: LogArchiveBucketPolicyProps = {
      ...ORG_BUCKET_PROPS,
      organizationTrail: undefined,
      served: { accountIds: [MEMBER, MEMBER_2] },
    };
    const policy = logArchiveBucketPolicy(props);
    for (const account of [MEMBER, MEMBER_2])
      await expectVerdict(put(account, cloudTrailContext(trailArn(account), undefined, ACL), policy), 'Allowed');
    await expectVerdict(
      put(NOT_SERVED, cloudTrailContext(trailArn(NOT_SERVED), undefined, ACL), policy),
      'ImplicitlyDenied',
    );
    await expectVerdict(
      put(STRANGER, cloudTrailContext(trailArn(STRANGER), OTHER_ORG_ID, ACL), policy),
      'ImplicitlyDenied',
    );
  });
});

describe('bucket policy: nobody but break-glass deletes logs', () => {
  const asRole = (arn: string, action: string, resource: string, https = true): Request => ({
    principal: arn,
    action,
    resource,
    resourceAccount: ARCHIVE,
    context: { ...roleContext(arn), 'aws:SecureTransport': String(https) },
    resourcePolicy: bucketPolicy,
    identityPolicies: [ADMIN_POLICY],
  });
  const archiveAdmin = roleArn(ARCHIVE, 'Admin');
  const memberAdmin = roleArn(MEMBER, 'Admin');
  const file = logObject(MEMBER);

  it.each([
    's3:DeleteObject',
    's3:DeleteObjectVersion',
    's3:BypassGovernanceRetention',
    's3:PutObjectRetention',
    's3:PutObjectLegalHold',
  ])(
    '%s by an administrator of the log-archive account, of a member account, or the deployer: explicitly denied',
    async (action) => {
      for (const who of [archiveAdmin, memberAdmin, ARCHIVE_DEPLOYER])
        await expectVerdict(asRole(who, action, file), 'ExplicitlyDenied');
    },
  );

  it.each([
    's3:PutBucketPolicy',
    's3:DeleteBucketPolicy',
    's3:PutLifecycleConfiguration',
    's3:PutBucketVersioning',
    's3:PutBucketObjectLockConfiguration',
    's3:PutEncryptionConfiguration',
    's3:PutBucketLogging',
    's3:DeleteBucket',
  ])(
    '%s by an administrator of the log-archive account: explicitly denied; by the deployer and break-glass: allowed',
    async (action) => {
      await expectVerdict(asRole(archiveAdmin, action, BUCKET_ARN), 'ExplicitlyDenied');
      await expectVerdict(asRole(memberAdmin, action, BUCKET_ARN), 'ExplicitlyDenied');
      await expectVerdict(asRole(ARCHIVE_DEPLOYER, action, BUCKET_ARN), 'Allowed');
      await expectVerdict(asRole(BREAK_GLASS, action, BUCKET_ARN), 'Allowed');
    },
  );

  it('break-glass may delete an object version over TLS, not over plain HTTP', async () => {
    await expectVerdict(asRole(BREAK_GLASS, 's3:DeleteObjectVersion', file), 'Allowed');
    await expectVerdict(asRole(BREAK_GLASS, 's3:DeleteObjectVersion', file, false), 'ExplicitlyDenied');
  });

  it('a member administrator cannot read the archive (no statement grants it)', async () => {
    await expectVerdict(
      { ...asRole(memberAdmin, 's3:GetObject', file), context: roleContext(memberAdmin) },
      'ImplicitlyDenied',
    );
  });
});

describe('key policy: CloudTrail encrypts for every trail it serves', () => {
  const onKey = (trail: string, org: string | undefined, ecTrail: string) =>
    kms('kms:GenerateDataKey', { ...cloudTrailContext(trail, org), ...encryptionContext(ecTrail) });

  it("the organization trail, whichever account the encryption context names for a member's files", async () => {
    await expectVerdict(onKey(ORG_TRAIL_ARN, ORG_ID, ORG_TRAIL_ARN), 'Allowed');
    await expectVerdict(onKey(ORG_TRAIL_ARN, ORG_ID, trailArn(MEMBER, 'org-audit')), 'Allowed');
    await expectVerdict(onKey(ORG_TRAIL_ARN, ORG_ID, trailArn(MEMBER, 'other')), 'ImplicitlyDenied');
  });

  it.each([MEMBER, MEMBER_2, MANAGEMENT])(
    'the own trail of served account %s, for its own encryption context only',
    async (account) => {
      await expectVerdict(onKey(trailArn(account), ORG_ID, trailArn(account)), 'Allowed');
      await expectVerdict(onKey(trailArn(account), ORG_ID, trailArn(STRANGER)), 'ImplicitlyDenied');
    },
  );

  it('a foreign account, a trail name not served, and an account of another organization are denied', async () => {
    await expectVerdict(onKey(trailArn(STRANGER), OTHER_ORG_ID, trailArn(STRANGER)), 'ImplicitlyDenied');
    await expectVerdict(onKey(trailArn(STRANGER), undefined, trailArn(STRANGER)), 'ImplicitlyDenied');
    await expectVerdict(
      onKey(trailArn(MEMBER, 'other-trail'), ORG_ID, trailArn(MEMBER, 'other-trail')),
      'ImplicitlyDenied',
    );
    await expectVerdict(onKey(trailArn(STRANGER, 'org-audit'), OTHER_ORG_ID, ORG_TRAIL_ARN), 'ImplicitlyDenied');
  });

  it('CloudTrail may describe the key and, for the S3 Bucket Key, decrypt: for served trails only', async () => {
    await expectVerdict(kms('kms:DescribeKey', cloudTrailContext(ORG_TRAIL_ARN, ORG_ID)), 'Allowed');
    await expectVerdict(kms('kms:DescribeKey', cloudTrailContext(trailArn(MEMBER), ORG_ID)), 'Allowed');
    await expectVerdict(kms('kms:Decrypt', cloudTrailContext(ORG_TRAIL_ARN, ORG_ID)), 'Allowed');
    await expectVerdict(kms('kms:Decrypt', cloudTrailContext(trailArn(MEMBER), ORG_ID)), 'Allowed');
    await expectVerdict(kms('kms:Decrypt', cloudTrailContext(trailArn(STRANGER), OTHER_ORG_ID)), 'ImplicitlyDenied');
    await expectVerdict(
      kms('kms:DescribeKey', cloudTrailContext(trailArn(STRANGER, 'other'), OTHER_ORG_ID)),
      'ImplicitlyDenied',
    );
  });

  it('without an organization, exactly the listed accounts encrypt and describe the key', async () => {
    const listed = logArchiveKeyPolicy({
      ...ORG_KEY_PROPS,
      organizationTrail: undefined,
      served: { accountIds: [MEMBER] },
    });
    const r = (account: string): Request => ({
      ...kms('kms:GenerateDataKey', {
        ...cloudTrailContext(trailArn(account), undefined),
        ...encryptionContext(trailArn(account)),
      }),
      resourcePolicy: listed,
    });
    await expectVerdict(r(MEMBER), 'Allowed');
    await expectVerdict(r(NOT_SERVED), 'ImplicitlyDenied');
  });
});

describe('key policy: served accounts read the key ARN; readers decrypt; nobody but break-glass destroys the key', () => {
  const DESCRIBE_ONLY: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Describe', Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*' }],
  };
  const memberDeployer = roleArn(MEMBER, 'cloudtrail-guard-deployer');

  it('a deployment role of a member account may DescribeKey across accounts (its stack reads the ARN by alias ARN); a stranger may not', async () => {
    await expectVerdict(kms('kms:DescribeKey', roleContext(memberDeployer), memberDeployer, DESCRIBE_ONLY), 'Allowed');
    const stranger = roleArn(STRANGER, 'cloudtrail-guard-deployer');
    await expectVerdict(
      kms('kms:DescribeKey', roleContext(stranger, OTHER_ORG_ID), stranger, DESCRIBE_ONLY),
      'ImplicitlyDenied',
    );
    await expectVerdict(
      kms('kms:Decrypt', roleContext(memberDeployer), memberDeployer, ADMIN_POLICY),
      'ImplicitlyDenied',
    );
  });

  it("a named log reader decrypts through S3 in the key's Region only", async () => {
    const via = (service: string) => ({ ...roleContext(LOG_READER), 'kms:ViaService': service });
    await expectVerdict(kms('kms:Decrypt', via(`s3.${ARCHIVE_REGION}.amazonaws.com`), LOG_READER), 'Allowed');
    await expectVerdict(
      kms('kms:Decrypt', via('lambda.eu-west-1.amazonaws.com'), roleArn(MEMBER, 'log-reader')),
      'ImplicitlyDenied',
    );
  });

  const archiveAdmin = roleArn(ARCHIVE, 'Admin');
  const memberAdmin = roleArn(MEMBER, 'Admin');
  it.each(['kms:DisableKey', 'kms:ScheduleKeyDeletion', 'kms:DisableKeyRotation', 'kms:DeleteImportedKeyMaterial'])(
    '%s: explicitly denied to the log-archive administrator, the deployer and a member administrator; allowed to break-glass',
    async (action) => {
      await expectVerdict(kms(action, roleContext(archiveAdmin), archiveAdmin, ADMIN_POLICY), 'ExplicitlyDenied');
      await expectVerdict(
        kms(action, roleContext(ARCHIVE_DEPLOYER), ARCHIVE_DEPLOYER, ADMIN_POLICY),
        'ExplicitlyDenied',
      );
      await expectVerdict(kms(action, roleContext(memberAdmin), memberAdmin, ADMIN_POLICY), 'ExplicitlyDenied');
      await expectVerdict(kms(action, roleContext(BREAK_GLASS), BREAK_GLASS, ADMIN_POLICY), 'Allowed');
    },
  );

  it('kms:PutKeyPolicy: explicitly denied to the log-archive administrator, allowed to the key administrator (lockout safety check) and break-glass', async () => {
    await expectVerdict(
      kms('kms:PutKeyPolicy', roleContext(archiveAdmin), archiveAdmin, ADMIN_POLICY),
      'ExplicitlyDenied',
    );
    await expectVerdict(
      kms('kms:PutKeyPolicy', roleContext(ARCHIVE_DEPLOYER), ARCHIVE_DEPLOYER, ADMIN_POLICY),
      'Allowed',
    );
    await expectVerdict(kms('kms:PutKeyPolicy', roleContext(BREAK_GLASS), BREAK_GLASS, ADMIN_POLICY), 'Allowed');
  });

  it('the log-archive administrator still uses and describes the key through IAM (root delegation)', async () => {
    await expectVerdict(kms('kms:DescribeKey', roleContext(archiveAdmin), archiveAdmin, ADMIN_POLICY), 'Allowed');
  });
});
