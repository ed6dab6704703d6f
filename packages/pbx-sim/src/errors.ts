/**
 * Every error pbx-sim reports, with a stable code (docs/errors.md lists them). Errors cross
 * the package boundary as `SimError` values; callers switch on `code`, never on the text.
 */
export const SimErrorCode = {
  /** The simulator configuration (YAML file or `startPbxSim` options) is invalid. */
  BadConfig: 'SIM_ERR_BAD_CONFIG',
  /** A control call named a phone, number, line, queue or channel the world does not have. */
  NotFound: 'SIM_ERR_NOT_FOUND',
  /** A control call cannot apply in the current state (answer a phone that is not ringing…). */
  BadState: 'SIM_ERR_BAD_STATE',
  /** A control request (HTTP body, argument) is malformed. */
  BadRequest: 'SIM_ERR_BAD_REQUEST',
  /** An HTTP control request lacks the configured bearer token. */
  Unauthorized: 'SIM_ERR_UNAUTHORIZED',
  /** An AMI client sent a header value with a control character; the action was refused. */
  AmiInjection: 'SIM_ERR_AMI_INJECTION',
  /** The AMI port could not be opened (in use, no permission). */
  Listen: 'SIM_ERR_LISTEN',
  /** The simulator is stopped (or restarting) and cannot take the call. */
  Stopped: 'SIM_ERR_STOPPED',
  /** A conformance comparison found the simulator's trace different from the recording. */
  Conformance: 'SIM_ERR_CONFORMANCE',
  /** A recording or trace file cannot be read as a trace. */
  BadTrace: 'SIM_ERR_BAD_TRACE',
} as const;

export type SimErrorCode = (typeof SimErrorCode)[keyof typeof SimErrorCode];

export class SimError extends Error {
  override readonly name = 'SimError';
  readonly code: SimErrorCode;
  readonly details: Readonly<Record<string, string | number>>;

  constructor(code: SimErrorCode, message: string, details: Record<string, string | number> = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export function isSimError(value: unknown, code?: SimErrorCode): value is SimError {
  return value instanceof SimError && (code === undefined || value.code === code);
}
