/**
 * Data safety: the logs outlive the configuration.
 *
 * - Every log bucket, trail key and trail carries `lifecycle.prevent_destroy`; nothing sets `force_destroy`.
 * - Removing an account from the config removes its stack from the app; the other stacks do not change, so no plan
 *   of theirs destroys anything, and the removed stack's own state is never planned against.
 * - `terraform plan -destroy` of a stack whose state holds the bucket, key and trail fails on prevent_destroy
 *   (offline, through the provider mirror); after the documented retirement (`terraform state rm` of those three) it
 *   succeeds without destroying them. See docs/security.md, "Retiring an account".
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
function findKey(value: unknown, key: string, path = '$', out: Array<[string, unknown]> = []): Array<[string, unknown]> {
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
      const found = Object.entries((s.json.resource?.[type] ?? {}) as Record<string, { lifecycle?: { prevent_destroy?: unknown } }>);
      expect([s.name, found.length]).toEqual([s.name, 1]);
      for (const [id, r] of found) expect([s.name, id, r.lifecycle?.prevent_destroy]).toEqual([s.name, id, true]);
    }
  });

  it('force_destroy is never true anywhere (and is false on every bucket)', () => {
    for (const s of stacks) {
      const values = findKey(s.json, 'force_destroy');
      expect(values.filter(([, v]) => v !== false)).toEqual([]);
      for (const r of Object.values((s.json.resource.aws_s3_bucket ?? {}) as Record<string, { force_destroy?: unknown }>)) expect(r.force_destroy).toBe(false);
    }
  });

  it('the log bucket keeps old versions of every object (versioning Enabled)', () => {
    for (const s of stacks) {
      const v = Object.values((s.json.resource.aws_s3_bucket_versioning ?? {}) as Record<string, { versioning_configuration: { status: string } }>);
      expect(v.map((x) => x.versioning_configuration.status)).toEqual(['Enabled']);
    }
  });

  it('the trail key waits the configured window (7 to 30 days, 30 by default) before deletion', () => {
    for (const s of stacks) {
      const keys = Object.values((s.json.resource.aws_kms_key ?? {}) as Record<string, { deletion_window_in_days: number }>);
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
    expect(reduced.map((s) => s.name)).toEqual(['cloudtrail-guard-111111111111-us-east-1', 'cloudtrail-guard-222222222222-eu-west-1']);
    const buckets = reduced.flatMap((s) => Object.values(s.json.resource.aws_s3_bucket as Record<string, { bucket: string }>).map((b) => b.bucket));
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

/** The state a deployed stack would have for its protected resources (attributes reduced to what a plan needs). */
function protectedState(stack: Record<string, any>): string {
  const resources = PROTECTED.flatMap((type) =>
    Object.keys(stack.resource[type] ?? {}).map((name) => ({
      mode: 'managed',
      type,
      name,
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [{ schema_version: 0, attributes: { id: `${name}-id` } }],
    })),
  );
  return JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 1, lineage: '5f1e2d3c-0000-4000-8000-000000000001', outputs: {}, resources });
}

describe('terraform plan -destroy of a deployed stack (offline)', () => {
  it('fails on prevent_destroy for the bucket, the key and the trail; after terraform state rm it destroys none of them', () => {
    if (!tallyCheck('plan -destroy against prevent_destroy')) return;
    const a = terraformAvailability();
    if (!a.ok) throw new Error(a.why);
    const stack = synthesized.get('single-account.yaml')![0].json;
    const dir = mkdtempSync(join(tmpdir(), 'ctg-destroy-'));
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(offlineCopy(stack), null, 2));
    writeFileSync(join(dir, 'terraform.tfstate'), protectedState(stack));
    const tf = (...args: string[]) =>
      spawnSync('terraform', args, {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, TF_CLI_CONFIG_FILE: a.cliConfig, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', AWS_EC2_METADATA_DISABLED: 'true' },
      });
    const init = tf('init', '-input=false', '-no-color');
    expect(init.status).toBe(0);

    const destroy = tf('plan', '-destroy', '-input=false', '-no-color', '-lock=false', '-refresh=false');
    expect(destroy.status).toBe(1);
    const blocked = [...destroy.stderr.matchAll(/Resource (\S+) has lifecycle\.prevent_destroy set/g)].map((m) => m[1]).sort();
    const addresses = PROTECTED.flatMap((t) => Object.keys(stack.resource[t]).map((n) => `${t}.${n}`)).sort();
    expect(blocked).toEqual(addresses);
    expect(addresses).toHaveLength(3);

    // Retiring the account (docs/security.md): forget the bucket, key and trail; keep them in AWS.
    const rm = tf('state', 'rm', '-lock=false', ...addresses);
    expect([rm.status, rm.stderr]).toEqual([0, '']);
    const after = tf('plan', '-destroy', '-input=false', '-no-color', '-lock=false', '-refresh=false');
    expect([after.status, after.stderr]).toEqual([0, '']);
    expect(after.stdout).not.toMatch(/will be destroyed/);
  });
});
