/**
 * The operator WebSocket protocol, version 1 (docs/protocol.md): browser ↔ site gateway on the
 * LAN. Client frames are one JSON object; server frames are a JSON array of messages (one frame
 * per tick per client: the cost of WebSocket fan-out is per write, not per message).
 *
 * What an operator may see is decided here, by what these schemas can carry: their own calls
 * (the customer's number, the line's label, never the queue name, a channel name or a Uniqueid),
 * their own status, and the site's directory of colleagues (name and extension, for transfers;
 * never their status or calls). Schemas are closed (`additionalProperties: false`), so the
 * gateway's outgoing validation fails if anything else slips in.
 */
import Type from 'typebox';
import { validator } from './validate.js';

export const OPERATOR_PROTOCOL_VERSION = 1;
/** Path of the operator WebSocket on the gateway. */
export const OPERATOR_WS_PATH = '/operator';

const IsoTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);
/** Client-chosen command id: unique per operator for at least 10 minutes. */
const CommandId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });
const CallId = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' });
/** As typed by the operator; the gateway validates and normalises it (E.164 or an extension). */
const DialString = Type.String({ minLength: 1, maxLength: 40 });

/** Close codes (docs/protocol.md). 1000–1015 are WebSocket's own (1009: frame too big). */
export const CloseCode = {
  /** No hello, or a hello without a well-formed token. */
  Unauthorized: 4001,
  /** The token expired and no renewed token arrived in time. */
  TokenExpired: 4002,
  /** Valid token, but not for this site, not an operator, or unknown to this site. */
  Forbidden: 4003,
  /** The client speaks a protocol version this gateway does not. */
  UnsupportedVersion: 4004,
  /** No hello within the allowed time after connecting. */
  HelloTimeout: 4005,
  /** The client is not reading fast enough; reconnect to get a snapshot. */
  TooSlow: 4008,
  /** Too many malformed frames: the client is broken or hostile. */
  ProtocolViolation: 4009,
  /** The same operator session was revoked at the hub. */
  SessionRevoked: 4010,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

// ---- client → gateway ------------------------------------------------------------------

export const HelloMessage = Type.Object(
  {
    type: Type.Literal('hello'),
    v: Type.Integer({ minimum: 1 }),
    token: Type.String({ minLength: 1, maxLength: 8192 }),
    /** Resume an event stream after a reconnect; the gateway replays or sends a snapshot. */
    resume: Type.Optional(
      Type.Object(
        { streamId: Type.String({ maxLength: 100 }), lastSeq: Type.Integer({ minimum: 0 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** A renewed token (before the current one expires). */
export const TokenMessage = Type.Object(
  { type: Type.Literal('token'), token: Type.String({ minLength: 1, maxLength: 8192 }) },
  { additionalProperties: false },
);

/**
 * Asks the gateway for a token it signs itself, when the hub cannot renew one (WAN outage). The
 * socket's current token is the proof; the gateway answers `site-token` or an `error`
 * (GW_ERR_SITE_TOKEN_REFUSED) — it refuses while its own link to the hub is up.
 */
export const RenewMessage = Type.Object({ type: Type.Literal('renew') }, { additionalProperties: false });

const TransferTarget = Type.Union([
  Type.Object({ operatorId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
  Type.Object({ number: DialString }, { additionalProperties: false }),
]);
export type TransferTarget = Type.Static<typeof TransferTarget>;

export const OperatorCommand = Type.Union([
  /** Click-to-call: the operator's phone first (auto-answer), then the customer. */
  Type.Object(
    {
      name: Type.Literal('dial'),
      number: DialString,
      crmRef: Type.Optional(Type.String({ maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]*$' })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ name: Type.Literal('hangup'), callId: CallId }, { additionalProperties: false }),
  Type.Object({ name: Type.Literal('hold'), callId: CallId }, { additionalProperties: false }),
  Type.Object({ name: Type.Literal('unhold'), callId: CallId }, { additionalProperties: false }),
  Type.Object({ name: Type.Literal('transfer'), callId: CallId, to: TransferTarget }, { additionalProperties: false }),
  /** Attended transfer: consult the target while the customer holds. */
  Type.Object(
    { name: Type.Literal('attended-transfer-start'), callId: CallId, to: TransferTarget },
    { additionalProperties: false },
  ),
  Type.Object({ name: Type.Literal('attended-transfer-complete'), callId: CallId }, { additionalProperties: false }),
  Type.Object({ name: Type.Literal('attended-transfer-cancel'), callId: CallId }, { additionalProperties: false }),
  Type.Object(
    {
      name: Type.Literal('dtmf'),
      callId: CallId,
      digits: Type.String({ minLength: 1, maxLength: 32, pattern: '^[0-9*#A-D]+$' }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      name: Type.Literal('set-status'),
      status: Type.Union([Type.Literal('ready'), Type.Literal('paused')]),
      /** Required with `paused`: one of the site's pause reasons. */
      reason: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ name: Type.Literal('end-wrap-up') }, { additionalProperties: false }),
  /** Start work: join the operator's queues (which the operator never sees). */
  Type.Object({ name: Type.Literal('log-in') }, { additionalProperties: false }),
  /** Stop work: leave the operator's queues. */
  Type.Object({ name: Type.Literal('log-out') }, { additionalProperties: false }),
]);
export type OperatorCommand = Type.Static<typeof OperatorCommand>;
export type OperatorCommandName = OperatorCommand['name'];

export const CommandMessage = Type.Object(
  { type: Type.Literal('command'), id: CommandId, command: OperatorCommand },
  { additionalProperties: false },
);

export const ClientMessage = Type.Union([HelloMessage, TokenMessage, RenewMessage, CommandMessage]);
export type ClientMessage = Type.Static<typeof ClientMessage>;
export type HelloMessage = Type.Static<typeof HelloMessage>;
export type CommandMessage = Type.Static<typeof CommandMessage>;

export const clientMessageValidator = validator<ClientMessage>('operator message', ClientMessage);

// ---- gateway → client ------------------------------------------------------------------

export const OperatorCallState = Type.Union([
  /** Click-to-call: the operator's own phone is being rung. */
  Type.Literal('connecting'),
  /** Click-to-call: the customer's phone is ringing. */
  Type.Literal('dialing'),
  /** Incoming: the operator's phone is ringing. */
  Type.Literal('ringing'),
  Type.Literal('talking'),
  Type.Literal('on-hold'),
  /** Attended transfer in progress: the customer holds while the operator consults. */
  Type.Literal('consulting'),
  Type.Literal('ended'),
]);
export type OperatorCallState = Type.Static<typeof OperatorCallState>;

/** An operator's own call, as the operator may see it. */
export const OperatorCall = Type.Object(
  {
    callId: CallId,
    direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound'), Type.Literal('internal')]),
    /** The other party: the customer's number (E.164 where possible) or a colleague's extension. */
    number: Nullable(Type.String({ maxLength: 64 })),
    /** For internal calls: the colleague's display name. */
    name: Nullable(Type.String({ maxLength: 100 })),
    /** The operator-facing label of the line or service the customer called; never a queue name. */
    lineLabel: Nullable(Type.String({ maxLength: 100 })),
    state: OperatorCallState,
    startedAt: IsoTime,
    answeredAt: Nullable(IsoTime),
    /** While on hold, since when. */
    heldSince: Nullable(IsoTime),
    crmRef: Nullable(Type.String({ maxLength: 200 })),
    endedAt: Nullable(IsoTime),
    /** When ended: how it ended for this operator. */
    outcome: Nullable(
      Type.Union([
        Type.Literal('completed'),
        Type.Literal('transferred'),
        Type.Literal('missed'),
        Type.Literal('busy'),
        Type.Literal('no-answer'),
        Type.Literal('failed'),
        Type.Literal('cancelled'),
      ]),
    ),
  },
  { additionalProperties: false },
);
export type OperatorCall = Type.Static<typeof OperatorCall>;

export const OperatorWorkStatus = Type.Object(
  {
    work: Type.Union([
      Type.Literal('logged-out'),
      Type.Literal('ready'),
      Type.Literal('paused'),
      Type.Literal('wrap-up'),
    ]),
    pauseReason: Nullable(Type.String({ maxLength: 40 })),
    /** Time in the current status starts here. */
    since: IsoTime,
    /** During wrap-up: when it ends by itself. */
    wrapUpEndsAt: Nullable(IsoTime),
    phone: Type.Union([
      Type.Literal('unavailable'),
      Type.Literal('idle'),
      Type.Literal('ringing'),
      Type.Literal('in-call'),
      Type.Literal('on-hold'),
    ]),
    /** False while the gateway has no AMI link: commands fail, state may be stale. */
    telephonyUp: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type OperatorWorkStatus = Type.Static<typeof OperatorWorkStatus>;

export const OperatorSnapshot = Type.Object(
  {
    status: OperatorWorkStatus,
    /** Calls in progress for this operator (normally zero or one; two during a consultation). */
    calls: Type.Array(OperatorCall),
  },
  { additionalProperties: false },
);
export type OperatorSnapshot = Type.Static<typeof OperatorSnapshot>;

export const Colleague = Type.Object(
  { operatorId: Type.String(), name: Type.String(), extension: Type.String() },
  { additionalProperties: false },
);
export type Colleague = Type.Static<typeof Colleague>;

export const WelcomeMessage = Type.Object(
  {
    type: Type.Literal('welcome'),
    v: Type.Literal(OPERATOR_PROTOCOL_VERSION),
    operator: Type.Object(
      { operatorId: Type.String(), name: Type.String(), extension: Type.String() },
      { additionalProperties: false },
    ),
    site: Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false }),
    /** Identifies this gateway's event stream; a new value means resume is impossible. */
    streamId: Type.String(),
    /** The sequence number of the last event in the snapshot or replay that follows. */
    seq: Type.Integer({ minimum: 0 }),
    /** True when missed events are replayed after this message; false when `snapshot` is set. */
    resumed: Type.Boolean(),
    snapshot: Nullable(OperatorSnapshot),
    pauseReasons: Type.Array(Type.String()),
    /**
     * False where the site has no hold from the browser (`hold.method: none`): the phone's hold
     * key is the way, and the panel says so instead of offering a button that cannot work.
     * Absent from gateways older than this field: treat as true.
     */
    holdFromBrowser: Type.Optional(Type.Boolean()),
    wrapUpSeconds: Type.Integer({ minimum: 0 }),
    colleagues: Type.Array(Colleague),
    heartbeatSeconds: Type.Integer({ minimum: 1 }),
    tokenExpiresAt: IsoTime,
  },
  { additionalProperties: false },
);

export const OperatorEvent = Type.Union([
  Type.Object(
    {
      kind: Type.Union([
        Type.Literal('call.offered'),
        Type.Literal('call.dialing'),
        Type.Literal('call.answered'),
        Type.Literal('call.held'),
        Type.Literal('call.resumed'),
        Type.Literal('call.consulting'),
        Type.Literal('call.transferred'),
        Type.Literal('call.ended'),
      ]),
      call: OperatorCall,
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('status'), status: OperatorWorkStatus }, { additionalProperties: false }),
]);
export type OperatorEvent = Type.Static<typeof OperatorEvent>;

export const EventMessage = Type.Object(
  { type: Type.Literal('event'), seq: Type.Integer({ minimum: 1 }), at: IsoTime, event: OperatorEvent },
  { additionalProperties: false },
);

export const ReplyMessage = Type.Object(
  {
    type: Type.Literal('reply'),
    id: CommandId,
    status: Type.Union([Type.Literal('accepted'), Type.Literal('done'), Type.Literal('failed')]),
    /** With `failed`: a `GW_ERR_…` code (docs/errors.md). */
    code: Nullable(Type.String()),
    message: Nullable(Type.String()),
    /** The call the command created or acted on. */
    callId: Nullable(CallId),
    /** True when this reply repeats the stored result of a command id seen before. */
    duplicate: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** A problem with a frame that does not close the connection (bad JSON, unknown type). */
export const ErrorMessage = Type.Object(
  { type: Type.Literal('error'), code: Type.String(), message: Type.String() },
  { additionalProperties: false },
);

/** The answer to `renew`: a token signed by this gateway, already in force on this socket. */
export const SiteTokenMessage = Type.Object(
  { type: Type.Literal('site-token'), token: Type.String({ minLength: 1 }), expiresAt: IsoTime },
  { additionalProperties: false },
);

export const HeartbeatMessage = Type.Object(
  { type: Type.Literal('heartbeat'), at: IsoTime, seq: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);

export const ServerMessage = Type.Union([
  WelcomeMessage,
  EventMessage,
  ReplyMessage,
  ErrorMessage,
  HeartbeatMessage,
  SiteTokenMessage,
]);
export type ServerMessage = Type.Static<typeof ServerMessage>;
export type WelcomeMessage = Type.Static<typeof WelcomeMessage>;
export type EventMessage = Type.Static<typeof EventMessage>;
export type ReplyMessage = Type.Static<typeof ReplyMessage>;
export type ErrorMessage = Type.Static<typeof ErrorMessage>;
export type HeartbeatMessage = Type.Static<typeof HeartbeatMessage>;
export type SiteTokenMessage = Type.Static<typeof SiteTokenMessage>;
export type RenewMessage = Type.Static<typeof RenewMessage>;

export const serverMessageValidator = validator<ServerMessage>('gateway message', ServerMessage);
