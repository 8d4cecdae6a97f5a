/**
 * The account-mode rows of the security table, evaluated with the IAM policy simulator against the policies in the
 * synthesized stack of examples/single-account.yaml: what Terraform would apply, not only what the functions return.
 * The organization rows likewise, against the management account's synthesized stack of the organization setup.
 */
import { example, synthFile, synthYaml } from '../support/synth';
import { ENCRYPTION_CONTEXT_KEY, POLICY_CASES, type PolicyCase } from './cases';
import { ORGANIZATION_YAML, pureSet, synthesizedSet } from './policy-sets';
import { simulate, verdictOf, type PolicySet } from './simulate';

const stacks = synthFile(example('single-account.yaml'));
const set: PolicySet = synthesizedSet(stacks[0].json as { resource: never });

describe('the synthesized stack of examples/single-account.yaml', () => {
  it('is one stack, for 111111111111 in us-east-1', () => {
    expect(stacks.map((s) => s.name)).toEqual(['cloudtrail-guard-111111111111-us-east-1']);
  });

  it('carries exactly the policies the pure functions build for that config (key ARN resolved)', () => {
    expect(set).toEqual(pureSet('account'));
  });
});

describe('security table, synthesized stack', () => {
  const rows = POLICY_CASES.filter((c) => c.setup === 'account');
  it.each(rows.map((c) => [c.id, c.verdict, c.action, c] as [string, string, string, PolicyCase]))(
    '%s: %s (%s)',
    async (_id, _v, _a, c) => {
      const outcome = await simulate(c, set);
      expect(verdictOf(outcome.result)).toBe(c.verdict);
      expect(outcome.ignoredContextKeys).toEqual(ENCRYPTION_CONTEXT_KEY in c.context ? [ENCRYPTION_CONTEXT_KEY] : []);
    },
  );
});

describe('security table, synthesized management account stack of an organization trail', () => {
  const org = synthYaml(ORGANIZATION_YAML, 'organization.yaml');
  const orgSet = synthesizedSet(
    org.find((s) => s.name === 'cloudtrail-guard-111111111111-us-east-1')!.json as { resource: never },
  );

  it('carries exactly the policies the pure functions build (member 222222222222 included in the key policy)', () => {
    expect(orgSet).toEqual(pureSet('organization'));
  });

  const rows = POLICY_CASES.filter((c) => c.setup === 'organization');
  it.each(rows.map((c) => [c.id, c.verdict, c.action, c] as [string, string, string, PolicyCase]))(
    '%s: %s (%s)',
    async (_id, _v, _a, c) => {
      const outcome = await simulate(c, orgSet);
      expect(verdictOf(outcome.result)).toBe(c.verdict);
      expect(outcome.ignoredContextKeys).toEqual(ENCRYPTION_CONTEXT_KEY in c.context ? [ENCRYPTION_CONTEXT_KEY] : []);
    },
  );
});
