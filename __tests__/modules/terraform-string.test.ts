/**
 * Text reaches AWS exactly as written (issue #9, item 6): modules/terraform-string.ts, and every place where literal
 * text enters a resource. The proof is terraform itself: `terraform validate` and an offline `terraform plan` of a
 * stack whose runbook and policy hold `${...}`, `%{...}` and cdktf token markers, read back with `terraform show -json`.
 *
 * Terraform JSON syntax reads every string as a template: https://developer.hashicorp.com/terraform/language/syntax/json#expression-mapping
 * (escapes: https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences-1).
 */
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { Fn, TerraformLocal, Token } from 'cdktf';
import { policyDocument, policyJson, policyText } from '../../modules/policies/types';
import { RunbookDocument } from '../../modules/runbook-document';
import {
  EMPTY_DIRECTIVE,
  escapeTemplateSequences,
  terraformLiteral,
  terraformString,
  terraformStringMap,
} from '../../modules/terraform-string';
import { initValidatePlan, tallyCheck } from '../support/terraform';
import { bareStack, only, synth } from './helpers';

describe('escapeTemplateSequences', () => {
  it.each([
    ['${aws:username}', '$${aws:username}'],
    ['%{ if x }', '%%{ if x }'],
    ['$${x}', '$$${x}'],
    ['%%{y}', '%%%{y}'],
    ['$$ and $ and % and {}', '$$ and $ and % and {}'],
    ['a\nb "c" \\d', 'a\nb "c" \\d'],
  ])('%j is written %j', (text, written) => {
    expect(escapeTemplateSequences(text)).toBe(written);
  });
});

describe('terraformLiteral', () => {
  it('breaks every cdktf marker, so cdktf finds no token in the text', () => {
    const text = '${TfToken[TOKEN.1]} #{TfToken[TOKEN.2]} &{TfToken[TOKEN.3]}';
    const written = terraformLiteral(text);
    expect(written).toBe(
      `$\${Tf${EMPTY_DIRECTIVE}Token[TOKEN.1]} #{Tf${EMPTY_DIRECTIVE}Token[TOKEN.2]} &{Tf${EMPTY_DIRECTIVE}Token[TOKEN.3]}`,
    );
    expect(Token.isUnresolved(written)).toBe(false);
  });

  it('breaks the text of a cdktf number token and cdktf map-token values', () => {
    const stack = bareStack();
    const n = new TerraformLocal(stack, 'n', 7).asNumber;
    const text = `port ${String(n)}`;
    expect(Token.isUnresolved(n)).toBe(true);
    const written = terraformLiteral(text);
    expect(written).toBe(`port ${String(n).replace('e', `${EMPTY_DIRECTIVE}e`)}`);
    expect(terraformLiteral(Token.STRING_MAP_TOKEN_VALUE)).toBe(`String${EMPTY_DIRECTIVE} Map Token Value`);
  });
});

describe('terraformString', () => {
  it('keeps the tokens this app created and writes the rest literally', () => {
    const stack = bareStack();
    const arn = new TerraformLocal(stack, 'arn', 'x').asString;
    expect(terraformString(`key ${arn} for \${aws:username}`)).toBe(`key ${arn} for $\${aws:username}`);
    // A marker with a key no token owns is literal text (cdktf itself would throw on it).
    expect(terraformString('${TfToken[NOPE.424242]}')).toBe(`$\${Tf${EMPTY_DIRECTIVE}Token[NOPE.424242]}`);
    // A `$` right before a token, and a `${` that cdktf would read as left open before it.
    expect(terraformString(`a$${arn}`)).toBe(`a$${EMPTY_DIRECTIVE}${arn}`);
    expect(terraformString(`\${open ${arn}`)).toBe(`$${EMPTY_DIRECTIVE}{open ${arn}`);
    expect(terraformStringMap({ 'k%{y}': '${v}' })).toEqual({ 'k%%{y}': '$${v}' });
  });
});

/** Literal text that Terraform and cdktf would both misread without the escaping. */
const CONTENT = [
  "schemaVersion: '0.3'",
  'description: "caller ${aws:username}"',
  '# %{ if x } a directive, %%{ doubled, $${ escaped, $$ two dollars and a last $',
  '# ${TfToken[TOKEN.1]} #{TfToken[TOKEN.2]} &{TfToken[TOKEN.3]} ${TfToken[NOPE.424242]}',
  '# quotes " and a backslash \\ and a tab \t stay',
  'mainSteps: []',
  '',
].join('\n');
const KEY_ARN = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const RAW = 'a: "${x}"\nb: 1\n';

/** A stack with the runbook, a policy with IAM policy variables and a reference, and Fn.rawString for comparison. */
function literalStack() {
  const stack = bareStack();
  const keyArn = new TerraformLocal(stack, 'key_arn', KEY_ARN).asString;
  // The text of a cdktf number token (a tagged double such as -1.8881545897087626e+289), as literal text.
  const content = `${CONTENT}# ${String(new TerraformLocal(stack, 'port', 7).asNumber)}\n`;
  const doc = policyDocument([
    {
      Sid: 'PolicyVariables',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::ct-logs-111111111111/AWSLogs/${aws:SourceAccount}/*',
      Condition: { StringEquals: { 'aws:SourceAccount': '${aws:SourceAccount}', 'aws:PrincipalTag/team': '%{ if x }' } },
    },
    {
      Sid: 'Reference',
      Effect: 'Allow',
      Action: 'kms:DescribeKey',
      Resource: keyArn,
      Condition: { StringLike: { 'aws:ResourceTag/a': `$${keyArn}`, 'aws:ResourceTag/b': `\${open ${keyArn}` } },
    },
  ]);
  new RunbookDocument(stack, 'runbook', { documentName: 'cloudtrail-guard-literal', content });
  new IamPolicy(stack, 'policy', {
    name: 'cloudtrail-guard-literal',
    description: terraformString('for ${aws:username} %{ if x }'),
    policy: policyJson(doc),
    tags: terraformStringMap({ team: '${team}' }),
  });
  new SsmDocument(stack, 'raw', { name: 'cloudtrail-guard-raw', documentType: 'Automation', documentFormat: 'YAML', content: Fn.rawString(RAW) });
  const expectedPolicy = JSON.parse(policyText(doc).split(keyArn).join(KEY_ARN));
  return { stack, expectedPolicy, content };
}

describe('literal text in a synthesized stack', () => {
  const { stack, expectedPolicy, content } = literalStack();
  const json = synth(stack) as any;

  it('holds the escaped forms and no cdktf marker, and the policy stays valid JSON', () => {
    expect(Object.keys(json.resource.aws_ssm_document)).toHaveLength(2);
    const literal = Object.values(json.resource.aws_ssm_document as Record<string, any>).find((d) => d.name === 'cloudtrail-guard-literal');
    expect(literal.content).toBe(terraformLiteral(content));
    expect(literal.content).toContain('$${aws:username}');
    expect(literal.content).not.toMatch(/\{TfToken\[/);
    const policy = JSON.parse(only(json, 'aws_iam_policy').policy);
    expect(policy.Statement[0].Condition.StringEquals['aws:SourceAccount']).toBe('$${aws:SourceAccount}');
    expect(policy.Statement[1].Resource).toBe('${local.key_arn}');
  });

  it('terraform validate passes and the plan holds exactly the literal text (terraform show -json)', () => {
    if (!tallyCheck('plan: literal ${ and %{ text in a runbook and a policy')) return;
    const r = initValidatePlan(json, { planJson: true });
    expect(r.validate).toMatchObject({ valid: true, error_count: 0 });
    const planned = r.plan!.planned_values.root_module.resources as Array<{ address: string; values: Record<string, any> }>;
    const byAddress = new Map(planned.map((p) => [p.address, p.values]));
    const docs = planned.filter((p) => p.address.startsWith('aws_ssm_document.'));
    const literal = docs.find((d) => d.values.name === 'cloudtrail-guard-literal')!.values;
    expect(literal.content).toBe(content);
    expect(content).toMatch(/# -?\d\.\d+e\+\d+\n$/);
    const policy = [...byAddress.entries()].find(([a]) => a.startsWith('aws_iam_policy.'))![1];
    expect(JSON.parse(policy.policy)).toEqual(expectedPolicy);
    expect(expectedPolicy.Statement[0].Condition.StringEquals['aws:SourceAccount']).toBe('${aws:SourceAccount}');
    expect(expectedPolicy.Statement[1].Condition.StringLike).toEqual({ 'aws:ResourceTag/a': `$${KEY_ARN}`, 'aws:ResourceTag/b': `\${open ${KEY_ARN}` });
    expect(policy.description).toBe('for ${aws:username} %{ if x }');
    expect(policy.tags).toEqual({ team: '${team}' });
    // Fn.rawString (cdktf 0.21) is not the escape for this: Terraform keeps its \n and \" as two characters each.
    const raw = docs.find((d) => d.values.name === 'cloudtrail-guard-raw')!.values;
    expect(raw.content).toBe(RAW.replace(/\n/g, '\\n').replace(/"/g, '\\"'));
    expect(raw.content).not.toBe(RAW);
  });
});
