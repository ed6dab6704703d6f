/**
 * How Asterisk reads an action's `Variable:` headers, for every action that takes them
 * (Originate, PJSIPNotify).
 *
 * `Variable:` values → `[name, value]` in order (manager.c astman_get_variables_order,
 * ORDER_NATURAL): each value is split like application arguments (AST_STANDARD_APP_ARGS:
 * commas outside parentheses and double quotes; quotes and backslashes removed), each item at
 * its first `=`; items without `=` or with an empty name are dropped. Nothing is trimmed.
 */
export function amiVariables(values: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const value of values) {
    for (const item of separateArgs(value.replace(/^[ \t]+/, ''))) {
      const eq = item.indexOf('=');
      if (eq <= 0) continue;
      out.push([item.slice(0, eq), item.slice(eq + 1)]);
    }
  }
  return out;
}

function separateArgs(text: string): string[] {
  const args: string[] = [];
  let current = '';
  let paren = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '(') paren++;
    else if (c === ')' && paren > 0) paren--;
    if (c === '"') {
      quoted = !quoted;
      continue;
    }
    if (c === '\\') {
      current += text.charAt(++i);
      continue;
    }
    if (c === ',' && paren === 0 && !quoted) {
      args.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  args.push(current);
  return args;
}
