/**
 * The hub's live view protocol, version 2 (docs/hub.md, "Live view"): supervisor browser ↔ hub,
 * WebSocket at `LIVE_WS_PATH`. It carries the consolidated state of every site the supervisor
 * may see: operators' statuses, calls in progress, queue waits and today's counters.
 *
 * Versions are additive: 2 adds heartbeats (`welcome.heartbeatSeconds`, the `heartbeat`
 * message) to 1 and changes nothing else. A client asks for its version in the URL
 * (`?v=2`); without it the hub speaks 1, so a dashboard tab opened before a hub upgrade, or a
 * wallboard built on version 1 and checking frames strictly, keeps working.
 *
 * Client frames are one JSON object. Server frames are a JSON array of messages, one frame per
 * tick per client (the cost of WebSocket fan-out is per write, not per message). The first frame
 * after `welcome` holds a `snapshot`; then `changes` follow, each with the next `seq`. A client
 * that sees a gap in `seq`, or reconnects, sends `resync` (or reconnects) and gets a snapshot.
 */
import Type from 'typebox';
import { LiveCall, OperatorStatus } from './domain-events.js';
import { UplinkSiteStatus } from './uplink-protocol.js';
import { validator } from './validate.js';

/** The newest live view protocol version; the hub serves every version from 1 up to it. */
export const LIVE_PROTOCOL_VERSION = 2;
/** Path of the supervisor WebSocket on the hub. */
export const LIVE_WS_PATH = '/api/v1/live';
/** The query parameter of `LIVE_WS_PATH` carrying the version the client speaks (absent = 1). */
export const LIVE_VERSION_PARAM = 'v';

const IsoTime = Type.String({ format: 'date-time' });
const Id = Type.String({ minLength: 1, maxLength: 200 });
const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** Close codes, numbered as the operator protocol's (operator-protocol.ts). */
export const LiveCloseCode = {
  /** No auth, or a token that is not valid. */
  Unauthorized: 4001,
  /** The token expired and no renewed token arrived in time. */
  TokenExpired: 4002,
  /** Not a supervisor or admin. */
  Forbidden: 4003,
  /** The client asked for a protocol version this hub does not speak (reload the page). */
  UnsupportedVersion: 4004,
  /** No auth message within the allowed time after connecting. */
  AuthTimeout: 4005,
  /** The client is not reading fast enough; reconnect to get a snapshot. */
  TooSlow: 4008,
  /** Too many malformed frames. */
  ProtocolViolation: 4009,
  /** The hub session was ended (logout, password change, user disabled). */
  SessionRevoked: 4010,
} as const;
export type LiveCloseCode = (typeof LiveCloseCode)[keyof typeof LiveCloseCode];

/** Today's numbers for one queue (or the whole site), in the site's time zone. */
export const QueueCounters = Type.Object(
  {
    /** Calls that entered the queue today. */
    offered: Type.Integer({ minimum: 0 }),
    answered: Type.Integer({ minimum: 0 }),
    /** The caller hung up while waiting. */
    abandoned: Type.Integer({ minimum: 0 }),
    /** Mean wait of the answered calls, seconds (one decimal); null before the first answer. */
    averageWaitSeconds: Nullable(Type.Number({ minimum: 0 })),
    /** Answered within the service-level threshold. */
    answeredWithinThreshold: Type.Integer({ minimum: 0 }),
    /**
     * answeredWithinThreshold ÷ (answered + abandoned), 0…1; null before the first answered or
     * abandoned call. Calls still waiting do not count yet.
     */
    serviceLevel: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);
export type QueueCounters = Type.Static<typeof QueueCounters>;

export const SiteCounters = Type.Object(
  {
    /** The site's local date the counters are for (`2026-11-27`). */
    day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    serviceLevelSeconds: Type.Integer({ minimum: 1 }),
    total: QueueCounters,
    /** Per queue, by queue name. */
    queues: Type.Record(Type.String(), QueueCounters),
  },
  { additionalProperties: false },
);
export type SiteCounters = Type.Static<typeof SiteCounters>;

export const SiteLiveState = Type.Object(
  {
    site: Id,
    /** True while the site's gateway is connected to the hub; false = the state shown is stale. */
    linked: Type.Boolean(),
    /** The gateway's AMI connection, as it last reported. */
    amiConnected: Type.Boolean(),
    /** When the hub last heard from the site. */
    updatedAt: Nullable(IsoTime),
    /**
     * Delivery of the site's call records (docs/uplink.md): outbox depth, oldest undelivered
     * record, delivery rate, as the gateway last reported; absent before its first report.
     */
    uplink: Type.Optional(UplinkSiteStatus),
    operators: Type.Array(OperatorStatus),
    calls: Type.Array(LiveCall),
    counters: SiteCounters,
  },
  { additionalProperties: false },
);
export type SiteLiveState = Type.Static<typeof SiteLiveState>;

/** One change to the state; apply in order. */
export const LiveChange = Type.Union([
  /** The whole site (after the gateway's snapshot, or a new site). */
  Type.Object({ kind: Type.Literal('site'), state: SiteLiveState }, { additionalProperties: false }),
  /** The site's link or AMI connection changed. */
  Type.Object(
    {
      kind: Type.Literal('link'),
      site: Id,
      linked: Type.Boolean(),
      amiConnected: Type.Boolean(),
      updatedAt: Nullable(IsoTime),
      /** The site's record delivery, when the gateway reported it (see SiteLiveState.uplink). */
      uplink: Type.Optional(UplinkSiteStatus),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('operator'), site: Id, status: OperatorStatus }, { additionalProperties: false }),
  /** A call started or changed. */
  Type.Object({ kind: Type.Literal('call'), site: Id, call: LiveCall }, { additionalProperties: false }),
  /** A call ended: remove it. */
  Type.Object({ kind: Type.Literal('call-ended'), site: Id, callId: Id }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('counters'), site: Id, counters: SiteCounters }, { additionalProperties: false }),
]);
export type LiveChange = Type.Static<typeof LiveChange>;

// ---- client → hub -----------------------------------------------------------------------

export const LiveClientMessage = Type.Union([
  /**
   * First message when the socket was not opened with the session cookie, and again with a
   * renewed token before the current one expires.
   */
  Type.Object(
    { type: Type.Literal('auth'), token: Type.String({ minLength: 1, maxLength: 8192 }) },
    { additionalProperties: false },
  ),
  /** Ask for a fresh snapshot (after a gap in `seq`). */
  Type.Object({ type: Type.Literal('resync') }, { additionalProperties: false }),
]);
export type LiveClientMessage = Type.Static<typeof LiveClientMessage>;
export const liveClientMessageValidator = validator<LiveClientMessage>('live view message', LiveClientMessage);

// ---- hub → client -----------------------------------------------------------------------

export const LiveServerMessage = Type.Union([
  Type.Object(
    {
      type: Type.Literal('welcome'),
      v: Type.Integer(),
      user: Type.String(),
      /** The sites this user sees; `*` for all. */
      scope: Type.String(),
      /** When the credential the socket runs on ends; send a renewed token before then. */
      expiresAt: IsoTime,
      /**
       * Version 2 and up: a `heartbeat` comes at least this often (and a WebSocket ping, which
       * must be answered within the interval). Hearing nothing for two intervals means the socket
       * is dead (laptop sleep, a Wi-Fi change, a proxy that forgot the flow): close and reconnect.
       */
      heartbeatSeconds: Type.Optional(Type.Integer({ minimum: 1 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('snapshot'), seq: Type.Integer(), sites: Type.Array(SiteLiveState) },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('changes'), seq: Type.Integer(), changes: Type.Array(LiveChange) },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('error'), code: Type.String(), message: Type.String() },
    { additionalProperties: false },
  ),
  /**
   * Version 2 and up, every `heartbeatSeconds`, last in its frame. `seq` is that of the last
   * `snapshot` or `changes` sent to this client: a larger one than the client applied means
   * changes were lost (send `resync`).
   */
  Type.Object(
    { type: Type.Literal('heartbeat'), at: IsoTime, seq: Type.Integer({ minimum: 0 }) },
    { additionalProperties: false },
  ),
]);
export type LiveServerMessage = Type.Static<typeof LiveServerMessage>;
export const liveServerMessageValidator = validator<LiveServerMessage>('live view message', LiveServerMessage);
