import type { Construct } from 'constructs';
import type { GuardConfig } from '../config/types';
import { AccountStack } from './account-stack';

export { AccountStack, standardTags } from './account-stack';

/**
 * Adds one AccountStack per configured (account, home Region) to `app`.
 * @returns the stacks, in config order
 * @throws Error from {@link AccountStack} when a construct refuses its input.
 */
export function buildStacks(app: Construct, config: GuardConfig): AccountStack[] {
  return config.accounts.map((account) => new AccountStack(app, { config, account }));
}
