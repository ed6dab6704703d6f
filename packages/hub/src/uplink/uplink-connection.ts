/**
 * One site gateway's uplink WebSocket at the hub (docs/uplink.md): challenge → hello → welcome,
 * then records (ingested one frame at a time, in order, acked after commit), live events and
 * snapshots (applied at once, so the live view keeps moving while a backlog drains), status
 * reports, config acks and command replies.
 *
 * States: `challenged` (waiting for the hello) → `verifying` (looking up the site's verifier) →
 * `linked` → `closed`. Before the link is authenticated the hub says nothing beyond the close
 * code, so a prober learns nothing about which sites exist.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import {
  HEARTBEAT_MISSES,
  UPLINK_PROTOCOL_VERSION,
  UplinkCloseCode,
  UplinkErrorCode,
  uplinkClientMessageValidator,
  type ConfigKind,
  type RecordAck,
  type UplinkClientMessage,
  type UplinkConfig,
  type UplinkDisposition,
  type UplinkHello,
  type UplinkLiveEvents,
  type UplinkRecords,
  type UplinkServerMessage,
  type UplinkSiteStatus,
} from '@callgate/contracts';
import { proofMatches } from './site-proof.js';
import type { UplinkHubPort } from './uplink-hub-port.js';
import type { HubUplinkMetrics } from './uplink-metrics.js';
import type { UplinkLogger } from './uplink-server.js';

/** A frame's text, whatever form ws delivered it in. */
function rawText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

export type ConnectionState = 'challenged' | 'verifying' | 'linked' | 'closed';

export interface UplinkSettings {
  heartbeatSeconds: number;
  window: number;
  statusSeconds: number;
  helloTimeoutMs: number;
  /** Malformed frames tolerated on a linked connection before it is closed. */
  maxProtocolErrors: number;
  /** Records stored per transaction; the event loop gets a turn between transactions. */
  ingestChunk: number;
}

/** What a connection tells the server it belongs to. */
export interface ConnectionOwner {
  /** The hello checked out: make this the site's link (closing any older one) and send welcome. */
  linked(conn: UplinkConnection, hello: UplinkHello): void;
  /** `code`: the WebSocket close code (1000: the gateway said it is stopping). */
  closed(conn: UplinkConnection, code: number): void;
  status(conn: UplinkConnection, status: UplinkSiteStatus): void;
  configAcked(conn: UplinkConnection, kind: ConfigKind, version: string, applied: boolean): void;
  commandReply: (
    conn: UplinkConnection,
    reply: Extract<UplinkClientMessage, { type: 'command-reply' }>['reply'],
  ) => void;
  refused(site: string | undefined, address: string, reason: string): void;
}

export class UplinkConnection {
  readonly id = randomUUID();
  readonly nonce = randomBytes(32).toString('base64url');
  private stateValue: ConnectionState = 'challenged';
  private siteId: string | undefined;
  private lastHeardAt: number;
  private lastRecordSeq = 0;
  private outstanding = 0;
  private expectedEventsSeq: number | undefined;
  private protocolErrors = 0;
  private spokeTooEarly = false;
  private ingesting: Promise<void> = Promise.resolve();
  private readonly timers: NodeJS.Timeout[] = [];
  /** Config versions the gateway has (from its hello, then its acks). */
  readonly configVersions: Partial<Record<ConfigKind, string>> = {};
  private readonly log: UplinkLogger;

  constructor(
    private readonly ws: WebSocket,
    readonly address: string,
    private readonly port: UplinkHubPort,
    private readonly owner: ConnectionOwner,
    private readonly settings: UplinkSettings,
    private readonly metrics: HubUplinkMetrics,
    logger: UplinkLogger,
    private readonly now: () => number,
    rawSocket: Socket | undefined,
  ) {
    this.log = logger.child({ connectionId: this.id, address });
    this.lastHeardAt = now();
    ws.on('message', (data, isBinary) => {
      try {
        this.onMessage(data, isBinary);
      } catch (error) {
        // One site's frame must never take the hub down: report it and cut this link only.
        this.log.error({ site: this.siteId, err: error }, 'uplink message handling failed; closing the link');
        this.close(UplinkCloseCode.HubUnavailable, UplinkErrorCode.HubUnavailable);
      }
    });
    ws.on('ping', () => this.heard());
    ws.on('close', (code) => this.onClose(code));
    ws.on('error', (error) => this.log.debug({ err: error }, 'uplink socket error'));
    // Bytes still arriving (a large records frame on a slow WAN) mean the link is alive even
    // before a whole frame, or the ping queued behind it, is complete.
    rawSocket?.on('data', () => this.heard());
    this.timers.push(
      setTimeout(() => {
        if (this.stateValue === 'challenged' || this.stateValue === 'verifying') {
          this.refuse(UplinkErrorCode.HelloTimeout, UplinkCloseCode.HelloTimeout);
        }
      }, settings.helloTimeoutMs),
    );
    this.send({ type: 'challenge', v: UPLINK_PROTOCOL_VERSION, nonce: this.nonce });
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** The authenticated site; undefined before the hello checked out. */
  get site(): string | undefined {
    return this.siteId;
  }

  send(message: UplinkServerMessage): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  sendConfig(message: UplinkConfig): void {
    this.send(message);
  }

  /** Called by the owner once this connection is the site's link. */
  welcome(): void {
    this.stateValue = 'linked';
    this.send({
      type: 'welcome',
      v: UPLINK_PROTOCOL_VERSION,
      site: this.siteId ?? '',
      connectionId: this.id,
      heartbeatSeconds: this.settings.heartbeatSeconds,
      window: this.settings.window,
      statusSeconds: this.settings.statusSeconds,
      hubTime: new Date(this.now()).toISOString(),
    });
    const limitMs = this.settings.heartbeatSeconds * 1000 * HEARTBEAT_MISSES;
    this.timers.push(
      setInterval(() => {
        if (this.now() - this.lastHeardAt > limitMs) {
          this.log.warn(
            { site: this.siteId, silentMs: this.now() - this.lastHeardAt },
            'uplink silent: closing half-open link',
          );
          this.close(UplinkCloseCode.HeartbeatTimeout, UplinkErrorCode.HeartbeatTimeout, true);
        }
      }, this.settings.heartbeatSeconds * 1000),
    );
  }

  /** Closes with a code; `terminate` for a link that is gone anyway (no closing handshake). */
  close(code: number, reason: string, terminate = false): void {
    if (terminate) {
      this.ws.terminate();
      return;
    }
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.close(code, reason);
      // A peer that never answers the close (half-open) is cut after a second.
      setTimeout(() => this.ws.terminate(), 1000).unref();
    }
  }

  onceClosed(listener: () => void): void {
    if (this.ws.readyState === WebSocket.CLOSED) listener();
    else this.ws.once('close', listener);
  }

  /** Resolves when the records received so far are ingested and acked (or failed). */
  drained(): Promise<void> {
    return this.ingesting;
  }

  // ---- incoming ---------------------------------------------------------------------------

  private heard(): void {
    this.lastHeardAt = this.now();
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    this.heard();
    if (this.stateValue === 'closed') return;
    let value: unknown;
    try {
      value = isBinary ? undefined : JSON.parse(rawText(data));
    } catch {
      value = undefined;
    }
    const parsed = value === undefined ? undefined : uplinkClientMessageValidator.parse(value);
    if (this.stateValue !== 'linked') {
      if (this.stateValue === 'challenged' && parsed?.ok && parsed.value.type === 'hello') {
        void this.onHello(parsed.value);
        return;
      }
      if (this.stateValue === 'verifying') {
        // Sent without waiting for the welcome: decided once the hello is checked (a bad
        // credential is still reported as such).
        this.spokeTooEarly = true;
        return;
      }
      // Before authentication: no second chance and no detail.
      this.refuse(UplinkErrorCode.OutOfOrder, UplinkCloseCode.ProtocolViolation);
      return;
    }
    if (!parsed) return this.protocolError(UplinkErrorCode.BadFrame, 'a frame that is not a JSON text');
    if (!parsed.ok) return this.protocolError(UplinkErrorCode.BadFrame, parsed.error.message);
    const message = parsed.value;
    switch (message.type) {
      case 'hello':
        return this.protocolError(UplinkErrorCode.OutOfOrder, 'a second hello');
      case 'records':
        return this.onRecords(message);
      case 'events':
        return this.onEvents(message);
      case 'snapshot': {
        const site = this.siteId ?? '';
        const result = this.port.acceptLiveSnapshot(site, message.snapshot);
        if (!result.ok) {
          return this.protocolError(UplinkErrorCode.WrongSite, `snapshot refused: ${result.error.message}`, true);
        }
        this.expectedEventsSeq = message.seq + 1;
        return;
      }
      case 'status':
        return this.owner.status(this, message.status);
      case 'config-ack':
        if (message.result === 'rejected') {
          this.log.error(
            { site: this.siteId, kind: message.kind, code: message.code, message: message.message },
            'the gateway could not apply a config push',
          );
        }
        return this.owner.configAcked(this, message.kind, message.version, message.result === 'applied');
      case 'command-reply':
        return this.owner.commandReply(this, message.reply);
      case 'disposition':
        return void this.onDisposition(message);
    }
  }

  private async onDisposition(message: UplinkDisposition): Promise<void> {
    const site = this.siteId ?? '';
    try {
      const outcome = await this.port.saveSiteDisposition(site, message);
      if (outcome.result === 'refused') {
        this.log.warn({ site, recordId: message.recordId, reason: outcome.message }, 'site disposition refused');
      }
      this.send({ type: 'disposition-ack', id: message.id, ...outcome });
    } catch (error) {
      // No ack: the gateway sends it again after its resend delay.
      this.log.error({ site, err: error }, 'cannot save a site disposition now');
    }
  }

  private async onHello(hello: UplinkHello): Promise<void> {
    this.stateValue = 'verifying';
    if (hello.v !== UPLINK_PROTOCOL_VERSION) {
      this.refuse(UplinkErrorCode.UnsupportedVersion, UplinkCloseCode.UnsupportedVersion, hello.site);
      return;
    }
    let hash: string | null;
    try {
      hash = await this.port.credentialHash(hello.site);
    } catch (error) {
      this.log.error({ err: error }, 'cannot look up the site credential; refusing for now');
      this.close(UplinkCloseCode.HubUnavailable, UplinkErrorCode.HubUnavailable);
      return;
    }
    if (this.stateValue !== 'verifying') return; // closed meanwhile
    if (hello.nonce !== this.nonce || !proofMatches(hash, hello.site, this.nonce, hello.proof)) {
      this.refuse(UplinkErrorCode.BadCredential, UplinkCloseCode.BadCredential, hello.site);
      return;
    }
    if (this.spokeTooEarly) {
      this.refuse(UplinkErrorCode.OutOfOrder, UplinkCloseCode.ProtocolViolation, hello.site);
      return;
    }
    this.siteId = hello.site;
    Object.assign(this.configVersions, hello.configVersions);
    this.log.info({ site: hello.site, agent: hello.agent }, 'uplink authenticated');
    this.owner.linked(this, hello);
  }

  private refuse(reason: UplinkErrorCode, code: number, claimedSite?: string): void {
    this.metrics.refused.inc({ reason });
    this.owner.refused(claimedSite, this.address, reason);
    this.stateValue = 'closed';
    this.close(code, reason);
  }

  private protocolError(code: UplinkErrorCode, message: string, keepCounting = true): void {
    this.metrics.protocolErrors.inc({ code });
    this.log.warn({ site: this.siteId, code, problem: message }, 'uplink frame refused');
    this.send({ type: 'error', code, message: message.slice(0, 2000) });
    if (keepCounting && ++this.protocolErrors > this.settings.maxProtocolErrors) {
      this.close(UplinkCloseCode.ProtocolViolation, UplinkErrorCode.BadFrame);
    }
  }

  private onEvents(message: UplinkLiveEvents): void {
    const site = this.siteId ?? '';
    if (this.expectedEventsSeq === undefined || message.seq !== this.expectedEventsSeq) {
      // A gap (or events before any snapshot): apply what came, and ask for the whole state.
      this.send({ type: 'resync' });
    }
    this.expectedEventsSeq = message.seq + 1;
    let refused = 0;
    let firstProblem = '';
    let code: UplinkErrorCode = UplinkErrorCode.BadFrame;
    for (const event of message.events) {
      const result = this.port.acceptLiveEvent(site, event);
      if (!result.ok) {
        refused += 1;
        if (refused === 1) {
          firstProblem = result.error.message;
          const claimed = typeof event === 'object' && event !== null ? (event as { site?: unknown }).site : undefined;
          if (typeof claimed === 'string' && claimed !== site) code = UplinkErrorCode.WrongSite;
        }
      }
    }
    if (refused > 0) this.protocolError(code, `${refused} live event(s) refused: ${firstProblem}`);
  }

  private onRecords(message: UplinkRecords): void {
    const first = message.records[0]?.seq ?? 0;
    let last = this.lastRecordSeq;
    for (const entry of message.records) {
      if (entry.seq <= last) {
        this.protocolError(UplinkErrorCode.OutOfOrder, `record seq ${entry.seq} after ${last}`, false);
        this.close(UplinkCloseCode.ProtocolViolation, UplinkErrorCode.OutOfOrder);
        return;
      }
      last = entry.seq;
    }
    this.outstanding += message.records.length;
    if (this.outstanding > this.settings.window) {
      this.protocolError(
        UplinkErrorCode.WindowExceeded,
        `${this.outstanding} records in flight, window ${this.settings.window}`,
        false,
      );
      this.close(UplinkCloseCode.ProtocolViolation, UplinkErrorCode.WindowExceeded);
      return;
    }
    this.lastRecordSeq = last;
    this.log.trace({ site: this.siteId, first, last }, 'records');
    this.ingesting = this.ingesting.then(() => this.ingest(message));
  }

  /**
   * Stores a records frame in transactions of `ingestChunk` records, yielding to the event loop
   * between them: on SQLite a transaction runs without giving other sockets a turn, and live
   * events from every site must keep flowing while a backlog drains. Acks go out once per
   * frame, for the records committed; if a transaction fails, what committed before it is
   * acked and the link is closed so the gateway resends the rest.
   */
  private async ingest(message: UplinkRecords): Promise<void> {
    const site = this.siteId ?? '';
    const acks: RecordAck[] = [];
    try {
      for (let start = 0; start < message.records.length; start += this.settings.ingestChunk) {
        if (this.stateValue === 'closed') break;
        const entries = message.records.slice(start, start + this.settings.ingestChunk);
        const outcomes = await this.port.ingestRecords(
          entries.map((e) => e.record),
          site,
        );
        entries.forEach((entry, i) => {
          const outcome = outcomes[i];
          if (!outcome) return;
          this.metrics.records.inc({ result: outcome.result });
          if (outcome.result === 'dead-lettered') {
            this.log.error(
              { site, recordId: entry.recordId, seq: entry.seq, problems: outcome.problems },
              'call record refused: kept in the dead-letter table, not stored as a call',
            );
          }
          acks.push({
            seq: entry.seq,
            recordId: entry.recordId,
            result: outcome.result,
            ...(outcome.problems === undefined ? {} : { problems: outcome.problems }),
          });
        });
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      // That transaction rolled back: nothing of it was stored, so it is not acked. The gateway
      // resends it (and anything after it) after the reconnect.
      this.log.error({ site, err: error }, 'storing call records failed; closing the uplink so the site resends');
      if (acks.length > 0) this.send({ type: 'acks', acks });
      this.stateValue = 'closed';
      this.close(UplinkCloseCode.HubUnavailable, UplinkErrorCode.HubUnavailable);
      return;
    } finally {
      this.outstanding -= message.records.length;
    }
    if (acks.length > 0) this.send({ type: 'acks', acks });
  }

  private onClose(code: number): void {
    const wasLinked = this.siteId !== undefined;
    this.stateValue = 'closed';
    for (const t of this.timers) clearTimeout(t);
    this.timers.length = 0;
    if (wasLinked) this.owner.closed(this, code);
  }
}
