import { TerraformStack } from 'cdktf';
import { TamperProtection, assertScpTargets } from '../../modules/tamper-protection';
import { TRAIL_TAMPER_ACTIONS } from '../../modules/policies/tamper-scp';
import { ACCOUNT, MEMBER, TRAIL_ARN, bareStack, ref, resourcesOf, statement, synth } from './helpers';

const ROOT = 'r-ab12';
const OU = 'ou-ab12-cdef3456';
const BREAK_GLASS = `arn:aws:iam::${ACCOUNT}:role/break-glass`;
const AUTOMATION_MGMT = `arn:aws:iam::${ACCOUNT}:role/cloudtrail-guard-automation-us-east-1`;
const AUTOMATION_MEMBER = `arn:aws:iam::${MEMBER}:role/cloudtrail-guard-automation-eu-west-1`;

function protection(stack: TerraformStack, extra: Partial<ConstructorParameters<typeof TamperProtection>[2]> = {}): TamperProtection {
  return new TamperProtection(stack, 'tamper-protection', {
    partition: 'aws',
    trailArns: [TRAIL_ARN],
    targetIds: [ROOT],
    ...extra,
  });
}

describe('TamperProtection', () => {
  it('one SCP named cloudtrail-guard-tamper-protection whose content is the tamper SCP, no prevent_destroy', () => {
    const stack = bareStack();
    const p = protection(stack, { exemptRoleArns: [AUTOMATION_MGMT, AUTOMATION_MEMBER, BREAK_GLASS] });
    const json = synth(stack);
    const [policy] = resourcesOf(json, 'aws_organizations_policy');
    expect(resourcesOf(json, 'aws_organizations_policy')).toHaveLength(1);
    expect(policy.name).toBe('cloudtrail-guard-tamper-protection');
    expect(policy.type).toBe('SERVICE_CONTROL_POLICY');
    expect(policy.lifecycle).toBeUndefined();
    const doc = JSON.parse(policy.content as string);
    expect(doc).toEqual(p.policyDocument);
    expect(statement(doc, 'DenyTrailTampering')).toEqual({
      Sid: 'DenyTrailTampering',
      Effect: 'Deny',
      Action: [...TRAIL_TAMPER_ACTIONS],
      Resource: [TRAIL_ARN],
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [AUTOMATION_MGMT, AUTOMATION_MEMBER, BREAK_GLASS] } },
    });
    expect(doc.Statement[0].Principal).toBeUndefined();
    expect(policy.description).toBe(
      'cloudtrail-guard: only the exempt roles may stop, delete or change the guarded trails, or change the guard itself',
    );
  });

  it('exempts exactly the ARNs passed in: no name wildcard, nothing implicit, no wildcard accepted', () => {
    const doc = protection(bareStack(), { exemptRoleArns: [AUTOMATION_MEMBER] }).policyDocument;
    expect(doc.Statement[0].Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': [AUTOMATION_MEMBER] } });
    expect(JSON.stringify(doc)).not.toContain('*');
    expect(() => protection(bareStack(), { exemptRoleArns: ['arn:aws:iam::*:role/cloudtrail-guard-automation-*'] })).toThrow(
      'trailTamperScp exemptRoleArns: "arn:aws:iam::*:role/cloudtrail-guard-automation-*" is not an exact IAM role ARN (arn:<partition>:iam::<12-digit account>:role/<name>, no * or ? wildcard)',
    );
  });

  it('without exemptRoleArns nobody is exempt: the deny has no Condition', () => {
    const doc = protection(bareStack()).policyDocument;
    expect(doc.Statement).toEqual([
      { Sid: 'DenyTrailTampering', Effect: 'Deny', Action: [...TRAIL_TAMPER_ACTIONS], Resource: [TRAIL_ARN] },
    ]);
  });

  describe('managementAccountId', () => {
    it('a target that is the management account is an error (SCPs never apply to it), reported with the others', () => {
      expect(() => protection(bareStack(), { managementAccountId: ACCOUNT, targetIds: [ROOT, ACCOUNT] })).toThrow(
        'TamperProtection targetIds: "111111111111" is the management account (managementAccountId), which SCPs never restrict; attach to the root or to OUs and member accounts',
      );
      expect(() => assertScpTargets(['x', ACCOUNT], ACCOUNT)).toThrow(
        'TamperProtection targetIds: "x" is not a root (r-xxxx), an OU (ou-xxxx-xxxxxxxx) or a 12-digit account ID; "111111111111" is the management account',
      );
    });

    it('member accounts, OUs and the root are fine targets; without managementAccountId nothing is checked', () => {
      const p = protection(bareStack(), { managementAccountId: ACCOUNT, targetIds: [ROOT, OU, MEMBER] });
      expect(p.attachments.map((a) => a.targetIdInput)).toEqual([ROOT, OU, MEMBER]);
      expect(() => assertScpTargets([ACCOUNT])).not.toThrow();
    });

    it('must be 12 digits', () => {
      expect(() => protection(bareStack(), { managementAccountId: '11111111111' })).toThrow(
        'TamperProtection managementAccountId: "11111111111" is not a 12-digit account ID',
      );
    });
  });

  it('one attachment per target: root, OU and account, each referring to the policy', () => {
    const stack = bareStack();
    const p = protection(stack, { targetIds: [ROOT, OU, MEMBER] });
    const json = synth(stack);
    const attachments = resourcesOf(json, 'aws_organizations_policy_attachment');
    expect(attachments.map((a) => a.target_id).sort()).toEqual([MEMBER, OU, ROOT]);
    expect(p.attachments.map((a) => a.targetIdInput)).toEqual([ROOT, OU, MEMBER]);
    for (const a of attachments) expect(a.policy_id).toBe(`\${${ref(p.policy)}.id}`);
    expect(p.attachments).toHaveLength(3);
  });

  it('policy name, tags and more than one trail', () => {
    const stack = bareStack();
    const other = `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/second`;
    protection(stack, { policyName: 'deny-trail-changes', tags: { team: 'audit' }, trailArns: [TRAIL_ARN, other] });
    const [policy] = resourcesOf(synth(stack), 'aws_organizations_policy');
    expect([policy.name, policy.tags]).toEqual(['deny-trail-changes', { team: 'audit' }]);
    expect(JSON.parse(policy.content as string).Statement[0].Resource).toEqual([TRAIL_ARN, other]);
  });

  describe('target IDs are validated, and the error names the bad value', () => {
    it.each([
      ['r-AB12'],
      ['r-1'],
      ['ou-ab12'],
      ['ou-ab12-short'],
      ['11111111111'],
      ['1111111111111'],
      ['o-abc123def4'],
      [''],
    ])('%j', (bad) => {
      expect(() => protection(bareStack(), { targetIds: [ROOT, bad] })).toThrow(
        `TamperProtection targetIds: ${JSON.stringify(bad)} is not a root (r-xxxx), an OU (ou-xxxx-xxxxxxxx) or a 12-digit account ID`,
      );
    });

    it('every problem is reported together; duplicates too', () => {
      expect(() => assertScpTargets(['x', ROOT, ROOT, 'y'])).toThrow(
        'TamperProtection targetIds: "x" is not a root (r-xxxx), an OU (ou-xxxx-xxxxxxxx) or a 12-digit account ID; "r-ab12" is listed twice; "y" is not a root',
      );
    });

    it('an empty list is an error; good forms pass', () => {
      expect(() => protection(bareStack(), { targetIds: [] })).toThrow('TamperProtection targetIds is empty');
      expect(() => assertScpTargets([ROOT, OU, ACCOUNT])).not.toThrow();
    });
  });

  it('no trail is an error from the SCP builder', () => {
    expect(() => protection(bareStack(), { trailArns: [] })).toThrow('trailTamperScp: trailArns is empty');
  });

  it('the exempt ARNs must be in the partition', () => {
    const gov = 'arn:aws-us-gov:iam::111111111111:role/cloudtrail-guard-automation-us-gov-west-1';
    const props = { partition: 'aws-us-gov', trailArns: ['arn:aws-us-gov:cloudtrail:us-gov-west-1:111111111111:trail/org-audit'] };
    expect(protection(bareStack(), { ...props, exemptRoleArns: [gov] }).policyDocument.Statement[0].Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': [gov] },
    });
    expect(() => protection(bareStack(), { ...props, exemptRoleArns: [AUTOMATION_MGMT] })).toThrow(
      `trailTamperScp exemptRoleArns: "${AUTOMATION_MGMT}" is in partition aws, not aws-us-gov`,
    );
  });
});

describe('TamperProtection with guard admins', () => {
  test('adds DenyGuardTampering over the guard resources, exempting exactly the admins', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { trailTamperScp, GUARD_TAMPER_ACTIONS } = require('../../modules/policies/tamper-scp') as typeof import('../../modules/policies/tamper-scp');
    const doc = trailTamperScp({
      partition: 'aws',
      trailArns: ['arn:aws:cloudtrail:*:*:trail/org-audit'],
      exemptRoleArns: ['arn:aws:iam::222222222222:role/cloudtrail-guard-automation-us-east-1', 'arn:aws:iam::222222222222:role/deploy'],
      guardAdminRoleArns: ['arn:aws:iam::222222222222:role/deploy'],
    });
    expect(doc.Statement.map((s) => s.Sid)).toEqual(['DenyTrailTampering', 'DenyGuardTampering']);
    expect(doc.Statement[1]).toEqual({
      Sid: 'DenyGuardTampering',
      Effect: 'Deny',
      Action: [...GUARD_TAMPER_ACTIONS],
      Resource: ['arn:aws:iam::*:role/cloudtrail-guard-*', 'arn:aws:ssm:*:*:document/cloudtrail-guard-*', 'arn:aws:events:*:*:rule/cloudtrail-guard-*'],
      Condition: { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::222222222222:role/deploy'] } },
    });
    expect(() =>
      trailTamperScp({ partition: 'aws', trailArns: ['arn:aws:cloudtrail:*:*:trail/t'], exemptRoleArns: [], guardAdminRoleArns: ['arn:aws:iam::*:role/x'] }),
    ).toThrow(/not an exact IAM role ARN/);
  });
});
