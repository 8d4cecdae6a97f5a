import { TerraformStack } from 'cdktf';
import { TamperProtection, assertScpTargets } from '../../modules/tamper-protection';
import { TRAIL_TAMPER_ACTIONS } from '../../modules/policies/tamper-scp';
import { ACCOUNT, MEMBER, TRAIL_ARN, bareStack, ref, resourcesOf, statement, synth } from './helpers';

const ROOT = 'r-ab12';
const OU = 'ou-ab12-cdef3456';
const BREAK_GLASS = `arn:aws:iam::*:role/break-glass`;

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
    const p = protection(stack, { exemptRoleArns: [BREAK_GLASS] });
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
      Condition: { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/cloudtrail-guard-automation-*', BREAK_GLASS] } },
    });
    expect(doc.Statement[0].Principal).toBeUndefined();
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

  it('the partition reaches the exemption pattern', () => {
    const doc = protection(bareStack(), {
      partition: 'aws-us-gov',
      trailArns: ['arn:aws-us-gov:cloudtrail:us-gov-west-1:111111111111:trail/org-audit'],
    }).policyDocument;
    expect(doc.Statement[0].Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': ['arn:aws-us-gov:iam::*:role/cloudtrail-guard-automation-*'] },
    });
  });
});
