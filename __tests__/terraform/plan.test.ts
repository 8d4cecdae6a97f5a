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
  // The organization trail delivers to the log archive: no bucket 6, no key 2 (25 - 8 = 17).
  'organization.yaml/cloudtrail-guard-111111111111-us-east-1': 17,
  // A member the organization trail covers only detects: the rule.
  'organization.yaml/cloudtrail-guard-222222222222-us-east-1': 1,
  // The log archive: key 2 (key, alias) + archive bucket 9 (bucket, public access block, ownership, versioning, SSE,
  // Object Lock, lifecycle, logging, policy) + access-log bucket 7 (bucket, public access block, ownership, versioning,
  // SSE, lifecycle, policy) = 18.
  'organization.yaml/cloudtrail-guard-log-archive-444444444444-us-east-1': 18,
  'log-archive.yaml/cloudtrail-guard-log-archive-444444444444-eu-west-1': 18,
  // Delivering to the archive: 18 - bucket 6 - key 2 = 10; the archive key is read by a data source, which the offline
  // copy stubs (tools/offline-stubs.ts).
  'log-archive.yaml/cloudtrail-guard-222222222222-eu-west-1': 10,
  'log-archive.yaml/cloudtrail-guard-333333333333-us-east-1': 10,
};

const cases = ['single-account.yaml', 'multi-account.yaml', 'organization.yaml', 'log-archive.yaml'].flatMap((file) =>
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
    // The plan creates the guard's core resources by name: those of the stack's kind, each of them.
    const core = key.includes('log-archive-')
      ? ['aws_s3_bucket_policy', 'aws_kms_key', 'aws_s3_bucket_object_lock_configuration', 'aws_s3_bucket_logging']
      : stack.json.data?.aws_kms_key || key.endsWith('222222222222-us-east-1')
        ? ['aws_config_config_rule', ...(resources(stack.json, 'aws_ssm_document').length ? ['aws_ssm_document', 'aws_cloudtrail'] : [])]
        : ['aws_s3_bucket_policy', 'aws_kms_key', 'aws_ssm_document', 'aws_config_config_rule', 'aws_config_remediation_configuration'];
    for (const t of core) {
      expect([t, resources(stack.json, t).length]).not.toEqual([t, 0]);
      for (const [id] of resources(stack.json, t)) expect(r.planOutput).toContain(`# ${t}.${id} will be created`);
    }
    // The archive key's ARN is stubbed in the copy only: the plan reads nothing from KMS.
    if (stack.json.data?.aws_kms_key) expect(r.planOutput).not.toContain('data.aws_kms_key');
  });
});
