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
  runbookDocumentName,
  stackName,
} from './naming';
import { isKnownRegion, partitionOf } from './regions';
import { runbookValueProblems } from './runbook-contract';
import { MAX_CONFIG_TAGS, type GuardConfigInput } from './schema';
import type { AccountConfig, GuardConfig, StateConfig } from './types';
import { isPrefix, type Path } from './yaml-source';
import { fastPathRoleName } from '../modules/fast-path';
import { assertExactRoleArns, trailTamperScp } from '../modules/policies/tamper-scp';
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

  // Per account.
  const seen = new Map<string, number>();
  const buckets = new Map<string, number>();
  const partitions: Array<string | undefined> = [];
  for (let i = 0; i < count; i++) {
    const accountId = str(['accounts', i, 'accountId']);
    const homeRegion = str(['accounts', i, 'homeRegion']);
    const partition = homeRegion && isKnownRegion(homeRegion) ? partitionOf(homeRegion) : undefined;
    partitions.push(partition);

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
      bucket.ok && typeof bucket.value === 'string'
        ? bucket.value
        : bucket.ok && bucket.value === undefined && accountId && homeRegion
          ? defaultLogBucketName(accountId, homeRegion)
          : undefined;
    if (bucketName !== undefined) {
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
    const existingKeyArn = str(['accounts', i, 'kmsKey', 'existingKeyArn']);
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
    if (tp === undefined && !anyOrgTrail && !unknown) {
      problems.push({
        path: ['organization'],
        rule: 'an organization block that something uses: set trail.isOrganizationTrail on the management account, or organization.tamperProtection; here nothing reads it (remove it for account mode)',
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
    // The SCP names its exempt principals exactly. Terraform deploys the member accounts' trails, so each member
    // account must name the role it deploys with; that role is exempt, so it must be one the SCP can name.
    let rolesOk = true;
    const exactRole = (path: Path, arn: string): void => {
      try {
        assertExactRoleArns(orgPartition, [arn]);
      } catch (e) {
        rolesOk = false;
        problems.push({
          path,
          rule: `a role the tamper-prevention SCP can name exactly (${(e as Error).message.replace(/^trailTamperScp exemptRoleArns: /, '')})`,
        });
      }
    };
    ids.forEach((id, i) => {
      if (id === undefined || id === mgmt) return;
      const p: Path = ['accounts', i, 'deploymentRoleArn'];
      const arn = str(p);
      if (getIn(raw, p) === undefined && ok(p)) {
        rolesOk = false;
        problems.push({
          path: p,
          value: undefined,
          rule: "required with organization.tamperProtection: the SCP exempts only named roles, and Terraform must still create and update this account's trail",
        });
      } else if (arn) exactRole(p, arn);
      else rolesOk = false;
    });
    const exempt = getIn(raw, [...tpPath, 'exemptRoleArns']);
    const breakGlass: string[] = [];
    if (Array.isArray(exempt)) {
      exempt.forEach((_, k) => {
        const p: Path = [...tpPath, 'exemptRoleArns', k];
        const arn = str(p);
        if (arn === undefined) {
          rolesOk = false;
          return;
        }
        const r = parseArn(arn);
        if (r && r.account === mgmt) {
          rolesOk = false;
          problems.push({
            path: p,
            rule: `a role in a member account: SCPs never apply to the management account ${mgmt}, so exempting its role does nothing (${SCP_PAGE})`,
          });
        } else if (r && r.partition !== orgPartition) {
          rolesOk = false;
          problems.push({ path: p, rule: `a role in partition ${orgPartition}, the organization's partition` });
        } else exactRole(p, arn);
        breakGlass.push(arn);
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
    // The SCP's size, once every role in it is sound: it names every exempt role exactly.
    const trailNames = [...Array(count).keys()].map((i) => setting(i, 'trail', 'name'));
    if (
      rolesOk &&
      allIds &&
      ok(['accounts']) &&
      trailNames.every((t) => t.ok) &&
      partitions.every((p) => p !== undefined)
    ) {
      const deployers = ids.flatMap((id, i) => (id !== mgmt ? [str(['accounts', i, 'deploymentRoleArn'])!] : []));
      const automation = ids.map((id, i) =>
        roleArn(partitions[i]!, id!, automationRoleName(str(['accounts', i, 'homeRegion'])!)),
      );
      const names = [...new Set(trailNames.map((t) => (typeof t.value === 'string' ? t.value : defaultTrailName())))];
      const exemptRoleArns = [...new Set([...breakGlass, ...deployers, ...automation])];
      try {
        trailTamperScp({
          partition: orgPartition,
          trailArns: names.map((n) => `arn:${orgPartition}:cloudtrail:*:*:trail/${n}`),
          exemptRoleArns,
          guardAdminRoleArns: [...new Set([...breakGlass, ...deployers])],
        });
      } catch (e) {
        problems.push({
          path: tpPath,
          value: `${count} accounts`,
          rule: `an SCP that AWS Organizations accepts (${(e as Error).message}). The SCP names every exempt role exactly (break-glass, deployment and automation roles: ${exemptRoleArns.length} here), so it grows with the accounts in this file; about 20 accounts fit. List only the accounts that need their own trail`,
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
  if (ok(['defaults']) && count > 0) {
    const defaultsIn = getIn(raw, ['defaults']) as Input['defaults'];
    for (let i = 0; i < count; i++) {
      if (!ok(['accounts', i])) continue;
      const acc0 = getIn(raw, ['accounts', i]) as AccountIn;
      let account: AccountConfig;
      try {
        account = normaliseAccount(acc0, defaultsIn);
      } catch (e) {
        problems.push({
          path: ['accounts', i],
          value: undefined,
          rule: `settings the stack can be built from (${(e as Error).message})`,
        });
        continue;
      }
      for (const rp of runbookValueProblems(account)) {
        const s = setting(i, ...rp.field);
        // Show what the file says (a log group name, not the ARN built from it), or the value built from defaults.
        accountProblem(i, s.path, rp.rule, s.value !== undefined ? s.value : rp.value);
      }
    }
  }
  return { problems, warnings };
}

/**
 * One account after defaults are merged in, normalised: names defaulted, the prefix trimmed, ARNs built.
 * @throws Error from the ARN builders (config/arn.ts) when a name would put an empty, `undefined` or `null` segment into
 *   an ARN (the schema refuses such names, so this does not happen for a file that passed it)
 */
export function normaliseAccount(acc0: AccountIn, defaults: Input['defaults']): AccountConfig {
  const acc = merge(defaults ?? {}, acc0) as AccountIn;
  const partition = partitionOf(acc.homeRegion);
  const trailName = acc.trail?.name ?? defaultTrailName();
  const bucketName = acc.logBucket?.name ?? defaultLogBucketName(acc.accountId, acc.homeRegion);
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
    logBucket: {
      name: bucketName,
      arn: bucketArn(partition, bucketName),
      s3KeyPrefix: (acc.logBucket?.s3KeyPrefix ?? '').replace(/^\//, '').replace(/\/$/, ''),
    },
    kmsKey: {
      alias: acc.kmsKey?.alias ?? defaultKmsAlias(),
      deletionWindowInDays: acc.kmsKey?.deletionWindowInDays ?? 30,
      existingKeyArn: acc.kmsKey?.existingKeyArn,
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
  };
}

/**
 * The normalised configuration of a file that passed the schema and every cross-field rule.
 * @throws Error from {@link normaliseAccount} (not for a file that passed the rules)
 */
export function normaliseConfig(input: Input, file: string): GuardConfig {
  const accounts = input.accounts.map((a) => normaliseAccount(a, input.defaults));
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
      const partition =
        accounts.find((a) => a.accountId === org.managementAccountId)?.partition ?? accounts[0]?.partition ?? 'aws';
      const breakGlass = org.tamperProtection.exemptRoleArns ?? [];
      const deployers = accounts.flatMap((a) =>
        a.deploymentRoleArn && a.accountId !== org.managementAccountId ? [a.deploymentRoleArn] : [],
      );
      tamperProtection = {
        targetIds: org.tamperProtection.targetIds,
        trailArns: [...new Set(accounts.map((a) => a.trail.name))].map(
          (n) => `arn:${partition}:cloudtrail:*:*:trail/${n}`,
        ),
        exemptRoleArns: [...new Set([...breakGlass, ...deployers, ...accounts.map((a) => a.automationRole.arn)])],
        guardAdminRoleArns: [...new Set([...breakGlass, ...deployers])],
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
  return { file, estate: input.estate, state, organization, accounts };
}
