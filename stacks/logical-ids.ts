/**
 * Readable, stable Terraform addresses: `aws_cloudtrail.trail`, `aws_kms_key.trail_key`,
 * `aws_s3_bucket_policy.log_bucket_policy`, instead of cdktf's hashed `trail_3987B402`.
 *
 * One mechanism for every module, present and future: a stack that extends {@link ReadableIdStack} names each resource
 * and data source after its construct path (cdktf's own `allocateLogicalId` hook, which cdktf documents as the method
 * to override for another naming scheme), and an aspect adds one Terraform `moved` block per resource, from the address
 * cdktf 0.21 gave it (the hash scheme) to the readable one, so that state written under the old addresses is moved,
 * never destroyed and re-created. (cdktf's `moveFromId` writes the same block, at a cost: see
 * {@link MovedFromHashedAddresses}.)
 *
 * @see https://developer.hashicorp.com/terraform/language/modules/develop/refactoring (moved blocks, Terraform ≥ 1.1)
 * @see https://developer.hashicorp.com/terraform/cdktf/examples-and-guides/refactoring (cdktf's moveFromId)
 * @see https://developer.hashicorp.com/terraform/language/syntax/configuration#identifiers
 */
import { Aspects, type IAspect, TerraformDataSource, TerraformElement, TerraformResource, TerraformStack } from 'cdktf';
import type { Construct, IConstruct, Node } from 'constructs';

/** Construct IDs cdktf leaves out of a logical ID altogether (node_modules/cdktf/lib/private/unique.js `HIDDEN_ID`). */
const HIDDEN_ID = 'Default';
/** Construct IDs cdktf leaves out of the human part of a logical ID (`HIDDEN_FROM_HUMAN_ID`). */
const HIDDEN_FROM_HUMAN_ID = 'Resource';

/**
 * The readable logical ID of the construct path `components` (the IDs below the stack, outermost first): the
 * components with cdktf's own simplifications (`Default` and `Resource` left out; a component that the previous one
 * ends with is dropped, so `trail/trail` is `trail` and `trail-key/key` is `trail-key`), joined by `_`, every
 * character that is not a letter, digit or `_` replaced by `_`, and `_` put in front of a leading digit (a Terraform
 * identifier must not start with one).
 *
 * Examples: `['trail', 'trail']` → `trail`; `['trail-key', 'alias']` → `trail_key_alias`;
 * `['log-bucket', 'public-access-block']` → `log_bucket_public_access_block`.
 * @param components one or more construct IDs
 * @returns a Terraform identifier
 * @throws Error when nothing is left of `components`
 * @see https://developer.hashicorp.com/terraform/language/syntax/configuration#identifiers
 */
export function readableLogicalId(components: readonly string[]): string {
  const kept: string[] = [];
  for (const c of components) {
    if (c === HIDDEN_ID || c === HIDDEN_FROM_HUMAN_ID || c === '') continue;
    if (kept.length > 0 && kept[kept.length - 1].endsWith(c)) continue;
    kept.push(c);
  }
  if (kept.length === 0)
    throw new Error(`no logical ID can be made of the construct path ${JSON.stringify(components.join('/'))}`);
  const id = kept.join('_').replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(id) ? `_${id}` : id;
}

/** The Terraform block type (`resource` or `data`) and resource type of an element that gets a readable ID. */
function addressKind(el: TerraformElement): { block: 'resource' | 'data'; type: string } | undefined {
  if (el instanceof TerraformResource) return { block: 'resource', type: el.terraformResourceType };
  if (el instanceof TerraformDataSource) return { block: 'data', type: el.terraformResourceType };
  return undefined;
}

/**
 * A TerraformStack whose resources and data sources have readable logical IDs ({@link readableLogicalId} of their
 * construct path below the stack), with a `moved` block from each resource's cdktf 0.21 hashed address (what
 * `TerraformStack.allocateLogicalId` gives it) to its readable one. Providers, outputs, variables and the backend keep
 * cdktf's IDs (a single construct ID, as written).
 *
 * Two elements of the same block and type that would get the same ID (construct IDs `a-b/c` and `a/b-c`, say) are
 * refused as soon as the second asks for its ID, with an Error naming both construct paths; so is a readable address
 * that is also the hashed address of another resource of its type.
 *
 * Extend this class instead of `TerraformStack`; nothing else is needed, in the stack or in any module.
 * @see https://developer.hashicorp.com/terraform/language/modules/develop/refactoring
 */
export class ReadableIdStack extends TerraformStack {
  /** `<block>.<type>.<id>` → the construct path that has it. */
  private allocated?: Map<string, string>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    Aspects.of(this).add(new MovedFromHashedAddresses(this));
  }

  /**
   * The readable ID of a resource or data source; cdktf's own for every other element.
   * @throws Error when two elements of the same block and type would get the same ID
   */
  protected override allocateLogicalId(tfElement: TerraformElement | Node): string {
    const el = TerraformElement.isTerraformElement(tfElement) ? (tfElement as TerraformElement) : undefined;
    const kind = el && addressKind(el);
    if (!el || !kind) return super.allocateLogicalId(tfElement);
    const scopes = el.node.scopes;
    const components = scopes.slice(scopes.indexOf(el.cdktfStack) + 1).map((c) => c.node.id);
    const id = readableLogicalId(components);
    const key = `${kind.block}.${kind.type}.${id}`;
    this.allocated ??= new Map();
    const holder = this.allocated.get(key);
    if (holder !== undefined && holder !== el.node.path) {
      throw new Error(
        `${kind.block === 'data' ? 'data.' : ''}${kind.type}.${id}: the constructs ${holder} and ${el.node.path} get the same ` +
          'Terraform address; give one of them another construct ID',
      );
    }
    this.allocated.set(key, el.node.path);
    return id;
  }

  /**
   * The ID cdktf 0.21 gives an element by default (`TerraformStack.allocateLogicalId`: the path components and an
   * 8-character hash, e.g. `trail_3987B402`): the address a resource had before this scheme.
   */
  hashedLogicalId(el: TerraformElement | Node): string {
    return super.allocateLogicalId(el);
  }
}

/**
 * The aspect that {@link ReadableIdStack} adds: one Terraform `moved` block for each resource of the stack whose
 * hashed address differs from its readable one, `from` the hashed `to` the readable address, written as the stack's
 * top-level `moved` list (a stack override). The same block as cdktf's `moveFromId` writes, without what
 * `moveFromId` also brings: a validation that runs `terraform version` in a child process for every stack at every
 * synth (node_modules/cdktf/lib/synthesize/synthesizer.js, `hasResourceMove`), about 90 ms a stack, 90 s for 1,000
 * stacks. (`moved` needs Terraform 1.1 or later; the project requires 1.10.) Idempotent: a stack synthesized twice
 * gets each block once.
 * @throws Error when a readable address is also the hashed address of another resource of its type (the `moved`
 *   block would point at a resource in the configuration)
 * @see https://developer.hashicorp.com/terraform/language/modules/develop/refactoring
 * @see https://developer.hashicorp.com/terraform/language/block/moved
 */
export class MovedFromHashedAddresses implements IAspect {
  private readonly done = new WeakSet<TerraformResource>();
  private readonly moved: Array<{ from: string; to: string }> = [];
  /** `<type>.<id>` → construct path, of every resource of the stack (made at the first visit, when all exist). */
  private addresses?: Map<string, string>;

  constructor(private readonly stack: ReadableIdStack) {}

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource) || node.cdktfStack !== this.stack || this.done.has(node)) return;
    this.done.add(node);
    const from = `${node.terraformResourceType}.${this.stack.hashedLogicalId(node)}`;
    const to = `${node.terraformResourceType}.${node.friendlyUniqueId}`;
    if (from === to) return;
    this.addresses ??= new Map(
      this.stack.node
        .findAll()
        .filter((c): c is TerraformResource => c instanceof TerraformResource && c.cdktfStack === this.stack)
        .map((r) => [`${r.terraformResourceType}.${r.friendlyUniqueId}`, r.node.path]),
    );
    const clash = this.addresses.get(from);
    if (clash !== undefined) throw new Error(`${from}: the old address of ${node.node.path} is the address of ${clash}`);
    this.moved.push({ from, to });
    this.stack.addOverride('moved', [...this.moved]);
  }
}
