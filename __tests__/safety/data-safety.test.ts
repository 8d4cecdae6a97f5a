/**
 * Data safety: the logs outlive the configuration.
 *
 * - Every log bucket, trail key and trail carries `lifecycle.prevent_destroy`; nothing sets `force_destroy`.
 * - Removing an account from the config removes its stack from the app; the other stacks do not change, so no plan
 *   of theirs destroys anything, and the removed stack's own state is never planned against.
 * - `terraform plan -destroy` of a stack whose state holds every resource of the stack fails on prevent_destroy for
 *   the bucket, the key and the trail (offline, through the provider mirror). After step 3 of the documented
 *   retirement (its own `grep -E` pattern, read from docs/security.md, fed to `terraform state rm`) it succeeds and
 *   destroys no bucket, key or trail resource. See docs/security.md, "Retiring an account".
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { example, synthFile, synthYaml, type SynthesizedStack } from '../support/synth';
import { offlineCopy, tallyCheck, terraformAvailability } from '../support/terraform';

const PROTECTED = ['aws_s3_bucket', 'aws_kms_key', 'aws_cloudtrail'] as const;
const EXAMPLES = ['single-account.yaml', 'multi-account.yaml'];
const synthesized = new Map(EXAMPLES.map((e) => [e, synthFile(example(e))] as [string, SynthesizedStack[]]));

/** Every (path, value) of a key anywhere in a JSON value. */
function findKey(
  value: unknown,
  key: string,
  path = '$',
  out: Array<[string, unknown]> = [],
): Array<[string, unknown]> {
  if (Array.isArray(value)) value.forEach((v, i) => findKey(v, key, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === key) out.push([`${path}.${k}`, v]);
      findKey(v, key, `${path}.${k}`, out);
    }
  }
  return out;
}

describe.each(EXAMPLES)('%s', (file) => {
  const stacks = synthesized.get(file)!;

  it.each(PROTECTED)('every %s has lifecycle.prevent_destroy = true', (type) => {
    for (const s of stacks) {
      const found = Object.entries(
        (s.json.resource?.[type] ?? {}) as Record<string, { lifecycle?: { prevent_destroy?: unknown } }>,
      );
      expect([s.name, found.length]).toEqual([s.name, 1]);
      for (const [id, r] of found) expect([s.name, id, r.lifecycle?.prevent_destroy]).toEqual([s.name, id, true]);
    }
  });

  it('force_destroy is never true anywhere (and is false on every bucket)', () => {
    for (const s of stacks) {
      const values = findKey(s.json, 'force_destroy');
      expect(values.filter(([, v]) => v !== false)).toEqual([]);
      for (const r of Object.values(
        (s.json.resource.aws_s3_bucket ?? {}) as Record<string, { force_destroy?: unknown }>,
      ))
        expect(r.force_destroy).toBe(false);
    }
  });

  it('the log bucket keeps old versions of every object (versioning Enabled)', () => {
    for (const s of stacks) {
      const v = Object.values(
        (s.json.resource.aws_s3_bucket_versioning ?? {}) as Record<
          string,
          { versioning_configuration: { status: string } }
        >,
      );
      expect(v.map((x) => x.versioning_configuration.status)).toEqual(['Enabled']);
    }
  });

  it('the trail key waits the configured window (7 to 30 days, 30 by default) before deletion', () => {
    for (const s of stacks) {
      const keys = Object.values(
        (s.json.resource.aws_kms_key ?? {}) as Record<string, { deletion_window_in_days: number }>,
      );
      expect(keys.map((k) => k.deletion_window_in_days)).toEqual([30]);
    }
  });
});

describe('removing an account from the config', () => {
  const full = synthesized.get('multi-account.yaml')!;
  const text = readFileSync(example('multi-account.yaml'), 'utf8');
  // The third account's entry: from its `- accountId` line to the end of the file.
  const start = text.indexOf('  - accountId: "333333333333"');
  const reduced = synthYaml(text.slice(0, start), 'multi-account-without-333333333333.yaml');

  it('the example has the entry to remove', () => {
    expect(start).toBeGreaterThan(0);
    expect(full.map((s) => s.name)).toEqual([
      'cloudtrail-guard-111111111111-us-east-1',
      'cloudtrail-guard-222222222222-eu-west-1',
      'cloudtrail-guard-333333333333-ap-southeast-2',
    ]);
  });

  it('drops only its stack: no resource of it moves to another stack', () => {
    expect(reduced.map((s) => s.name)).toEqual([
      'cloudtrail-guard-111111111111-us-east-1',
      'cloudtrail-guard-222222222222-eu-west-1',
    ]);
    const buckets = reduced.flatMap((s) =>
      Object.values(s.json.resource.aws_s3_bucket as Record<string, { bucket: string }>).map((b) => b.bucket),
    );
    expect(buckets).toEqual(['ct-logs-111111111111', 'ct-logs-222222222222']);
  });

  it('leaves the other stacks byte for byte as they were, so their plans destroy nothing', () => {
    for (const s of reduced) {
      const before = full.find((f) => f.name === s.name)!;
      expect(JSON.stringify(s.json)).toBe(JSON.stringify(before.json));
    }
  });

  it('its state key belongs to its stack alone, so no other stack is planned against its state', () => {
    const keys = full.map((s) => (s.json.terraform.backend?.s3 as { key: string }).key);
    expect(keys).toEqual([
      'cloudtrail-guard/111111111111/us-east-1/terraform.tfstate',
      'cloudtrail-guard/222222222222/eu-west-1/terraform.tfstate',
      'cloudtrail-guard/333333333333/ap-southeast-2/terraform.tfstate',
    ]);
  });
});

/**
 * Schema versions of hashicorp/aws 5.100.0 for the types whose version is not 0 (`terraform providers schema -json`).
 * A state entry with an older version makes the provider run its state upgrader on the reduced attributes, and crash.
 */
const SCHEMA_VERSION: Record<string, number> = { aws_cloudtrail: 1, aws_cloudwatch_event_rule: 1, aws_cloudwatch_event_target: 1 };

/** The state a deployed stack would have: every resource of the stack (attributes reduced to what a plan needs). */
function deployedState(stack: Record<string, any>): string {
  const resources = Object.entries(stack.resource as Record<string, Record<string, unknown>>).flatMap(
    ([type, byName]) =>
      Object.keys(byName).map((name) => ({
        mode: 'managed',
        type,
        name,
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [{ schema_version: SCHEMA_VERSION[type] ?? 0, attributes: { id: `${name}-id` } }],
      })),
  );
  return JSON.stringify({
    version: 4,
    terraform_version: '1.11.4',
    serial: 1,
    lineage: '5f1e2d3c-0000-4000-8000-000000000001',
    outputs: {},
    resources,
  });
}

/** The `grep -E` pattern of step 3 of "Retiring an account" in docs/security.md: the test runs the documented step. */
function documentedStateRmPattern(): RegExp {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'security.md'), 'utf8');
  const m = /terraform state list \| grep -E '([^']+)' \| xargs terraform state rm/.exec(doc);
  if (!m) throw new Error('docs/security.md no longer shows the terraform state rm step');
  return new RegExp(m[1]);
}

describe('terraform plan -destroy of a deployed stack (offline)', () => {
  it('fails on prevent_destroy for the bucket, the key and the trail; after the documented terraform state rm it destroys none of the log resources', () => {
    if (!tallyCheck('plan -destroy against prevent_destroy')) return;
    const a = terraformAvailability();
    if (!a.ok) throw new Error(a.why);
    const stack = synthesized.get('single-account.yaml')![0].json;
    const dir = mkdtempSync(join(tmpdir(), 'ctg-destroy-'));
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(offlineCopy(stack), null, 2));
    writeFileSync(join(dir, 'terraform.tfstate'), deployedState(stack));
    const tf = (...args: string[]) =>
      spawnSync('terraform', args, {
        cwd: dir,
        encoding: 'utf8',
        env: {
          ...process.env,
          TF_CLI_CONFIG_FILE: a.cliConfig,
          CHECKPOINT_DISABLE: '1',
          TF_IN_AUTOMATION: '1',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      });
    const init = tf('init', '-input=false', '-no-color');
    expect(init.status).toBe(0);

    const destroy = tf('plan', '-destroy', '-input=false', '-no-color', '-lock=false', '-refresh=false');
    expect(destroy.status).toBe(1);
    const blocked = [...destroy.stderr.matchAll(/Resource (\S+)\s+has\s+lifecycle\.prevent_destroy\s+set/g)]
      .map((m) => m[1])
      .sort();
    const protectedAddresses = PROTECTED.flatMap((t) => Object.keys(stack.resource[t]).map((n) => `${t}.${n}`)).sort();
    expect(blocked).toEqual(protectedAddresses);
    expect(protectedAddresses).toHaveLength(3);

    // Retiring the account, step 3 of docs/security.md: forget the bucket family, the key family and the trail.
    const list = tf('state', 'list');
    expect(list.status).toBe(0);
    const forget = list.stdout.split('\n').filter((l) => documentedStateRmPattern().test(l));
    for (const address of protectedAddresses) expect(forget).toContain(address);
    expect(forget.filter((f) => !/^(aws_s3_bucket|aws_kms_|aws_cloudtrail)/.test(f))).toEqual([]);
    const rm = tf('state', 'rm', '-lock=false', ...forget);
    expect([rm.status, rm.stderr]).toEqual([0, '']);

    // Step 4: terraform destroy now passes, and destroys nothing that holds or protects the logs.
    const after = tf('plan', '-destroy', '-input=false', '-no-color', '-lock=false', '-refresh=false');
    expect([after.status, after.stderr]).toEqual([0, '']);
    const destroyed = [...after.stdout.matchAll(/# (\S+) will be destroyed/g)].map((m) => m[1]);
    expect(destroyed.length).toBeGreaterThan(0);
    expect(destroyed).toContain(
      Object.keys(stack.resource.aws_config_remediation_configuration).map(
        (n) => `aws_config_remediation_configuration.${n}`,
      )[0],
    );
    expect(destroyed.filter((d) => /^(aws_s3_bucket|aws_kms_|aws_cloudtrail\.)/.test(d))).toEqual([]);
  });
});
