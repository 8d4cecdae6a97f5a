/**
 * Stubs for what an offline plan cannot read: the archive key's ARN, which an account stack with
 * `logDestination: archive` reads from KMS by the key's alias ARN at plan time (`data "aws_kms_key"`,
 * modules/log-archive-key-ref.ts). Offline there is no KMS to ask, and the fake credentials would fail the read.
 */

/** The key ID the stub ARN ends with; no real key has it (a UUID of zeros). */
export const STUB_KEY_ID = '00000000-0000-0000-0000-000000000000';

/** A KMS alias ARN: partition, Region, account. */
const ALIAS_ARN = /^arn:(aws(?:-cn|-us-gov)?):kms:([a-z0-9-]+):(\d{12}):alias\/.+$/;

/**
 * In an offline copy of a stack (never in the synthesized JSON): every `data "aws_kms_key"` whose `key_id` is an alias
 * ARN, and whose ARN the stack uses only through locals that hold exactly `${data.aws_kms_key.<name>.arn}`, gets
 * `count = 0` (it is not read), and those locals get `arn:<p>:kms:<region>:<account>:key/<STUB_KEY_ID>` in the alias's
 * account and Region. Nothing else is changed, so a data source used any other way still fails the plan, loudly.
 * Changes `copy` in place.
 * @param copy a stack's Terraform JSON, already a copy
 * @returns the names of the data sources stubbed
 * @see https://developer.hashicorp.com/terraform/language/meta-arguments/count
 * @see https://developer.hashicorp.com/terraform/language/values/locals
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Terraform JSON
export function stubArchiveKeyData(copy: Record<string, any>): string[] {
  const stubbed: string[] = [];
  const keys: Record<string, { key_id?: unknown }> = copy.data?.aws_kms_key ?? {};
  const locals: Record<string, unknown> = copy.locals ?? {};
  for (const [name, data] of Object.entries(keys)) {
    const m = typeof data.key_id === 'string' ? ALIAS_ARN.exec(data.key_id) : null;
    if (!m) continue;
    const ref = `\${data.aws_kms_key.${name}.arn}`;
    const holders = Object.keys(locals).filter((k) => locals[k] === ref);
    const elsewhere = JSON.stringify({ ...copy, locals: undefined }).includes(`data.aws_kms_key.${name}.`);
    if (holders.length === 0 || elsewhere) continue;
    Object.assign(data, { count: 0 });
    for (const k of holders) locals[k] = `arn:${m[1]}:kms:${m[2]}:${m[3]}:key/${STUB_KEY_ID}`;
    stubbed.push(name);
  }
  return stubbed;
}
