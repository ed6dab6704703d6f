/**
 * AMI messages from the server side: headers in order → bytes. Responses put `Response:` first
 * and `ActionID:` second; list items and events carry the ActionID where Asterisk puts it
 * (fixtures/ami README, "Responses and ActionID").
 *
 * Values are never escaped: everything that reaches here was checked at the boundary (AMI
 * actions with a control character are refused, control-API input is validated), so a CR or
 * LF cannot end a header early.
 */
export function formatMessage(fields: readonly string[]): string {
  let out = '';
  for (let i = 0; i < fields.length; i += 2) out += `${fields[i]}: ${fields[i + 1]}\r\n`;
  return `${out}\r\n`;
}

/** `Response: <status>`, the ActionID if the action had one, then the rest. */
export function response(status: string, actionId: string | undefined, fields: readonly string[] = []): string[] {
  const out = ['Response', status];
  if (actionId !== undefined) out.push('ActionID', actionId);
  out.push(...fields);
  return out;
}

/** Any C0 control character or DEL: refused in action values (they would break framing). */
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000a-\u001f\u007f]/;
