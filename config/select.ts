/**
 * Choosing which accounts (stacks) to synthesize without editing the configuration file: by account ID or stack name,
 * and by tag, from environment variables or cdktf context.
 *
 * Context: cdktf's `App` reads context from the `context` key of `cdktf.json` and from the environment variable
 * `CDKTF_CONTEXT_JSON` (a JSON object); `app.node.getAllContext()` returns it. cdktf 0.21's `synth` has no
 * `--context` flag. https://developer.hashicorp.com/terraform/cdktf/create-and-deploy/configuration-file
 */
import { ConfigError, type ConfigProblem, toJsonPath } from './errors';
import type { AccountConfig, GuardConfig } from './types';

/** Environment variable: account IDs or stack names, separated by commas or white space. */
export const ACCOUNTS_ENV = 'CLOUDTRAIL_GUARD_ACCOUNTS';
/** Environment variable: `key=value` tags, separated by commas; an account must carry all of them. */
export const TAGS_ENV = 'CLOUDTRAIL_GUARD_TAGS';
/** cdktf context key: like {@link ACCOUNTS_ENV}, as a string or a list of strings. */
export const ACCOUNTS_CONTEXT = 'accounts';
/** cdktf context key: like {@link TAGS_ENV}, as a string, a list of `key=value` strings, or an object. */
export const TAGS_CONTEXT = 'tags';

/** Which accounts to keep. An empty selector (neither field) keeps every account. */
export interface AccountSelector {
  /**
   * Keep the accounts whose account ID or stack name (`cloudtrail-guard-<account>-<region>`) is listed. Each entry
   * must name an account in the configuration.
   * @default every account
   */
  readonly accounts?: readonly string[];
  /**
   * Keep the accounts that carry every one of these tags with exactly this value (the account's tags after
   * `defaults.tags` are merged in). Combined with `accounts`, both must hold.
   * @default no tag condition
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Where each condition came from, for error messages, e.g. `environment variable CLOUDTRAIL_GUARD_ACCOUNTS`.
   * @default `selector.accounts` and `selector.tags`
   */
  readonly sources?: { readonly accounts?: string; readonly tags?: string };
}

const ACCOUNT_OR_STACK = /^(\d{12}|[a-z0-9][a-z0-9-]*-\d{12}-[a-z]{2}(-[a-z]+)+-\d+)$/;
const ACCOUNT_RULE = 'a 12-digit account ID or a stack name such as cloudtrail-guard-111111111111-us-east-1';

function envSource(name: string): string {
  return `environment variable ${name}`;
}
function contextSource(key: string): string {
  return `cdktf context key ${JSON.stringify(key)}`;
}

/** Splits `a, b c` into `['a','b','c']`. */
function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** True for a value that means "no condition": unset, `null`, or a string of white space only. */
function isUnset(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
}

const ONLY_SEPARATORS_RULE = (what: string): string =>
  `${what}; the value has separators but no entry (leave it empty or unset for no condition)`;

function parseAccounts(raw: unknown, source: string, problems: ConfigProblem[]): string[] | undefined {
  if (isUnset(raw)) return undefined; // empty means "no condition", e.g. an unset CI input
  let items: unknown[];
  if (typeof raw === 'string') {
    items = splitList(raw);
    if (items.length === 0) {
      problems.push({ file: source, path: '$', value: raw, rule: ONLY_SEPARATORS_RULE(`${ACCOUNT_RULE}, separated by commas or white space`) });
      return undefined;
    }
  } else if (Array.isArray(raw)) {
    if (raw.length === 0) return undefined; // an empty list: no condition, like an empty string
    items = [];
    raw.forEach((v, i) => {
      if (typeof v !== 'string') items.push(v);
      else {
        const parts = splitList(v);
        if (parts.length === 0) problems.push({ file: source, path: `$[${i}]`, value: v, rule: `${ACCOUNT_RULE}, not an empty entry` });
        items.push(...parts);
      }
    });
  } else {
    problems.push({ file: source, path: '$', value: raw, rule: 'a comma-separated string or a list of account IDs or stack names' });
    return undefined;
  }
  const out: string[] = [];
  items.forEach((v, i) => {
    if (typeof v !== 'string') {
      problems.push({ file: source, path: `$[${i}]`, value: v, rule: `${ACCOUNT_RULE}, as a string (a number loses leading zeros)` });
    } else if (!ACCOUNT_OR_STACK.test(v)) {
      problems.push({ file: source, path: `$[${i}]`, value: v, rule: ACCOUNT_RULE });
    } else if (!out.includes(v)) out.push(v);
  });
  return out;
}

/**
 * Tag keys refused because they are JavaScript's own property names: assigned to a plain object, `__proto__` would
 * replace its prototype instead of adding a tag (and the tag condition would silently vanish).
 */
export const RESERVED_TAG_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

function parseTags(raw: unknown, source: string, problems: ConfigProblem[]): Record<string, string> | undefined {
  if (isUnset(raw)) return undefined;
  const out = new Map<string, string>(); // a Map: no key can reach a prototype
  const add = (key: string, value: string, path: string, shown: unknown): void => {
    const prev = out.get(key);
    if (key === '') {
      problems.push({ file: source, path, value: shown, rule: 'key=value with a non-empty key' });
    } else if (RESERVED_TAG_KEYS.includes(key)) {
      problems.push({ file: source, path, value: shown, rule: `a tag key other than ${RESERVED_TAG_KEYS.join(', ')} (reserved JavaScript property names)` });
    } else if (prev !== undefined && prev !== value) {
      problems.push({ file: source, path, value: shown, rule: `each tag key once; ${key} is already ${JSON.stringify(prev)}, and no account has two values` });
    } else out.set(key, value);
  };
  const addPair = (pair: string, path: string): void => {
    const eq = pair.indexOf('=');
    if (eq < 0) problems.push({ file: source, path, value: pair, rule: 'key=value (the value may be empty: key=)' });
    else add(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim(), path, pair);
  };
  if (typeof raw === 'string') {
    const pairs = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (pairs.length === 0) {
      problems.push({ file: source, path: '$', value: raw, rule: ONLY_SEPARATORS_RULE('key=value pairs separated by commas') });
    }
    pairs.forEach((pair, i) => addPair(pair, `$[${i}]`));
  } else if (Array.isArray(raw)) {
    raw.forEach((pair, i) => {
      if (typeof pair === 'string') addPair(pair.trim(), `$[${i}]`);
      else problems.push({ file: source, path: `$[${i}]`, value: pair, rule: 'a key=value string' });
    });
  } else if (typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof v !== 'string') problems.push({ file: source, path: toJsonPath([k]), value: v, rule: 'a tag value is a string' });
      else add(k, v, toJsonPath([k]), v);
    }
  } else {
    problems.push({ file: source, path: '$', value: raw, rule: 'key=value pairs separated by commas, a list of them, or an object' });
  }
  // Object.fromEntries defines own data properties (never the prototype); reserved keys are refused above anyway.
  return out.size ? Object.fromEntries(out) : undefined;
}

function sameAccounts(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');
}
function sameTags(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.join('\0') === kb.join('\0') && ka.every((k) => a[k] === b[k]);
}

/**
 * Builds a selector from the environment variables {@link ACCOUNTS_ENV} and {@link TAGS_ENV} and the cdktf context keys
 * {@link ACCOUNTS_CONTEXT} and {@link TAGS_CONTEXT}. An unset or empty (white space only) variable or key, or an empty
 * list, sets no condition; a value with separators but no entry (`' , '`) is an error, not "every account". When both
 * the variable and the context key set the same condition they must agree (set it in one place).
 *
 * Examples: `CLOUDTRAIL_GUARD_ACCOUNTS="111111111111,222222222222"`, `CLOUDTRAIL_GUARD_TAGS="environment=production,team=x"`,
 * `CDKTF_CONTEXT_JSON='{"accounts":["111111111111"],"tags":{"environment":"production"}}'`.
 *
 * @param env usually `process.env`
 * @param context usually `app.node.getAllContext()` @default no context
 * @throws ConfigError naming the source (environment variable or context key), the JSON path within it, the value
 *   and the rule, for every malformed entry (not an account ID or stack name; only separators; a tag without `=`; a
 *   tag key that is empty or one of {@link RESERVED_TAG_KEYS}; a key given twice with different values; a non-string)
 *   and for an environment variable and a context key that disagree.
 */
export function selectorFromEnvironment(env: NodeJS.ProcessEnv, context: Record<string, unknown> = {}): AccountSelector {
  const problems: ConfigProblem[] = [];
  const accEnv = parseAccounts(env[ACCOUNTS_ENV], envSource(ACCOUNTS_ENV), problems);
  const accCtx = parseAccounts(context[ACCOUNTS_CONTEXT], contextSource(ACCOUNTS_CONTEXT), problems);
  const tagEnv = parseTags(env[TAGS_ENV], envSource(TAGS_ENV), problems);
  const tagCtx = parseTags(context[TAGS_CONTEXT], contextSource(TAGS_CONTEXT), problems);
  if (problems.length) throw new ConfigError(problems); // malformed entries first; comparing half-parsed lists misleads
  if (accEnv && accCtx && !sameAccounts(accEnv, accCtx)) {
    problems.push({
      file: envSource(ACCOUNTS_ENV),
      path: '$',
      value: env[ACCOUNTS_ENV],
      rule: `the same accounts as ${contextSource(ACCOUNTS_CONTEXT)} (${accCtx.join(',')}), or set only one of them`,
    });
  }
  if (tagEnv && tagCtx && !sameTags(tagEnv, tagCtx)) {
    problems.push({
      file: envSource(TAGS_ENV),
      path: '$',
      value: env[TAGS_ENV],
      rule: `the same tags as ${contextSource(TAGS_CONTEXT)} (${Object.entries(tagCtx).map(([k, v]) => `${k}=${v}`).join(',')}), or set only one of them`,
    });
  }
  if (problems.length) throw new ConfigError(problems);
  const accounts = accEnv ?? accCtx;
  const tags = tagEnv ?? tagCtx;
  return {
    ...(accounts ? { accounts } : {}),
    ...(tags ? { tags } : {}),
    sources: {
      ...(accounts ? { accounts: accEnv ? envSource(ACCOUNTS_ENV) : contextSource(ACCOUNTS_CONTEXT) } : {}),
      ...(tags ? { tags: tagEnv ? envSource(TAGS_ENV) : contextSource(TAGS_CONTEXT) } : {}),
    },
  };
}

function known(config: GuardConfig): string {
  const ids = [...new Set(config.accounts.map((a) => a.accountId))];
  const shown = ids.slice(0, 5).join(', ');
  return ids.length > 5 ? `${shown} and ${ids.length - 5} more` : shown;
}

const hasTags = (a: AccountConfig, tags: Readonly<Record<string, string>>): boolean =>
  Object.entries(tags).every(([k, v]) => Object.prototype.hasOwnProperty.call(a.tags, k) && a.tags[k] === v);

const renderTags = (tags: Readonly<Record<string, string>>): string =>
  Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/**
 * Returns `config` with only the accounts that `selector` keeps, in their original order, and `logArchiveSelected`
 * (with a `logArchive`): whether `selector.accounts` names the log-archive stack or its account (a tag condition alone
 * never selects it; its account ID selects both it and that account's own stack, if any). An empty selector returns
 * `config` itself.
 *
 * @throws ConfigError when an entry of `selector.accounts` names no account in the configuration (by account ID or
 *   stack name), when `selector.tags` matches no account, or when the two together leave no account; each problem
 *   names the selector's source, the value and the rule.
 */
export function selectAccounts(config: GuardConfig, selector: AccountSelector): GuardConfig {
  const { accounts: wanted, tags } = selector;
  if (!wanted?.length && (!tags || Object.keys(tags).length === 0)) return config;
  const accSource = selector.sources?.accounts ?? 'selector.accounts';
  const tagSource = selector.sources?.tags ?? 'selector.tags';
  const problems: ConfigProblem[] = [];

  // The log-archive stack is kept when its stack name or account is named; a tag condition alone never keeps it.
  const la = config.logArchive;
  const namesArchive = (w: string): boolean => la !== undefined && (w === la.stackName || w === la.accountId);
  const logArchiveSelected = la !== undefined && !!wanted?.some(namesArchive) && !(tags && Object.keys(tags).length);
  let kept: readonly AccountConfig[] = config.accounts;
  if (wanted?.length) {
    wanted.forEach((w, i) => {
      if (!config.accounts.some((a) => a.accountId === w || a.stackName === w) && !namesArchive(w)) {
        problems.push({
          file: accSource,
          path: `$[${i}]`,
          value: w,
          rule: `an account ID or stack name in ${config.file} (its accounts: ${known(config)}${la ? `; its log archive: ${la.stackName}` : ''})`,
        });
      }
    });
    kept = kept.filter((a) => wanted.includes(a.accountId) || wanted.includes(a.stackName));
  }
  if (tags && Object.keys(tags).length) {
    const byTags = config.accounts.filter((a) => hasTags(a, tags));
    if (byTags.length === 0) {
      problems.push({
        file: tagSource,
        path: '$',
        value: renderTags(tags),
        rule: `tags that at least one account in ${config.file} carries (each account must have every key with exactly that value)`,
      });
    }
    kept = kept.filter((a) => hasTags(a, tags));
  }
  if (problems.length) throw new ConfigError(problems);
  if (kept.length === 0 && !logArchiveSelected) {
    throw new ConfigError([
      {
        file: `${accSource} and ${tagSource}`,
        path: '$',
        value: `${wanted?.join(',')} with ${renderTags(tags ?? {})}`,
        rule: `a selection that leaves at least one account in ${config.file}: none of the listed accounts carries all the tags`,
      },
    ]);
  }
  return { ...config, accounts: kept, ...(la ? { logArchiveSelected } : {}) };
}
