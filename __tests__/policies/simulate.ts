/**
 * Evaluates the cases of cases.ts with the IAM policy simulator @cloud-copilot/iam-simulate (AGPL-3.0; a
 * devDependency only, never shipped).
 *
 * The simulator drops context keys that its service model does not list for the action, and it does not list
 * `kms:EncryptionContext:aws:cloudtrail:arn`. So that the encryption-context condition is still decided, this module
 * evaluates that one condition itself, from the parsed policy, before the simulation: a statement whose
 * encryption-context condition holds keeps its other conditions; one whose condition fails is removed (a statement
 * applies only when all its conditions hold, for Allow and Deny alike). The simulator's list of ignored keys is
 * returned, so that tests can assert it is exactly that one key (or empty), and no other condition goes unchecked.
 */
import { anonymousPrincipal, runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument, PolicyStatement } from '../../modules/policies/types';
import { ACCOUNT, ENCRYPTION_CONTEXT_KEY, type PolicyCase, type ResourcePolicyName } from './cases';

/** The policies a case may use. */
export interface PolicySet {
  readonly bucket: PolicyDocument;
  readonly key: PolicyDocument;
  readonly trust: PolicyDocument;
  readonly permissions: PolicyDocument;
  /** The CloudWatch Logs role's trust policy, where the setup delivers to CloudWatch Logs. */
  readonly cwlTrust?: PolicyDocument;
}

/** The resource policy a case names, from a set. @throws Error when the set has none of that name. */
function resourcePolicyOf(policies: PolicySet, name: ResourcePolicyName): PolicyDocument {
  const doc = name === 'cwl-trust' ? policies.cwlTrust : policies[name];
  if (!doc) throw new Error(`this setup has no ${name} policy`);
  return doc;
}

/** What a log reader of the account might hold. */
export const READER_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'ReadLogs', Effect: 'Allow', Action: ['s3:GetObject', 'kms:Decrypt'], Resource: '*' }],
};

/** An identity policy that lets its holder try to assume any role. */
export const ASSUME_ANYTHING_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'AssumeAnything', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
};

export interface SimulationOutcome {
  readonly result: 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';
  /** Context keys the simulator left out of the evaluation. */
  readonly ignoredContextKeys: readonly string[];
}

/** IAM's `StringLike`: `*` any run of characters, `?` one character, case-sensitive, whole string. */
export function stringLike(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(value);
}

const asArray = <T>(v: T | readonly T[]): readonly T[] => (Array.isArray(v) ? v : [v as T]);

/**
 * Decides the encryption-context condition of one statement for a request.
 * @returns `undefined` when the statement has no such condition; otherwise whether it holds.
 * @throws Error for an operator this function does not implement (so that a new operator cannot pass silently).
 */
export function encryptionContextHolds(statement: PolicyStatement, value: string | undefined): boolean | undefined {
  let verdict: boolean | undefined;
  for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
    for (const [key, raw] of Object.entries(entries)) {
      if (key.toLowerCase() !== ENCRYPTION_CONTEXT_KEY.toLowerCase()) continue;
      const patterns = asArray(raw).map(String);
      const base = operator.replace(/IfExists$/, '');
      let holds: boolean;
      if (value === undefined) holds = operator.endsWith('IfExists') || base.startsWith('StringNot');
      else if (base === 'StringLike') holds = patterns.some((p) => stringLike(p, value));
      else if (base === 'StringEquals') holds = patterns.includes(value);
      else if (base === 'StringNotLike') holds = !patterns.some((p) => stringLike(p, value));
      else if (base === 'StringNotEquals') holds = !patterns.includes(value);
      else
        throw new Error(
          `encryption-context condition with operator ${operator} is not implemented in the test harness`,
        );
      verdict = (verdict ?? true) && holds;
    }
  }
  return verdict;
}

/** The policy with the encryption-context conditions decided for `value` (see the file comment). */
export function withEncryptionContextDecided(policy: PolicyDocument, value: string | undefined): PolicyDocument {
  const statements: PolicyStatement[] = [];
  for (const s of policy.Statement) {
    const holds = encryptionContextHolds(s, value);
    if (holds === undefined) statements.push(s);
    else if (holds) {
      const condition: Record<string, Record<string, string | string[] | boolean>> = {};
      for (const [op, entries] of Object.entries(s.Condition ?? {})) {
        const kept = Object.fromEntries(
          Object.entries(entries).filter(([k]) => k.toLowerCase() !== ENCRYPTION_CONTEXT_KEY.toLowerCase()),
        );
        if (Object.keys(kept).length) condition[op] = kept;
      }
      const rest = Object.fromEntries(
        Object.entries(s).filter(([k]) => k !== 'Condition'),
      ) as unknown as PolicyStatement;
      statements.push(Object.keys(condition).length ? { ...rest, Condition: condition } : rest);
    }
  }
  return { Version: policy.Version, Statement: statements };
}

/** The account that owns the resource of a request. */
function resourceAccount(resource: string): string {
  const m = /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(resource);
  return m ? m[1] : ACCOUNT; // S3 ARNs carry no account: the log bucket is the home account's.
}

/**
 * Runs one case against a policy set.
 * @throws Error when the simulator rejects the input (an invalid policy, action or resource), with its message.
 */
export async function simulate(c: PolicyCase, policies: PolicySet): Promise<SimulationOutcome> {
  const ecValue = c.context[ENCRYPTION_CONTEXT_KEY];
  const resourcePolicy = c.resourcePolicy
    ? withEncryptionContextDecided(resourcePolicyOf(policies, c.resourcePolicy), ecValue)
    : undefined;
  const identity = (c.identityPolicies ?? []).map((name) => ({
    name,
    policy: name === 'permissions' ? policies.permissions : name === 'reader' ? READER_POLICY : ASSUME_ANYTHING_POLICY,
  }));
  const simulation: Simulation = {
    request: {
      principal: c.principal === 'anonymous' ? anonymousPrincipal : c.principal,
      action: c.action,
      resource: { resource: c.resource, accountId: resourceAccount(c.resource) },
      contextVariables: { ...c.context },
    },
    identityPolicies: identity,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
  };
  const r = await runSimulation(simulation, {});
  if (r.resultType === 'error')
    throw new Error(`${c.id}: the simulator rejected the request: ${JSON.stringify(r.errors)}`);
  const ignored =
    r.resultType === 'single'
      ? (r.result.ignoredContextKeys ?? [])
      : [...new Set(r.results.flatMap((x) => x.ignoredContextKeys ?? []))];
  return { result: r.overallResult as SimulationOutcome['result'], ignoredContextKeys: ignored };
}

/** The simulator's verdict in the words of the table. */
export function verdictOf(result: SimulationOutcome['result']): PolicyCase['verdict'] {
  return result === 'Allowed' ? 'allowed' : result === 'ExplicitlyDenied' ? 'denied (explicit)' : 'denied';
}
