/**
 * Actions → wire bytes, refusing anything that could inject headers or actions.
 *
 * AMI has no escaping: a CR or LF inside a value ends the header and lets the rest become
 * new headers (or, after an empty line, a whole new action running with our privileges).
 * So any control character in a key or value is a hard `AMI_ERR_INJECTION` error — never
 * stripped or escaped silently, because a changed value (a different number dialled) is as
 * wrong as an injected one.
 */
import { AmiError, AmiErrorCode } from './errors.js';

export type AmiValue = string | number | boolean;

export interface AmiAction {
  /** The action name, e.g. `Originate`. */
  action: string;
  /** Set by the client for correlation; callers normally leave it out. */
  actionId?: string;
  /** Headers in order. Arrays repeat the header (`Variable`, `Filter`). Undefined is left out. */
  headers?: Record<string, AmiValue | readonly AmiValue[] | undefined>;
  /**
   * Channel variables (or NOTIFY headers), one `Variable: name=value` header each. The value is
   * sent as given to the variable: see `escapeVariableValue`.
   */
  variables?: Record<string, AmiValue>;
}

// Any C0 control character, DEL, or C1 control character. CR and LF end an AMI line
// (Asterisk's manager.c reads up to LF and drops a CR before it); NUL ends a C string inside
// Asterisk, cutting the value short. TAB is included: Asterisk would pass it through, but no
// legitimate value needs it and some phones and CDR backends mangle it. C1 (U+0080–U+009F)
// has no business in a header either, and some terminals and log viewers act on it.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// In a `u` regex a valid surrogate pair is one code point, so this matches only lone halves.
const LONE_SURROGATE = /\p{Cs}/u;
// AMI keys are tokens; a colon or space would shift the value, so refuse them.
const KEY = /^[A-Za-z0-9_\-()@.,/]+$/;
// Variable names: dialplan functions like PJSIP_HEADER(add,Call-Info) are allowed; `=` is not.
const VARIABLE_NAME = /^[A-Za-z0-9_\-()@.,/:]+$/;

function checkValue(action: string, key: string, value: string): void {
  const m = CONTROL.exec(value);
  if (m) {
    throw new AmiError(
      AmiErrorCode.Injection,
      `control character U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')} in ${action} header ${key}`,
      { action, header: key, position: m.index },
    );
  }
}

function checkKey(action: string, key: string): void {
  if (CONTROL.test(key)) {
    throw new AmiError(AmiErrorCode.Injection, `control character in a header name of ${action}`, { action });
  }
  if (!KEY.test(key)) {
    throw new AmiError(AmiErrorCode.BadKey, `invalid header name ${JSON.stringify(key)} in ${action}`, {
      action,
      header: key,
    });
  }
}

function text(action: string, key: string, value: AmiValue): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    // `Timeout: NaN` would reach Asterisk as text it reads as 0 (no timeout at all).
    if (!Number.isFinite(value)) {
      throw new AmiError(AmiErrorCode.BadValue, `${action} header ${key} is not a finite number`, {
        action,
        header: key,
      });
    }
    return String(value);
  }
  if (typeof value !== 'string') {
    throw new AmiError(AmiErrorCode.BadValue, `${action} header ${key} must be a string, number or boolean`, {
      action,
      header: key,
    });
  }
  // A lone surrogate would be replaced by U+FFFD on the wire: a silently changed value.
  if (LONE_SURROGATE.test(value)) {
    throw new AmiError(AmiErrorCode.BadValue, `${action} header ${key} is not well-formed Unicode`, {
      action,
      header: key,
    });
  }
  return value;
}

/**
 * Asterisk splits a `Variable:` header like application arguments (manager.c
 * man_do_variable_value: AST_STANDARD_APP_ARGS), so `a=1,b=2` sets two variables and quotes
 * and backslashes are removed. Without escaping, a value holding a comma — a CRM reference
 * typed by a user — would set further variables, or write dialplan functions, on the channel.
 * A backslash makes the next character literal; nothing else changes.
 */
export function escapeVariableValue(value: string): string {
  return value.replace(/[\\,"]/g, (c) => `\\${c}`);
}

/** Checks every key and value and returns the action's exact wire text. */
export function serializeAction(action: AmiAction): string {
  const name = text('action', 'Action', action.action);
  checkValue('action', 'Action', name);
  if (!KEY.test(name)) {
    throw new AmiError(AmiErrorCode.BadKey, `invalid action name ${JSON.stringify(name)}`, { header: 'Action' });
  }
  let out = `Action: ${name}\r\n`;
  if (action.actionId !== undefined) {
    const id = text(name, 'ActionID', action.actionId);
    checkValue(name, 'ActionID', id);
    out += `ActionID: ${id}\r\n`;
  }
  if (action.headers) {
    for (const key of Object.keys(action.headers)) {
      const value = action.headers[key];
      if (value === undefined) continue;
      checkKey(name, key);
      if (key.toLowerCase() === 'action' || key.toLowerCase() === 'actionid') {
        throw new AmiError(AmiErrorCode.BadKey, `header ${key} is set by the client, not by callers`, {
          action: name,
          header: key,
        });
      }
      const values = Array.isArray(value) ? (value as readonly AmiValue[]) : [value as AmiValue];
      for (const v of values) {
        const s = text(name, key, v);
        checkValue(name, key, s);
        out += `${key}: ${s}\r\n`;
      }
    }
  }
  if (action.variables) {
    for (const varName of Object.keys(action.variables)) {
      if (CONTROL.test(varName)) {
        throw new AmiError(AmiErrorCode.Injection, `control character in a variable name of ${name}`, {
          action: name,
          header: 'Variable',
        });
      }
      if (!VARIABLE_NAME.test(varName)) {
        throw new AmiError(AmiErrorCode.BadKey, `invalid variable name ${JSON.stringify(varName)} in ${name}`, {
          action: name,
          header: 'Variable',
        });
      }
      const s = text(name, `Variable ${varName}`, action.variables[varName] as AmiValue);
      checkValue(name, `Variable ${varName}`, s);
      out += `Variable: ${varName}=${escapeVariableValue(s)}\r\n`;
    }
  }
  return out + '\r\n';
}
