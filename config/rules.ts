/**
 * Cross-field rules, and the normalisation of a valid file into a GuardConfig.
 *
 * The rules run on the file as parsed, in the same pass as the schema, so that a file's cross-field problems are
 * reported together with its per-field ones. A rule reads only fields that passed the schema: one whose input is
 * broken (see {@link LoadContext.bad}) is skipped, because its verdict would rest on a value the file does not have.
 */
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, basename, join, resolve, sep } from 'node:path';
import type { z } from 'zod';
import { bucketArn, parseArn, roleArn, trailArn } from './arn';
import {
  automationRoleName,
  CONFIG_RULE_NAME,
  defaultKmsAlias,
  defaultLogBucketName,
  defaultTrailName,
  logArchiveStackName,
  runbookDocumentName,
  stackName,
} from './naming';
import { isKnownRegion, partitionOf } from './regions';
import { runbookValueProblems } from './runbook-contract';
import { MAX_CONFIG_TAGS, type GuardConfigInput } from './schema';
import type { AccountConfig, GuardConfig, LogArchiveConfig, StateConfig } from './types';
import { isPrefix, type Path } from './yaml-source';
import { fastPathRoleName } from '../modules/fast-path';
import { SUPPORTED_NEXT } from '../modules/log-archive-bucket';
import {
  GUARD_ROLE_PATH,
  LOG_ARCHIVE_KEY_ALIAS,
  logArchiveAccessLogBucketName,
  logArchiveBucketName,
  logArchiveKeyAliasArn,
} from '../modules/log-archive-naming';
import { cloudWatchLogsRoleName } from '../modules/trail-notifications';

/** The file as the schema validated it (before defaults). */
type Input = z.output<typeof GuardConfigInput>;
type AccountIn = Input['accounts'][number];

/** What the cross-field rules read. */
export interface LoadContext {
  /** The document as plain JS. */
  readonly raw: unknown;
  /** Paths with a problem already (schema, YAML or invisible characters): nothing at, above or below them is read. */
  readonly bad: readonly Path[];
  /** The synth's output folder (relative to `cwd` or absolute). */
  readonly outdir: string;
  /** The folder relative paths are resolved against. */
  readonly cwd: string;
}

/** One problem (or warning) of a rule; `value` defaults to the value at `path`. */
export interface RuleProblem {
  readonly path: Path;
  readonly rule: string;
  readonly value?: unknown;
}

/**
 * Where SCPs apply: never to the management account.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 */
const SCP_PAGE = 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html';

function getIn(value: unknown, path: Path): unknown {
  let v: unknown = value;
  for (const k of path) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, k)) return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Whether `arn` matches the ARN pattern `pattern` as `ArnLike` matches: segment by segment (split at the first five
 * `:`), `*` any run of characters and `?` any one, case-sensitively. Never throws.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 */
export function arnLike(pattern: string, arn: string): boolean {
  const split = (x: string): string[] => {
    const parts = x.split(':');
    return [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const ps = split(pattern);
  const as = split(arn);
  if (ps.length !== as.length) return false;
  return ps.every((p, i) => globToRegExp(p).test(as[i]));
}

/** `*` any run of characters, `?` any one character, everything else literal. */
function globToRegExp(glob: string): RegExp {
  const body = [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^$()|[\]{}\\/-]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's');
}

/** Deep-merges `over` onto `base` (plain objects only; `over` wins). Keys are copied as own data properties. */
export function merge<T>(base: unknown, over: T): T {
  if (!isPlainObject(base) || !isPlainObject(over)) return (over === undefined ? base : over) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(base))
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (const [k, v] of Object.entries(over)) {
    Object.defineProperty(out, k, { value: merge(base[k], v), enumerable: true, writable: true, configurable: true });
  }
  return out as T;
}

/** One setting of one account: its own value, else the value in `defaults`. */
interface Setting {
  /** The value, when it is usable (undefined when the file leaves it out, or when it is broken). */
  readonly value: unknown;
  /** Where the value is written (the account's own path when neither sets it). */
  readonly path: Path;
  readonly fromDefaults: boolean;
  /** False when the value (or what it sits in) is broken: rules that need it are skipped. */
  readonly ok: boolean;
}

/**
 * `path` as it exists on disk: links (even dangling ones) and `..` resolved, as far as the path exists; the rest is
 * appended as written. Never throws.
 */
export function realish(path: string, depth = 0): string {
  let head = resolve(path);
  const tail: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(head), ...tail.reverse());
    } catch {
      // A dangling link: follow it by hand (realpath fails on it), at most 40 deep as the kernel does.
      try {
        if (depth < 40 && lstatSync(head).isSymbolicLink()) {
          return realish(join(resolve(dirname(head), readlinkSync(head)), ...tail.reverse()), depth + 1);
        }
      } catch {
        // not there at all: go up
      }
      const up = dirname(head);
      if (up === head) return resolve(path);
      tail.push(basename(head));
      head = up;
    }
  }
}

/**
 * Runs every cross-field rule.
 * @returns the problems (errors) and the warnings (settings without effect, where an error would refuse a legitimate
 *   file); never throws
 */
export function checkCrossField(ctx: LoadContext): { problems: RuleProblem[]; warnings: RuleProblem[] } {
  const { raw, bad } = ctx;
  const problems: RuleProblem[] = [];
  const warnings: RuleProblem[] = [];
  const ok = (p: Path): boolean => !bad.some((b) => isPrefix(b, p) || isPrefix(p, b));
  const str = (p: Path): string | undefined => {
    const v = getIn(raw, p);
    return ok(p) && typeof v === 'string' ? v : undefined;
  };
  const rawAccounts = getIn(raw, ['accounts']);
  const count = Array.isArray(rawAccounts) ? rawAccounts.length : 0;

  const setting = (i: number, ...p: string[]): Setting => {
    const own: Path = ['accounts', i, ...p];
    if (!ok(own)) return { value: undefined, path: own, fromDefaults: false, ok: false };
    const ownValue = getIn(raw, own);
    if (ownValue !== undefined) return { value: ownValue, path: own, fromDefaults: false, ok: true };
    const def: Path = ['defaults', ...p];
    if (!ok(def)) return { value: undefined, path: def, fromDefaults: true, ok: false };
    const defValue = getIn(raw, def);
    if (defValue !== undefined) return { value: defValue, path: def, fromDefaults: true, ok: true };
    return { value: undefined, path: own, fromDefaults: false, ok: true };
  };
  // A problem with a value from `defaults` points at it there, and names the account.
  const accountProblem = (i: number, path: Path, rule: string, ...value: [unknown?]): void => {
    problems.push({
      path,
      rule: path[0] === 'defaults' ? `${rule} (for $.accounts[${i}], from defaults)` : rule,
      ...(value.length ? { value: value[0] } : {}),
    });
  };

  const state = getIn(raw, ['state']);
  const backend = str(['state', 'backend']);
  const stateBucket = backend === 's3' ? str(['state', 'bucket']) : undefined;
  const orgPresent = getIn(raw, ['organization']) !== undefined;
  const mgmt = str(['organization', 'managementAccountId']);

  // The log archive: where each account's trail delivers, and which members only detect.
  const laPresent = getIn(raw, ['logArchive']) !== undefined;
  const laAccount = str(['logArchive', 'accountId']);
  const laRegion = str(['logArchive', 'region']);
  const laPartition = laRegion && isKnownRegion(laRegion) ? partitionOf(laRegion) : undefined;
  const archiveBucket = laAccount && laRegion && laPartition ? logArchiveBucketName(laAccount, laRegion) : undefined;
  const destination = (i: number): Setting => setting(i, 'logDestination');
  const toArchive = (i: number): boolean => destination(i).value === 'archive';
  const isOrgTrail = (i: number): boolean => setting(i, 'trail', 'isOrganizationTrail').value === true;
  // The organization trail delivers to the archive: it covers every member, whose stack then only detects.
  const orgTrailIndex = [...Array(count).keys()].find(
    (i) => mgmt !== undefined && str(['accounts', i, 'accountId']) === mgmt && isOrgTrail(i),
  );
  const orgTrailToArchive = laPresent && orgTrailIndex !== undefined && toArchive(orgTrailIndex);
  const detectionOnly = (i: number): boolean =>
    orgTrailToArchive && i !== orgTrailIndex && str(['accounts', i, 'accountId']) !== mgmt;
  const MEMBER_RULE = (field: string): string =>
    `no ${field} on a member account covered by the organization trail, which delivers to the log archive ` +
    `($.accounts[${orgTrailIndex}]): the member's stack only detects (the cloudtrail-enabled rule), since a trail of ` +
    `its own would be a second, billed copy of its events and the management account's stack repairs the ` +
    `organization trail; remove ${field}`;

  // Per account.
  const seen = new Map<string, number>();
  const buckets = new Map<string, number>();
  const partitions: Array<string | undefined> = [];
  for (let i = 0; i < count; i++) {
    const accountId = str(['accounts', i, 'accountId']);
    const homeRegion = str(['accounts', i, 'homeRegion']);
    const partition = homeRegion && isKnownRegion(homeRegion) ? partitionOf(homeRegion) : undefined;
    partitions.push(partition);
    const dest = destination(i);
    const archive = dest.ok && dest.value === 'archive';
    const member = detectionOnly(i);

    if (archive && !laPresent) {
      accountProblem(
        i,
        dest.path,
        'logDestination: archive needs $.logArchive (the central log archive: its account, Region, deployment and break-glass roles)',
      );
    }
    if (archive && laPartition && partition && partition !== laPartition) {
      problems.push({
        path: ['accounts', i, 'homeRegion'],
        rule: `a Region in the ${laPartition} partition, like the log archive ($.logArchive.region ${laRegion}): a trail delivers only within its partition`,
      });
    }
    // What the stack does not create when the trail delivers to the archive (or, for a member, at all).
    if (member) {
      for (const field of ['trail', 'logBucket', 'kmsKey', 'remediation'] as const) {
        if (getIn(raw, ['accounts', i, field]) !== undefined && ok(['accounts', i, field]))
          problems.push({ path: ['accounts', i, field], value: undefined, rule: MEMBER_RULE(field) });
      }
      const own = getIn(raw, ['accounts', i, 'logDestination']);
      if (own === 'own' && ok(['accounts', i, 'logDestination'])) {
        problems.push({ path: ['accounts', i, 'logDestination'], rule: MEMBER_RULE('logDestination: own') });
      }
    } else if (archive && laPresent) {
      for (const field of ['logBucket', 'kmsKey'] as const) {
        if (getIn(raw, ['accounts', i, field]) !== undefined && ok(['accounts', i, field])) {
          problems.push({
            path: ['accounts', i, field],
            value: undefined,
            rule: `no ${field} with logDestination: archive: the trail delivers to the log archive's ${field === 'logBucket' ? `bucket${archiveBucket ? ` ${archiveBucket}` : ''} and prefix ($.logArchive.s3KeyPrefix)` : 'key'}, so the stack creates no ${field === 'logBucket' ? 'bucket' : 'key'}; remove ${field}`,
          });
        }
      }
    }
    const rec = setting(i, 'configRule', 'recorder');
    if ((archive || member) && laPresent && rec.ok && rec.value === 'create') {
      accountProblem(
        i,
        rec.path,
        `configRule.recorder: existing with ${member ? 'a member covered by the organization trail' : 'logDestination: archive'}: a recorder's delivery channel needs a bucket of the account's own, and the archive bucket takes CloudTrail's files only`,
      );
    }

    // One entry per account: its trail is multi-Region, and the automation role, the Config service-linked role and
    // the SCP exist once per account, so a second home Region would create them twice.
    if (accountId !== undefined) {
      if (seen.has(accountId)) {
        problems.push({
          path: ['accounts', i, 'accountId'],
          rule: `each account appears once, with one home Region (its trail is multi-Region); already at $.accounts[${seen.get(accountId)}]`,
        });
      } else seen.set(accountId, i);
    }

    const bucket = setting(i, 'logBucket', 'name');
    const bucketName =
      archive || member
        ? undefined
        : bucket.ok && typeof bucket.value === 'string'
          ? bucket.value
          : bucket.ok && bucket.value === undefined && accountId && homeRegion
            ? defaultLogBucketName(accountId, homeRegion)
            : undefined;
    if (bucketName !== undefined && bucketName === archiveBucket) {
      accountProblem(
        i,
        bucket.path,
        "a bucket other than the log archive's (its name is built from $.logArchive.accountId and region): the stack would try to create it again",
        bucketName,
      );
    } else if (bucketName !== undefined) {
      if (buckets.has(bucketName)) {
        accountProblem(
          i,
          bucket.path,
          `bucket names are global: each account needs its own; already used at $.accounts[${buckets.get(bucketName)}]`,
          bucketName,
        );
      } else buckets.set(bucketName, i);
      if (stateBucket !== undefined && stateBucket === bucketName) {
        accountProblem(
          i,
          bucket.path,
          'a bucket other than the state bucket $.state.bucket: the stack would take the state bucket over',
          bucketName,
        );
      }
    }

    // Tags after defaults.tags are merged in.
    const ownTags = getIn(raw, ['accounts', i, 'tags']);
    const defTags = getIn(raw, ['defaults', 'tags']);
    if (ok(['accounts', i, 'tags']) && ok(['defaults', 'tags'])) {
      const merged = merge(isPlainObject(defTags) ? defTags : {}, isPlainObject(ownTags) ? ownTags : {});
      const keys = Object.keys(merged);
      const lower = keys.map((k) => k.toLowerCase());
      const clash = keys.find((k, n) => lower.indexOf(k.toLowerCase()) !== n);
      const tagsPath: Path = ownTags !== undefined ? ['accounts', i, 'tags'] : ['defaults', 'tags'];
      if (clash !== undefined) {
        accountProblem(
          i,
          tagsPath,
          `tag keys that differ in more than case after defaults.tags are merged in (IAM tag keys ignore case): ${JSON.stringify(clash)}`,
          clash,
        );
      }
      if (keys.length > MAX_CONFIG_TAGS) {
        accountProblem(
          i,
          tagsPath,
          `at most ${MAX_CONFIG_TAGS} tags after defaults.tags are merged in (AWS allows 50; the product adds 3)`,
          keys.length,
        );
      }
    }

    const isOrg = setting(i, 'trail', 'isOrganizationTrail');
    if (isOrg.ok && isOrg.value === true) {
      if (!orgPresent) {
        accountProblem(i, isOrg.path, 'an organization trail needs $.organization (id and managementAccountId)');
      } else if (mgmt !== undefined && accountId !== undefined && mgmt !== accountId) {
        accountProblem(i, isOrg.path, `only the management account (${mgmt}) creates the organization trail`);
      }
    }

    // The trail key: an existing key is the account's own (never a default).
    const existingKeyArn = archive || member ? undefined : str(['accounts', i, 'kmsKey', 'existingKeyArn']);
    if (existingKeyArn) {
      const k = parseArn(existingKeyArn);
      if (k && homeRegion && partition && (k.region !== homeRegion || k.partition !== partition)) {
        problems.push({
          path: ['accounts', i, 'kmsKey', 'existingKeyArn'],
          rule: `a key in the home Region ${homeRegion} (partition ${partition}); CloudTrail needs a key in the trail's home Region`,
        });
      }
      if (k && accountId && k.account !== accountId) {
        problems.push({ path: ['accounts', i, 'kmsKey', 'existingKeyArn'], rule: `a key in account ${accountId}` });
      }
      // The stack creates no key: its alias and deletion window would be ignored.
      for (const field of ['alias', 'deletionWindowInDays'] as const) {
        const own: Path = ['accounts', i, 'kmsKey', field];
        if (getIn(raw, own) !== undefined && ok(own)) {
          problems.push({
            path: own,
            rule: `no ${field} with kmsKey.existingKeyArn: the stack creates no key then, so it ${field === 'alias' ? 'creates no alias either (the existing key keeps its own aliases)' : 'never schedules one for deletion'}; remove ${field}`,
          });
        }
      }
    }

    // AWS Config's service-linked role is created only with the recorder.
    const slr: Path = ['accounts', i, 'configRule', 'createServiceLinkedRole'];
    const recorder = setting(i, 'configRule', 'recorder');
    if (getIn(raw, slr) !== undefined && ok(slr) && recorder.ok && (recorder.value ?? 'existing') !== 'create') {
      problems.push({
        path: slr,
        rule: `createServiceLinkedRole only with configRule.recorder: create: with recorder: ${String(recorder.value ?? 'existing')} the stack creates no recorder and no role, so the setting does nothing; remove it, or set recorder: create`,
      });
    }

    // The deployment role: in the account it deploys into, in its partition, and not a role the stack itself creates.
    const deployPath: Path = ['accounts', i, 'deploymentRoleArn'];
    const deploymentRoleArn = str(deployPath);
    if (deploymentRoleArn) {
      const r = parseArn(deploymentRoleArn);
      if (r && accountId && r.account !== accountId) {
        problems.push({ path: deployPath, rule: `a role in account ${accountId}, the account it deploys into` });
      }
      if (r && partition && r.partition !== partition) {
        problems.push({ path: deployPath, rule: `a role in partition ${partition}, the home Region's partition` });
      }
      const resource = r?.resource.replace(/^role\//, '') ?? '';
      const name = resource.split('/').pop() ?? '';
      const fastPath = setting(i, 'remediation', 'fastPath');
      const cwl = setting(i, 'trail', 'cloudWatchLogs');
      // IAM role names are unique in an account whatever their path, and case does not tell them apart.
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names
      const created = homeRegion
        ? [
            automationRoleName(homeRegion),
            ...(fastPath.ok && fastPath.value !== false ? [fastPathRoleName(homeRegion)] : []),
            ...(cwl.ok && cwl.value !== undefined ? [cloudWatchLogsRoleName(homeRegion)] : []),
          ]
        : [];
      const own = created.find((c) => c.toLowerCase() === name.toLowerCase());
      if (own) {
        problems.push({
          path: deployPath,
          rule: `a role other than ${own}, which this stack creates: Terraform cannot assume a role before the stack has created it, and would then manage its own credentials`,
        });
      } else if (resource.startsWith('aws-service-role/')) {
        problems.push({
          path: deployPath,
          rule: 'a role Terraform can assume: a service-linked role (role/aws-service-role/...) trusts only its AWS service',
        });
      }
    }
  }

  // Defaults that no account uses: every account sets its own value, or the setting does not apply to any of them.
  // A warning, not an error: a shared default that today's accounts all override is legitimate.
  const defaults = getIn(raw, ['defaults']);
  if (isPlainObject(defaults) && count > 0) {
    const applies = (i: number, p: Path): boolean => {
      if (!ok(['accounts', i])) return true; // cannot tell: assume it is used
      if (getIn(raw, ['accounts', i, ...p]) !== undefined) return false;
      // A member that only detects takes no trail, bucket, key or remediation; an archive account no bucket or key.
      if (detectionOnly(i) && ['trail', 'logBucket', 'kmsKey', 'remediation'].includes(String(p[0]))) return false;
      if (laPresent && toArchive(i) && ['logBucket', 'kmsKey'].includes(String(p[0]))) return false;
      if (p[0] === 'kmsKey' && (p[1] === 'alias' || p[1] === 'deletionWindowInDays'))
        return getIn(raw, ['accounts', i, 'kmsKey', 'existingKeyArn']) === undefined;
      if (p[0] === 'configRule' && p[1] === 'createServiceLinkedRole')
        return (setting(i, 'configRule', 'recorder').value ?? 'existing') === 'create';
      return true;
    };
    const visit = (v: unknown, p: Path): void => {
      if (isPlainObject(v) && Object.keys(v).length > 0) {
        for (const [k, x] of Object.entries(v)) visit(x, [...p, k]);
        return;
      }
      if (!ok(['defaults', ...p])) return;
      let used = false;
      for (let i = 0; i < count && !used; i++) used = applies(i, p);
      if (!used) {
        warnings.push({
          path: ['defaults', ...p],
          rule: 'a default that no account uses (each sets its own value, or the setting does not apply to it); remove it, or an account that should take it',
        });
      }
    };
    for (const [k, x] of Object.entries(defaults)) visit(x, [k]);
  }

  // The organization.
  if (orgPresent && ok(['organization'])) {
    const tp = getIn(raw, ['organization', 'tamperProtection']);
    let anyOrgTrail = false;
    let unknown = false;
    for (let i = 0; i < count; i++) {
      const s = setting(i, 'trail', 'isOrganizationTrail');
      if (!s.ok) unknown = true;
      else if (s.value === true) anyOrgTrail = true;
    }
    // With a log archive, the organization scopes who may deliver there (aws:SourceOrgID), whatever the trails.
    const archiveServesOrg = laPresent && [...Array(count).keys()].some((i) => toArchive(i));
    if (tp === undefined && !anyOrgTrail && !unknown && !archiveServesOrg) {
      problems.push({
        path: ['organization'],
        rule: 'an organization block that something uses: set trail.isOrganizationTrail on the management account, organization.tamperProtection, or logDestination: archive with a logArchive; here nothing reads it (remove it for account mode)',
      });
    }
  }
  if (orgPresent && mgmt !== undefined) {
    // An organization lives in one partition: IAM and every cross-account grant stop at the partition's boundary.
    // https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
    const mgmtIndex = [...Array(count).keys()].find((i) => str(['accounts', i, 'accountId']) === mgmt);
    const orgPartition = mgmtIndex !== undefined ? partitions[mgmtIndex] : partitions.find((p) => p !== undefined);
    if (orgPartition) {
      partitions.forEach((p, i) => {
        if (p !== undefined && p !== orgPartition) {
          problems.push({
            path: ['accounts', i, 'homeRegion'],
            rule: `a Region in the ${orgPartition} partition, like the rest of the organization${mgmtIndex !== undefined ? ` (its management account ${mgmt} is at $.accounts[${mgmtIndex}])` : ''}: an organization never spans partitions`,
          });
        }
      });
    }
  }

  const tpPath: Path = ['organization', 'tamperProtection'];
  if (getIn(raw, tpPath) !== undefined && mgmt !== undefined) {
    const ids = [...Array(count).keys()].map((i) => str(['accounts', i, 'accountId']));
    const allIds = ids.every((id) => id !== undefined);
    const mgmtIndex = ids.indexOf(mgmt);
    if (allIds && mgmtIndex < 0) {
      problems.push({
        path: tpPath,
        value: undefined,
        rule: `an account entry for the management account ${mgmt} (the SCP is created in that stack)`,
      });
    }
    const orgPartition = (mgmtIndex >= 0 ? partitions[mgmtIndex] : partitions.find((p) => p !== undefined)) ?? 'aws';
    // The patterns: in the organization's partition, not naming the management account (SCPs never apply there), and
    // never matching the guard's own roles (an exemption that matches them would exempt every guard role).
    const patterns: Record<'deploymentRolePatterns' | 'breakGlassRolePatterns', string[]> = {
      deploymentRolePatterns: [],
      breakGlassRolePatterns: [],
    };
    const guardRoleSamples = [
      roleArn(orgPartition, '123456789012', `${GUARD_ROLE_PATH.slice(1)}${automationRoleName('us-east-1')}`),
      roleArn(orgPartition, '123456789012', `${GUARD_ROLE_PATH.slice(1)}${fastPathRoleName('us-east-1')}`),
      roleArn(orgPartition, '123456789012', `${GUARD_ROLE_PATH.slice(1)}${cloudWatchLogsRoleName('us-east-1')}`),
    ];
    for (const which of ['deploymentRolePatterns', 'breakGlassRolePatterns'] as const) {
      const list = getIn(raw, [...tpPath, which]);
      if (!Array.isArray(list)) continue;
      list.forEach((_, k) => {
        const p: Path = [...tpPath, which, k];
        const pattern = str(p);
        if (pattern === undefined) return;
        const first = list.indexOf(pattern);
        const [, partition, account] = /^arn:([^:]+):iam::([^:]+):/.exec(pattern) ?? [];
        if (first !== k) problems.push({ path: p, rule: `each pattern once; already at index ${first}` });
        else if (partition !== orgPartition)
          problems.push({ path: p, rule: `a role pattern in partition ${orgPartition}, the organization's partition` });
        else if (account === mgmt)
          problems.push({
            path: p,
            rule: `a pattern for member accounts (* or a member's ID): SCPs never apply to the management account ${mgmt}, so exempting its roles does nothing (${SCP_PAGE})`,
          });
        else if (guardRoleSamples.some((g) => arnLike(pattern, g)))
          problems.push({
            path: p,
            rule: `a pattern that does not match the guard's own roles (on the IAM path ${GUARD_ROLE_PATH}): it would exempt the automation and fast-path roles from every statement`,
          });
        else patterns[which].push(pattern);
      });
    }
    const deployOk = (getIn(raw, [...tpPath, 'deploymentRolePatterns']) as unknown[] | undefined)?.every((_, k) =>
      ok([...tpPath, 'deploymentRolePatterns', k]),
    );
    // Terraform deploys the member accounts' guard roles on the protected path: its role must match a deployment pattern.
    const needsPattern = (path: Path, arn: string, why: string): void => {
      if (deployOk && patterns.deploymentRolePatterns.length && !patterns.deploymentRolePatterns.some((pt) => arnLike(pt, arn))) {
        problems.push({
          path,
          rule: `a role that organization.tamperProtection.deploymentRolePatterns matches: the SCP lets no other role ${why}`,
        });
      }
    };
    ids.forEach((id, i) => {
      if (id === undefined || id === mgmt) return;
      const p: Path = ['accounts', i, 'deploymentRoleArn'];
      const arn = str(p);
      if (getIn(raw, p) === undefined && ok(p)) {
        problems.push({
          path: p,
          value: undefined,
          rule: "required with organization.tamperProtection: the SCP exempts only the roles its deployment patterns match, and Terraform must still create this account's guard roles, rule and trail",
        });
      } else if (arn) needsPattern(p, arn, "create the guard's roles on the path /cloudtrail-guard/, nor change its trail, rule or runbook");
    });
    if (laPresent && laAccount !== undefined && laAccount !== mgmt) {
      const p: Path = ['logArchive', 'deploymentRoleArn'];
      const arn = str(p);
      if (arn) needsPattern(p, arn, "change the archive bucket's configuration or the archive key's alias");
    }
    const keyAccount = str(['logArchive', 'kmsKey', 'accountId']);
    const keyRole = str(['logArchive', 'kmsKey', 'deploymentRoleArn']);
    if (keyRole && keyAccount !== mgmt) needsPattern(['logArchive', 'kmsKey', 'deploymentRoleArn'], keyRole, 'change the archive key');
    // The archive's break-glass roles must be break-glass to the SCP too, or its Deny stops them.
    const bg = getIn(raw, ['logArchive', 'breakGlassRoleArns']);
    const bgOk = (getIn(raw, [...tpPath, 'breakGlassRolePatterns']) as unknown[] | undefined)?.every((_, k) =>
      ok([...tpPath, 'breakGlassRolePatterns', k]),
    );
    if (Array.isArray(bg) && bgOk && patterns.breakGlassRolePatterns.length) {
      bg.forEach((_, k) => {
        const p: Path = ['logArchive', 'breakGlassRoleArns', k];
        const arn = str(p);
        const account = arn ? parseArn(arn)?.account : undefined;
        if (arn && account !== mgmt && ![...patterns.breakGlassRolePatterns, ...patterns.deploymentRolePatterns].some((pt) => arnLike(pt, arn))) {
          problems.push({
            path: p,
            rule: 'a role that organization.tamperProtection.breakGlassRolePatterns matches: otherwise the SCP denies it what the archive keeps for break-glass (deleting log objects, the key\'s destruction)',
          });
        }
      });
    }
    const targets = getIn(raw, [...tpPath, 'targetIds']);
    if (Array.isArray(targets)) {
      targets.forEach((id, k) => {
        const p: Path = [...tpPath, 'targetIds', k];
        if (!ok(p)) return;
        const first = targets.indexOf(id);
        if (first !== k) problems.push({ path: p, rule: `each target once; already at index ${first}` });
        if (id === mgmt)
          problems.push({
            path: p,
            rule: `a target other than the management account: SCPs never apply to it (${SCP_PAGE})`,
          });
      });
    }
  }

  // The log archive.
  // Each rule reads only the fields it needs (str() and ok() skip a broken one), so one bad field hides no other.
  if (laPresent && isPlainObject(getIn(raw, ['logArchive']))) {
    const la: Path = ['logArchive'];
    const deliverers = [...Array(count).keys()].filter((i) => toArchive(i));
    const unknownDest = [...Array(count).keys()].some((i) => !destination(i).ok);
    if (count > 0 && deliverers.length === 0 && !unknownDest) {
      problems.push({
        path: la,
        value: undefined,
        rule: 'a log archive that some trail delivers to: set logDestination: archive on the accounts (or in defaults); here none does (remove logArchive to keep every account self-contained)',
      });
    }
    // Roles and keys in the log archive's account and partition.
    const inAccount = (path: Path, account: string | undefined, what: string): void => {
      const arn = str(path);
      const r = arn ? parseArn(arn) : undefined;
      if (!r) return;
      if (account && r.account !== account) problems.push({ path, rule: `${what} in account ${account}` });
      else if (laPartition && r.partition !== laPartition)
        problems.push({ path, rule: `${what} in partition ${laPartition}, the partition of $.logArchive.region` });
    };
    inAccount([...la, 'deploymentRoleArn'], laAccount, 'a role Terraform can assume');
    const kmsPath: Path = [...la, 'kmsKey'];
    const keyAccountGiven = str([...kmsPath, 'accountId']);
    const keyRoleGiven = str([...kmsPath, 'deploymentRoleArn']);
    const existing = str([...kmsPath, 'existingKeyArn']);
    if (existing) {
      for (const f of ['accountId', 'deploymentRoleArn'] as const) {
        if (getIn(raw, [...kmsPath, f]) !== undefined && ok([...kmsPath, f]))
          problems.push({
            path: [...kmsPath, f],
            rule: `no ${f} with kmsKey.existingKeyArn: the stack creates no key then (the key and its policy are yours); remove ${f}`,
          });
      }
      const k = parseArn(existing);
      if (k && laRegion && laPartition && (k.region !== laRegion || k.partition !== laPartition)) {
        problems.push({
          path: [...kmsPath, 'existingKeyArn'],
          rule: `a key in the log archive's Region ${laRegion} (partition ${laPartition}): S3 and CloudTrail need the key in the bucket's Region`,
        });
      }
    } else if (keyAccountGiven && laAccount && keyAccountGiven !== laAccount) {
      if (getIn(raw, [...kmsPath, 'deploymentRoleArn']) === undefined && ok([...kmsPath, 'deploymentRoleArn'])) {
        problems.push({
          path: [...kmsPath, 'deploymentRoleArn'],
          value: undefined,
          rule: `required with kmsKey.accountId ${keyAccountGiven}: the role Terraform assumes to create the key in that account`,
        });
      } else inAccount([...kmsPath, 'deploymentRoleArn'], keyAccountGiven, 'a role Terraform can assume');
    } else if (keyRoleGiven) {
      problems.push({
        path: [...kmsPath, 'deploymentRoleArn'],
        rule: `kmsKey.deploymentRoleArn only with kmsKey.accountId of another account: the key is in the log-archive account ${laAccount ?? ''}, where $.logArchive.deploymentRoleArn applies it; remove it`.replace(' ,', ','),
      });
    }
    const keyAccount = existing ? parseArn(existing)?.account : (keyAccountGiven ?? laAccount);
    // Break-glass roles and readers: roles of the accounts that own the bucket and the key (the policies grant nothing
    // to other accounts' principals, so naming one there protects or reads nothing), each once.
    for (const [field, what] of [
      ['breakGlassRoleArns', 'a break-glass role'],
      ['logReaderArns', 'a log reader'],
    ] as const) {
      const list = getIn(raw, [...la, field]);
      if (!Array.isArray(list)) continue;
      list.forEach((_, k) => {
        const p: Path = [...la, field, k];
        const arn = str(p);
        const r = arn ? parseArn(arn) : undefined;
        if (!arn || !r) return;
        const owners = field === 'logReaderArns' ? [laAccount] : [laAccount, keyAccount];
        if (list.indexOf(arn) !== k) problems.push({ path: p, rule: `each ARN once; already at index ${list.indexOf(arn)}` });
        else if (laPartition && r.partition !== laPartition)
          problems.push({ path: p, rule: `${what} in partition ${laPartition}, the partition of $.logArchive.region` });
        else if (laAccount && !owners.includes(r.account))
          problems.push({
            path: p,
            rule:
              field === 'logReaderArns'
                ? `a principal of the log-archive account ${laAccount}: the bucket policy grants no reads to other accounts, so a reader elsewhere could decrypt nothing`
                : `a role of the log-archive account ${laAccount}${keyAccount && keyAccount !== laAccount ? ` or of the key's account ${keyAccount}` : ''}: only their principals can act on the archive at all, so a break-glass role elsewhere is never needed`,
          });
      });
    }
    // Lifecycle and Object Lock, as S3 takes them (modules/log-archive-bucket.ts assertLogArchiveSettings).
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
    const lc: Path = [...la, 'lifecycle'];
    const transitions = getIn(raw, [...lc, 'transitions']);
    let last: { days: number; storageClass: string } | undefined;
    const IA = ['STANDARD_IA', 'ONEZONE_IA'];
    if (Array.isArray(transitions) && ok([...lc, 'transitions'])) {
      transitions.forEach((t: { days: number; storageClass: string }, k) => {
        const p: Path = [...lc, 'transitions', k];
        if (IA.includes(t.storageClass) && t.days < 30)
          problems.push({
            path: [...p, 'days'],
            rule: `at least 30 days for ${t.storageClass}: S3 moves objects to it no sooner than 30 days after creation`,
          });
        if (last) {
          if (t.days <= last.days)
            problems.push({ path: [...p, 'days'], rule: `more days than the previous transition's ${last.days}` });
          else if (IA.includes(last.storageClass) && t.days - last.days < 30)
            problems.push({
              path: [...p, 'days'],
              rule: `at least 30 days after the ${last.storageClass} transition (day ${last.days}): S3 requires objects to stay there 30 days before the next`,
            });
          if (!((SUPPORTED_NEXT[last.storageClass as keyof typeof SUPPORTED_NEXT] ?? []) as readonly string[]).includes(t.storageClass))
            problems.push({
              path: [...p, 'storageClass'],
              rule: `a class S3 Lifecycle moves ${last.storageClass} objects to: ${(SUPPORTED_NEXT[last.storageClass as keyof typeof SUPPORTED_NEXT] ?? []).join(', ') || 'none (it is the last)'}`,
            });
        }
        last = t;
      });
    }
    const exp = getIn(raw, [...lc, 'expirationDays']);
    if (typeof exp === 'number' && ok([...lc, 'expirationDays']) && ok([...lc, 'transitions'])) {
      if (last && exp <= last.days)
        problems.push({ path: [...lc, 'expirationDays'], rule: `more days than the last transition's ${last.days}` });
      const retention = getIn(raw, [...la, 'objectLock', 'retentionDays']);
      if (typeof retention === 'number' && ok([...la, 'objectLock']) && exp < retention)
        problems.push({
          path: [...lc, 'expirationDays'],
          rule: `at least objectLock.retentionDays (${retention}): a locked version cannot expire before its retention ends`,
        });
    }
    // Bucket names are global: the archive's two buckets are neither the state bucket nor an account's.
    if (archiveBucket && laAccount && laRegion) {
      const accessBucket = logArchiveAccessLogBucketName(laAccount, laRegion);
      if (stateBucket !== undefined && (stateBucket === archiveBucket || stateBucket === accessBucket)) {
        problems.push({
          path: ['state', 'bucket'],
          rule: `a bucket other than the log archive's ${stateBucket} (built from $.logArchive.accountId and region): the log-archive stack would take the state bucket over`,
        });
      }
    }
  }

  // Remote state.
  if (isPlainObject(state)) {
    const stateRegion = backend === 's3' ? str(['state', 'region']) : undefined;
    const statePartition = stateRegion && isKnownRegion(stateRegion) ? partitionOf(stateRegion) : undefined;
    const kmsKeyId = backend === 's3' ? str(['state', 'kmsKeyId']) : undefined;
    if (kmsKeyId && stateRegion && statePartition) {
      const k = parseArn(kmsKeyId);
      if (k && (k.region !== stateRegion || k.partition !== statePartition)) {
        problems.push({
          path: ['state', 'kmsKeyId'],
          rule: `a key in the state bucket's Region ${stateRegion} (partition ${statePartition})`,
        });
      }
    }
    const stateRole = backend === 's3' ? str(['state', 'roleArn']) : undefined;
    if (stateRole && statePartition) {
      const r = parseArn(stateRole);
      if (r && r.partition !== statePartition) {
        problems.push({
          path: ['state', 'roleArn'],
          rule: `a role in partition ${statePartition}, the partition of the state bucket's Region ${stateRegion}`,
        });
      }
    }
    if (backend === 'local' && ok(['state', 'directory'])) {
      const given = str(['state', 'directory']);
      const dir = realish(resolve(ctx.cwd, given ?? 'terraform.tfstate.d'));
      const out = realish(resolve(ctx.cwd, ctx.outdir));
      if (dir === out || dir.startsWith(out.endsWith(sep) ? out : out + sep)) {
        problems.push({
          path: ['state', 'directory'],
          ...(given === undefined ? { value: undefined } : {}),
          rule: `a folder outside the synth's output folder ${out} (build output: a synth removes stale stack folders, and a fresh checkout has none, so state kept there is lost)${given === undefined ? '; the default terraform.tfstate.d is inside it here' : ''}`,
        });
      }
    }
  }

  // The runbook contract (FC-11), for every account whose settings are all sound.
  if (ok(['defaults']) && count > 0 && (!laPresent || ok(['logArchive']))) {
    const defaultsIn = getIn(raw, ['defaults']) as Input['defaults'];
    const laIn = getIn(raw, ['logArchive']) as Input['logArchive'];
    for (let i = 0; i < count; i++) {
      if (!ok(['accounts', i]) || (laPresent && !destination(i).ok)) continue;
      const acc0 = getIn(raw, ['accounts', i]) as AccountIn;
      let account: AccountConfig;
      try {
        const role: AccountRole = laIn && (toArchive(i) || detectionOnly(i)) ? { archive: archiveRef(laIn), detectionOnly: detectionOnly(i) } : {};
        account = normaliseAccount(acc0, defaultsIn, role);
      } catch (e) {
        problems.push({
          path: ['accounts', i],
          value: undefined,
          rule: `settings the stack can be built from (${(e as Error).message})`,
        });
        continue;
      }
      if (account.detectionOnly) continue; // no runbook
      for (const rp of runbookValueProblems(account)) {
        // The archive's bucket and prefix come from logArchive.
        if (account.logDestination === 'archive' && rp.field[0] === 'logBucket') {
          problems.push({ path: ['logArchive', rp.field[1]], rule: rp.rule, value: getIn(raw, ['logArchive', rp.field[1]]) ?? rp.value });
          continue;
        }
        const s = setting(i, ...rp.field);
        // Show what the file says (a log group name, not the ARN built from it), or the value built from defaults.
        accountProblem(i, s.path, rp.rule, s.value !== undefined ? s.value : rp.value);
      }
    }
  }
  return { problems, warnings };
}

/** What an account needs of the log archive: the archive bucket, prefix and key, by name. */
export interface ArchiveRef {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly s3KeyPrefix: string;
  readonly keyAliasArn: string;
  /** `logArchive.kmsKey.existingKeyArn`, when the configuration gives the key. */
  readonly keyArn?: string;
}

/** Trims one leading and one trailing `/` of an S3 key prefix (`logs`, `logs/` and `/logs` all mean `logs`). */
const trimPrefix = (prefix: string | undefined): string => (prefix ?? '').replace(/^\//, '').replace(/\/$/, '');

/**
 * The archive's names, from `logArchive:` alone (modules/log-archive-naming.ts).
 * @throws Error from the naming functions when the account or Region is malformed (not for a file that passed the schema)
 */
export function archiveRef(la: NonNullable<Input['logArchive']>): ArchiveRef {
  const partition = partitionOf(la.region);
  const name = logArchiveBucketName(la.accountId, la.region);
  const keyAccount = la.kmsKey?.existingKeyArn
    ? (parseArn(la.kmsKey.existingKeyArn)?.account ?? la.accountId)
    : (la.kmsKey?.accountId ?? la.accountId);
  return {
    bucketName: name,
    bucketArn: bucketArn(partition, name),
    s3KeyPrefix: trimPrefix(la.s3KeyPrefix),
    keyAliasArn: logArchiveKeyAliasArn(partition, la.region, keyAccount),
    ...(la.kmsKey?.existingKeyArn ? { keyArn: la.kmsKey.existingKeyArn } : {}),
  };
}

/** How one account fits the topology: where its trail delivers, and whether its stack only detects. */
export interface AccountRole {
  /** The archive, when the account delivers there (`logDestination: archive`). */
  readonly archive?: ArchiveRef;
  /** A member covered by the organization trail that delivers to the archive. */
  readonly detectionOnly?: boolean;
}

/**
 * One account after defaults are merged in, normalised: names defaulted, the prefix trimmed, ARNs built. With
 * `role.archive`, `logBucket` is the archive bucket and prefix, and `kmsKey.archive` the archive key.
 * @param role where the account's trail delivers and whether its stack only detects @default {} (its own bucket and key)
 * @throws Error from the ARN builders (config/arn.ts) when a name would put an empty, `undefined` or `null` segment into
 *   an ARN (the schema refuses such names, so this does not happen for a file that passed it)
 */
export function normaliseAccount(acc0: AccountIn, defaults: Input['defaults'], role: AccountRole = {}): AccountConfig {
  const acc = merge(defaults ?? {}, acc0) as AccountIn;
  const partition = partitionOf(acc.homeRegion);
  const trailName = acc.trail?.name ?? defaultTrailName();
  const archive = role.archive;
  const bucketName = archive?.bucketName ?? acc.logBucket?.name ?? defaultLogBucketName(acc.accountId, acc.homeRegion);
  const roleName = automationRoleName(acc.homeRegion);
  return {
    accountId: acc.accountId,
    homeRegion: acc.homeRegion,
    partition,
    stackName: stackName(acc.accountId, acc.homeRegion),
    deploymentRoleArn: acc.deploymentRoleArn,
    trail: {
      name: trailName,
      arn: trailArn(partition, acc.homeRegion, acc.accountId, trailName),
      manage: acc.trail?.manage ?? true,
      isOrganizationTrail: acc.trail?.isOrganizationTrail ?? false,
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
    logDestination: archive ? 'archive' : 'own',
    detectionOnly: role.detectionOnly ?? false,
    logBucket: {
      name: bucketName,
      arn: archive?.bucketArn ?? bucketArn(partition, bucketName),
      s3KeyPrefix: archive ? archive.s3KeyPrefix : trimPrefix(acc.logBucket?.s3KeyPrefix),
    },
    kmsKey: {
      alias: acc.kmsKey?.alias ?? defaultKmsAlias(),
      deletionWindowInDays: acc.kmsKey?.deletionWindowInDays ?? 30,
      existingKeyArn: archive ? undefined : acc.kmsKey?.existingKeyArn,
      ...(archive ? { archive: { aliasArn: archive.keyAliasArn, ...(archive.keyArn ? { keyArn: archive.keyArn } : {}) } } : {}),
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
    automationRole: {
      name: roleName,
      path: GUARD_ROLE_PATH,
      arn: roleArn(partition, acc.accountId, `${GUARD_ROLE_PATH.slice(1)}${roleName}`),
    },
    runbook: { documentName: runbookDocumentName() },
    tags: { ...(acc.tags ?? {}) },
  };
}

/**
 * The normalised configuration of a file that passed the schema and every cross-field rule.
 * @throws Error from {@link normaliseAccount} (not for a file that passed the rules)
 */
export function normaliseConfig(input: Input, file: string): GuardConfig {
  const roles = accountRoles(input);
  const accounts = input.accounts.map((a, i) => normaliseAccount(a, input.defaults, roles[i]));
  const s = input.state;
  const state: StateConfig =
    s.backend === 's3'
      ? {
          backend: 's3',
          bucket: s.bucket,
          region: s.region,
          keyPrefix: s.keyPrefix ?? 'cloudtrail-guard',
          kmsKeyId: s.kmsKeyId,
          roleArn: s.roleArn,
        }
      : s.backend === 'local'
        ? { backend: 'local', directory: s.directory ?? 'terraform.tfstate.d' }
        : {
            backend: 'cloud',
            organization: s.organization,
            project: s.project,
            hostname: s.hostname ?? 'app.terraform.io',
            workspacePrefix: s.workspacePrefix ?? '',
          };
  const org = input.organization;
  let organization: GuardConfig['organization'];
  if (org) {
    let tamperProtection: NonNullable<GuardConfig['organization']>['tamperProtection'];
    if (org.tamperProtection) {
      tamperProtection = {
        targetIds: org.tamperProtection.targetIds,
        // Every trail the guard keeps: members that only detect have none of their own.
        trailNames: [...new Set(accounts.filter((a) => !a.detectionOnly).map((a) => a.trail.name))],
        deploymentRolePatterns: [...org.tamperProtection.deploymentRolePatterns],
        breakGlassRolePatterns: [...org.tamperProtection.breakGlassRolePatterns],
      };
    }
    organization = {
      id: org.id,
      managementAccountId: org.managementAccountId,
      // From the whole file, before any selection, so that a stack's policies never depend on what else is synthesized.
      memberAccountIds: accounts.map((a) => a.accountId).filter((id) => id !== org.managementAccountId),
      tamperProtection,
    };
  }
  const logArchive = normaliseLogArchive(input, accounts);
  return { file, estate: input.estate, state, organization, ...(logArchive ? { logArchive } : {}), accounts };
}

/**
 * Each account's place in the topology, from the whole file: `archive` for `logDestination: archive` (with a
 * `logArchive`), and `detectionOnly` for every member when the management account's organization trail delivers to
 * the archive (the organization trail covers them; their stacks only detect).
 * @throws Error from {@link archiveRef} (not for a file that passed the schema)
 */
export function accountRoles(input: Pick<Input, 'accounts' | 'defaults' | 'logArchive' | 'organization'>): AccountRole[] {
  const la = input.logArchive;
  if (!la) return input.accounts.map(() => ({}));
  const ref = archiveRef(la);
  const dest = (a: AccountIn): string => a.logDestination ?? input.defaults?.logDestination ?? 'own';
  const orgTrail = (a: AccountIn): boolean => (a.trail?.isOrganizationTrail ?? input.defaults?.trail?.isOrganizationTrail) === true;
  const mgmt = input.organization?.managementAccountId;
  const orgTrailToArchive = input.accounts.some((a) => a.accountId === mgmt && orgTrail(a) && dest(a) === 'archive');
  return input.accounts.map((a) => {
    if (orgTrailToArchive && a.accountId !== mgmt) return { archive: ref, detectionOnly: true };
    return dest(a) === 'archive' ? { archive: ref } : {};
  });
}

/**
 * The normalised log archive, or undefined without `logArchive`: names built, defaults applied, and whom it serves:
 * the organization trail of the management account (when it delivers here), and the own trails of the accounts with
 * `logDestination: archive`, as the whole organization (`aws:SourceOrgID`) when the file has one, else as their list.
 * @throws Error from the naming functions (not for a file that passed the schema)
 */
export function normaliseLogArchive(input: Input, accounts: readonly AccountConfig[]): LogArchiveConfig | undefined {
  const la = input.logArchive;
  if (!la) return undefined;
  const ref = archiveRef(la);
  const org = input.organization;
  const orgTrail = accounts.find((a) => a.trail.isOrganizationTrail && a.logDestination === 'archive');
  const own = accounts.filter((a) => a.logDestination === 'archive' && !a.detectionOnly && !a.trail.isOrganizationTrail);
  const keyAccount = la.kmsKey?.existingKeyArn
    ? (parseArn(la.kmsKey.existingKeyArn)?.account ?? la.accountId)
    : (la.kmsKey?.accountId ?? la.accountId);
  return {
    accountId: la.accountId,
    region: la.region,
    partition: partitionOf(la.region),
    stackName: logArchiveStackName(la.accountId, la.region),
    deploymentRoleArn: la.deploymentRoleArn,
    bucket: { name: ref.bucketName, arn: ref.bucketArn },
    accessLogBucketName: logArchiveAccessLogBucketName(la.accountId, la.region),
    s3KeyPrefix: ref.s3KeyPrefix,
    breakGlassRoleArns: [...la.breakGlassRoleArns],
    logReaderArns: [...(la.logReaderArns ?? [])],
    ...(la.objectLock ? { objectLock: { ...la.objectLock } } : {}),
    lifecycle: {
      transitions: (la.lifecycle?.transitions ?? []).map((t) => ({ ...t })),
      ...(la.lifecycle?.expirationDays !== undefined ? { expirationDays: la.lifecycle.expirationDays } : {}),
      ...(la.lifecycle?.noncurrentVersionExpirationDays !== undefined
        ? { noncurrentVersionExpirationDays: la.lifecycle.noncurrentVersionExpirationDays }
        : {}),
      abortIncompleteMultipartUploadDays: la.lifecycle?.abortIncompleteMultipartUploadDays ?? 7,
    },
    ...(la.accessLogExpirationDays !== undefined ? { accessLogExpirationDays: la.accessLogExpirationDays } : {}),
    kmsKey: {
      accountId: keyAccount,
      deploymentRoleArn: la.kmsKey?.deploymentRoleArn ?? la.deploymentRoleArn,
      ...(la.kmsKey?.existingKeyArn ? { existingKeyArn: la.kmsKey.existingKeyArn } : {}),
      alias: LOG_ARCHIVE_KEY_ALIAS,
      aliasArn: ref.keyAliasArn,
    },
    ...(orgTrail && org ? { organizationTrail: { trailArn: orgTrail.trail.arn, organizationId: org.id } } : {}),
    ...(own.length
      ? { served: org ? { organizationId: org.id } : { accountIds: [...new Set(own.map((a) => a.accountId))] } }
      : {}),
    accountTrailNames: [...new Set(own.map((a) => a.trail.name))],
    tags: { ...(la.tags ?? {}) },
  };
}
