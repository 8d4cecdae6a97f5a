import { formatArn } from '../../config/arn';
import { NAMESPACE } from '../../config/naming';
import { PolicyDocument, policyDocument, policyJson } from './types';

/** The actions that stop or weaken a trail; the SCP denies them on the guarded trails. */
export const TRAIL_TAMPER_ACTIONS = [
  'cloudtrail:StopLogging',
  'cloudtrail:DeleteTrail',
  'cloudtrail:UpdateTrail',
  'cloudtrail:PutEventSelectors',
  'cloudtrail:PutInsightSelectors',
] as const;

/** Maximum size of an SCP document in characters. https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html */
export const SCP_MAX_CHARACTERS = 5120;

/** `arn:<p>:iam::*:role/cloudtrail-guard-automation-*`: the automation role of every account and home Region. */
export const automationRolePattern = (partition: string): string =>
  formatArn({ partition, service: 'iam', region: '', account: '*', resource: `role/${NAMESPACE}-automation-*` });

/** Inputs of {@link trailTamperScp}. */
export interface TrailTamperScpProps {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  /** The guarded trails' ARNs (at least one). */
  readonly trailArns: readonly string[];
  /**
   * Role ARNs (or ARN patterns) still allowed to change the trails, e.g. a break-glass role. The automation role
   * pattern {@link automationRolePattern} is always exempt, so the runbook can repair the trail.
   */
  readonly exemptRoleArns: readonly string[];
}

/**
 * Service control policy for organization mode: denies {@link TRAIL_TAMPER_ACTIONS} on the guarded trails to every
 * principal whose `aws:PrincipalArn` is not like one of the exempt roles. SCPs have no `Principal` element.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_cloudtrail.html
 * @throws Error when `trailArns` is empty, or the document exceeds {@link SCP_MAX_CHARACTERS}.
 */
export function trailTamperScp(p: TrailTamperScpProps): PolicyDocument {
  if (p.trailArns.length === 0) throw new Error('trailTamperScp: trailArns is empty; there is nothing to guard');
  const exempt = [...new Set([automationRolePattern(p.partition), ...p.exemptRoleArns])];
  const doc = policyDocument([
    {
      Sid: 'DenyTrailTampering',
      Effect: 'Deny',
      Action: [...TRAIL_TAMPER_ACTIONS],
      Resource: [...p.trailArns],
      Condition: { ArnNotLike: { 'aws:PrincipalArn': exempt } },
    },
  ]);
  const size = policyJson(doc).length;
  if (size > SCP_MAX_CHARACTERS) throw new Error(`trailTamperScp: ${size} characters exceeds the SCP limit of ${SCP_MAX_CHARACTERS}`);
  return doc;
}
