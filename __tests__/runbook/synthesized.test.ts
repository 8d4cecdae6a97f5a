/**
 * The document that every synthesized stack deploys carries the handler: the `aws_ssm_document` content, parsed, has
 * the aws:executeScript step whose Script is runbook/remediate_trail.py byte for byte, and the final
 * assertAwsResourceProperty on $.IsLogging with "True".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { HANDLER_PATH } from '../../runbook/document/document';
import { example, only, resources, ROOT, synthFile } from '../support/synth';

const stacks = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => synthFile(example(f)).map((s): [string, Record<string, any>] => [`${f} ${s.name}`, s.json]))
  .filter(([, json]) => resources(json, 'aws_ssm_document').length > 0);

it('covers a runbook stack of every example', () => {
  const files = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml'));
  for (const f of files) expect([f, stacks.some(([n]) => n.startsWith(`${f} `))]).toEqual([f, true]);
});

describe.each(stacks)('%s', (_name, json) => {
  const doc = only(json, 'aws_ssm_document');
  const content = parse(doc.content as string) as {
    mainSteps: Array<{ name: string; action: string; inputs: Record<string, unknown> }>;
  };

  it('is an Automation document in YAML whose script step is the handler file', () => {
    expect([doc.document_type, doc.document_format]).toEqual(['Automation', 'YAML']);
    expect(content.mainSteps.map((s) => s.action)).toEqual(['aws:executeScript', 'aws:assertAwsResourceProperty']);
    expect(content.mainSteps[0].inputs.Script).toBe(readFileSync(HANDLER_PATH, 'utf8'));
    expect(content.mainSteps[0].inputs.Runtime).toBe('python3.11');
  });

  it('ends with IsLogging asserted as "True"', () => {
    expect(content.mainSteps[1].inputs.PropertySelector).toBe('$.IsLogging');
    expect(content.mainSteps[1].inputs.DesiredValues).toEqual(['True']);
  });
});
