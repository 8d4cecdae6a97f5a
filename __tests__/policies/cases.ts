/**
 * The security table: every request that the bucket policy, the key policy and the automation role must allow or
 * deny. It is the single source for both the policy tests (simulated with @cloud-copilot/iam-simulate) and the table
 * in docs/security.md (a test compares the two exactly).
 *
 * Placeholders (docs/security.md and the field cases): 111111111111 the home / management account, 222222222222 a
 * member account, 999999999999 a stranger, o-abc123def4 the organization, `ct-logs-111111111111` the log bucket,
 * `org-audit` the trail, us-east-1 the home Region, prefix `logs`.
 */

export const ACCOUNT = '111111111111';
export const MEMBER = '222222222222';
export const STRANGER = '999999999999';
export const ORG_ID = 'o-abc123def4';
export const REGION = 'us-east-1';
export const BUCKET = 'ct-logs-111111111111';
export const TRAIL_NAME = 'org-audit';
export const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/${TRAIL_NAME}`;
export const STRANGER_TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${STRANGER}:trail/${TRAIL_NAME}`;
export const MEMBER_TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${MEMBER}:trail/${TRAIL_NAME}`;
/** A member account of the organization that the configuration does not list. */
export const UNLISTED_MEMBER = '333333333333';
/** A key ID of the documentation's form; the synthesized stack's `${aws_kms_key...arn}` is replaced by this. */
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const ROLE_NAME = 'cloudtrail-guard-automation-us-east-1';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`;
/** The role CloudTrail assumes to write to CloudWatch Logs (organization setup). */
export const CWL_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/cloudtrail-guard-cloudwatch-logs-${REGION}`;
/** The automation role's session, as Automation assumes it. */
export const ROLE_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE_NAME}/automation-execution`;
export const LOG_OBJECT = `arn:aws:s3:::${BUCKET}/logs/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/11/30/${ACCOUNT}_CloudTrail_us-east-1_20261130T0000Z_abc.json.gz`;
export const ENCRYPTION_CONTEXT_KEY = 'kms:EncryptionContext:aws:cloudtrail:arn';

/**
 * Which policies a case is evaluated against.
 * - `account`: account mode; from the pure functions in modules/policies for examples/single-account.yaml's
 *   account, and again from the synthesized stack of that file.
 * - `prefix logs/`, `prefix /logs`: account mode with the prefix written another way (FC-01); pure functions fed by
 *   `loadConfig`'s normalised prefix.
 * - `organization`: the management account's stack of an organization trail, member 222222222222 (FC-02, FC-06).
 */
export type Setup = 'account' | 'prefix logs/' | 'prefix /logs' | 'organization';

/**
 * The policies in play. `bucket`, `key` and `trust` are resource policies; `permissions` is the automation role's
 * identity policy; `reader` is an identity policy that a log reader of the account might hold (s3:GetObject and
 * kms:Decrypt on everything), `assume-anything` one that grants sts:AssumeRole on `*`.
 */
export type PolicyName = ResourcePolicyName | 'permissions' | 'reader' | 'assume-anything';

/** The resource policies: the log bucket's, the trail key's, and the trust policies of the automation role and of
 * the CloudWatch Logs role (`cwl-trust`). */
export type ResourcePolicyName = 'bucket' | 'key' | 'trust' | 'cwl-trust';

/** How the docs table names each resource policy. */
export const RESOURCE_POLICY_LABELS: Readonly<Record<ResourcePolicyName, string>> = {
  bucket: 'bucket policy',
  key: 'key policy',
  trust: 'trust policy',
  'cwl-trust': 'CloudWatch Logs role trust policy',
};

export type Verdict = 'allowed' | 'denied' | 'denied (explicit)';

export interface PolicyCase {
  /** Stable identifier, used in the docs table. */
  readonly id: string;
  readonly setup: Setup;
  /** The resource policy evaluated, if any. */
  readonly resourcePolicy?: ResourcePolicyName;
  /** The identity policies of the principal. */
  readonly identityPolicies?: ReadonlyArray<'permissions' | 'reader' | 'assume-anything'>;
  /** Principal ARN, service principal, or `anonymous`. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** Request context. */
  readonly context: Readonly<Record<string, string>>;
  /** The condition column of the docs table, in words. */
  readonly condition: string;
  readonly verdict: Verdict;
}

const tls = { 'aws:SecureTransport': 'true' };
const putAcl = { 's3:x-amz-acl': 'bucket-owner-full-control' };
const fromTrail = { 'aws:SourceArn': TRAIL_ARN, 'aws:SourceAccount': ACCOUNT };
const fromStranger = { 'aws:SourceArn': STRANGER_TRAIL_ARN, 'aws:SourceAccount': STRANGER };
const ssmSource = {
  'aws:SourceAccount': ACCOUNT,
  'aws:SourceArn': `arn:aws:ssm:${REGION}:${ACCOUNT}:automation-execution/4a1f7c55-1e0b-4d6b-9d7f-0f6c1b2f3e4d`,
};
const ct = 'cloudtrail.amazonaws.com';
const obj = (prefix: string, owner: string): string =>
  `arn:aws:s3:::${BUCKET}/${prefix ? `${prefix}/` : ''}AWSLogs/${owner}/CloudTrail/us-east-1/2026/11/30/file.json.gz`;
const ec = (trail: string) => ({ [ENCRYPTION_CONTEXT_KEY]: trail });

/** The whole table, in the order of docs/security.md. */
export const POLICY_CASES: readonly PolicyCase[] = [
  // ---- bucket policy, account mode
  {
    id: 'B1',
    setup: 'account',
    resourcePolicy: 'bucket',
    principal: ct,
    action: 's3:GetBucketAcl',
    resource: `arn:aws:s3:::${BUCKET}`,
    context: { ...fromTrail, ...tls },
    condition: 'SourceArn = this trail; TLS',
    verdict: 'allowed',
  },
  {
    id: 'B2',
    setup: 'account',
    resourcePolicy: 'bucket',
    principal: ct,
    action: 's3:PutObject',
    resource: obj('logs', ACCOUNT),
    context: { ...fromTrail, ...putAcl, ...tls },
    condition: 'SourceArn = this trail; x-amz-acl = bucket-owner-full-control; TLS',
    verdict: 'allowed',
  },
  {
    id: 'B3',
    setup: 'account',
    resourcePolicy: 'bucket',
    principal: ct,
    action: 's3:PutObject',
    resource: obj('logs', ACCOUNT),
    context: { ...fromStranger, ...putAcl, ...tls },
    condition: 'SourceArn = a trail of 999999999999 (confused deputy); x-amz-acl; TLS',
    verdict: 'denied',
  },
  {
    id: 'B4',
    setup: 'account',
    resourcePolicy: 'bucket',
    principal: ct,
    action: 's3:GetBucketAcl',
    resource: `arn:aws:s3:::${BUCKET}`,
    context: { ...fromStranger, ...tls },
    condition: 'SourceArn = a trail of 999999999999; TLS',
    verdict: 'denied',
  },
  {
    id: 'B5',
    setup: 'account',
    resourcePolicy: 'bucket',
    principal: ct,
    action: 's3:PutObject',
    resource: obj('logs', ACCOUNT),
    context: { ...fromTrail, ...tls },
    condition: 'SourceArn = this trail; no x-amz-acl header; TLS',
    verdict: 'denied',
  },
  {
    id: 'B6',
    setup: 'account',
    resourcePolicy: 'bucket',
    principal: ct,
    action: 's3:PutObject',
    resource: obj('other', ACCOUNT),
    context: { ...fromTrail, ...putAcl, ...tls },
    condition: 'SourceArn = this trail; x-amz-acl; TLS; outside the prefix',
    verdict: 'denied',
  },
  {
    id: 'B7',
    setup: 'account',
    resourcePolicy: 'bucket',
    principal: ct,
    action: 's3:PutObject',
    resource: obj('', ACCOUNT),
    context: { ...fromTrail, ...putAcl, ...tls },
    condition: 'SourceArn = this trail; x-amz-acl; TLS; no prefix at all',
    verdict: 'denied',
  },
  {
    id: 'B8',
    setup: 'account',
    resourcePolicy: 'bucket',
    principal: ct,
    action: 's3:PutObject',
    resource: obj('logs', STRANGER),
    context: { ...fromTrail, ...putAcl, ...tls },
    condition: 'SourceArn = this trail; x-amz-acl; TLS; path of another account',
    verdict: 'denied',
  },
  {
    id: 'B9',
    setup: 'account',
    resourcePolicy: 'bucket',
    principal: ct,
    action: 's3:PutObject',
    resource: obj('logs', ACCOUNT),
    context: { ...fromTrail, ...putAcl, 'aws:SecureTransport': 'false' },
    condition: 'SourceArn = this trail; x-amz-acl; plain HTTP',
    verdict: 'denied (explicit)',
  },
  {
    id: 'B10',
    setup: 'account',
    resourcePolicy: 'bucket',
    principal: 'anonymous',
    action: 's3:GetObject',
    resource: LOG_OBJECT,
    context: { ...tls },
    condition: 'TLS',
    verdict: 'denied',
  },
  {
    id: 'B11',
    setup: 'account',
    resourcePolicy: 'bucket',
    principal: `arn:aws:iam::${STRANGER}:root`,
    action: 's3:GetObject',
    resource: LOG_OBJECT,
    context: { ...tls },
    condition: 'TLS',
    verdict: 'denied',
  },
  {
    id: 'B12',
    setup: 'account',
    resourcePolicy: 'bucket',
    identityPolicies: ['reader'],
    principal: `arn:aws:iam::${ACCOUNT}:role/log-reader`,
    action: 's3:GetObject',
    resource: LOG_OBJECT,
    context: { ...tls },
    condition: 'an IAM policy of the account grants s3:GetObject; TLS',
    verdict: 'allowed',
  },
  {
    id: 'B13',
    setup: 'account',
    resourcePolicy: 'bucket',
    identityPolicies: ['reader'],
    principal: `arn:aws:iam::${ACCOUNT}:role/log-reader`,
    action: 's3:GetObject',
    resource: LOG_OBJECT,
    context: { 'aws:SecureTransport': 'false' },
    condition: 'an IAM policy of the account grants s3:GetObject; plain HTTP',
    verdict: 'denied (explicit)',
  },
  {
    id: 'B14',
    setup: 'account',
    resourcePolicy: 'bucket',
    identityPolicies: ['permissions'],
    principal: ROLE_SESSION,
    action: 's3:GetObject',
    resource: LOG_OBJECT,
    context: { ...tls },
    condition: 'TLS',
    verdict: 'denied',
  },
  // ---- FC-01: the prefix written with a trailing or a leading slash
  {
    id: 'P1',
    setup: 'prefix logs/',
    resourcePolicy: 'bucket',
    principal: ct,
    action: 's3:PutObject',
    resource: obj('logs', ACCOUNT),
    context: { ...fromTrail, ...putAcl, ...tls },
    condition: 'SourceArn = this trail; x-amz-acl; TLS',
    verdict: 'allowed',
  },
  {
    id: 'P2',
    setup: 'prefix logs/',
    resourcePolicy: 'bucket',
    principal: ct,
    action: 's3:PutObject',
    resource: `arn:aws:s3:::${BUCKET}/logs//AWSLogs/${ACCOUNT}/file.json.gz`,
    context: { ...fromTrail, ...putAcl, ...tls },
    condition: 'SourceArn = this trail; x-amz-acl; TLS; a `//` in the key',
    verdict: 'denied',
  },
  {
    id: 'P3',
    setup: 'prefix /logs',
    resourcePolicy: 'bucket',
    principal: ct,
    action: 's3:PutObject',
    resource: obj('logs', ACCOUNT),
    context: { ...fromTrail, ...putAcl, ...tls },
    condition: 'SourceArn = this trail; x-amz-acl; TLS',
    verdict: 'allowed',
  },
  {
    id: 'P4',
    setup: 'prefix /logs',
    resourcePolicy: 'bucket',
    principal: ct,
    action: 's3:PutObject',
    resource: `arn:aws:s3:::${BUCKET}//logs/AWSLogs/${ACCOUNT}/file.json.gz`,
    context: { ...fromTrail, ...putAcl, ...tls },
    condition: 'SourceArn = this trail; x-amz-acl; TLS; a leading `/` in the key',
    verdict: 'denied',
  },
  // ---- FC-02: organization trail
  {
    id: 'O1',
    setup: 'organization',
    resourcePolicy: 'bucket',
    principal: ct,
    action: 's3:PutObject',
    resource: `arn:aws:s3:::${BUCKET}/logs/AWSLogs/${ORG_ID}/${MEMBER}/CloudTrail/us-east-1/2026/11/30/file.json.gz`,
    context: { ...fromTrail, ...putAcl, ...tls },
    condition: 'SourceArn = the organization trail; x-amz-acl; TLS',
    verdict: 'allowed',
  },
  {
    id: 'O2',
    setup: 'organization',
    resourcePolicy: 'bucket',
    principal: ct,
    action: 's3:PutObject',
    resource: obj('logs', ACCOUNT),
    context: { ...fromTrail, ...putAcl, ...tls },
    condition: "SourceArn = the organization trail; x-amz-acl; TLS; the management account's own path",
    verdict: 'allowed',
  },
  {
    id: 'O3',
    setup: 'organization',
    resourcePolicy: 'bucket',
    principal: ct,
    action: 's3:PutObject',
    resource: `arn:aws:s3:::${BUCKET}/logs/AWSLogs/${ORG_ID}/${MEMBER}/file.json.gz`,
    context: { ...fromTrail, ...tls },
    condition: 'SourceArn = the organization trail; no x-amz-acl header; TLS',
    verdict: 'denied',
  },
  {
    id: 'O4',
    setup: 'organization',
    resourcePolicy: 'bucket',
    principal: ct,
    action: 's3:PutObject',
    resource: obj('logs', STRANGER),
    context: { ...fromTrail, ...putAcl, ...tls },
    condition: 'SourceArn = the organization trail; x-amz-acl; TLS; path of an account outside `AWSLogs/<org>/`',
    verdict: 'denied',
  },
  {
    id: 'O5',
    setup: 'organization',
    resourcePolicy: 'bucket',
    principal: ct,
    action: 's3:PutObject',
    resource: `arn:aws:s3:::${BUCKET}/logs/AWSLogs/${ORG_ID}/${MEMBER}/file.json.gz`,
    context: { ...fromStranger, ...putAcl, ...tls },
    condition: 'SourceArn = a trail of 999999999999; x-amz-acl; TLS',
    verdict: 'denied',
  },
  // ---- key policy, account mode (FC-06)
  {
    id: 'K1',
    setup: 'account',
    resourcePolicy: 'key',
    principal: ct,
    action: 'kms:GenerateDataKey',
    resource: KEY_ARN,
    context: { ...fromTrail, ...ec(TRAIL_ARN) },
    condition: 'SourceArn = this trail; encryption context = this trail',
    verdict: 'allowed',
  },
  {
    id: 'K2',
    setup: 'account',
    resourcePolicy: 'key',
    principal: ct,
    action: 'kms:DescribeKey',
    resource: KEY_ARN,
    context: { ...fromTrail },
    condition: 'SourceArn = this trail',
    verdict: 'allowed',
  },
  {
    id: 'K3',
    setup: 'account',
    resourcePolicy: 'key',
    principal: ct,
    action: 'kms:Decrypt',
    resource: KEY_ARN,
    context: { ...fromTrail },
    condition: 'SourceArn = this trail (S3 Bucket Key)',
    verdict: 'allowed',
  },
  {
    id: 'K4',
    setup: 'account',
    resourcePolicy: 'key',
    principal: ct,
    action: 'kms:GenerateDataKey',
    resource: KEY_ARN,
    context: { ...fromStranger, ...ec(STRANGER_TRAIL_ARN) },
    condition: 'SourceArn = a trail of 999999999999; its encryption context',
    verdict: 'denied',
  },
  {
    id: 'K5',
    setup: 'account',
    resourcePolicy: 'key',
    principal: ct,
    action: 'kms:GenerateDataKey',
    resource: KEY_ARN,
    context: { ...fromTrail, ...ec(STRANGER_TRAIL_ARN) },
    condition: 'SourceArn = this trail; encryption context = a trail of 999999999999',
    verdict: 'denied',
  },
  {
    id: 'K6',
    setup: 'account',
    resourcePolicy: 'key',
    principal: ct,
    action: 'kms:GenerateDataKey',
    resource: KEY_ARN,
    context: { ...fromTrail },
    condition: 'SourceArn = this trail; no encryption context',
    verdict: 'denied',
  },
  {
    id: 'K7',
    setup: 'account',
    resourcePolicy: 'key',
    principal: ct,
    action: 'kms:DescribeKey',
    resource: KEY_ARN,
    context: { ...fromStranger },
    condition: 'SourceArn = a trail of 999999999999',
    verdict: 'denied',
  },
  {
    id: 'K8',
    setup: 'account',
    resourcePolicy: 'key',
    principal: `arn:aws:iam::${ACCOUNT}:role/log-reader`,
    action: 'kms:Decrypt',
    resource: KEY_ARN,
    context: { 'kms:CallerAccount': ACCOUNT, ...ec(TRAIL_ARN) },
    condition: 'caller account 111111111111; encryption context = this trail',
    verdict: 'allowed',
  },
  {
    id: 'K9',
    setup: 'account',
    resourcePolicy: 'key',
    principal: `arn:aws:iam::${STRANGER}:root`,
    action: 'kms:Decrypt',
    resource: KEY_ARN,
    context: { 'kms:CallerAccount': STRANGER, ...ec(TRAIL_ARN) },
    condition: 'caller account 999999999999; encryption context = this trail',
    verdict: 'denied',
  },
  {
    id: 'K10',
    setup: 'account',
    resourcePolicy: 'key',
    identityPolicies: ['permissions'],
    principal: ROLE_SESSION,
    action: 'kms:Decrypt',
    resource: KEY_ARN,
    context: { 'kms:CallerAccount': ACCOUNT },
    condition: 'no encryption context',
    verdict: 'denied',
  },
  // ---- key policy, organization trail (FC-06)
  {
    id: 'K11',
    setup: 'organization',
    resourcePolicy: 'key',
    principal: ct,
    action: 'kms:GenerateDataKey',
    resource: KEY_ARN,
    context: { ...fromTrail, ...ec(MEMBER_TRAIL_ARN) },
    condition: "SourceArn = the organization trail; encryption context = the organization trail's copy in member 222222222222",
    verdict: 'allowed',
  },
  {
    id: 'K12',
    setup: 'organization',
    resourcePolicy: 'key',
    principal: ct,
    action: 'kms:GenerateDataKey',
    resource: KEY_ARN,
    context: { ...fromTrail, ...ec(TRAIL_ARN) },
    condition: "SourceArn = the organization trail; encryption context = the management account's trail",
    verdict: 'allowed',
  },
  {
    id: 'K13',
    setup: 'organization',
    resourcePolicy: 'key',
    principal: ct,
    action: 'kms:GenerateDataKey',
    resource: KEY_ARN,
    context: { ...fromTrail, ...ec(`arn:aws:cloudtrail:${REGION}:${STRANGER}:trail/other-trail`) },
    condition: 'SourceArn = the organization trail; encryption context = another trail, of 999999999999',
    verdict: 'denied',
  },
  {
    id: 'K14',
    setup: 'organization',
    resourcePolicy: 'key',
    principal: ct,
    action: 'kms:GenerateDataKey',
    resource: KEY_ARN,
    context: { ...fromTrail, ...ec(`arn:aws:cloudtrail:${REGION}:${UNLISTED_MEMBER}:trail/${TRAIL_NAME}`) },
    condition: "SourceArn = the organization trail; encryption context = its copy in 333333333333, a member not in the configuration",
    verdict: 'allowed',
  },
  {
    id: 'K15',
    setup: 'organization',
    resourcePolicy: 'key',
    principal: ct,
    action: 'kms:GenerateDataKey',
    resource: KEY_ARN,
    context: { 'aws:SourceArn': `arn:aws:cloudtrail:${REGION}:${MEMBER}:trail/member-own`, 'aws:SourceAccount': MEMBER, ...ec(`arn:aws:cloudtrail:${REGION}:${MEMBER}:trail/member-own`) },
    condition: "SourceArn = member 222222222222's own trail; its encryption context",
    verdict: 'denied',
  },
  // ---- the CloudWatch Logs role: trust policy (no aws:SourceArn / aws:SourceAccount: the role does not support them)
  {
    id: 'L1',
    setup: 'organization',
    resourcePolicy: 'cwl-trust',
    principal: ct,
    action: 'sts:AssumeRole',
    resource: CWL_ROLE_ARN,
    context: {},
    condition: 'no SourceArn, no SourceAccount',
    verdict: 'allowed',
  },
  {
    id: 'L2',
    setup: 'organization',
    resourcePolicy: 'cwl-trust',
    principal: ct,
    action: 'sts:AssumeRole',
    resource: CWL_ROLE_ARN,
    context: { ...fromTrail },
    condition: 'SourceArn = the organization trail; SourceAccount = 111111111111',
    verdict: 'allowed',
  },
  {
    id: 'L3',
    setup: 'organization',
    resourcePolicy: 'cwl-trust',
    principal: 'logs.amazonaws.com',
    action: 'sts:AssumeRole',
    resource: CWL_ROLE_ARN,
    context: {},
    condition: '-',
    verdict: 'denied',
  },
  {
    id: 'L4',
    setup: 'organization',
    resourcePolicy: 'cwl-trust',
    identityPolicies: ['assume-anything'],
    principal: `arn:aws:iam::${ACCOUNT}:user/alice`,
    action: 'sts:AssumeRole',
    resource: CWL_ROLE_ARN,
    context: {},
    condition: 'her IAM policy grants sts:AssumeRole on *',
    verdict: 'denied',
  },
  {
    id: 'L5',
    setup: 'organization',
    resourcePolicy: 'cwl-trust',
    principal: `arn:aws:iam::${STRANGER}:root`,
    action: 'sts:AssumeRole',
    resource: CWL_ROLE_ARN,
    context: {},
    condition: '-',
    verdict: 'denied',
  },
  // ---- automation role: trust policy (FC-09)
  {
    id: 'R1',
    setup: 'account',
    resourcePolicy: 'trust',
    principal: 'ssm.amazonaws.com',
    action: 'sts:AssumeRole',
    resource: ROLE_ARN,
    context: { ...ssmSource },
    condition: 'SourceAccount = 111111111111; SourceArn = an automation execution of 111111111111',
    verdict: 'allowed',
  },
  {
    id: 'R2',
    setup: 'account',
    resourcePolicy: 'trust',
    principal: 'ssm.amazonaws.com',
    action: 'sts:AssumeRole',
    resource: ROLE_ARN,
    context: {
      'aws:SourceAccount': STRANGER,
      'aws:SourceArn': `arn:aws:ssm:${REGION}:${STRANGER}:automation-execution/4a1f7c55-1e0b-4d6b-9d7f-0f6c1b2f3e4d`,
    },
    condition: 'SourceAccount = 999999999999',
    verdict: 'denied',
  },
  {
    id: 'R3',
    setup: 'account',
    resourcePolicy: 'trust',
    principal: 'ssm.amazonaws.com',
    action: 'sts:AssumeRole',
    resource: ROLE_ARN,
    context: {},
    condition: 'no SourceAccount, no SourceArn',
    verdict: 'denied',
  },
  {
    id: 'R4',
    setup: 'account',
    resourcePolicy: 'trust',
    principal: 'ec2.amazonaws.com',
    action: 'sts:AssumeRole',
    resource: ROLE_ARN,
    context: { 'aws:SourceAccount': ACCOUNT },
    condition: 'SourceAccount = 111111111111',
    verdict: 'denied',
  },
  {
    id: 'R5',
    setup: 'account',
    resourcePolicy: 'trust',
    identityPolicies: ['assume-anything'],
    principal: `arn:aws:iam::${ACCOUNT}:user/alice`,
    action: 'sts:AssumeRole',
    resource: ROLE_ARN,
    context: {},
    condition: 'her IAM policy grants sts:AssumeRole on *',
    verdict: 'denied',
  },
  {
    id: 'R6',
    setup: 'account',
    resourcePolicy: 'trust',
    principal: `arn:aws:iam::${STRANGER}:root`,
    action: 'sts:AssumeRole',
    resource: ROLE_ARN,
    context: {},
    condition: '-',
    verdict: 'denied',
  },
  // ---- automation role: permissions (the runbook's calls)
  ...(
    [
      'CreateTrail',
      'UpdateTrail',
      'StartLogging',
      'GetTrail',
      'GetTrailStatus',
      'GetEventSelectors',
      'PutEventSelectors',
    ] as const
  ).map((api, i): PolicyCase => ({
    id: `A${i + 1}`,
    setup: 'account',
    identityPolicies: ['permissions'],
    principal: ROLE_SESSION,
    action: `cloudtrail:${api}`,
    resource: TRAIL_ARN,
    context: {},
    condition: '-',
    verdict: 'allowed',
  })),
  {
    id: 'A8',
    setup: 'account',
    identityPolicies: ['permissions'],
    principal: ROLE_SESSION,
    action: 'cloudtrail:DescribeTrails',
    resource: '*',
    context: {},
    condition: '-',
    verdict: 'allowed',
  },
  {
    id: 'A9',
    setup: 'account',
    resourcePolicy: 'key',
    identityPolicies: ['permissions'],
    principal: ROLE_SESSION,
    action: 'kms:DescribeKey',
    resource: KEY_ARN,
    context: {},
    condition: '-',
    verdict: 'allowed',
  },
  {
    id: 'A10',
    setup: 'account',
    identityPolicies: ['permissions'],
    principal: ROLE_SESSION,
    action: 'cloudtrail:DeleteTrail',
    resource: TRAIL_ARN,
    context: {},
    condition: '-',
    verdict: 'denied',
  },
  {
    id: 'A11',
    setup: 'account',
    identityPolicies: ['permissions'],
    principal: ROLE_SESSION,
    action: 'cloudtrail:StopLogging',
    resource: TRAIL_ARN,
    context: {},
    condition: '-',
    verdict: 'denied',
  },
  {
    id: 'A12',
    setup: 'account',
    identityPolicies: ['permissions'],
    principal: ROLE_SESSION,
    action: 'cloudtrail:UpdateTrail',
    resource: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/other-trail`,
    context: {},
    condition: '-',
    verdict: 'denied',
  },
  {
    id: 'A13',
    setup: 'account',
    identityPolicies: ['permissions'],
    principal: ROLE_SESSION,
    action: 'cloudtrail:StartLogging',
    resource: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/other-trail`,
    context: {},
    condition: '-',
    verdict: 'denied',
  },
  {
    id: 'A14',
    setup: 'account',
    identityPolicies: ['permissions'],
    principal: ROLE_SESSION,
    action: 'cloudtrail:CreateTrail',
    resource: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/other-trail`,
    context: {},
    condition: '-',
    verdict: 'denied',
  },
  {
    id: 'A15',
    setup: 'account',
    identityPolicies: ['permissions'],
    principal: ROLE_SESSION,
    action: 'cloudtrail:UpdateTrail',
    resource: `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/${TRAIL_NAME}`,
    context: {},
    condition: '-',
    verdict: 'denied',
  },
  {
    id: 'A16',
    setup: 'account',
    identityPolicies: ['permissions'],
    principal: ROLE_SESSION,
    action: 'cloudtrail:DeleteTrail',
    resource: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/other-trail`,
    context: {},
    condition: '-',
    verdict: 'denied',
  },
  {
    id: 'A17',
    setup: 'account',
    identityPolicies: ['permissions'],
    principal: ROLE_SESSION,
    action: 'iam:PassRole',
    resource: `arn:aws:iam::${ACCOUNT}:role/admin`,
    context: { 'iam:PassedToService': ct },
    condition: 'passed to cloudtrail.amazonaws.com',
    verdict: 'denied',
  },
];

/** The columns of the docs table, in order. */
export const TABLE_COLUMNS = [
  'id',
  'setup',
  'policy',
  'principal',
  'action',
  'resource',
  'condition',
  'verdict',
] as const;

/** One case as the cells of its docs table row. */
export function tableCells(c: PolicyCase): string[] {
  const policy = [
    c.resourcePolicy ? RESOURCE_POLICY_LABELS[c.resourcePolicy] : undefined,
    ...(c.identityPolicies ?? []).map((p) => (p === 'permissions' ? 'role permissions' : `IAM: ${p}`)),
  ]
    .filter((x) => x !== undefined)
    .join(' + ');
  const principal = c.principal === ROLE_SESSION ? 'automation role' : c.principal;
  return [c.id, c.setup, policy, principal, c.action, c.resource, c.condition, c.verdict].map((cell) =>
    cell.replace(/\|/g, '\\|'),
  );
}

/** The docs table as markdown, header included. */
export function renderTable(cases: readonly PolicyCase[] = POLICY_CASES): string {
  const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [row(TABLE_COLUMNS), row(TABLE_COLUMNS.map(() => '---')), ...cases.map((c) => row(tableCells(c)))].join('\n');
}
