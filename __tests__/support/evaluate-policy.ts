/**
 * Evaluates a resource policy for the CloudTrail service principal with `@cloud-copilot/iam-simulate` (an IAM policy
 * evaluator someone else wrote), for the tests of the bucket, key and topic policies.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 */
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';

/** A policy document as JSON data (what `JSON.parse(policyJson(...))` gives). */
export type PolicyJson = { readonly Version: string; readonly Statement: readonly object[] };

/**
 * Evaluates a resource policy for the CloudTrail service principal.
 * KMS requests use `runUnsafeSimulation`: iam-simulate's validated path drops `kms:EncryptionContext:<key>` context
 * keys (it matches templated keys on `/` only, and this key's template separator is `:`).
 * @returns 'Allowed', 'ImplicitlyDenied' or 'ExplicitlyDenied'; a simulation error is thrown
 */
export async function evaluate(
  policy: PolicyJson,
  action: string,
  resource: string,
  resourceAccount: string,
  context: Record<string, string>,
  unsafe = false,
): Promise<string> {
  const simulation: Simulation = {
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: policy as unknown as Simulation['resourcePolicy'],
    request: {
      principal: 'cloudtrail.amazonaws.com',
      action,
      resource: { resource, accountId: resourceAccount },
      contextVariables: context,
    },
  };
  if (unsafe) {
    // runUnsafeSimulation loads a raw resource policy without metadata and then reads its name; a ValidatedPolicy
    // (iam-policy's plain-data form: document, metadata, errors) carries the name.
    const validated = { __validated: true, policyDocument: policy, metadata: { name: 'ResourcePolicy' }, errors: [] };
    return runUnsafeSimulation(
      { ...simulation, resourcePolicy: validated as unknown as Simulation['resourcePolicy'] },
      {},
    );
  }
  const r = await runSimulation(simulation, {});
  if (r.resultType === 'error')
    throw new Error(`iam-simulate refused the simulation of ${action} on ${resource}: ${JSON.stringify(r.errors)}`);
  return r.overallResult;
}
