/** Virtual time for the connection state machines: timers fire when the test advances the clock. */
import type { TimerHandle, Timers } from '../../src/client/timers.js';

interface Pending {
  id: number;
  at: number;
  fn: () => void;
}

export class VirtualTimers implements Timers {
  #now: number;
  #nextId = 1;
  #pending: Pending[] = [];

  constructor(start = Date.parse('2026-11-27T10:00:00.000Z')) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.#pending.push({ id, at: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    this.#pending = this.#pending.filter((p) => p.id !== handle);
  }

  /** Timers still waiting. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Moves time forward, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const due = this.#pending.filter((p) => p.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#pending = this.#pending.filter((p) => p !== due);
      this.#now = due.at;
      due.fn();
    }
    this.#now = until;
  }
}

/** Lets pending promise callbacks run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
