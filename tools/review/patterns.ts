/**
 * IAM wildcards: `*` matches any run of characters (none included), `?` one character. Action names are
 * case-insensitive; ARNs are not.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */
const cache = new Map<string, RegExp>();

/** `s` matches the IAM pattern `pattern`; `ignoreCase` for action names. */
export function matchesPattern(pattern: string, s: string, ignoreCase = false): boolean {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const body = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
    cache.set(key, re);
  }
  return re.test(s);
}
