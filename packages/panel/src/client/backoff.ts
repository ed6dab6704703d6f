/**
 * Reconnect delays: exponential with "equal jitter" (half fixed, half random), so the 500
 * operators of a site whose gateway restarts do not all reconnect in the same millisecond,
 * yet nobody waits longer than `maxMs`.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** 0 ≤ random() < 1; injected for tests. */
  random: () => number;
}

export const DEFAULT_BACKOFF: Omit<BackoffOptions, 'random'> = { initialMs: 500, maxMs: 15_000 };

/** The delay before reconnect attempt `attempt` (0 = the first retry after a drop). */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * options.random());
}
