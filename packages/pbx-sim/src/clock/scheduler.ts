/**
 * Time for the simulated world: a clock and one-shot timers, injected so the world model runs
 * on real time in a server and on virtual time in tests (no sleeping) and in fast load runs.
 *
 * The world never calls `Date.now()` or `setTimeout` itself; everything goes through a
 * `Scheduler`, and every timer it sets is owned by the scheduler, so `cancelAll()` on stop
 * leaves nothing behind.
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Scheduler {
  /** Milliseconds since the Unix epoch, as the simulated Asterisk sees them. */
  now(): number;
  /** Runs `fn` once after `delayMs` (0 = after the current step). */
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle | undefined): void;
  /** Drops every pending timer (stop, restart). */
  cancelAll(): void;
  /** Timers waiting to fire. */
  readonly pending: number;
}

/** Wall-clock time and Node timers. */
export class RealScheduler implements Scheduler {
  #nextId = 1;
  readonly #timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const id = this.#nextId++;
    const timer = setTimeout(
      () => {
        this.#timers.delete(id);
        fn();
      },
      Math.max(0, delayMs),
    );
    this.#timers.set(id, timer);
    return { id };
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const timer = this.#timers.get(handle.id);
    if (timer) clearTimeout(timer);
    this.#timers.delete(handle.id);
  }

  cancelAll(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  get pending(): number {
    return this.#timers.size;
  }
}

interface VirtualTimer {
  id: number;
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * Virtual time: nothing happens until `advance()` (or `runUntil…`) moves the clock. Timers
 * due at the same instant fire in the order they were set, like Node's.
 */
export class VirtualScheduler implements Scheduler {
  #now: number;
  #nextId = 1;
  #seq = 0;
  /** Binary min-heap on (at, seq). */
  readonly #heap: VirtualTimer[] = [];
  readonly #live = new Set<number>();

  constructor(startMs = Date.UTC(2026, 10, 27, 16, 0, 0)) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const id = this.#nextId++;
    this.#push({ id, at: this.#now + Math.max(0, delayMs), seq: this.#seq++, fn });
    this.#live.add(id);
    return { id };
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (handle) this.#live.delete(handle.id);
  }

  cancelAll(): void {
    this.#live.clear();
    this.#heap.length = 0;
  }

  get pending(): number {
    return this.#live.size;
  }

  /** Moves the clock forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    this.advanceTo(this.#now + ms);
  }

  advanceTo(target: number): void {
    for (;;) {
      const top = this.#heap[0];
      if (!top || top.at > target) break;
      this.#pop();
      if (!this.#live.delete(top.id)) continue;
      this.#now = Math.max(this.#now, top.at);
      top.fn();
    }
    this.#now = Math.max(this.#now, target);
  }

  /** Fires timers until none is left or `limitMs` of virtual time has passed. */
  runUntilIdle(limitMs = 24 * 3600 * 1000): void {
    const end = this.#now + limitMs;
    for (;;) {
      const top = this.#heap[0];
      if (!top || top.at > end) break;
      this.advanceTo(top.at);
    }
  }

  /** When the next live timer fires, or undefined. */
  nextAt(): number | undefined {
    while (this.#heap[0] && !this.#live.has(this.#heap[0].id)) this.#pop();
    return this.#heap[0]?.at;
  }

  #push(t: VirtualTimer): void {
    const h = this.#heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i] as VirtualTimer, h[parent] as VirtualTimer)) break;
      [h[i], h[parent]] = [h[parent] as VirtualTimer, h[i] as VirtualTimer];
      i = parent;
    }
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop();
    if (!last || h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l] as VirtualTimer, h[m] as VirtualTimer)) m = l;
      if (r < h.length && before(h[r] as VirtualTimer, h[m] as VirtualTimer)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as VirtualTimer, h[i] as VirtualTimer];
      i = m;
    }
  }
}

function before(a: VirtualTimer, b: VirtualTimer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
