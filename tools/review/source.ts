/**
 * Where the review's stacks come from: a synthesized output folder (`cdktf.out`), or a git ref synthesized in a
 * temporary worktree (`git worktree add`), removed afterwards.
 * @see https://git-scm.com/docs/git-worktree
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { Json } from './stack';

/**
 * The stacks of an output folder: `<outdir>/stacks/<name>/cdk.tf.json`, by name (sorted).
 * @throws Error `<file>: <why>` when a `cdk.tf.json` is not JSON, or when the folder holds no stacks
 */
export function readStacks(outdir: string): Map<string, Json> {
  const dir = join(outdir, 'stacks');
  const names = existsSync(dir)
    ? readdirSync(dir)
        .filter((d) => existsSync(join(dir, d, 'cdk.tf.json')))
        .sort()
    : [];
  if (names.length === 0) throw new Error(`${dir}: no synthesized stacks (run npm run synth first, or give --out)`);
  const out = new Map<string, Json>();
  for (const n of names) {
    const file = join(dir, n, 'cdk.tf.json');
    try {
      out.set(n, JSON.parse(readFileSync(file, 'utf8')));
    } catch (e) {
      throw new Error(`${file}: ${(e as Error).message}`);
    }
  }
  return out;
}

/** True when `path` is a synthesized output folder (it has a `stacks/` folder). */
export function isOutdir(path: string): boolean {
  return existsSync(join(path, 'stacks')) && statSync(join(path, 'stacks')).isDirectory();
}

const git = (repo: string, args: string[]): { status: number; out: string; err: string } => {
  const r = spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8' });
  return { status: r.status ?? -1, out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').trim() };
};

/** Options of {@link synthesizeRef}. */
export interface SynthesizeRefOptions {
  /** The repository (its work tree). @default the project root */
  readonly repo?: string;
  /**
   * The config file: a path relative to the repository is read from the ref's tree (the ref's version of the file);
   * an absolute path is read as it is now.
   * @default `CLOUDTRAIL_GUARD_CONFIG`, else examples/single-account.yaml
   */
  readonly config?: string;
  /** The environment of the synth (`CLOUDTRAIL_GUARD_ACCOUNTS`, `CLOUDTRAIL_GUARD_TAGS` select stacks). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Synthesizes the tree of a git ref: a detached worktree of the ref in a temporary folder (its `node_modules` a link
 * to the repository's), the app run there (`node bin/synth.js`, or `node --import tsx main.ts` for a tree without it)
 * into a temporary output folder, then the worktree removed (`git worktree remove --force`: the folder is ours and
 * holds only the ref's files and the build output).
 * @returns the commit, the stacks, and a label `git ref <ref> (<short commit>)`
 * @throws Error when `ref` is not a commit of the repository, the config is not in the ref's tree, or the synth fails
 *   (with its output)
 */
export function synthesizeRef(
  ref: string,
  opts: SynthesizeRefOptions = {},
): { commit: string; label: string; stacks: Map<string, Json> } {
  const repo = resolve(opts.repo ?? join(__dirname, '..', '..'));
  const env = opts.env ?? process.env;
  const rev = git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (rev.status !== 0 || !/^[0-9a-f]{40}$/.test(rev.out))
    throw new Error(`${ref}: neither a folder of synthesized stacks (with stacks/) nor a git ref of ${repo}`);
  const commit = rev.out;
  const tmp = mkdtempSync(join(tmpdir(), 'ctg-review-ref-'));
  const tree = join(tmp, 'tree');
  const outdir = join(tmp, 'cdktf.out');
  const added = git(repo, ['worktree', 'add', '--detach', tree, commit]);
  if (added.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`git worktree add ${tree} ${commit} failed: ${added.err}`);
  }
  try {
    if (existsSync(join(repo, 'node_modules')))
      symlinkSync(join(repo, 'node_modules'), join(tree, 'node_modules'), 'dir');
    const config = opts.config ?? env.CLOUDTRAIL_GUARD_CONFIG ?? 'examples/single-account.yaml';
    const configPath = isAbsolute(config) ? config : join(tree, config);
    if (!existsSync(configPath)) throw new Error(`${config}: not in the tree of ${ref} (${commit.slice(0, 7)})`);
    const cmd = existsSync(join(tree, 'bin', 'synth.js')) ? ['bin/synth.js'] : ['--import', 'tsx', 'main.ts'];
    const r = spawnSync('node', cmd, {
      cwd: tree,
      encoding: 'utf8',
      env: { ...env, CLOUDTRAIL_GUARD_CONFIG: configPath, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`synth of ${ref} (${commit.slice(0, 7)}) failed:\n${r.stdout}${r.stderr}`);
    return { commit, label: `git ref ${ref} (${commit.slice(0, 7)})`, stacks: readStacks(outdir) };
  } finally {
    // the link first, by itself: nothing below the repository's node_modules is ever touched
    const link = join(tree, 'node_modules');
    if (existsSync(tree) && lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) unlinkSync(link);
    git(repo, ['worktree', 'remove', '--force', tree]);
    git(repo, ['worktree', 'prune']);
    rmSync(tmp, { recursive: true, force: true });
  }
}
