/**
 * Offline plans of a stack that delivers to the log archive: it reads the archive key's ARN from KMS at plan time
 * (`data "aws_kms_key"` by alias ARN), which no offline plan can. The offline copy, and only the copy, stubs it
 * (tools/offline-stubs.ts): the data source gets `count = 0`, the one local that holds its ARN a key ARN of zeros in the
 * alias's account and Region. Then terraform plans the stack and every use of the key gets that ARN.
 */
import { offlineCopy } from '../../tools/offline-terraform';
import { STUB_KEY_ID, stubArchiveKeyData } from '../../tools/offline-stubs';
import { example, synthFile } from '../support/synth';
import { initValidatePlan, tallyCheck } from '../support/terraform';

const stacks = synthFile(example('log-archive.yaml'));
const account = stacks.find((s) => s.name === 'cloudtrail-guard-222222222222-eu-west-1')!.json;
const STUB = `arn:aws:kms:eu-west-1:444444444444:key/${STUB_KEY_ID}`;

test('the copy stubs the data source and its local; the synthesized JSON is untouched', () => {
  const before = JSON.stringify(account);
  const copy = offlineCopy(account);
  expect(JSON.stringify(account)).toBe(before);
  expect(copy.data.aws_kms_key.log_archive_key).toMatchObject({
    count: 0,
    key_id: 'arn:aws:kms:eu-west-1:444444444444:alias/cloudtrail-guard-archive',
  });
  expect(copy.locals).toEqual({ log_archive_key_arn: STUB });
  // Everything else is as synthesized.
  expect(copy.resource).toEqual(account.resource);
});

test('a data source the stack also uses directly is left alone (the plan then fails loudly, never half-stubbed)', () => {
  const copy = JSON.parse(JSON.stringify(account));
  copy.resource.aws_cloudtrail.trail.kms_key_id = '${data.aws_kms_key.log_archive_key.arn}';
  expect(stubArchiveKeyData(copy)).toEqual([]);
  expect(copy.data.aws_kms_key.log_archive_key.count).toBeUndefined();
  expect(copy.locals.log_archive_key_arn).toBe('${data.aws_kms_key.log_archive_key.arn}');
  const other = JSON.parse(JSON.stringify(account));
  other.data.aws_kms_key.log_archive_key.key_id = 'alias/cloudtrail-guard-archive';
  expect(stubArchiveKeyData(other)).toEqual([]);
});

test('terraform plans the stack offline: the trail, the runbook and the automation role get the stub key ARN', () => {
  if (!tallyCheck('plan log-archive.yaml account stack with the stubbed archive key')) return;
  const r = initValidatePlan(account, { planJson: true });
  expect(r.validate).toMatchObject({ valid: true, error_count: 0 });
  expect(r.toAdd).toBe(10);
  const planned = (type: string) =>
    (r.plan!.planned_values.root_module.resources as Array<{ type: string; values: Record<string, any> }>).filter((x) => x.type === type);
  expect(planned('aws_cloudtrail')[0].values).toMatchObject({
    kms_key_id: STUB,
    s3_bucket_name: 'cloudtrail-guard-archive-444444444444-eu-west-1',
    s3_key_prefix: 'logs',
  });
  const params = planned('aws_config_remediation_configuration')[0].values.parameter as Array<{ name: string; static_value: string }>;
  expect(params.find((p) => p.name === 'KmsKeyId')!.static_value).toBe(STUB);
  const automation = planned('aws_iam_role_policy').find((p) => p.values.name === 'cloudtrail-remediation')!;
  const describe = JSON.parse(automation.values.policy).Statement.find((s: any) => s.Sid === 'DescribeTrailKey');
  expect(describe.Resource).toBe(STUB);
});
