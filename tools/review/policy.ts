/**
 * IAM policy documents as data, for the review: parsed statements, plain-word sentences, and what became broader
 * between two versions of a policy.
 *
 * Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 * Elements: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 * Wildcards in actions and ARNs (`*` any run of characters, `?` one character; action names are case-insensitive):
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html and
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */
import { type ActionCatalog, actionsGained } from './actions';
import { matchesPattern } from './patterns';

export { matchesPattern } from './patterns';

/** One principal of a statement: `Principal: "*"` is `{ kind: '*', value: '*' }`. */
export interface Principal {
  readonly kind: 'AWS' | 'Service' | 'Federated' | 'CanonicalUser' | '*';
  readonly value: string;
}

/** One condition: operator (`StringEquals`, `ArnNotLike`, `ForAnyValue:StringLike`, `BoolIfExists` …), key, values. */
export interface Condition {
  readonly operator: string;
  readonly key: string;
  /** As strings (`false`, not `false` the Boolean), in the policy's order. */
  readonly values: string[];
}

/** One statement, normalised: every element a list. */
export interface Statement {
  readonly sid?: string;
  /** Position in the policy, from 0. */
  readonly index: number;
  readonly effect: 'Allow' | 'Deny';
  /** `undefined` in an identity policy (no Principal element): the identity the policy is attached to. */
  readonly principals?: Principal[];
  /** True when the statement has `NotPrincipal` (then `principals` are the ones excluded). */
  readonly notPrincipal: boolean;
  readonly actions: string[];
  /** True when the statement has `NotAction`. */
  readonly notAction: boolean;
  readonly resources: string[];
  /** True when the statement has `NotResource`. */
  readonly notResource: boolean;
  readonly conditions: Condition[];
}

/** A policy that cannot be read: where, and why. */
export class PolicyError extends Error {}

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** A 12-digit account ID principal, as IAM reads it: the account's root. */
const accountRoot = (v: string): string => (/^\d{12}$/.test(v) ? `arn:aws:iam::${v}:root` : v);

function principalsOf(v: unknown, where: string): Principal[] {
  if (v === '*') return [{ kind: '*', value: '*' }];
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new PolicyError(`${where}: Principal: ${JSON.stringify(v)}: "*" or a map of principal types`);
  const out: Principal[] = [];
  for (const [kind, values] of Object.entries(v as Record<string, unknown>)) {
    if (!['AWS', 'Service', 'Federated', 'CanonicalUser'].includes(kind))
      throw new PolicyError(`${where}: Principal: ${kind}: not a principal type`);
    for (const value of list(values)) {
      const s = String(value);
      out.push(
        kind === 'AWS' && s === '*'
          ? { kind: '*', value: '*' }
          : { kind: kind as Principal['kind'], value: kind === 'AWS' ? accountRoot(s) : s },
      );
    }
  }
  return out;
}

/**
 * Parses a policy document (the JSON text Terraform sends, Terraform references such as `${aws_kms_key.k.arn}` kept
 * as written inside the strings).
 * @param where names the policy in errors (`aws_s3_bucket_policy.log_bucket_policy.policy`)
 * @throws PolicyError when the text is not JSON, or not a policy (no Statement, an Effect other than Allow or Deny,
 *   a statement with neither Action nor NotAction)
 */
export function parsePolicy(text: string, where: string): Statement[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new PolicyError(`${where}: not JSON: ${(e as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || !('Statement' in doc)) throw new PolicyError(`${where}: no Statement`);
  return list((doc as { Statement: unknown }).Statement).map((raw, index) => {
    const st = raw as Record<string, unknown>;
    const at = `${where}: Statement[${index}]`;
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny')
      throw new PolicyError(`${at}: Effect: ${JSON.stringify(st.Effect)}: Allow or Deny`);
    if (st.Action === undefined && st.NotAction === undefined)
      throw new PolicyError(`${at}: neither Action nor NotAction`);
    const conditions: Condition[] = [];
    for (const [operator, block] of Object.entries((st.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
      for (const [key, values] of Object.entries(block ?? {}))
        conditions.push({ operator, key, values: list(values).map(String) });
    }
    const principal = st.Principal ?? st.NotPrincipal;
    return {
      ...(typeof st.Sid === 'string' && st.Sid !== '' ? { sid: st.Sid } : {}),
      index,
      effect: st.Effect,
      ...(principal === undefined ? {} : { principals: principalsOf(principal, at) }),
      notPrincipal: st.NotPrincipal !== undefined,
      actions: list(st.Action ?? st.NotAction).map(String),
      notAction: st.NotAction !== undefined,
      resources: list(st.Resource ?? st.NotResource).map(String),
      notResource: st.NotResource !== undefined,
      conditions,
    };
  });
}

/**
 * A Terraform string as a reader sees it: a reference `${aws_x.y.attr}` as `aws_x.y.attr`, and an escaped literal
 * `$${…}` as `${…}`.
 * @see https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences
 */
export function readable(s: string): string {
  return s.replace(/(\$?)\$\{([^}]*)\}/g, (_all, escaped: string, inner: string) => (escaped ? `\${${inner}}` : inner));
}

/** The account ID of an IAM ARN, or `undefined`. */
const accountOf = (arn: string): string | undefined => /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1];

/**
 * Whether the principal `p` is one of those `q` stands for (the same, a pattern over it, its account's root, anyone).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
export function principalCovers(q: Principal, p: Principal): boolean {
  if (q.kind === '*') return true;
  if (p.kind === '*') return false;
  if (q.kind !== p.kind) return false;
  if (matchesPattern(q.value, p.value, q.kind === 'Service')) return true;
  return (
    q.kind === 'AWS' &&
    /:root$/.test(q.value) &&
    accountOf(q.value) !== undefined &&
    accountOf(q.value) === accountOf(p.value)
  );
}

/**
 * A principal in plain words. An account's root (or its 12-digit ID) stands for the account: the account's IAM
 * policies decide which of its principals may (for a KMS key, that is what the key policy's root statement enables).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
 */
export function principalText(p: Principal): string {
  if (p.kind === '*') return 'anyone';
  if (p.kind === 'Service') return `the service ${p.value}`;
  if (p.kind === 'AWS') {
    const root = /^arn:[^:]+:iam::(\d{12}):root$/.exec(p.value);
    if (root) return `account ${root[1]} (its IAM policies decide who in it)`;
    return readable(p.value);
  }
  return `${p.kind} ${p.value}`;
}

/** Plain words of a condition operator, for one value and for several. */
function operatorWords(operator: string): { one: string; many: string } {
  const base = operator.replace(/^(ForAnyValue|ForAllValues):/, '').replace(/IfExists$/, '');
  const negative = /Not/.test(base);
  const like = /Like$/.test(base);
  const words =
    base === 'Bool' || base === 'Null'
      ? { one: 'is', many: 'is one of' }
      : like
        ? negative
          ? { one: 'does not match', many: 'matches none of' }
          : { one: 'matches', many: 'matches one of' }
        : /(LessThan|GreaterThan)/.test(base)
          ? {
              one: base
                .replace(/^(Numeric|Date)/, '')
                .replace(/([A-Z])/g, ' $1')
                .trim()
                .toLowerCase(),
              many: base
                .replace(/^(Numeric|Date)/, '')
                .replace(/([A-Z])/g, ' $1')
                .trim()
                .toLowerCase(),
            }
          : negative
            ? { one: 'is not', many: 'is none of' }
            : { one: 'is', many: 'is one of' };
  const suffix = operator.endsWith('IfExists') ? ' (when present)' : '';
  const prefix = operator.startsWith('ForAllValues:')
    ? 'every value of '
    : operator.startsWith('ForAnyValue:')
      ? 'a value of '
      : '';
  return { one: `${prefix}|${words.one}${suffix}`, many: `${prefix}|${words.many}${suffix}` };
}

/** A condition in plain words: `aws:SourceArn is arn:…`, `aws:SecureTransport is false`, `aws:X is absent`. */
export function conditionText(c: Condition): string {
  if (c.operator.replace(/IfExists$/, '') === 'Null' && c.values.length === 1) {
    return `${c.key} is ${c.values[0] === 'true' ? 'absent' : 'present'}`;
  }
  const w = operatorWords(c.operator);
  const [prefix, verb] = (c.values.length === 1 ? w.one : w.many).split('|');
  return `${prefix}${c.key} ${verb} ${c.values.map(readable).join(', ')}`;
}

/**
 * A resource in plain words: an S3 object ARN as `objects <key pattern> of bucket <b>`, a bucket ARN as
 * `bucket <b>`; `*` in a key or topic policy as `this key` / `this resource`; anything else as written (references
 * read as in {@link readable}).
 * @param selfName what `*` means here (a resource policy's `*` is the resource the policy is attached to)
 */
export function resourceText(r: string, selfName?: string): string {
  if (r === '*' && selfName) return selfName;
  const s3 = /^arn:[^:]+:s3:::([^/]+)(?:\/(.*))?$/.exec(r);
  if (s3) {
    if (s3[2] === undefined) return `bucket ${readable(s3[1])}`;
    return s3[2] === '*'
      ? `every object of bucket ${readable(s3[1])}`
      : `objects ${readable(s3[2])} of bucket ${readable(s3[1])}`;
  }
  return r === '*' ? 'every resource' : readable(r);
}

/**
 * A statement in plain words: `<who> may <actions> on <resources> when <conditions>` (`<who> is denied …` for Deny;
 * in an identity policy, `<who>` is `opts.identity`, e.g. `the role x`; a statement without Resource, such as a trust
 * policy's, is `on <selfName>`).
 * @param opts `identity` names the principal of an identity policy @default 'the identity'; `selfName` see
 *   {@link resourceText}
 */
export function statementText(st: Statement, opts: { identity?: string; selfName?: string } = {}): string {
  const who = st.principals
    ? `${st.notPrincipal ? 'everyone except ' : ''}${st.principals.map(principalText).join(', ')}`
    : (opts.identity ?? 'the identity');
  const actions = `${st.notAction ? 'every action except ' : ''}${st.actions.join(', ')}`;
  const resources =
    st.resources.length === 0
      ? (opts.selfName ?? '')
      : `${st.notResource ? 'everything except ' : ''}${st.resources.map((r) => resourceText(r, opts.selfName)).join(', ')}`;
  const on = resources ? ` on ${resources}` : '';
  const when = st.conditions.length ? ` when ${st.conditions.map(conditionText).join(' and ')}` : '';
  return `${who} ${st.effect === 'Deny' ? 'is denied' : 'may'} ${actions}${on}${when}`;
}

/** What changed in one statement, or between two policies, that matters to a reviewer. */
export interface StatementChange {
  /** True when access became broader (or a protection narrower): a security-relevant change. */
  readonly security: boolean;
  /** `allow-added`, `deny-removed`, `principal-widened`, `action-widened`, `resource-widened`, `condition-dropped`,
   *  `condition-widened`, `condition-changed`, `deny-narrowed`, `exception-added`, `effect-changed`, or for
   *  other changes `allow-removed`, `deny-added`, `narrowed`, `deny-widened`, `statement-changed`. */
  readonly kind: string;
  /** The statement's Sid, or `Statement[<index>]`. */
  readonly statement: string;
  /** Plain words. */
  readonly text: string;
}

const label = (st: Statement): string => st.sid ?? `Statement[${st.index}]`;

/** Pairs statements of two versions: by Sid, then the rest in order. */
function pairStatements(
  before: Statement[],
  after: Statement[],
): { pairs: Array<[Statement, Statement]>; removed: Statement[]; added: Statement[] } {
  const pairs: Array<[Statement, Statement]> = [];
  const restBefore: Statement[] = [];
  const usedAfter = new Set<Statement>();
  for (const b of before) {
    const a = b.sid === undefined ? undefined : after.find((x) => x.sid === b.sid && !usedAfter.has(x));
    if (a) {
      pairs.push([b, a]);
      usedAfter.add(a);
    } else restBefore.push(b);
  }
  const restAfter = after.filter((a) => !usedAfter.has(a));
  const removed: Statement[] = [];
  for (const b of restBefore) {
    const a = b.sid === undefined ? restAfter.find((x) => x.sid === undefined && !usedAfter.has(x)) : undefined;
    if (a) {
      pairs.push([b, a]);
      usedAfter.add(a);
    } else removed.push(b);
  }
  return { pairs, removed, added: after.filter((a) => !usedAfter.has(a)) };
}

/** Values of `after` not covered by any of `before` (IAM patterns), for resources (case-sensitive). */
const uncovered = (before: readonly string[], after: readonly string[], ignoreCase = false): string[] =>
  after.filter((v) => !before.some((b) => matchesPattern(b, v, ignoreCase)));

const isNegative = (operator: string): boolean => /Not/.test(operator.replace(/^(ForAnyValue|ForAllValues):/, ''));
const isLike = (operator: string): boolean => /Like(IfExists)?$/.test(operator);

/**
 * Compares two versions of one policy statement by statement (paired by Sid, else by order), and says what became
 * broader. For an Allow statement, broader is: a principal, action or resource it did not cover before (with
 * wildcards: `s3:*` covers `s3:PutObject`, `bucket/*` covers `bucket/logs/*`, an account's root covers its roles,
 * `*` covers everyone; actions are expanded with the IAM action catalog), a condition dropped, a condition value it
 * did not allow before, or an operator changed. For a Deny statement, broader access is: an action, resource or
 * principal no longer denied, a condition added or narrowed (a positive operator), or an exception added (a value
 * of a `…Not…` operator). A new Allow statement and a removed Deny statement are broader too; a removed Allow, a new
 * Deny, and everything else that differs are listed as other changes.
 * @param catalog actions per service ({@link expandActions})
 * @param opts as in {@link statementText}
 */
export function comparePolicies(
  before: Statement[],
  after: Statement[],
  catalog: ActionCatalog,
  opts: { identity?: string; selfName?: string } = {},
): StatementChange[] {
  const out: StatementChange[] = [];
  const { pairs, removed, added } = pairStatements(before, after);
  const push = (security: boolean, kind: string, st: Statement, text: string): void => {
    out.push({ security, kind, statement: label(st), text });
  };
  for (const [b, a] of pairs) {
    const n = out.length;
    if (b.effect !== a.effect) {
      push(b.effect === 'Deny', 'effect-changed', a, `${label(a)} became ${a.effect}: ${statementText(a, opts)}`);
      continue;
    }
    const allow = a.effect === 'Allow';
    // principals
    if (b.principals || a.principals) {
      const bp = b.principals ?? [];
      const ap = a.principals ?? [];
      const widened = ap.filter((p) => !bp.some((q) => principalCovers(q, p)));
      const narrowed = bp.filter((p) => !ap.some((q) => principalCovers(q, p)));
      if (allow && !b.notPrincipal && widened.length)
        push(
          true,
          'principal-widened',
          a,
          `${label(a)}: now also allows ${widened.map(principalText).join(', ')} (before: ${bp.map(principalText).join(', ')})`,
        );
      if (!allow && !b.notPrincipal && narrowed.length)
        push(true, 'deny-narrowed', a, `${label(a)}: no longer denies ${narrowed.map(principalText).join(', ')}`);
    }
    // actions
    if (!a.notAction && !b.notAction) {
      const gained = actionsGained(b.actions, a.actions, catalog);
      const lost = actionsGained(a.actions, b.actions, catalog);
      if (allow && gained.length)
        push(
          true,
          'action-widened',
          a,
          `${label(a)}: now also allows ${summarizeActions(gained, a.actions)} (before: ${b.actions.join(', ')})`,
        );
      if (!allow && lost.length)
        push(true, 'deny-narrowed', a, `${label(a)}: no longer denies ${summarizeActions(lost, b.actions)}`);
    }
    // resources
    if (!a.notResource && !b.notResource) {
      const widened = uncovered(b.resources, a.resources);
      const narrowed = uncovered(a.resources, b.resources);
      if (allow && widened.length)
        push(
          true,
          'resource-widened',
          a,
          `${label(a)}: now also on ${widened.map((r) => resourceText(r, opts.selfName)).join(', ')} (before: ${b.resources.map((r) => resourceText(r, opts.selfName)).join(', ')})`,
        );
      if (!allow && narrowed.length)
        push(
          true,
          'deny-narrowed',
          a,
          `${label(a)}: no longer denies on ${narrowed.map((r) => resourceText(r, opts.selfName)).join(', ')}`,
        );
    }
    // conditions
    for (const bc of b.conditions) {
      const ac = a.conditions.find((c) => c.key === bc.key && c.operator === bc.operator);
      const sameKey = a.conditions.filter((c) => c.key === bc.key);
      if (!ac && sameKey.length === 0) {
        if (allow) push(true, 'condition-dropped', a, `${label(a)}: condition dropped: ${conditionText(bc)}`);
        else
          push(
            false,
            'deny-widened',
            a,
            `${label(a)}: condition dropped (the Deny applies more widely): ${conditionText(bc)}`,
          );
        continue;
      }
      if (!ac) {
        push(
          true,
          'condition-changed',
          a,
          `${label(a)}: condition changed from ${conditionText(bc)} to ${sameKey.map(conditionText).join(' and ')}`,
        );
        continue;
      }
      const ignoreCase = false;
      const gained = isLike(ac.operator)
        ? uncovered(bc.values, ac.values, ignoreCase)
        : ac.values.filter((v) => !bc.values.includes(v));
      const lost = isLike(bc.operator)
        ? uncovered(ac.values, bc.values, ignoreCase)
        : bc.values.filter((v) => !ac.values.includes(v));
      if (allow) {
        if (!isNegative(ac.operator) && gained.length)
          push(
            true,
            'condition-widened',
            a,
            `${label(a)}: ${bc.key} now also allows ${gained.map(readable).join(', ')}`,
          );
        if (isNegative(ac.operator) && lost.length)
          push(
            true,
            'condition-widened',
            a,
            `${label(a)}: ${bc.key} no longer excludes ${lost.map(readable).join(', ')}`,
          );
      } else {
        if (isNegative(ac.operator) && gained.length)
          push(true, 'exception-added', a, `${label(a)}: new exception: ${bc.key} ${gained.map(readable).join(', ')}`);
        if (!isNegative(ac.operator) && lost.length)
          push(
            true,
            'deny-narrowed',
            a,
            `${label(a)}: ${bc.key} no longer ${lost.map(readable).join(', ')} (the Deny applies less widely)`,
          );
      }
    }
    for (const ac of a.conditions) {
      if (b.conditions.some((c) => c.key === ac.key)) continue;
      if (!allow)
        push(
          true,
          'deny-narrowed',
          a,
          `${label(a)}: condition added (the Deny applies less widely): ${conditionText(ac)}`,
        );
    }
    if (out.length === n && statementText(b, opts) !== statementText(a, opts)) {
      push(
        false,
        allow ? 'narrowed' : 'statement-changed',
        a,
        `${label(a)}: now ${statementText(a, opts)} (before: ${statementText(b, opts)})`,
      );
    }
  }
  for (const st of removed) {
    if (st.effect === 'Deny')
      push(true, 'deny-removed', st, `Deny statement removed: ${label(st)}: ${statementText(st, opts)}`);
    else push(false, 'allow-removed', st, `Allow statement removed: ${label(st)}: ${statementText(st, opts)}`);
  }
  for (const st of added) {
    if (st.effect === 'Allow')
      push(true, 'allow-added', st, `new Allow statement ${label(st)}: ${statementText(st, opts)}`);
    else push(false, 'deny-added', st, `new Deny statement ${label(st)}: ${statementText(st, opts)}`);
  }
  return out;
}

/** The gained or lost actions in words: the patterns of `written` that hold them when all of a pattern is, else the list. */
function summarizeActions(actions: readonly string[], written: readonly string[]): string {
  const shown =
    actions.length > 6 ? `${actions.slice(0, 6).join(', ')} and ${actions.length - 6} more` : actions.join(', ');
  const patterns = written.filter((w) => w.includes('*') || w.includes('?'));
  return patterns.length && actions.length > 6 ? `${shown} (${patterns.join(', ')})` : shown;
}
