/**
 * After-call work: the calls waiting for the operator's disposition and the dispositions on
 * their way to the hub. Kept in the browser's storage, so a reload, a second tab or a hub that
 * is unreachable for an hour loses nothing.
 *
 * A disposition is saved on the hub's call record, which reaches the hub a moment after the call
 * ends (gateway outbox → uplink → hub), later during a WAN outage. Until it is there the hub
 * answers HUB_ERR_NOT_FOUND; the disposition is kept and sent again with backoff. In site mode
 * (the page served by the gateway during an outage) the gateway keeps it instead and forwards it
 * once linked (202 `DispositionQueued`): for this page it is saved.
 */
import type { DispositionQueued, HubCall, OperatorCall } from '@callgate/contracts';
import { PanelErrorCode } from '../errors.js';
import { backoffDelay } from './backoff.js';
import { HubRequestError } from './hub-client.js';
import type { TimerHandle, Timers } from './timers.js';

export type WrapUpPhase = 'open' | 'saving' | 'waiting' | 'saved' | 'skipped' | 'failed';

export interface WrapUp {
  callId: string;
  /** The hub's record id for the call. */
  recordId: string;
  call: OperatorCall;
  phase: WrapUpPhase;
  code: string;
  notes: string;
  /** With `failed` (and `waiting`: why it is waiting): the error code. */
  error: string | null;
  attempts: number;
  updatedAt: number;
}

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface WrapUpQueueOptions {
  storage: KeyValueStorage;
  /** Per operator: two operators sharing a browser never see each other's work. */
  storageKey: string;
  timers: Timers;
  /** Resolves once the hub has it, or a site gateway has kept it for the hub (site mode). */
  save: (recordId: string, code: string, notes: string) => Promise<HubCall | DispositionQueued>;
  onChange: (items: readonly WrapUp[]) => void;
  random?: () => number;
}

/**
 * The hub's record id for a call: `<site>:<callId>`, the rule of `recordIdOf` in contracts
 * (call-record.ts). Repeated here, not imported: importing values from contracts would pull
 * typebox into the operator's bundle (see packages/panel/README.md).
 */
export function recordIdFor(site: string, callId: string): string {
  return `${site}:${callId}`;
}

/** Only a conversation with a customer gets a disposition: answered, not internal. */
export function needsWrapUp(call: OperatorCall): boolean {
  return call.answeredAt !== null && call.direction !== 'internal';
}

/** Saved and skipped items are kept this long so the same call is not offered again. */
const KEEP_DONE_MS = 12 * 3_600_000;
const MAX_ITEMS = 200;

export class WrapUpQueue {
  readonly #o: WrapUpQueueOptions;
  #items: WrapUp[] = [];
  #timers = new Map<string, TimerHandle>();

  constructor(options: WrapUpQueueOptions) {
    this.#o = options;
    this.reload();
  }

  get items(): readonly WrapUp[] {
    return this.#items;
  }

  /** The calls whose form is showing (not saved or skipped), newest first. */
  get open(): WrapUp[] {
    return this.#items.filter((w) => w.phase !== 'saved' && w.phase !== 'skipped');
  }

  /** Reads the storage again (another tab changed it) and resumes sending what is due. */
  reload(): void {
    this.#load();
    for (const item of this.#items) {
      if ((item.phase === 'waiting' || item.phase === 'saving') && !this.#timers.has(item.callId)) {
        this.#retryLater(item);
      }
    }
    this.#o.onChange(this.#items);
  }

  /** A call ended: offer its form, unless it was already dealt with. */
  offer(site: string, call: OperatorCall): void {
    this.#load();
    if (!needsWrapUp(call) || this.#items.some((w) => w.callId === call.callId)) return;
    const item: WrapUp = {
      callId: call.callId,
      recordId: recordIdFor(site, call.callId),
      call,
      phase: 'open',
      code: '',
      notes: '',
      error: null,
      attempts: 0,
      updatedAt: this.#o.timers.now(),
    };
    this.#items = [item, ...this.#items];
    this.#commit();
  }

  /** Keeps what the operator typed (also across a reload) without saving it yet. */
  draft(callId: string, code: string, notes: string): void {
    this.#update(callId, { code, notes });
  }

  submit(callId: string, code: string, notes: string): void {
    const item = this.#update(callId, { code, notes, phase: 'saving', error: null, attempts: 0 });
    if (item) void this.#send(item);
  }

  /** The operator closes the form without a disposition (the call stays in the history). */
  skip(callId: string): void {
    this.#clearTimer(callId);
    // Kept (as skipped) so the same ended call is not offered again.
    this.#update(callId, { phase: 'skipped', error: null });
  }

  dispose(): void {
    for (const handle of this.#timers.values()) this.#o.timers.clearTimeout(handle);
    this.#timers.clear();
  }

  // ---- internals -------------------------------------------------------------------------

  async #send(item: WrapUp): Promise<void> {
    this.#clearTimer(item.callId);
    try {
      await this.#o.save(item.recordId, item.code, item.notes);
      this.#update(item.callId, { phase: 'saved', error: null });
    } catch (error) {
      const code = error instanceof HubRequestError ? error.code : PanelErrorCode.HubUnreachable;
      const later =
        code === 'HUB_ERR_NOT_FOUND' || code === PanelErrorCode.HubUnreachable || code === 'HUB_ERR_UNAVAILABLE';
      const updated = this.#update(item.callId, {
        phase: later ? 'waiting' : 'failed',
        error: code === 'HUB_ERR_NOT_FOUND' ? PanelErrorCode.RecordNotYetAtHub : code,
        attempts: item.attempts + 1,
      });
      if (later && updated) this.#retryLater(updated);
    }
  }

  #retryLater(item: WrapUp): void {
    this.#clearTimer(item.callId);
    const delay = backoffDelay(Math.max(0, item.attempts - 1), {
      initialMs: 1_000,
      maxMs: 30_000,
      random: this.#o.random ?? Math.random,
    });
    this.#timers.set(
      item.callId,
      this.#o.timers.setTimeout(() => {
        this.#timers.delete(item.callId);
        const current = this.#items.find((w) => w.callId === item.callId);
        if (current && (current.phase === 'waiting' || current.phase === 'saving')) void this.#send(current);
      }, delay),
    );
  }

  #clearTimer(callId: string): void {
    const handle = this.#timers.get(callId);
    if (handle !== undefined) this.#o.timers.clearTimeout(handle);
    this.#timers.delete(callId);
  }

  /** Every change starts from what is stored: another tab may have changed it meanwhile. */
  #load(): void {
    const raw = this.#o.storage.getItem(this.#o.storageKey);
    let items: WrapUp[] = [];
    if (raw !== null) {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (Array.isArray(parsed)) items = parsed.filter(isWrapUp);
      } catch {
        items = []; // a damaged entry must not break the panel; the hub's history still has the calls
      }
    }
    this.#items = items;
  }

  #update(callId: string, change: Partial<WrapUp>): WrapUp | undefined {
    this.#load();
    let updated: WrapUp | undefined;
    this.#items = this.#items.map((w) => {
      if (w.callId !== callId) return w;
      updated = { ...w, ...change, updatedAt: this.#o.timers.now() };
      return updated;
    });
    if (updated) this.#commit();
    return updated;
  }

  #commit(): void {
    const now = this.#o.timers.now();
    this.#items = this.#items
      .filter((w) => (w.phase !== 'saved' && w.phase !== 'skipped') || now - w.updatedAt < KEEP_DONE_MS)
      .slice(0, MAX_ITEMS);
    try {
      this.#o.storage.setItem(this.#o.storageKey, JSON.stringify(this.#items));
    } catch {
      // Storage full or disabled (private mode): the queue still works for this page.
    }
    this.#o.onChange(this.#items);
  }
}

function isWrapUp(value: unknown): value is WrapUp {
  if (typeof value !== 'object' || value === null) return false;
  const w = value as Partial<WrapUp>;
  return (
    typeof w.callId === 'string' &&
    typeof w.recordId === 'string' &&
    typeof w.phase === 'string' &&
    typeof w.code === 'string' &&
    typeof w.notes === 'string' &&
    typeof w.attempts === 'number' &&
    typeof w.updatedAt === 'number' &&
    typeof w.call === 'object' &&
    w.call !== null
  );
}
