/**
 * The stacks as the release before readable addresses synthesized them: the same constructs, named by cdktf 0.21's
 * default scheme (`TerraformStack.allocateLogicalId`: path components and a hash, `trail_3987B402`), no `moved`
 * blocks. What the state of an existing user holds.
 */
import { type TerraformElement, Testing } from 'cdktf';
import type { Node } from 'constructs';
import { loadConfig } from '../../config';
import type { GuardConfig } from '../../config/types';
import { buildStacks } from '../../stacks';
import { ReadableIdStack } from '../../stacks/logical-ids';

/**
 * Every stack of a config (as buildStacks makes them, whatever their class), synthesized with the old (hashed)
 * addresses: while it runs, every ReadableIdStack allocates cdktf's own IDs (so its aspect finds nothing to move).
 */
export function synthHashed(config: GuardConfig): Array<{ name: string; json: Record<string, any> }> {
  const proto = ReadableIdStack.prototype as unknown as { allocateLogicalId(el: TerraformElement | Node): string };
  const readable = proto.allocateLogicalId;
  proto.allocateLogicalId = function (this: ReadableIdStack, el: TerraformElement | Node): string {
    return this.hashedLogicalId(el);
  };
  try {
    const app = Testing.app();
    return buildStacks(app, config).map((s) => ({ name: s.node.id, json: JSON.parse(Testing.synth(s)) }));
  } finally {
    proto.allocateLogicalId = readable;
  }
}

/** {@link synthHashed} of a config file. */
export const synthHashedFile = (file: string): Array<{ name: string; json: Record<string, any> }> =>
  synthHashed(loadConfig(file));
