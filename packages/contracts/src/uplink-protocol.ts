/**
 * The uplink protocol, version 1 (docs/uplink.md): one WebSocket per site, opened by the site
 * gateway to the hub at `UPLINK_WS_PATH` (wss in production). Every frame is one JSON object.
 *
 * 1. The hub sends `challenge` with a fresh nonce. The gateway answers `hello` with its site
 *    id and `proof` = HMAC-SHA256(key, `uplinkProofInput(site, nonce)`), where the key is the
 *    SHA-256 of the site credential's secret: the verifier the hub stores. The credential
 *    itself never crosses the wire, and a captured hello is useless on any other connection
 *    (the nonce differs), so a forged, replayed or other-site credential is refused with
 *    close code 4001.
 * 2. The hub answers `welcome` (heartbeat, window). The gateway then sends a full live
 *    `snapshot`, its outbox `status`, and starts sending `records` from the oldest
 *    unacknowledged one, at most `window` in flight. The hub acks each by `seq` and `recordId`
 *    once it is committed (`acks`), in the order the calls closed. The gateway deletes a
 *    record from its outbox only on that ack, so anything unacked is sent again after the next
 *    connect and the hub's idempotent ingest (by record id) makes the resend harmless.
 * 3. Live `events` are not acked: they ride the same socket, sequenced per connection (`seq`);
 *    after any gap or reconnect the gateway sends a new snapshot.
 * 4. Down the link: `config` (the site directory, the token keys, the credential verifiers for
 *    the site-only login), each answered with `config-ack`; and `command` (a CRM-initiated call,
 *    a supervisor action) answered with `command-reply` accepted, then done or failed. A command
 *    id is run at most once by the gateway, however often the hub sends it.
 *
 * Heartbeats are WebSocket pings from the gateway (answered by the hub's pongs); either side
 * that hears nothing for `heartbeatSeconds × HEARTBEAT_MISSES` closes the link as half-open.
 */
import Type from 'typebox';
import { SiteLiveSnapshot } from './domain-events.js';
import { IngestResultKind, PublicJwks, SiteCredentialVerifiers, SiteDirectory } from './hub-api.js';
import { SafeId } from './site-config.js';
import { validator } from './validate.js';

export const UPLINK_PROTOCOL_VERSION = 1;
/** Path of the uplink WebSocket on the hub (`wss://hub.example.com/uplink`). */
export const UPLINK_WS_PATH = '/uplink';
/** Missed heartbeat intervals after which a silent link counts as dead. */
export const HEARTBEAT_MISSES = 3;

const IsoTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);
/** 32 random bytes, base64url. */
const Nonce = Type.String({ minLength: 43, maxLength: 43, pattern: '^[A-Za-z0-9_-]{43}$' });
/** An HMAC-SHA256, base64url. */
const Proof = Type.String({ minLength: 43, maxLength: 43, pattern: '^[A-Za-z0-9_-]{43}$' });
/** Hub-chosen command id, unique for at least a day. */
const CommandId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });
/** Version of a config payload: a hash of its content, so a reconnect does not resend it. */
const ConfigVersion = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' });
const ErrorCode = Type.String({ minLength: 1, maxLength: 64 });
const Message = Type.String({ maxLength: 2000 });

/**
 * What the HMAC covers. Binding the site id stops a proof for one site from passing for
 * another; binding the nonce stops replay on another connection.
 */
export function uplinkProofInput(site: string, nonce: string): string {
  return `callgate-uplink/${UPLINK_PROTOCOL_VERSION}\n${site}\n${nonce}`;
}

/** Close codes (docs/uplink.md). 1000–1015 are WebSocket's own (1001: hub shutting down). */
export const UplinkCloseCode = {
  /** The hello's proof is wrong: forged, replayed, rotated or another site's credential. */
  BadCredential: 4001,
  /** The gateway speaks a protocol version the hub does not. */
  UnsupportedVersion: 4004,
  /** No hello within the allowed time after the challenge. */
  HelloTimeout: 4005,
  /** Nothing heard for HEARTBEAT_MISSES heartbeat intervals. */
  HeartbeatTimeout: 4006,
  /** Too many malformed or out-of-order frames. */
  ProtocolViolation: 4009,
  /** Another connection of the same site took over (a reconnect the hub saw first). */
  Superseded: 4011,
  /** The site credential was rotated at the hub: the gateway needs the new one. */
  CredentialRotated: 4012,
  /** The hub could not store records (database down); reconnect later and resend. */
  HubUnavailable: 4013,
} as const;
export type UplinkCloseCode = (typeof UplinkCloseCode)[keyof typeof UplinkCloseCode];

/** Error codes carried in `error` messages, close reasons, logs and docs/errors.md. */
export const UplinkErrorCode = {
  /** The hello's proof does not match (forged, replayed, rotated or another site's credential). */
  BadCredential: 'UPLINK_ERR_BAD_CREDENTIAL',
  /** The credential file holds no valid `cgs1.<site>.<secret>` or names another site. */
  CredentialFile: 'UPLINK_ERR_CREDENTIAL_FILE',
  UnsupportedVersion: 'UPLINK_ERR_UNSUPPORTED_VERSION',
  HelloTimeout: 'UPLINK_ERR_HELLO_TIMEOUT',
  HeartbeatTimeout: 'UPLINK_ERR_HEARTBEAT_TIMEOUT',
  /** A frame is not JSON or does not match the protocol; the message names the field. */
  BadFrame: 'UPLINK_ERR_BAD_FRAME',
  /** A message before the hello, a second hello, a sequence gap or a record seq going back. */
  OutOfOrder: 'UPLINK_ERR_OUT_OF_ORDER',
  /** A live event or snapshot names another site than the one the link authenticated as. */
  WrongSite: 'UPLINK_ERR_WRONG_SITE',
  /** More records in flight than the window the hub granted. */
  WindowExceeded: 'UPLINK_ERR_WINDOW_EXCEEDED',
  Superseded: 'UPLINK_ERR_SUPERSEDED',
  CredentialRotated: 'UPLINK_ERR_CREDENTIAL_ROTATED',
  /** The hub could not store records (database down); the gateway keeps them and retries. */
  HubUnavailable: 'UPLINK_ERR_HUB_UNAVAILABLE',
  /** The gateway could not apply a config push (the message says why). */
  ConfigRejected: 'UPLINK_ERR_CONFIG_REJECTED',
  /** A hub command for a site whose gateway is not connected. */
  SiteOffline: 'UPLINK_ERR_SITE_OFFLINE',
  /** No final reply to a hub command before its deadline; it may or may not have run. */
  CommandTimeout: 'UPLINK_ERR_COMMAND_TIMEOUT',
  /** The command's operator is not one of the site's operators. */
  UnknownOperator: 'UPLINK_ERR_UNKNOWN_OPERATOR',
  /** The gateway was restarted while the command ran: it may or may not have run. */
  Interrupted: 'UPLINK_ERR_INTERRUPTED',
  /** The gateway has no handler for hub commands. */
  CommandsUnsupported: 'UPLINK_ERR_COMMANDS_UNSUPPORTED',
  /** A local failure while handling a frame (a disk error at the site, a bug); the link is cut and resumes. */
  Internal: 'UPLINK_ERR_INTERNAL',
  /**
   * A disposition saved at the site during an outage that the hub will never take: the call is
   * not this site's, the operator did not handle it or is unknown/disabled, or the code is not
   * in the hub's list. Kept at the site (`dispositions_refused`) and logged.
   */
  DispositionRefused: 'UPLINK_ERR_DISPOSITION_REFUSED',
} as const;
export type UplinkErrorCode = (typeof UplinkErrorCode)[keyof typeof UplinkErrorCode];

// ---- shared pieces ----------------------------------------------------------------------

/**
 * The site's delivery health as its gateway reports it; the hub shows it to supervisors next
 * to the site's live state and exports it as metrics.
 */
export const UplinkSiteStatus = Type.Object(
  {
    at: IsoTime,
    /** Records in the outbox not yet acknowledged by the hub. */
    outboxDepth: Type.Integer({ minimum: 0 }),
    /** When the oldest unacknowledged record was written; null when the outbox is empty. */
    oldestUndeliveredAt: Nullable(IsoTime),
    /** Records acknowledged per second over the last 10 seconds. */
    deliveredPerSecond: Type.Number({ minimum: 0 }),
    /** Records the hub refused (dead-lettered) since the gateway started. */
    rejectedTotal: Type.Integer({ minimum: 0 }),
    /** Connects since the gateway started (1 = never dropped). */
    connects: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type UplinkSiteStatus = Type.Static<typeof UplinkSiteStatus>;

/** A command from the hub, run at the site on behalf of one of its operators. */
export const HubCommand = Type.Union([
  /** CRM-initiated call: the operator's phone first (auto-answer), then the customer. */
  Type.Object(
    {
      name: Type.Literal('dial'),
      operatorId: SafeId,
      number: Type.String({ minLength: 1, maxLength: 40 }),
      crmRef: Type.Optional(Type.String({ maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]*$' })),
    },
    { additionalProperties: false },
  ),
  /** Supervisor: set an operator ready or paused (with one of the site's pause reasons). */
  Type.Object(
    {
      name: Type.Literal('set-status'),
      operatorId: SafeId,
      status: Type.Union([Type.Literal('ready'), Type.Literal('paused')]),
      reason: Type.Optional(Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9_-]+$' })),
    },
    { additionalProperties: false },
  ),
  /** Supervisor: take an operator out of their queues. */
  Type.Object({ name: Type.Literal('log-out'), operatorId: SafeId }, { additionalProperties: false }),
]);
export type HubCommand = Type.Static<typeof HubCommand>;
export type HubCommandName = HubCommand['name'];

export const CommandStatus = Type.Union([Type.Literal('accepted'), Type.Literal('done'), Type.Literal('failed')]);
export type CommandStatus = Type.Static<typeof CommandStatus>;

export const HubCommandReply = Type.Object(
  {
    commandId: CommandId,
    status: CommandStatus,
    /** With `failed`: a `GW_ERR_…` or `UPLINK_ERR_…` code (docs/errors.md). */
    code: Nullable(ErrorCode),
    message: Nullable(Message),
    /** The call the command created, when it did. */
    callId: Nullable(Type.String({ maxLength: 100 })),
    /** True when this repeats the stored result of a command id the gateway saw before. */
    duplicate: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type HubCommandReply = Type.Static<typeof HubCommandReply>;

export const ConfigKind = Type.Union([Type.Literal('directory'), Type.Literal('keys'), Type.Literal('verifiers')]);
export type ConfigKind = Type.Static<typeof ConfigKind>;

// ---- gateway → hub ----------------------------------------------------------------------

export const UplinkHello = Type.Object(
  {
    type: Type.Literal('hello'),
    v: Type.Integer({ minimum: 1 }),
    site: SafeId,
    /** The challenge's nonce, echoed. */
    nonce: Nonce,
    proof: Proof,
    /** `callgate-gateway/<version>`, for the hub's log. */
    agent: Type.String({ maxLength: 100 }),
    /** Versions of the config the gateway already has: the hub sends only what differs. */
    configVersions: Type.Object(
      {
        directory: Type.Optional(ConfigVersion),
        keys: Type.Optional(ConfigVersion),
        verifiers: Type.Optional(ConfigVersion),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type UplinkHello = Type.Static<typeof UplinkHello>;

/** Largest records message: in records, and in bytes (the hub's frame limit is larger). */
export const MAX_RECORDS_PER_FRAME = 500;
export const MAX_RECORDS_FRAME_BYTES = 1024 * 1024;
/**
 * Largest frame either side accepts. A record is at most ~0.5 MB (1000 offers, 100 segments at
 * their maximum sizes), so a frame of one record always fits; the hub holds at most this much
 * per connection that has not authenticated yet.
 */
export const MAX_UPLINK_FRAME_BYTES = 4 * 1024 * 1024;

export const OutboxEntry = Type.Object(
  {
    /** The outbox sequence: the order the calls closed in; strictly increasing. */
    seq: Type.Integer({ minimum: 1 }),
    recordId: Type.String({ minLength: 1, maxLength: 200 }),
    /**
     * A CallRecord. Checked by the hub one record at a time (not with the frame), so one bad
     * record is dead-lettered and acked instead of blocking the outbox behind it.
     */
    record: Type.Unknown(),
  },
  { additionalProperties: false },
);
export type OutboxEntry = Type.Static<typeof OutboxEntry>;

export const UplinkRecords = Type.Object(
  { type: Type.Literal('records'), records: Type.Array(OutboxEntry, { minItems: 1, maxItems: MAX_RECORDS_PER_FRAME }) },
  { additionalProperties: false },
);

export const UplinkLiveEvents = Type.Object(
  {
    type: Type.Literal('events'),
    /** Per connection, starting at 1 after the snapshot; a gap makes the hub ask for `resync`. */
    seq: Type.Integer({ minimum: 1 }),
    /** DomainEvents, checked one at a time by the hub. */
    events: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 5000 }),
  },
  { additionalProperties: false },
);

export const UplinkSnapshot = Type.Object(
  {
    type: Type.Literal('snapshot'),
    /** The `seq` of the last events message sent before it (0 if none); events continue after it. */
    seq: Type.Integer({ minimum: 0 }),
    snapshot: SiteLiveSnapshot,
  },
  { additionalProperties: false },
);

export const UplinkStatus = Type.Object(
  { type: Type.Literal('status'), status: UplinkSiteStatus },
  { additionalProperties: false },
);

export const UplinkConfigAck = Type.Object(
  {
    type: Type.Literal('config-ack'),
    kind: ConfigKind,
    version: ConfigVersion,
    result: Type.Union([Type.Literal('applied'), Type.Literal('rejected')]),
    code: Nullable(ErrorCode),
    message: Nullable(Message),
  },
  { additionalProperties: false },
);

export const UplinkCommandReply = Type.Object(
  { type: Type.Literal('command-reply'), reply: HubCommandReply },
  { additionalProperties: false },
);

/**
 * A wrap-up disposition an operator saved at the gateway during a WAN outage (site-only login),
 * forwarded once linked. The hub saves it as if the operator had saved it at the hub, and
 * answers `disposition-ack`; until then the gateway keeps it (`dispositions` in the outbox
 * database) and sends it again after each connect.
 */
export const UplinkDisposition = Type.Object(
  {
    type: Type.Literal('disposition'),
    /** The gateway's id for this save; the ack names it. */
    id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' }),
    recordId: Type.String({ minLength: 1, maxLength: 200 }),
    operatorId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' }),
    code: Type.String({ minLength: 1, maxLength: 40 }),
    notes: Type.String({ maxLength: 10000 }),
    /** When the operator saved it at the site. */
    savedAt: IsoTime,
  },
  { additionalProperties: false },
);
export type UplinkDisposition = Type.Static<typeof UplinkDisposition>;

export const UplinkClientMessage = Type.Union([
  UplinkHello,
  UplinkRecords,
  UplinkLiveEvents,
  UplinkSnapshot,
  UplinkStatus,
  UplinkConfigAck,
  UplinkCommandReply,
  UplinkDisposition,
]);
export type UplinkClientMessage = Type.Static<typeof UplinkClientMessage>;
export type UplinkRecords = Type.Static<typeof UplinkRecords>;
export type UplinkLiveEvents = Type.Static<typeof UplinkLiveEvents>;
export type UplinkSnapshot = Type.Static<typeof UplinkSnapshot>;
export type UplinkStatus = Type.Static<typeof UplinkStatus>;
export type UplinkConfigAck = Type.Static<typeof UplinkConfigAck>;
export type UplinkCommandReply = Type.Static<typeof UplinkCommandReply>;

export const uplinkClientMessageValidator = validator<UplinkClientMessage>('uplink message', UplinkClientMessage);

// ---- hub → gateway ----------------------------------------------------------------------

export const UplinkChallenge = Type.Object(
  { type: Type.Literal('challenge'), v: Type.Integer({ minimum: 1 }), nonce: Nonce },
  { additionalProperties: false },
);
export type UplinkChallenge = Type.Static<typeof UplinkChallenge>;

export const UplinkWelcome = Type.Object(
  {
    type: Type.Literal('welcome'),
    v: Type.Literal(UPLINK_PROTOCOL_VERSION),
    site: SafeId,
    /** Identifies this connection in both sides' logs. */
    connectionId: Type.String({ minLength: 1, maxLength: 100 }),
    /** Ping at least this often; silence for HEARTBEAT_MISSES intervals ends the link. */
    heartbeatSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 300 }),
    /** Records the gateway may have in flight (sent, not yet acked). */
    window: Type.Integer({ minimum: 1, maximum: 100_000 }),
    /** How often the gateway should send `status`. */
    statusSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 3600 }),
    hubTime: IsoTime,
  },
  { additionalProperties: false },
);
export type UplinkWelcome = Type.Static<typeof UplinkWelcome>;

export const RecordAck = Type.Object(
  {
    seq: Type.Integer({ minimum: 1 }),
    recordId: Type.String({ minLength: 1, maxLength: 200 }),
    /** `dead-lettered`: the hub kept the record as invalid (reason in `problems`); do not resend. */
    result: IngestResultKind,
    problems: Type.Optional(
      Type.Array(Type.Object({ path: Type.String(), reason: Type.String() }, { additionalProperties: false })),
    ),
  },
  { additionalProperties: false },
);
export type RecordAck = Type.Static<typeof RecordAck>;

export const UplinkAcks = Type.Object(
  { type: Type.Literal('acks'), acks: Type.Array(RecordAck, { minItems: 1 }) },
  { additionalProperties: false },
);
export type UplinkAcks = Type.Static<typeof UplinkAcks>;

export const UplinkConfig = Type.Union([
  Type.Object(
    { type: Type.Literal('config'), kind: Type.Literal('directory'), version: ConfigVersion, directory: SiteDirectory },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('config'), kind: Type.Literal('keys'), version: ConfigVersion, jwks: PublicJwks },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('config'),
      kind: Type.Literal('verifiers'),
      version: ConfigVersion,
      verifiers: SiteCredentialVerifiers,
    },
    { additionalProperties: false },
  ),
]);
export type UplinkConfig = Type.Static<typeof UplinkConfig>;

export const UplinkCommand = Type.Object(
  {
    type: Type.Literal('command'),
    commandId: CommandId,
    command: HubCommand,
    /** After this the hub stops waiting; a gateway that sees the command later must not run it. */
    deadline: IsoTime,
  },
  { additionalProperties: false },
);
export type UplinkCommand = Type.Static<typeof UplinkCommand>;

/** The hub saw a gap in the live events: send a fresh snapshot. */
/**
 * The hub's answer to `disposition`: `saved` (stored on the call; repeats are harmless),
 * `waiting` (the call's record has not reached the hub yet: send it again later) or `refused`
 * (never: UPLINK_ERR_DISPOSITION_REFUSED with the reason).
 */
export const UplinkDispositionAck = Type.Object(
  {
    type: Type.Literal('disposition-ack'),
    id: Type.String({ minLength: 1, maxLength: 64 }),
    result: Type.Union([Type.Literal('saved'), Type.Literal('waiting'), Type.Literal('refused')]),
    code: Nullable(ErrorCode),
    message: Nullable(Message),
  },
  { additionalProperties: false },
);
export type UplinkDispositionAck = Type.Static<typeof UplinkDispositionAck>;

export const UplinkResync = Type.Object({ type: Type.Literal('resync') }, { additionalProperties: false });

/** A problem that does not close the link (a live event for another site, a bad command reply). */
export const UplinkError = Type.Object(
  { type: Type.Literal('error'), code: ErrorCode, message: Message },
  { additionalProperties: false },
);
export type UplinkError = Type.Static<typeof UplinkError>;

export const UplinkServerMessage = Type.Union([
  UplinkChallenge,
  UplinkWelcome,
  UplinkAcks,
  UplinkConfig,
  UplinkCommand,
  UplinkResync,
  UplinkError,
  UplinkDispositionAck,
]);
export type UplinkServerMessage = Type.Static<typeof UplinkServerMessage>;

export const uplinkServerMessageValidator = validator<UplinkServerMessage>('uplink message', UplinkServerMessage);
