import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Testing, TerraformStack } from 'cdktf';
import { loadConfig, parseConfig } from '../../config';
import type { AccountConfig, GuardConfig, StateConfig } from '../../config/types';
import { applyBackend } from '../../stacks/backend';

/** Synthesizes a bare stack with only the backend and returns its `terraform` block. */
function terraformBlock(state: StateConfig, account: AccountConfig): Record<string, any> {
  const app = Testing.app();
  const stack = new TerraformStack(app, account.stackName);
  applyBackend(stack, state, account);
  return JSON.parse(Testing.synth(stack)).terraform;
}

const multi = loadConfig('examples/multi-account.yaml');
const single = loadConfig('examples/single-account.yaml');
const acct1 = multi.accounts[0]; // 111111111111 us-east-1

describe('applyBackend: s3', () => {
  it('emits the exact backend block: own key, encrypt, use_lockfile, no DynamoDB table', () => {
    const tf = terraformBlock(multi.state, acct1);
    expect(tf.backend).toEqual({
      s3: {
        bucket: 'acme-terraform-state',
        region: 'us-east-1',
        key: 'cloudtrail-guard/111111111111/us-east-1/terraform.tfstate',
        encrypt: true,
        use_lockfile: true,
      },
    });
    expect(tf.backend.s3.dynamodb_table).toBeUndefined();
    expect(tf.cloud).toBeUndefined();
  });

  it('adds kms_key_id and assume_role { role_arn } when they are configured', () => {
    const state: StateConfig = {
      backend: 's3',
      bucket: 'state-bucket',
      region: 'eu-west-1',
      keyPrefix: 'guard/prod',
      kmsKeyId: 'arn:aws:kms:eu-west-1:999999999999:key/57ff7a43-341d-46b6-aee3-a450c9de6dc8',
      roleArn: 'arn:aws:iam::999999999999:role/state-access',
    };
    const tf = terraformBlock(state, multi.accounts[1]);
    expect(tf.backend.s3).toEqual({
      bucket: 'state-bucket',
      region: 'eu-west-1',
      key: 'guard/prod/222222222222/eu-west-1/terraform.tfstate',
      encrypt: true,
      kms_key_id: 'arn:aws:kms:eu-west-1:999999999999:key/57ff7a43-341d-46b6-aee3-a450c9de6dc8',
      assume_role: { role_arn: 'arn:aws:iam::999999999999:role/state-access' },
      use_lockfile: true,
    });
    expect(tf.backend.s3.role_arn).toBeUndefined(); // the deprecated top-level argument is not used
  });

  it('FC-14: every stack of examples/multi-account.yaml has its own state key, with encrypt and use_lockfile on', () => {
    const blocks = multi.accounts.map((a) => terraformBlock(multi.state, a).backend.s3);
    const keys = blocks.map((b) => b.key);
    expect(keys).toEqual([
      'cloudtrail-guard/111111111111/us-east-1/terraform.tfstate',
      'cloudtrail-guard/222222222222/eu-west-1/terraform.tfstate',
      'cloudtrail-guard/333333333333/ap-southeast-2/terraform.tfstate',
    ]);
    expect(new Set(keys).size).toBe(multi.accounts.length);
    for (const b of blocks) {
      expect(b.encrypt).toBe(true);
      expect(b.use_lockfile).toBe(true);
    }
  });

  it('FC-14: two accounts in the same home Region get two keys', () => {
    const cfg = parseConfig(
      [
        'estate: twin',
        'state: { backend: s3, bucket: twin-state, region: us-east-1 }',
        'accounts:',
        '  - { accountId: "111111111111", homeRegion: us-east-1 }',
        '  - { accountId: "222222222222", homeRegion: us-east-1 }',
      ].join('\n'),
      'twin.yaml',
    );
    const keys = cfg.accounts.map((a) => terraformBlock(cfg.state, a).backend.s3.key);
    expect(keys).toEqual([
      'cloudtrail-guard/111111111111/us-east-1/terraform.tfstate',
      'cloudtrail-guard/222222222222/us-east-1/terraform.tfstate',
    ]);
  });
});

describe('applyBackend: local', () => {
  it('emits one state file per stack under the directory', () => {
    const tf = terraformBlock(single.state, single.accounts[0]);
    expect(tf.backend).toEqual({
      local: { path: join(process.cwd(), 'terraform.tfstate.d', 'cloudtrail-guard-111111111111-us-east-1.tfstate') },
    });
  });

  it('drops a trailing / of the directory', () => {
    const tf = terraformBlock({ backend: 'local', directory: '/var/state/' }, acct1);
    expect(tf.backend.local.path).toBe('/var/state/cloudtrail-guard-111111111111-us-east-1.tfstate');
  });
});

function cloudConfig(accounts: number, prefix = ''): GuardConfig {
  const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2', 'eu-central-1'];
  const lines = [
    'estate: big',
    'state:',
    '  backend: cloud',
    '  organization: acme',
    '  project: security',
    ...(prefix ? [`  workspacePrefix: ${prefix}`] : []),
    'accounts:',
  ];
  for (let i = 0; i < accounts; i++) {
    lines.push(`  - { accountId: "${String(100000000000 + i)}", homeRegion: ${regions[i % regions.length]} }`);
  }
  return parseConfig(lines.join('\n'), 'big.yaml');
}

describe('applyBackend: cloud', () => {
  it('emits terraform.cloud with a named workspace per stack and its project; no tags (they conflict with name)', () => {
    const cfg = cloudConfig(1, 'ct-');
    const tf = terraformBlock(cfg.state, cfg.accounts[0]);
    expect(tf.cloud).toEqual({
      organization: 'acme',
      hostname: 'app.terraform.io',
      workspaces: { name: 'ct-cloudtrail-guard-100000000000-us-east-1', project: 'security' },
    });
    expect(tf.backend).toBeUndefined();
    expect(tf.cloud.workspaces.tags).toBeUndefined();
  });

  it('leaves project out when none is configured', () => {
    const state: StateConfig = { backend: 'cloud', organization: 'acme', hostname: 'tfe.example.com', workspacePrefix: '' };
    const tf = terraformBlock(state, acct1);
    expect(tf.cloud).toEqual({
      organization: 'acme',
      hostname: 'tfe.example.com',
      workspaces: { name: 'cloudtrail-guard-111111111111-us-east-1' },
    });
  });

  it('workspace names are unique across a generated 500-account configuration', () => {
    const cfg = cloudConfig(500);
    const app = Testing.app();
    const names = cfg.accounts.map((a) => {
      const stack = new TerraformStack(app, a.stackName);
      applyBackend(stack, cfg.state, a);
      return JSON.parse(Testing.synth(stack)).terraform.cloud.workspaces.name as string;
    });
    expect(names).toHaveLength(500);
    expect(new Set(names).size).toBe(500);
    expect(names[0]).toBe('cloudtrail-guard-100000000000-us-east-1');
    expect(names[499]).toBe('cloudtrail-guard-100000000499-eu-central-1');
    for (const n of names) expect(n).toMatch(/^[A-Za-z0-9_-]{1,90}$/); // HCP Terraform workspace name rule
  });
});

describe('applyBackend through a real synth', () => {
  it('writes the backend into cdktf.out/stacks/<stack>/cdk.tf.json of every stack', () => {
    const out = mkdtempSync(join(tmpdir(), 'backend-synth-'));
    try {
      const app = new App({ outdir: out });
      for (const a of multi.accounts) applyBackend(new TerraformStack(app, a.stackName), multi.state, a);
      app.synth();
      const keys = multi.accounts.map(
        (a) => JSON.parse(readFileSync(join(out, 'stacks', a.stackName, 'cdk.tf.json'), 'utf8')).terraform.backend.s3.key,
      );
      expect(new Set(keys).size).toBe(3);
      expect(keys[2]).toBe('cloudtrail-guard/333333333333/ap-southeast-2/terraform.tfstate');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

