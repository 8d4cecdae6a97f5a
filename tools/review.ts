/**
 * `npm run review`: a plan review people can read. Reads the synthesized stacks (`cdktf.out/stacks/*\/cdk.tf.json`,
 * after `npm run synth`) and writes `cdktf.out/REVIEW.md` and `cdktf.out/review.json` (the same content as data): for
 * each stack, who may write to the log bucket, who may use the key, what the automation and fast path roles may do,
 * what the SCP denies and to whom it makes exceptions, the trail baseline, the Config rules and the remediation, the
 * fast path's event pattern, the notifications, `prevent_destroy`, and a Mermaid diagram.
 *
 * Usage: `npm run review [-- --out <dir>] [--against <previous cdktf.out | git ref>] [--fail-on-security]`
 * - `--out <dir>`: the synthesized output folder to review, and where the two files are written. @default `CDKTF_OUTDIR`, else cdktf.out
 * - `--against <dir | ref>`: diff mode. A folder with `stacks/` is a previous synth; anything else is a git ref, whose
 *   tree is synthesized in a temporary worktree (with the ref's version of the config file, `CLOUDTRAIL_GUARD_CONFIG`
 *   or examples/single-account.yaml) and removed afterwards. The changes are listed first, security-relevant ones first.
 * - `--fail-on-security`: exit 3 when diff mode finds a security-relevant change (for CI).
 *
 * Exit codes: 0 written; 2 bad usage or input (one line per problem, nothing written); 3 see `--fail-on-security`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadActionCatalog } from './review/actions';
import { diffEstates } from './review/diff';
import { renderReview, type ReviewDocument } from './review/render';
import { isOutdir, readStacks, synthesizeRef } from './review/source';
import { describeStack, type Json, policiesOf, resourcesOf } from './review/stack';

export { renderReview, type ReviewDocument } from './review/render';

const USAGE = 'usage: npm run review [-- --out <dir>] [--against <previous cdktf.out | git ref>] [--fail-on-security]';

/** The command line of `npm run review`. */
export interface ReviewArgs {
  readonly out: string;
  readonly against?: string;
  readonly failOnSecurity: boolean;
}

/** Parses the command line; returns the problems (one line each) when there are any. */
export function parseReviewArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ReviewArgs | { problems: string[] } {
  const problems: string[] = [];
  const values: Record<string, string> = {};
  let failOnSecurity = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--fail-on-security') failOnSecurity = true;
    else if (a === '--out' || a === '--against') {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--') || v === '')
        problems.push(`${a}: ${a === '--out' ? 'a folder' : 'a folder or a git ref'} (${USAGE})`);
      else {
        values[a] = v;
        i++;
      }
    } else problems.push(`${a}: unknown argument (${USAGE})`);
  }
  if (problems.length) return { problems };
  return {
    out: values['--out'] ?? (env.CDKTF_OUTDIR || 'cdktf.out'),
    ...(values['--against'] ? { against: values['--against'] } : {}),
    failOnSecurity,
  };
}

/** Every action pattern the policies of these stacks name (to load the IAM action catalog once). */
function actionPatterns(stacks: Iterable<Json>): string[] {
  const out = new Set<string>();
  for (const j of stacks)
    for (const d of policiesOf(resourcesOf(j))) for (const s of d.statements) s.actions.forEach((a) => out.add(a));
  return [...out];
}

/**
 * Builds the review of the stacks in `out` (and the changes against `against`).
 * @throws Error (with a one-line message) when a folder holds no stacks, a stack or a policy cannot be read, or the git
 *   ref cannot be synthesized
 */
export async function buildReview(
  out: string,
  against?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ReviewDocument> {
  const after = readStacks(out);
  let before: Map<string, Json> | undefined;
  let label: string | undefined;
  if (against !== undefined) {
    if (isOutdir(against)) {
      before = readStacks(against);
      label = against;
    } else {
      const r = synthesizeRef(against, { env });
      before = r.stacks;
      label = r.label;
    }
  }
  const catalog = await loadActionCatalog(actionPatterns([...after.values(), ...(before?.values() ?? [])]));
  return {
    generatedBy: 'npm run review (tools/review.ts)',
    source: out,
    ...(before ? { against: label, changes: diffEstates(before, after, catalog) } : {}),
    stacks: [...after.entries()].map(([name, json]) => describeStack(name, json, catalog)),
  };
}

/** Runs `npm run review`; returns the exit code. */
export async function reviewMain(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseReviewArgs(argv, env);
  if ('problems' in args) {
    args.problems.forEach((p) => console.error(p));
    return 2;
  }
  let doc: ReviewDocument;
  try {
    doc = await buildReview(args.out, args.against, env);
  } catch (e) {
    console.error((e as Error).message);
    console.error('cloudtrail-guard review: nothing was written.');
    return 2;
  }
  const md = join(args.out, 'REVIEW.md');
  const json = join(args.out, 'review.json');
  writeFileSync(md, renderReview(doc));
  writeFileSync(json, `${JSON.stringify(doc, null, 2)}\n`);
  if (doc.changes) {
    console.log(
      `changes against ${doc.against}: ${doc.changes.security.length} security-relevant, ${doc.changes.other.length} other`,
    );
    doc.changes.security.forEach((f, i) => console.log(`  ${i + 1}. ${f.stack}: ${f.text}`));
  }
  console.log(`review of ${doc.stacks.length} stack(s) written to ${md} and ${json}`);
  return args.failOnSecurity && (doc.changes?.security.length ?? 0) > 0 ? 3 : 0;
}

if (require.main === module) {
  reviewMain(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      console.error((e as Error).message);
      process.exitCode = 1;
    },
  );
}
