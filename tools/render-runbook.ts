/**
 * Prints the runbook document exactly as the stacks deploy it (runbook/cloudtrail-remediation-action.yml with
 * runbook/remediate_trail.py inlined): `node --import tsx tools/render-runbook.ts > runbook.yml`.
 */
import { readRunbook } from '../modules/runbook-document';

process.stdout.write(readRunbook());
