/**
 * The security-relevant facts of one synthesized stack (`cdk.tf.json`), read from its resources and their policies
 * (parsed, never matched as text): who may write to the log bucket, who may use the key, what the automation and fast
 * path roles may do, what the SCP denies and to whom it makes exceptions, the trail baseline, the Config rules and
 * the remediation, the fast path's event pattern, the notifications, and what is protected by `prevent_destroy`.
 *
 * Components are found by what refers to what, not by their addresses (so an old synth with hashed addresses reads
 * the same): the automation role is the remediation's `AutomationAssumeRole`, the fast path role the EventBridge
 * target's `role_arn`, the log bucket the trail's `s3_bucket_name`, the key the trail's `kms_key_id`, and so on.
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { type ActionCatalog, accessLevelsOf } from './actions';
import {
  conditionText,
  parsePolicy,
  principalText,
  readable,
  resourceText,
  type Statement,
  statementText,
} from './policy';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Terraform JSON
export type Json = any;

/** One resource of a stack. */
export interface Resource {
  /** `type.name` */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** Its attributes as synthesized (cdktf's `//` metadata left out). */
  readonly attrs: Json;
}

/** The resources of a stack's JSON, in the JSON's order. */
export function resourcesOf(json: Json): Resource[] {
  const out: Resource[] = [];
  for (const [type, byName] of Object.entries((json?.resource ?? {}) as Record<string, Record<string, Json>>)) {
    for (const [name, attrs] of Object.entries(byName)) {
      const rest = { ...(attrs ?? {}) };
      delete rest['//'];
      out.push({ address: `${type}.${name}`, type, name, attrs: rest });
    }
  }
  return out;
}

/** The resource addresses a value refers to (`${aws_x.y.attr}`, not the escaped `$${…}`), in order, each once. */
export function referencesIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    for (const m of value.matchAll(/(\$?)\$\{([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)/g)) {
      if (m[1] === '' && m[2] !== 'data' && m[2] !== 'var' && m[2] !== 'local' && !out.includes(`${m[2]}.${m[3]}`))
        out.push(`${m[2]}.${m[3]}`);
    }
  } else if (Array.isArray(value)) value.forEach((v) => referencesIn(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => referencesIn(v, out));
  return out;
}

/** One policy statement, for a reader: its words and its parts. */
export interface Grant {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  /** The statement in plain words. */
  readonly text: string;
  /** Principals in plain words (absent in an identity policy). */
  readonly principals?: string[];
  readonly actions: string[];
  /** Resources in plain words (an S3 object ARN as its key pattern and bucket). */
  readonly resources: string[];
  /** Conditions in plain words. */
  readonly conditions: string[];
}

/** A policy of the stack: where it is, and its statements. */
export interface PolicyFacts {
  /** `aws_s3_bucket_policy.log_bucket_policy.policy` */
  readonly where: string;
  readonly statements: Grant[];
}

/** A role: its trust policy and what it may do (inline policies and attached managed policies). */
export interface RoleFacts {
  readonly address: string;
  readonly name?: string;
  /** Who may assume it (its trust policy's statements). */
  readonly trustedBy: Grant[];
  /** What it may do (its inline policies' statements). */
  readonly may: Grant[];
  /** Managed policies attached to it (ARNs). */
  readonly managedPolicies: string[];
}

/** A bucket: its settings, and its bucket policy's statements sorted by what they allow. */
export interface BucketFacts {
  readonly address: string;
  readonly name: string;
  readonly forceDestroy: boolean;
  readonly versioning?: string;
  readonly publicAccessBlock?: Record<string, boolean>;
  readonly encryption?: string;
  readonly objectOwnership?: string;
  /** S3 Object Lock's default retention (`GOVERNANCE, 365 days`), when configured. */
  readonly objectLock?: string;
  readonly policy?: string;
  /** Allow statements with a Write (or Permissions management) action. */
  readonly writers: Grant[];
  /** The other Allow statements. */
  readonly otherAccess: Grant[];
  readonly denied: Grant[];
}

/** One row of the trail baseline: a setting as the trail sets it, as the remediation sends it, as the fast path does. */
export interface BaselineRow {
  readonly setting: string;
  /** `aws_cloudtrail`'s value (a provider default where the attribute is absent, marked `(default)`), or `undefined`. */
  readonly trail?: string;
  readonly remediation?: string;
  readonly fastPath?: string;
}

/** The facts of one stack; the content of one stack's section of REVIEW.md. */
export interface StackReview {
  readonly stack: string;
  readonly account?: string;
  readonly region?: string;
  readonly resourceCount: number;
  /** `moved` blocks (old address → new address). */
  readonly moved: Array<{ from: string; to: string }>;
  /** The bucket the trail delivers to, when this stack creates it. */
  readonly logBucket?: BucketFacts;
  /** The stack's other buckets (an access-log bucket, say), each read the same way. */
  readonly otherBuckets: BucketFacts[];
  /** The bucket the trail delivers to when this stack does not create it (a central log archive's). */
  readonly deliversTo?: string;
  readonly key?: {
    readonly address?: string;
    /** The key ARN when the stack uses an existing key (and creates none). */
    readonly existingKeyArn?: string;
    readonly aliases: string[];
    readonly rotation?: boolean;
    readonly deletionWindowInDays?: number;
    readonly users: Grant[];
    readonly denied: Grant[];
  };
  readonly automationRole?: RoleFacts;
  readonly runbook?: {
    readonly address: string;
    readonly name: string;
    readonly documentType?: string;
    readonly steps: string[];
    readonly parameters: string[];
    readonly assumeRole?: string;
    /** SHA-256 of the document content, first 12 hex digits. */
    readonly contentSha256: string;
    readonly contentLines: number;
  };
  readonly fastPath?: {
    readonly address: string;
    readonly name?: string;
    readonly enabled: boolean;
    readonly sources: string[];
    readonly detailTypes: string[];
    readonly eventSources: string[];
    readonly eventNames: string[];
    readonly trails: string[];
    readonly onlySuccessfulCalls: boolean;
    readonly target?: string;
    readonly role?: RoleFacts;
  };
  readonly scps: Array<{
    readonly address: string;
    readonly name?: string;
    readonly denies: Grant[];
    /** Principals the Deny statements exempt (the values of their `aws:PrincipalArn` `…Not…` conditions). */
    readonly exceptions: string[];
    readonly attachedTo: string[];
  }>;
  readonly trail: { readonly managed: boolean; readonly address?: string; readonly baseline: BaselineRow[] };
  readonly rules: Array<{
    readonly address: string;
    readonly name: string;
    readonly identifier?: string;
    readonly frequency?: string;
    readonly inputParameters?: string;
  }>;
  readonly remediation?: {
    readonly address: string;
    readonly automatic: boolean;
    readonly maximumAutomaticAttempts?: number;
    readonly retryAttemptSeconds?: number;
    readonly rule?: string;
    readonly runbook?: string;
  };
  readonly notifications: {
    readonly topic?: { readonly address: string; readonly name?: string; readonly publishers: Grant[] };
    readonly logGroup?: { readonly address: string; readonly name?: string; readonly retentionInDays?: number };
    readonly logsRole?: RoleFacts;
  };
  readonly recorder?: { readonly address: string; readonly deliveryChannel?: string; readonly enabled?: boolean };
  /** Every resource, whether `prevent_destroy` protects it. */
  readonly protection: Array<{ readonly address: string; readonly preventDestroy: boolean }>;
  /** Mermaid flowchart of the stack's components. */
  readonly diagram: string;
}

/**
 * Provider defaults of `aws_cloudtrail` for the baseline attributes a configuration may leave out (hashicorp/aws
 * 5.100.0; checked by planning a trail without them, __tests__/terraform/cloudtrail-defaults.test.ts).
 * @see https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/cloudtrail
 */
export const CLOUDTRAIL_DEFAULTS: Readonly<Record<string, unknown>> = {
  enable_logging: true,
  is_multi_region_trail: false,
  include_global_service_events: true,
  enable_log_file_validation: false,
  is_organization_trail: false,
};

/** The value of a remediation `parameter` block: `static_value`, or `static_values` joined by `,`. */
function parameterValue(p: Json): string | undefined {
  if (p.static_value !== undefined) return String(p.static_value);
  if (Array.isArray(p.static_values)) return p.static_values.map(String).join(',');
  if (p.resource_value !== undefined) return `(the resource: ${p.resource_value.value ?? 'RESOURCE_ID'})`;
  return undefined;
}

function grantOf(st: Statement, opts: { identity?: string; selfName?: string }): Grant {
  return {
    ...(st.sid ? { sid: st.sid } : {}),
    effect: st.effect,
    text: statementText(st, opts),
    ...(st.principals ? { principals: st.principals.map(principalText) } : {}),
    actions: st.actions,
    resources: st.resources.map((r) => resourceText(r, opts.selfName)),
    conditions: st.conditions.map(conditionText),
  };
}

/** Every policy document of a stack: where it is, what it belongs to, its statements (parsed). */
export interface PolicyDoc {
  readonly where: string;
  readonly owner: string;
  readonly statements: Statement[];
  /** What `*` means as a resource here; who an identity policy's statements are about. */
  readonly selfName?: string;
  readonly identity?: string;
}

/**
 * The policies of a stack: bucket, key, topic and SCP content, role trust policies, inline role policies
 * (`aws_iam_role_policy` and `inline_policy` blocks).
 * @throws PolicyError when a policy cannot be read
 */
export function policiesOf(resources: readonly Resource[]): PolicyDoc[] {
  const out: PolicyDoc[] = [];
  const roleName = (address: string | undefined): string =>
    `the role ${address ? (resources.find((r) => r.address === address)?.attrs.name ?? address) : '(unknown)'}`;
  for (const r of resources) {
    const a = r.attrs;
    const add = (
      attr: string,
      text: unknown,
      owner: string,
      opts: { selfName?: string; identity?: string } = {},
    ): void => {
      if (typeof text !== 'string' || text === '') return;
      out.push({
        where: `${r.address}.${attr}`,
        owner,
        statements: parsePolicy(text, `${r.address}.${attr}`),
        ...opts,
      });
    };
    switch (r.type) {
      case 'aws_s3_bucket_policy':
        add('policy', a.policy, referencesIn(a.bucket)[0] ?? r.address);
        break;
      case 'aws_kms_key':
        add('policy', a.policy, r.address, { selfName: 'this key' });
        break;
      case 'aws_sns_topic_policy':
        add('policy', a.policy, referencesIn(a.arn)[0] ?? r.address, { selfName: 'this topic' });
        break;
      case 'aws_organizations_policy':
        add('content', a.content, r.address, { identity: 'every principal in the accounts it applies to' });
        break;
      case 'aws_iam_role':
        add('assume_role_policy', a.assume_role_policy, r.address, { selfName: 'this role' });
        for (const [i, ip] of (Array.isArray(a.inline_policy) ? a.inline_policy : []).entries()) {
          add(`inline_policy[${i}].policy`, ip.policy, r.address, { identity: roleName(r.address) });
        }
        break;
      case 'aws_iam_role_policy':
        add('policy', a.policy, referencesIn(a.role)[0] ?? r.address, { identity: roleName(referencesIn(a.role)[0]) });
        break;
      case 'aws_iam_policy':
        add('policy', a.policy, r.address);
        break;
      default:
        break;
    }
  }
  return out;
}

const grants = (docs: readonly PolicyDoc[], pred: (d: PolicyDoc) => boolean): Grant[] =>
  docs.filter(pred).flatMap((d) => d.statements.map((s) => grantOf(s, d)));

/**
 * The facts of one stack.
 * @param stack the stack's name
 * @param json its `cdk.tf.json`
 * @param catalog IAM actions of the services its policies name ({@link loadActionCatalog})
 * @throws PolicyError when a policy cannot be read
 */
export function describeStack(stack: string, json: Json, catalog: ActionCatalog): StackReview {
  const resources = resourcesOf(json);
  const byType = (t: string): Resource[] => resources.filter((r) => r.type === t);
  const at = (address: string | undefined): Resource | undefined =>
    address ? resources.find((r) => r.address === address) : undefined;
  const refersTo = (r: Resource, attr: string, target: Resource): boolean =>
    referencesIn(r.attrs[attr]).includes(target.address);
  const docs = policiesOf(resources);
  const provider = json?.provider?.aws?.[0] ?? {};
  const fromName = /-(\d{12})-([a-z]{2}(?:-[a-z]+)+-\d+)$/.exec(stack);
  const account: string | undefined = provider.allowed_account_ids?.[0] ?? fromName?.[1];
  const region: string | undefined = provider.region ?? fromName?.[2];

  const remediationRes = byType('aws_config_remediation_configuration')[0];
  const params: Record<string, string> = {};
  for (const p of remediationRes?.attrs.parameter ?? []) {
    const v = parameterValue(p);
    if (v !== undefined) params[p.name] = v;
  }
  const trailRes = byType('aws_cloudtrail')[0];
  const eventRule = byType('aws_cloudwatch_event_rule').find((r) => {
    try {
      return JSON.parse(r.attrs.event_pattern ?? '{}').source?.includes('aws.cloudtrail');
    } catch {
      return false;
    }
  });
  const target = eventRule && byType('aws_cloudwatch_event_target').find((t) => refersTo(t, 'rule', eventRule));
  let targetInput: Record<string, string[]> = {};
  try {
    targetInput = target?.attrs.input ? JSON.parse(target.attrs.input) : {};
  } catch {
    targetInput = {};
  }

  const role = (address: string | undefined): RoleFacts | undefined => {
    const r = at(address);
    if (!r || r.type !== 'aws_iam_role') return undefined;
    return {
      address: r.address,
      ...(r.attrs.name ? { name: r.attrs.name } : {}),
      trustedBy: grants(docs, (d) => d.where === `${r.address}.assume_role_policy`),
      may: grants(docs, (d) => d.owner === r.address && d.where !== `${r.address}.assume_role_policy`),
      managedPolicies: [
        ...(r.attrs.managed_policy_arns ?? []),
        ...byType('aws_iam_role_policy_attachment')
          .filter((x) => refersTo(x, 'role', r))
          .map((x) => x.attrs.policy_arn),
      ].map((x: string) => readable(String(x))),
    };
  };
  const firstRef = (v: unknown): string | undefined => referencesIn(v)[0];
  const automationRoleAddress =
    firstRef(params.AutomationAssumeRole) ??
    firstRef(targetInput.AutomationAssumeRole) ??
    byType('aws_iam_role').find((r) =>
      docs.some(
        (d) =>
          d.where === `${r.address}.assume_role_policy` &&
          d.statements.some((s) => s.principals?.some((p) => p.value === 'ssm.amazonaws.com')),
      ),
    )?.address;
  const fastPathRoleAddress = firstRef(target?.attrs.role_arn);
  const logsRoleAddress = firstRef(trailRes?.attrs.cloud_watch_logs_role_arn) ?? firstRef(params.CloudWatchLogsRoleArn);

  const writes = (st: Statement): boolean => {
    const levels = accessLevelsOf(st.actions, catalog);
    return st.notAction || levels.has('Write') || levels.has('Permissions management');
  };
  const bucketFacts = (bucket: Resource): BucketFacts => {
    const ofBucket = (t: string): Resource | undefined =>
      byType(t).find(
        (x) => referencesIn(x.attrs.bucket).includes(bucket.address) || x.attrs.bucket === bucket.attrs.bucket,
      );
    const own = (d: PolicyDoc): boolean => d.where.startsWith('aws_s3_bucket_policy.') && d.owner === bucket.address;
    const allows = docs
      .filter(own)
      .flatMap((d) => d.statements.filter((st) => st.effect === 'Allow').map((st) => ({ st, d })));
    const pab = ofBucket('aws_s3_bucket_public_access_block');
    const sseRule = ofBucket('aws_s3_bucket_server_side_encryption_configuration')?.attrs.rule?.[0];
    const sseDefault = sseRule?.apply_server_side_encryption_by_default;
    const lock = ofBucket('aws_s3_bucket_object_lock_configuration')?.attrs.rule?.default_retention;
    const lockRule = Array.isArray(lock) ? lock[0] : lock;
    return {
      address: bucket.address,
      name: readable(String(bucket.attrs.bucket)),
      forceDestroy: bucket.attrs.force_destroy === true,
      ...(ofBucket('aws_s3_bucket_versioning')
        ? { versioning: ofBucket('aws_s3_bucket_versioning')!.attrs.versioning_configuration?.status }
        : {}),
      ...(pab
        ? {
            publicAccessBlock: Object.fromEntries(
              ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].map((k) => [
                k,
                pab.attrs[k] === true,
              ]),
            ),
          }
        : {}),
      ...(sseDefault
        ? {
            encryption: `${sseDefault.sse_algorithm}${sseDefault.kms_master_key_id ? ` with ${readable(String(sseDefault.kms_master_key_id))}` : ''}${sseRule.bucket_key_enabled ? ', S3 Bucket Key on' : ''}`,
          }
        : {}),
      ...(ofBucket('aws_s3_bucket_ownership_controls')
        ? { objectOwnership: ofBucket('aws_s3_bucket_ownership_controls')!.attrs.rule?.object_ownership }
        : {}),
      ...(lockRule
        ? {
            objectLock: `${lockRule.mode}, ${lockRule.days !== undefined ? `${lockRule.days} days` : `${lockRule.years} years`}`,
          }
        : {}),
      ...(docs.find(own) ? { policy: docs.find(own)!.where } : {}),
      writers: allows.filter(({ st }) => writes(st)).map(({ st, d }) => grantOf(st, d)),
      otherAccess: allows.filter(({ st }) => !writes(st)).map(({ st, d }) => grantOf(st, d)),
      denied: grants(docs, own).filter((g) => g.effect === 'Deny'),
    };
  };
  // the log bucket: the trail's (or the remediation's) bucket; else the bucket whose policy lets CloudTrail write; else
  // the only bucket
  const bucketName = trailRes?.attrs.s3_bucket_name ?? params.S3BucketName;
  const buckets = byType('aws_s3_bucket');
  const cloudTrailWrites = (b: Resource): boolean =>
    docs.some(
      (d) =>
        d.where.startsWith('aws_s3_bucket_policy.') &&
        d.owner === b.address &&
        d.statements.some(
          (st) =>
            st.effect === 'Allow' &&
            writes(st) &&
            st.principals?.some((p) => p.kind === 'Service' && p.value === 'cloudtrail.amazonaws.com'),
        ),
    );
  const bucket =
    buckets.find((b) => b.attrs.bucket === bucketName) ??
    buckets.find(cloudTrailWrites) ??
    (buckets.length === 1 ? buckets[0] : undefined);

  // the key: the trail's (or the remediation's) key; else the only key
  const keyRef = firstRef(trailRes?.attrs.kms_key_id) ?? firstRef(params.KmsKeyId);
  const key = at(keyRef) ?? (byType('aws_kms_key').length === 1 ? byType('aws_kms_key')[0] : undefined);
  const existingKey = !key ? (trailRes?.attrs.kms_key_id ?? params.KmsKeyId) : undefined;

  const doc =
    at(firstRef(remediationRes?.attrs.target_id)) ??
    byType('aws_ssm_document').find((d) => d.attrs.document_type === 'Automation');
  let docParsed: Json = {};
  try {
    docParsed = doc
      ? doc.attrs.document_format === 'JSON'
        ? JSON.parse(doc.attrs.content)
        : parseYaml(doc.attrs.content)
      : {};
  } catch {
    docParsed = {};
  }

  const pattern = (() => {
    try {
      return eventRule ? JSON.parse(eventRule.attrs.event_pattern) : {};
    } catch {
      return {};
    }
  })();
  const orBranches: Json[] = pattern.detail?.$or ?? [];
  const trailsInPattern = [
    ...new Set<string>([
      ...(pattern.detail?.requestParameters?.name ?? []),
      ...orBranches.flatMap((b: Json) => [
        ...(b.requestParameters?.name ?? []),
        ...(b.requestParameters?.trailName ?? []),
      ]),
    ]),
  ];

  const topic = byType('aws_sns_topic')[0];
  const logGroup = byType('aws_cloudwatch_log_group')[0];
  const recorder = byType('aws_config_configuration_recorder')[0];

  const trailValue = (attr: string): string | undefined => {
    if (!trailRes) return undefined;
    const v = trailRes.attrs[attr];
    if (v !== undefined) return readable(String(v));
    return attr in CLOUDTRAIL_DEFAULTS ? `${CLOUDTRAIL_DEFAULTS[attr]} (default)` : undefined;
  };
  const selector = trailRes?.attrs.event_selector?.[0];
  const fp = (name: string): string | undefined =>
    targetInput[name] === undefined ? undefined : targetInput[name].map(readable).join(',');
  const rp = (name: string): string | undefined => (params[name] === undefined ? undefined : readable(params[name]));
  const row = (setting: string, attr: string | undefined, param: string | undefined): BaselineRow => ({
    setting,
    ...(attr && trailValue(attr) !== undefined ? { trail: trailValue(attr) } : {}),
    ...(param && rp(param) !== undefined ? { remediation: rp(param) } : {}),
    ...(param && fp(param) !== undefined ? { fastPath: fp(param) } : {}),
  });
  const baseline: BaselineRow[] = [
    row('trail name', 'name', 'TrailName'),
    row('S3 bucket', 's3_bucket_name', 'S3BucketName'),
    row('S3 key prefix', 's3_key_prefix', 'S3KeyPrefix'),
    row('KMS key', 'kms_key_id', 'KmsKeyId'),
    row('multi-Region', 'is_multi_region_trail', 'IsMultiRegionTrail'),
    row('global service events', 'include_global_service_events', 'IncludeGlobalServiceEvents'),
    row('log file validation', 'enable_log_file_validation', 'EnableLogFileValidation'),
    row('organization trail', 'is_organization_trail', 'IsOrganizationTrail'),
    row('logging', 'enable_logging', undefined),
    {
      setting: 'management events',
      ...(trailRes
        ? {
            trail: selector
              ? `${selector.include_management_events === false ? 'off' : `read_write_type ${selector.read_write_type ?? 'All'}`}${
                  (selector.exclude_management_event_sources ?? []).length
                    ? `, excluding ${selector.exclude_management_event_sources.join(', ')}`
                    : ''
                }`
              : trailRes.attrs.advanced_event_selector
                ? 'advanced event selectors'
                : 'All (default)',
          }
        : {}),
      ...(remediationRes ? { remediation: 'read and write, no excluded source (the runbook restores this)' } : {}),
    },
    row('SNS topic', 'sns_topic_name', 'SnsTopicARN'),
    row('CloudWatch Logs group', 'cloud_watch_logs_group_arn', 'CloudWatchLogsLogGroupArn'),
    row('CloudWatch Logs role', 'cloud_watch_logs_role_arn', 'CloudWatchLogsRoleArn'),
  ].filter((r) => r.trail !== undefined || r.remediation !== undefined || r.fastPath !== undefined);

  const scps = byType('aws_organizations_policy').map((p) => {
    const own = docs.filter((d) => d.where === `${p.address}.content`);
    const exceptions = own.flatMap((d) =>
      d.statements
        .filter((s) => s.effect === 'Deny')
        .flatMap((s) =>
          s.conditions
            .filter((c) => /Not/.test(c.operator) && /^aws:Principal(Arn)?$/i.test(c.key))
            .flatMap((c) => c.values.map(readable)),
        ),
    );
    return {
      address: p.address,
      ...(p.attrs.name ? { name: p.attrs.name } : {}),
      denies: grants(own, () => true).filter((g) => g.effect === 'Deny'),
      exceptions: [...new Set(exceptions)],
      attachedTo: byType('aws_organizations_policy_attachment')
        .filter((x) => refersTo(x, 'policy_id', p))
        .map((x) => readable(String(x.attrs.target_id))),
    };
  });

  const review: Omit<StackReview, 'diagram'> = {
    stack,
    ...(account ? { account } : {}),
    ...(region ? { region } : {}),
    resourceCount: resources.length,
    moved: (Array.isArray(json?.moved) ? json.moved : []).map((m: Json) => ({
      from: String(m.from),
      to: String(m.to),
    })),
    ...(bucket ? { logBucket: bucketFacts(bucket) } : {}),
    otherBuckets: buckets.filter((b) => b !== bucket).map(bucketFacts),
    ...(!bucket && bucketName !== undefined ? { deliversTo: readable(String(bucketName)) } : {}),
    ...(key || existingKey
      ? {
          key: {
            ...(key ? { address: key.address } : { existingKeyArn: readable(String(existingKey)) }),
            aliases: key
              ? byType('aws_kms_alias')
                  .filter((x) => refersTo(x, 'target_key_id', key))
                  .map((x) => String(x.attrs.name))
              : [],
            ...(key && key.attrs.enable_key_rotation !== undefined
              ? { rotation: key.attrs.enable_key_rotation === true }
              : {}),
            ...(key && key.attrs.deletion_window_in_days !== undefined
              ? { deletionWindowInDays: Number(key.attrs.deletion_window_in_days) }
              : {}),
            users: key
              ? grants(docs, (d) => d.where === `${key.address}.policy`).filter((g) => g.effect === 'Allow')
              : [],
            denied: key
              ? grants(docs, (d) => d.where === `${key.address}.policy`).filter((g) => g.effect === 'Deny')
              : [],
          },
        }
      : {}),
    ...(role(automationRoleAddress) ? { automationRole: role(automationRoleAddress) } : {}),
    ...(doc
      ? {
          runbook: {
            address: doc.address,
            name: readable(String(doc.attrs.name)),
            ...(doc.attrs.document_type ? { documentType: doc.attrs.document_type } : {}),
            steps: (docParsed.mainSteps ?? []).map((s: Json) => `${s.name} (${s.action})`),
            parameters: Object.keys(docParsed.parameters ?? {}),
            ...(docParsed.assumeRole ? { assumeRole: String(docParsed.assumeRole) } : {}),
            contentSha256: createHash('sha256')
              .update(String(doc.attrs.content ?? ''))
              .digest('hex')
              .slice(0, 12),
            contentLines: String(doc.attrs.content ?? '').split('\n').length,
          },
        }
      : {}),
    ...(eventRule
      ? {
          fastPath: {
            address: eventRule.address,
            ...(eventRule.attrs.name ? { name: readable(String(eventRule.attrs.name)) } : {}),
            enabled:
              eventRule.attrs.state !== undefined
                ? eventRule.attrs.state === 'ENABLED'
                : eventRule.attrs.is_enabled !== false,
            sources: pattern.source ?? [],
            detailTypes: pattern['detail-type'] ?? [],
            eventSources: pattern.detail?.eventSource ?? [],
            eventNames: pattern.detail?.eventName ?? [],
            trails: trailsInPattern.map(readable),
            onlySuccessfulCalls:
              Array.isArray(pattern.detail?.errorCode) &&
              pattern.detail.errorCode.some((e: Json) => e?.exists === false),
            ...(target ? { target: readable(String(target.attrs.arn)) } : {}),
            ...(role(fastPathRoleAddress) ? { role: role(fastPathRoleAddress) } : {}),
          },
        }
      : {}),
    scps,
    trail: { managed: trailRes !== undefined, ...(trailRes ? { address: trailRes.address } : {}), baseline },
    rules: byType('aws_config_config_rule').map((r) => ({
      address: r.address,
      name: readable(String(r.attrs.name)),
      ...(r.attrs.source?.source_identifier ? { identifier: r.attrs.source.source_identifier } : {}),
      ...(r.attrs.maximum_execution_frequency ? { frequency: r.attrs.maximum_execution_frequency } : {}),
      ...(r.attrs.input_parameters ? { inputParameters: readable(String(r.attrs.input_parameters)) } : {}),
    })),
    ...(remediationRes
      ? {
          remediation: {
            address: remediationRes.address,
            automatic: remediationRes.attrs.automatic === true,
            ...(remediationRes.attrs.maximum_automatic_attempts !== undefined
              ? { maximumAutomaticAttempts: remediationRes.attrs.maximum_automatic_attempts }
              : {}),
            ...(remediationRes.attrs.retry_attempt_seconds !== undefined
              ? { retryAttemptSeconds: remediationRes.attrs.retry_attempt_seconds }
              : {}),
            ...(firstRef(remediationRes.attrs.config_rule_name)
              ? { rule: firstRef(remediationRes.attrs.config_rule_name) }
              : {}),
            ...(firstRef(remediationRes.attrs.target_id) ? { runbook: firstRef(remediationRes.attrs.target_id) } : {}),
          },
        }
      : {}),
    notifications: {
      ...(topic
        ? {
            topic: {
              address: topic.address,
              ...(topic.attrs.name ? { name: readable(String(topic.attrs.name)) } : {}),
              publishers: grants(docs, (d) => d.where.startsWith('aws_sns_topic_policy.') && d.owner === topic.address),
            },
          }
        : {}),
      ...(logGroup
        ? {
            logGroup: {
              address: logGroup.address,
              ...(logGroup.attrs.name ? { name: readable(String(logGroup.attrs.name)) } : {}),
              ...(logGroup.attrs.retention_in_days !== undefined
                ? { retentionInDays: Number(logGroup.attrs.retention_in_days) }
                : {}),
            },
          }
        : {}),
      ...(role(logsRoleAddress) ? { logsRole: role(logsRoleAddress) } : {}),
    },
    ...(recorder
      ? {
          recorder: {
            address: recorder.address,
            ...(byType('aws_config_delivery_channel')[0]
              ? { deliveryChannel: byType('aws_config_delivery_channel')[0].address }
              : {}),
            ...(byType('aws_config_configuration_recorder_status')[0]
              ? { enabled: byType('aws_config_configuration_recorder_status')[0].attrs.is_enabled === true }
              : {}),
          },
        }
      : {}),
    protection: resources.map((r) => ({
      address: r.address,
      preventDestroy: r.attrs.lifecycle?.prevent_destroy === true,
    })),
  };
  return { ...review, diagram: diagramOf(review, resources) };
}

/** A Mermaid label: quotes and angle brackets escaped, lines joined by `<br/>`. */
const lbl = (...lines: Array<string | undefined>): string =>
  `"${lines
    .filter((l): l is string => l !== undefined && l !== '')
    .map((l) => l.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;'))
    .join('<br/>')}"`;

/**
 * The stack as a Mermaid flowchart: bucket, key, trail, automation role, runbook, rule, remediation, fast path (and
 * topic, log group, SCP, recorder when there are); an edge only where the JSON has the link (a reference or a name).
 * @see https://mermaid.js.org/syntax/flowchart.html
 */
function diagramOf(r: Omit<StackReview, 'diagram'>, resources: readonly Resource[]): string {
  const lines = ['flowchart LR'];
  const node = (id: string, label: string): void => {
    lines.push(`  ${id}[${label}]`);
  };
  const edge = (from: string, to: string, text: string): void => {
    lines.push(`  ${from} -->|${lbl(text)}| ${to}`);
  };
  const has = (address?: string): boolean => address !== undefined && resources.some((x) => x.address === address);
  if (r.logBucket) node('bucket', lbl('S3 log bucket', r.logBucket.name, r.logBucket.address));
  if (r.key?.address) node('key', lbl('KMS key', r.key.aliases.join(', '), r.key.address));
  else if (r.key?.existingKeyArn) node('key', lbl('KMS key (not in this stack)', r.key.existingKeyArn));
  if (!r.logBucket && r.deliversTo) node('bucket', lbl('S3 log bucket (not in this stack)', r.deliversTo));
  for (const [i, b] of r.otherBuckets.entries()) node(`bucket${i + 1}`, lbl('S3 bucket', b.name, b.address));
  const trailName = r.trail.baseline.find((b) => b.setting === 'trail name');
  if (r.trail.managed || trailName)
    node(
      'trail',
      lbl(
        'CloudTrail trail',
        trailName?.trail ?? trailName?.remediation,
        r.trail.address ?? 'not managed by Terraform',
      ),
    );
  if (r.automationRole) node('role', lbl('automation role', r.automationRole.name, r.automationRole.address));
  if (r.runbook) node('runbook', lbl('SSM runbook', r.runbook.name, r.runbook.address));
  for (const [i, rule] of r.rules.entries()) node(`rule${i}`, lbl('AWS Config rule', rule.name, rule.address));
  if (r.remediation)
    node(
      'remediation',
      lbl(`remediation${r.remediation.automatic ? ' (automatic)' : ' (manual)'}`, r.remediation.address),
    );
  if (r.fastPath)
    node('fastpath', lbl(`fast path${r.fastPath.enabled ? '' : ' (disabled)'}`, r.fastPath.name, r.fastPath.address));
  if (r.notifications.topic) node('topic', lbl('SNS topic', r.notifications.topic.name, r.notifications.topic.address));
  if (r.notifications.logGroup)
    node('loggroup', lbl('CloudWatch Logs group', r.notifications.logGroup.name, r.notifications.logGroup.address));
  for (const [i, scp] of r.scps.entries()) node(`scp${i}`, lbl('tamper-prevention SCP', scp.name, scp.address));
  if (r.recorder) node('recorder', lbl('AWS Config recorder', r.recorder.address));

  const value = (setting: string): BaselineRow | undefined => r.trail.baseline.find((b) => b.setting === setting);
  const bucketName = r.logBucket?.name ?? r.deliversTo;
  if (bucketName && (value('S3 bucket')?.trail === bucketName || value('S3 bucket')?.remediation === bucketName))
    edge('trail', 'bucket', 'delivers log files');
  if (r.key?.existingKeyArn && [value('KMS key')?.trail, value('KMS key')?.remediation].includes(r.key.existingKeyArn))
    edge('trail', 'key', 'encrypts with');
  if (
    r.key?.address &&
    [value('KMS key')?.trail, value('KMS key')?.remediation].some((v) => v?.startsWith(`${r.key!.address}.`))
  )
    edge('trail', 'key', 'encrypts with');
  if (r.logBucket?.encryption && r.key?.address && r.logBucket.encryption.includes(`${r.key.address}.`))
    edge('bucket', 'key', 'SSE-KMS');
  if (r.notifications.topic && value('SNS topic')) edge('trail', 'topic', 'notifies');
  if (r.notifications.logGroup && value('CloudWatch Logs group')) edge('trail', 'loggroup', 'sends events');
  for (const [i, rule] of r.rules.entries()) {
    if (r.remediation?.rule === rule.address) edge(`rule${i}`, 'remediation', 'NON_COMPLIANT');
    if (r.recorder) edge('recorder', `rule${i}`, 'records for');
  }
  if (r.remediation?.runbook && r.remediation.runbook === r.runbook?.address) edge('remediation', 'runbook', 'starts');
  if (r.runbook && r.automationRole && (value('trail name') || r.runbook.assumeRole))
    edge('runbook', 'role', 'assumes (AutomationAssumeRole)');
  if (
    r.automationRole &&
    r.automationRole.may.some((g) =>
      g.actions.some((a) => /^cloudtrail:(CreateTrail|UpdateTrail|StartLogging)$/i.test(a)),
    )
  ) {
    edge('role', 'trail', 'creates, updates, starts logging');
  }
  if (r.fastPath && r.fastPath.trails.length) edge('fastpath', 'trail', `watches ${r.fastPath.eventNames.join(', ')}`);
  if (r.fastPath?.target && r.runbook && has(r.runbook.address) && r.fastPath.target.includes(`${r.runbook.address}.`))
    edge('fastpath', 'runbook', 'starts');
  for (const i of r.scps.keys()) if (r.trail.managed || trailName) edge(`scp${i}`, 'trail', 'denies tampering');
  return lines.join('\n');
}
