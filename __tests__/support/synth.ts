/** Synthesizes whole stacks from a config file, for tests. */
import { Testing } from 'cdktf';
import { join } from 'node:path';
import { loadConfig, parseConfig } from '../../config';
import type { GuardConfig } from '../../config/types';
import { buildStacks } from '../../stacks';

export const ROOT = join(__dirname, '..', '..');
export const example = (name: string): string => join(ROOT, 'examples', name);

/** One synthesized stack: its name and parsed `cdk.tf.json`. */
export interface SynthesizedStack {
  readonly name: string;
  readonly json: Record<string, any>;
}

/** Synthesizes every stack of a normalised config. */
export function synthConfig(config: GuardConfig): SynthesizedStack[] {
  const app = Testing.app();
  return buildStacks(app, config).map((s) => ({ name: s.node.id, json: JSON.parse(Testing.synth(s)) }));
}

/** Synthesizes every stack of a config file. */
export function synthFile(file: string): SynthesizedStack[] {
  return synthConfig(loadConfig(file));
}

/** Synthesizes every stack of config text (YAML). */
export function synthYaml(yaml: string, file = 'inline.yaml'): SynthesizedStack[] {
  return synthConfig(parseConfig(yaml, file));
}

/** The resources of one type in a stack, as a list of [logical id, attributes]. */
export function resources(json: Record<string, any>, type: string): Array<[string, Record<string, any>]> {
  return Object.entries(json.resource?.[type] ?? {});
}

/** The only resource of a type; throws when there are none or several. */
export function only(json: Record<string, any>, type: string): Record<string, any> {
  const r = resources(json, type);
  if (r.length !== 1) throw new Error(`expected exactly one ${type}, found ${r.length}`);
  return r[0][1];
}

/** The logical address `type.id` of the only resource of a type. */
export function addressOf(json: Record<string, any>, type: string): string {
  const r = resources(json, type);
  if (r.length !== 1) throw new Error(`expected exactly one ${type}, found ${r.length}`);
  return `${type}.${r[0][0]}`;
}

/** Every string anywhere in a JSON value. */
export function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => allStrings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => allStrings(v, out));
  return out;
}

/** Every statement's condition values for a key, across a policy. */
export function conditionValues(policy: { Statement: any[] }, key: string): string[] {
  const out: string[] = [];
  for (const st of policy.Statement) {
    for (const block of Object.values(st.Condition ?? {}) as Array<Record<string, unknown>>) {
      const v = block[key];
      if (v !== undefined) out.push(...(Array.isArray(v) ? v : [v]).map(String));
    }
  }
  return out;
}

/**
 * The resources of a type created by the construct with this id, right below the stack: their readable logical ID
 * (stacks/logical-ids.ts) is the construct ID with `_` for `-`, alone or followed by `_<child>`.
 */
function inConstruct(json: Record<string, any>, type: string, construct: string): Array<[string, Record<string, any>]> {
  const c = construct.replace(/[^A-Za-z0-9_]/g, '_');
  return resources(json, type).filter(([id]) => id === c || id.startsWith(`${c}_`));
}

/** The one resource of a type created by the construct with this id. */
export function ofConstruct(json: Record<string, any>, type: string, construct: string): Record<string, any> {
  const r = inConstruct(json, type, construct);
  if (r.length !== 1) throw new Error(`expected exactly one ${type} in ${construct}, found ${r.length}`);
  return r[0][1];
}

/** The logical address `type.id` of the one resource of a type in a construct. */
export function addressIn(json: Record<string, any>, type: string, construct: string): string {
  const r = inConstruct(json, type, construct);
  if (r.length !== 1) throw new Error(`expected exactly one ${type} in ${construct}, found ${r.length}`);
  return `${type}.${r[0][0]}`;
}
