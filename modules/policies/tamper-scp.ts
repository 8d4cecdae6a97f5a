/**
 * The actions that stop or weaken a trail; the tamper SCP (guard-tamper-scp.ts) denies them on the guarded trails.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudtrail.html
 */
export const TRAIL_TAMPER_ACTIONS = [
  'cloudtrail:StopLogging',
  'cloudtrail:DeleteTrail',
  'cloudtrail:UpdateTrail',
  'cloudtrail:PutEventSelectors',
  'cloudtrail:PutInsightSelectors',
] as const;

/**
 * Maximum size of an SCP document, in characters.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
 */
export const SCP_MAX_CHARACTERS = 5120;

