/**
 * The stacks as the release before readable addresses synthesized them: the same constructs, named by cdktf 0.21's
 * default scheme (`TerraformStack.allocateLogicalId`: path components and a hash, `trail_3987B402`), no `moved`
 * blocks. What the state of an existing user holds.
 */
import { App, type TerraformElement, Testing } from 'cdktf';
import type { Node } from 'constructs';
import { loadConfig } from '../../config';
import type { GuardConfig } from '../../config/types';
import { AccountStack } from '../../stacks';

/** AccountStack with cdktf's own logical IDs (so its aspect finds nothing to move). */
class HashedAccountStack extends AccountStack {
  protected override allocateLogicalId(el: TerraformElement | Node): string {
    return this.hashedLogicalId(el);
  }
}

/** Every stack of a config, synthesized with the old (hashed) addresses. */
export function synthHashed(config: GuardConfig): Array<{ name: string; json: Record<string, any> }> {
  const app: App = Testing.app();
  return config.accounts.map((account) => {
    const s = new HashedAccountStack(app, { config, account });
    return { name: s.node.id, json: JSON.parse(Testing.synth(s)) };
  });
}

/** {@link synthHashed} of a config file. */
export const synthHashedFile = (file: string): Array<{ name: string; json: Record<string, any> }> =>
  synthHashed(loadConfig(file));
