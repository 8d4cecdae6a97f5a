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
  readonly logBucket: LogBucketConfig;
  readonly kmsKey: KmsKeyConfig;
  readonly configRule: ConfigRuleConfig;
  readonly remediation: RemediationConfig;
  /** The role SSM Automation assumes: `cloudtrail-guard-automation-<homeRegion>` and its ARN. */
  readonly automationRole: { readonly name: string; readonly arn: string };
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
   * The tamper-prevention SCP, from the whole file (before any selection), created in the management account's stack.
   * `trailArns`: one `arn:<p>:cloudtrail:*:*:trail/<name>` per distinct guarded trail name, so the SCP covers each
   * account's own trail as well as the organization trail. `exemptRoleArns`: the break-glass roles, the deployment
   * roles (Terraform creates and updates the trails) and the automation role of every account (the runbook calls
   * UpdateTrail and PutEventSelectors).
   */
  readonly tamperProtection?: {
    /** Roots (`r-...`), OUs (`ou-...`) or account IDs the SCP is attached to. */
    readonly targetIds: readonly string[];
    readonly trailArns: readonly string[];
    readonly exemptRoleArns: readonly string[];
    /** May change the guard's own roles, runbook and fast-path rule: the break-glass and deployment roles. */
    readonly guardAdminRoleArns: readonly string[];
  };
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
  /** One entry per (account, home Region), in file order; at least one. */
  readonly accounts: readonly AccountConfig[];
}
