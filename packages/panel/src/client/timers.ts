/**
 * Time as the panel's logic sees it: injected, so the connection state machines are tested with
 * a virtual clock instead of sleeping.
 */
/** What setTimeout returns: a number in browsers, an object in Node. */
export type TimerHandle = number | object;

export interface Timers {
  /** Milliseconds since the epoch, local clock. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Does nothing for `undefined` or a timer that already fired. */
  clearTimeout(handle: TimerHandle | undefined): void;
}

export const browserTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
};
