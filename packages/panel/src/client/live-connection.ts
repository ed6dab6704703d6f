/**
 * The supervisor dashboard's link to the hub's live view (contracts hub-live.ts, docs/hub.md
 * "Live view"): the socket is opened with the session cookie (same origin), the first frame
 * after `welcome` holds a snapshot, then `changes` follow with consecutive `seq`. A gap asks for
 * a `resync` (a new snapshot); a drop reconnects with backoff and starts from a snapshot again.
 * Before the credential ends (`welcome.expiresAt`) a fresh token is fetched and sent as `auth`.
 */
import type { LiveClientMessage, LiveServerMessage, OperatorToken } from '@callgate/contracts';
import { PanelError, PanelErrorCode } from '../errors.js';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
import type { ClientSocket, OpenSocket } from './client-socket.js';
import { checks, LiveCloseCode } from './contract-runtime.js';
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
  /** `ws(s)://<hub>/api/v1/live`. */
  url: string;
  openSocket: OpenSocket;
  timers: Timers;
  /** A fresh token for `auth` before the current credential ends. */
  renewToken: () => Promise<OperatorToken>;
  onChange: (state: LiveConnectionState) => void;
  onProblem?: (error: PanelError) => void;
  random?: () => number;
  backoff?: { initialMs: number; maxMs: number };
}

const RENEW_MARGIN_MS = 120_000;

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
    this.#socket = this.#o.openSocket(this.#o.url, {
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
    this.#emit();
  }

  #onMessage(message: LiveServerMessage): void {
    switch (message.type) {
      case 'welcome':
        this.#phase = 'live';
        this.#attempt = 0;
        this.#scheduleRenewal(message.expiresAt);
        return;
      case 'snapshot':
        this.#live = applyLiveSnapshot(message.seq, message.sites);
        this.#inSync = true;
        return;
      case 'changes': {
        const seq = this.#live.seq;
        if (!this.#inSync || seq === null) return; // waiting for the snapshot we asked for
        if (message.seq <= seq) return;
        if (message.seq !== seq + 1) {
          this.#inSync = false;
          this.#write({ type: 'resync' });
          return;
        }
        this.#live = applyLiveChanges(this.#live, message.seq, message.changes);
        return;
      }
      case 'error':
        this.#o.onProblem?.(new PanelError(PanelErrorCode.BadFrame, `${message.code}: ${message.message}`));
        return;
    }
  }

  #onClose(code: number): void {
    this.#socket = null;
    this.#inSync = false;
    this.#o.timers.clearTimeout(this.#renewTimer);
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
