/**
 * The panel's link to its site gateway (docs/protocol.md): one state machine, no DOM, every
 * timer and the socket injected.
 *
 *   connecting ──welcome──▶ live ──drop / no heartbeat / seq gap──▶ reconnecting ──welcome──▶ live
 *        │                                                              │
 *        └──────── 4001 twice, 4003, 4004, 4009, 4010, stop() ──▶ stopped ◀┘
 *
 * - Hello carries the hub-issued token and, after a drop, `resume` with the stream id and the
 *   last sequence number applied, so the gateway replays what was missed (or sends a snapshot
 *   when it cannot: a gateway restart means a new stream id).
 * - Events are applied strictly in `seq` order; a duplicate is skipped, a gap (an event or a
 *   heartbeat ahead of what was applied) reconnects at once to resume.
 * - Silence for two heartbeat intervals means the socket is dead (laptop sleep, a cut cable that
 *   never sent a FIN): it is dropped and reconnected.
 * - The token is renewed at the hub before it expires and handed to the live socket; when the
 *   gateway says it expired (4002) or refused it (4001) a fresh one is fetched first.
 * - When the hub cannot be reached (WAN outage) the live socket asks the gateway to sign a token
 *   itself (`renew` → `site-token`, already in force on that socket), so the operator is not cut
 *   off when the hub's token runs out. Every renewal asks the hub first: once the link is back,
 *   the hub's tokens take over again.
 * - Commands: see command-tracker.ts.
 */
import type {
  ClientMessage,
  Colleague,
  OperatorCommand,
  OperatorToken,
  ServerMessage,
  WelcomeMessage,
} from '@callgate/contracts';
import { PanelError, PanelErrorCode } from '../errors.js';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
import type { ClientSocket, OpenSocket } from './client-socket.js';
import { CommandTracker, type CommandEntry } from './command-tracker.js';
import { checks, CloseCode, OPERATOR_PROTOCOL_VERSION } from './contract-runtime.js';
import { decodeFrame } from './frames.js';
import { applyEvent, applySnapshot, EMPTY_OPERATOR_STATE, type OperatorState } from './operator-state.js';
import type { TimerHandle, Timers } from './timers.js';

export type LinkPhase = 'connecting' | 'live' | 'reconnecting' | 'stopped';

/** Why the link stopped for good; every one but `logged-out` needs the user to act. */
export type StopReason =
  'logged-out' | 'unauthorized' | 'forbidden' | 'unsupported-version' | 'session-ended' | 'protocol-violation';

export interface TokenSource {
  /** The token to connect with, if there is one. */
  current(): OperatorToken | null;
  /**
   * A fresh token from the hub. Rejects with PANEL_ERR_SESSION_ENDED (log in again) or
   * PANEL_ERR_HUB_UNREACHABLE (try again later).
   */
  renew(): Promise<OperatorToken>;
  /**
   * A token the gateway signed itself (`site-token`) while the hub was unreachable: from now on
   * `current()` returns it, so a reconnect's hello carries a token that is still valid.
   */
  adopt(token: OperatorToken): void;
}

export interface WelcomeInfo {
  operator: WelcomeMessage['operator'];
  site: WelcomeMessage['site'];
  pauseReasons: readonly string[];
  /** False: hold with the phone's key only at this site. */
  holdFromBrowser: boolean;
  wrapUpSeconds: number;
  colleagues: readonly Colleague[];
  heartbeatSeconds: number;
}

export interface OperatorConnectionState {
  phase: LinkPhase;
  stopReason: StopReason | null;
  /** Failed attempts since the link was last live. */
  attempt: number;
  /** When the next attempt starts (local clock), while waiting to reconnect. */
  retryAt: number | null;
  lastClose: { code: number; reason: string } | null;
  /** From the last welcome; kept while reconnecting so the screen does not go blank. */
  welcome: WelcomeInfo | null;
  operator: OperatorState;
  tokenExpiresAt: string | null;
  /**
   * Renewing the token is failing, at the hub and at the gateway; telephony goes on until
   * `tokenExpiresAt`.
   */
  renewalFailing: boolean;
  /**
   * The token in force was signed by the gateway over this link because the hub was unreachable
   * (false again once the hub renews it).
   */
  tokenFromSite: boolean;
  /** Gateway clock minus local clock (ms), from heartbeats: timers show the gateway's time. */
  clockOffsetMs: number;
  commands: readonly CommandEntry[];
}

export interface OperatorConnectionOptions {
  /** `ws(s)://<gateway>/operator`. */
  url: string;
  openSocket: OpenSocket;
  tokens: TokenSource;
  timers: Timers;
  /** Unique per operator for 10 minutes, across tabs (docs/protocol.md). */
  newCommandId: () => string;
  onChange: (state: OperatorConnectionState) => void;
  /** A frame or message that could not be used (logged to the console by the panel). */
  onProblem?: (error: PanelError) => void;
  random?: () => number;
  backoff?: { initialMs: number; maxMs: number };
  /** How long to wait for the welcome after opening the socket. */
  connectTimeoutMs?: number;
  /** Renewal retries while the hub is unreachable. */
  renewRetryMs?: number;
  /** How long to wait for the gateway's `site-token` (or refusal) after sending `renew`. */
  siteRenewTimeoutMs?: number;
}

type SiteTokenMessage = Extract<ServerMessage, { type: 'site-token' }>;

/** Close code the panel uses when it drops a socket itself (dead, gap, stop). */
const CLIENT_DROP = 4000;
const TOKEN_MARGIN_MS = 120_000;
/**
 * The gateway's answer to `renew` when it will not sign (its own link to the hub is up, the
 * login's end is reached, site login is off). A gateway code, so not in the contracts' types.
 */
const SITE_TOKEN_REFUSED = 'GW_ERR_SITE_TOKEN_REFUSED';

export class OperatorConnection {
  readonly #o: Required<Omit<OperatorConnectionOptions, 'onProblem'>> & Pick<OperatorConnectionOptions, 'onProblem'>;
  readonly #commands = new CommandTracker();
  #phase: LinkPhase = 'connecting';
  #stopReason: StopReason | null = null;
  #attempt = 0;
  #retryAt: number | null = null;
  #lastClose: { code: number; reason: string } | null = null;
  #welcome: WelcomeInfo | null = null;
  #operator: OperatorState = EMPTY_OPERATOR_STATE;
  #tokenExpiresAt: string | null = null;
  #renewalFailing = false;
  #tokenFromSite = false;
  #clockOffsetMs = 0;

  #socket: ClientSocket | null = null;
  /** Bumped for every socket: events of a socket that was replaced are ignored. */
  #generation = 0;
  #welcomed = false;
  #stream: { streamId: string; lastSeq: number } | null = null;
  /** A 4001 right after a fresh token means the token is not the problem: stop. */
  #freshToken = false;
  #watchdog: TimerHandle | undefined;
  #retryTimer: TimerHandle | undefined;
  #renewTimer: TimerHandle | undefined;
  #renewing: Promise<boolean> | null = null;
  /** A `renew` sent to the gateway, waiting for its `site-token` or refusal. */
  #siteRenewal: { settle: (ok: boolean) => void; timer: TimerHandle } | null = null;
  #started = false;

  constructor(options: OperatorConnectionOptions) {
    this.#o = {
      random: Math.random,
      backoff: DEFAULT_BACKOFF,
      connectTimeoutMs: 10_000,
      renewRetryMs: 15_000,
      siteRenewTimeoutMs: 10_000,
      ...options,
    };
  }

  get state(): OperatorConnectionState {
    return {
      phase: this.#phase,
      stopReason: this.#stopReason,
      attempt: this.#attempt,
      retryAt: this.#retryAt,
      lastClose: this.#lastClose,
      welcome: this.#welcome,
      operator: this.#operator,
      tokenExpiresAt: this.#tokenExpiresAt,
      renewalFailing: this.#renewalFailing,
      tokenFromSite: this.#tokenFromSite,
      clockOffsetMs: this.#clockOffsetMs,
      commands: this.#commands.entries,
    };
  }

  /** The gateway's idea of now (ms since the epoch). */
  serverNow(): number {
    return this.#o.timers.now() + this.#clockOffsetMs;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#connect();
  }

  /** Ends the link for good (log out, or the user's session ended). */
  stop(reason: StopReason = 'logged-out'): void {
    if (this.#phase === 'stopped') return;
    this.#phase = 'stopped';
    this.#stopReason = reason;
    this.#retryAt = null;
    this.#clearTimers();
    this.#dropSocket('stopped');
    this.#commands.abandonAll(this.#o.timers.now());
    this.#emit();
  }

  /**
   * The network came back or the page became visible again: a reconnect that is waiting for its
   * backoff starts now.
   */
  wake(): void {
    if (this.#phase !== 'reconnecting' || this.#retryTimer === undefined) return;
    this.#o.timers.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#connect();
  }

  /** Sends a command; the returned entry (and later states) say how it went. */
  send(command: OperatorCommand): CommandEntry {
    const id = this.#o.newCommandId();
    const now = this.#o.timers.now();
    let entry: CommandEntry;
    if (this.#phase !== 'live' || this.#socket === null) {
      entry = this.#commands.refused(
        id,
        command,
        PanelErrorCode.NotConnected,
        'not connected to the telephony gateway; nothing was sent',
        now,
      );
    } else {
      this.#write({ type: 'command', id, command });
      entry = this.#commands.sent(id, command, now);
    }
    this.#emit();
    return entry;
  }

  // ---- connecting ------------------------------------------------------------------------

  #connect(): void {
    this.#retryAt = null;
    const token = this.#o.tokens.current();
    if (token === null || Date.parse(token.expiresAt) <= this.serverNow() + 5_000) {
      // No point showing the gateway a token it will refuse: get a fresh one first.
      void this.#renew().then((ok) => {
        if (this.#phase === 'stopped') return;
        if (ok) this.#open();
        else this.#scheduleReconnect();
      });
      return;
    }
    this.#open();
  }

  #open(): void {
    const token = this.#o.tokens.current();
    if (token === null) return this.#scheduleReconnect();
    const generation = ++this.#generation;
    this.#welcomed = false;
    const current = (): boolean => generation === this.#generation;
    this.#armWatchdog(this.#o.connectTimeoutMs);
    this.#socket = this.#o.openSocket(this.#o.url, {
      onOpen: () => {
        if (!current()) return;
        const hello: ClientMessage = { type: 'hello', v: OPERATOR_PROTOCOL_VERSION, token: token.token };
        if (this.#stream) hello.resume = { ...this.#stream };
        this.#write(hello);
      },
      onMessage: (text) => {
        if (current()) this.#onFrame(text);
      },
      onClose: (code, reason) => {
        if (current()) this.#onClose(code, reason);
      },
    });
    this.#emit();
  }

  #onFrame(text: string): void {
    const { messages, problems } = decodeFrame<ServerMessage>(text, checks.serverMessage, 'gateway');
    for (const problem of problems) this.#o.onProblem?.(problem);
    if (this.#welcomed && this.#welcome) this.#armWatchdog(this.#heartbeatTimeoutMs());
    for (const message of messages) {
      if (!this.#onMessage(message)) break;
    }
    this.#emit();
  }

  /** Applies one message; false when the socket was dropped and the rest must be ignored. */
  #onMessage(message: ServerMessage): boolean {
    const now = this.#o.timers.now();
    switch (message.type) {
      case 'welcome':
        this.#onWelcome(message);
        return true;
      case 'event': {
        if (!this.#welcomed || !this.#stream) return true;
        if (message.seq <= this.#stream.lastSeq) return true; // already applied (replay overlap)
        if (message.seq !== this.#stream.lastSeq + 1) return this.#gap();
        this.#operator = applyEvent(this.#operator, message.event);
        this.#stream.lastSeq = message.seq;
        return true;
      }
      case 'heartbeat':
        if (!this.#welcomed || !this.#stream) return true;
        this.#clockOffsetMs = Date.parse(message.at) - now;
        // Heartbeats carry the latest seq: one ahead of us means events were lost on the way.
        if (message.seq > this.#stream.lastSeq) return this.#gap();
        return true;
      case 'reply':
        this.#commands.reply(message, now);
        return true;
      case 'site-token':
        this.#adoptSiteToken(message);
        return true;
      case 'error':
        if (message.code === SITE_TOKEN_REFUSED && this.#siteRenewal) {
          // The answer to our `renew`, not a fault: the renewal stays failing and is retried.
          this.#settleSiteRenewal(false);
          return true;
        }
        this.#o.onProblem?.(new PanelError(PanelErrorCode.BadFrame, `${message.code}: ${message.message}`));
        return true;
    }
  }

  #onWelcome(message: WelcomeMessage): void {
    this.#welcomed = true;
    this.#freshToken = false;
    this.#phase = 'live';
    this.#attempt = 0;
    this.#lastClose = null;
    this.#welcome = {
      operator: message.operator,
      site: message.site,
      pauseReasons: message.pauseReasons,
      holdFromBrowser: message.holdFromBrowser ?? true,
      wrapUpSeconds: message.wrapUpSeconds,
      colleagues: message.colleagues,
      heartbeatSeconds: message.heartbeatSeconds,
    };
    if (!message.resumed || message.snapshot !== null || this.#stream?.streamId !== message.streamId) {
      if (message.snapshot) this.#operator = applySnapshot(this.#operator, message.snapshot);
      this.#stream = { streamId: message.streamId, lastSeq: message.seq };
    }
    this.#tokenExpiresAt = message.tokenExpiresAt;
    this.#scheduleRenewal();
    this.#armWatchdog(this.#heartbeatTimeoutMs());
    // Commands cut off by the drop: the same ids again, the gateway answers with what happened.
    for (const entry of this.#commands.unsettled(this.#o.timers.now())) {
      this.#write({ type: 'command', id: entry.id, command: entry.command });
    }
  }

  #gap(): false {
    this.#phase = 'reconnecting';
    this.#dropSocket('missed events; resuming');
    this.#connect();
    return false;
  }

  #onClose(code: number, reason: string): void {
    this.#socket = null;
    this.#settleSiteRenewal(false);
    this.#lastClose = { code, reason };
    this.#o.timers.clearTimeout(this.#watchdog);
    switch (code) {
      case CloseCode.Forbidden:
        return this.stop('forbidden');
      case CloseCode.UnsupportedVersion:
        return this.stop('unsupported-version');
      case CloseCode.ProtocolViolation:
        return this.stop('protocol-violation');
      case CloseCode.SessionRevoked:
        return this.stop('session-ended');
      case CloseCode.Unauthorized:
        if (this.#freshToken) return this.stop('unauthorized');
        return this.#reconnectWithFreshToken();
      case CloseCode.TokenExpired:
        return this.#reconnectWithFreshToken();
      case CloseCode.TooSlow:
        // Resuming would replay the backlog that was too much: start over from a snapshot.
        this.#stream = null;
        return this.#scheduleReconnect();
      default:
        return this.#scheduleReconnect();
    }
  }

  #reconnectWithFreshToken(): void {
    this.#phase = 'reconnecting';
    this.#emit();
    void this.#renew().then((ok) => {
      if (this.#phase === 'stopped') return;
      if (!ok) return this.#scheduleReconnect();
      this.#freshToken = true;
      this.#open();
    });
  }

  #scheduleReconnect(): void {
    if (this.#phase === 'stopped') return;
    this.#phase = 'reconnecting';
    const delay = backoffDelay(this.#attempt, { ...this.#o.backoff, random: this.#o.random });
    this.#attempt++;
    this.#retryAt = this.#o.timers.now() + delay;
    this.#o.timers.clearTimeout(this.#retryTimer);
    this.#retryTimer = this.#o.timers.setTimeout(() => {
      this.#retryTimer = undefined;
      this.#connect();
    }, delay);
    this.#emit();
  }

  // ---- token renewal ---------------------------------------------------------------------

  #scheduleRenewal(): void {
    this.#o.timers.clearTimeout(this.#renewTimer);
    if (this.#tokenExpiresAt === null) return;
    const left = Date.parse(this.#tokenExpiresAt) - this.serverNow();
    const delay = Math.max(1_000, left - Math.min(TOKEN_MARGIN_MS, left / 3));
    this.#renewTimer = this.#o.timers.setTimeout(() => {
      void this.#renew().then((ok) => {
        if (this.#phase === 'stopped') return;
        if (!ok) {
          this.#o.timers.clearTimeout(this.#renewTimer);
          this.#renewTimer = this.#o.timers.setTimeout(() => this.#scheduleRenewalNow(), this.#o.renewRetryMs);
        }
      });
    }, delay);
  }

  #scheduleRenewalNow(): void {
    void this.#renew().then((ok) => {
      if (this.#phase === 'stopped' || ok) return;
      this.#renewTimer = this.#o.timers.setTimeout(() => this.#scheduleRenewalNow(), this.#o.renewRetryMs);
    });
  }

  /** Fetches a token; on success a live socket gets it at once. Never rejects. */
  #renew(): Promise<boolean> {
    this.#renewing ??= this.#fetchToken().finally(() => {
      this.#renewing = null;
      this.#emit();
    });
    return this.#renewing;
  }

  async #fetchToken(): Promise<boolean> {
    let token: OperatorToken;
    try {
      token = await this.#o.tokens.renew();
    } catch (error: unknown) {
      if (error instanceof PanelError && error.code === PanelErrorCode.SessionEnded) {
        // Only the hub can say the login is over, and then the gateway must not extend it.
        this.stop('session-ended');
        return false;
      }
      if (error instanceof PanelError && error.code === PanelErrorCode.HubUnreachable && (await this.#renewAtSite())) {
        return true;
      }
      this.#renewalFailing = true;
      return false;
    }
    this.#renewalFailing = false;
    this.#tokenFromSite = false;
    this.#tokenExpiresAt = token.expiresAt;
    if (this.#phase === 'live' && this.#socket) {
      this.#write({ type: 'token', token: token.token });
      this.#scheduleRenewal();
    }
    return true;
  }

  /**
   * Asks the gateway to sign a token itself: only over a live socket, whose token is the proof.
   * True once its `site-token` came (and was adopted); false on a refusal, a drop, or silence.
   */
  #renewAtSite(): Promise<boolean> {
    if (this.#phase !== 'live' || this.#socket === null) return Promise.resolve(false);
    this.#settleSiteRenewal(false);
    return new Promise((settle) => {
      const timer = this.#o.timers.setTimeout(() => this.#settleSiteRenewal(false), this.#o.siteRenewTimeoutMs);
      this.#siteRenewal = { settle, timer };
      this.#write({ type: 'renew' });
    });
  }

  /**
   * A token the gateway signed is already in force on this socket: it is not sent back, only
   * remembered for reconnects. Adopted also when nobody asked (a late answer after the timeout):
   * it came over the socket the operator's token opened.
   */
  #adoptSiteToken(message: SiteTokenMessage): void {
    if (!this.#welcomed) return; // before the welcome the socket is not known to be the operator's
    this.#o.tokens.adopt({ token: message.token, expiresAt: message.expiresAt });
    this.#tokenExpiresAt = message.expiresAt;
    this.#tokenFromSite = true;
    this.#renewalFailing = false;
    this.#scheduleRenewal();
    this.#settleSiteRenewal(true);
  }

  #settleSiteRenewal(ok: boolean): void {
    const pending = this.#siteRenewal;
    if (pending === null) return;
    this.#siteRenewal = null;
    this.#o.timers.clearTimeout(pending.timer);
    pending.settle(ok);
  }

  // ---- plumbing --------------------------------------------------------------------------

  #heartbeatTimeoutMs(): number {
    // Two intervals of silence (docs/protocol.md, "Heartbeats"), plus a second for the network.
    return (this.#welcome?.heartbeatSeconds ?? 15) * 2_000 + 1_000;
  }

  #armWatchdog(ms: number): void {
    this.#o.timers.clearTimeout(this.#watchdog);
    this.#watchdog = this.#o.timers.setTimeout(() => {
      this.#watchdog = undefined;
      if (this.#phase === 'stopped') return;
      this.#lastClose = { code: CLIENT_DROP, reason: 'no heartbeat from the gateway' };
      this.#dropSocket('no heartbeat');
      this.#scheduleReconnect();
    }, ms);
  }

  #dropSocket(reason: string): void {
    this.#generation++;
    this.#o.timers.clearTimeout(this.#watchdog);
    this.#settleSiteRenewal(false);
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(this.#phase === 'stopped' ? 1000 : CLIENT_DROP, reason);
  }

  #write(message: ClientMessage): void {
    this.#socket?.send(JSON.stringify(message));
  }

  #clearTimers(): void {
    for (const t of [this.#watchdog, this.#retryTimer, this.#renewTimer]) this.#o.timers.clearTimeout(t);
    this.#watchdog = this.#retryTimer = this.#renewTimer = undefined;
  }

  #emit(): void {
    this.#o.onChange(this.state);
  }
}
