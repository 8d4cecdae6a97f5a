import type { Construct } from 'constructs';
import type { GuardConfig } from '../config/types';
import { AccountStack } from './account-stack';
import { DetectionStack } from './detection-stack';
import { LogArchiveStack } from './log-archive-stack';

export { AccountStack, standardTags } from './account-stack';
export { DetectionStack } from './detection-stack';
export { LogArchiveStack } from './log-archive-stack';

/** Every stack the app builds: the log archive's, an account's, or a member's that only detects. */
export type GuardStack = LogArchiveStack | AccountStack | DetectionStack;

/**
 * Adds the stacks of a configuration to `app`: first the log-archive stack (with `logArchive`, unless a selection
 * left it out: it deploys first), then one stack per configured (account, home Region), in config order: an
 * {@link AccountStack}, or a {@link DetectionStack} for a member that the organization trail covers.
 * @returns the stacks, in that order
 * @throws Error from the stacks when a construct refuses its input.
 */
export function buildStacks(app: Construct, config: GuardConfig): GuardStack[] {
  const stacks: GuardStack[] = [];
  if (config.logArchive && config.logArchiveSelected !== false) stacks.push(new LogArchiveStack(app, { config }));
  for (const account of config.accounts) {
    stacks.push(account.detectionOnly ? new DetectionStack(app, { config, account }) : new AccountStack(app, { config, account }));
  }
  return stacks;
}
