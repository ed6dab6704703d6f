/**
 * The gateway's end of the uplink (docs/uplink.md): one outbound WebSocket to the hub that
 * authenticates with the site credential, drains the outbox in order with a window of records
 * in flight, relays live events, answers config pushes and hub commands, and comes back by
 * itself after any failure — with exponential backoff and jitter, so the sites of a call center
 * do not all hit a restarted hub in the same second.
 *
 * States: connecting → authenticating → linked, and on any loss → waiting (or refused, when
 * the hub rejected the credential or the protocol version) → connecting. A link that goes
 * silent (half-open: the WAN dropped it without a FIN or RST reaching us) is detected by the
 * heartbeat within HEARTBEAT_MISSES intervals and terminated.
 */
import WebSocket from 'ws';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { backoffDelay, type BackoffOptions } from '@callgate/ami';
import {
  HEARTBEAT_MISSES,
  MAX_RECORDS_FRAME_BYTES,
  MAX_RECORDS_PER_FRAME,
  MAX_UPLINK_FRAME_BYTES,
  UPLINK_PROTOCOL_VERSION,
  UplinkCloseCode,
  UplinkErrorCode,
  uplinkServerMessageValidator,
  type DomainEvent,
  type HubCommand,
  type HubCommandReply,
  type SiteLiveSnapshot,
  type UplinkAcks,
  type UplinkClientMessage,
  type UplinkCommand,
  type UplinkConfig,
  type UplinkDispositionAck,
  type UplinkServerMessage,
  type UplinkSiteStatus,
  type UplinkWelcome,
} from '@callgate/contracts';
import { GatewayError, GatewayErrorCode } from '../errors.js';
import { openConfigVersions, type ConfigVersions } from './config-versions.js';
import { DeliveryRate } from './delivery-rate.js';
import type { DispositionQueue } from './disposition-queue.js';
import { openHubCommandStore, type HubCommandStore, type StoredCommandResult } from './hub-command-store.js';
import { LiveRelay } from './live-relay.js';
import type { Outbox } from './outbox.js';
import { RecordWindow } from './record-window.js';
import { proveSiteCredential, type SiteCredential } from './site-credential.js';
import { UplinkMetrics, type LinkState } from './uplink-metrics.js';

/** What a hub command ended with; `accepted` is sent by the client before the handler runs. */
export interface HubCommandOutcome {
  status: 'done' | 'failed';
  code?: string | null;
  message?: string | null;
  callId?: string | null;
}

export interface UplinkClientOptions {
  /** The hub's uplink URL, `wss://hub.example.com/uplink` (`ws://` only on a trusted network). */
  url: string;
  credential: SiteCredential;
  outbox: Outbox;
  /** The site's whole live state, sent after every (re)connect and on resync. */
  snapshot: () => SiteLiveSnapshot;
  /**
   * A config push from the hub. Resolve once it is applied and persisted (keys cached on disk,
   * directory merged); the hub is then told `applied`. A throw is reported to the hub as
   * UPLINK_ERR_CONFIG_REJECTED with the error's message.
   */
  onConfig?: (config: UplinkConfig) => Promise<void> | void;
  /** A hub command, run once per command id. Without it commands fail with UPLINK_ERR_COMMANDS_UNSUPPORTED. */
  onCommand?: (command: HubCommand, commandId: string) => Promise<HubCommandOutcome>;
  /** Dispositions saved at the site during an outage, forwarded once linked. */
  dispositions?: DispositionQueue;
  logger: Logger;
  /** Where the uplink's metrics go (the gateway's /metrics registry). */
  registry?: Registry;
  /** Extra CA certificates (PEM) for a hub behind a private CA. */
  ca?: string | Buffer;
  backoff?: BackoffOptions;
  /** Live events are batched for this long (default 50 ms). */
  liveTickMs?: number;
  /** Until the hub's welcome says otherwise (default 10 s for the HTTP upgrade and the hello). */
  connectTimeoutMs?: number;
  agent?: string;
  now?: () => number;
  random?: () => number;
}

export interface UplinkLinkStatus extends UplinkSiteStatus {
  state: LinkState;
  /** When the current link was welcomed, or null while not linked. */
  linkedSince: string | null;
  /** The reason code of the last loss or refusal, or null. */
  lastError: string | null;
}

export interface UplinkClient {
  /** A domain event from the engine, for the hub's live view (dropped while the link is down). */
  publish(event: DomainEvent): void;
  /** A record was appended to the outbox: send it now if the link is up and the window allows. */
  kick(): void;
  /** A disposition was queued at the site: send it now if the link is up. */
  sendDispositions(): void;
  /**
   * Sends a full live snapshot at the next tick (when linked). For changes no domain event
   * describes, such as the AMI link coming up: the snapshot's `amiConnected` then reaches the hub.
   */
  refreshSnapshot(): void;
  status(): UplinkLinkStatus;
  readonly metrics: UplinkMetrics;
  /** Closes the link (code 1000) and stops reconnecting. The outbox is left open. */
  stop(): Promise<void>;
}

export const DEFAULT_UPLINK_BACKOFF: BackoffOptions = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.5,
};

/** A link that stayed up this long resets the backoff; a flapping one keeps growing it. */
const STABLE_LINK_MS = 30_000;
/** Above this many unsent bytes on the socket, records wait (live events get a snapshot later). */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const RECORD_FRAME_PREFIX = '{"type":"records","records":[';
/** Dispositions (site saves during an outage) sent per round, and how often a round runs while linked. */
const DISPOSITIONS_PER_ROUND = 100;
const DISPOSITION_ROUND_MS = 5_000;
/** A sent disposition with no ack by then is due again. */
const DISPOSITION_RESEND_MS = 30_000;

/** Close codes after which reconnecting at once is pointless: wait the longest backoff. */
const REFUSED_CODES: ReadonlySet<number> = new Set([
  UplinkCloseCode.BadCredential,
  UplinkCloseCode.CredentialRotated,
  UplinkCloseCode.UnsupportedVersion,
]);

interface Connection {
  id: number;
  ws: WebSocket;
  window: RecordWindow | undefined;
  welcome: UplinkWelcome | undefined;
  linkedAt: number | undefined;
  lastHeardAt: number;
  pingSentAt: number | undefined;
  timers: NodeJS.Timeout[];
  closeReason: string | undefined;
}

export function startUplinkClient(options: UplinkClientOptions): UplinkClient {
  if (!/^wss?:\/\/[^/\s]+/i.test(options.url)) {
    throw new GatewayError(GatewayErrorCode.Config, `hub.url "${options.url}" is not a ws:// or wss:// URL`);
  }
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const backoff = options.backoff ?? DEFAULT_UPLINK_BACKOFF;
  const log = options.logger.child({ component: 'uplink', site: options.credential.site });
  const outbox = options.outbox;
  const commands: HubCommandStore = openHubCommandStore(outbox.database);
  const configVersions: ConfigVersions = openConfigVersions(outbox.database);
  const rate = new DeliveryRate(10);
  const registry = options.registry ?? new Registry();
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const agent = options.agent ?? 'callgate-gateway/0.1';

  let state: LinkState = 'connecting';
  let current: Connection | undefined;
  let connectionCount = 0;
  let connects = 0;
  let attempt = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  let lastError: string | null = null;
  let configChain: Promise<void> = Promise.resolve();

  const metrics = new UplinkMetrics(
    registry,
    outbox,
    now,
    () => state,
    () => rate.perSecond(now()),
  );

  const setState = (next: LinkState): void => {
    if (next === state) return;
    log.debug({ from: state, to: next }, 'uplink state');
    state = next;
  };

  const linkedConnection = (): Connection | undefined =>
    current && current.welcome && current.ws.readyState === WebSocket.OPEN ? current : undefined;

  const sendMessage = (conn: Connection, message: UplinkClientMessage): void => {
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(JSON.stringify(message));
  };

  const siteStatus = (): UplinkSiteStatus => {
    const oldest = outbox.oldestCreatedMs();
    return {
      at: new Date(now()).toISOString(),
      outboxDepth: outbox.depth(),
      oldestUndeliveredAt: oldest === null ? null : new Date(oldest).toISOString(),
      deliveredPerSecond: Math.round(rate.perSecond(now()) * 10) / 10,
      rejectedTotal: outbox.rejectedCount(),
      connects,
    };
  };

  const relay = new LiveRelay(
    {
      linked: () => linkedConnection() !== undefined,
      writable: () => {
        const conn = linkedConnection();
        return conn !== undefined && conn.ws.bufferedAmount < MAX_BUFFERED_BYTES;
      },
      sendEvents(seq, events) {
        const conn = linkedConnection();
        if (!conn) return;
        sendMessage(conn, { type: 'events', seq, events: [...events] });
        metrics.liveEvents.inc({ result: 'sent' }, events.length);
      },
      sendSnapshot(lastSeq) {
        const conn = linkedConnection();
        if (!conn) return;
        let snapshot: SiteLiveSnapshot;
        try {
          snapshot = options.snapshot();
        } catch (error) {
          log.error({ err: error }, 'could not take the live snapshot; the hub keeps its last view');
          return;
        }
        sendMessage(conn, { type: 'snapshot', seq: lastSeq, snapshot });
      },
      dropped: (count) => metrics.liveEvents.inc({ result: 'dropped' }, count),
      schedule(fn, ms) {
        const timer = setTimeout(fn, ms);
        return { cancel: () => clearTimeout(timer) };
      },
    },
    options.liveTickMs ?? 50,
  );

  // ---- records ----------------------------------------------------------------------------

  let pumpTimer: NodeJS.Timeout | undefined;
  const pump = (): void => {
    const conn = linkedConnection();
    const window = conn?.window;
    if (!conn || !window) return;
    while (window.room() > 0) {
      if (conn.ws.bufferedAmount >= MAX_BUFFERED_BYTES) {
        // The WAN is slower than the outbox: look again shortly (acks also call pump).
        pumpTimer ??= setTimeout(() => {
          pumpTimer = undefined;
          pump();
        }, 50);
        return;
      }
      // A quarter of the window per frame: several frames are in flight, so the hub is storing
      // the next one while the ack of the last one travels back.
      const perFrame = Math.min(window.room(), MAX_RECORDS_PER_FRAME, Math.max(1, Math.floor(window.window / 4)));
      const entries = outbox.readAfter(window.lastSentSeq, perFrame, MAX_RECORDS_FRAME_BYTES);
      if (entries.length === 0) return;
      // The records are stored as JSON text: splice them in rather than parse and re-serialise.
      let frame = RECORD_FRAME_PREFIX;
      entries.forEach((e, i) => {
        frame += `${i === 0 ? '' : ','}{"seq":${e.seq},"recordId":${JSON.stringify(e.recordId)},"record":${e.json}}`;
        window.sent(e.seq, { recordId: e.recordId, createdMs: e.createdMs });
      });
      conn.ws.send(`${frame}]}`);
    }
  };

  const onAcks = (conn: Connection, message: UplinkAcks): void => {
    const window = conn.window;
    if (!window) return;
    const outcome = window.acked(message.acks);
    if (outcome.delivered.length > 0) {
      outbox.acknowledge(outcome.delivered);
      rate.add(outcome.delivered.length, now());
    }
    for (const ack of message.acks) metrics.recordsAcked.inc({ result: ack.result });
    for (const ack of outcome.rejected) {
      outbox.reject(ack.seq, 'dead-lettered by the hub', ack.problems ?? []);
      log.error(
        { recordId: ack.recordId, seq: ack.seq, problems: ack.problems },
        'the hub refused a call record as invalid; it is kept in outbox_rejected',
      );
    }
    for (const ack of outcome.unexpected) {
      log.warn({ recordId: ack.recordId, seq: ack.seq }, 'ack for a record not in flight; ignored');
    }
    pump();
  };

  // ---- config and commands -------------------------------------------------------------

  const onConfigMessage = (message: UplinkConfig): void => {
    configChain = configChain.then(async () => {
      let result: 'applied' | 'rejected' = 'applied';
      let error: string | null = null;
      try {
        await options.onConfig?.(message);
        configVersions.set(message.kind, message.version, now());
      } catch (e) {
        result = 'rejected';
        error = e instanceof Error ? e.message : String(e);
        log.error(
          { kind: message.kind, version: message.version, err: e },
          'could not apply a config push from the hub',
        );
      }
      const conn = linkedConnection();
      if (conn) {
        sendMessage(conn, {
          type: 'config-ack',
          kind: message.kind,
          version: message.version,
          result,
          code: result === 'rejected' ? UplinkErrorCode.ConfigRejected : null,
          message: error === null ? null : error.slice(0, 2000),
        });
      }
    });
  };

  const reply = (commandId: string, result: StoredCommandResult, duplicate: boolean): void => {
    const conn = linkedConnection();
    if (!conn) return; // the hub resends the command after the next connect and gets the stored result
    const message: HubCommandReply = { commandId, ...result, duplicate };
    if (message.message !== null && message.message.length > 2000) message.message = message.message.slice(0, 2000);
    sendMessage(conn, { type: 'command-reply', reply: message });
  };

  /**
   * Sends the dispositions that are due. Each then waits for its ack (or DISPOSITION_RESEND_MS,
   * after which it is due again: an ack lost with a dropped link).
   */
  const sendDispositions = (): void => {
    const queue = options.dispositions;
    const conn = linkedConnection();
    if (!queue || !conn) return;
    for (const d of queue.takeDue(now(), DISPOSITIONS_PER_ROUND, DISPOSITION_RESEND_MS)) {
      sendMessage(conn, {
        type: 'disposition',
        id: d.id,
        recordId: d.recordId,
        operatorId: d.operatorId,
        code: d.code,
        notes: d.notes,
        savedAt: d.savedAt,
      });
    }
  };

  const onDispositionAck = (ack: UplinkDispositionAck): void => {
    const queue = options.dispositions;
    if (!queue) return;
    if (ack.result === 'saved') {
      queue.saved(ack.id);
      log.info({ id: ack.id }, 'a disposition saved at the site during the outage reached the hub');
    } else if (ack.result === 'waiting') {
      queue.waiting(ack.id, now());
    } else {
      queue.refused(ack.id, `${ack.code ?? ''}: ${ack.message ?? ''}`, now());
      log.error(
        { id: ack.id, code: ack.code, reason: ack.message },
        'the hub refused a disposition saved at the site; kept in dispositions_refused',
      );
    }
  };

  const onCommandMessage = (message: UplinkCommand): void => {
    const { commandId, command } = message;
    const begun = commands.begin(commandId, command.name, now());
    if (!begun.fresh) {
      reply(commandId, begun.result, true);
      return;
    }
    const finish = (result: StoredCommandResult): void => {
      commands.finish(commandId, result, now());
      reply(commandId, result, false);
    };
    if (Date.parse(message.deadline) < now()) {
      finish({
        status: 'failed',
        code: UplinkErrorCode.CommandTimeout,
        message: 'the command arrived after its deadline; it was not run',
        callId: null,
      });
      return;
    }
    const handler = options.onCommand;
    if (!handler) {
      finish({
        status: 'failed',
        code: UplinkErrorCode.CommandsUnsupported,
        message: 'this gateway runs no hub commands',
        callId: null,
      });
      return;
    }
    reply(commandId, { status: 'accepted', code: null, message: null, callId: null }, false);
    log.info({ commandId, command: command.name, operatorId: command.operatorId }, 'hub command');
    handler(command, commandId).then(
      (outcome) =>
        finish({
          status: outcome.status,
          code: outcome.code ?? null,
          message: outcome.message ?? null,
          callId: outcome.callId ?? null,
        }),
      (error: unknown) => {
        log.error({ commandId, err: error }, 'hub command handler failed');
        finish({
          status: 'failed',
          code: 'GW_ERR_OUTCOME_UNKNOWN',
          message: error instanceof Error ? error.message : String(error),
          callId: null,
        });
      },
    );
  };

  // ---- the connection ---------------------------------------------------------------------

  const onMessage = (conn: Connection, data: WebSocket.RawData, isBinary: boolean): void => {
    conn.lastHeardAt = now();
    if (isBinary) return protocolError(conn, 'a binary frame');
    let value: unknown;
    try {
      value = JSON.parse(rawText(data));
    } catch {
      return protocolError(conn, 'a frame that is not JSON');
    }
    const parsed = uplinkServerMessageValidator.parse(value);
    if (!parsed.ok) return protocolError(conn, parsed.error.message);
    const message: UplinkServerMessage = parsed.value;
    switch (message.type) {
      case 'challenge': {
        if (conn.welcome) return protocolError(conn, 'a challenge after the welcome');
        if (message.v !== UPLINK_PROTOCOL_VERSION)
          log.warn({ hubVersion: message.v }, 'the hub speaks another protocol version');
        sendMessage(conn, {
          type: 'hello',
          v: UPLINK_PROTOCOL_VERSION,
          site: options.credential.site,
          nonce: message.nonce,
          proof: proveSiteCredential(options.credential, message.nonce),
          agent,
          configVersions: configVersions.all(),
        });
        return;
      }
      case 'welcome':
        return onWelcome(conn, message);
      case 'acks':
        return onAcks(conn, message);
      case 'config':
        return onConfigMessage(message);
      case 'command':
        return onCommandMessage(message);
      case 'disposition-ack':
        return onDispositionAck(message);
      case 'resync':
        return relay.resync();
      case 'error':
        log.warn({ code: message.code, message: message.message }, 'the hub reported a problem');
        return;
    }
  };

  const protocolError = (conn: Connection, what: string): void => {
    log.error({ what }, 'the hub sent something the uplink protocol does not allow; reconnecting');
    drop(conn, UplinkErrorCode.BadFrame, UplinkCloseCode.ProtocolViolation);
  };

  const onWelcome = (conn: Connection, welcome: UplinkWelcome): void => {
    if (conn.welcome) return protocolError(conn, 'a second welcome');
    for (const t of conn.timers) clearTimeout(t);
    conn.timers = [];
    conn.welcome = welcome;
    conn.window = new RecordWindow(welcome.window);
    conn.linkedAt = now();
    connects += 1;
    metrics.connects.inc();
    lastError = null;
    setState('linked');
    commands.prune(now());
    log.info(
      { connectionId: welcome.connectionId, outboxDepth: outbox.depth(), window: welcome.window },
      'uplink linked',
    );
    const heartbeatMs = welcome.heartbeatSeconds * 1000;
    conn.timers.push(
      setInterval(() => {
        if (now() - conn.lastHeardAt > heartbeatMs * HEARTBEAT_MISSES) {
          log.warn({ silentMs: now() - conn.lastHeardAt }, 'uplink silent: half-open link, reconnecting');
          drop(conn, UplinkErrorCode.HeartbeatTimeout);
          return;
        }
        conn.pingSentAt = now();
        conn.ws.ping();
      }, heartbeatMs),
      setInterval(() => {
        const c = linkedConnection();
        if (c === conn) sendMessage(conn, { type: 'status', status: siteStatus() });
      }, welcome.statusSeconds * 1000),
      setInterval(sendDispositions, DISPOSITION_ROUND_MS),
    );
    relay.linked();
    sendMessage(conn, { type: 'status', status: siteStatus() });
    pump();
    // After a connect nothing is in flight any more: every queued disposition goes again.
    options.dispositions?.makeAllDue();
    sendDispositions();
  };

  /** Ends a connection from our side; the close handler schedules the reconnect. */
  const drop = (conn: Connection, reason: string, code?: number): void => {
    conn.closeReason ??= reason;
    if (code !== undefined && conn.ws.readyState === WebSocket.OPEN) {
      conn.ws.close(code, reason);
      setTimeout(() => conn.ws.terminate(), 1000).unref();
    } else {
      conn.ws.terminate();
    }
  };

  const connect = (): void => {
    reconnectTimer = undefined;
    if (stopped) return;
    setState('connecting');
    const ws = new WebSocket(options.url, {
      handshakeTimeout: connectTimeoutMs,
      maxPayload: MAX_UPLINK_FRAME_BYTES,
      perMessageDeflate: false,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });
    const conn: Connection = {
      id: ++connectionCount,
      ws,
      window: undefined,
      welcome: undefined,
      linkedAt: undefined,
      lastHeardAt: now(),
      pingSentAt: undefined,
      timers: [],
      closeReason: undefined,
    };
    current = conn;
    ws.on('open', () => {
      setState('authenticating');
      conn.lastHeardAt = now();
      conn.timers.push(
        setTimeout(() => {
          log.warn('no welcome from the hub in time; reconnecting');
          drop(conn, UplinkErrorCode.HelloTimeout);
        }, connectTimeoutMs),
      );
    });
    ws.on('message', (data, isBinary) => {
      try {
        onMessage(conn, data, isBinary);
      } catch (error) {
        // A failing outbox write (disk full) or a throwing callback must not take the gateway
        // down: drop this link; whatever was not acked is sent again after the reconnect.
        log.error({ err: error }, 'uplink message handling failed; reconnecting');
        drop(conn, UplinkErrorCode.Internal);
      }
    });
    ws.on('pong', () => {
      conn.lastHeardAt = now();
      if (conn.pingSentAt !== undefined) metrics.heartbeatRtt.set((now() - conn.pingSentAt) / 1000);
    });
    ws.on('unexpected-response', (_req, res) => {
      conn.closeReason ??= `HTTP ${res.statusCode}`;
      log.warn({ status: res.statusCode }, 'the hub refused the uplink upgrade');
      res.resume();
      ws.terminate();
    });
    ws.on('error', (error) => {
      conn.closeReason ??= 'code' in error && typeof error.code === 'string' ? error.code : error.message;
      log.debug({ err: error }, 'uplink socket error');
    });
    ws.on('close', (code, reasonBuffer) => onClose(conn, code, reasonBuffer.toString()));
  };

  const onClose = (conn: Connection, code: number, reason: string): void => {
    for (const t of conn.timers) clearTimeout(t);
    conn.timers = [];
    if (current !== conn) return;
    current = undefined;
    if (pumpTimer) clearTimeout(pumpTimer);
    pumpTimer = undefined;
    relay.stop();
    const why = conn.closeReason ?? (reason || `close ${code}`);
    lastError = why;
    metrics.disconnects.inc({ reason: reasonLabel(code, conn.closeReason) });
    if (stopped) {
      setState('stopped');
      return;
    }
    const wasLinkedFor = conn.linkedAt === undefined ? 0 : now() - conn.linkedAt;
    const refused = REFUSED_CODES.has(code);
    if (refused) {
      log.error({ code, reason }, 'the hub refused this gateway: check hub.credentialFile and the site credential');
      setState('refused');
    } else {
      setState('waiting');
      if (conn.welcome)
        log.warn({ code, reason: why, linkedMs: wasLinkedFor }, 'uplink lost; records stay in the outbox');
    }
    attempt = wasLinkedFor >= STABLE_LINK_MS ? 0 : attempt + 1;
    const delay = refused ? backoff.maxDelayMs : backoffDelay(attempt, backoff, random);
    reconnectTimer = setTimeout(connect, delay);
  };

  connect();

  return {
    metrics,
    publish: (event) => relay.publish(event),
    kick: () => pump(),
    sendDispositions,
    refreshSnapshot: () => relay.resync(),
    status() {
      const conn = linkedConnection();
      return {
        ...siteStatus(),
        state,
        linkedSince: conn?.linkedAt === undefined ? null : new Date(conn.linkedAt).toISOString(),
        lastError,
      };
    },
    async stop() {
      stopped = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      relay.stop();
      const conn = current;
      if (conn && conn.ws.readyState !== WebSocket.CLOSED) {
        await new Promise<void>((resolve) => {
          conn.ws.once('close', () => resolve());
          if (conn.ws.readyState === WebSocket.OPEN) conn.ws.close(1000, 'gateway stopping');
          else conn.ws.terminate();
          setTimeout(() => conn.ws.terminate(), 2000).unref();
        });
      }
      await configChain;
      setState('stopped');
    },
  };
}

/** A frame's text, whatever form ws delivered it in. */
function rawText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** A bounded label for the disconnect metric: a close code name or our own reason code. */
function reasonLabel(code: number, ourReason: string | undefined): string {
  if (ourReason?.startsWith('UPLINK_ERR_')) return ourReason;
  for (const [name, value] of Object.entries(UplinkCloseCode)) if (value === code) return name;
  if (code === 1000 || code === 1001) return 'closed';
  if (code === 1006) return 'connection-lost';
  return 'other';
}
