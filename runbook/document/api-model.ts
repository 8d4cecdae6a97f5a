/**
 * The AWS API model of the services a runbook may call, read from the AWS SDK for JavaScript v3 itself: each
 * client package exports a Smithy static schema per operation (`<Op>$`) and per shape (`<Shape>$`), and a command
 * class per operation (`<Op>Command`). Nothing here is a hand-written list of members.
 *
 * Static structure schema: `[3, namespace, name, traits, memberNames, memberSchemas, requiredCount?]`; the first
 * `requiredCount` members are the required ones (the SDK's own serializer reads it the same way).
 * Operation schema: `[9, namespace, name, traits, () => input, () => output]`.
 *
 * Services: https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-executeAwsApi.html
 * names the service by its namespace (`cloudtrail`) and the operation by its API name (`GetTrail`).
 */
import * as cloudtrail from '@aws-sdk/client-cloudtrail';
import { NormalizedSchema } from '@smithy/core/schema';

/** A service the executor can call: its SDK module, the client class and the module's exports. */
export interface ServiceBinding {
  /** The service namespace, as in `Service:` of a step (lower case, e.g. `cloudtrail`). */
  readonly namespace: string;
  /** The SDK client constructor. */
  readonly Client: new (config: Record<string, unknown>) => {
    send(command: unknown): Promise<unknown>;
    destroy(): void;
  };
  /** Every export of the SDK package (commands, schemas). */
  readonly exports: Readonly<Record<string, unknown>>;
}

/** The services that the runbooks of this project use. Add a client package here to support another. */
export const SERVICES: Readonly<Record<string, ServiceBinding>> = {
  cloudtrail: {
    namespace: 'cloudtrail',
    Client: cloudtrail.CloudTrailClient as unknown as ServiceBinding['Client'],
    exports: cloudtrail as unknown as Record<string, unknown>,
  },
};

/** Kind of a shape, as far as runbook checks need it. */
export type ShapeKind =
  'structure' | 'list' | 'map' | 'string' | 'boolean' | 'number' | 'timestamp' | 'blob' | 'document' | 'other';

/** A shape of the model, reduced to what runbook checks need. */
export interface ShapeInfo {
  readonly kind: ShapeKind;
  /** The shape's name, when the model names it (`CreateTrailRequest`). */
  readonly name?: string;
  /** Structures: member name → shape, in model order. */
  members?(): ReadonlyMap<string, ShapeInfo>;
  /** Structures: names of required members. */
  readonly required?: readonly string[];
  /** Lists and maps: the element (value) shape. */
  element?(): ShapeInfo;
}

/** One operation of a service. */
export interface OperationInfo {
  readonly service: string;
  readonly name: string;
  readonly input: ShapeInfo;
  readonly output: ShapeInfo;
  /** The SDK command class (`GetTrailCommand`). */
  readonly Command: new (input: Record<string, unknown>) => unknown;
}

function kindOf(ns: NormalizedSchema): ShapeKind {
  if (ns.isStructSchema()) return 'structure';
  if (ns.isListSchema()) return 'list';
  if (ns.isMapSchema()) return 'map';
  if (ns.isStringSchema()) return 'string';
  if (ns.isBooleanSchema()) return 'boolean';
  if (ns.isNumericSchema() || ns.isBigIntegerSchema() || ns.isBigDecimalSchema()) return 'number';
  if (ns.isTimestampSchema()) return 'timestamp';
  if (ns.isBlobSchema()) return 'blob';
  if (ns.isDocumentSchema()) return 'document';
  return 'other';
}

function shapeOf(ref: unknown): ShapeInfo {
  const ns = NormalizedSchema.of(ref as Parameters<typeof NormalizedSchema.of>[0]);
  const kind = kindOf(ns);
  if (kind === 'structure') {
    const raw = ns.getSchema() as unknown as unknown[];
    const names = Array.isArray(raw) && Array.isArray(raw[4]) ? (raw[4] as string[]) : [];
    const requiredCount = Array.isArray(raw) && typeof raw[6] === 'number' ? raw[6] : 0;
    let cache: Map<string, ShapeInfo> | undefined;
    return {
      kind,
      name: ns.getName(),
      required: names.slice(0, requiredCount),
      members() {
        if (!cache) {
          cache = new Map();
          for (const [name, member] of ns.structIterator()) cache.set(name, shapeOf(member));
        }
        return cache;
      },
    };
  }
  if (kind === 'list' || kind === 'map') {
    return { kind, name: ns.getName(), element: () => shapeOf(ns.getValueSchema()) };
  }
  return { kind, name: ns.getName() };
}

/**
 * Looks up an operation in the SDK's model.
 * @param service the service namespace of a step (`cloudtrail`); matched exactly, as SSM does
 * @param api the operation name (`GetTrail`); matched exactly: `get-trail` or `getTrail` are not operations
 * @returns the operation, or `undefined` when the service is not bound or has no such operation
 */
export function findOperation(service: string, api: string): OperationInfo | undefined {
  const binding = SERVICES[service];
  if (!binding || !/^[A-Z][A-Za-z0-9]*$/.test(api)) return undefined;
  const schema = binding.exports[`${api}$`] as unknown[] | undefined;
  const Command = binding.exports[`${api}Command`] as OperationInfo['Command'] | undefined;
  if (!Array.isArray(schema) || schema[0] !== 9 || typeof Command !== 'function') return undefined;
  const input = shapeOf((schema[4] as () => unknown)());
  const output = shapeOf((schema[5] as () => unknown)());
  return { service, name: api, input, output, Command };
}

/**
 * Lists the operations that the SDK model of a service names (from its `<Op>Command` exports with an operation schema).
 * @returns operation names, sorted; empty for an unknown service
 */
export function listOperations(service: string): string[] {
  const binding = SERVICES[service];
  if (!binding) return [];
  return Object.keys(binding.exports)
    .filter((k) => k.endsWith('Command') && findOperation(service, k.slice(0, -'Command'.length)))
    .map((k) => k.slice(0, -'Command'.length))
    .sort();
}

/** One mismatch between a value and the model. `path` is a JSONPath into the API input (`$.EventSelectors[0]`). */
export interface ModelProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * Checks a value against a shape, the way the SDK's and boto3's parameter validation do: unknown members (exact
 * case), missing required members, and the JSON type of each value. Values for which `isDeferred(value)` is true
 * (e.g. a `{{ }}` reference before it is resolved) are accepted wherever they appear.
 * @returns every problem found; empty when the value conforms
 */
export function checkValueAgainstShape(
  value: unknown,
  shape: ShapeInfo,
  path = '$',
  isDeferred: (v: unknown) => boolean = () => false,
): ModelProblem[] {
  const problems: ModelProblem[] = [];
  if (isDeferred(value)) return problems;
  const type = Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value;
  const expect = (ok: boolean, what: string): void => {
    if (!ok) problems.push({ path, message: `expected ${what}, got ${type} ${JSON.stringify(value)}` });
  };
  switch (shape.kind) {
    case 'structure': {
      if (type !== 'object' || value instanceof Date) {
        expect(false, `a structure${shape.name ? ` (${shape.name})` : ''}`);
        break;
      }
      const members = shape.members!();
      const obj = value as Record<string, unknown>;
      for (const [k, v] of Object.entries(obj)) {
        const m = members.get(k);
        if (!m) {
          const near = [...members.keys()].find((n) => n.toLowerCase() === k.toLowerCase());
          problems.push({
            path: `${path}.${k}`,
            message: `${shape.name ?? 'the structure'} has no member ${JSON.stringify(k)}${near ? ` (did you mean ${near}? member names are case-sensitive)` : ''}; members: ${[...members.keys()].join(', ')}`,
          });
          continue;
        }
        problems.push(...checkValueAgainstShape(v, m, `${path}.${k}`, isDeferred));
      }
      for (const r of shape.required ?? []) {
        if (obj[r] === undefined)
          problems.push({
            path: `${path}.${r}`,
            message: `required member ${r} of ${shape.name ?? 'the structure'} is missing`,
          });
      }
      break;
    }
    case 'list':
      if (type !== 'list') expect(false, 'a list');
      else
        (value as unknown[]).forEach((v, i) =>
          problems.push(...checkValueAgainstShape(v, shape.element!(), `${path}[${i}]`, isDeferred)),
        );
      break;
    case 'map':
      if (type !== 'object') expect(false, 'a map');
      else
        for (const [k, v] of Object.entries(value as object))
          problems.push(...checkValueAgainstShape(v, shape.element!(), `${path}.${k}`, isDeferred));
      break;
    case 'string':
      expect(type === 'string', 'a string');
      break;
    case 'boolean':
      expect(type === 'boolean', 'a boolean');
      break;
    case 'number':
      expect(type === 'number', 'a number');
      break;
    case 'timestamp':
      expect(value instanceof Date || type === 'string' || type === 'number', 'a timestamp');
      break;
    default:
      break;
  }
  return problems;
}

/**
 * Resolves a simple output selector (`$.Trail.TrailARN`, `$.trailList[0].Name`, `$.EventSelectors[*].DataResources[*]`,
 * with `[?(...)]` filters treated as `[*]`) against an output shape.
 * @returns the shape selected, or a problem naming the first segment that the shape does not have
 */
export function shapeAtSelector(shape: ShapeInfo, selector: string): { shape?: ShapeInfo; problem?: string } {
  if (!selector.startsWith('$')) return { problem: `a selector starts with $ (got ${JSON.stringify(selector)})` };
  const rest = selector.slice(1).replace(/\[\?\((?:[^()]|\([^()]*\))*\)\]/g, '[*]');
  const tokens = rest.match(/\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\]|\[\*\]|\.\*|\['[^']+'\]|\[[^\]]*\]|./g) ?? [];
  let cur: ShapeInfo = shape;
  let at = '$';
  for (const t of tokens) {
    if (t === '[*]' || /^\[\d+\]$/.test(t) || t === '.*') {
      if (cur.kind !== 'list' && cur.kind !== 'map')
        return { problem: `${at} is a ${cur.kind}, not a list: ${t} cannot apply` };
      cur = cur.element!();
    } else if (t.startsWith('.') || t.startsWith("['")) {
      const name = t.startsWith('.') ? t.slice(1) : t.slice(2, -2);
      if (cur.kind !== 'structure') return { problem: `${at} is a ${cur.kind}, it has no member ${name}` };
      const m = cur.members!().get(name);
      if (!m)
        return {
          problem: `${at}${cur.name ? ` (${cur.name})` : ''} has no member ${JSON.stringify(name)}; members: ${[...cur.members!().keys()].join(', ')}`,
        };
      cur = m;
    } else {
      return { problem: `unsupported selector syntax ${JSON.stringify(t)} in ${selector}` };
    }
    at += t;
  }
  return { shape: cur };
}
