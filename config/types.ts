/**
 * The normalised, typed configuration. Built once by `loadConfig`; every later stage trusts it: prefixes are trimmed,
 * defaults applied and ARNs built.
 */

/**
 * How and where remote state is kept (defaults already applied; see `StateInput` in schema.ts).
 * @see https://developer.hashicorp.com/terraform/language/backend/s3
 * @see https://developer.hashicorp.com/terraform/language/backend/local
 * @see https://developer.hashicorp.com/terraform/cli/cloud/settings
 */
export type StateConfig =
  | {
      readonly backend: 's3';
      /** The state bucket's name. */
      readonly bucket: string;
      /** The state bucket's Region. */
      readonly region: string;
      /** No leading or trailing `/`; `cloudtrail-guard` unless configured. */
      readonly keyPrefix: string;
      /** KMS key ARN for the state objects; unset: the bucket's default encryption. */
      readonly kmsKeyId?: string;
      /** Role assumed to reach the state bucket; unset: the caller's credentials. */
      readonly roleArn?: string;
    }
  | {
      readonly backend: 'local';
      /** Folder of the state files (one `<stackName>.tfstate` each); `terraform.tfstate.d` unless configured. */
      readonly directory: string;
    }
  | {
      readonly backend: 'cloud';
      /** HCP Terraform organization. */
      readonly organization: string;
      /** HCP Terraform project; unset: the organization's default project. */
      readonly project?: string;
      /** `app.terraform.io` unless configured. */
      readonly hostname: string;
      /** Prepended to each stack name to form its workspace name; `''` unless configured. */
      readonly workspacePrefix: string;
    };

/** The trail settings the runbook enforces; the secure baseline is fixed, not configurable. */
export interface TrailConfig {
  /** The trail name (3 to 128 characters). */
  readonly name: string;
  /** `arn:<partition>:cloudtrail:<homeRegion>:<account>:trail/<name>` */
  readonly arn: string;
  /** Terraform creates the trail too (otherwise only the runbook does). */
  readonly manage: boolean;
  /** An organization trail (only in the management account's stack). */
  readonly isOrganizationTrail: boolean;
  /** Always true (fixed baseline). */
  readonly isMultiRegionTrail: true;
  /** Always true (fixed baseline). */
  readonly includeGlobalServiceEvents: true;
  /** Always true (fixed baseline). */
  readonly enableLogFileValidation: true;
  /** SNS topic notified of each log file delivery; unset: none. */
  readonly snsTopicName?: string;
  /**
   * CloudWatch Logs delivery; unset: none. `retentionInDays` is in days, one of the values CloudWatch Logs accepts.
   */
  readonly cloudWatchLogs?: { readonly logGroupName: string; readonly retentionInDays: number };
}

/** The trail's log bucket. */
export interface LogBucketConfig {
  /** The bucket name (3 to 63 characters). */
  readonly name: string;
  /** `arn:<partition>:s3:::<name>` */
  readonly arn: string;
  /** Trimmed: no leading or trailing `/`; `''` when there is none. */
  readonly s3KeyPrefix: string;
}

/** The trail's KMS key. */
export interface KmsKeyConfig {
  /** `alias/<name>`. */
  readonly alias: string;
  /** Waiting period before a scheduled key deletion, in days (7 to 30). */
  readonly deletionWindowInDays: number;
  /** When set, the stack uses this key and creates none. */
  readonly existingKeyArn?: string;
  /**
   * With `logDestination: archive`: the archive key, read by its alias ARN (`data "aws_kms_key"`), or its ARN when
   * the configuration gives it (`logArchive.kmsKey.existingKeyArn`). The stack creates no key then.
   */
  readonly archive?: { readonly aliasArn: string; readonly keyArn?: string };
}

/** The `cloudtrail-enabled` AWS Config rule. */
export interface ConfigRuleConfig {
  /** Always `cloudtrail-enabled` (CONFIG_RULE_NAME). */
  readonly name: string;
  /** How often the periodic rule runs. */
  readonly maximumExecutionFrequency: 'One_Hour' | 'Three_Hours' | 'Six_Hours' | 'Twelve_Hours' | 'TwentyFour_Hours';
  /** `existing`: the account already records with AWS Config; `create`: the stack creates a recorder. */
  readonly recorder: 'existing' | 'create';
  /** With `recorder: create`, create AWS Config's service-linked role too. */
  readonly createServiceLinkedRole: boolean;
}

/**
 * The remediation configuration's settings.
 * @see https://docs.aws.amazon.com/config/latest/APIReference/API_RemediationConfiguration.html
 */
export interface RemediationConfig {
  /** Attempts within `retryAttemptSeconds` (1 to 25). */
  readonly maximumAutomaticAttempts: number;
  /** Window for the attempts, in seconds (1 to 2678000). */
  readonly retryAttemptSeconds: number;
  /** Percent of non-compliant resources remediated at once (1 to 100). */
  readonly concurrentExecutionRatePercentage: number;
  /** Percent of failed remediations after which AWS Config stops (1 to 100). */
  readonly errorPercentage: number;
  /** EventBridge starts the runbook on CloudTrail API events against the trail. */
  readonly fastPath: boolean;
}

/** One (account, home Region): one stack. */
export interface AccountConfig {
  /** 12 digits. */
  readonly accountId: string;
  /** The trail's home Region, where the stack's resources live. */
  readonly homeRegion: string;
  /** `aws`, `aws-cn` or `aws-us-gov`, from the home Region. */
  readonly partition: string;
  /** `cloudtrail-guard-<accountId>-<homeRegion>`. */
  readonly stackName: string;
  /** Role Terraform assumes in the account; unset: the caller's credentials. */
  readonly deploymentRoleArn?: string;
  readonly trail: TrailConfig;
  /**
   * Where the trail delivers: `own` (the stack's log bucket and key) or `archive` (the central log archive:
   * `logBucket` is then the archive bucket and its prefix, and the stack creates no bucket and no key).
   */
  readonly logDestination: 'own' | 'archive';
  /**
   * A member account covered by the organization trail that delivers to the log archive: its stack only detects
   * (the `cloudtrail-enabled` rule); no trail, bucket, key, role, runbook or remediation.
   */
  readonly detectionOnly: boolean;
  /** The bucket the trail delivers to: its own, or with `logDestination: archive` the archive bucket. */
  readonly logBucket: LogBucketConfig;
  readonly kmsKey: KmsKeyConfig;
  readonly configRule: ConfigRuleConfig;
  readonly remediation: RemediationConfig;
  /**
   * The role SSM Automation assumes: `cloudtrail-guard-automation-<homeRegion>`, on the guard's IAM path
   * `/cloudtrail-guard/`, and its ARN (`arn:<p>:iam::<account>:role/cloudtrail-guard/<name>`).
   */
  readonly automationRole: { readonly name: string; readonly path: string; readonly arn: string };
  /** The runbook's SSM document name. */
  readonly runbook: { readonly documentName: string };
  /** Merged: defaults, then the account's own. */
  readonly tags: Readonly<Record<string, string>>;
}

/** The AWS Organizations settings (needed for organization trails and the tamper-prevention SCP). */
export interface OrganizationConfig {
  /** `o-` followed by 10 to 32 lower-case letters or digits. */
  readonly id: string;
  /** 12 digits. */
  readonly managementAccountId: string;
  /** Every other account in the configuration file (before any selection). */
  readonly memberAccountIds: readonly string[];
  /**
   * The tamper-prevention SCP (guardTamperScp), from the whole file (before any selection), created in the management
   * account's stack. It exempts roles by pattern (the guard's IAM path, the deployment and break-glass patterns), so
   * its size does not depend on the number of accounts.
   */
  readonly tamperProtection?: {
    /** Roots (`r-...`), OUs (`ou-...`) or account IDs the SCP is attached to. */
    readonly targetIds: readonly string[];
    /** Every distinct guarded trail name (the SCP denies changing `arn:<p>:cloudtrail:*:*:trail/<name>`). */
    readonly trailNames: readonly string[];
    /** Role ARN patterns of the deployment roles (exempt, and the only ones with break-glass that change the guard). */
    readonly deploymentRolePatterns: readonly string[];
    /** Role ARN patterns of the break-glass roles. */
    readonly breakGlassRolePatterns: readonly string[];
  };
}

/**
 * The central log archive (`logArchive:`), normalised: names built (modules/log-archive-naming.ts), defaults applied,
 * and what it serves worked out from the whole file (before any selection).
 */
export interface LogArchiveConfig {
  /** The log-archive account (12 digits). */
  readonly accountId: string;
  /** The Region of the archive bucket and key. */
  readonly region: string;
  /** `aws`, `aws-cn` or `aws-us-gov`, from `region`. */
  readonly partition: string;
  /** `cloudtrail-guard-log-archive-<account>-<region>`. */
  readonly stackName: string;
  /** Role Terraform assumes in the log-archive account. */
  readonly deploymentRoleArn: string;
  /** The archive bucket: `cloudtrail-guard-archive-<account>-<region>`, and its ARN. */
  readonly bucket: { readonly name: string; readonly arn: string };
  /** The access-log bucket: `cloudtrail-guard-archive-access-<account>-<region>`. */
  readonly accessLogBucketName: string;
  /** Trimmed: no leading or trailing `/`; `''` when there is none. */
  readonly s3KeyPrefix: string;
  /** Exact role ARNs; at least one. */
  readonly breakGlassRoleArns: readonly string[];
  /** Exact principal ARNs; possibly none. */
  readonly logReaderArns: readonly string[];
  /** Object Lock default retention, in days; unset: no Object Lock. */
  readonly objectLock?: { readonly mode: 'GOVERNANCE' | 'COMPLIANCE'; readonly retentionDays: number };
  /** Lifecycle of the archive, days as configured (`abortIncompleteMultipartUploadDays` 7 unless configured). */
  readonly lifecycle: {
    readonly transitions: ReadonlyArray<{
      readonly days: number;
      readonly storageClass: 'STANDARD_IA' | 'ONEZONE_IA' | 'INTELLIGENT_TIERING' | 'GLACIER_IR' | 'GLACIER' | 'DEEP_ARCHIVE';
    }>;
    readonly expirationDays?: number;
    readonly noncurrentVersionExpirationDays?: number;
    readonly abortIncompleteMultipartUploadDays: number;
  };
  /** Days after which server access logs expire; unset: never. */
  readonly accessLogExpirationDays?: number;
  /**
   * The archive key. `accountId`: where it lives (the log-archive account unless configured); `deploymentRoleArn`: the
   * role that applies it there (in the log-archive account, `deploymentRoleArn` above); `existingKeyArn`: a key of
   * yours, none created; `alias` and `aliasArn`: how every other stack finds it.
   */
  readonly kmsKey: {
    readonly accountId: string;
    readonly deploymentRoleArn: string;
    readonly existingKeyArn?: string;
    readonly alias: string;
    readonly aliasArn: string;
  };
  /** The organization trail that delivers here (its management account's stack), if any. */
  readonly organizationTrail?: { readonly trailArn: string; readonly organizationId: string };
  /**
   * The accounts whose own trails deliver here: the whole organization (when the file has one) or exactly the listed
   * accounts with `logDestination: archive`; unset when only the organization trail delivers.
   */
  readonly served?:
    | { readonly organizationId: string; readonly organizationalUnitPaths?: readonly string[] }
    | { readonly accountIds: readonly string[] };
  /** The distinct trail names of the served accounts' own trails. */
  readonly accountTrailNames: readonly string[];
  /** The configured tags (standard tags are added by the stack). */
  readonly tags: Readonly<Record<string, string>>;
}

/** The whole normalised configuration, as `loadConfig` returns it. */
export interface GuardConfig {
  /** The file it was loaded from. */
  readonly file: string;
  /** Estate name (3 to 32 characters), used in tags. */
  readonly estate: string;
  readonly state: StateConfig;
  /** Unset when the file has no `organization`. */
  readonly organization?: OrganizationConfig;
  /** Unset when the file has no `logArchive`. */
  readonly logArchive?: LogArchiveConfig;
  /**
   * False when an account selection (config/select.ts) leaves the log-archive stack out; the other stacks still
   * compute its names from `logArchive`.
   * @default true
   */
  readonly logArchiveSelected?: boolean;
  /** One entry per (account, home Region), in file order; at least one. */
  readonly accounts: readonly AccountConfig[];
}
