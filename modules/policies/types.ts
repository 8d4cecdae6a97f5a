/**
 * IAM policy documents as typed data. Every policy that cloudtrail-guard emits (bucket policy, key policy, role
 * policies, SCP) is built as one of these, in one place, and serialised with {@link policyJson}.
 *
 * Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */
import { terraformString } from '../terraform-string';

/** The policy language version; the only one that supports policy variables and all condition operators. */
export type PolicyVersion = '2012-10-17';

/**
 * The `Principal` / `NotPrincipal` element: `'*'` (anyone) or a map of principal type to one or more identifiers.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
export type PolicyPrincipal =
  | '*'
  | {
      readonly AWS?: string | readonly string[];
      readonly Service?: string | readonly string[];
      readonly Federated?: string | readonly string[];
      readonly CanonicalUser?: string | readonly string[];
    };

/**
 * `Condition`: operator (`StringEquals`, `ArnLike`, `Bool`, ...) → condition key → value(s).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
export type PolicyCondition = Record<string, Record<string, string | string[] | boolean>>;

/**
 * One statement. `Sid` is required here (not in IAM) so that tests and reviewers can name every statement.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: PolicyPrincipal;
  readonly NotPrincipal?: PolicyPrincipal;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: PolicyCondition;
}

/**
 * A whole policy document.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */
export interface PolicyDocument {
  readonly Version: PolicyVersion;
  readonly Statement: PolicyStatement[];
}

/**
 * The policy as AWS receives it: `JSON.stringify` keeps insertion order, and every builder in `modules/policies`
 * inserts keys in a fixed order, so the same input always gives byte-identical JSON (no spurious Terraform diffs).
 * Use it to measure a policy against an AWS size quota; hand {@link policyJson} to a resource.
 * @returns compact JSON text
 * @throws Error when two statements share a `Sid` (IAM rejects duplicate Sids in resource policies and SCPs).
 */
export function policyText(doc: PolicyDocument): string {
  const seen = new Set<string>();
  for (const s of doc.Statement) {
    if (seen.has(s.Sid)) throw new Error(`policy has two statements with Sid ${JSON.stringify(s.Sid)}`);
    seen.add(s.Sid);
  }
  return JSON.stringify(doc);
}

/**
 * The policy as a resource attribute of the Terraform JSON: {@link policyText} written with `terraformString`, so that
 * IAM policy variables such as `${aws:SourceAccount}` and any other `${` or `%{` reach AWS literally (Terraform would
 * otherwise read them as its own interpolations and directives), while cdktf tokens that the builders put in (a key
 * ARN, a role ARN) stay Terraform references.
 * @returns the JSON text with `${` written `$${` and `%{` written `%%{` (see modules/terraform-string.ts)
 * @throws Error when two statements share a `Sid` (IAM rejects duplicate Sids in resource policies and SCPs).
 * @see https://developer.hashicorp.com/terraform/language/syntax/json#expression-mapping
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
export function policyJson(doc: PolicyDocument): string {
  return terraformString(policyText(doc));
}

/**
 * Builds a document (Version `2012-10-17`) from statements, dropping `undefined` and `false` entries (optional
 * statements), in the order given. Never throws; duplicate Sids are caught by {@link policyJson}.
 */
export function policyDocument(statements: ReadonlyArray<PolicyStatement | undefined | false>): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements.filter((s): s is PolicyStatement => !!s) };
}

/** The CloudTrail service principal. https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html */
export const CLOUDTRAIL_SERVICE_PRINCIPAL = 'cloudtrail.amazonaws.com';

/** The AWS Config service principal. https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html */
export const CONFIG_SERVICE_PRINCIPAL = 'config.amazonaws.com';

/**
 * The Systems Manager service principal (Automation assumes roles as this).
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-setup-iam.html
 */
export const SSM_SERVICE_PRINCIPAL = 'ssm.amazonaws.com';
