/**
 * The estate the log-archive tests use, and the IAM simulator harness (@cloud-copilot/iam-simulate, AGPL-3.0, a
 * devDependency only).
 *
 * Placeholders: 111111111111 the management account (owns the organization trail `org-audit` in us-east-1),
 * 222222222222 and 333333333333 served member accounts, 444444444444 the log-archive account, 999999999999 a stranger,
 * `o-abc123def4` the organization, `cloudtrail-guard` the account-mode trails' name, `logs` the S3 key prefix.
 *
 * The simulator takes the request context as given. What AWS puts in it, and the tests therefore put there:
 * - for a role, `aws:PrincipalArn` is the role's ARN, with its path, not the session's; `aws:PrincipalAccount` its
 *   account; `aws:PrincipalOrgID` its organization
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn);
 * - for CloudTrail acting for a trail, `aws:SourceArn` (the trail), `aws:SourceAccount` (the trail's account) and
 *   `aws:SourceOrgID` (its organization)
 *   (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cross-service-confused-deputy-prevention.html,
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceorgid);
 *   the tests also run without them, to show that a missing key never lets a write through.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { anonymousPrincipal, runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { App, TerraformStack, Testing } from 'cdktf';
import type { LogArchiveBucketPolicyProps } from '../../modules/policies/log-archive-bucket-policy';
import type { LogArchiveKeyPolicyProps } from '../../modules/policies/log-archive-key-policy';
import type { GuardTamperScpProps } from '../../modules/policies/guard-tamper-scp';
import type { PolicyDocument } from '../../modules/policies/types';
import { CLOUDTRAIL_ENCRYPTION_CONTEXT_KEY } from '../../modules/policies/trail-key-policy';

export const MANAGEMENT = '111111111111';
export const MEMBER = '222222222222';
export const MEMBER_2 = '333333333333';
export const ARCHIVE = '444444444444';
export const NOT_SERVED = '555555555555';
export const STRANGER = '999999999999';
export const ORG_ID = 'o-abc123def4';
export const OTHER_ORG_ID = 'o-zzzzzzzzzz';
export const ROOT_ID = 'r-ab12';
export const SERVED_OU = `${ORG_ID}/${ROOT_ID}/ou-ab12-11111111/`;
export const OTHER_OU = `${ORG_ID}/${ROOT_ID}/ou-ab12-22222222/`;
export const REGION = 'us-east-1';
export const ARCHIVE_REGION = 'eu-west-1';
export const PREFIX = 'logs';
export const BUCKET = 'cloudtrail-guard-archive-444444444444-eu-west-1';
export const ACCESS_LOG_BUCKET = 'cloudtrail-guard-archive-access-444444444444-eu-west-1';
export const ORG_TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${MANAGEMENT}:trail/org-audit`;
export const TRAIL_NAME = 'cloudtrail-guard';
export const KEY_ARN = `arn:aws:kms:${ARCHIVE_REGION}:${ARCHIVE}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const BREAK_GLASS = `arn:aws:iam::${ARCHIVE}:role/break-glass`;
export const ARCHIVE_DEPLOYER = `arn:aws:iam::${ARCHIVE}:role/cloudtrail-guard-deployer`;
export const LOG_READER = `arn:aws:iam::${ARCHIVE}:role/log-reader`;

export const trailArn = (account: string, name = TRAIL_NAME, region = REGION): string =>
  `arn:aws:cloudtrail:${region}:${account}:trail/${name}`;
export const roleArn = (account: string, pathAndName: string): string => `arn:aws:iam::${account}:role/${pathAndName}`;
/** A log file key of `owner`'s path (an account, or `<org>/<account>` for the organization trail). */
export const logObject = (owner: string, account = owner.split('/').pop()!, prefix = PREFIX): string =>
  `arn:aws:s3:::${BUCKET}/${prefix === '' ? '' : `${prefix}/`}AWSLogs/${owner}/CloudTrail/${REGION}/2026/11/30/${account}_CloudTrail_${REGION}_20261130T0000Z_abc.json.gz`;

/** Bucket policy inputs: the organization trail and every account of the organization. */
export const ORG_BUCKET_PROPS: LogArchiveBucketPolicyProps = {
  partition: 'aws',
  bucketName: BUCKET,
  s3KeyPrefix: PREFIX,
  organizationTrail: { trailArn: ORG_TRAIL_ARN, organizationId: ORG_ID },
  served: { organizationId: ORG_ID },
  accountTrailNames: [TRAIL_NAME],
  breakGlassRoleArns: [BREAK_GLASS],
  deploymentRoleArns: [ARCHIVE_DEPLOYER],
};

/** Key policy inputs matching {@link ORG_BUCKET_PROPS}. */
export const ORG_KEY_PROPS: LogArchiveKeyPolicyProps = {
  partition: 'aws',
  region: ARCHIVE_REGION,
  accountId: ARCHIVE,
  organizationTrail: { trailArn: ORG_TRAIL_ARN, organizationId: ORG_ID },
  served: { organizationId: ORG_ID },
  accountTrailNames: [TRAIL_NAME],
  logReaderArns: [LOG_READER],
  breakGlassRoleArns: [BREAK_GLASS],
  keyAdministratorArns: [ARCHIVE_DEPLOYER],
};

/** Patterns of the tamper SCP: every account's deployer and break-glass role, by name. */
export const DEPLOYER_PATTERN = 'arn:aws:iam::*:role/cloudtrail-guard-deployer';
export const BREAK_GLASS_PATTERN = 'arn:aws:iam::*:role/break-glass';
export const SCP_PROPS: GuardTamperScpProps = {
  partition: 'aws',
  trailNames: [TRAIL_NAME],
  deploymentRolePatterns: [DEPLOYER_PATTERN],
  breakGlassRolePatterns: [BREAK_GLASS_PATTERN],
};

export const ADMIN_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'AdministratorAccess', Effect: 'Allow', Action: '*', Resource: '*' }],
};
const FULL_AWS_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** The context AWS gives a request by an IAM role of `account` in the organization, over TLS. */
export function roleContext(arn: string, org: string | undefined = ORG_ID): Record<string, string> {
  const account = /^arn:aws:iam::(\d{12}):role\//.exec(arn)![1];
  return {
    'aws:PrincipalArn': arn,
    'aws:PrincipalAccount': account,
    ...(org ? { 'aws:PrincipalOrgID': org } : {}),
    'aws:SecureTransport': 'true',
    'aws:PrincipalIsAWSService': 'false',
  };
}

/** The context CloudTrail gives a request it makes for `trail`, over TLS. */
export function cloudTrailContext(
  trail: string,
  org: string | undefined,
  extra: Record<string, string | string[]> = {},
): Record<string, string | string[]> {
  const account = /^arn:aws:cloudtrail:[^:]+:(\d{12}):/.exec(trail)![1];
  return {
    'aws:SourceArn': trail,
    'aws:SourceAccount': account,
    ...(org ? { 'aws:SourceOrgID': org } : {}),
    'aws:SecureTransport': 'true',
    'aws:PrincipalIsAWSService': 'true',
    ...extra,
  };
}

/** The account of an IAM principal ARN, if it is one. */
const accountOf = (principal: string): string | undefined => /^arn:aws:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];

export type Verdict = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

export interface Request {
  readonly principal: string | 'anonymous';
  readonly action: string;
  readonly resource: string;
  /** The account that owns the resource. */
  readonly resourceAccount: string;
  readonly context: Record<string, string | string[]>;
  readonly resourcePolicy?: PolicyDocument;
  readonly identityPolicies?: readonly PolicyDocument[];
  /** SCPs attached to the root (with FullAWSAccess, which every level needs). */
  readonly scps?: readonly PolicyDocument[];
}

/**
 * Evaluates one request. Requests that carry `kms:EncryptionContext:*` go through `runUnsafeSimulation`: the validated
 * path drops those keys (it matches templated keys on `/`, this key's separator is `:`). Every other request goes
 * through `runSimulation`, and the keys it ignored are returned so that tests can assert there are none.
 * @throws Error when the simulator rejects the request.
 */
export async function evaluate(r: Request): Promise<{ verdict: Verdict; ignored: readonly string[] }> {
  const simulation: Simulation = {
    request: {
      principal: r.principal === 'anonymous' ? anonymousPrincipal : r.principal,
      action: r.action,
      resource: { resource: r.resource, accountId: r.resourceAccount },
      contextVariables: { ...r.context },
    },
    identityPolicies: (r.identityPolicies ?? []).map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: r.scps
      ? [
          {
            orgIdentifier: ROOT_ID,
            policies: [
              { name: 'FullAWSAccess', policy: FULL_AWS_ACCESS },
              ...r.scps.map((policy, i) => ({ name: `scp-${i}`, policy })),
            ],
          },
          { orgIdentifier: 'ou-ab12-11111111', policies: [{ name: 'FullAWSAccess', policy: FULL_AWS_ACCESS }] },
          {
            orgIdentifier: accountOf(r.principal) ?? r.resourceAccount,
            policies: [{ name: 'FullAWSAccess', policy: FULL_AWS_ACCESS }],
          },
        ]
      : [],
    resourceControlPolicies: [],
    resourcePolicy: r.resourcePolicy,
  };
  if (Object.keys(r.context).some((k) => k.startsWith('kms:EncryptionContext:'))) {
    const validated = r.resourcePolicy
      ? { __validated: true, policyDocument: r.resourcePolicy, metadata: { name: 'ResourcePolicy' }, errors: [] }
      : undefined;
    const verdict = await runUnsafeSimulation(
      { ...simulation, resourcePolicy: validated as unknown as Simulation['resourcePolicy'] },
      {},
    );
    return { verdict: verdict as Verdict, ignored: [] };
  }
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error')
    throw new Error(`the simulator rejected ${r.action} on ${r.resource}: ${JSON.stringify(result.errors)}`);
  const ignored =
    result.resultType === 'single'
      ? (result.result.ignoredContextKeys ?? [])
      : [...new Set(result.results.flatMap((x) => x.ignoredContextKeys ?? []))];
  return { verdict: result.overallResult as Verdict, ignored };
}

/** The encryption context CloudTrail sets for a log file of `trail`. https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html */
export const encryptionContext = (trail: string): Record<string, string> => ({
  [CLOUDTRAIL_ENCRYPTION_CONTEXT_KEY]: trail,
});

/** A bare stack with an AWS provider in the archive Region. */
export function bareStack(): TerraformStack {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'log-archive');
  new AwsProvider(stack, 'aws', { region: ARCHIVE_REGION });
  return stack;
}

/**
 * Account mode inside an organization, delivering to the log archive: the archive serves the whole organization
 * (`aws:SourceOrgID`), whatever the number of accounts. No example has this layout; the docs-claims test and the
 * synthesized-stack simulations use it.
 */
export const ARCHIVE_IN_ORGANIZATION_YAML = `
estate: acme-org-accounts
state: { backend: local }
organization:
  id: ${ORG_ID}
  managementAccountId: "${MANAGEMENT}"
logArchive:
  accountId: "${ARCHIVE}"
  region: ${ARCHIVE_REGION}
  deploymentRoleArn: ${ARCHIVE_DEPLOYER}
  s3KeyPrefix: ${PREFIX}
  breakGlassRoleArns: [${BREAK_GLASS}]
defaults:
  logDestination: archive
accounts:
  - { accountId: "${MEMBER}", homeRegion: ${REGION} }
  - { accountId: "${MEMBER_2}", homeRegion: ${ARCHIVE_REGION} }
`;
