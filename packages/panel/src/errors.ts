/**
 * Every error code the panel itself reports (docs/errors.md, "Panel"). Errors from the gateway
 * (`GW_ERR_…`) and the hub (`HUB_ERR_…`) keep their own codes; the panel shows all three kinds
 * through the same translated messages (i18n `error.<code>`).
 */
export const PanelErrorCode = {
  /** A command was given while the gateway connection was down; nothing was sent. */
  NotConnected: 'PANEL_ERR_NOT_CONNECTED',
  /** The number typed cannot be dialled (letters, too short, too long); nothing was sent. */
  InvalidNumber: 'PANEL_ERR_INVALID_NUMBER',
  /** The hub did not answer (network error, timeout, 502/503/504). */
  HubUnreachable: 'PANEL_ERR_HUB_UNREACHABLE',
  /** The hub session ended (logged out elsewhere, expired, password changed): log in again. */
  SessionEnded: 'PANEL_ERR_SESSION_ENDED',
  /** The connection dropped after the command was sent and it could not be asked again. */
  OutcomeUnknown: 'PANEL_ERR_OUTCOME_UNKNOWN',
  /** A frame from the gateway or the hub did not match the protocol; it was ignored. */
  BadFrame: 'PANEL_ERR_BAD_FRAME',
  /** The hub answered something the panel cannot read (not JSON, wrong shape). */
  BadResponse: 'PANEL_ERR_BAD_RESPONSE',
  /** The call record has not reached the hub yet; the disposition is kept and sent again. */
  RecordNotYetAtHub: 'PANEL_ERR_RECORD_NOT_YET_AT_HUB',
  /** Building the panel bundle failed (`ensurePanelBuilt`); the message has Vite's error. */
  BuildFailed: 'PANEL_ERR_BUILD_FAILED',
} as const;
export type PanelErrorCode = (typeof PanelErrorCode)[keyof typeof PanelErrorCode];

export class PanelError extends Error {
  override readonly name = 'PanelError';
  readonly code: PanelErrorCode;
  constructor(code: PanelErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
