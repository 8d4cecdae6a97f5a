/**
 * Every row of the security table (cases.ts, docs/security.md), evaluated with the IAM policy simulator against the
 * policies that the pure functions in modules/policies build from the configuration.
 */
import { ENCRYPTION_CONTEXT_KEY, POLICY_CASES, type PolicyCase, type Setup } from './cases';
import { pureSet } from './policy-sets';
import { simulate, verdictOf, type PolicySet } from './simulate';

const sets = new Map<Setup, PolicySet>();
const setFor = (setup: Setup): PolicySet => {
  if (!sets.has(setup)) sets.set(setup, pureSet(setup));
  return sets.get(setup)!;
};

describe('security table, pure policy functions', () => {
  it.each(POLICY_CASES.map((c) => [c.id, c.verdict, c.action, c] as [string, string, string, PolicyCase]))(
    '%s: %s (%s)',
    async (_id, _verdict, _action, c) => {
      const outcome = await simulate(c, setFor(c.setup));
      expect(verdictOf(outcome.result)).toBe(c.verdict);
      // Only the encryption-context key may be left out by the simulator, and it is decided by the harness.
      expect(outcome.ignoredContextKeys).toEqual(ENCRYPTION_CONTEXT_KEY in c.context ? [ENCRYPTION_CONTEXT_KEY] : []);
    },
  );

  it('covers every setup with at least one allowed and one denied request', () => {
    const setups: Setup[] = ['account', 'prefix logs/', 'prefix /logs', 'organization'];
    for (const s of setups) {
      const verdicts = new Set(POLICY_CASES.filter((c) => c.setup === s).map((c) => c.verdict));
      expect([s, verdicts.has('allowed'), verdicts.has('denied') || verdicts.has('denied (explicit)')]).toEqual([
        s,
        true,
        true,
      ]);
    }
  });
});
