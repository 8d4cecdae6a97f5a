/**
 * What the central log archive serves, and the checks its policy builders share: which trails may deliver (the
 * organization trail, account-mode trails of the served accounts), how the served accounts are named without a list
 * that grows per account, and the principals that stay exempt from the archive's Deny statements.
 */
import { formatArn } from '../../config/arn';
import type { PolicyCondition } from './types';

/**
 * The IAM policy variable for the account on whose behalf a service principal acts. In the Resource element it keeps
 * each served account to its own `AWSLogs/<account>/` path with one statement, whatever the number of accounts.
 * `policyJson` writes it `$${aws:SourceAccount}`, so Terraform passes it to AWS literally.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount
 */
export const SOURCE_ACCOUNT_VARIABLE = '${aws:SourceAccount}';

/**
 * The accounts whose own (account-mode) trails the archive serves:
 * - `{ organizationId, organizationalUnitPaths? }`: every account of the organization (`aws:SourceOrgID`), or only
 *   those under the given OU paths (`aws:SourceOrgPaths`, e.g. `o-abc123def4/r-ab12/ou-ab12-11111111/`). The policy
 *   size does not depend on the number of accounts.
 * - `{ accountIds }`: exactly these accounts (`aws:SourceAccount`), for an estate without an organization. The list
 *   grows with the estate; the builders throw when a policy would exceed its size quota.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceorgid
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceorgpaths
 */
export type ServedAccounts =
  | { readonly organizationId: string; readonly organizationalUnitPaths?: readonly string[] }
  | { readonly accountIds: readonly string[] };

/** The organization trail that delivers to the archive (owned by the management account, FC-02). */
export interface OrganizationTrailRef {
  /** `arn:<p>:cloudtrail:<home region>:<management account>:trail/<name>`. */
  readonly trailArn: string;
  /** The organization, `o-` and 10 to 32 lower-case letters or digits. */
  readonly organizationId: string;
}

/** Organization IDs. https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html */
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
/** An organization entity path ending in `/`. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceorgpaths */
const ORG_PATH = /^o-[a-z0-9]{10,32}\/r-[0-9a-z]{4,32}\/(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}\/)*$/;
const ACCOUNT_ID = /^\d{12}$/;
/**
 * Trail names: 3 to 128 of letters, digits, `.`, `_`, `-`; start and end with a letter or digit; no two of `._-` in a
 * row. https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-trail-naming-requirements.html
 */
const TRAIL_NAME = /^(?=.{3,128}$)[A-Za-z0-9](?:[A-Za-z0-9]|[._-](?![._-]))*[A-Za-z0-9]$/;
const TRAIL_ARN = /^arn:(aws[a-z-]*):cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/;
/** An exact IAM role ARN (path allowed), no `*` or `?`. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns */
const EXACT_ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
/** An exact IAM role or user ARN, or an account root. */
const EXACT_PRINCIPAL_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):(root|(role|user)\/[\w+=,.@/-]{1,512})$/;

/**
 * `arn:<p>:cloudtrail:*:*:trail/<name>`: a trail of that name in any account and Region.
 * @throws Error (from formatArn) when the partition is empty or the name reads `undefined` or `null`.
 */
export const anyTrailNamed = (partition: string, name: string): string =>
  formatArn({ partition, service: 'cloudtrail', region: '*', account: '*', resource: `trail/${name}` });

/**
 * The parts of a trail ARN.
 * @throws Error naming what is wrong: not a trail ARN, another partition, or not a trail name.
 */
export function parseTrailArn(partition: string, arn: string): { region: string; account: string; name: string } {
  const m = TRAIL_ARN.exec(arn);
  if (!m)
    throw new Error(
      `${JSON.stringify(arn)} is not a trail ARN (arn:<partition>:cloudtrail:<region>:<12-digit account>:trail/<name>)`,
    );
  if (m[1] !== partition) throw new Error(`trail ARN ${JSON.stringify(arn)} is in partition ${m[1]}, not ${partition}`);
  if (!TRAIL_NAME.test(m[4]))
    throw new Error(`trail ARN ${JSON.stringify(arn)}: ${JSON.stringify(m[4])} is not a trail name`);
  return { region: m[2], account: m[3], name: m[4] };
}

/** Collects problems and throws them together, prefixed with `what`. */
export class Problems {
  private readonly list: string[] = [];
  constructor(private readonly what: string) {}
  add(problem: string): void {
    this.list.push(problem);
  }
  /** Runs `check`, recording the message of what it throws. */
  check(check: () => void): void {
    try {
      check();
    } catch (e) {
      this.add((e as Error).message);
    }
  }
  /** @throws Error listing every problem, when there is one. */
  throwIfAny(): void {
    if (this.list.length) throw new Error(`${this.what}: ${this.list.join('; ')}`);
  }
}

/** Checks a {@link ServedAccounts}; records every problem. */
export function checkServed(problems: Problems, served: ServedAccounts): void {
  if ('organizationId' in served) {
    if (!ORGANIZATION_ID.test(served.organizationId)) {
      problems.add(
        `served.organizationId ${JSON.stringify(served.organizationId)} is not an organization ID (^o-[a-z0-9]{10,32}$)`,
      );
    }
    const paths = served.organizationalUnitPaths;
    if (paths !== undefined && paths.length === 0)
      problems.add('served.organizationalUnitPaths is empty: leave it out to serve the whole organization');
    for (const p of paths ?? []) {
      if (!ORG_PATH.test(p))
        problems.add(
          `served.organizationalUnitPaths: ${JSON.stringify(p)} is not an organization path such as o-abc123def4/r-ab12/ou-ab12-11111111/`,
        );
      else if (!p.startsWith(`${served.organizationId}/`))
        problems.add(`served.organizationalUnitPaths: ${JSON.stringify(p)} is not in ${served.organizationId}`);
    }
  } else {
    if (served.accountIds.length === 0) problems.add('served.accountIds is empty');
    const seen = new Set<string>();
    for (const a of served.accountIds) {
      if (!ACCOUNT_ID.test(a)) problems.add(`served.accountIds: ${JSON.stringify(a)} is not a 12-digit account ID`);
      else if (seen.has(a)) problems.add(`served.accountIds: ${a} is listed twice`);
      seen.add(a);
    }
  }
}

/** Checks trail names; records every problem. */
export function checkTrailNames(problems: Problems, what: string, names: readonly string[]): void {
  if (names.length === 0) problems.add(`${what} is empty`);
  for (const n of names)
    if (!TRAIL_NAME.test(n))
      problems.add(`${what}: ${JSON.stringify(n)} is not a trail name (3 to 128 of A-Z a-z 0-9 . _ -)`);
  if (new Set(names).size !== names.length) problems.add(`${what} lists a name twice`);
}

/** Checks an organization trail reference; records every problem. */
export function checkOrganizationTrail(problems: Problems, partition: string, t: OrganizationTrailRef): void {
  problems.check(() => parseTrailArn(partition, t.trailArn));
  if (!ORGANIZATION_ID.test(t.organizationId)) {
    problems.add(
      `organizationTrail.organizationId ${JSON.stringify(t.organizationId)} is not an organization ID (^o-[a-z0-9]{10,32}$)`,
    );
  }
}

/**
 * Checks a list of exact principal ARNs in `partition` (`kind: 'role'`: IAM roles only; `'principal'`: roles, users or
 * an account root), without `*` or `?`: `ArnLike`/`ArnNotLike` treat both as wildcards, and a pattern would exempt any
 * principal that anyone creates under that name. Records every problem.
 */
export function checkExactArns(
  problems: Problems,
  what: string,
  partition: string,
  arns: readonly string[],
  kind: 'role' | 'principal',
): void {
  const re = kind === 'role' ? EXACT_ROLE_ARN : EXACT_PRINCIPAL_ARN;
  for (const arn of arns) {
    const m = re.exec(arn);
    if (!m)
      problems.add(
        `${what}: ${JSON.stringify(arn)} is not an exact IAM ${kind === 'role' ? 'role' : 'role, user or root'} ARN (no * or ?)`,
      );
    else if (m[1] !== partition)
      problems.add(`${what}: ${JSON.stringify(arn)} is in partition ${m[1]}, not ${partition}`);
  }
  if (new Set(arns).size !== arns.length) problems.add(`${what} lists an ARN twice`);
}

/**
 * The condition that limits a service principal to the served accounts: `StringEquals aws:SourceOrgID` (plus
 * `ForAnyValue:StringLike aws:SourceOrgPaths` for OU paths), or `StringEquals aws:SourceAccount` over the list.
 * `aws:SourceOrgPaths` is multivalued, hence `ForAnyValue`.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceorgpaths
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
export function servedSourceCondition(served: ServedAccounts): PolicyCondition {
  if ('accountIds' in served) return { StringEquals: { 'aws:SourceAccount': [...served.accountIds] } };
  return {
    StringEquals: { 'aws:SourceOrgID': served.organizationId },
    ...(served.organizationalUnitPaths
      ? { 'ForAnyValue:StringLike': { 'aws:SourceOrgPaths': served.organizationalUnitPaths.map((p) => `${p}*`) } }
      : {}),
  };
}

/** Merges conditions operator by operator (keys of the same operator are combined; a repeated key is an error). */
export function mergeConditions(...conditions: PolicyCondition[]): PolicyCondition {
  const out: Record<string, Record<string, string | string[] | boolean>> = {};
  for (const c of conditions) {
    for (const [op, entries] of Object.entries(c)) {
      out[op] ??= {};
      for (const [k, v] of Object.entries(entries)) {
        if (k in out[op]) throw new Error(`condition ${op} ${k} is set twice`);
        out[op][k] = v;
      }
    }
  }
  return out;
}

/** `v` alone when it has one element, else the list (IAM accepts both; the single form is shorter). */
export const oneOrMany = (v: readonly string[]): string | string[] => (v.length === 1 ? v[0] : [...v]);

/** The size AWS counts: the UTF-8 bytes of the compact JSON. */
export const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');
