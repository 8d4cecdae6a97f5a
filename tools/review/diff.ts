/**
 * What changed between two synthesized estates, security-relevant changes first: a principal, action, resource or
 * condition that allows more (or a Deny that denies less), a new Allow statement, a removed Deny statement, a
 * `prevent_destroy` removed, a protected resource removed, a Config rule, the remediation or the fast path turned
 * off, a trail baseline setting turned off; then every other change.
 *
 * The earlier stack is read through the later one's `moved` blocks (its addresses and the references to them
 * renamed), so an address change alone is one "other" finding, not a removal and an addition.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ActionCatalog } from './actions';
import { comparePolicies, readable, type Statement } from './policy';
import {
  CLOUDTRAIL_DEFAULTS,
  describeStack,
  type Json,
  policiesOf,
  type PolicyDoc,
  type Resource,
  resourcesOf,
} from './stack';

/** One change. */
export interface Finding {
  readonly stack: string;
  /** Security-relevant (listed first). */
  readonly security: boolean;
  /** What kind of change: see {@link comparePolicies} for policy kinds; also `stack-removed`, `stack-added`,
   *  `prevent-destroy-removed`, `protected-resource-removed`, `resource-removed`, `resource-added`, `rule-off`,
   *  `remediation-off`, `fast-path-off`, `baseline-off`, `setting-off`, `scp-detached`, `moved`, `changed`. */
  readonly kind: string;
  /** The resource address (or policy location) it is about; the stack name for a whole-stack change. */
  readonly subject: string;
  /** Plain words (without the stack name). */
  readonly text: string;
}

/** The resource types whose removal turns a part of the guard off. */
const GUARD_TYPES: Readonly<Record<string, string>> = {
  aws_cloudtrail: 'the trail',
  aws_s3_bucket: 'the log bucket',
  aws_s3_bucket_policy: 'the log bucket policy',
  aws_kms_key: 'the trail key',
  aws_config_config_rule: 'an AWS Config rule',
  aws_config_remediation_configuration: 'the remediation',
  aws_cloudwatch_event_rule: 'the fast path rule',
  aws_cloudwatch_event_target: 'the fast path target',
  aws_ssm_document: 'the runbook',
  aws_organizations_policy: 'the tamper-prevention SCP',
  aws_organizations_policy_attachment: 'an SCP attachment',
  aws_config_configuration_recorder: 'the AWS Config recorder',
};

/**
 * `json` with its resources' addresses and every reference to them renamed by `moved` (`from` → `to`), as a copy:
 * interpolations (`${aws_x.y.attr}`) and bare references (`aws_x.y`, `aws_x.y.attr` in `depends_on` or
 * `replace_triggered_by`).
 * @param moved the later stack's `moved` blocks
 */
export function throughMoves(json: Json, moved: ReadonlyArray<{ from: string; to: string }>): Json {
  if (moved.length === 0) return json;
  const map = new Map(moved.map((m) => [m.from, m.to]));
  const rename = (s: string): string => {
    if (map.has(s)) return map.get(s)!;
    // a bare reference, as in depends_on or replace_triggered_by: `aws_x.y` or `aws_x.y.attr`
    const bare = /^([a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)([.[].*)$/s.exec(s);
    if (bare && map.has(bare[1])) return `${map.get(bare[1])}${bare[2]}`;
    return s.replace(/(\$?)\$\{([a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)/g, (all, esc: string, addr: string) =>
      esc === '' && map.has(addr) ? `\${${map.get(addr)}` : all,
    );
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return rename(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const out = walk(json) as Json;
  const resource: Json = {};
  for (const [type, byName] of Object.entries((out.resource ?? {}) as Record<string, Record<string, Json>>)) {
    resource[type] = {};
    for (const [name, attrs] of Object.entries(byName)) {
      const to = map.get(`${type}.${name}`);
      resource[type][to && to.startsWith(`${type}.`) ? to.slice(type.length + 1) : name] = attrs;
    }
  }
  return { ...out, resource };
}

/** A policy's label for a reader: whose policy it is, and where. */
function policyLabel(d: PolicyDoc, resources: readonly Resource[]): string {
  const [type, name, attr] = d.where.split('.');
  const owner = resources.find((r) => r.address === d.owner);
  const ownerName = owner?.attrs.name ?? owner?.attrs.bucket;
  const where = `${type}.${name}`;
  switch (type) {
    case 'aws_s3_bucket_policy':
      return `bucket policy${ownerName ? ` of ${readable(String(ownerName))}` : ''} (${where})`;
    case 'aws_kms_key':
      return `key policy (${where})`;
    case 'aws_sns_topic_policy':
      return `topic policy${ownerName ? ` of ${readable(String(ownerName))}` : ''} (${where})`;
    case 'aws_organizations_policy':
      return `SCP${ownerName ? ` ${readable(String(ownerName))}` : ''} (${where})`;
    case 'aws_iam_role':
      return attr === 'assume_role_policy'
        ? `trust policy of role ${ownerName ?? name} (${where})`
        : `inline policy of role ${ownerName ?? name} (${where})`;
    case 'aws_iam_role_policy':
      return `permissions of role ${ownerName ? readable(String(ownerName)) : '(unknown)'} (${where})`;
    default:
      return d.where;
  }
}

const effective = (attrs: Json, attr: string): unknown =>
  attrs?.[attr] !== undefined ? attrs[attr] : CLOUDTRAIL_DEFAULTS[attr];

/** A short value for a reader. */
const show = (v: unknown): string =>
  v === undefined ? '(absent)' : typeof v === 'string' ? readable(v) : JSON.stringify(v);

/** The findings of one stack present in both. */
function compareStack(stack: string, beforeRaw: Json, after: Json, catalog: ActionCatalog): Finding[] {
  const moved: Array<{ from: string; to: string }> = (Array.isArray(after.moved) ? after.moved : []).map((m: Json) => ({
    from: String(m.from),
    to: String(m.to),
  }));
  const before = throughMoves(beforeRaw, moved);
  const out: Finding[] = [];
  const explained = new Set<string>(); // `${address}.${attribute}` covered by a specific finding
  const add = (security: boolean, kind: string, subject: string, text: string, ...attrs: string[]): void => {
    out.push({ stack, security, kind, subject, text });
    attrs.forEach((a) => explained.add(`${subject}.${a}`));
  };
  const rb = resourcesOf(before);
  const ra = resourcesOf(after);
  const find = (rs: Resource[], address: string): Resource | undefined => rs.find((r) => r.address === address);

  // 1. policies, statement by statement
  const pb = policiesOf(rb);
  const pa = policiesOf(ra);
  for (const where of [...new Set([...pb.map((d) => d.where), ...pa.map((d) => d.where)])]) {
    const b = pb.find((d) => d.where === where);
    const a = pa.find((d) => d.where === where);
    const doc = (a ?? b)!;
    const changes = comparePolicies(b?.statements ?? ([] as Statement[]), a?.statements ?? [], catalog, {
      identity: doc.identity,
      selfName: doc.selfName,
    });
    const labelled = policyLabel(doc, a ? ra : rb);
    for (const c of changes) add(c.security, c.kind, where, `${labelled}: ${c.text}`);
    const [type, name, ...attrPath] = where.split('.');
    if (changes.length > 0 || (a && b)) explained.add(`${type}.${name}.${attrPath.join('.').split('[')[0]}`);
  }

  // 2. protection, and the guard's parts removed
  for (const r of rb) {
    const now = find(ra, r.address);
    const protectedBefore = r.attrs.lifecycle?.prevent_destroy === true;
    if (now) {
      if (protectedBefore && now.attrs.lifecycle?.prevent_destroy !== true)
        add(true, 'prevent-destroy-removed', r.address, `${r.address}: prevent_destroy removed`, 'lifecycle');
      continue;
    }
    if (protectedBefore) {
      add(
        true,
        'protected-resource-removed',
        r.address,
        `${r.address} removed from the configuration: Terraform plans to destroy it (prevent_destroy protects only a resource that is still in the configuration)`,
      );
    } else if (GUARD_TYPES[r.type]) {
      const kind =
        r.type === 'aws_config_config_rule'
          ? 'rule-off'
          : r.type === 'aws_config_remediation_configuration'
            ? 'remediation-off'
            : r.type.startsWith('aws_cloudwatch_event_')
              ? 'fast-path-off'
              : r.type === 'aws_organizations_policy_attachment'
                ? 'scp-detached'
                : 'resource-removed';
      const what =
        kind === 'rule-off'
          ? `AWS Config rule ${show(r.attrs.name)} turned off: ${r.address} removed`
          : kind === 'remediation-off'
            ? `automatic remediation turned off: ${r.address} removed`
            : kind === 'fast-path-off'
              ? `fast path turned off: ${r.address} removed`
              : kind === 'scp-detached'
                ? `SCP no longer attached to ${show(r.attrs.target_id)}: ${r.address} removed`
                : `${GUARD_TYPES[r.type]} removed: ${r.address}`;
      add(true, kind, r.address, what);
    }
  }

  // 3. parts turned off in place, and baseline settings turned off
  const flag = (
    r: Resource,
    now: Resource,
    attr: string,
    kind: string,
    words: string,
    value: (x: Json) => unknown = (x) => x?.[attr],
  ): void => {
    const was = value(r.attrs);
    const is = value(now.attrs);
    const absent = now.attrs[attr] === undefined && is !== undefined ? ' (left out: the provider default)' : '';
    if (was === true && is !== true)
      add(
        true,
        kind,
        r.address,
        `${words} turned off in ${r.address} (${attr} ${show(was)} → ${show(is)}${absent})`,
        attr,
      );
  };
  for (const r of rb) {
    const now = find(ra, r.address);
    if (!now) continue;
    switch (r.type) {
      case 'aws_cloudtrail':
        for (const [attr, words] of [
          ['enable_logging', 'trail baseline: logging'],
          ['is_multi_region_trail', 'trail baseline: multi-Region'],
          ['include_global_service_events', 'trail baseline: global service events'],
          ['enable_log_file_validation', 'trail baseline: log file validation'],
        ] as const) {
          flag(r, now, attr, 'baseline-off', words, (x) => effective(x, attr));
        }
        if (r.attrs.kms_key_id !== undefined && now.attrs.kms_key_id === undefined) {
          add(
            true,
            'baseline-off',
            r.address,
            `trail baseline: SSE-KMS turned off in ${r.address} (kms_key_id ${show(r.attrs.kms_key_id)} → (absent))`,
            'kms_key_id',
          );
        }
        {
          const sel = (x: Json): Json => x.event_selector?.[0] ?? {};
          const mgmt = (x: Json): string =>
            x.advanced_event_selector
              ? 'advanced'
              : sel(x).include_management_events === false
                ? 'off'
                : (sel(x).read_write_type ?? 'All');
          const excluded = (x: Json): string[] => sel(x).exclude_management_event_sources ?? [];
          if (mgmt(r.attrs) === 'All' && mgmt(now.attrs) !== 'All') {
            add(
              true,
              'baseline-off',
              r.address,
              `trail baseline: read and write management events turned off in ${r.address} (now ${mgmt(now.attrs)})`,
              'event_selector',
              'advanced_event_selector',
            );
          }
          const newly = excluded(now.attrs).filter((s) => !excluded(r.attrs).includes(s));
          if (newly.length)
            add(
              true,
              'baseline-off',
              r.address,
              `trail baseline: management events of ${newly.join(', ')} excluded in ${r.address}`,
              'event_selector',
            );
        }
        break;
      case 'aws_config_remediation_configuration': {
        flag(r, now, 'automatic', 'remediation-off', 'automatic remediation');
        const param = (x: Json, name: string): string | undefined => {
          const p = (x.parameter ?? []).find((q: Json) => q.name === name);
          return p?.static_value ?? (Array.isArray(p?.static_values) ? p.static_values.join(',') : undefined);
        };
        for (const [name, words] of [
          ['IsMultiRegionTrail', 'multi-Region'],
          ['IncludeGlobalServiceEvents', 'global service events'],
          ['EnableLogFileValidation', 'log file validation'],
        ] as const) {
          const was = param(r.attrs, name);
          const is = param(now.attrs, name);
          if (was === 'true' && is !== 'true')
            add(
              true,
              'baseline-off',
              r.address,
              `trail baseline: ${words} turned off in the remediation parameters of ${r.address} (${name} ${show(was)} → ${show(is)})`,
              'parameter',
            );
        }
        if (param(r.attrs, 'KmsKeyId') !== undefined && param(now.attrs, 'KmsKeyId') === undefined) {
          add(
            true,
            'baseline-off',
            r.address,
            `trail baseline: SSE-KMS turned off in the remediation parameters of ${r.address} (KmsKeyId removed)`,
            'parameter',
          );
        }
        break;
      }
      case 'aws_cloudwatch_event_rule': {
        const enabled = (x: Json): boolean => (x.state !== undefined ? x.state === 'ENABLED' : x.is_enabled !== false);
        if (enabled(r.attrs) && !enabled(now.attrs))
          add(
            true,
            'fast-path-off',
            r.address,
            `fast path turned off: ${r.address} disabled (${now.attrs.state !== undefined ? `state ${now.attrs.state}` : 'is_enabled false'})`,
            'state',
            'is_enabled',
          );
        const names = (x: Json): string[] => {
          try {
            return JSON.parse(x.event_pattern ?? '{}').detail?.eventName ?? [];
          } catch {
            return [];
          }
        };
        const lost = names(r.attrs).filter((n) => !names(now.attrs).includes(n));
        if (lost.length)
          add(
            true,
            'fast-path-off',
            r.address,
            `fast path no longer reacts to ${lost.join(', ')} (${r.address} event_pattern)`,
            'event_pattern',
          );
        break;
      }
      case 'aws_config_configuration_recorder_status':
        flag(r, now, 'is_enabled', 'rule-off', 'AWS Config recording');
        break;
      case 'aws_s3_bucket_public_access_block':
        for (const attr of [
          'block_public_acls',
          'block_public_policy',
          'ignore_public_acls',
          'restrict_public_buckets',
        ])
          flag(r, now, attr, 'setting-off', `public access block ${attr}`);
        break;
      case 'aws_s3_bucket_versioning':
        if (
          r.attrs.versioning_configuration?.status === 'Enabled' &&
          now.attrs.versioning_configuration?.status !== 'Enabled'
        ) {
          add(
            true,
            'setting-off',
            r.address,
            `log bucket versioning turned off in ${r.address} (status Enabled → ${show(now.attrs.versioning_configuration?.status)})`,
            'versioning_configuration',
          );
        }
        break;
      case 'aws_s3_bucket':
        if (r.attrs.force_destroy !== true && now.attrs.force_destroy === true)
          add(
            true,
            'setting-off',
            r.address,
            `${r.address}: force_destroy turned on (terraform destroy would delete every log file)`,
            'force_destroy',
          );
        break;
      case 'aws_s3_bucket_ownership_controls':
        if (
          r.attrs.rule?.object_ownership === 'BucketOwnerEnforced' &&
          now.attrs.rule?.object_ownership !== 'BucketOwnerEnforced'
        ) {
          add(
            true,
            'setting-off',
            r.address,
            `log bucket ACLs turned back on in ${r.address} (object_ownership BucketOwnerEnforced → ${show(now.attrs.rule?.object_ownership)})`,
            'rule',
          );
        }
        break;
      case 'aws_s3_bucket_server_side_encryption_configuration': {
        const alg = (x: Json): unknown => x.rule?.[0]?.apply_server_side_encryption_by_default?.sse_algorithm;
        if (String(alg(r.attrs)).startsWith('aws:kms') && !String(alg(now.attrs)).startsWith('aws:kms')) {
          add(
            true,
            'setting-off',
            r.address,
            `log bucket SSE-KMS turned off in ${r.address} (sse_algorithm ${show(alg(r.attrs))} → ${show(alg(now.attrs))})`,
            'rule',
          );
        }
        break;
      }
      case 'aws_kms_key':
        flag(r, now, 'enable_key_rotation', 'setting-off', 'key rotation');
        break;
      default:
        break;
    }
  }

  // 4. other changes
  if (moved.length) {
    const renamed = moved.filter(
      (m) => rb.some((r) => r.address === m.to) && resourcesOf(beforeRaw).some((r) => r.address === m.from),
    );
    if (renamed.length)
      add(
        false,
        'moved',
        stack,
        `${renamed.length} resource address(es) change, with moved blocks (no replacement): ${renamed.map((m) => `${m.from} → ${m.to}`).join(', ')}`,
      );
  }
  for (const r of rb) {
    if (!find(ra, r.address) && !out.some((f) => f.subject === r.address && f.kind !== 'moved'))
      add(false, 'resource-removed', r.address, `${r.address} removed`);
  }
  for (const r of ra) if (!find(rb, r.address)) add(false, 'resource-added', r.address, `${r.address} added`);
  for (const r of rb) {
    const now = find(ra, r.address);
    if (!now) continue;
    const keys = [...new Set([...Object.keys(r.attrs), ...Object.keys(now.attrs)])].sort();
    const changed = keys.filter(
      (k) => !explained.has(`${r.address}.${k}`) && !isDeepStrictEqual(r.attrs[k], now.attrs[k]),
    );
    for (const k of changed) {
      if (r.type === 'aws_ssm_document' && k === 'content') {
        add(
          false,
          'changed',
          r.address,
          `${r.address}: content changed (${String(r.attrs.content).split('\n').length} → ${String(now.attrs.content).split('\n').length} lines)`,
        );
      } else if (
        k === 'lifecycle' &&
        r.attrs.lifecycle?.prevent_destroy !== true &&
        now.attrs.lifecycle?.prevent_destroy === true
      ) {
        add(false, 'changed', r.address, `${r.address}: prevent_destroy added`);
      } else {
        add(
          false,
          'changed',
          r.address,
          `${r.address}: ${k}: ${shorten(show(r.attrs[k]))} → ${shorten(show(now.attrs[k]))}`,
        );
      }
    }
  }
  return out;
}

const shorten = (s: string): string => (s.length > 160 ? `${s.slice(0, 150)}… (${s.length} characters)` : s);

/**
 * The changes from `before` to `after` (stacks by name, each its `cdk.tf.json`): security-relevant first, then the
 * others; within each, stack by stack (by name), in the order of the checks above.
 * @param catalog IAM actions of the services both estates' policies name
 * @throws PolicyError when a policy cannot be read
 */
export function diffEstates(
  before: ReadonlyMap<string, Json>,
  after: ReadonlyMap<string, Json>,
  catalog: ActionCatalog,
): { security: Finding[]; other: Finding[] } {
  const all: Finding[] = [];
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const stack of names) {
    const b = before.get(stack);
    const a = after.get(stack);
    if (b && !a) {
      const protectedCount = resourcesOf(b).filter((r) => r.attrs.lifecycle?.prevent_destroy === true).length;
      all.push({
        stack,
        security: true,
        kind: 'stack-removed',
        subject: stack,
        text: `stack removed: its ${resourcesOf(b).length} resources (${protectedCount} with prevent_destroy) are no longer in any configuration; its state still holds them`,
      });
    } else if (!b && a) {
      all.push({
        stack,
        security: false,
        kind: 'stack-added',
        subject: stack,
        text: `new stack: ${describeStack(stack, a, catalog).resourceCount} resources`,
      });
    } else if (b && a) all.push(...compareStack(stack, b, a, catalog));
  }
  return { security: all.filter((f) => f.security), other: all.filter((f) => !f.security) };
}
