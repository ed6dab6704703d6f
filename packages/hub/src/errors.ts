/**
 * Every error the hub reports, with a stable code (docs/errors.md) and the HTTP status it maps
 * to. The same code appears in HTTP error bodies, WebSocket error messages, logs and the CLI.
 * Callers switch on `code`, never on message text.
 */
import type { FieldProblem } from '@callgate/contracts';

export const HubErrorCode = {
  /** A request body, query or parameter does not match its schema. */
  Validation: 'HUB_ERR_VALIDATION',
  /** The body is not valid JSON, or holds `__proto__`/`constructor.prototype`. */
  BadJson: 'HUB_ERR_BAD_JSON',
  /** The body is larger than `limits.bodyBytes` (or `limits.importBytes` for imports). */
  BodyTooLarge: 'HUB_ERR_BODY_TOO_LARGE',
  /** The body's Content-Type is not one the endpoint takes. */
  UnsupportedMediaType: 'HUB_ERR_UNSUPPORTED_MEDIA_TYPE',
  /** No credentials, or credentials that are not valid (bad/expired token, ended session). */
  Unauthenticated: 'HUB_ERR_UNAUTHENTICATED',
  /** Wrong user name or password (deliberately not saying which). */
  LoginFailed: 'HUB_ERR_LOGIN_FAILED',
  /** Too many failed logins for the account or from the address; see Retry-After. */
  RateLimited: 'HUB_ERR_RATE_LIMITED',
  /** A cookie-authenticated change without the session's X-CSRF-Token, or from another origin. */
  Csrf: 'HUB_ERR_CSRF',
  /** Authenticated, but the role or site does not allow this. */
  Forbidden: 'HUB_ERR_FORBIDDEN',
  /** No such resource (or one the caller may not know exists). */
  NotFound: 'HUB_ERR_NOT_FOUND',
  /** The resource already exists (same id). */
  Conflict: 'HUB_ERR_CONFLICT',
  /** A phone number that cannot be a real number, even with the default country. */
  BadPhoneNumber: 'HUB_ERR_BAD_PHONE_NUMBER',
  /** The disposition code is not in the configured list. */
  UnknownDisposition: 'HUB_ERR_UNKNOWN_DISPOSITION',
  /** A password shorter than `passwords.minLength`. */
  WeakPassword: 'HUB_ERR_WEAK_PASSWORD',
  /** A user, site or queue change that breaks a rule (operator without a site, unknown site…). */
  InvalidChange: 'HUB_ERR_INVALID_CHANGE',
  /** A site credential that is malformed, unknown or rotated away. */
  BadSiteCredential: 'HUB_ERR_BAD_SITE_CREDENTIAL',
  /** The contact CSV has no usable header (a `name` column and at least one `phone…` column). */
  BadCsv: 'HUB_ERR_BAD_CSV',
  /** The hub configuration file or an override is invalid; the message names the field. */
  BadConfig: 'HUB_ERR_BAD_CONFIG',
  /** The database cannot be reached, or a migration failed. */
  Database: 'HUB_ERR_DATABASE',
  /** The operator panel bundle (packages/panel/dist) is not built. */
  PanelNotBuilt: 'HUB_ERR_PANEL_NOT_BUILT',
  /** A bug: the details are in the hub's log under the request id. */
  Internal: 'HUB_ERR_INTERNAL',
} as const;
export type HubErrorCode = (typeof HubErrorCode)[keyof typeof HubErrorCode];

const STATUS: Record<HubErrorCode, number> = {
  HUB_ERR_VALIDATION: 400,
  HUB_ERR_BAD_JSON: 400,
  HUB_ERR_BODY_TOO_LARGE: 413,
  HUB_ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  HUB_ERR_UNAUTHENTICATED: 401,
  HUB_ERR_LOGIN_FAILED: 401,
  HUB_ERR_RATE_LIMITED: 429,
  HUB_ERR_CSRF: 403,
  HUB_ERR_FORBIDDEN: 403,
  HUB_ERR_NOT_FOUND: 404,
  HUB_ERR_CONFLICT: 409,
  HUB_ERR_BAD_PHONE_NUMBER: 400,
  HUB_ERR_UNKNOWN_DISPOSITION: 400,
  HUB_ERR_WEAK_PASSWORD: 400,
  HUB_ERR_INVALID_CHANGE: 400,
  HUB_ERR_BAD_SITE_CREDENTIAL: 401,
  HUB_ERR_BAD_CSV: 400,
  HUB_ERR_BAD_CONFIG: 500,
  HUB_ERR_DATABASE: 503,
  HUB_ERR_PANEL_NOT_BUILT: 404,
  HUB_ERR_INTERNAL: 500,
};

export class HubError extends Error {
  override readonly name = 'HubError';
  readonly code: HubErrorCode;
  readonly status: number;
  readonly problems: readonly FieldProblem[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: HubErrorCode,
    message: string,
    extra: { problems?: readonly FieldProblem[]; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.code = code;
    this.status = STATUS[code];
    this.problems = extra.problems;
    this.retryAfterSeconds = extra.retryAfterSeconds;
  }
}

export function isHubError(value: unknown, code?: HubErrorCode): value is HubError {
  return value instanceof HubError && (code === undefined || value.code === code);
}

export const notFound = (what: string): HubError => new HubError(HubErrorCode.NotFound, `${what} not found`);
export const forbidden = (message = 'not allowed for your role or site'): HubError =>
  new HubError(HubErrorCode.Forbidden, message);
