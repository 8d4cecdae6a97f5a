/**
 * Text that reaches the Terraform JSON must reach AWS exactly as written.
 *
 * Terraform reads every string of a `.tf.json` file (object keys too) as a string template: `${...}` is an
 * interpolation and `%{...}` a directive; the escapes are `$${` and `%%{`
 * (https://developer.hashicorp.com/terraform/language/syntax/json#expression-mapping,
 * https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences-1). cdktf, before that, reads
 * `${TfToken[<key>]}`, `#{TfToken[<key>]}` and `&{TfToken[<key>]}` and tagged numbers such as `-1.8881545897087626e+289`
 * in every string as its own tokens (node_modules/cdktf/lib/tokens/private/encoding.js: STRING_TOKEN_REGEX,
 * NUMBER_TOKEN_REGEX), resolving a known key to a Terraform expression and throwing on an unknown one.
 *
 * `Fn.rawString` of cdktf 0.21 does not fit: it is made for string literals inside Terraform function calls, so it
 * also turns a newline into the two characters `\n` and `"` into `\"` (which a `.tf.json` template keeps as they are),
 * and it leaves `%{` alone (node_modules/cdktf/lib/tfExpression.js, `RawString`, `escapeString`).
 *
 * So:
 * - {@link terraformLiteral}: the whole text is literal (a runbook file, a description we write): every `${` and `%{`
 *   is escaped, and every cdktf marker is broken up with {@link EMPTY_DIRECTIVE}, which Terraform renders as nothing.
 * - {@link terraformString}: text that may hold cdktf string tokens our own code put there (a policy naming a key ARN,
 *   a name passed as a resource attribute): those tokens stay references; everything else is literal as above.
 *
 * The results render back to the input exactly; the tests check that through `terraform plan` (`__tests__/modules/
 * terraform-string.test.ts`). Neither is idempotent (applied twice, text is escaped twice): apply them once, where
 * the text enters a resource.
 */
import { Token, Tokenization } from 'cdktf';

/**
 * `%{if true}%{endif}`: a template directive that renders as the empty string. Inserted between two characters, it
 * keeps a cdktf marker such as `{TfToken[` from appearing in the JSON, and it holds no quote or backslash, so a JSON
 * document (a policy) that carries it is still valid JSON.
 * @see https://developer.hashicorp.com/terraform/language/expressions/strings#directives
 */
export const EMPTY_DIRECTIVE = '%{if true}%{endif}';

/** cdktf's string-token marker, as in cdktf 0.21's `STRING_TOKEN_REGEX` (a key of `[a-zA-Z0-9:._-]+`). */
const STRING_TOKEN = /\$\{TfToken\[[a-zA-Z0-9:._-]+\]\}/g;
/** cdktf's `NUMBER_TOKEN_REGEX`: the text of a number that may be a tagged token double. */
const NUMBER_TOKEN = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/g;
/** The two strings cdktf refuses in a string attribute (`Token.STRING_MAP_TOKEN_VALUE`, `Token.ANY_MAP_TOKEN_VALUE`). */
const MAP_TOKEN_VALUES: readonly string[] = [Token.STRING_MAP_TOKEN_VALUE, Token.ANY_MAP_TOKEN_VALUE];

/**
 * Escapes Terraform's template sequences: every `${` becomes `$${` and every `%{` becomes `%%{`. Whatever precedes
 * them (`$${x}` is written `$$${x}`) renders back as written (checked with terraform 1.11).
 * @param text any text
 * @returns the text Terraform renders back to `text` (when nothing follows it: see {@link terraformString})
 * @see https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences-1
 */
export function escapeTemplateSequences(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** Breaks every number text that decodes to a cdktf token double (`keep` says which to leave alone). */
function breakNumberTokens(text: string, keep: (n: number) => boolean): string {
  let out = text;
  for (let guard = 0; guard < 1000; guard++) {
    const hit = [...out.matchAll(NUMBER_TOKEN)].find((m) => {
      const n = parseFloat(m[0]);
      return Token.isUnresolved(n) && !keep(n);
    });
    if (!hit) return out;
    const e = hit.index + hit[0].indexOf('e');
    out = `${out.slice(0, e)}${EMPTY_DIRECTIVE}${out.slice(e)}`;
  }
  throw new Error('terraformLiteral: too many cdktf number tokens in one string');
}

/**
 * Escapes one run of literal text and breaks every cdktf marker in it (see the file comment); `keepNumber` says which
 * number tokens are the app's own (kept).
 */
function literalRun(text: string, keepNumber: (n: number) => boolean): string {
  if (MAP_TOKEN_VALUES.includes(text)) return `${text.slice(0, 6)}${EMPTY_DIRECTIVE}${text.slice(6)}`;
  const escaped = escapeTemplateSequences(text).replace(/\{TfToken\[/g, () => `{Tf${EMPTY_DIRECTIVE}Token[`);
  return breakNumberTokens(escaped, keepNumber);
}

/**
 * The Terraform JSON form of text that is literal throughout: Terraform renders it back to `text`, and cdktf finds no
 * token in it.
 * @param text any text (a runbook, a description, a tag)
 * @returns `text` with `${` written `$${`, `%{` written `%%{`, and cdktf's markers broken by {@link EMPTY_DIRECTIVE}
 * @throws Error only for a string with more than a thousand cdktf number tokens in it
 * @see https://developer.hashicorp.com/terraform/language/syntax/json#expression-mapping
 */
export function terraformLiteral(text: string): string {
  return literalRun(text, () => false);
}

/** True when `marker` is a cdktf string token that this process created (cdktf throws on an unknown key). */
function isKnownStringToken(marker: string): boolean {
  try {
    return Tokenization.reverseString(marker).tokens.length === 1;
  } catch {
    return false;
  }
}

/** True when `n` is a cdktf number token that this process created. */
function isKnownNumberToken(n: number): boolean {
  try {
    return Tokenization.reverseNumber(n) !== undefined;
  } catch {
    return false;
  }
}

/**
 * True when, in cdktf's reading of a string with tokens, the last `${` of `run` (the start of a Terraform expression
 * to cdktf) is not closed by a later `}`: cdktf would then write the next token without its `${ }`
 * (node_modules/cdktf/lib/tokens/private/encoding.js, `nextEscapeToken`; string-fragments.js, `mapTokens`).
 */
function leavesExpressionOpen(run: string): boolean {
  const open = run.lastIndexOf('${');
  return open >= 0 && run.indexOf('}', open + 2) < 0;
}

/**
 * The Terraform JSON form of text that may hold cdktf string tokens created by this app (resource attributes such as
 * a key ARN): each such token stays a reference, and every other character renders back exactly as written. A marker
 * that no token of this process owns is literal text.
 *
 * Where a literal run is followed by a token, two more things are taken care of: a final `$` is written
 * `$%{if true}%{endif}` (else `$` and the token's `${` would read as the escape `$${`), and a `${` that cdktf would see
 * as left open is written `$%{if true}%{endif}{`.
 * @param text any text, tokens included
 * @returns the escaped text, the tokens unchanged
 * @throws Error only for a string with more than a thousand cdktf number tokens in it
 * @see https://developer.hashicorp.com/terraform/language/syntax/json#expression-mapping
 * @see https://developer.hashicorp.com/terraform/cdktf/concepts/tokens
 */
export function terraformString(text: string): string {
  const parts: string[] = [];
  let last = 0;
  for (const m of text.matchAll(STRING_TOKEN)) {
    if (!isKnownStringToken(m[0])) continue;
    let run = literalRun(text.slice(last, m.index), isKnownNumberToken);
    if (leavesExpressionOpen(run)) run = run.replace(/\$\$\{/g, () => `$${EMPTY_DIRECTIVE}{`);
    if (run.endsWith('$')) run = `${run}${EMPTY_DIRECTIVE}`;
    parts.push(run, m[0]);
    last = m.index + m[0].length;
  }
  if (last === 0) return literalRun(text, isKnownNumberToken);
  parts.push(literalRun(text.slice(last), isKnownNumberToken));
  return parts.join('');
}

/**
 * {@link terraformString} applied to every key and every value of a string map (tags, for example; Terraform reads
 * object keys as templates too).
 * @param map a string map; `undefined` gives `{}`
 * @returns a new map
 * @see https://developer.hashicorp.com/terraform/language/syntax/json#expression-mapping
 */
export function terraformStringMap(map: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map ?? {})) out[terraformString(k)] = terraformString(v);
  return out;
}
