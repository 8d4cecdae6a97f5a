/**
 * The normalised, typed configuration. Built once by `loadConfig`; every later stage trusts it: prefixes are trimmed,
 * defaults applied and ARNs built.
 */

/** How and where remote state is kept. */
export type StateConfig =
  | {
      readonly backend: 's3';
      readonly bucket: string;
      readonly region: string;
      /** No leading or trailing `/`. */
      readonly keyPrefix: string;
      readonly kmsKeyId?: string;
      readonly roleArn?: string;
    }
  | { readonly backend: 'local'; readonly directory: string }
  | {
      readonly backend: 'cloud';
      readonly organization: string;
      readonly project?: string;
      readonly hostname: string;
      readonly workspacePrefix: string;
      readonly tags: readonly string[];
    };

/** The trail settings the runbook enforces; the secure baseline is fixed, not configurable. */
export interface TrailConfig {
  readonly name: string;
  /** `arn:<partition>:cloudtrail:<homeRegion>:<account>:trail/<name>` */
  readonly arn: string;
  /** Terraform creates the trail too (otherwise only the runbook does). */
  readonly manage: boolean;
  readonly isOrganizationTrail: boolean;
  readonly isMultiRegionTrail: true;
  readonly includeGlobalServiceEvents: true;
  readonly enableLogFileValidation: true;
  readonly snsTopicName?: string;
  readonly cloudWatchLogs?: { readonly logGroupName: string; readonly retentionInDays: number };
}

export interface LogBucketConfig {
  readonly name: string;
  readonly arn: string;
  /** Trimmed: no leading or trailing `/`; `''` when there is none. */
  readonly s3KeyPrefix: string;
}

export interface KmsKeyConfig {
  readonly alias: string;
  readonly deletionWindowInDays: number;
  /** When set, the stack uses this key and creates none. */
  readonly existingKeyArn?: string;
}

export interface ConfigRuleConfig {
  readonly name: string;
  readonly maximumExecutionFrequency: 'One_Hour' | 'Three_Hours' | 'Six_Hours' | 'Twelve_Hours' | 'TwentyFour_Hours';
  readonly recorder: 'existing' | 'create';
  /** With `recorder: create`, create AWS Config's service-linked role too. */
  readonly createServiceLinkedRole: boolean;
}

export interface RemediationConfig {
  readonly maximumAutomaticAttempts: number;
  readonly retryAttemptSeconds: number;
  readonly concurrentExecutionRatePercentage: number;
  readonly errorPercentage: number;
  /** EventBridge starts the runbook on CloudTrail API events against the trail. */
  readonly fastPath: boolean;
}

/** One (account, home Region): one stack. */
export interface AccountConfig {
  readonly accountId: string;
  readonly homeRegion: string;
  /** `aws`, `aws-cn` or `aws-us-gov`, from the home Region. */
  readonly partition: string;
  readonly stackName: string;
  readonly deploymentRoleArn?: string;
  readonly trail: TrailConfig;
  readonly logBucket: LogBucketConfig;
  readonly kmsKey: KmsKeyConfig;
  readonly configRule: ConfigRuleConfig;
  readonly remediation: RemediationConfig;
  readonly automationRole: { readonly name: string; readonly arn: string };
  readonly runbook: { readonly documentName: string };
  /** Merged: defaults, then the account's own. */
  readonly tags: Readonly<Record<string, string>>;
}

export interface OrganizationConfig {
  readonly id: string;
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
    readonly targetIds: readonly string[];
    readonly trailArns: readonly string[];
    readonly exemptRoleArns: readonly string[];
    /** May change the guard's own roles, runbook and fast-path rule: the break-glass and deployment roles. */
    readonly guardAdminRoleArns: readonly string[];
  };
}

export interface GuardConfig {
  /** The file it was loaded from. */
  readonly file: string;
  readonly estate: string;
  readonly state: StateConfig;
  readonly organization?: OrganizationConfig;
  readonly accounts: readonly AccountConfig[];
}
