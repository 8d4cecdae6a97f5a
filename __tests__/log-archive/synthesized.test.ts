/**
 * The issue's simulations against the SYNTHESIZED stacks, not only the builders: the archive bucket and key policies as
 * the log-archive stack's Terraform JSON holds them (`$${` read back as `${`, as Terraform passes it to AWS), the trail
 * ARNs and automation roles as the account stacks hold them, and the tamper SCP as the management account's stack
 * holds it, evaluated with @cloud-copilot/iam-simulate (fixtures.ts says what the request contexts hold and why).
 *
 * Delivery: allowed for each served account's trail and for the organization trail; denied for a foreign account, an
 * account not served, plain HTTP, and an administrator of a member account deleting objects or the key.
 * SCP: denied to a member administrator for StopLogging, bucket or key tampering and a role created on the protected
 * path; allowed to the automation role (the synthesized one, on its path), the deployer and break-glass.
 */
import { example, ofConstruct, only, resources, synthFile, synthYaml, type SynthesizedStack } from '../support/synth';
import type { PolicyDocument } from '../../modules/policies/types';
import {
  ADMIN_POLICY,
  ARCHIVE_IN_ORGANIZATION_YAML,
  cloudTrailContext,
  encryptionContext,
  evaluate,
  roleContext,
  type Request,
  type Verdict,
} from './fixtures';

const ACL = { 's3:x-amz-acl': 'bucket-owner-full-control' };
const STRANGER = '999999999999';
const NOT_SERVED = '555555555555';
const ORG = 'o-abc123def4';

/** A policy attribute as AWS receives it from Terraform (`$${` is a literal `${`). */
const asAws = (text: string): PolicyDocument => JSON.parse(text.replace(/\$\$\{/g, '${'));

/** What the tests read from one synthesized estate. */
interface Estate {
  readonly archive: SynthesizedStack;
  readonly bucketPolicy: PolicyDocument;
  readonly keyPolicy: PolicyDocument;
  readonly bucket: string;
  readonly accountId: string;
  /** The trails of the other stacks: ARN and the archive prefix they write under. */
  readonly trails: ReadonlyArray<{ readonly arn: string; readonly prefix: string; readonly organization: boolean }>;
}

function estate(stacks: SynthesizedStack[]): Estate {
  const archive = stacks.find((s) => s.name.startsWith('cloudtrail-guard-log-archive-'))!;
  const j = archive.json;
  const bucket = String(
    resources(j, 'aws_s3_bucket')
      .map(([, b]) => b.bucket)
      .find((n: string) => !n.includes('-archive-access-')),
  );
  const trails = stacks
    .filter((s) => s !== archive && resources(s.json, 'aws_cloudtrail').length === 1)
    .map((s) => {
      const t = only(s.json, 'aws_cloudtrail');
      const p = s.json.provider.aws[0];
      // The trail's ARN, from what the stack deploys: its name, the provider's Region and account.
      expect(t.s3_bucket_name).toBe(bucket);
      return {
        arn: `arn:aws:cloudtrail:${p.region}:${p.allowed_account_ids[0]}:trail/${t.name}`,
        prefix: t.s3_key_prefix ?? '',
        organization: t.is_organization_trail === true,
      };
    });
  return {
    archive,
    bucketPolicy: asAws(ofConstruct(j, 'aws_s3_bucket_policy', 'archive_policy').policy),
    keyPolicy: asAws(only(j, 'aws_kms_key').policy),
    bucket,
    accountId: archive.json.provider.aws[0].allowed_account_ids[0],
    trails,
  };
}

async function expectVerdict(r: Request, verdict: Verdict): Promise<void> {
  const out = await evaluate(r);
  expect(out.ignored).toEqual([]);
  expect(out.verdict).toBe(verdict);
}

const accountOf = (trail: string): string => trail.split(':')[4];
const objectKey = (e: Estate, prefix: string, owner: string, account: string): string =>
  `arn:aws:s3:::${e.bucket}/${prefix ? `${prefix}/` : ''}AWSLogs/${owner}/CloudTrail/us-east-1/2026/11/30/${account}_CloudTrail_us-east-1_20261130T0000Z_abc.json.gz`;
const put = (e: Estate, resource: string, context: Record<string, string | string[]>): Request => ({
  principal: 'cloudtrail.amazonaws.com',
  action: 's3:PutObject',
  resource,
  resourceAccount: e.accountId,
  context,
  resourcePolicy: e.bucketPolicy,
});
const keyArn = (e: Estate): string =>
  `arn:aws:kms:${e.archive.json.provider.aws[0].region}:${e.accountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
/**
 * A KMS request. For an IAM principal KMS also sets `kms:CallerAccount`, the caller's account
 * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account).
 */
const kms = (e: Estate, action: string, principal: string, context: Record<string, string | string[]>, identity?: PolicyDocument): Request => ({
  principal,
  action,
  resource: keyArn(e),
  resourceAccount: e.accountId,
  context: /^arn:aws:iam::\d{12}:/.test(principal) ? { ...context, 'kms:CallerAccount': principal.split(':')[4] } : context,
  resourcePolicy: e.keyPolicy,
  ...(identity ? { identityPolicies: [identity] } : {}),
});

describe.each([
  ['examples/log-archive.yaml (the listed accounts)', () => synthFile(example('log-archive.yaml')), undefined],
  ['accounts of an organization (the whole organization)', () => synthYaml(ARCHIVE_IN_ORGANIZATION_YAML), ORG],
  ['examples/organization.yaml (the organization trail)', () => synthFile(example('organization.yaml')), ORG],
] as const)('delivery to the synthesized archive: %s', (_name, stacks, org) => {
  const e = estate(stacks());

  it('each trail the estate deploys writes its files under its own path, and CloudTrail may encrypt them with the key', async () => {
    expect(e.trails.length).toBeGreaterThan(0);
    for (const t of e.trails) {
      const account = accountOf(t.arn);
      const ctx = cloudTrailContext(t.arn, org, ACL);
      const owners = t.organization ? [`${org}/222222222222`, account] : [account];
      for (const owner of owners)
        await expectVerdict(put(e, objectKey(e, t.prefix, owner, owner.split('/').pop()!), ctx), 'Allowed');
      await expectVerdict(
        kms(e, 'kms:GenerateDataKey', 'cloudtrail.amazonaws.com', { ...cloudTrailContext(t.arn, org), ...encryptionContext(t.arn) }),
        'Allowed',
      );
      await expectVerdict(kms(e, 'kms:DescribeKey', 'cloudtrail.amazonaws.com', cloudTrailContext(t.arn, org)), 'Allowed');
    }
  });

  it('a foreign account, an account not served, and plain HTTP are denied', async () => {
    const t = e.trails[0];
    const name = t.arn.split('/').pop()!;
    for (const foreign of [STRANGER, NOT_SERVED]) {
      const trail = `arn:aws:cloudtrail:us-east-1:${foreign}:trail/${name}`;
      // A foreign account belongs to another organization (or none); an account not served to none that is served.
      const ctx = cloudTrailContext(trail, foreign === STRANGER ? 'o-zzzzzzzzzz' : undefined, ACL);
      await expectVerdict(put(e, objectKey(e, t.prefix, foreign, foreign), ctx), 'ImplicitlyDenied');
      await expectVerdict(
        kms(e, 'kms:GenerateDataKey', 'cloudtrail.amazonaws.com', { ...cloudTrailContext(trail, undefined), ...encryptionContext(trail) }),
        'ImplicitlyDenied',
      );
    }
    const account = accountOf(t.arn);
    await expectVerdict(
      put(e, objectKey(e, t.prefix, account, account), { ...cloudTrailContext(t.arn, org, ACL), 'aws:SecureTransport': 'false' }),
      'ExplicitlyDenied',
    );
  });

  it("an administrator of a member account cannot delete the logs, nor disable or delete the key; the archive's break-glass can", async () => {
    const t = e.trails[0];
    const account = accountOf(t.arn);
    const file = objectKey(e, t.prefix, account, account);
    const memberAdmin = 'arn:aws:iam::222222222222:role/Admin';
    const archiveAdmin = `arn:aws:iam::${e.accountId}:role/Admin`;
    const breakGlass = `arn:aws:iam::${e.accountId}:role/break-glass`;
    const asRole = (who: string, action: string, resource: string): Request => ({
      principal: who,
      action,
      resource,
      resourceAccount: e.accountId,
      context: roleContext(who, org),
      resourcePolicy: e.bucketPolicy,
      identityPolicies: [ADMIN_POLICY],
    });
    for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion']) {
      await expectVerdict(asRole(memberAdmin, action, file), 'ExplicitlyDenied');
      await expectVerdict(asRole(archiveAdmin, action, file), 'ExplicitlyDenied');
      await expectVerdict(asRole(breakGlass, action, file), 'Allowed');
    }
    for (const action of ['kms:ScheduleKeyDeletion', 'kms:DisableKey']) {
      await expectVerdict(kms(e, action, memberAdmin, roleContext(memberAdmin, org), ADMIN_POLICY), 'ExplicitlyDenied');
      await expectVerdict(kms(e, action, archiveAdmin, roleContext(archiveAdmin, org), ADMIN_POLICY), 'ExplicitlyDenied');
      await expectVerdict(kms(e, action, breakGlass, roleContext(breakGlass, org), ADMIN_POLICY), 'Allowed');
    }
  });

  it("the principals of the stacks that read the key ARN by alias may describe the key; a stranger's may not", async () => {
    const DESCRIBE: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Describe', Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*' }],
    };
    for (const t of e.trails) {
      const deployer = `arn:aws:iam::${accountOf(t.arn)}:role/cloudtrail-guard-deployer`;
      await expectVerdict(kms(e, 'kms:DescribeKey', deployer, roleContext(deployer, org), DESCRIBE), 'Allowed');
    }
    const stranger = `arn:aws:iam::${STRANGER}:role/cloudtrail-guard-deployer`;
    await expectVerdict(kms(e, 'kms:DescribeKey', stranger, roleContext(stranger, 'o-zzzzzzzzzz'), DESCRIBE), 'ImplicitlyDenied');
  });
});

describe('the synthesized tamper SCP, with the synthesized automation role of a member account', () => {
  const stacks = synthYaml(`
estate: acme-scp
state: { backend: local }
organization:
  id: ${ORG}
  managementAccountId: "111111111111"
  tamperProtection:
    targetIds: ["r-ab12"]
    deploymentRolePatterns: ["arn:aws:iam::*:role/cloudtrail-guard-deployer"]
    breakGlassRolePatterns: ["arn:aws:iam::*:role/break-glass"]
logArchive:
  accountId: "444444444444"
  region: eu-west-1
  deploymentRoleArn: arn:aws:iam::444444444444:role/cloudtrail-guard-deployer
  breakGlassRoleArns: [arn:aws:iam::444444444444:role/break-glass]
defaults: { logDestination: archive }
accounts:
  - { accountId: "111111111111", homeRegion: us-east-1, deploymentRoleArn: "arn:aws:iam::111111111111:role/terraform-deploy" }
  - { accountId: "222222222222", homeRegion: us-east-1, deploymentRoleArn: "arn:aws:iam::222222222222:role/cloudtrail-guard-deployer" }
`);
  const mgmt = stacks.find((s) => s.name === 'cloudtrail-guard-111111111111-us-east-1')!;
  const member = stacks.find((s) => s.name === 'cloudtrail-guard-222222222222-us-east-1')!;
  const scp = JSON.parse(only(mgmt.json, 'aws_organizations_policy').content) as PolicyDocument;
  const roleOf = (kind: string): string => {
    const [, r] = resources(member.json, 'aws_iam_role').find(([, x]) => x.name.includes(`-${kind}-`))!;
    return `arn:aws:iam::222222222222:role${r.path}${r.name}`;
  };
  const AUTOMATION = roleOf('automation');
  const FAST_PATH = roleOf('fast-path');
  const DEPLOYER = member.json.provider.aws[0].assume_role[0].role_arn as string;
  const ADMIN = 'arn:aws:iam::222222222222:role/Admin';
  const BREAK_GLASS = 'arn:aws:iam::222222222222:role/break-glass';
  const trail = only(member.json, 'aws_cloudtrail');
  const TRAIL = `arn:aws:cloudtrail:us-east-1:222222222222:trail/${trail.name}`;
  const BUCKET = `arn:aws:s3:::${trail.s3_bucket_name}`;
  const KEY = 'arn:aws:kms:eu-west-1:444444444444:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const DEFAULT_KEY_POLICY: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444444444444:root' }, Action: 'kms:*', Resource: '*' }],
  };

  async function verdict(principal: string, action: string, resource: string, extra: Record<string, string | string[]> = {}, resourcePolicy?: PolicyDocument): Promise<Verdict> {
    const account = /::(\d{12}):/.exec(resource)?.[1] ?? /::(\d{12}):/.exec(principal)![1];
    const out = await evaluate({
      principal,
      action,
      resource,
      resourceAccount: account,
      context: { ...roleContext(principal), ...extra },
      identityPolicies: [ADMIN_POLICY],
      scps: [scp],
      resourcePolicy,
    });
    expect(out.ignored).toEqual([]);
    return out.verdict;
  }

  it('the synthesized roles are the ones the SCP names: on /cloudtrail-guard/, the deployer matching its pattern', () => {
    expect(AUTOMATION).toBe('arn:aws:iam::222222222222:role/cloudtrail-guard/cloudtrail-guard-automation-us-east-1');
    expect(FAST_PATH).toBe('arn:aws:iam::222222222222:role/cloudtrail-guard/cloudtrail-guard-fast-path-us-east-1');
    expect(DEPLOYER).toBe('arn:aws:iam::222222222222:role/cloudtrail-guard-deployer');
    expect(BUCKET).toBe('arn:aws:s3:::cloudtrail-guard-archive-444444444444-eu-west-1');
  });

  it('StopLogging and UpdateTrail: denied to the member administrator; allowed to the automation role, the deployer and break-glass', async () => {
    for (const action of ['cloudtrail:StopLogging', 'cloudtrail:UpdateTrail', 'cloudtrail:DeleteTrail']) {
      expect(await verdict(ADMIN, action, TRAIL)).toBe('ExplicitlyDenied');
      for (const who of [DEPLOYER, BREAK_GLASS]) expect(await verdict(who, action, TRAIL)).toBe('Allowed');
    }
    expect(await verdict(AUTOMATION, 'cloudtrail:UpdateTrail', TRAIL)).toBe('Allowed');
    expect(await verdict(AUTOMATION, 'cloudtrail:PutEventSelectors', TRAIL)).toBe('Allowed');
  });

  it('bucket and key tampering in the log-archive account: denied to its administrator; allowed to the deployer and break-glass', async () => {
    const archiveAdmin = 'arn:aws:iam::444444444444:role/Admin';
    for (const [action, resource] of [
      ['s3:PutBucketPolicy', BUCKET],
      ['s3:PutLifecycleConfiguration', BUCKET],
      ['s3:DeleteObject', `${BUCKET}/AWSLogs/222222222222/file.json.gz`],
    ]) {
      expect(await verdict(archiveAdmin, action, resource)).toBe('ExplicitlyDenied');
      expect(await verdict('arn:aws:iam::444444444444:role/cloudtrail-guard-deployer', action, resource)).toBe('Allowed');
      expect(await verdict('arn:aws:iam::444444444444:role/break-glass', action, resource)).toBe('Allowed');
    }
    const aliased = { 'kms:ResourceAliases': ['alias/cloudtrail-guard-archive'] };
    for (const action of ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy']) {
      expect(await verdict(archiveAdmin, action, KEY, aliased, DEFAULT_KEY_POLICY)).toBe('ExplicitlyDenied');
      expect(await verdict('arn:aws:iam::444444444444:role/break-glass', action, KEY, aliased, DEFAULT_KEY_POLICY)).toBe('Allowed');
    }
  });

  it('a role the member administrator creates on the protected path is denied; the deployer may; passing the automation role only by the fast path', async () => {
    const onPath = 'arn:aws:iam::222222222222:role/cloudtrail-guard/cloudtrail-guard-automation-evil';
    expect(await verdict(ADMIN, 'iam:CreateRole', onPath)).toBe('ExplicitlyDenied');
    expect(await verdict(ADMIN, 'iam:UpdateAssumeRolePolicy', AUTOMATION)).toBe('ExplicitlyDenied');
    expect(await verdict(DEPLOYER, 'iam:CreateRole', AUTOMATION)).toBe('Allowed');
    const toSsm = { 'iam:PassedToService': 'ssm.amazonaws.com' };
    expect(await verdict(ADMIN, 'iam:PassRole', AUTOMATION, toSsm)).toBe('ExplicitlyDenied');
    expect(await verdict(FAST_PATH, 'iam:PassRole', AUTOMATION, toSsm)).toBe('Allowed');
  });
});
