/** The loader: normalisation, defaults, ARNs, and the JSON Schema that ships beside the zod schema. */
import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, formatArn, loadConfig, parseConfig } from '../../config';
import { jsonSchemaText, SCHEMA_PATH } from '../../tools/write-schema';
import { example, ROOT } from '../support/synth';

const base = (account: string) => `
estate: test
state: { backend: local }
accounts:
${account}`;

describe('loadConfig on the examples', () => {
  test('single-account.yaml normalises to the documented defaults', () => {
    const c = loadConfig(example('single-account.yaml'));
    expect(c.estate).toBe('example');
    expect(c.state).toEqual({ backend: 'local', directory: 'terraform.tfstate.d' });
    expect(c.accounts).toHaveLength(1);
    const a = c.accounts[0];
    expect(a).toEqual({
      accountId: '111111111111',
      homeRegion: 'us-east-1',
      partition: 'aws',
      stackName: 'cloudtrail-guard-111111111111-us-east-1',
      deploymentRoleArn: undefined,
      trail: {
        name: 'org-audit',
        arn: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit',
        manage: true,
        isOrganizationTrail: false,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        snsTopicName: undefined,
        cloudWatchLogs: undefined,
      },
      logDestination: 'own',
      detectionOnly: false,
      logBucket: { name: 'ct-logs-111111111111', arn: 'arn:aws:s3:::ct-logs-111111111111', s3KeyPrefix: 'logs' },
      kmsKey: { alias: 'alias/cloudtrail-logs', deletionWindowInDays: 30, existingKeyArn: undefined },
      configRule: { name: 'cloudtrail-enabled', maximumExecutionFrequency: 'One_Hour', recorder: 'existing', createServiceLinkedRole: true },
      remediation: { maximumAutomaticAttempts: 5, retryAttemptSeconds: 60, concurrentExecutionRatePercentage: 10, errorPercentage: 10, fastPath: true },
      // On the guard's IAM path, which the tamper SCP exempts and protects.
      automationRole: {
        name: 'cloudtrail-guard-automation-us-east-1',
        path: '/cloudtrail-guard/',
        arn: 'arn:aws:iam::111111111111:role/cloudtrail-guard/cloudtrail-guard-automation-us-east-1',
      },
      runbook: { documentName: 'cloudtrail-guard-enable-trail' },
      tags: { team: 'security' },
    });
  });

  test('multi-account.yaml: defaults merge under each account, the account wins', () => {
    const c = loadConfig(example('multi-account.yaml'));
    expect(c.state).toEqual({ backend: 's3', bucket: 'acme-terraform-state', region: 'us-east-1', keyPrefix: 'cloudtrail-guard', kmsKeyId: undefined, roleArn: undefined });
    expect(c.accounts.map((a) => a.tags)).toEqual([
      { owner: 'platform-security', environment: 'management' },
      { owner: 'platform-security', environment: 'production' },
      { owner: 'platform-security', environment: 'staging' },
    ]);
    expect(c.accounts.map((a) => [a.remediation.maximumAutomaticAttempts, a.remediation.retryAttemptSeconds])).toEqual([
      [5, 60],
      [5, 60],
      [3, 120],
    ]);
    expect(c.accounts.map((a) => a.trail.name)).toEqual(['org-audit', 'account-audit', 'cloudtrail-guard']);
    expect(c.accounts.map((a) => a.configRule.recorder)).toEqual(['existing', 'create', 'existing']);
  });
});

describe('the log archive (issue #11)', () => {
  test('log-archive.yaml: the archive normalised, each account delivering to it, served as exactly the listed accounts', () => {
    const c = loadConfig(example('log-archive.yaml'));
    expect(c.logArchive).toEqual({
      accountId: '444444444444',
      region: 'eu-west-1',
      partition: 'aws',
      stackName: 'cloudtrail-guard-log-archive-444444444444-eu-west-1',
      deploymentRoleArn: 'arn:aws:iam::444444444444:role/cloudtrail-guard-deployer',
      bucket: {
        name: 'cloudtrail-guard-archive-444444444444-eu-west-1',
        arn: 'arn:aws:s3:::cloudtrail-guard-archive-444444444444-eu-west-1',
      },
      accessLogBucketName: 'cloudtrail-guard-archive-access-444444444444-eu-west-1',
      s3KeyPrefix: 'logs',
      breakGlassRoleArns: ['arn:aws:iam::444444444444:role/break-glass'],
      logReaderArns: ['arn:aws:iam::444444444444:role/log-reader'],
      objectLock: { mode: 'GOVERNANCE', retentionDays: 365 },
      lifecycle: {
        transitions: [
          { days: 90, storageClass: 'STANDARD_IA' },
          { days: 365, storageClass: 'GLACIER' },
        ],
        noncurrentVersionExpirationDays: 30,
        abortIncompleteMultipartUploadDays: 7,
      },
      accessLogExpirationDays: 400,
      kmsKey: {
        accountId: '444444444444',
        deploymentRoleArn: 'arn:aws:iam::444444444444:role/cloudtrail-guard-deployer',
        alias: 'alias/cloudtrail-guard-archive',
        aliasArn: 'arn:aws:kms:eu-west-1:444444444444:alias/cloudtrail-guard-archive',
      },
      served: { accountIds: ['222222222222', '333333333333'] },
      accountTrailNames: ['cloudtrail-guard'],
      tags: {},
    });
    for (const a of c.accounts) {
      expect(a.logDestination).toBe('archive');
      expect(a.detectionOnly).toBe(false);
      expect(a.logBucket).toEqual({
        name: 'cloudtrail-guard-archive-444444444444-eu-west-1',
        arn: 'arn:aws:s3:::cloudtrail-guard-archive-444444444444-eu-west-1',
        s3KeyPrefix: 'logs',
      });
      expect(a.kmsKey.archive).toEqual({ aliasArn: 'arn:aws:kms:eu-west-1:444444444444:alias/cloudtrail-guard-archive' });
      expect(a.kmsKey.existingKeyArn).toBeUndefined();
    }
  });

  test('organization.yaml: the organization trail delivers to the archive; the listed member only detects; the SCP by patterns', () => {
    const c = loadConfig(example('organization.yaml'));
    expect(c.logArchive?.organizationTrail).toEqual({
      trailArn: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit',
      organizationId: 'o-abc123def4',
    });
    expect(c.logArchive?.served).toBeUndefined();
    expect(c.logArchive?.accountTrailNames).toEqual([]);
    expect(c.accounts.map((a) => [a.accountId, a.logDestination, a.detectionOnly])).toEqual([
      ['111111111111', 'archive', false],
      ['222222222222', 'archive', true],
    ]);
    expect(c.organization?.tamperProtection).toEqual({
      targetIds: ['r-ab12'],
      trailNames: ['org-audit'],
      deploymentRolePatterns: ['arn:aws:iam::*:role/cloudtrail-guard-deployer'],
      breakGlassRolePatterns: ['arn:aws:iam::*:role/break-glass'],
    });
  });

  const LA = `logArchive:
  accountId: "444444444444"
  region: eu-west-1
  deploymentRoleArn: arn:aws:iam::444444444444:role/deploy
  breakGlassRoleArns: [arn:aws:iam::444444444444:role/break-glass]
  s3KeyPrefix: /logs/
`;
  test('with an organization, account trails delivering to the archive are served as the whole organization', () => {
    const c = parseConfig(
      `estate: test
state: { backend: local }
organization:
  id: o-abc123def4
  managementAccountId: "111111111111"
${LA}accounts:
  - { accountId: "222222222222", homeRegion: eu-west-1, logDestination: archive, trail: { name: member-audit } }
  - { accountId: "333333333333", homeRegion: eu-west-1 }
`,
      'x.yaml',
    );
    expect(c.logArchive?.served).toEqual({ organizationId: 'o-abc123def4' });
    expect(c.logArchive?.accountTrailNames).toEqual(['member-audit']);
    expect(c.logArchive?.s3KeyPrefix).toBe('logs');
    expect(c.accounts[1].logDestination).toBe('own');
    expect(c.accounts[1].logBucket.name).toBe('cloudtrail-guard-logs-333333333333-eu-west-1');
  });

  test('a key in a security account, and an existing key (read by nothing: its ARN is given)', () => {
    const yaml = (kmsKey: string) => `estate: test
state: { backend: local }
${LA}  kmsKey: ${kmsKey}
accounts:
  - { accountId: "222222222222", homeRegion: eu-west-1, logDestination: archive }
`;
    const security = parseConfig(yaml('{ accountId: "555555555555", deploymentRoleArn: "arn:aws:iam::555555555555:role/key-deploy" }'), 'x.yaml');
    expect(security.logArchive?.kmsKey).toEqual({
      accountId: '555555555555',
      deploymentRoleArn: 'arn:aws:iam::555555555555:role/key-deploy',
      alias: 'alias/cloudtrail-guard-archive',
      aliasArn: 'arn:aws:kms:eu-west-1:555555555555:alias/cloudtrail-guard-archive',
    });
    const key = 'arn:aws:kms:eu-west-1:555555555555:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const existing = parseConfig(yaml(`{ existingKeyArn: "${key}" }`), 'x.yaml');
    expect(existing.logArchive?.kmsKey.existingKeyArn).toBe(key);
    expect(existing.accounts[0].kmsKey.archive).toEqual({
      aliasArn: 'arn:aws:kms:eu-west-1:555555555555:alias/cloudtrail-guard-archive',
      keyArn: key,
    });
  });
});

describe('FC-01: the S3 key prefix is normalised once', () => {
  test.each([
    ['logs', 'logs'],
    ['logs/', 'logs'],
    ['/logs', 'logs'],
    ['/a/b/', 'a/b'],
    ['', ''],
  ])('%j becomes %j', (given, want) => {
    const c = parseConfig(base(`  - { accountId: "111111111111", homeRegion: us-east-1, logBucket: { s3KeyPrefix: "${given}" } }`), 'x.yaml');
    expect(c.accounts[0].logBucket.s3KeyPrefix).toBe(want);
  });
});

describe('FC-03 and FC-04: names and ARNs are built, never left undefined', () => {
  test('defaults give a complete, consistent set of names', () => {
    const c = parseConfig(base('  - { accountId: "222222222222", homeRegion: eu-west-1 }'), 'x.yaml');
    const a = c.accounts[0];
    expect(a.trail.arn).toBe('arn:aws:cloudtrail:eu-west-1:222222222222:trail/cloudtrail-guard');
    expect(a.logBucket.name).toBe('cloudtrail-guard-logs-222222222222-eu-west-1');
    expect(a.kmsKey.alias).toBe('alias/cloudtrail-guard');
  });

  test('the GovCloud partition comes from the Region', () => {
    const c = parseConfig(base('  - { accountId: "222222222222", homeRegion: us-gov-west-1 }'), 'x.yaml');
    expect(c.accounts[0].partition).toBe('aws-us-gov');
    expect(c.accounts[0].trail.arn).toBe('arn:aws-us-gov:cloudtrail:us-gov-west-1:222222222222:trail/cloudtrail-guard');
    expect(c.accounts[0].automationRole.arn).toBe(
      'arn:aws-us-gov:iam::222222222222:role/cloudtrail-guard/cloudtrail-guard-automation-us-gov-west-1',
    );
  });

  test.each([
    [{ partition: 'aws', service: 'cloudtrail', region: 'us-east-1', account: '111111111111', resource: 'trail/undefined' }, /undefined/],
    [{ partition: 'aws', service: 'cloudtrail', region: '', account: '111111111111', resource: 'trail/x' }, /region is empty/],
    [{ partition: 'aws', service: 'iam', region: '', account: '', resource: 'role/x' }, /account is empty/],
    [{ partition: 'aws', service: 's3', region: '', account: '', resource: 'b//AWSLogs' }, /empty segment/],
    [{ partition: 'aws', service: 'kms', region: 'us-east-1', account: 'null', resource: 'key/x' }, /null/],
  ])('formatArn refuses %j', (parts, message) => {
    expect(() => formatArn(parts)).toThrow(message);
  });

  test('an organization trail without an organization is an error that names the field', () => {
    const text = base('  - { accountId: "111111111111", homeRegion: us-east-1, trail: { name: org-audit, isOrganizationTrail: true } }');
    expect(() => parseConfig(text, 'org.yaml')).toThrow(ConfigError);
    try {
      parseConfig(text, 'org.yaml');
    } catch (e) {
      expect((e as ConfigError).problems.map((p) => [p.file, p.path])).toEqual([['org.yaml', '$.accounts[0].trail.isOrganizationTrail']]);
    }
  });

  test('an organization trail in the management account is accepted', () => {
    const c = parseConfig(
      `estate: test
state: { backend: local }
organization: { id: o-abc123def4, managementAccountId: "111111111111" }
accounts:
  - { accountId: "111111111111", homeRegion: us-east-1, trail: { name: org-audit, isOrganizationTrail: true } }`,
      'org.yaml',
    );
    expect(c.organization).toEqual({ id: 'o-abc123def4', managementAccountId: '111111111111', memberAccountIds: [], tamperProtection: undefined });
    expect(c.accounts[0].trail.isOrganizationTrail).toBe(true);
  });
});

describe('the JSON Schema', () => {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));

  test('the committed schema is what the zod schema generates (run `npm run schema`)', () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(jsonSchemaText());
  });

  test.each(['single-account.yaml', 'multi-account.yaml'])('%s is valid against it, and names it on its first line', (file) => {
    const text = readFileSync(example(file), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/cloudtrail-guard.schema.json');
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    expect(validate(parseYaml(text))).toBe(true);
    expect(validate.errors ?? null).toBeNull();
  });

  test('it rejects what the loader rejects: an unknown key and a malformed account ID', () => {
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    expect(validate({ estate: 'test', state: { backend: 'local' }, accounts: [{ accountId: '1234', homeRegion: 'us-east-1' }] })).toBe(false);
    expect(validate({ estate: 'test', state: { backend: 'local' }, accounts: [{ accountId: '111111111111', homeRegion: 'us-east-1', x: 1 }] })).toBe(false);
  });

  test("each field's description is its row in the README's config reference", () => {
    const trailName = schema.properties.accounts.items.properties.trail.properties.name;
    expect(trailName.description).toBe('The guarded trail. (type: trail name; default: cloudtrail-guard)');
    const defaultsPrefix = schema.properties.defaults.properties.logBucket.properties.s3KeyPrefix;
    expect(defaultsPrefix.description).toBe(
      "S3 key prefix; logs, logs/ and /logs all mean logs. (type: string; default: '')",
    );
    const s3Bucket = schema.properties.state.oneOf.find((v: any) => v.properties.backend.const === 's3').properties.bucket;
    expect(s3Bucket.description).toBe('State bucket. (type: string; default: required for s3)');
  });

  test('the README config reference lists every field of the schema', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const rows = new Set([...readme.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]));
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
    const documented = (leaf: string): boolean =>
      rows.has(leaf) || [...rows].some((r) => leaf.startsWith(`${r}.`)) || leaf.startsWith('defaults.');
    expect(leaves.filter((l) => !documented(l))).toEqual([]);
    expect(leaves.length).toBeGreaterThan(30);
  });
});
