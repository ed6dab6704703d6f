/**
 * The supervisor live-view WebSocket (protocol in contracts hub-live.ts, docs/hub.md). Each
 * client gets the state of the sites it may see, then the changes, batched: one frame per tick
 * per client holding a JSON array of messages (the cost of fan-out is per write).
 *
 * Credentials are checked on connect, on every message and on every tick: a token or session
 * that expired or ended closes the socket with its close code. A client that does not read fast
 * enough (more than `maxBufferedBytes` unsent) is closed with TooSlow; it reconnects and gets a
 * snapshot, so one slow browser never holds memory for the others.
 *
 * Heartbeats (protocol version 2, docs/hub.md "Live view"): every `heartbeatSeconds` each socket
 * gets a WebSocket ping and, when it speaks version 2, a `heartbeat` message in its next tick's
 * frame. A socket that did not answer the previous ping is terminated: a laptop that slept or a
 * proxy that forgot the flow never sends a FIN, and without this the hub would keep its state
 * (and keep writing to it) until TCP gives up, which takes Linux about 15 minutes
 * (net.ipv4.tcp_retries2). Liveness runs on real timers, not the injected clock: it is about the
 * network, and a test's clock jumping forward must not look like silence.
 */
import {
  LIVE_PROTOCOL_VERSION,
  LIVE_VERSION_PARAM,
  LiveCloseCode,
  liveClientMessageValidator,
  type LiveChange,
  type LiveServerMessage,
} from '@callgate/contracts';
import type { WebSocket } from 'ws';
import { canSeeSite, type UserPrincipal } from '../accounts/access.js';
import type { HubCore } from '../hub-core.js';
import { iso } from '../clock.js';

export interface LiveSocketOptions {
  tickMs: number;
  maxBufferedBytes: number;
  /** Time allowed for the auth message when the socket did not open with a credential. */
  authTimeoutMs: number;
  /** How often a cookie session is re-checked (logout, password change, user disabled). */
  sessionCheckMs: number;
  /** Interval of pings and `heartbeat` messages; a ping unanswered by the next one ends the socket. */
  heartbeatSeconds: number;
}

export const DEFAULT_LIVE_SOCKET_OPTIONS: LiveSocketOptions = {
  tickMs: 200,
  maxBufferedBytes: 4 * 1024 * 1024,
  authTimeoutMs: 10_000,
  sessionCheckMs: 30_000,
  // As the operator protocol's (docs/protocol.md): well inside proxies' idle timeouts (nginx: 60 s).
  heartbeatSeconds: 15,
};

/**
 * The protocol version a client asked for in the upgrade URL (`?v=2`); 1 without the parameter,
 * null for anything this hub does not speak.
 */
export function requestedLiveVersion(requestUrl: string): number | null {
  const given = new URL(requestUrl, 'http://hub.invalid').searchParams.get(LIVE_VERSION_PARAM);
  if (given === null) return 1;
  if (!/^[1-9][0-9]{0,3}$/.test(given)) return null;
  const version = Number(given);
  return version <= LIVE_PROTOCOL_VERSION ? version : null;
}

/** More queued changes than this and a snapshot is cheaper. */
const MAX_PENDING = 5_000;
/** Malformed frames tolerated before the socket is closed. */
const MAX_BAD_FRAMES = 5;

interface Client {
  socket: WebSocket;
  /** The protocol version spoken on this socket (requestedLiveVersion). */
  version: number;
  principal: UserPrincipal | undefined;
  expiresAt: number;
  checkedAt: number;
  pending: LiveChange[];
  needSnapshot: boolean;
  outbox: LiveServerMessage[];
  seq: number;
  badFrames: number;
  authTimer: NodeJS.Timeout | undefined;
  checking: boolean;
  /** A ping went out and no pong came back yet. */
  awaitingPong: boolean;
  /** A `heartbeat` message goes into the next frame. */
  heartbeatDue: boolean;
}

const siteOf = (change: LiveChange): string => (change.kind === 'site' ? change.state.site : change.site);

export class LiveSocketServer {
  private readonly clients = new Set<Client>();
  private timer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly core: HubCore,
    private readonly options: LiveSocketOptions,
  ) {
    this.unsubscribe = core.live.subscribe((changes) => this.fanOut(changes));
  }

  get size(): number {
    return this.clients.size;
  }

  /**
   * A new socket; `principal` when the upgrade request carried a valid cookie or bearer token,
   * `requestUrl` the upgrade request's URL (it carries the protocol version).
   */
  accept(
    socket: WebSocket,
    principal: UserPrincipal | null,
    tokenExpiresAt: number | undefined,
    requestUrl: string,
  ): void {
    const version = requestedLiveVersion(requestUrl);
    if (version === null) {
      socket.on('error', () => undefined); // a reset while closing is nothing to report
      socket.close(
        LiveCloseCode.UnsupportedVersion,
        `this hub speaks live view versions 1 to ${LIVE_PROTOCOL_VERSION}; reload the page`,
      );
      return;
    }
    const client: Client = {
      socket,
      version,
      principal: undefined,
      expiresAt: 0,
      checkedAt: this.core.clock(),
      pending: [],
      needSnapshot: false,
      outbox: [],
      seq: 0,
      badFrames: 0,
      authTimer: undefined,
      checking: false,
      awaitingPong: false,
      heartbeatDue: false,
    };
    this.clients.add(client);
    this.core.metrics.liveClients.set(this.clients.size);
    this.ensureTicking();
    socket.on('message', (data, isBinary) => this.onMessage(client, data, isBinary));
    socket.on('pong', () => {
      client.awaitingPong = false;
    });
    socket.on('close', () => this.drop(client));
    socket.on('error', () => this.drop(client));
    if (principal !== null) {
      this.authorise(client, principal, tokenExpiresAt ?? principal.sessionExpiresAt);
    } else {
      client.authTimer = setTimeout(
        () => this.close(client, LiveCloseCode.AuthTimeout, 'no auth message'),
        this.options.authTimeoutMs,
      );
      client.authTimer.unref();
    }
  }

  /** Closes every socket (hub shutdown) and stops ticking. */
  closeAll(code = 1001, reason = 'hub shutting down'): void {
    for (const client of this.clients) this.close(client, code, reason);
    this.stopTicking();
    this.unsubscribe();
  }

  private authorise(client: Client, principal: UserPrincipal, expiresAt: number): void {
    if (client.principal !== undefined && client.principal.userId !== principal.userId) {
      this.close(client, LiveCloseCode.Unauthorized, 'a token for another user');
      return;
    }
    if (principal.role !== 'supervisor' && principal.role !== 'admin') {
      this.close(client, LiveCloseCode.Forbidden, 'the live view is for supervisors');
      return;
    }
    if (client.authTimer) clearTimeout(client.authTimer);
    client.authTimer = undefined;
    const first = client.principal === undefined;
    client.principal = principal;
    client.expiresAt = expiresAt;
    client.checkedAt = this.core.clock();
    client.outbox.push({
      type: 'welcome',
      v: client.version,
      user: principal.userId,
      scope: principal.role === 'admin' ? '*' : principal.site,
      expiresAt: iso(expiresAt),
      ...(client.version >= 2 ? { heartbeatSeconds: this.options.heartbeatSeconds } : {}),
    });
    if (first) client.needSnapshot = true;
    this.flush(client);
  }

  private onMessage(client: Client, data: unknown, isBinary: boolean): void {
    if (!this.stillValid(client)) return;
    let message: unknown;
    try {
      if (isBinary) throw new Error('binary frame');
      message = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
    } catch {
      this.badFrame(client, 'a frame is one JSON object');
      return;
    }
    const parsed = liveClientMessageValidator.parse(message);
    if (!parsed.ok) {
      this.badFrame(client, parsed.error.message);
      return;
    }
    if (parsed.value.type === 'resync') {
      if (client.principal === undefined) {
        this.badFrame(client, 'send auth first');
        return;
      }
      client.needSnapshot = true;
      return;
    }
    const token = parsed.value.token;
    this.core.auth
      .fromBearer(token)
      .then((result) => {
        if (!result.ok) {
          this.close(client, LiveCloseCode.Unauthorized, result.error.message);
          return;
        }
        this.authorise(client, result.value, result.value.tokenExpiresAt);
      })
      .catch(() => this.close(client, 1011, 'could not check the token'));
  }

  private badFrame(client: Client, message: string): void {
    client.badFrames++;
    if (client.badFrames > MAX_BAD_FRAMES) {
      this.close(client, LiveCloseCode.ProtocolViolation, 'too many malformed frames');
      return;
    }
    client.outbox.push({ type: 'error', code: 'HUB_ERR_VALIDATION', message });
    this.flush(client);
  }

  /** False (and the socket closed) when the client's credential has expired. */
  private stillValid(client: Client): boolean {
    if (client.principal === undefined) return true;
    if (this.core.clock() < client.expiresAt) return true;
    const code = client.principal.via === 'bearer' ? LiveCloseCode.TokenExpired : LiveCloseCode.SessionRevoked;
    this.close(client, code, 'credential expired; reconnect or send a renewed token');
    return false;
  }

  private fanOut(changes: LiveChange[]): void {
    for (const client of this.clients) {
      const principal = client.principal;
      if (principal === undefined || client.needSnapshot) continue;
      for (const change of changes) if (canSeeSite(principal, siteOf(change))) client.pending.push(change);
      if (client.pending.length > MAX_PENDING) {
        client.pending = [];
        client.needSnapshot = true;
      }
    }
  }

  private tick(): void {
    const now = this.core.clock();
    for (const client of this.clients) {
      if (client.principal === undefined || !this.stillValid(client)) continue;
      if (client.socket.bufferedAmount > this.options.maxBufferedBytes) {
        this.close(client, LiveCloseCode.TooSlow, 'not reading fast enough; reconnect for a snapshot');
        continue;
      }
      if (now - client.checkedAt >= this.options.sessionCheckMs) this.recheckSession(client, now);
      this.flush(client);
    }
  }

  /** Every `heartbeatSeconds`: end the sockets that did not answer the last ping, ping the others. */
  private beat(): void {
    for (const client of this.clients) {
      if (client.awaitingPong) {
        this.drop(client);
        client.socket.terminate(); // no close handshake: nobody is there to answer it
        continue;
      }
      client.awaitingPong = true;
      client.socket.ping();
      // Sent with the next tick's frame, after that tick's changes, so its seq is current.
      if (client.version >= 2 && client.principal !== undefined) client.heartbeatDue = true;
    }
  }

  private recheckSession(client: Client, now: number): void {
    const principal = client.principal;
    if (principal === undefined || client.checking) return;
    client.checking = true;
    client.checkedAt = now;
    this.core.sessions
      .fromId(principal.sessionId)
      .then((session) => {
        if (!session || session.user.role !== principal.role || session.user.site !== principal.site) {
          this.close(client, LiveCloseCode.SessionRevoked, 'session ended');
        }
      })
      .catch(() => undefined) // a database hiccup is not the client's fault; try again next time
      .finally(() => {
        client.checking = false;
      });
  }

  private flush(client: Client): void {
    const principal = client.principal;
    const messages = client.outbox;
    client.outbox = [];
    if (principal !== undefined) {
      if (client.needSnapshot) {
        client.needSnapshot = false;
        client.pending = [];
        const sites = this.core.live.state((site) => canSeeSite(principal, site));
        messages.push({ type: 'snapshot', seq: ++client.seq, sites });
      } else if (client.pending.length > 0) {
        messages.push({ type: 'changes', seq: ++client.seq, changes: client.pending });
        client.pending = [];
      }
      if (client.heartbeatDue) {
        client.heartbeatDue = false;
        messages.push({ type: 'heartbeat', at: iso(this.core.clock()), seq: client.seq });
      }
    }
    if (messages.length > 0 && client.socket.readyState === client.socket.OPEN) {
      client.socket.send(JSON.stringify(messages));
    }
  }

  private close(client: Client, code: number, reason: string): void {
    this.drop(client);
    if (client.socket.readyState === client.socket.OPEN || client.socket.readyState === client.socket.CONNECTING) {
      client.socket.close(code, reason.slice(0, 120));
    }
  }

  private drop(client: Client): void {
    if (client.authTimer) clearTimeout(client.authTimer);
    client.authTimer = undefined;
    if (this.clients.delete(client)) this.core.metrics.liveClients.set(this.clients.size);
    if (this.clients.size === 0) this.stopTicking();
  }

  private ensureTicking(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.options.tickMs);
    this.timer.unref();
    this.heartbeatTimer = setInterval(() => this.beat(), this.options.heartbeatSeconds * 1000);
    this.heartbeatTimer.unref();
  }

  private stopTicking(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.timer = undefined;
    this.heartbeatTimer = undefined;
  }
}
