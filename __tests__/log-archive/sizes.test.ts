/**
 * Sizes of the archive's policies and of the tamper SCP at 1, 100 and 5,000 accounts, against AWS's quotas:
 * - SCP: 5,120 characters (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html);
 *   counted on the compact JSON, which is what Terraform sends (the SDK stores the policy as given);
 * - bucket policy: 20 KB (https://docs.aws.amazon.com/AmazonS3/latest/userguide/add-bucket-policy.html), counted as
 *   20,000 bytes;
 * - key policy: 32,768 bytes (https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html).
 *
 * The inputs are built from an estate of N accounts, every one with a trail of the guard's name, as the stacks will
 * build them (phase 2): in organization scope nothing in them depends on N; without an organization the account list
 * does, and the tests pin the exact growth and the exact number of accounts that still fit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { guardTamperScp } from '../../modules/policies/guard-tamper-scp';
import {
  BUCKET_POLICY_MAX_BYTES,
  logArchiveBucketPolicy,
  type LogArchiveBucketPolicyProps,
} from '../../modules/policies/log-archive-bucket-policy';
import {
  KEY_POLICY_MAX_BYTES,
  logArchiveKeyPolicy,
  type LogArchiveKeyPolicyProps,
} from '../../modules/policies/log-archive-key-policy';
import { SCP_MAX_CHARACTERS } from '../../modules/policies/tamper-scp';
import { policyText, type PolicyDocument } from '../../modules/policies/types';
import { ORG_BUCKET_PROPS, ORG_ID, ORG_KEY_PROPS, SCP_PROPS, TRAIL_NAME } from './fixtures';

interface EstateAccount {
  readonly accountId: string;
  readonly trailName: string;
}
/** N accounts, 200000000000 upwards, each with the guard's trail. */
const estate = (n: number): EstateAccount[] =>
  Array.from({ length: n }, (_, i) => ({ accountId: String(200000000000 + i), trailName: TRAIL_NAME }));

const names = (accounts: readonly EstateAccount[]) => [...new Set(accounts.map((a) => a.trailName))];
const served = (accounts: readonly EstateAccount[], scope: 'organization' | 'accounts') =>
  scope === 'organization' ? { organizationId: ORG_ID } : { accountIds: accounts.map((a) => a.accountId) };

function bucketProps(
  accounts: readonly EstateAccount[],
  scope: 'organization' | 'accounts',
): LogArchiveBucketPolicyProps {
  return {
    ...ORG_BUCKET_PROPS,
    organizationTrail: scope === 'organization' ? ORG_BUCKET_PROPS.organizationTrail : undefined,
    served: served(accounts, scope),
    accountTrailNames: names(accounts),
  };
}
function keyProps(accounts: readonly EstateAccount[], scope: 'organization' | 'accounts'): LogArchiveKeyPolicyProps {
  return {
    ...ORG_KEY_PROPS,
    organizationTrail: scope === 'organization' ? ORG_KEY_PROPS.organizationTrail : undefined,
    served: served(accounts, scope),
    accountTrailNames: names(accounts),
  };
}
const bytes = (doc: PolicyDocument): number => Buffer.byteLength(policyText(doc), 'utf8');

const COUNTS = [1, 100, 5000] as const;

describe('organization scope: the same size at 1, 100 and 5,000 accounts, within the quotas', () => {
  const sizes = (build: (accounts: EstateAccount[]) => PolicyDocument) => COUNTS.map((n) => bytes(build(estate(n))));

  it('bucket policy', () => {
    const s = sizes((a) => logArchiveBucketPolicy(bucketProps(a, 'organization')));
    expect(new Set(s).size).toBe(1);
    expect(s[0]).toBeLessThanOrEqual(BUCKET_POLICY_MAX_BYTES);
    expect(s[0]).toBeLessThan(5000);
  });

  it('key policy', () => {
    const s = sizes((a) => logArchiveKeyPolicy(keyProps(a, 'organization')));
    expect(new Set(s).size).toBe(1);
    expect(s[0]).toBeLessThanOrEqual(KEY_POLICY_MAX_BYTES);
    expect(s[0]).toBeLessThan(5000);
  });

  it('tamper SCP: identical text, under 5,120 characters (and bytes: it is ASCII)', () => {
    const texts = COUNTS.map((n) => policyText(guardTamperScp({ ...SCP_PROPS, trailNames: names(estate(n)) })));
    expect(new Set(texts).size).toBe(1);
    expect(texts[0]).toMatch(/^[\x20-\x7e]+$/);
    expect(texts[0].length).toBeLessThanOrEqual(SCP_MAX_CHARACTERS);
    expect(Buffer.byteLength(texts[0], 'utf8')).toBe(texts[0].length);
  });

  it('the SCP has room for two more role patterns, and refuses a pattern list that would not fit', () => {
    const more = (n: number) => Array.from({ length: n }, (_, i) => `arn:aws:iam::*:role/platform/deployer-${i}`);
    expect(
      policyText(
        guardTamperScp({ ...SCP_PROPS, deploymentRolePatterns: [...SCP_PROPS.deploymentRolePatterns, ...more(2)] }),
      ).length,
    ).toBeLessThanOrEqual(SCP_MAX_CHARACTERS);
    expect(() =>
      guardTamperScp({ ...SCP_PROPS, deploymentRolePatterns: [...SCP_PROPS.deploymentRolePatterns, ...more(6)] }),
    ).toThrow(/guardTamperScp: \d+ characters exceeds the SCP limit of 5120/);
  });
});

describe('without an organization: the account list grows by exactly one ID per account, and the limit is named', () => {
  // One more account adds `,"<12 digits>"`: 15 bytes in each statement that lists the accounts.
  it('bucket policy: 15 bytes per account (one list); 1 and 100 accounts fit; 5,000 do not, and the error says what to do', () => {
    const [one, hundred] = [1, 100].map((n) => bytes(logArchiveBucketPolicy(bucketProps(estate(n), 'accounts'))));
    expect(hundred - one).toBe(99 * 15);
    expect(() => logArchiveBucketPolicy(bucketProps(estate(5000), 'accounts'))).toThrow(
      /^logArchiveBucketPolicy: \d+ bytes exceeds the S3 bucket policy limit of 20000 \(served\.accountIds lists 5000 accounts; serve the organization, whose policy does not grow\)$/,
    );
    const fit = 1 + Math.floor((BUCKET_POLICY_MAX_BYTES - one) / 15);
    expect(bytes(logArchiveBucketPolicy(bucketProps(estate(fit), 'accounts')))).toBeLessThanOrEqual(
      BUCKET_POLICY_MAX_BYTES,
    );
    expect(() => logArchiveBucketPolicy(bucketProps(estate(fit + 1), 'accounts'))).toThrow(
      /exceeds the S3 bucket policy limit/,
    );
    expect(fit).toBeGreaterThan(1000);
  });

  it('key policy: 45 bytes per account (three lists); 1 and 100 accounts fit; 5,000 do not', () => {
    const [one, hundred] = [1, 100].map((n) => bytes(logArchiveKeyPolicy(keyProps(estate(n), 'accounts'))));
    expect(hundred - one).toBe(99 * 45);
    expect(() => logArchiveKeyPolicy(keyProps(estate(5000), 'accounts'))).toThrow(
      /^logArchiveKeyPolicy: \d+ bytes exceeds the KMS key policy limit of 32768 \(served\.accountIds lists 5000 accounts; serve the organization, whose policy does not grow\)$/,
    );
    const fit = 1 + Math.floor((KEY_POLICY_MAX_BYTES - one) / 45);
    expect(() => logArchiveKeyPolicy(keyProps(estate(fit), 'accounts'))).not.toThrow();
    expect(() => logArchiveKeyPolicy(keyProps(estate(fit + 1), 'accounts'))).toThrow(
      /exceeds the KMS key policy limit/,
    );
    expect(fit).toBeGreaterThan(600);
  });
});

describe('docs/log-archive.md states the sizes these tests measure', () => {
  const doc = readFileSync(join(__dirname, '../../docs/log-archive.md'), 'utf8').replace(/\s+/g, ' ');
  const n = (x: number) => x.toLocaleString('en-US');
  const oneAccount = estate(1);
  const org = {
    bucket: bytes(logArchiveBucketPolicy(bucketProps(oneAccount, 'organization'))),
    key: bytes(logArchiveKeyPolicy(keyProps(oneAccount, 'organization'))),
    scp: policyText(guardTamperScp(SCP_PROPS)).length,
  };
  const fitBucket =
    1 + Math.floor((BUCKET_POLICY_MAX_BYTES - bytes(logArchiveBucketPolicy(bucketProps(oneAccount, 'accounts')))) / 15);
  const fitKey =
    1 + Math.floor((KEY_POLICY_MAX_BYTES - bytes(logArchiveKeyPolicy(keyProps(oneAccount, 'accounts')))) / 45);

  it('in organization scope, and the number of listed accounts that fit', () => {
    expect(doc).toContain(
      `bucket policy ${n(org.bucket)} bytes of 20 KB, key policy ${n(org.key)} of 32,768, SCP ${n(org.scp)} of 5,120 characters`,
    );
    expect(doc).toContain(
      `(15 bytes an account in the bucket policy, 45 in the key policy): ${n(fitBucket)} and ${n(fitKey)} accounts fit`,
    );
  });
});
