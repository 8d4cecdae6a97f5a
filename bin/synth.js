#!/usr/bin/env node
/**
 * Starts the cdktf app fast: `node bin/synth.js` (what `npm run synth` and cdktf.json's `app` run).
 *
 * It runs dist/main.js, an esbuild bundle of main.ts and everything it imports (cdktf, the provider bindings it
 * uses, yaml, zod ...), with plain `node`: no TypeScript compiler, no loader hooks, no source-map formatting of the
 * stack traces that cdktf captures for every token, and one file to load instead of hundreds. The bundle is rebuilt
 * first, in-process with esbuild (a dependency of tsx), whenever it is missing or any file it was built from is newer
 * than it (the list is esbuild's own metafile, kept in dist/main.inputs.json; node_modules counts as one input,
 * node_modules/.package-lock.json, which npm rewrites on every install). Type checking is `npm run typecheck`.
 *
 * Flags: `--build` rebuilds the bundle and exits. Env `CLOUDTRAIL_GUARD_NO_BUNDLE=1` runs main.ts through tsx instead
 * (the same code, slower); so does a missing esbuild.
 *
 * The bundle's stack traces point into dist/main.js; `node --enable-source-maps bin/synth.js` maps them to the
 * TypeScript sources (dist/main.js.map), at a cost of seconds for large estates.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const entry = path.join(root, 'main.ts');
const outfile = path.join(root, 'dist', 'main.js');
const inputsFile = path.join(root, 'dist', 'main.inputs.json');
const DEPENDENCIES_STAMP = 'node_modules/.package-lock.json';

/** True when the bundle is missing or older than one of its inputs (or an input is gone). */
function isStale() {
  let built;
  let inputs;
  try {
    built = fs.statSync(outfile).mtimeMs;
    inputs = JSON.parse(fs.readFileSync(inputsFile, 'utf8'));
  } catch {
    return true;
  }
  if (!Array.isArray(inputs) || inputs.length === 0) return true;
  for (const file of inputs) {
    try {
      if (fs.statSync(path.join(root, file)).mtimeMs > built) return true;
    } catch {
      return true;
    }
  }
  return false;
}

/**
 * cdktf captures a full stack trace (Error.stackTraceLimit = MAX_SAFE_INTEGER) for every token it creates, only to
 * print it if that token later fails to resolve. On a 100-account estate that is a third of the synth's CPU time
 * (measured with node --cpu-prof). In the bundle, the capture runs only when CLOUDTRAIL_GUARD_TOKEN_STACK_TRACES=1;
 * otherwise a token's creation stack is empty. The synthesized Terraform JSON is the same either way.
 */
const tokenStackTracesOnDemand = {
  name: 'cdktf-token-stack-traces-on-demand',
  setup(b) {
    b.onLoad({ filter: /[\\/]cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/ }, (args) => ({
      loader: 'js',
      contents:
        fs.readFileSync(args.path, 'utf8') +
        `
const captureFullStackTrace = exports.captureStackTrace;
exports.captureStackTrace = function captureStackTrace(below) {
  return process.env.CLOUDTRAIL_GUARD_TOKEN_STACK_TRACES === '1' ? captureFullStackTrace(below || captureStackTrace) : [];
};
`,
    }));
  },
};

/** Bundles main.ts into dist/main.js (written atomically, so a concurrent run never loads half a file). */
async function build() {
  const esbuild = require('esbuild');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'warning',
    plugins: [tokenStackTracesOnDemand],
  });
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  const tmp = `.${process.pid}.tmp`;
  // the map first, so that a bundle never points at a missing map
  const files = [...result.outputFiles].sort((a, b) => Number(b.path.endsWith('.map')) - Number(a.path.endsWith('.map')));
  for (const f of files) {
    fs.writeFileSync(f.path + tmp, f.contents);
    fs.renameSync(f.path + tmp, f.path);
  }
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.split('/').includes('node_modules'));
  if (fs.existsSync(path.join(root, DEPENDENCIES_STAMP))) inputs.push(DEPENDENCIES_STAMP);
  inputs.push(path.relative(root, __filename)); // this build recipe
  fs.writeFileSync(inputsFile + tmp, JSON.stringify(inputs, null, 1) + '\n');
  fs.renameSync(inputsFile + tmp, inputsFile);
}

/** Loads main.ts through tsx (no bundle). */
function loadWithTsx() {
  require('tsx/cjs/api').register();
  return require(entry);
}

async function loadApp() {
  if (process.env.CLOUDTRAIL_GUARD_NO_BUNDLE === '1') return loadWithTsx();
  try {
    if (isStale()) await build();
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes("'esbuild'")) {
      console.error('cloudtrail-guard: esbuild is not installed; running main.ts through tsx (slower).');
      return loadWithTsx();
    }
    throw e; // a compile error in the sources: esbuild has printed it
  }
  return require(outfile);
}

async function run() {
  if (process.argv.includes('--build')) {
    await build();
    console.error(`cloudtrail-guard: bundled ${path.relative(root, entry)} into ${path.relative(root, outfile)}`);
    return;
  }
  const app = await loadApp();
  if (typeof app.main !== 'function') {
    throw new Error('main.ts must export main(env): number (the app entry point that bin/synth.js calls)');
  }
  process.exitCode = app.main(process.env);
}

run().catch((e) => {
  if (!(e && Array.isArray(e.errors))) console.error(e); // esbuild has already printed its own errors
  process.exitCode = 1;
});
