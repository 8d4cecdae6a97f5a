/**
 * Loads, validates and normalises a configuration file. Parsing uses the `yaml` library; validation uses the zod
 * schema in `schema.ts`, then cross-field rules. Every problem is collected and thrown together as one ConfigError.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { bucketArn, parseArn, roleArn, trailArn } from './arn';
import { ConfigError, type ConfigProblem, toJsonPath } from './errors';
import {
  automationRoleName,
  CONFIG_RULE_NAME,
  defaultKmsAlias,
  defaultLogBucketName,
  defaultTrailName,
  runbookDocumentName,
  stackName,
} from './naming';
import { partitionOf } from './regions';
import { runbookValueProblems } from './runbook-contract';
import { trailTamperScp } from '../modules/policies/tamper-scp';
import { GuardConfigInput } from './schema';
import type { AccountConfig, GuardConfig, StateConfig } from './types';

type Path = ReadonlyArray<string | number>;

/** Locates a path in the YAML document, falling back to the nearest ancestor that exists. */
function locator(doc: Document, lc: LineCounter): (path: Path) => { line?: number; column?: number } {
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && Array.isArray(node.range)) {
        const pos = lc.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return {};
  };
}

function getIn(value: unknown, path: Path): unknown {
  let v: unknown = value;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep-merges `over` onto `base` (plain objects only; `over` wins). */
function merge<T>(base: unknown, over: T): T {
  if (!isPlainObject(base) || !isPlainObject(over)) return (over === undefined ? base : over) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out as T;
}

/** What YAML made of a value, in the words an author would use. */
function yamlKind(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

/** The rule for a value of the wrong type, phrased as the fix (zod says only "expected string, received number"). */
function typeRule(expected: string, value: unknown, path: Path, source?: string): string {
  const got = yamlKind(value);
  const key = path[path.length - 1];
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    // Quote what was written (011111111111), not what YAML made of it (11111111111).
    const quoted = JSON.stringify(source ?? String(value));
    if (key === 'accountId' || key === 'managementAccountId') {
      return `an AWS account ID is exactly 12 digits, as a quoted string: quote it (${quoted}); unquoted, YAML reads it as ${got} and drops leading zeros`;
    }
    return `a string: quote it (${quoted}); unquoted, YAML reads it as ${got}`;
  }
  if ((expected === 'number' || expected === 'int') && typeof value === 'string') return `a number, written without quotes (YAML reads "${value}" as a string)`;
  if (expected === 'int') return `a whole number, not ${got}`;
  if (expected === 'boolean') return `true or false, without quotes, not ${got}`;
  if (expected === 'record' || expected === 'object') return `a mapping (key: value lines), not ${got}`;
  if (expected === 'array') return `a list (lines starting with "- "), not ${got}`;
  return `${expected}, not ${got}`;
}

/** Zod schema internals this file walks (zod 4 `_zod.def`). */
interface SchemaDef {
  readonly type: string;
  readonly shape?: Record<string, { _zod: { def: SchemaDef } }>;
  readonly innerType?: { _zod: { def: SchemaDef } };
  readonly element?: { _zod: { def: SchemaDef } };
  readonly options?: ReadonlyArray<{ _zod: { def: SchemaDef } }>;
  readonly discriminator?: string;
  readonly values?: readonly unknown[];
}

/** The keys a strict object in the schema allows at `path` (used to suggest a fix for an unknown key). */
function allowedKeysAt(schema: { _zod: { def: SchemaDef } }, path: Path, raw: unknown): string[] {
  const unwrap = (def: SchemaDef | undefined, at: Path): SchemaDef | undefined => {
    while (def) {
      if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') def = def.innerType?._zod.def;
      else if (def.type === 'union' && def.discriminator && def.options) {
        // A discriminated union: the option whose discriminator literal is the value written in the file.
        const key = def.discriminator;
        const tag = getIn(raw, [...at, key]);
        def = def.options.map((o) => o._zod.def).find((o) => o.shape?.[key]?._zod.def.values?.includes(tag));
      } else return def;
    }
    return undefined;
  };
  let def = unwrap(schema._zod.def, []);
  for (let i = 0; def && i < path.length; i++) {
    const next: SchemaDef | undefined =
      def.type === 'object' ? def.shape?.[String(path[i])]?._zod.def : def.type === 'array' ? def.element?._zod.def : undefined;
    def = unwrap(next, path.slice(0, i + 1));
  }
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** "unknown key" plus a suggestion: the allowed key that differs only in case, or at most two edits. */
function unknownKeyRule(key: string, allowed: readonly string[]): string {
  const near = allowed.find((a) => a.toLowerCase() === key.toLowerCase()) ?? allowed.find((a) => editDistance(a, key) <= 2);
  const list = allowed.length ? `; allowed here: ${allowed.join(', ')}` : '';
  return near ? `unknown key; did you mean ${near}?${list}` : `unknown key${list}`;
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

/**
 * Tags a config may set on one account, after merging: AWS allows 50, and every stack adds 3 of its own.
 * @see https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
 */
export const MAX_CONFIG_TAGS = 47;

/**
 * Reads and validates a configuration file.
 *
 * @param file path of a YAML file (see `schema/cloudtrail-guard.schema.json` and the README's config reference)
 * @returns the normalised configuration
 * @throws ConfigError listing every problem: a missing or unreadable file, invalid YAML, an empty document, schema
 *   violations and cross-field violations, each with file, JSONPath, value and rule.
 */
export function loadConfig(file: string): GuardConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError([
      { file, path: '$', value: undefined, rule: `the configuration file must exist and be readable (${code})` },
    ]);
  }
  return parseConfig(text, file);
}

/**
 * Validates configuration text; `file` is used in messages only.
 * @throws ConfigError as for {@link loadConfig}.
 */
export function parseConfig(text: string, file: string): GuardConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ConfigError(
      doc.errors.map((e) => {
        // With prettyErrors off the parser leaves linePos unset; the offset in `pos` still locates the error.
        const pos = e.linePos?.[0] ?? (Array.isArray(e.pos) ? lc.linePos(e.pos[0]) : undefined);
        return {
          file,
          path: '$',
          value: undefined,
          rule: `valid YAML (${e.code}: ${e.message.split('\n')[0]})`,
          line: pos?.line,
          column: pos?.col,
        };
      }),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError([
      { file, path: '$', value: undefined, rule: `YAML that expands to a plain document (${(e as Error).message})` },
    ]);
  }
  const locate = locator(doc, lc);
  // `value` defaults to the value found at `path`; pass it explicitly (even `undefined`) to override.
  const problem = (path: Path, rule: string, ...value: [unknown?]): ConfigProblem => ({
    file,
    path: toJsonPath(path),
    value: value.length ? value[0] : getIn(raw, path),
    rule,
    ...locate(path),
  });

  if (raw === null || raw === undefined || (isScalar(doc.contents) && doc.contents.value === null)) {
    throw new ConfigError([problem([], 'a YAML mapping with estate, state and accounts (the file is empty)', undefined)]);
  }
  if (!isMap(doc.contents)) {
    throw new ConfigError([problem([], 'a YAML mapping with estate, state and accounts')]);
  }

  const parsed = GuardConfigInput.safeParse(raw);
  const problems: ConfigProblem[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path as Array<string | number>;
      const value = getIn(raw, path);
      if (issue.code === 'unrecognized_keys') {
        const allowed = allowedKeysAt(GuardConfigInput, path, raw);
        for (const key of issue.keys) problems.push(problem([...path, key], unknownKeyRule(key, allowed)));
      } else if (issue.code === 'invalid_value' && 'values' in issue) {
        problems.push(problem(path, `one of ${(issue.values as unknown[]).map((v) => String(v)).join(', ')}`));
      } else if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
        // A discriminated union (state.backend): zod says "Invalid discriminator value"; say what is allowed.
        problems.push(problem(path, `one of ${(issue.options as unknown[]).map((v) => String(v)).join(', ')}`));
      } else if (issue.code === 'invalid_union' && path.length === 1 && path[0] === 'state') {
        problems.push(problem([...path, 'backend'], 'one of s3, local, cloud'));
      } else if (issue.code === 'invalid_key') {
        // A record key (a tag key) broke its rule: report the key itself, with the key rule's own words.
        const key = path[path.length - 1];
        problems.push(problem(path, issue.issues.map((i) => i.message).join('; '), key));
      } else if (issue.code === 'invalid_type' && value === undefined) {
        problems.push(problem(path, `required: ${issue.expected}`, undefined));
      } else if (issue.code === 'invalid_type') {
        const node = doc.getIn(path, true);
        const source = isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
        problems.push(problem(path, typeRule(issue.expected, value, path, source)));
      } else {
        problems.push(problem(path, issue.message));
      }
    }
    throw new ConfigError(problems);
  }
  const input = parsed.data;

  // Cross-field rules, on the account after defaults are applied.
  const seen = new Map<string, number>();
  const buckets = new Map<string, number>();
  const accounts: AccountConfig[] = [];
  input.accounts.forEach((acc0, i) => {
    const acc = merge(input.defaults ?? {}, acc0) as typeof acc0;
    // A value the account does not set itself came from `defaults`: point at it there, and name the account.
    const at = (...p: Array<string | number>): Path => {
      const own: Path = ['accounts', i, ...p];
      return getIn(raw, own) === undefined && p.length > 0 && getIn(raw, ['defaults', ...p]) !== undefined ? ['defaults', ...p] : own;
    };
    const accountProblem = (path: Path, rule: string, ...value: [unknown?]): ConfigProblem =>
      problem(path, path[0] === 'defaults' ? `${rule} (for $.accounts[${i}], from defaults)` : rule, ...value);
    // One entry per account: its trail is multi-Region, and the automation role, the Config service-linked role and the
    // SCP exist once per account, so a second home Region would create them twice.
    const key = acc.accountId;
    if (seen.has(key)) {
      problems.push(
        accountProblem(at('accountId'), `each account appears once, with one home Region (its trail is multi-Region); already at $.accounts[${seen.get(key)}]`),
      );
    } else seen.set(key, i);

    const partition = partitionOf(acc.homeRegion);
    const trailName = acc.trail?.name ?? defaultTrailName();
    const bucketName = acc.logBucket?.name ?? defaultLogBucketName(acc.accountId, acc.homeRegion);
    if (buckets.has(bucketName)) {
      problems.push(
        accountProblem(at('logBucket', 'name'), `bucket names are global: each account needs its own; already used at $.accounts[${buckets.get(bucketName)}]`, bucketName),
      );
    } else buckets.set(bucketName, i);

    if (input.state.backend === 's3' && input.state.bucket === bucketName) {
      problems.push(accountProblem(at('logBucket', 'name'), `a bucket other than the state bucket $.state.bucket: the stack would take the state bucket over`, bucketName));
    }
    const merged = { ...(input.defaults?.tags ?? {}), ...(acc0.tags ?? {}) };
    const lowerKeys = Object.keys(merged).map((k) => k.toLowerCase());
    const clash = Object.keys(merged).find((k, n) => lowerKeys.indexOf(k.toLowerCase()) !== n);
    if (clash !== undefined) {
      problems.push(accountProblem(at('tags'), `tag keys that differ in more than case after defaults.tags are merged in (IAM tag keys ignore case): ${JSON.stringify(clash)}`, clash));
    }
    if (Object.keys(merged).length > MAX_CONFIG_TAGS) {
      problems.push(accountProblem(at('tags'), `at most ${MAX_CONFIG_TAGS} tags after defaults.tags are merged in (AWS allows 50; the product adds 3)`, Object.keys(merged).length));
    }

    const isOrg = acc.trail?.isOrganizationTrail ?? false;
    if (isOrg) {
      if (!input.organization) {
        problems.push(accountProblem(at('trail', 'isOrganizationTrail'), 'an organization trail needs $.organization (id and managementAccountId)'));
      } else if (input.organization.managementAccountId !== acc.accountId) {
        problems.push(
          accountProblem(
            at('trail', 'isOrganizationTrail'),
            `only the management account (${input.organization.managementAccountId}) creates the organization trail`,
          ),
        );
      }
    }

    const existingKeyArn = acc.kmsKey?.existingKeyArn;
    if (existingKeyArn) {
      const k = parseArn(existingKeyArn);
      if (k && (k.region !== acc.homeRegion || k.partition !== partition)) {
        problems.push(accountProblem(at('kmsKey', 'existingKeyArn'), `a key in the home Region ${acc.homeRegion} (partition ${partition}); CloudTrail needs a key in the trail's home Region`));
      }
      if (k && k.account !== acc.accountId) {
        problems.push(accountProblem(at('kmsKey', 'existingKeyArn'), `a key in account ${acc.accountId}`));
      }
    }
    if (acc.deploymentRoleArn) {
      const r = parseArn(acc.deploymentRoleArn);
      if (r && r.account !== acc.accountId) {
        problems.push(accountProblem(at('deploymentRoleArn'), `a role in account ${acc.accountId}, the account it deploys into`));
      }
      if (r && r.partition !== partition) {
        problems.push(accountProblem(at('deploymentRoleArn'), `a role in partition ${partition}, the home Region's partition`));
      }
    }

    const roleName = automationRoleName(acc.homeRegion);
    accounts.push({
      accountId: acc.accountId,
      homeRegion: acc.homeRegion,
      partition,
      stackName: stackName(acc.accountId, acc.homeRegion),
      deploymentRoleArn: acc.deploymentRoleArn,
      trail: {
        name: trailName,
        arn: trailArn(partition, acc.homeRegion, acc.accountId, trailName),
        manage: acc.trail?.manage ?? true,
        isOrganizationTrail: isOrg,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        snsTopicName: acc.trail?.snsTopicName,
        cloudWatchLogs: acc.trail?.cloudWatchLogs
          ? {
              logGroupName: acc.trail.cloudWatchLogs.logGroupName ?? `/aws/cloudtrail/${trailName}`,
              retentionInDays: acc.trail.cloudWatchLogs.retentionInDays ?? 365,
            }
          : undefined,
      },
      logBucket: {
        name: bucketName,
        arn: bucketArn(partition, bucketName),
        s3KeyPrefix: (acc.logBucket?.s3KeyPrefix ?? '').replace(/^\//, '').replace(/\/$/, ''),
      },
      kmsKey: {
        alias: acc.kmsKey?.alias ?? defaultKmsAlias(),
        deletionWindowInDays: acc.kmsKey?.deletionWindowInDays ?? 30,
        existingKeyArn,
      },
      configRule: {
        name: CONFIG_RULE_NAME,
        maximumExecutionFrequency: acc.configRule?.maximumExecutionFrequency ?? 'One_Hour',
        recorder: acc.configRule?.recorder ?? 'existing',
        createServiceLinkedRole: acc.configRule?.createServiceLinkedRole ?? true,
      },
      remediation: {
        maximumAutomaticAttempts: acc.remediation?.maximumAutomaticAttempts ?? 5,
        retryAttemptSeconds: acc.remediation?.retryAttemptSeconds ?? 60,
        concurrentExecutionRatePercentage: acc.remediation?.concurrentExecutionRatePercentage ?? 10,
        errorPercentage: acc.remediation?.errorPercentage ?? 10,
        fastPath: acc.remediation?.fastPath ?? true,
      },
      automationRole: { name: roleName, arn: roleArn(partition, acc.accountId, roleName) },
      runbook: { documentName: runbookDocumentName() },
      tags: { ...(acc.tags ?? {}) },
    });
    // FC-11: every value the remediation sends must be one the runbook accepts.
    for (const rp of runbookValueProblems(accounts[accounts.length - 1])) {
      // Show what the file says (a log group name, not the ARN built from it), or the value built from defaults.
      const written = getIn(raw, at(...rp.field));
      problems.push(accountProblem(at(...rp.field), rp.rule, written !== undefined ? written : rp.value));
    }
  });

  // Organization-wide rules.
  const org = input.organization;
  let tamperProtection: NonNullable<GuardConfig['organization']>['tamperProtection'];
  if (org?.tamperProtection) {
    if (!input.accounts.some((a) => a.accountId === org.managementAccountId)) {
      problems.push(
        problem(
          ['organization', 'tamperProtection'],
          `an account entry for the management account ${org.managementAccountId} (the SCP is created in that stack)`,
          undefined,
        ),
      );
    }
    const partition = accounts.find((a) => a.accountId === org.managementAccountId)?.partition ?? accounts[0]?.partition ?? 'aws';
    // The SCP names its exempt principals exactly. Terraform deploys the member accounts' trails, so each member
    // account must name the role it deploys with.
    input.accounts.forEach((a, i) => {
      if (a.accountId !== org.managementAccountId && !a.deploymentRoleArn) {
        problems.push(
          problem(
            ['accounts', i, 'deploymentRoleArn'],
            'required with organization.tamperProtection: the SCP exempts only named roles, and Terraform must still create and update this account\'s trail',
            undefined,
          ),
        );
      }
    });
    const breakGlass = org.tamperProtection.exemptRoleArns ?? [];
    const deployers = accounts.flatMap((a) => (a.deploymentRoleArn && a.accountId !== org.managementAccountId ? [a.deploymentRoleArn] : []));
    tamperProtection = {
      targetIds: org.tamperProtection.targetIds,
      trailArns: [...new Set(accounts.map((a) => a.trail.name))].map((n) => `arn:${partition}:cloudtrail:*:*:trail/${n}`),
      exemptRoleArns: [...new Set([...breakGlass, ...deployers, ...accounts.map((a) => a.automationRole.arn)])],
      guardAdminRoleArns: [...new Set([...breakGlass, ...deployers])],
    };
    try {
      trailTamperScp({ partition, ...tamperProtection });
    } catch (e) {
      problems.push(
        problem(
          ['organization', 'tamperProtection'],
          `an SCP that AWS Organizations accepts (${(e as Error).message}). The SCP names every exempt role exactly (break-glass, deployment and automation roles: ${tamperProtection.exemptRoleArns.length} here), so it grows with the accounts in this file; about 20 accounts fit. List only the accounts that need their own trail`,
          `${accounts.length} accounts`,
        ),
      );
    }
    const ids = org.tamperProtection.targetIds;
    ids.forEach((id, k) => {
      if (ids.indexOf(id) !== k) problems.push(problem(['organization', 'tamperProtection', 'targetIds', k], `each target once; already at index ${ids.indexOf(id)}`));
      if (id === org.managementAccountId) {
        problems.push(problem(['organization', 'tamperProtection', 'targetIds', k], 'a target other than the management account: SCPs never apply to it'));
      }
    });
  }

  const s = input.state;
  if (s.backend === 's3' && s.kmsKeyId) {
    const k = parseArn(s.kmsKeyId);
    if (k && (k.region !== s.region || k.partition !== partitionOf(s.region))) {
      problems.push(problem(['state', 'kmsKeyId'], `a key in the state bucket's Region ${s.region} (partition ${partitionOf(s.region)})`));
    }
  }
  if (problems.length) throw new ConfigError(problems);

  const state: StateConfig =
    s.backend === 's3'
      ? { backend: 's3', bucket: s.bucket, region: s.region, keyPrefix: s.keyPrefix ?? 'cloudtrail-guard', kmsKeyId: s.kmsKeyId, roleArn: s.roleArn }
      : s.backend === 'local'
        ? { backend: 'local', directory: s.directory ?? 'terraform.tfstate.d' }
        : {
            backend: 'cloud',
            organization: s.organization,
            project: s.project,
            hostname: s.hostname ?? 'app.terraform.io',
            workspacePrefix: s.workspacePrefix ?? '',
            tags: s.tags ?? ['cloudtrail-guard'],
          };

  const organization = input.organization && {
    id: input.organization.id,
    managementAccountId: input.organization.managementAccountId,
    // From the whole file, before any selection, so that a stack's policies never depend on what else is synthesized.
    memberAccountIds: accounts.map((a) => a.accountId).filter((id) => id !== input.organization!.managementAccountId),
    tamperProtection,
  };
  return { file, estate: input.estate, state, organization, accounts };
}
