/**
 * The supervisor dashboard's link to the hub's live view (contracts hub-live.ts, docs/hub.md
 * "Live view"): the socket is opened with the session cookie (same origin), the first frame
 * after `welcome` holds a snapshot, then `changes` follow with consecutive `seq`. A gap asks for
 * a `resync` (a new snapshot); a drop reconnects with backoff and starts from a snapshot again.
 * Before the credential ends (`welcome.expiresAt`) a fresh token is fetched and sent as `auth`.
 *
 * A dead socket (laptop sleep, a Wi-Fi change, a proxy that forgot the flow) never reports a
 * close: the panel asks for protocol version 2, whose hub sends a `heartbeat` every
 * `welcome.heartbeatSeconds`, and a watchdog drops a socket that said nothing for two intervals
 * (or gave no welcome in time) and reconnects, which brings a fresh snapshot. Meanwhile the
 * state is `reconnecting` and the dashboard says so.
 */
import type { LiveClientMessage, LiveServerMessage, OperatorToken } from '@callgate/contracts';
import { PanelError, PanelErrorCode } from '../errors.js';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
import type { ClientSocket, OpenSocket } from './client-socket.js';
import { checks, LIVE_PROTOCOL_VERSION, LIVE_VERSION_PARAM, LiveCloseCode } from './contract-runtime.js';
import { decodeFrame } from './frames.js';
import { applyLiveChanges, applyLiveSnapshot, EMPTY_LIVE_STATE, type LiveState } from './live-state.js';
import type { LinkPhase } from './operator-connection.js';
import type { TimerHandle, Timers } from './timers.js';

export type LiveStopReason = 'logged-out' | 'session-ended' | 'forbidden';

export interface LiveConnectionState {
  phase: LinkPhase;
  stopReason: LiveStopReason | null;
  attempt: number;
  retryAt: number | null;
  live: LiveState;
  /** False between a gap and the snapshot that repairs it: the numbers may be behind. */
  inSync: boolean;
}

export interface LiveConnectionOptions {
  /** `ws(s)://<hub>/api/v1/live`; the protocol version is added to it. */
  url: string;
  openSocket: OpenSocket;
  timers: Timers;
  /** A fresh token for `auth` before the current credential ends. */
  renewToken: () => Promise<OperatorToken>;
  onChange: (state: LiveConnectionState) => void;
  onProblem?: (error: PanelError) => void;
  random?: () => number;
  backoff?: { initialMs: number; maxMs: number };
  /** How long a new socket may take to say `welcome` before it is given up (default 10 s). */
  connectTimeoutMs?: number;
}

const RENEW_MARGIN_MS = 120_000;
const CONNECT_TIMEOUT_MS = 10_000;
/** Close code the panel uses when it gives up on a socket itself (as the operator connection). */
const CLIENT_DROP = 4000;

/** The live view URL asking for the protocol version this panel speaks. */
export function liveViewUrl(url: string): string {
  const withVersion = new URL(url);
  withVersion.searchParams.set(LIVE_VERSION_PARAM, String(LIVE_PROTOCOL_VERSION));
  return withVersion.toString();
}

export class LiveConnection {
  readonly #o: LiveConnectionOptions;
  #phase: LinkPhase = 'connecting';
  #stopReason: LiveStopReason | null = null;
  #attempt = 0;
  #retryAt: number | null = null;
  #live: LiveState = EMPTY_LIVE_STATE;
  #inSync = false;
  #socket: ClientSocket | null = null;
  #generation = 0;
  #retryTimer: TimerHandle | undefined;
  #renewTimer: TimerHandle | undefined;
  #watchdog: TimerHandle | undefined;
  /** From the welcome; null before it, or from a hub that sends no heartbeats. */
  #heartbeatSeconds: number | null = null;

  constructor(options: LiveConnectionOptions) {
    this.#o = options;
  }

  get state(): LiveConnectionState {
    return {
      phase: this.#phase,
      stopReason: this.#stopReason,
      attempt: this.#attempt,
      retryAt: this.#retryAt,
      live: this.#live,
      inSync: this.#inSync,
    };
  }

  start(): void {
    if (this.#socket === null && this.#phase !== 'stopped') this.#open();
  }

  stop(reason: LiveStopReason = 'logged-out'): void {
    if (this.#phase === 'stopped') return;
    this.#phase = 'stopped';
    this.#stopReason = reason;
    this.#o.timers.clearTimeout(this.#retryTimer);
    this.#o.timers.clearTimeout(this.#renewTimer);
    this.#o.timers.clearTimeout(this.#watchdog);
    this.#generation++;
    this.#socket?.close(1000, 'stopped');
    this.#socket = null;
    this.#emit();
  }

  wake(): void {
    if (this.#phase !== 'reconnecting' || this.#retryTimer === undefined) return;
    this.#o.timers.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#open();
  }

  #open(): void {
    this.#retryAt = null;
    const generation = ++this.#generation;
    const current = (): boolean => generation === this.#generation;
    this.#heartbeatSeconds = null;
    this.#armWatchdog(this.#o.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
    this.#socket = this.#o.openSocket(liveViewUrl(this.#o.url), {
      onOpen: () => undefined, // the session cookie authenticated the upgrade
      onMessage: (text) => {
        if (current()) this.#onFrame(text);
      },
      onClose: (code) => {
        if (current()) this.#onClose(code);
      },
    });
    this.#emit();
  }

  #onFrame(text: string): void {
    const { messages, problems } = decodeFrame<LiveServerMessage>(text, checks.liveServerMessage, 'live view');
    for (const problem of problems) this.#o.onProblem?.(problem);
    for (const message of messages) this.#onMessage(message);
    // Any frame is a sign of life; the welcome (in it or earlier) set the interval.
    if (this.#heartbeatSeconds !== null) this.#armWatchdog(this.#heartbeatSeconds * 2_000 + 1_000);
    this.#emit();
  }

  #onMessage(message: LiveServerMessage): void {
    switch (message.type) {
      case 'welcome':
        this.#phase = 'live';
        this.#attempt = 0;
        this.#scheduleRenewal(message.expiresAt);
        this.#heartbeatSeconds = message.heartbeatSeconds ?? null;
        // A hub of version 1 sends no heartbeats: only a close ends such a socket.
        if (this.#heartbeatSeconds === null) this.#o.timers.clearTimeout(this.#watchdog);
        return;
      case 'snapshot':
        this.#live = applyLiveSnapshot(message.seq, message.sites);
        this.#inSync = true;
        return;
      case 'changes': {
        const seq = this.#live.seq;
        if (!this.#inSync || seq === null) return; // waiting for the snapshot we asked for
        if (message.seq <= seq) return;
        if (message.seq !== seq + 1) return this.#resync();
        this.#live = applyLiveChanges(this.#live, message.seq, message.changes);
        return;
      }
      case 'heartbeat': {
        // It carries the seq of the last changes sent: one we never applied means some were lost.
        const seq = this.#live.seq;
        if (this.#inSync && seq !== null && message.seq > seq) this.#resync();
        return;
      }
      case 'error':
        this.#o.onProblem?.(new PanelError(PanelErrorCode.BadFrame, `${message.code}: ${message.message}`));
        return;
    }
  }

  #resync(): void {
    this.#inSync = false;
    this.#write({ type: 'resync' });
  }

  #armWatchdog(ms: number): void {
    this.#o.timers.clearTimeout(this.#watchdog);
    this.#watchdog = this.#o.timers.setTimeout(() => {
      this.#watchdog = undefined;
      if (this.#phase === 'stopped' || this.#socket === null) return;
      // The socket is dead or as good as dead: stop listening to it and start over.
      this.#generation++;
      this.#socket.close(CLIENT_DROP, 'no heartbeat from the hub');
      this.#onClose(CLIENT_DROP);
    }, ms);
  }

  #onClose(code: number): void {
    this.#socket = null;
    this.#inSync = false;
    this.#o.timers.clearTimeout(this.#renewTimer);
    this.#o.timers.clearTimeout(this.#watchdog);
    if (code === LiveCloseCode.Unauthorized || code === LiveCloseCode.SessionRevoked) return this.stop('session-ended');
    if (code === LiveCloseCode.Forbidden) return this.stop('forbidden');
    this.#phase = 'reconnecting';
    const delay = backoffDelay(this.#attempt, {
      ...(this.#o.backoff ?? DEFAULT_BACKOFF),
      random: this.#o.random ?? Math.random,
    });
    this.#attempt++;
    this.#retryAt = this.#o.timers.now() + delay;
    this.#retryTimer = this.#o.timers.setTimeout(() => {
      this.#retryTimer = undefined;
      this.#open();
    }, delay);
    this.#emit();
  }

  #scheduleRenewal(expiresAt: string): void {
    this.#o.timers.clearTimeout(this.#renewTimer);
    const left = Date.parse(expiresAt) - this.#o.timers.now();
    const delay = Math.max(1_000, left - Math.min(RENEW_MARGIN_MS, left / 3));
    this.#renewTimer = this.#o.timers.setTimeout(() => {
      this.#o.renewToken().then(
        (token) => {
          this.#write({ type: 'auth', token: token.token });
          this.#scheduleRenewal(token.expiresAt);
        },
        (error: unknown) => {
          if (error instanceof PanelError && error.code === PanelErrorCode.SessionEnded) this.stop('session-ended');
          else this.#scheduleRenewal(new Date(this.#o.timers.now() + 30_000 + RENEW_MARGIN_MS).toISOString());
        },
      );
    }, delay);
  }

  #write(message: LiveClientMessage): void {
    this.#socket?.send(JSON.stringify(message));
  }

  #emit(): void {
    this.#o.onChange(this.state);
  }
}
