/**
 * The configuration file's schema (zod). The same schema ships as JSON Schema in
 * `schema/cloudtrail-guard.schema.json` (`npm run schema`), so editors complete and check the file.
 *
 * Field rules come from the AWS API references cited beside each field.
 */
import { z } from 'zod';
import { isKnownRegion, partitionOf } from './regions';

/** A zod schema for an integer from `min` to `max` inclusive, with a message that names both bounds. */
export const intBetween = (min: number, max: number) =>
  z
    .int()
    .min(min, { error: `an integer from ${min} to ${max}` })
    .max(max, { error: `an integer from ${min} to ${max}` });

/**
 * A regular expression that matches `word` in any case (`aws:` → `[aA][wW][sS]:`), for the lookaheads below: JSON
 * Schema patterns take no flags, so `/i` would be lost in `schema/cloudtrail-guard.schema.json`.
 */
const anyCase = (word: string): string =>
  [...word].map((c) => (c.toLowerCase() !== c.toUpperCase() ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('');

/**
 * The words that a missing value turns into when it is written into text (`${undefined}`). The product never builds an
 * ARN with such a segment (config/arn.ts), so that a bug can never hide as a valid-looking name; names that would put
 * one into an ARN are refused here, with the field's path, instead of failing later.
 */
export const PLACEHOLDER_WORDS = ['undefined', 'null', 'NaN'] as const;
const PLACEHOLDER = PLACEHOLDER_WORDS.join('|');
const placeholderRule = (what: string): string =>
  `${what} other than ${PLACEHOLDER_WORDS.join(', ')}: the product never builds an ARN with such a segment, which is what a missing value looks like`;

/**
 * Every rule of the schema is written as a regular expression, never as a refinement, so that the JSON Schema
 * generated from it (tools/write-schema.ts) checks exactly what the loader checks (JSON Schema `pattern`s are
 * ECMA-262 regular expressions: lookaheads work, flags do not).
 */

/** 12 digits. https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html */
export const AccountId = z.string().regex(/^\d{12}$/, { error: 'an AWS account ID is exactly 12 digits, as a quoted string' });

/** The partitions whose Regions the product deploys to. */
export const SUPPORTED_PARTITIONS: readonly string[] = ['aws', 'aws-cn', 'aws-us-gov'];

/**
 * A Region that the AWS SDK's partition data names, in the `aws`, `aws-cn` or `aws-us-gov` partition. (The JSON Schema
 * lists them as an `enum`, from the same SDK data: tools/write-schema.ts.)
 * @see https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
 */
export const Region = z.string().refine((r) => isKnownRegion(r) && SUPPORTED_PARTITIONS.includes(partitionOf(r)), {
  error: (issue) =>
    isKnownRegion(issue.input) ? 'a Region in the aws, aws-cn or aws-us-gov partition' : 'a known AWS Region such as us-east-1',
});

/**
 * S3 general purpose bucket naming rules, with the reserved prefixes and suffixes, and the suffix of buckets in an
 * account regional namespace (`-<account>-<region>-an`), which the AWS provider this product pins cannot create.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/gpbucketnamespaces.html
 */
export const BucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
    error: 'an S3 bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, beginning and ending with a letter or digit',
  })
  .regex(/^(?!.*\.\.)(?!.*\.-)(?!.*-\.)/, { error: 'an S3 bucket name has no two adjacent periods and no period beside a hyphen' })
  .regex(/^(?!\d+\.\d+\.\d+\.\d+$)/, { error: 'an S3 bucket name is not formatted as an IP address' })
  .regex(/^(?!xn--|sthree-|amzn-s3-demo-)/, {
    error: 'an S3 bucket name does not begin with the reserved prefixes xn--, sthree- or amzn-s3-demo-',
  })
  .regex(/^(?!.*(?:-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$)/, {
    error: 'an S3 bucket name does not end with the reserved suffixes -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3',
  })
  .regex(/^(?!.*-\d{12}-[a-z]{2}(?:-[a-z]+)+-\d+-an$)/, {
    error:
      'an S3 bucket name does not end with -<account>-<region>-an, the suffix S3 reserves for buckets in an account regional namespace',
  })
  .regex(new RegExp(`^(?!(?:${PLACEHOLDER})$)`), { error: placeholderRule('a bucket name') });

/**
 * CloudTrail S3 key prefix: at most 200 characters of S3's safe key characters, no `//`, no `.`/`..` segment.
 * One leading and one trailing `/` are dropped. https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
 */
export const S3KeyPrefix = z
  .string()
  .max(200, { error: 'an S3 key prefix is at most 200 characters' })
  .regex(/^[A-Za-z0-9!_.*'()/-]*$/, {
    error: "an S3 key prefix uses only S3's safe characters: letters, digits, and ! _ . * ' ( ) / -",
  })
  .regex(/^(?!.*\/\/)/, { error: 'an S3 key prefix has no empty segment (//)' })
  .regex(/^(?!(?:.*\/)?\.\.?(?:\/|$))/, { error: 'an S3 key prefix has no . or .. segment' })
  .regex(/^[^*]*$/, { error: 'an S3 key prefix has no * (it would be a wildcard in the bucket policy)' })
  .regex(/^(?!(?:.*\/)?AWSLogs(?:\/|$))/, {
    error: 'an S3 key prefix has no AWSLogs segment (CloudTrail adds AWSLogs/<account>/ itself)',
  })
  .regex(new RegExp(`^(?!(?:.*/)?(?:${PLACEHOLDER})(?:/|$))`), { error: placeholderRule('each segment of an S3 key prefix') });

/**
 * Trail name rules. https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html#awscloudtrail-CreateTrail-request-Name
 */
export const TrailName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/, {
    error:
      'a trail name: 3 to 128 letters, digits, periods, underscores and hyphens, beginning and ending with a letter or digit',
  })
  .regex(/^(?!.*[._-]{2})/, { error: 'a trail name has no adjacent periods, underscores or hyphens' })
  .regex(/^(?!\d+\.\d+\.\d+\.\d+$)/, { error: 'a trail name is not formatted as an IP address' })
  .regex(new RegExp(`^(?!(?:${PLACEHOLDER})$)`), { error: placeholderRule('a trail name') });

/**
 * KMS alias rules. AWS reserves `alias/aws/`; the trail key construct refuses that prefix in any case
 * (`alias/AWS/x` too), and so does this, so that no file passes here and fails in the construct.
 * @see https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html
 */
export const KmsAlias = z
  .string()
  .regex(/^alias\/[A-Za-z0-9/_-]{1,250}$/, {
    error: 'a KMS alias: alias/ followed by 1 to 250 letters, digits, /, _ and -',
  })
  .regex(new RegExp(`^(?!alias/${anyCase('aws/')})`), {
    error: 'the alias/aws/ prefix (in any case) is reserved for AWS managed keys',
  })
  .regex(new RegExp(`^(?!.*/(?:${PLACEHOLDER})(?:/|$))`), { error: placeholderRule('each segment of a KMS alias') });

/**
 * A KMS key ARN (not an alias, not a key ID): CloudTrail's `KmsKeyId` also takes aliases, but the product passes key
 * ARNs only (FC-07).
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id-key-ARN
 */
export const KmsKeyArn = z.string().regex(/^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/, {
  error: 'a KMS key ARN: arn:<partition>:kms:<region>:<account>:key/<key-id>, the key ID a lower-case UUID or mrk-<32 hex> (an alias or bare key ID is not accepted)',
});

/**
 * An IAM role ARN: `arn:<partition>:iam::<account>:role/<path><name>`, the name 1 to 64 characters, the path (with its
 * leading and trailing `/`) at most 512, the ARN at most 2048.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
 * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (Path: 1 to 512 characters; RoleName: 1 to 64)
 */
export const IamRoleArn = z
  .string()
  .max(2048, { error: 'an IAM role ARN is at most 2048 characters' })
  .regex(/^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/, {
    error: 'an IAM role ARN: arn:<aws|aws-cn|aws-us-gov>:iam::<account>:role/<path/><name>, the name 1 to 64 of letters, digits and + = , . @ _ -',
  })
  // After `role/`: the path without its leading `/` (at most 511 characters, ending in `/`), then the name.
  .regex(/^[^/]*\/(?:[\s\S]{0,510}\/)?[^/]*$/, { error: 'an IAM role path (between role/ and the name) of at most 512 characters' })
  .regex(new RegExp(`^(?!.*/(?:${PLACEHOLDER})(?:/|$))`), { error: placeholderRule('a role name and each role path segment') });

/**
 * An IAM principal that may read logs: a role, a user (each with an optional path) or an account root.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
 */
export const IamPrincipalArn = z
  .string()
  .max(2048, { error: 'an IAM principal ARN is at most 2048 characters' })
  .regex(/^arn:aws(-cn|-us-gov)?:iam::\d{12}:(root|(role|user)\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64})$/, {
    error: 'an IAM role, user or root ARN: arn:<aws|aws-cn|aws-us-gov>:iam::<account>:role/<path/><name>, user/<path/><name> or root',
  })
  .regex(new RegExp(`^(?!.*/(?:${PLACEHOLDER})(?:/|$))`), { error: placeholderRule('a name and each path segment') });

/**
 * A role ARN pattern for the tamper SCP's `aws:PrincipalArn` (`ArnNotLike`): `*` for any account, and `*` or `?` as
 * wildcards in the path and name, which must begin with a literal character (a leading wildcard would exempt every
 * role). Examples: `arn:aws:iam::*:role/cloudtrail-guard-deployer`, `arn:aws:iam::*:role/break-glass/*`.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 */
export const IamRoleArnPattern = z
  .string()
  .max(2048, { error: 'a role ARN pattern is at most 2048 characters' })
  .regex(/^arn:aws(-cn|-us-gov)?:iam::(\d{12}|\*):role\/[\w+=,.@-][\w+=,.@/*?-]{0,511}$/, {
    error:
      'a role ARN pattern: arn:<aws|aws-cn|aws-us-gov>:iam::<account or *>:role/<path/name>, * and ? as wildcards, the path or name beginning with a letter, digit or + = , . @ _ -',
  })
  .regex(/^(?!.*\/\/)/, { error: 'a role ARN pattern has no empty path segment (//)' })
  .regex(new RegExp(`^(?!.*/(?:${PLACEHOLDER})(?:/|$))`), { error: placeholderRule('a role name and each role path segment') });

/** AWS Organizations ID. https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html */
export const OrganizationId = z.string().regex(/^o-[a-z0-9]{10,32}$/, {
  error: 'an organization ID: o- followed by 10 to 32 lower-case letters or digits',
});

/** Config rule frequencies. https://docs.aws.amazon.com/config/latest/APIReference/API_ConfigRule.html */
export const MaximumExecutionFrequency = z.enum(['One_Hour', 'Three_Hours', 'Six_Hours', 'Twelve_Hours', 'TwentyFour_Hours']);

/**
 * Tags a config may set on one account, after merging: AWS allows 50, and every stack adds 3 of its own.
 * @see https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
 */
export const MAX_CONFIG_TAGS = 47;

/**
 * Resource tags: AWS's own key and value patterns, with `\p{Zs}` (space separators) where AWS writes `\p{Z}`, so that
 * the invisible line and paragraph separators U+2028 and U+2029 are refused; the reserved prefixes `aws:` and the
 * product's own `cloudtrail-guard:` in any case; and the key `__proto__`, which a JavaScript object cannot hold as data.
 * @see https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
 * @see https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_TagResources.html
 */
export const Tags = z
  .record(
    z
      .string()
      .regex(/^[\p{L}\p{Zs}\p{N}_.:/=+\-@]{1,128}$/u, { error: 'a tag key: 1 to 128 letters, digits, spaces and _ . : / = + - @' })
      .regex(new RegExp(`^(?!${anyCase('aws:')})`), { error: 'the aws: tag prefix is reserved' })
      .regex(new RegExp(`^(?!${anyCase('cloudtrail-guard:')})`), {
        error: "the cloudtrail-guard: tag prefix is the product's own (estate, stack, managed-by)",
      })
      .regex(/^(?!__proto__$)/, { error: 'a tag key other than __proto__ (a JavaScript object cannot hold it as data)' }),
    z.string().regex(/^[\p{L}\p{Zs}\p{N}_.:/=+\-@]{0,256}$/u, { error: 'a tag value: up to 256 letters, digits, spaces and _ . : / = + - @' }),
  )
  .refine((t) => Object.keys(t).length <= MAX_CONFIG_TAGS, {
    error: `at most ${MAX_CONFIG_TAGS} tags (AWS allows 50; the product adds 3 of its own)`,
  })
  .meta({ maxProperties: MAX_CONFIG_TAGS });

/** Retention periods that CloudWatch Logs accepts. https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html */
export const RETENTION_DAYS: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/**
 * SNS topic names: 1 to 256 letters, digits, `_` and `-` (a standard topic; FIFO topics end in `.fifo`, which the
 * trail's notifications cannot use). https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html
 */
export const TopicName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,256}$/, { error: 'an SNS topic name: 1 to 256 letters, digits, _ and -' })
  .regex(new RegExp(`^(?!(?:${PLACEHOLDER})$)`), { error: placeholderRule('a topic name') });

/**
 * CloudWatch Logs log group names: 1 to 512 of letters, digits, `_ - / . #`, not beginning with `aws/`.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
 */
export const LogGroupName = z
  .string()
  .regex(/^[\w.\-/#]{1,512}$/, { error: 'a log group name: 1 to 512 of letters, digits, _ - / . #' })
  .regex(/^(?!aws\/)/, { error: 'a log group name does not begin with aws/ (reserved for AWS)' })
  .regex(new RegExp(`^(?!(?:.*/)?(?:${PLACEHOLDER})(?:/|$))`), { error: placeholderRule('each segment of a log group name') });

/**
 * A local folder path as Terraform's local backend takes it: 1 to 1024 characters, no control or invisible
 * characters, and no `${` or `%{`: Terraform's JSON syntax and cdktf read those as expressions and tokens, and the
 * path is taken literally (environment variables are not expanded).
 * @see https://developer.hashicorp.com/terraform/language/syntax/json#expression-mapping
 */
export const FolderPath = z
  .string()
  .regex(/^[^\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}\uFFFD]{1,1024}$/u, {
    error: 'a folder path: 1 to 1024 characters, no control or invisible characters',
  })
  .regex(/^(?!.*[$%]\{)/, {
    error: 'a literal folder path without ${ or %{ (Terraform and cdktf would read them as expressions; nothing is expanded)',
  });

/** Settings of one account's trail. */
export const TrailSettings = z.strictObject({
  /** @default 'cloudtrail-guard' */
  name: TrailName.optional(),
  /** Create the trail with Terraform too (the runbook restores it either way). @default true */
  manage: z.boolean().optional(),
  /** Organization trail; only in the management account's stack, with `organization` set. @default false */
  isOrganizationTrail: z.boolean().optional(),
  /** SNS topic (created in the stack) notified of each log file delivery. @default none */
  snsTopicName: TopicName.optional(),
  /** CloudWatch Logs delivery (log group and role created in the stack). @default none */
  cloudWatchLogs: z
    .strictObject({
      /** @default '/aws/cloudtrail/<trail>' */
      logGroupName: LogGroupName.optional(),
      /** @default 365 */
      retentionInDays: z
        .literal(RETENTION_DAYS as [number, ...number[]], { error: `one of ${RETENTION_DAYS.join(', ')} (CloudWatch Logs retention days)` })
        .optional(),
    })
    .optional(),
});

/** Settings of one account's log bucket. */
export const LogBucketSettings = z.strictObject({
  /** @default 'cloudtrail-guard-logs-<account>-<region>' */
  name: BucketName.optional(),
  /** @default '' (no prefix) */
  s3KeyPrefix: S3KeyPrefix.optional(),
});

/** Settings of one account's trail key. */
export const KmsKeySettings = z.strictObject({
  /** @default 'alias/cloudtrail-guard' */
  alias: KmsAlias.optional(),
  /** 7 to 30 days. @default 30 */
  deletionWindowInDays: intBetween(7, 30).optional(),
  /**
   * Use this existing key (in the home Region) instead of creating one; its key policy is then yours to keep.
   * @default none (the stack creates the key)
   */
  existingKeyArn: KmsKeyArn.optional(),
});

/** Settings of the cloudtrail-enabled rule. */
export const ConfigRuleSettings = z.strictObject({
  /** @default 'One_Hour' */
  maximumExecutionFrequency: MaximumExecutionFrequency.optional(),
  /**
   * `existing`: the account already records with AWS Config (required before a rule can be created).
   * `create`: the stack creates and starts a configuration recorder and delivery channel.
   * @default 'existing'
   */
  recorder: z.enum(['existing', 'create']).optional(),
  /**
   * With `recorder: create`: also create AWS Config's service-linked role (AWSServiceRoleForConfig). Set false where
   * the role exists already (any account that has used AWS Config), or CreateServiceLinkedRole fails.
   * @default true
   */
  createServiceLinkedRole: z.boolean().optional(),
});

/** Settings of the remediation configuration. https://docs.aws.amazon.com/config/latest/APIReference/API_RemediationConfiguration.html */
export const RemediationSettings = z.strictObject({
  /** 1 to 25. @default 5 */
  maximumAutomaticAttempts: intBetween(1, 25).optional(),
  /** 1 to 2678000 seconds. @default 60 */
  retryAttemptSeconds: intBetween(1, 2678000).optional(),
  /** 1 to 100 percent. @default 10 */
  concurrentExecutionRatePercentage: intBetween(1, 100).optional(),
  /** 1 to 100 percent. @default 10 */
  errorPercentage: intBetween(1, 100).optional(),
  /**
   * Fast path: an EventBridge rule starts the runbook within a minute of StopLogging, DeleteTrail, UpdateTrail,
   * PutEventSelectors or PutInsightSelectors on the trail, instead of waiting for the periodic rule.
   * @default true
   */
  fastPath: z.boolean().optional(),
});

/** Where an account's trail delivers its logs. */
export const LogDestination = z.enum(['own', 'archive']);

/**
 * S3 Lifecycle storage classes a transition may move log objects to.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
 */
export const LIFECYCLE_STORAGE_CLASSES = ['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'] as const;

/** A number of days for S3 Lifecycle and Object Lock: 1 to 36500 (100 years). */
const Days = intBetween(1, 36500);

/**
 * `logArchive:`, the central log archive (issue #11): a stack of its own in this account and Region, with the archive
 * bucket, its access-log bucket and the archive key, that the trails of `logDestination: archive` deliver to.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-receive-logs-from-multiple-accounts.html
 * @see https://docs.aws.amazon.com/prescriptive-guidance/latest/security-reference-architecture/log-archive.html
 */
export const LogArchiveInput = z.strictObject({
  /** The log-archive account. */
  accountId: AccountId,
  /** The Region of the bucket and the key (CloudTrail needs the key in the bucket's Region). */
  region: Region,
  /** Role Terraform assumes in the log-archive account; it alone (with break-glass) may change the bucket and key policies. */
  deploymentRoleArn: IamRoleArn,
  /** Key prefix of every trail that delivers here. @default '' (no prefix) */
  s3KeyPrefix: S3KeyPrefix.optional(),
  /** The only roles that may delete log objects, disable the key or schedule its deletion. At least one. */
  breakGlassRoleArns: z.array(IamRoleArn).min(1, { error: 'at least one break-glass role' }),
  /** Principals of the log-archive account that may decrypt logs (through S3). @default [] */
  logReaderArns: z.array(IamPrincipalArn).optional(),
  /**
   * S3 Object Lock default retention (only when the bucket is created).
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
   * @default none
   */
  objectLock: z
    .strictObject({
      mode: z.enum(['GOVERNANCE', 'COMPLIANCE']),
      retentionDays: Days,
    })
    .optional(),
  /**
   * Lifecycle of the archive's objects; every default keeps every log.
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html
   */
  lifecycle: z
    .strictObject({
      /** Transitions of current versions, in increasing days. @default [] */
      transitions: z
        .array(z.strictObject({ days: intBetween(0, 36500), storageClass: z.enum(LIFECYCLE_STORAGE_CLASSES) }))
        .optional(),
      /** Days after which current versions expire (become noncurrent). @default never */
      expirationDays: Days.optional(),
      /** Days after which noncurrent versions are removed. @default never */
      noncurrentVersionExpirationDays: Days.optional(),
      /** Days after which incomplete multipart uploads are aborted. @default 7 */
      abortIncompleteMultipartUploadDays: Days.optional(),
    })
    .optional(),
  /** Days after which server access logs expire in the access-log bucket. @default never */
  accessLogExpirationDays: Days.optional(),
  /**
   * The archive key: created in the log-archive account (the default), created in another (security) account of the
   * same Region (`accountId` and `deploymentRoleArn`), or an existing key (`existingKeyArn`), whose policy is yours.
   */
  kmsKey: z
    .strictObject({
      /** @default logArchive.accountId */
      accountId: AccountId.optional(),
      /** Role Terraform assumes in `accountId`, when that is another account. @default none */
      deploymentRoleArn: IamRoleArn.optional(),
      /** Use this key (in `region`); create none. @default none */
      existingKeyArn: KmsKeyArn.optional(),
    })
    .optional(),
  /** Tags on every resource of the log-archive stack. @default none */
  tags: Tags.optional(),
});

/** The settings an account may take; also the shape of `defaults`. */
const AccountSettingsShape = {
  /** Role that Terraform assumes to deploy into the account. @default none (use the caller's credentials) */
  deploymentRoleArn: IamRoleArn.optional(),
  trail: TrailSettings.optional(),
  logBucket: LogBucketSettings.optional(),
  kmsKey: KmsKeySettings.optional(),
  configRule: ConfigRuleSettings.optional(),
  remediation: RemediationSettings.optional(),
  tags: Tags.optional(),
  /**
   * Where the trail delivers: `own` (the stack's own log bucket and key) or `archive` (the central log archive of
   * `logArchive`, across accounts; the stack creates no bucket and no key).
   * @default 'own'
   */
  logDestination: LogDestination.optional(),
};

/**
 * `defaults:`, merged under every account's own settings. Per-account names are left out: the trail's SNS topic, the
 * log bucket name and an existing key ARN cannot be defaults.
 */
export const AccountDefaults = z.strictObject({
  trail: TrailSettings.omit({ snsTopicName: true }).optional(),
  logBucket: LogBucketSettings.omit({ name: true }).optional(),
  kmsKey: KmsKeySettings.omit({ existingKeyArn: true }).optional(),
  configRule: ConfigRuleSettings.optional(),
  remediation: RemediationSettings.optional(),
  tags: Tags.optional(),
  logDestination: LogDestination.optional(),
});

/** One entry of `accounts:`: one (account, home Region), one stack. */
export const AccountInput = z.strictObject({
  accountId: AccountId,
  /** The trail's home Region; the stack's resources are created there. */
  homeRegion: Region,
  ...AccountSettingsShape,
});

/**
 * `state:`, where Terraform keeps each stack's state: `s3`, `local` or `cloud` (HCP Terraform).
 * @see https://developer.hashicorp.com/terraform/language/backend/s3
 * @see https://developer.hashicorp.com/terraform/language/backend/local
 * @see https://developer.hashicorp.com/terraform/cli/cloud/settings
 */
export const StateInput = z.discriminatedUnion('backend', [
  z.strictObject({
    backend: z.literal('s3'),
    /** The state bucket (it must exist). */
    bucket: BucketName,
    /** The state bucket's Region. */
    region: Region,
    /** Key prefix of the state objects, at most 900 characters. @default 'cloudtrail-guard' */
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/, { error: 'a key prefix: path segments of S3 safe characters, no leading, trailing or double /' })
      .regex(/^(?!(?:.*\/)?\.\.?(?:\/|$))/, { error: 'a key prefix has no . or .. segment (S3 keeps them, but tools that treat keys as paths do not)' })
      .max(900, { error: 'a key prefix of at most 900 characters (S3 keys are at most 1024)' })
      .optional(),
    /** KMS key for the state objects. @default the bucket's default encryption */
    kmsKeyId: KmsKeyArn.optional(),
    /** Role assumed to reach the state bucket. @default none */
    roleArn: IamRoleArn.optional(),
  }),
  z.strictObject({
    backend: z.literal('local'),
    /**
     * Folder of the state files, relative to the folder the app runs in (the project root); never inside the output
     * folder (`cdktf.out`, or CDKTF_OUTDIR), which is build output. @default 'terraform.tfstate.d'
     */
    directory: FolderPath.optional(),
  }),
  z.strictObject({
    backend: z.literal('cloud'),
    /** HCP Terraform organization. */
    organization: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, { error: 'an HCP Terraform organization name: letters, digits, _ and -' }),
    /** HCP Terraform project for the workspaces. @default the organization's default project */
    project: z
      .string()
      .regex(/^[A-Za-z0-9]([A-Za-z0-9 _-]{0,38}[A-Za-z0-9_-])?$/, {
        error: 'an HCP Terraform project name: 1 to 40 letters, digits, spaces, _ and -, not beginning or ending with a space',
      })
      .optional(),
    /** @default 'app.terraform.io' */
    hostname: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/, {
        error: 'a host name such as app.terraform.io',
      })
      .optional(),
    /** Prepended to each stack name to form the workspace name. @default '' */
    workspacePrefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]{0,40}$/, {
        error: 'a workspace name prefix: at most 40 letters, digits, _ and - (workspace names are at most 90 characters)',
      })
      .optional(),
  }),
]);

/** The whole configuration file, as written. */
export const GuardConfigInput = z.strictObject({
  /** Estate name, used in tags. */
  estate: z.string().regex(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, { error: 'an estate name: 3 to 32 lower-case letters, digits and hyphens, starting with a letter' }),
  state: StateInput,
  /** Needed for organization trails. */
  organization: z
    .strictObject({
      id: OrganizationId,
      managementAccountId: AccountId,
      /**
       * Tamper-prevention SCP, created in the management account's stack (guardTamperScp): denies changing the
       * guarded trails, the guard's roles, runbook, rules and EventBridge rule, AWS Config and the log archive to all
       * but roles that patterns exempt; its size does not depend on the number of accounts.
       * @default none (no SCP)
       */
      tamperProtection: z
        .strictObject({
          /** Roots (`r-...`), OUs (`ou-...`) or account IDs the SCP is attached to. */
          targetIds: z
            .array(
              z.string().regex(/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/, {
                error: 'a root ID (r-...), an OU ID (ou-...-...) or a 12-digit account ID',
              }),
            )
            .min(1, { error: 'at least one target' }),
          /**
           * Role ARN patterns of the roles that deploy the stacks (Terraform): exempt from every statement, and the
           * only principals (with break-glass) that may create or change a role these patterns or the guard's IAM
           * path `/cloudtrail-guard/` match. At least one.
           */
          deploymentRolePatterns: z.array(IamRoleArnPattern).min(1, { error: 'at least one deployment role pattern' }),
          /** Role ARN patterns of the break-glass roles, exempt as the deployment roles are. At least one. */
          breakGlassRolePatterns: z.array(IamRoleArnPattern).min(1, { error: 'at least one break-glass role pattern' }),
        })
        .optional(),
    })
    .optional(),
  /** The central log archive. @default none (every account keeps its own bucket and key) */
  logArchive: LogArchiveInput.optional(),
  defaults: AccountDefaults.optional(),
  accounts: z.array(AccountInput).min(1, { error: 'at least one account' }),
});

/** The configuration file as written (before defaults), as TypeScript sees it. */
export type GuardConfigInput = z.input<typeof GuardConfigInput>;
/** One validated `accounts:` entry (before defaults are applied). */
export type AccountInput = z.output<typeof AccountInput>;
