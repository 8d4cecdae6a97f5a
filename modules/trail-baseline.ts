/**
 * The trail baseline, defined once. The `aws_cloudtrail` resource (modules/trail.ts), the remediation configuration's
 * runbook parameters (`trailRemediationParameters`) and the fast path's input (`fastPathParametersFrom` of those
 * parameters) are all rendered from it, and a test compares the three in every synthesized example stack.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html
 */

/** The fixed settings of every guarded trail. */
export interface TrailBaselineSettings {
  /** The trail logs every Region. */
  readonly isMultiRegionTrail: true;
  /** The trail logs events of global services such as IAM (required with multi-Region). */
  readonly includeGlobalServiceEvents: true;
  /** CloudTrail writes digest files, so log files can be validated. */
  readonly enableLogFileValidation: true;
  /** Read and write management events, with no excluded event source (the runbook restores exactly this). */
  readonly managementEvents: { readonly readWriteType: 'All'; readonly includeManagementEvents: true };
}

/** The baseline: multi-Region, global service events, log file validation, all management events. */
export const TRAIL_BASELINE: TrailBaselineSettings = Object.freeze({
  isMultiRegionTrail: true,
  includeGlobalServiceEvents: true,
  enableLogFileValidation: true,
  managementEvents: Object.freeze({ readWriteType: 'All', includeManagementEvents: true }),
});
