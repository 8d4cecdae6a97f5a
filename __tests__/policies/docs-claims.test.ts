/**
 * The docs say what the JSON says (issue #9, item 11). docs/security.md ("Every policy statement") and README.md
 * (Security) hold tables of policy statements, between `<!-- policy-claims:start -->` and `<!-- policy-claims:end -->`:
 * policy, Sid, where it appears, effect, principal, action, resource, condition. This test reads those tables and checks
 * them against the synthesized Terraform JSON of every stack of every example:
 *
 * - every row holds in every stack where it applies (its `where` holds and the stack has that policy): a statement
 *   with that Sid is there, with exactly that effect, principal, actions, resources and conditions;
 * - every row applies to at least one stack of the examples (no claim goes unchecked);
 * - docs/security.md's table is complete: every statement of every policy in those stacks is one of its rows.
 *
 * Placeholders in the cells are the stack's own values (`<account>`, `<trail-arn>`, ...); Terraform references in the
 * JSON are compared by what they name (`<key-arn>`, `<automation-role-arn>`, ...).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { loadConfig, parseConfig } from '../../config';
import type { AccountConfig, GuardConfig, LogArchiveConfig } from '../../config/types';
import { buildStacks } from '../../stacks';
import { ROOT } from '../support/synth';
import { ARCHIVE_IN_ORGANIZATION_YAML } from '../log-archive/fixtures';
import { ORGANIZATION_YAML } from './policy-sets';

const EXAMPLES = ['single-account.yaml', 'multi-account.yaml', 'organization.yaml', 'log-archive.yaml'];
/**
 * Besides the examples, two layouts no example has, so that their rows stay checked: an organization trail that
 * delivers to the management account's own bucket (the layout before the log archive, which the security table's
 * `organization` setup evaluates), and account trails in an organization delivering to the log archive (served as the
 * whole organization).
 */
const EXTRA_SETUPS: ReadonlyArray<readonly [string, string]> = [
  ['organization, own bucket (policy-sets.ts)', ORGANIZATION_YAML],
  ['accounts of an organization, log archive (log-archive/fixtures.ts)', ARCHIVE_IN_ORGANIZATION_YAML],
];
const DOCS = { security: join(ROOT, 'docs', 'security.md'), readme: join(ROOT, 'README.md') };
const CLAIM_COLUMNS = ['policy', 'Sid', 'where', 'effect', 'principal', 'action', 'resource', 'condition'] as const;
const POLICIES = [
  'bucket policy',
  'key policy',
  'topic policy',
  'automation role trust',
  'automation role permissions',
  'fast-path role trust',
  'fast-path role permissions',
  'CloudWatch Logs role trust',
  'CloudWatch Logs role permissions',
  'tamper SCP',
  'archive bucket policy',
  'access-log bucket policy',
  'archive key policy',
] as const;
type Policy = (typeof POLICIES)[number];

interface Claim {
  readonly file: string;
  readonly line: number;
  readonly cells: Readonly<Record<(typeof CLAIM_COLUMNS)[number], string>>;
}

/** A statement reduced to comparable form: every value a list of strings. */
interface Canonical {
  readonly effect: string;
  readonly principal: string;
  readonly action: readonly string[];
  readonly resource: readonly string[];
  readonly condition: Readonly<Record<string, readonly string[]>>;
}

/** The rows of the claims table in a file (backticks around a cell are markup, not content). */
function claimsOf(file: string): Claim[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trim() === '<!-- policy-claims:start -->');
  const end = lines.findIndex((l) => l.trim() === '<!-- policy-claims:end -->');
  if (start < 0 || end < start) throw new Error(`${file}: no <!-- policy-claims:start --> ... <!-- policy-claims:end --> table`);
  const rows = lines
    .map((text, i) => ({ text, line: i + 1 }))
    .slice(start + 1, end)
    .filter((r) => r.text.trim().startsWith('|'))
    .map((r) => ({ line: r.line, cells: r.text.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim().replace(/^`(.*)`$/, '$1')) }));
  expect(rows[0].cells).toEqual([...CLAIM_COLUMNS]);
  expect(rows[1].cells.every((c) => /^:?-{3,}:?$/.test(c))).toBe(true);
  return rows.slice(2).map((r) => {
    if (r.cells.length !== CLAIM_COLUMNS.length) throw new Error(`${file}:${r.line}: ${r.cells.length} cells, not ${CLAIM_COLUMNS.length}`);
    return { file, line: r.line, cells: Object.fromEntries(CLAIM_COLUMNS.map((c, i) => [c, r.cells[i]])) as Claim['cells'] };
  });
}

/** Everything a stack's claims are resolved against. */
interface StackContext {
  readonly example: string;
  readonly config: GuardConfig;
  /** The account of an account or detection stack; unset for the log-archive stack. */
  readonly account?: AccountConfig;
  /** Set for the log-archive stack. */
  readonly logArchive?: LogArchiveConfig;
  readonly json: Record<string, any>;
}

const acct = (s: StackContext): AccountConfig | undefined => s.account;
const la = (s: StackContext): LogArchiveConfig | undefined => s.logArchive;

/** Where a row applies: `every stack`, or one of these (joined by ` + `). */
const WHERE: Record<string, (s: StackContext) => boolean> = {
  'every stack': () => true,
  'account mode': (s) => acct(s) !== undefined && !acct(s)!.trail.isOrganizationTrail,
  'organization trail': (s) => acct(s)?.trail.isOrganizationTrail === true,
  'recorder: create': (s) => acct(s)?.configRule.recorder === 'create',
  'CloudWatch Logs': (s) => acct(s)?.trail.cloudWatchLogs !== undefined,
  'SNS topic': (s) => acct(s)?.trail.snsTopicName !== undefined,
  'fast path': (s) => acct(s)?.remediation.fastPath === true,
  'tamper protection': (s) =>
    s.config.organization?.tamperProtection !== undefined && s.config.organization.managementAccountId === acct(s)?.accountId,
  'log archive': (s) => la(s) !== undefined,
  'archive: organization trail': (s) => la(s)?.organizationTrail !== undefined,
  'archive: account trails': (s) => la(s)?.served !== undefined,
  'archive: organization': (s) => la(s)?.served !== undefined && 'organizationId' in la(s)!.served!,
  'archive: account list': (s) => la(s)?.served !== undefined && 'accountIds' in la(s)!.served!,
  'archive: no organization scope': (s) =>
    la(s)?.organizationTrail !== undefined && !(la(s)?.served !== undefined && 'organizationId' in la(s)!.served!),
  'archive: log readers': (s) => (la(s)?.logReaderArns.length ?? 0) > 0,
};

function applies(where: string, s: StackContext, claim: Claim): boolean {
  return where.split(' + ').every((w) => {
    const test = WHERE[w];
    if (!test) throw new Error(`${claim.file}:${claim.line}: where ${JSON.stringify(w)} is not one of ${Object.keys(WHERE).join(', ')}`);
    return test(s);
  });
}

/** The placeholders a cell may use, with this stack's values (lists for the SCP's and the archive's lists). */
function placeholders(s: StackContext): Record<string, string | readonly string[]> {
  const a = s.account;
  const l = s.logArchive;
  const scp = s.config.organization?.tamperProtection;
  const p = a?.partition ?? l?.partition ?? 'aws';
  const none = (what: string) => `(no ${what})`;
  const served = l?.served;
  return {
    '<p>': p,
    '<account>': a?.accountId ?? none('account'),
    '<region>': a?.homeRegion ?? none('account'),
    '<trail>': a?.trail.name ?? none('account'),
    '<trail-arn>': a?.trail.arn ?? none('account'),
    '<bucket>': a?.logBucket.name ?? none('account'),
    '<prefix/>': a ? (a.logBucket.s3KeyPrefix === '' ? '' : `${a.logBucket.s3KeyPrefix}/`) : none('account'),
    '<org-id>': s.config.organization?.id ?? '(no organization)',
    '<management-account>': s.config.organization?.managementAccountId ?? '(no organization)',
    '<log-group>': a?.trail.cloudWatchLogs?.logGroupName ?? '(no log group)',
    '<topic>': a?.trail.snsTopicName ?? '(no topic)',
    '<key-arn>': a?.kmsKey.existingKeyArn ?? a?.kmsKey.archive?.keyArn ?? '<key-arn>',
    '<guarded-trail-arns>': (scp?.trailNames ?? []).map((n) => `arn:${p}:cloudtrail:*:*:trail/${n}`),
    '<admin-role-patterns>': [...new Set([...(scp?.deploymentRolePatterns ?? []), ...(scp?.breakGlassRolePatterns ?? [])])],
    '<archive-account>': l?.accountId ?? none('log archive'),
    '<archive-region>': l?.region ?? none('log archive'),
    '<archive-bucket>': l?.bucket.name ?? none('log archive'),
    '<access-log-bucket>': l?.accessLogBucketName ?? none('log archive'),
    '<archive-prefix/>': l ? (l.s3KeyPrefix === '' ? '' : `${l.s3KeyPrefix}/`) : none('log archive'),
    '<key-account>': l?.kmsKey.accountId ?? none('log archive'),
    '<archive-deployment-role>': l?.deploymentRoleArn ?? none('log archive'),
    '<key-deployment-role>': l?.kmsKey.deploymentRoleArn ?? none('log archive'),
    '<break-glass-role-arns>': l?.breakGlassRoleArns ?? [],
    '<log-readers>': l?.logReaderArns.join(', ') ?? none('log archive'),
    '<org-trail-arn>': l?.organizationTrail?.trailArn ?? none('organization trail'),
    '<org-trail>': l?.organizationTrail?.trailArn.split('/').pop() ?? none('organization trail'),
    '<org-trail-account>': l?.organizationTrail?.trailArn.split(':')[4] ?? none('organization trail'),
    '<served-account-ids>': served && 'accountIds' in served ? served.accountIds : [],
    '<account-trail-patterns>': (l?.accountTrailNames ?? []).map((n) => `arn:${p}:cloudtrail:*:*:trail/${n}`),
    '<trail-patterns>': [
      ...(l?.organizationTrail ? [l.organizationTrail.trailArn] : []),
      ...(l?.accountTrailNames ?? []).map((n) => `arn:${p}:cloudtrail:*:*:trail/${n}`),
    ],
  };
}

/** Expands one value of a cell; a list placeholder standing alone becomes its list. */
function expand(value: string, s: StackContext, claim: Claim): string[] {
  const map = placeholders(s);
  const whole = map[value];
  if (Array.isArray(whole)) return [...whole];
  const out = value.replace(/<[a-z/-]+>/g, (p) => {
    const v = map[p];
    if (v === undefined) {
      // references compared by name, left as they are
      if (['<automation-role-arn>', '<cloudwatch-logs-role-arn>', '<runbook>'].includes(p)) return p;
      throw new Error(`${claim.file}:${claim.line}: unknown placeholder ${p}`);
    }
    if (Array.isArray(v)) throw new Error(`${claim.file}:${claim.line}: the list ${p} must stand alone`);
    return v as string;
  });
  return [out];
}

const list = (cell: string): string[] => (cell === '-' ? [] : cell.split(', ').map((x) => x.trim()));

/** A row's expected statement in this stack. */
function expected(claim: Claim, s: StackContext): Canonical {
  const c = claim.cells;
  const condition: Record<string, string[]> = {};
  for (const part of c.condition === '-' ? [] : c.condition.split('; ')) {
    const m = /^(\S+) (\S+) = (.+)$/.exec(part);
    if (!m) throw new Error(`${claim.file}:${claim.line}: condition ${JSON.stringify(part)} is not "<Operator> <key> = <value>, ..."`);
    condition[`${m[1]} ${m[2]}`] = list(m[3]).flatMap((v) => expand(v, s, claim));
  }
  return {
    effect: c.effect,
    principal: c.principal === '-' ? '-' : expand(c.principal, s, claim)[0],
    action: list(c.action),
    resource: list(c.resource).flatMap((v) => expand(v, s, claim)),
    condition,
  };
}

/** `{ Service: x }` as `Service: x`; `'*'` as `*`; none as `-`. */
function principalText(p: unknown): string {
  if (p === undefined) return '-';
  if (p === '*') return '*';
  const entries = Object.entries(p as Record<string, string | string[]>);
  if (entries.length !== 1) return JSON.stringify(p);
  const [k, v] = entries[0];
  return `${k}: ${Array.isArray(v) ? v.join(', ') : v}`;
}

const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

function canonical(st: Record<string, any>): Canonical {
  const condition: Record<string, string[]> = {};
  for (const [op, entries] of Object.entries((st.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const [k, v] of Object.entries(entries)) condition[`${op} ${k}`] = asList(v);
  }
  return { effect: st.Effect, principal: principalText(st.Principal), action: asList(st.Action), resource: asList(st.Resource), condition };
}

/**
 * A policy attribute as AWS gets it, Terraform references named: the stack's key ARN, automation role ARN, CloudWatch
 * Logs role ARN and runbook name; `$${` and `%%{` read back as `${` and `%{` (Terraform JSON string templates).
 */
function readPolicy(text: string, json: Record<string, any>, where: string): { Statement: Array<Record<string, any>> } {
  const roleNames = Object.fromEntries(Object.entries(json.resource.aws_iam_role ?? {}).map(([id, r]: [string, any]) => [id, String(r.name)]));
  const named = text.replace(/(?<!\$)\$\{((?:aws_[a-z_]+)|local)\.([A-Za-z0-9_-]+)(?:\.([a-z_]+))?\}/g, (ref, type, id, attr) => {
    if (type === 'aws_kms_key' && attr === 'arn') return '<key-arn>';
    // The log archive's key, read by its alias ARN (modules/log-archive-key-ref.ts).
    if (type === 'local' && id === 'log_archive_key_arn' && attr === undefined) return '<key-arn>';
    if (type === 'aws_ssm_document' && attr === 'name') return '<runbook>';
    if (type === 'aws_iam_role' && attr === 'arn') {
      if (/^cloudtrail-guard-automation-/.test(roleNames[id])) return '<automation-role-arn>';
      if (/^cloudtrail-guard-cloudwatch-logs-/.test(roleNames[id])) return '<cloudwatch-logs-role-arn>';
    }
    throw new Error(`${where}: a Terraform reference no claim can name: ${ref}`);
  });
  return JSON.parse(named.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{'));
}

/** The policies of a stack, by the names the tables use. */
function policiesOf(json: Record<string, any>, where: string): Map<Policy, Array<Record<string, any>>> {
  const r = json.resource;
  const out = new Map<Policy, Array<Record<string, any>>>();
  const put = (name: Policy, text: string) => out.set(name, readPolicy(text, json, `${where} ${name}`).Statement);
  const one = (type: string): Record<string, any>[] => Object.values(r[type] ?? {});
  const isArchive = Object.keys(r.aws_s3_bucket_logging ?? {}).length > 0; // only the log-archive stack logs access
  const bucketNameOf = (ref: string): string => {
    const m = /^\$\{aws_s3_bucket\.([A-Za-z0-9_-]+)\.id\}$/.exec(ref);
    if (!m) throw new Error(`${where}: a bucket policy's bucket is ${ref}`);
    return String(r.aws_s3_bucket[m[1]].bucket);
  };
  for (const p of one('aws_s3_bucket_policy')) {
    if (!isArchive) put('bucket policy', p.policy);
    else put(/-archive-access-/.test(bucketNameOf(p.bucket)) ? 'access-log bucket policy' : 'archive bucket policy', p.policy);
  }
  for (const k of one('aws_kms_key')) put(isArchive ? 'archive key policy' : 'key policy', k.policy);
  for (const t of one('aws_sns_topic_policy')) put('topic policy', t.policy);
  for (const o of one('aws_organizations_policy')) put('tamper SCP', o.content);
  const kinds: Array<[RegExp, 'automation role' | 'fast-path role' | 'CloudWatch Logs role']> = [
    [/^cloudtrail-guard-automation-/, 'automation role'],
    [/^cloudtrail-guard-fast-path-/, 'fast-path role'],
    [/^cloudtrail-guard-cloudwatch-logs-/, 'CloudWatch Logs role'],
  ];
  for (const [id, role] of Object.entries(r.aws_iam_role ?? {}) as Array<[string, any]>) {
    const kind = kinds.find(([re]) => re.test(role.name))?.[1];
    if (!kind) throw new Error(`${where}: aws_iam_role ${role.name} is no role the claims know`);
    put(`${kind} trust` as Policy, role.assume_role_policy);
    const inline = one('aws_iam_role_policy').filter((p) => String(p.role).includes(`aws_iam_role.${id}.`));
    if (inline.length !== 1) throw new Error(`${where}: ${inline.length} inline policies on ${role.name}`);
    put(`${kind} permissions` as Policy, inline[0].policy);
  }
  for (const t of ['aws_iam_policy', 'aws_kms_key_policy', 'aws_iam_role_policy_attachment', 'aws_iam_policy_document']) {
    if (one(t).length) throw new Error(`${where}: ${t} is not covered by the claims`);
  }
  return out;
}

/** Every stack of a configuration, with its account or log archive. */
function contexts(example: string, config: GuardConfig): StackContext[] {
  const app = Testing.app();
  return buildStacks(app, config).map((stack) => {
    const id = stack.node.id;
    const account = config.accounts.find((a) => a.stackName === id);
    const logArchive = config.logArchive?.stackName === id ? config.logArchive : undefined;
    if (!account && !logArchive) throw new Error(`${example}: stack ${id} is neither an account's nor the log archive's`);
    return { example, config, account, logArchive, json: JSON.parse(Testing.synth(stack)) };
  });
}
const stacks: StackContext[] = [
  ...EXAMPLES.flatMap((example) => contexts(example, loadConfig(join(ROOT, 'examples', example)))),
  ...EXTRA_SETUPS.flatMap(([name, yaml]) => contexts(name, parseConfig(yaml, name))),
];
const label = (s: StackContext) => `${s.example} ${s.account?.stackName ?? s.logArchive?.stackName}`;
const policies = new Map(stacks.map((s) => [s, policiesOf(s.json, label(s))]));

/** The same statement with its conditions in key order (IAM does not order them). */
const sorted = (c: Canonical): Canonical => ({ ...c, condition: Object.fromEntries(Object.entries(c.condition).sort(([a], [b]) => (a < b ? -1 : 1))) });

/** Checks one file's rows against every stack; returns one line per disagreement. */
function disagreements(claims: readonly Claim[]): string[] {
  const problems: string[] = [];
  for (const claim of claims) {
    const c = claim.cells;
    if (!(POLICIES as readonly string[]).includes(c.policy)) {
      problems.push(`${claim.file}:${claim.line}: policy ${JSON.stringify(c.policy)} is not one of ${POLICIES.join(', ')}`);
      continue;
    }
    let checked = 0;
    for (const s of stacks) {
      const statements = policies.get(s)!.get(c.policy as Policy);
      if (!statements || !applies(c.where, s, claim)) continue;
      checked++;
      const found = statements.filter((st) => st.Sid === c.Sid);
      if (found.length !== 1) {
        problems.push(`${claim.file}:${claim.line}: ${c.policy} ${c.Sid}: ${found.length} such statements in ${label(s)}`);
        continue;
      }
      const want = sorted(expected(claim, s));
      const got = sorted(canonical(found[0]));
      if (JSON.stringify(want) !== JSON.stringify(got)) {
        problems.push(`${claim.file}:${claim.line}: ${c.policy} ${c.Sid} in ${label(s)}: the docs say ${JSON.stringify(want)}, the JSON says ${JSON.stringify(got)}`);
      }
    }
    if (checked === 0) problems.push(`${claim.file}:${claim.line}: ${c.policy} ${c.Sid} (${c.where}) applies to no stack of the examples`);
  }
  return problems;
}

describe('docs/security.md: every policy statement', () => {
  const claims = claimsOf(DOCS.security);

  it('each row holds, exactly, in every stack of the examples where it applies', () => {
    expect(disagreements(claims)).toEqual([]);
  });

  it('is complete: every statement of every policy in the examples is a row of the table', () => {
    const missing: string[] = [];
    for (const s of stacks) {
      for (const [policy, statements] of policies.get(s)!) {
        for (const st of statements) {
          const rows = claims.filter((c) => c.cells.policy === policy && c.cells.Sid === st.Sid && applies(c.cells.where, s, c));
          if (rows.length !== 1) missing.push(`${label(s)}: ${policy} ${st.Sid}: ${rows.length} rows of the table apply`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('the checker catches a claim that disagrees with the JSON', () => {
    const row = claims.find((c) => c.cells.policy === 'bucket policy' && c.cells.Sid === 'AWSCloudTrailWrite')!;
    const wrong = { ...row, cells: { ...row.cells, condition: 'StringEquals aws:SourceArn = <trail-arn>' } };
    expect(disagreements([wrong]).length).toBeGreaterThan(0);
    const nowhere = { ...row, cells: { ...row.cells, Sid: 'NoSuchStatement' } };
    expect(disagreements([nowhere])[0]).toMatch(/NoSuchStatement: 0 such statements in single-account.yaml/);
  });

  it('covers the three layouts: self-contained accounts, accounts delivering to the log archive, and organization mode', () => {
    const kinds = new Set(stacks.map((s) => (s.logArchive ? 'log archive' : s.account?.detectionOnly ? 'detection' : s.account?.logDestination)));
    expect([...kinds].sort()).toEqual(['archive', 'detection', 'log archive', 'own']);
    for (const p of ['archive bucket policy', 'access-log bucket policy', 'archive key policy'] as const)
      expect(stacks.filter((s) => policies.get(s)!.has(p)).map(label).sort()).toEqual([
        'accounts of an organization, log archive (log-archive/fixtures.ts) cloudtrail-guard-log-archive-444444444444-eu-west-1',
        'log-archive.yaml cloudtrail-guard-log-archive-444444444444-eu-west-1',
        'organization.yaml cloudtrail-guard-log-archive-444444444444-us-east-1',
      ]);
  });
});

describe('README.md (Security): its policy statements', () => {
  it('each row holds, exactly, in every stack of the examples where it applies', () => {
    expect(disagreements(claimsOf(DOCS.readme))).toEqual([]);
  });
});
