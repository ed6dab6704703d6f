/**
 * Reconnect delays: exponential with a cap and random jitter, so a site's gateways do not
 * reconnect in lock-step after an Asterisk restart (recording 16 shows refused connects for
 * about half a second while Asterisk comes back).
 */
export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** 0..1: the share of each delay that is randomised downwards. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialDelayMs: 250,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.3,
};

/** Delay before reconnect attempt `attempt` (0-based). */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** Math.min(attempt, 30));
  return Math.round(base * (1 - options.jitter * random()));
}
