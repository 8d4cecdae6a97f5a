// Runs the Python checks (the runbook handler against moto and botocore's Stubber, the document, the CLI) with pytest,
// and prints the closing line `python checks: N ran, M skipped`. Where python3, pytest, boto3 or moto is missing it
// prints why and counts the checks as skipped (exit 0); a failing check exits non-zero.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const python = process.env.PYTHON ?? 'python3';
const probe = spawnSync(python, ['-c', 'import boto3, botocore, moto, pytest, yaml; print(moto.__version__)'], { encoding: 'utf8' });
if (probe.status !== 0) {
  const why = probe.error ? `${python} not found (${probe.error.code})` : (probe.stderr.trim().split('\n').pop() ?? 'import failed');
  console.log(`SKIPPED python checks: they need ${python} with boto3, moto, pytest and PyYAML: ${why}`);
  console.log('python checks: 0 ran, 1 skipped');
  process.exit(0);
}
const run = spawnSync(python, ['-m', 'pytest', '-q', '-rs', '-p', 'no:cacheprovider', '__tests__/runbook/python'], {
  cwd: root,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
  timeout: 15 * 60 * 1000,
});
process.stdout.write(run.stdout ?? '');
const tail = (run.stdout ?? '').trim().split('\n').pop() ?? '';
const count = (word) => Number((new RegExp(`(\\d+) ${word}`).exec(tail) ?? [0, 0])[1]);
const ran = count('passed') + count('failed') + count('error');
console.log(`python checks: ${ran} ran, ${count('skipped')} skipped (moto ${probe.stdout.trim()})`);
if (run.status !== 0 || ran === 0) process.exit(run.status || 1);
