/**
 * Every error code the site gateway reports: in WebSocket replies (`failed` with `code`), in
 * logs and in docs/errors.md. Operators' panels translate them; users search for them.
 */
export const GatewayErrorCode = {
  // Operator commands
  /** The number is empty, has letters or control characters, or cannot be a phone number. */
  InvalidNumber: 'GW_ERR_INVALID_NUMBER',
  /** The number is valid but outside the site's allowed destinations. */
  DestinationNotAllowed: 'GW_ERR_DESTINATION_NOT_ALLOWED',
  /** The call id is not one of this operator's current calls. */
  UnknownCall: 'GW_ERR_UNKNOWN_CALL',
  /** The command does not fit the call's state (hold while ringing, unhold while talking, …). */
  InvalidState: 'GW_ERR_INVALID_STATE',
  /** The operator already has a call; finish it first. */
  Busy: 'GW_ERR_BUSY',
  /** The operator's phone is not registered. */
  PhoneUnavailable: 'GW_ERR_PHONE_UNAVAILABLE',
  /** The operator's phone did not answer the click-to-call. */
  PhoneNoAnswer: 'GW_ERR_PHONE_NO_ANSWER',
  /** The operator's phone rejected the click-to-call. */
  PhoneBusy: 'GW_ERR_PHONE_BUSY',
  /** The transfer target is unknown (no such colleague) or is the operator. */
  InvalidTransferTarget: 'GW_ERR_INVALID_TRANSFER_TARGET',
  /** The pause reason is not in the site's list. */
  InvalidPauseReason: 'GW_ERR_INVALID_PAUSE_REASON',
  /** Too many commands in a short time. */
  RateLimited: 'GW_ERR_RATE_LIMITED',
  /** Hold from the browser is not configured at this site (see docs/asterisk.md); use the phone's key. */
  HoldUnavailable: 'GW_ERR_HOLD_UNAVAILABLE',
  /** The phone was asked to hold or resume (hold method phone-notify) and did not; use its key. */
  PhoneDidNotHold: 'GW_ERR_PHONE_DID_NOT_HOLD',
  /** Asterisk refused the action; the message carries Asterisk's text. */
  AsteriskRefused: 'GW_ERR_ASTERISK_REFUSED',
  /** The gateway has no AMI connection right now; nothing was sent. */
  TelephonyDown: 'GW_ERR_TELEPHONY_DOWN',
  /** The action was sent but its result is unknown (AMI dropped or timed out meanwhile). */
  OutcomeUnknown: 'GW_ERR_OUTCOME_UNKNOWN',
  /** The command id was seen before while its first run was interrupted by a restart. */
  Interrupted: 'GW_ERR_INTERRUPTED',

  // Protocol (error messages, not replies)
  /** A frame is not JSON. */
  BadJson: 'GW_ERR_BAD_JSON',
  /** A frame does not match the protocol schema; the message names the field. */
  BadMessage: 'GW_ERR_BAD_MESSAGE',
  /** A frame was sent before the hello completed, or a second hello. */
  OutOfOrder: 'GW_ERR_OUT_OF_ORDER',
  /** A renewed token is invalid or belongs to someone else. */
  BadToken: 'GW_ERR_BAD_TOKEN',
  /**
   * `renew` refused: the gateway's link to the hub is up (renew at the hub), site login is off,
   * the login behind the token has ended, or the operator no longer may log in at this site.
   */
  SiteTokenRefused: 'GW_ERR_SITE_TOKEN_REFUSED',

  // Site-only login (HTTP at the gateway, during a WAN outage)
  /** Unknown user or wrong password (one answer for both). */
  LoginFailed: 'GW_ERR_LOGIN_FAILED',
  /** Site login is not open now: the hub is reachable, it is off, or the user is not an operator here. */
  SiteLoginUnavailable: 'GW_ERR_SITE_LOGIN_UNAVAILABLE',
  /** Too many login attempts for this user or from this address; retry after the given seconds. */
  LoginRateLimited: 'GW_ERR_LOGIN_RATE_LIMITED',
  /** No site login session (cookie missing, expired or logged out), or its CSRF token is wrong. */
  NotLoggedIn: 'GW_ERR_NOT_LOGGED_IN',
  /** The request body is not the JSON the route takes. */
  BadRequest: 'GW_ERR_BAD_REQUEST',
  /** A CRM route asked of the gateway: only the hub has the CRM (the panel shows it unreachable). */
  CrmNotHere: 'GW_ERR_CRM_NOT_HERE',
  /** An unexpected failure inside the gateway while answering an HTTP request; the log has it. */
  Internal: 'GW_ERR_INTERNAL',

  // Start-up
  /** The configuration file is missing, unreadable or invalid; the message names the field. */
  Config: 'GW_ERR_CONFIG',
  /** No usable hub public key: operators cannot be authenticated. */
  NoHubKey: 'GW_ERR_NO_HUB_KEY',
  /** The gateway's own signing key file (site-token-key.json in the data directory) is damaged. */
  BadSiteKey: 'GW_ERR_BAD_SITE_KEY',
} as const;

export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: GatewayErrorCode;
  constructor(code: GatewayErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
