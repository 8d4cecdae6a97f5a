/**
 * The JSON Schema (schema/cloudtrail-guard.schema.json, what editors check a file against) is as strict as the loader,
 * field by field: for every field, values on both sides of each rule (lengths at and past the bounds, every enum value
 * and one past it, each reserved prefix and suffix, invisible characters, `${`) are given to both, and both must say
 * the same. The JSON Schema is generated from the zod schema (tools/write-schema.ts); this test is what shows that the
 * generation lost no rule.
 */
import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import { ConfigError, parseConfig, toJsonPath } from '../../config';
import { isKnownRegion } from '../../config/regions';
import { GuardConfigInput, RETENTION_DAYS } from '../../config/schema';
import { knownRegions, SCHEMA_PATH } from '../../tools/write-schema';

const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);

type Config = Record<string, any>;
const KEY = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const base = (state: Config = { backend: 'local' }): Config => ({
  estate: 'test',
  state,
  accounts: [{ accountId: '111111111111', homeRegion: 'us-east-1' }],
});

/** `cfg` with `value` at `path` (objects on the way are created). */
function withValue(cfg: Config, path: ReadonlyArray<string | number>, value: unknown): Config {
  const out = structuredClone(cfg);
  let at: any = out;
  path.slice(0, -1).forEach((k, i) => {
    if (at[k] === undefined) at[k] = typeof path[i + 1] === 'number' ? [] : {};
    at = at[k];
  });
  at[path[path.length - 1]] = value;
  return out;
}

/** A record with `__proto__` as an own key, as the YAML parser builds it. */
const protoTags = (): Record<string, string> => {
  const t: Record<string, string> = {};
  Object.defineProperty(t, '__proto__', { value: 'x', enumerable: true, writable: true, configurable: true });
  return t;
};
const manyTags = (n: number): Record<string, string> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
const role = (rest: string, account = '111111111111'): string => `arn:aws:iam::${account}:role/${rest}`;
const longPath = (segments: number, length: number): string =>
  Array.from({ length: segments }, () => 'p'.repeat(length)).join('/') + '/';

/** A tamper SCP block that the loader accepts with only the management account. */
const TAMPER = {
  targetIds: ['r-ab12'],
  deploymentRolePatterns: ['arn:aws:iam::*:role/deployer'],
  breakGlassRolePatterns: ['arn:aws:iam::*:role/break-glass'],
};
/** A log archive that the one account delivers to. */
const withArchive = (logArchive: Config = {}): Config => ({
  ...base(),
  logArchive: {
    accountId: '444444444444',
    region: 'us-east-1',
    deploymentRoleArn: role('deploy', '444444444444'),
    breakGlassRoleArns: [role('break-glass', '444444444444')],
    ...logArchive,
  },
  accounts: [{ accountId: '111111111111', homeRegion: 'us-east-1', logDestination: 'archive' }],
});
const DAYS = [1, 36500, 0, 36501, 1.5, '30', -1];
const ARCHIVE_PROBES: Array<[string, Config, ReadonlyArray<string | number>, unknown[]]> = [
  ['logArchive.accountId', withArchive(), ['logArchive', 'accountId'], ['444444444444', '4444', 444444444444, null]],
  ['logArchive.region', withArchive(), ['logArchive', 'region'], ['us-east-1', 'us-moon-1', 'us-iso-east-1', '']],
  [
    'logArchive.deploymentRoleArn',
    withArchive(),
    ['logArchive', 'deploymentRoleArn'],
    [role('deploy', '444444444444'), role('a/b/deploy', '444444444444'), role('null', '444444444444'), 'arn:aws:iam::444444444444:user/x', role('x*', '444444444444')],
  ],
  ['logArchive.s3KeyPrefix', withArchive(), ['logArchive', 's3KeyPrefix'], ['logs', '/logs/', '', 'a//b', 'AWSLogs', 'a*', 'logs/null', 'a'.repeat(201)]],
  [
    'logArchive.breakGlassRoleArns',
    withArchive(),
    ['logArchive', 'breakGlassRoleArns'],
    [[role('break-glass', '444444444444')], [role('ops/bg', '444444444444')], [], [role('x*', '444444444444')], [role('null', '444444444444')], 'x'],
  ],
  [
    'logArchive.logReaderArns',
    withArchive(),
    ['logArchive', 'logReaderArns'],
    [
      [role('reader', '444444444444')],
      ['arn:aws:iam::444444444444:root'],
      ['arn:aws:iam::444444444444:user/ops/alice'],
      [],
      ['arn:aws:iam::444444444444:group/readers'],
      ['arn:aws:iam::444444444444:user/null'],
      ['arn:aws:iam::444444444444:role/a*'],
      ['arn:aws:sts::444444444444:assumed-role/r/s'],
    ],
  ],
  ['logArchive.objectLock.mode', withArchive({ objectLock: { mode: 'GOVERNANCE', retentionDays: 1 } }), ['logArchive', 'objectLock', 'mode'], ['GOVERNANCE', 'COMPLIANCE', 'governance', 'LEGAL_HOLD', null]],
  ['logArchive.objectLock.retentionDays', withArchive({ objectLock: { mode: 'GOVERNANCE', retentionDays: 1 } }), ['logArchive', 'objectLock', 'retentionDays'], DAYS],
  [
    'logArchive.lifecycle.transitions[].days',
    withArchive({ lifecycle: { transitions: [{ days: 0, storageClass: 'GLACIER' }] } }),
    ['logArchive', 'lifecycle', 'transitions', 0, 'days'],
    [0, 36500, 36501, -1, 1.5, '5'],
  ],
  [
    'logArchive.lifecycle.transitions[].storageClass',
    withArchive({ lifecycle: { transitions: [{ days: 400, storageClass: 'GLACIER' }] } }),
    ['logArchive', 'lifecycle', 'transitions', 0, 'storageClass'],
    ['GLACIER', 'DEEP_ARCHIVE', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'STANDARD_IA', 'ONEZONE_IA', 'STANDARD', 'glacier', ''],
  ],
  ['logArchive.lifecycle.expirationDays', withArchive(), ['logArchive', 'lifecycle', 'expirationDays'], DAYS],
  ['logArchive.lifecycle.noncurrentVersionExpirationDays', withArchive(), ['logArchive', 'lifecycle', 'noncurrentVersionExpirationDays'], DAYS],
  ['logArchive.lifecycle.abortIncompleteMultipartUploadDays', withArchive(), ['logArchive', 'lifecycle', 'abortIncompleteMultipartUploadDays'], DAYS],
  ['logArchive.accessLogExpirationDays', withArchive(), ['logArchive', 'accessLogExpirationDays'], DAYS],
  ['logArchive.kmsKey.accountId', withArchive(), ['logArchive', 'kmsKey', 'accountId'], ['444444444444', '5555', 555555555555]],
  [
    'logArchive.kmsKey.deploymentRoleArn',
    withArchive({ kmsKey: { accountId: '555555555555' } }),
    ['logArchive', 'kmsKey', 'deploymentRoleArn'],
    [role('key-deploy', '555555555555'), role('null', '555555555555'), 'arn:aws:iam::555555555555:user/x'],
  ],
  [
    'logArchive.kmsKey.existingKeyArn',
    withArchive(),
    ['logArchive', 'kmsKey', 'existingKeyArn'],
    [KEY, 'arn:aws:kms:us-east-1:111111111111:alias/x', KEY.toUpperCase(), '1234abcd-12ab-34cd-56ef-1234567890ab'],
  ],
  ['logArchive.tags', withArchive(), ['logArchive', 'tags'], [{ team: 'security' }, { 'aws:x': 'y' }, { 'cloudtrail-guard:x': 'y' }, manyTags(48)]],
  ['accounts[].logDestination', withArchive(), ['accounts', 0, 'logDestination'], ['archive', 'own', 'central', 'Archive', null, true]],
];

/** [field, base config, path, probe values]. */
const PROBES: Array<[string, Config, ReadonlyArray<string | number>, unknown[]]> = [
  [
    'estate',
    base(),
    ['estate'],
    ['abc', 'ab', 'a'.repeat(32), 'a'.repeat(33), 'Abc', 'a-b', 'ab-', '1ab', 'null', 'ab\u200bc', 12, null],
  ],
  ['state.backend', base(), ['state', 'backend'], ['local', 's4', '', null]],
  [
    'state.bucket',
    base({ backend: 's3', bucket: 'acme-state', region: 'us-east-1' }),
    ['state', 'bucket'],
    [
      'acme-state',
      'ab',
      'a'.repeat(63),
      'a'.repeat(64),
      'xn--acme',
      'sthree-x',
      'amzn-s3-demo-x',
      'a..b',
      'a.-b',
      'a-.b',
      '192.168.1.1',
      'x-s3alias',
      'x--ol-s3',
      'x.mrap',
      'x--x-s3',
      'x--table-s3',
      'x-111111111111-us-east-1-an',
      'null',
      'undefined',
      'Acme',
      'acme_state',
      '${x}',
    ],
  ],
  [
    'state.region',
    base({ backend: 's3', bucket: 'acme-state', region: 'us-east-1' }),
    ['state', 'region'],
    [
      'us-east-1',
      'eu-west-1',
      'cn-north-1',
      'us-gov-west-1',
      'us-moon-1',
      'US-EAST-1',
      'us-east-1 ',
      'us-iso-east-1',
      'eusc-de-east-1',
      'aws-global',
      '',
    ],
  ],
  [
    'state.keyPrefix',
    base({ backend: 's3', bucket: 'acme-state', region: 'us-east-1' }),
    ['state', 'keyPrefix'],
    [
      'a',
      'a/b',
      '/a',
      'a/',
      'a//b',
      'a/./b',
      '..',
      './a',
      'a/..',
      'a'.repeat(900),
      'a'.repeat(901),
      'a b',
      "a!_.*'()-b",
      '',
    ],
  ],
  [
    'state.kmsKeyId',
    base({ backend: 's3', bucket: 'acme-state', region: 'us-east-1' }),
    ['state', 'kmsKeyId'],
    [
      KEY,
      KEY.toUpperCase(),
      'arn:aws:kms:us-east-1:111111111111:alias/x',
      `arn:aws:kms:us-east-1:111111111111:key/mrk-${'a'.repeat(32)}`,
      '1234abcd-12ab-34cd-56ef-1234567890ab',
    ],
  ],
  [
    'state.roleArn',
    base({ backend: 's3', bucket: 'acme-state', region: 'us-east-1' }),
    ['state', 'roleArn'],
    [
      role('x'),
      role('a/b/x'),
      role(''),
      role('a//x'),
      role(`${longPath(8, 63)}x`),
      role(`${longPath(8, 62)}x`),
      role('null'),
      role('x/undefined/y'),
      role('a'.repeat(64)),
      role('a'.repeat(65)),
      'arn:aws:iam::1111:role/x',
      'arn:aws-iso:iam::111111111111:role/x',
      role('x*'),
    ],
  ],
  [
    'state.directory',
    base(),
    ['state', 'directory'],
    [
      'x',
      '',
      'state/x',
      'a\u0000',
      'a\t',
      'a\u200b',
      'a\u202e',
      'a\u2028',
      'a\ufeff',
      '${x}',
      '%{x}',
      '$x',
      '%x',
      '{x}',
      'a'.repeat(1024),
      'a'.repeat(1025),
      'état',
      '/abs/path',
    ],
  ],
  [
    'state.organization',
    base({ backend: 'cloud', organization: 'acme' }),
    ['state', 'organization'],
    ['acme', 'a'.repeat(40), 'a'.repeat(41), 'a b', 'a.b', ''],
  ],
  [
    'state.project',
    base({ backend: 'cloud', organization: 'acme' }),
    ['state', 'project'],
    ['Security', 'a b', ' x', 'x ', 'a'.repeat(40), 'a'.repeat(41), ''],
  ],
  [
    'state.hostname',
    base({ backend: 'cloud', organization: 'acme' }),
    ['state', 'hostname'],
    ['app.terraform.io', 'tfe.example.com', 'localhost', 'A.b', 'a..b', '-a.b'],
  ],
  [
    'state.workspacePrefix',
    base({ backend: 'cloud', organization: 'acme' }),
    ['state', 'workspacePrefix'],
    ['', 'ct-', 'a'.repeat(40), 'a'.repeat(41), 'a.b', '${x}'],
  ],
  [
    'state.tags (removed)',
    base({ backend: 'cloud', organization: 'acme' }),
    ['state', 'tags'],
    [['cloudtrail-guard'], []],
  ],
  [
    'organization.id',
    { ...base(), organization: { id: 'o-abc123def4', managementAccountId: '111111111111' } },
    ['organization', 'id'],
    ['o-abc123def4', 'o-' + 'a'.repeat(32), 'o-' + 'a'.repeat(33), 'o-abc', 'abc123', 'o-ABC123DEF4'],
  ],
  [
    'organization.managementAccountId',
    { ...base(), organization: { id: 'o-abc123def4', managementAccountId: '111111111111' } },
    ['organization', 'managementAccountId'],
    ['111111111111', '11111', 111111111111, '11111111111a'],
  ],
  [
    'organization.tamperProtection.targetIds',
    { ...base(), organization: { id: 'o-abc123def4', managementAccountId: '111111111111', tamperProtection: TAMPER } },
    ['organization', 'tamperProtection', 'targetIds'],
    [['r-ab12'], [], ['ou-ab12-abcdefgh'], ['x'], ['222222222222'], ['r-AB12']],
  ],
  ...(['deploymentRolePatterns', 'breakGlassRolePatterns'] as const).map(
    (field): [string, Config, ReadonlyArray<string | number>, unknown[]] => [
      `organization.tamperProtection.${field}`,
      { ...base(), organization: { id: 'o-abc123def4', managementAccountId: '111111111111', tamperProtection: TAMPER } },
      ['organization', 'tamperProtection', field],
      [
        ['arn:aws:iam::*:role/deployer'],
        ['arn:aws:iam::222222222222:role/ops/d?ployer'],
        ['arn:aws:iam::*:role/break-glass/*'],
        [],
        ['arn:aws:iam::*:role/*'],
        ['arn:aws:iam::*:role/?x'],
        ['arn:aws:iam::*:role/a//b'],
        ['arn:aws:iam::*:role/null'],
        ['arn:aws:iam::*:role/x/undefined/y'],
        ['arn:aws:iam::1234:role/x'],
        ['arn:aws:iam::*:user/x'],
        ['arn:aws-iso:iam::*:role/x'],
        [`arn:aws:iam::*:role/${'a'.repeat(512)}`],
        ['arn:aws:iam::*:role/${x}'],
      ],
    ],
  ),
  [
    'accounts[].accountId',
    base(),
    ['accounts', 0, 'accountId'],
    ['111111111111', '11111111111', '1111111111111', 111111111111, '11111111111a'],
  ],
  [
    'accounts[].homeRegion',
    base(),
    ['accounts', 0, 'homeRegion'],
    ['us-east-1', 'ap-southeast-2', 'us-moon-1', 'us-isob-east-1', 'Us-east-1'],
  ],
  [
    'accounts[].deploymentRoleArn',
    base(),
    ['accounts', 0, 'deploymentRoleArn'],
    [role('deploy'), role('a/b/deploy'), role('null'), role(`${longPath(8, 63)}x`), 'arn:aws:iam::111111111111:user/x'],
  ],
  [
    'accounts[].trail.name',
    base(),
    ['accounts', 0, 'trail', 'name'],
    [
      'org-audit',
      'ab',
      'a'.repeat(128),
      'a'.repeat(129),
      'a--b',
      'a._b',
      '-ab',
      'ab-',
      '1.2.3.4',
      'null',
      'NaN',
      'undefined',
      'Infinity',
      'true',
      'a b',
      'a\u200bb',
    ],
  ],
  ['accounts[].trail.manage', base(), ['accounts', 0, 'trail', 'manage'], [true, false, 'true', 1, null]],
  [
    'accounts[].trail.isOrganizationTrail',
    base(),
    ['accounts', 0, 'trail', 'isOrganizationTrail'],
    [false, 'false', 0],
  ],
  [
    'accounts[].trail.snsTopicName',
    base(),
    ['accounts', 0, 'trail', 'snsTopicName'],
    // 200, not 256: the topic's ARN must fit AWS Config's 256-character static value, a cross-field rule (Region, account).
    ['x', 'a'.repeat(200), 'a'.repeat(257), 'a.fifo', 'null', 'NaN', '', 'a b'],
  ],
  [
    'accounts[].trail.cloudWatchLogs.logGroupName',
    base(),
    ['accounts', 0, 'trail', 'cloudWatchLogs', 'logGroupName'],
    // 200, not 512: the name's ARN must fit AWS Config's 256-character static value, a cross-field rule (Region, partition).
    ['/aws/cloudtrail/x', 'aws/x', '/x/null', 'undefined', 'a'.repeat(200), 'a'.repeat(513), 'a b', 'a#b', ''],
  ],
  [
    'accounts[].trail.cloudWatchLogs.retentionInDays',
    base(),
    ['accounts', 0, 'trail', 'cloudWatchLogs', 'retentionInDays'],
    [...RETENTION_DAYS, 0, 2, 4, 366, 3654, '30', 30.5, -1, null],
  ],
  [
    'accounts[].logBucket.name',
    base(),
    ['accounts', 0, 'logBucket', 'name'],
    ['ct-logs', 'ct..logs', 'null', 'xn--x', 'ct-logs-s3alias', 'CT', 'c'],
  ],
  [
    'accounts[].logBucket.s3KeyPrefix',
    base(),
    ['accounts', 0, 'logBucket', 's3KeyPrefix'],
    [
      'logs',
      'logs/',
      '/logs',
      '',
      'a//b',
      '.',
      'a/..',
      'a*',
      'AWSLogs',
      'x/AWSLogs/y',
      'AWSLogsx',
      'a'.repeat(200),
      'a'.repeat(201),
      '{x}',
      'a\\b',
      'logs/null',
      'a b',
    ],
  ],
  [
    'accounts[].kmsKey.alias',
    base(),
    ['accounts', 0, 'kmsKey', 'alias'],
    [
      'alias/x',
      'alias/aws/x',
      'alias/AWS/x',
      'alias/Aws/x',
      'alias/awsx',
      'alias/',
      'x',
      'alias/' + 'a'.repeat(250),
      'alias/' + 'a'.repeat(251),
      'alias/null',
      'alias/a/undefined/b',
      'alias/a b',
    ],
  ],
  [
    'accounts[].kmsKey.deletionWindowInDays',
    base(),
    ['accounts', 0, 'kmsKey', 'deletionWindowInDays'],
    [6, 7, 30, 31, 7.5, '7'],
  ],
  [
    'accounts[].kmsKey.existingKeyArn',
    base(),
    ['accounts', 0, 'kmsKey', 'existingKeyArn'],
    [
      KEY,
      `arn:aws:kms:us-east-1:111111111111:key/mrk-${'0'.repeat(32)}`,
      'arn:aws:kms:us-east-1:111111111111:alias/x',
      KEY.replace('arn:aws:', 'arn:aws-iso:'),
    ],
  ],
  [
    'accounts[].configRule.maximumExecutionFrequency',
    base(),
    ['accounts', 0, 'configRule', 'maximumExecutionFrequency'],
    ['One_Hour', 'Three_Hours', 'Six_Hours', 'Twelve_Hours', 'TwentyFour_Hours', 'Hourly', 'one_hour'],
  ],
  ['accounts[].configRule.recorder', base(), ['accounts', 0, 'configRule', 'recorder'], ['existing', 'create', 'none']],
  [
    'accounts[].configRule.createServiceLinkedRole',
    withValue(base(), ['accounts', 0, 'configRule', 'recorder'], 'create'),
    ['accounts', 0, 'configRule', 'createServiceLinkedRole'],
    [true, 'yes'],
  ],
  [
    'accounts[].remediation.maximumAutomaticAttempts',
    base(),
    ['accounts', 0, 'remediation', 'maximumAutomaticAttempts'],
    [0, 1, 25, 26, 2.5, '5'],
  ],
  [
    'accounts[].remediation.retryAttemptSeconds',
    base(),
    ['accounts', 0, 'remediation', 'retryAttemptSeconds'],
    [0, 1, 2678000, 2678001],
  ],
  [
    'accounts[].remediation.concurrentExecutionRatePercentage',
    base(),
    ['accounts', 0, 'remediation', 'concurrentExecutionRatePercentage'],
    [0, 1, 100, 101],
  ],
  [
    'accounts[].remediation.errorPercentage',
    base(),
    ['accounts', 0, 'remediation', 'errorPercentage'],
    [0, 1, 100, 101],
  ],
  ['accounts[].remediation.fastPath', base(), ['accounts', 0, 'remediation', 'fastPath'], [false, 'off']],
  [
    'accounts[].tags',
    base(),
    ['accounts', 0, 'tags'],
    [
      { team: 'security' },
      { 'aws:x': 'y' },
      { 'AWS:x': 'y' },
      { 'cloudtrail-guard:x': 'y' },
      { 'CloudTrail-Guard:x': 'y' },
      protoTags(),
      { 'a\u2028': 'b' },
      { a: 'b\u2028' },
      { a: 'b\u200b' },
      // 200, not 256: each tag also travels as one {"Key","Value"} static value of at most 256 characters (TrailTags).
      { a: 'x'.repeat(200) },
      { a: 'x'.repeat(257) },
      { '': 'x' },
      { ['k'.repeat(128)]: 'v' },
      { ['k'.repeat(129)]: 'v' },
      manyTags(22), // with the three guard tags, AWS Config's 25 static values (TrailTags)
      manyTags(48),
      { 'cost center': 'a b' },
      { café: 'ünïcode' },
      { a: '${x}' },
      { a: 1 },
      ['team'],
    ],
  ],
  ['defaults.trail.name', base(), ['defaults', 'trail', 'name'], ['org-audit', 'null', 'ab']],
  ['defaults.trail.snsTopicName (not a default)', base(), ['defaults', 'trail', 'snsTopicName'], ['x']],
  ['defaults.logBucket.name (not a default)', base(), ['defaults', 'logBucket', 'name'], ['ct-logs']],
  ['defaults.kmsKey.existingKeyArn (not a default)', base(), ['defaults', 'kmsKey', 'existingKeyArn'], [KEY]],
  ['defaults.tags', base(), ['defaults', 'tags'], [{ a: 'b' }, manyTags(48), protoTags()]],
  ...ARCHIVE_PROBES,
];

/**
 * Whether the loader accepts the value at `path` of `cfg`: no problem at or under that path (problems elsewhere, such
 * as a probe's organization that nothing uses, are not about the value). The text given to the loader is JSON, which is
 * YAML.
 */
function loaderAccepts(cfg: Config, path: ReadonlyArray<string | number>): boolean {
  const at = toJsonPath(path);
  try {
    parseConfig(JSON.stringify(cfg), 'probe.yaml', { onWarning: () => undefined });
    return true;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return !e.problems.some((p) => p.path === at || p.path.startsWith(`${at}.`) || p.path.startsWith(`${at}[`));
  }
}

describe('the JSON Schema and the loader agree, field by field', () => {
  const cases = PROBES.flatMap(([field, cfg, path, values]) =>
    values.map((v, i): [string, number, Config, ReadonlyArray<string | number>, unknown] => [field, i, cfg, path, v]),
  );
  test.each(cases)('%s, probe %d', (_field, _i, cfg, path, value) => {
    const input = withValue(cfg, path, value);
    const bySchema = validate(input);
    expect({ value, bySchema }).toEqual({ value, bySchema: loaderAccepts(input, path) });
  });

  test('the probes are not all one-sided: each field has a value both accept and one both refuse', () => {
    for (const [field, cfg, path, values] of PROBES) {
      const verdicts = values.map((v) => loaderAccepts(withValue(cfg, path, v), path));
      if (field.includes('not a default') || field.includes('removed'))
        expect([field, verdicts.every((x) => !x)]).toEqual([field, true]);
      else expect([field, verdicts.includes(true), verdicts.includes(false)]).toEqual([field, true, true]);
    }
  });

  test('every field of the JSON Schema has probes (a new field needs its own)', () => {
    const probed = new Set(PROBES.map(([field]) => field.split(' ')[0]));
    const leaves: string[] = [];
    const walk = (node: any, path: string): void => {
      const variants = node.oneOf ?? node.anyOf;
      if (variants) return variants.forEach((v: any) => walk(v, path));
      if (node.type === 'array' && node.items?.type === 'object') return walk(node.items, `${path}[]`);
      if (node.type === 'object' && node.properties) {
        for (const [k, v] of Object.entries(node.properties)) walk(v, path ? `${path}.${k}` : k);
        return;
      }
      leaves.push(path);
    };
    walk(schema, '');
    const covered = (leaf: string): boolean =>
      probed.has(leaf) ||
      (leaf.startsWith('defaults.') && probed.has(`accounts[].${leaf.slice('defaults.'.length)}`)) ||
      leaf === 'state.backend';
    expect(leaves.filter((l) => !covered(l))).toEqual([]);
  });

  test('zod alone drops a __proto__ tag key without a word; the loader and the JSON Schema refuse it', () => {
    const input = withValue(base(), ['accounts', 0, 'tags'], protoTags());
    expect(GuardConfigInput.safeParse(input).success).toBe(true); // why the loader checks keys itself
    expect([loaderAccepts(input, ['accounts', 0, 'tags']), validate(input)]).toEqual([false, false]);
  });

  test('values the loader refuses beyond zod (invisible characters, __proto__) are refused by the JSON Schema too', () => {
    const refusedByLoader = (cfg: Config): boolean => {
      const yaml = JSON.stringify(cfg); // JSON is YAML
      try {
        parseConfig(yaml, 'probe.yaml', { onWarning: () => undefined });
        return false;
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        return true;
      }
    };
    const probes: Config[] = [
      withValue(base(), ['accounts', 0, 'tags'], { a: 'b\u200b' }),
      withValue(base(), ['accounts', 0, 'tags'], { a: 'b\u2028' }),
      withValue(base(), ['state', 'directory'], 'state\u202e'),
      withValue(base(), ['state', 'directory'], 'state\u0007'),
      JSON.parse(
        '{"estate":"test","state":{"backend":"local"},"accounts":[{"accountId":"111111111111","homeRegion":"us-east-1","tags":{"__proto__":"x"}}]}',
      ),
    ];
    for (const p of probes) expect([refusedByLoader(p), validate(p)]).toEqual([true, false]);
  });
});

describe('Regions', () => {
  const regions = knownRegions();

  test('the JSON Schema lists exactly the Regions the loader accepts (every supported Region of the SDK data)', () => {
    const homeRegion = schema.properties.accounts.items.properties.homeRegion;
    expect(homeRegion.enum).toEqual(regions);
    expect(regions.length).toBeGreaterThan(30);
    expect(regions).toEqual(
      expect.arrayContaining([
        'us-east-1',
        'eu-west-1',
        'cn-north-1',
        'cn-northwest-1',
        'us-gov-west-1',
        'us-gov-east-1',
      ]),
    );
    for (const r of regions)
      expect([r, GuardConfigInput.safeParse(withValue(base(), ['accounts', 0, 'homeRegion'], r)).success]).toEqual([
        r,
        true,
      ]);
  });

  test('a Region the SDK knows in another partition is refused by both, with its own rule', () => {
    for (const r of ['us-iso-east-1', 'us-isob-east-1', 'us-isof-south-1', 'eu-isoe-west-1']) {
      expect(isKnownRegion(r)).toBe(true);
      expect(regions).not.toContain(r);
      const result = GuardConfigInput.safeParse(withValue(base(), ['accounts', 0, 'homeRegion'], r));
      expect(result.success).toBe(false);
      expect(result.error!.issues[0].message).toBe('a Region in the aws, aws-cn or aws-us-gov partition');
    }
  });
});
