/**
 * Terraform, offline, for every stack of every example: `init` from the provider mirror, `validate`, `plan`.
 * Skips (and says why, and is counted as skipped) only where terraform or the mirror is missing.
 */
import { initValidatePlan, tallyCheck } from '../support/terraform';
import { example, resources, synthFile } from '../support/synth';

// Expected resources to add per stack, counted by hand from the modules:
// bucket 6 (bucket, public access block, versioning, SSE, ownership, policy) + key 2 (key, alias)
// + role 2 (role, inline policy) + document 1 + rule 1 + remediation 1 + trail 1
// + fast path 4 (EventBridge rule, target, role, inline policy) = 18;
// recorder: create adds 4 (service-linked role, recorder, delivery channel, recorder status).
const EXPECTED: Record<string, number> = {
  'single-account.yaml/cloudtrail-guard-111111111111-us-east-1': 18,
  'multi-account.yaml/cloudtrail-guard-111111111111-us-east-1': 18,
  'multi-account.yaml/cloudtrail-guard-222222222222-eu-west-1': 22,
  'multi-account.yaml/cloudtrail-guard-333333333333-ap-southeast-2': 18,
  // + SNS topic 2 (topic, topic policy) + CloudWatch Logs 3 (log group, role, inline policy)
  // + tamper-prevention SCP 2 (policy, one attachment) = 25
  'organization.yaml/cloudtrail-guard-111111111111-us-east-1': 25,
};

const cases = ['single-account.yaml', 'multi-account.yaml', 'organization.yaml'].flatMap((file) =>
  synthFile(example(file)).map((s) => [`${file}/${s.name}`, s] as const),
);

test('every stack of every example is covered by EXPECTED', () => {
  expect(cases.map(([k]) => k).sort()).toEqual(Object.keys(EXPECTED).sort());
});

describe.each(cases)('terraform: %s', (key, stack) => {
  test('init, validate and plan succeed offline with the expected resources to add', () => {
    if (!tallyCheck(`plan ${key}`)) return;
    const expected = EXPECTED[key];
    const count = Object.values(stack.json.resource as Record<string, object>).reduce((n, rs) => n + Object.keys(rs).length, 0);
    expect(count).toBe(expected);
    const r = initValidatePlan(stack.json);
    expect(r.validate).toMatchObject({ valid: true, error_count: 0 });
    expect({ add: r.toAdd, change: r.toChange, destroy: r.toDestroy }).toEqual({ add: expected, change: 0, destroy: 0 });
    // The plan creates the guard's core resources by name.
    for (const t of ['aws_s3_bucket_policy', 'aws_kms_key', 'aws_ssm_document', 'aws_config_config_rule', 'aws_config_remediation_configuration']) {
      const [id] = resources(stack.json, t)[0];
      expect(r.planOutput).toContain(`# ${t}.${id} will be created`);
    }
  });
});
