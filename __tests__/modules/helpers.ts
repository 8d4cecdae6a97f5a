import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformResource, TerraformStack, Testing } from 'cdktf';
import { parseConfig } from '../../config/load';
import type { AccountConfig, GuardConfig } from '../../config/types';
import type { PolicyDocument, PolicyStatement } from '../../modules/policies/types';

export const ACCOUNT = '111111111111';
export const MEMBER = '222222222222';
export const ORG_ID = 'o-abc123def4';
export const REGION = 'us-east-1';
export const BUCKET = 'ct-logs-111111111111';
export const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit';

/** A bare stack with an AWS provider, for building one module. */
export function bareStack(): TerraformStack {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new AwsProvider(stack, 'aws', { region: REGION });
  return stack;
}

/** Parsed Terraform JSON: shape-checked by the assertions themselves. */
export type Json = any;

/** Synthesizes and parses the stack. */
export function synth(stack: TerraformStack): { resource: Record<string, Record<string, Record<string, unknown>>> } {
  return JSON.parse(Testing.synth(stack));
}

/** All resources of one type in the synthesized JSON. */
export function resourcesOf(json: ReturnType<typeof synth>, type: string): Array<Record<string, Json>> {
  return Object.values(json.resource[type] ?? {}) as Array<Record<string, Json>>;
}

/** The single resource of one type. */
export function only(json: ReturnType<typeof synth>, type: string): Record<string, Json> {
  const all = resourcesOf(json, type);
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

/** How a resource appears in `depends_on`. */
export const ref = (r: TerraformResource): string => `${r.terraformResourceType}.${r.friendlyUniqueId}`;

/** A statement by Sid (fails the lookup loudly). */
export function statement(doc: PolicyDocument, sid: string): PolicyStatement {
  const s = doc.Statement.find((x) => x.Sid === sid);
  if (!s) throw new Error(`no statement ${sid} in ${doc.Statement.map((x) => x.Sid).join(', ')}`);
  return s;
}

/** Every ARN-like string anywhere in a JSON value. */
export function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => allStrings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => allStrings(v, out));
  return out;
}

/** A normalised config with one account (through the real loader, so prefixes are normalised the product's way). */
export function accountConfig(opts: { prefix?: string; trail?: string; top?: string; accountId?: string } = {}): {
  config: GuardConfig;
  account: AccountConfig;
} {
  const prefix = opts.prefix === undefined ? 'logs' : opts.prefix;
  const text = `estate: test
state:
  backend: local
${opts.top ?? ''}accounts:
  - accountId: "${opts.accountId ?? ACCOUNT}"
    homeRegion: ${REGION}
    trail:
      name: org-audit
${opts.trail ?? ''}    logBucket:
      name: ${BUCKET}
${prefix === '' ? '' : `      s3KeyPrefix: "${prefix}"\n`}    kmsKey:
      alias: alias/cloudtrail-logs
`;
  const config = parseConfig(text, 'test.yaml');
  return { config, account: config.accounts[0] };
}
