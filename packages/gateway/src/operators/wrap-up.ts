/**
 * Wrap-up: after talking to a customer an operator is paused (queue pause reason `wrap-up`)
 * until they end it or the site's timeout passes, so the queue does not ring them while they
 * type notes. Asterisk's own `wrapuptime` cannot be ended early by the operator, hence this.
 *
 * Only operators who were `ready` get wrap-up: a pause the operator chose (lunch) is kept.
 * The pause is visible to Asterisk (QueueMemberPause), so the engine reports it like any other
 * status; this module only owns the timers. After a gateway restart an operator found in
 * wrap-up gets a fresh full timeout (we cannot know when theirs began).
 */
import { actions } from '@callgate/ami';
import type { DomainEvent, SiteConfig } from '@callgate/contracts';
import type { TelephonyPort } from './telephony-port.js';
import { WRAP_UP_REASON } from './operator-view.js';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class WrapUpController {
  readonly #config: SiteConfig;
  readonly #telephony: TelephonyPort;
  readonly #timers: Timers;
  readonly #now: () => number;
  readonly #onError: (error: unknown, operatorId: string) => void;
  readonly #pending = new Map<string, { handle: unknown; endsAtMs: number }>();

  constructor(deps: {
    config: SiteConfig;
    telephony: TelephonyPort;
    timers?: Timers;
    now?: () => number;
    onError: (error: unknown, operatorId: string) => void;
  }) {
    this.#config = deps.config;
    this.#telephony = deps.telephony;
    this.#timers = deps.timers ?? realTimers;
    this.#now = deps.now ?? Date.now;
    this.#onError = deps.onError;
  }

  get seconds(): number {
    return this.#config.wrapUp.timeoutSeconds;
  }

  /** When the operator's wrap-up ends by itself (ISO), or null. */
  endsAt(operatorId: string): string | null {
    const p = this.#pending.get(operatorId);
    return p ? new Date(p.endsAtMs).toISOString() : null;
  }

  /** Feeds domain events: a call that ended starts wrap-up for the operators who talked on it. */
  onEvent(event: DomainEvent): void {
    if (this.seconds === 0) return;
    if (event.type === 'call.ended') {
      const talked = new Set(event.record.segments.map((s) => s.operatorId));
      for (const operatorId of talked) this.#start(operatorId);
    } else if (event.type === 'operator.status') {
      const { operatorId, work, pauseReason } = event.status;
      const inWrapUp = work === 'paused' && pauseReason === WRAP_UP_REASON;
      if (inWrapUp && !this.#pending.has(operatorId)) this.#schedule(operatorId);
      if (!inWrapUp && this.#pending.has(operatorId)) this.end(operatorId);
    }
  }

  /** Cancels the timer (the operator ended wrap-up, went ready, or logged out). */
  end(operatorId: string): void {
    const p = this.#pending.get(operatorId);
    if (!p) return;
    this.#timers.clearTimeout(p.handle);
    this.#pending.delete(operatorId);
  }

  stop(): void {
    for (const id of [...this.#pending.keys()]) this.end(id);
  }

  #start(operatorId: string): void {
    const operator = this.#config.operators.find((op) => op.id === operatorId);
    const status = this.#telephony.status(operatorId);
    if (!operator || status?.work !== 'ready') return;
    this.#schedule(operatorId);
    this.#telephony
      .send(actions.queuePause({ interface: operator.endpoint, paused: true, reason: WRAP_UP_REASON }))
      .catch((error: unknown) => {
        this.end(operatorId);
        this.#onError(error, operatorId);
      });
  }

  #schedule(operatorId: string): void {
    this.end(operatorId);
    const ms = this.seconds * 1000;
    const handle = this.#timers.setTimeout(() => this.#expire(operatorId), ms);
    this.#pending.set(operatorId, { handle, endsAtMs: this.#now() + ms });
  }

  #expire(operatorId: string): void {
    this.#pending.delete(operatorId);
    const operator = this.#config.operators.find((op) => op.id === operatorId);
    const status = this.#telephony.status(operatorId);
    if (!operator || status?.work !== 'paused' || status.pauseReason !== WRAP_UP_REASON) return;
    this.#telephony
      .send(actions.queuePause({ interface: operator.endpoint, paused: false }))
      .catch((error: unknown) => this.#onError(error, operatorId));
  }
}
