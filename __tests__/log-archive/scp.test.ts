/**
 * IAM simulation of the tamper SCP that scales (modules/policies/guard-tamper-scp.ts), attached to the root next to
 * FullAWSAccess, with @cloud-copilot/iam-simulate (its Simulation's `serviceControlPolicies`). Every principal is an
 * administrator of its account (an identity policy allowing `*`), so whatever is denied is denied by the SCP.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
 */
import { guardTamperScp, type GuardTamperScpProps } from '../../modules/policies/guard-tamper-scp';
import {
  AUTOMATION_ROLE_NAME_PREFIX,
  GUARD_CONFIG_RULE_TAG,
  LOG_ARCHIVE_KEY_ALIAS,
} from '../../modules/log-archive-naming';
import type { PolicyDocument } from '../../modules/policies/types';
import {
  ADMIN_POLICY,
  ARCHIVE,
  BUCKET,
  evaluate,
  MEMBER,
  roleArn,
  roleContext,
  SCP_PROPS,
  trailArn,
  type Verdict,
} from './fixtures';

const scp = guardTamperScp(SCP_PROPS);
const ADMIN = roleArn(MEMBER, 'Admin');
const AUTOMATION = roleArn(MEMBER, `cloudtrail-guard/${AUTOMATION_ROLE_NAME_PREFIX}us-east-1`);
const FAST_PATH = roleArn(MEMBER, 'cloudtrail-guard/cloudtrail-guard-fast-path-us-east-1');
const DEPLOYER = roleArn(MEMBER, 'cloudtrail-guard-deployer');
const BREAK_GLASS = roleArn(MEMBER, 'break-glass');
/** A role a member administrator made with the automation role's name, but outside the protected path. */
const LOOKALIKE = roleArn(MEMBER, `${AUTOMATION_ROLE_NAME_PREFIX}us-east-1`);
const TRAIL = trailArn(MEMBER);
const KEY = `arn:aws:kms:eu-west-1:${ARCHIVE}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const RULE = `arn:aws:config:us-east-1:${MEMBER}:config-rule/config-rule-abc123`;

async function verdict(
  principal: string,
  action: string,
  resource: string,
  extra: Record<string, string | string[]> = {},
  policy = scp,
  resourcePolicy?: PolicyDocument,
): Promise<Verdict> {
  const account = /::(\d{12}):/.exec(resource)?.[1] ?? /::(\d{12}):/.exec(principal)![1];
  const out = await evaluate({
    principal,
    action,
    resource,
    resourceAccount: account,
    context: { ...roleContext(principal), ...extra },
    identityPolicies: [ADMIN_POLICY],
    scps: [policy],
    resourcePolicy,
  });
  expect(out.ignored).toEqual([]);
  return out.verdict;
}

describe('the trail', () => {
  it.each([
    'cloudtrail:StopLogging',
    'cloudtrail:DeleteTrail',
    'cloudtrail:UpdateTrail',
    'cloudtrail:PutEventSelectors',
    'cloudtrail:PutInsightSelectors',
  ])(
    '%s: denied to a member administrator and to a look-alike of the automation role outside the path; allowed to the automation role, the deployer and break-glass',
    async (action) => {
      expect(await verdict(ADMIN, action, TRAIL)).toBe('ExplicitlyDenied');
      expect(await verdict(LOOKALIKE, action, TRAIL)).toBe('ExplicitlyDenied');
      expect(await verdict(FAST_PATH, action, TRAIL)).toBe('ExplicitlyDenied');
      for (const who of [AUTOMATION, DEPLOYER, BREAK_GLASS]) expect(await verdict(who, action, TRAIL)).toBe('Allowed');
    },
  );

  it('only the guarded trail names: a member administrator still manages a trail of another name', async () => {
    expect(await verdict(ADMIN, 'cloudtrail:StopLogging', trailArn(MEMBER, 'team-trail'))).toBe('Allowed');
    expect(await verdict(ADMIN, 'cloudtrail:StartLogging', TRAIL)).toBe('Allowed');
  });
});

describe('the protected roles', () => {
  const onPath = roleArn(MEMBER, `cloudtrail-guard/${AUTOMATION_ROLE_NAME_PREFIX}evil`);

  it.each([
    ['iam:CreateRole', onPath],
    ['iam:CreateRole', roleArn(MEMBER, 'cloudtrail-guard/deeper/path/anything')],
    ['iam:CreateRole', DEPLOYER],
    ['iam:CreateRole', BREAK_GLASS],
    ['iam:UpdateAssumeRolePolicy', AUTOMATION],
    ['iam:UpdateAssumeRolePolicy', DEPLOYER],
    ['iam:AttachRolePolicy', AUTOMATION],
    ['iam:PutRolePolicy', FAST_PATH],
    ['iam:DeleteRolePolicy', AUTOMATION],
    ['iam:DeleteRole', AUTOMATION],
    ['iam:DetachRolePolicy', AUTOMATION],
    ['iam:PutRolePermissionsBoundary', AUTOMATION],
    ['iam:DeleteRolePermissionsBoundary', AUTOMATION],
    ['iam:UpdateRole', AUTOMATION],
    ['iam:UpdateRoleDescription', AUTOMATION],
    ['iam:TagRole', BREAK_GLASS],
    ['iam:UntagRole', AUTOMATION],
  ])(
    '%s on %s: denied to a member administrator and to the automation role; allowed to the deployer and break-glass',
    async (action, role) => {
      expect(await verdict(ADMIN, action, role)).toBe('ExplicitlyDenied');
      expect(await verdict(AUTOMATION, action, role)).toBe('ExplicitlyDenied');
      expect(await verdict(DEPLOYER, action, role)).toBe('Allowed');
      expect(await verdict(BREAK_GLASS, action, role)).toBe('Allowed');
    },
  );

  it('a role the member administrator creates on the protected path is refused, so it can never act as the automation role', async () => {
    expect(await verdict(ADMIN, 'iam:CreateRole', onPath)).toBe('ExplicitlyDenied');
    // Were it there (created before the SCP, say), it would be exempt: which is why the path itself is protected.
    expect(await verdict(onPath, 'cloudtrail:UpdateTrail', TRAIL)).toBe('Allowed');
  });

  it('a member administrator still creates and changes roles off the protected patterns', async () => {
    expect(await verdict(ADMIN, 'iam:CreateRole', roleArn(MEMBER, 'app/service'))).toBe('Allowed');
    expect(await verdict(ADMIN, 'iam:UpdateAssumeRolePolicy', LOOKALIKE)).toBe('Allowed');
  });

  it('iam:PassRole of the automation role: only the fast path, the deployer and break-glass', async () => {
    expect(await verdict(ADMIN, 'iam:PassRole', AUTOMATION, { 'iam:PassedToService': 'ssm.amazonaws.com' })).toBe(
      'ExplicitlyDenied',
    );
    expect(await verdict(LOOKALIKE, 'iam:PassRole', AUTOMATION, { 'iam:PassedToService': 'ssm.amazonaws.com' })).toBe(
      'ExplicitlyDenied',
    );
    for (const who of [FAST_PATH, DEPLOYER, BREAK_GLASS]) {
      expect(await verdict(who, 'iam:PassRole', AUTOMATION, { 'iam:PassedToService': 'ssm.amazonaws.com' })).toBe(
        'Allowed',
      );
    }
    // Passing other roles is not the SCP's business.
    expect(
      await verdict(ADMIN, 'iam:PassRole', roleArn(MEMBER, 'app/service'), {
        'iam:PassedToService': 'ssm.amazonaws.com',
      }),
    ).toBe('Allowed');
  });
});

describe("the guard's document, rule, Config rules, recorder and remediation", () => {
  it.each([
    ['ssm:UpdateDocument', `arn:aws:ssm:us-east-1:${MEMBER}:document/cloudtrail-guard-enable-trail`],
    ['ssm:UpdateDocumentDefaultVersion', `arn:aws:ssm:us-east-1:${MEMBER}:document/cloudtrail-guard-enable-trail`],
    ['ssm:DeleteDocument', `arn:aws:ssm:us-east-1:${MEMBER}:document/cloudtrail-guard-enable-trail`],
    ['events:DisableRule', `arn:aws:events:us-east-1:${MEMBER}:rule/cloudtrail-guard-fast-path`],
    ['events:RemoveTargets', `arn:aws:events:us-east-1:${MEMBER}:rule/cloudtrail-guard-fast-path`],
    ['config:StopConfigurationRecorder', `arn:aws:config:us-east-1:${MEMBER}:configuration-recorder/default/abc`],
    ['config:DeleteConfigurationRecorder', `arn:aws:config:us-east-1:${MEMBER}:configuration-recorder/default/abc`],
    [
      'config:DeleteRemediationConfiguration',
      `arn:aws:config:us-east-1:${MEMBER}:remediation-configuration/cloudtrail-enabled/abc`,
    ],
    [
      'config:PutRemediationConfigurations',
      `arn:aws:config:us-east-1:${MEMBER}:remediation-configuration/cloudtrail-enabled/abc`,
    ],
    ['config:DeleteDeliveryChannel', '*'],
    ['config:PutRemediationExceptions', '*'],
  ])('%s on %s: denied to a member administrator, allowed to the deployer', async (action, resource) => {
    expect(await verdict(ADMIN, action, resource)).toBe('ExplicitlyDenied');
    expect(await verdict(DEPLOYER, action, resource)).toBe('Allowed');
  });

  it("the guard's Config rule (by its tag) and its tag; other rules stay the member's", async () => {
    const tagged = { [`aws:ResourceTag/${GUARD_CONFIG_RULE_TAG.key}`]: GUARD_CONFIG_RULE_TAG.value };
    for (const action of ['config:DeleteConfigRule', 'config:PutConfigRule', 'config:DeleteEvaluationResults']) {
      expect(await verdict(ADMIN, action, RULE, tagged)).toBe('ExplicitlyDenied');
      expect(await verdict(DEPLOYER, action, RULE, tagged)).toBe('Allowed');
      expect(await verdict(ADMIN, action, RULE)).toBe('Allowed');
    }
    expect(await verdict(ADMIN, 'config:UntagResource', RULE, { 'aws:TagKeys': [GUARD_CONFIG_RULE_TAG.key] })).toBe(
      'ExplicitlyDenied',
    );
    expect(await verdict(ADMIN, 'config:TagResource', RULE, { 'aws:TagKeys': [GUARD_CONFIG_RULE_TAG.key] })).toBe(
      'ExplicitlyDenied',
    );
    expect(await verdict(ADMIN, 'config:UntagResource', RULE, { 'aws:TagKeys': ['team'] })).toBe('Allowed');
  });
});

describe('the log-archive bucket and key (in the log-archive account, a member account)', () => {
  const archiveAdmin = roleArn(ARCHIVE, 'Admin');
  const archiveDeployer = roleArn(ARCHIVE, 'cloudtrail-guard-deployer');
  const archiveBreakGlass = roleArn(ARCHIVE, 'break-glass');
  const bucket = `arn:aws:s3:::${BUCKET}`;
  const object = `${bucket}/logs/AWSLogs/${MEMBER}/CloudTrail/us-east-1/2026/11/30/file.json.gz`;
  const aliased = { 'kms:ResourceAliases': [LOG_ARCHIVE_KEY_ALIAS] };
  /** KMS needs a key policy to allow anything; this one is KMS's default, which delegates to IAM. https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html */
  const DEFAULT_KEY_POLICY: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'EnableIAMUserPermissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ARCHIVE}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  };

  it.each([
    ['s3:PutBucketPolicy', bucket],
    ['s3:DeleteBucketPolicy', bucket],
    ['s3:PutLifecycleConfiguration', bucket],
    ['s3:PutBucketVersioning', bucket],
    ['s3:PutEncryptionConfiguration', bucket],
    ['s3:PutBucketObjectLockConfiguration', bucket],
    ['s3:DeleteBucket', bucket],
    ['s3:DeleteObject', object],
    ['s3:DeleteObjectVersion', object],
  ])(
    '%s: denied to the log-archive administrator, allowed to its deployer and break-glass',
    async (action, resource) => {
      expect(await verdict(archiveAdmin, action, resource)).toBe('ExplicitlyDenied');
      expect(await verdict(archiveDeployer, action, resource)).toBe('Allowed');
      expect(await verdict(archiveBreakGlass, action, resource)).toBe('Allowed');
    },
  );

  it.each(['kms:DisableKey', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy', 'kms:DisableKeyRotation'])(
    '%s on the key with the archive alias: denied to the log-archive administrator, allowed to break-glass; other keys untouched',
    async (action) => {
      expect(await verdict(archiveAdmin, action, KEY, aliased, scp, DEFAULT_KEY_POLICY)).toBe('ExplicitlyDenied');
      expect(await verdict(archiveBreakGlass, action, KEY, aliased, scp, DEFAULT_KEY_POLICY)).toBe('Allowed');
      expect(
        await verdict(
          archiveAdmin,
          action,
          KEY,
          { 'kms:ResourceAliases': ['alias/team-key'] },
          scp,
          DEFAULT_KEY_POLICY,
        ),
      ).toBe('Allowed');
    },
  );

  it('the archive alias cannot be moved to another key or deleted by the log-archive administrator', async () => {
    const alias = `arn:aws:kms:eu-west-1:${ARCHIVE}:${LOG_ARCHIVE_KEY_ALIAS}`;
    expect(await verdict(archiveAdmin, 'kms:UpdateAlias', alias, {}, scp, DEFAULT_KEY_POLICY)).toBe('ExplicitlyDenied');
    expect(await verdict(archiveAdmin, 'kms:DeleteAlias', alias, {}, scp, DEFAULT_KEY_POLICY)).toBe('ExplicitlyDenied');
    expect(await verdict(archiveDeployer, 'kms:UpdateAlias', alias, {}, scp, DEFAULT_KEY_POLICY)).toBe('Allowed');
  });
});

describe('the patterns are the scheme, not an example', () => {
  it('a custom guard path, prefixes and patterns move every exemption with them', async () => {
    const props: GuardTamperScpProps = {
      ...SCP_PROPS,
      guardRolePath: '/security/guard/',
      automationRoleNamePrefix: 'repair-',
      fastPathRoleNamePrefix: 'fast-',
      deploymentRolePatterns: ['arn:aws:iam::*:role/pipelines/terraform-*'],
    };
    const custom = guardTamperScp(props);
    const automation = roleArn(MEMBER, 'security/guard/repair-us-east-1');
    expect(await verdict(automation, 'cloudtrail:UpdateTrail', TRAIL, {}, custom)).toBe('Allowed');
    expect(await verdict(AUTOMATION, 'cloudtrail:UpdateTrail', TRAIL, {}, custom)).toBe('ExplicitlyDenied');
    expect(await verdict(roleArn(MEMBER, 'pipelines/terraform-prod'), 'iam:CreateRole', automation, {}, custom)).toBe(
      'Allowed',
    );
    expect(await verdict(ADMIN, 'iam:CreateRole', roleArn(MEMBER, 'pipelines/terraform-mine'), {}, custom)).toBe(
      'ExplicitlyDenied',
    );
    expect(await verdict(roleArn(MEMBER, 'security/guard/fast-x'), 'iam:PassRole', automation, {}, custom)).toBe(
      'Allowed',
    );
  });
});
