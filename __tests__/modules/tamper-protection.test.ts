import { TerraformStack } from 'cdktf';
import { TamperProtection, assertScpTargets } from '../../modules/tamper-protection';
import { guardTamperScp } from '../../modules/policies/guard-tamper-scp';
import { TRAIL_TAMPER_ACTIONS } from '../../modules/policies/tamper-scp';
import { ACCOUNT, MEMBER, bareStack, ref, resourcesOf, statement, synth } from './helpers';

const ROOT = 'r-ab12';
const OU = 'ou-ab12-cdef3456';
const DEPLOYER = 'arn:aws:iam::*:role/cloudtrail-guard-deployer';
const BREAK_GLASS = 'arn:aws:iam::*:role/break-glass';

function protection(stack: TerraformStack, extra: Partial<ConstructorParameters<typeof TamperProtection>[2]> = {}): TamperProtection {
  return new TamperProtection(stack, 'tamper-protection', {
    partition: 'aws',
    trailNames: ['org-audit'],
    deploymentRolePatterns: [DEPLOYER],
    breakGlassRolePatterns: [BREAK_GLASS],
    targetIds: [ROOT],
    ...extra,
  });
}

describe('TamperProtection', () => {
  it('one SCP named cloudtrail-guard-tamper-protection whose content is guardTamperScp of its inputs, no prevent_destroy', () => {
    const stack = bareStack();
    const p = protection(stack);
    const json = synth(stack);
    const [policy] = resourcesOf(json, 'aws_organizations_policy');
    expect(resourcesOf(json, 'aws_organizations_policy')).toHaveLength(1);
    expect(policy.name).toBe('cloudtrail-guard-tamper-protection');
    expect(policy.type).toBe('SERVICE_CONTROL_POLICY');
    expect(policy.lifecycle).toBeUndefined();
    const doc = JSON.parse(policy.content as string);
    expect(doc).toEqual(p.policyDocument);
    expect(doc).toEqual(
      guardTamperScp({ partition: 'aws', trailNames: ['org-audit'], deploymentRolePatterns: [DEPLOYER], breakGlassRolePatterns: [BREAK_GLASS] }),
    );
    expect(doc.Statement.map((st: { Sid: string }) => st.Sid)).toEqual([
      'ProtectRoles',
      'ProtectAutomationRole',
      'ProtectTrails',
      'ProtectGuardResources',
      'ProtectArchiveKey',
      'ProtectConfigRules',
      'ProtectConfigRuleTag',
      'ProtectConfigRecorder',
    ]);
    expect(statement(doc, 'ProtectTrails')).toEqual({
      Sid: 'ProtectTrails',
      Effect: 'Deny',
      Action: [...TRAIL_TAMPER_ACTIONS],
      Resource: 'arn:aws:cloudtrail:*:*:trail/org-audit',
      Condition: {
        ArnNotLike: {
          'aws:PrincipalArn': ['arn:aws:iam::*:role/cloudtrail-guard/cloudtrail-guard-automation-*', DEPLOYER, BREAK_GLASS],
        },
      },
    });
    for (const st of doc.Statement) expect(st.Principal).toBeUndefined();
    expect(policy.description).toBe(
      'cloudtrail-guard: only the deployment and break-glass roles may change the guarded trails, the guard itself, AWS Config and the log archive',
    );
  });

  it('exempts by pattern, never by a list of accounts: the same text for any number of accounts', () => {
    const doc = protection(bareStack()).policyDocument;
    expect(JSON.stringify(doc)).not.toMatch(/\d{12}/);
  });

  it('an SCP input guardTamperScp refuses is refused here (no deployment pattern; a pattern of another partition)', () => {
    expect(() => protection(bareStack(), { deploymentRolePatterns: [] })).toThrow('guardTamperScp: deploymentRolePatterns is empty');
    expect(() => protection(bareStack(), { breakGlassRolePatterns: ['arn:aws-us-gov:iam::*:role/break-glass'] })).toThrow(
      'guardTamperScp: breakGlassRolePatterns: "arn:aws-us-gov:iam::*:role/break-glass" is in partition aws-us-gov, not aws',
    );
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
    protection(stack, { policyName: 'deny-trail-changes', tags: { team: 'audit' }, trailNames: ['org-audit', 'second'] });
    const [policy] = resourcesOf(synth(stack), 'aws_organizations_policy');
    expect([policy.name, policy.tags]).toEqual(['deny-trail-changes', { team: 'audit' }]);
    expect(statement(JSON.parse(policy.content as string), 'ProtectTrails').Resource).toEqual([
      'arn:aws:cloudtrail:*:*:trail/org-audit',
      'arn:aws:cloudtrail:*:*:trail/second',
    ]);
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
    expect(() => protection(bareStack(), { trailNames: [] })).toThrow('guardTamperScp: trailNames is empty');
  });

  it('the patterns must be in the partition; in GovCloud every ARN of the SCP is', () => {
    const doc = protection(bareStack(), {
      partition: 'aws-us-gov',
      deploymentRolePatterns: ['arn:aws-us-gov:iam::*:role/cloudtrail-guard-deployer'],
      breakGlassRolePatterns: ['arn:aws-us-gov:iam::*:role/break-glass'],
    }).policyDocument;
    const arns = JSON.stringify(doc).match(/arn:[a-z-]+:/g) ?? [];
    expect(new Set(arns)).toEqual(new Set(['arn:aws-us-gov:']));
    expect(() => protection(bareStack(), { partition: 'aws-us-gov' })).toThrow(`"${DEPLOYER}" is in partition aws, not aws-us-gov`);
  });
});
