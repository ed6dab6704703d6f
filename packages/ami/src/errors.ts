/**
 * Every error the `ami` package produces, with a stable code users can search for
 * (docs/errors.md lists them). Errors cross the package boundary as `AmiError` values;
 * callers switch on `code`, never on message text.
 */

import type { AmiMessage } from './message.js';

export const AmiErrorCode = {
  /** A message grew past `maxMessageBytes` before its terminating blank line. */
  MessageTooLarge: 'AMI_ERR_MESSAGE_TOO_LARGE',
  /** A key or value of an action holds CR, LF, NUL or another control character. */
  Injection: 'AMI_ERR_INJECTION',
  /** A header key is empty or holds characters AMI keys cannot have (`:` or space). */
  BadKey: 'AMI_ERR_BAD_KEY',
  /** A value cannot be sent unchanged: a non-finite number, a lone surrogate, not text. */
  BadValue: 'AMI_ERR_BAD_VALUE',
  /** No response to an action within its timeout. */
  Timeout: 'AMI_ERR_TIMEOUT',
  /** The connection dropped while the action was in flight. */
  Disconnected: 'AMI_ERR_DISCONNECTED',
  /** An action was sent while not logged in; actions are never queued across reconnects. */
  NotConnected: 'AMI_ERR_NOT_CONNECTED',
  /** Asterisk refused the credentials. */
  LoginFailed: 'AMI_ERR_LOGIN_FAILED',
  /** Asterisk answered `Response: Error` (the message is Asterisk's own text). */
  ActionFailed: 'AMI_ERR_ACTION_FAILED',
  /** The TCP (or TLS) connect failed: refused, unreachable, timed out; `details.cause` says which. */
  ConnectFailed: 'AMI_ERR_CONNECT_FAILED',
  /** The server accepted TCP but sent no banner, or a banner that is not AMI. */
  NoGreeting: 'AMI_ERR_NO_GREETING',
  /** Too many actions are waiting for the socket; the caller must slow down. */
  Backpressure: 'AMI_ERR_BACKPRESSURE',
  /** The client was stopped; nothing more will be sent. */
  Closed: 'AMI_ERR_CLOSED',
  /** A trace file line is not a valid `{t, dir, raw, conn}` record. */
  BadTrace: 'AMI_ERR_BAD_TRACE',
} as const;

export type AmiErrorCode = (typeof AmiErrorCode)[keyof typeof AmiErrorCode];

export class AmiError extends Error {
  override readonly name = 'AmiError';
  readonly code: AmiErrorCode;
  /** Extra facts for logs (never secrets): the action name, the header at fault, sizes. */
  readonly details: Readonly<Record<string, string | number>>;
  /** For `AMI_ERR_ACTION_FAILED`: Asterisk's whole error response. */
  readonly response: AmiMessage | undefined;

  constructor(
    code: AmiErrorCode,
    message: string,
    details: Record<string, string | number> = {},
    response?: AmiMessage,
  ) {
    super(message);
    this.code = code;
    this.details = details;
    this.response = response;
  }
}

export function isAmiError(value: unknown, code?: AmiErrorCode): value is AmiError {
  return value instanceof AmiError && (code === undefined || value.code === code);
}
