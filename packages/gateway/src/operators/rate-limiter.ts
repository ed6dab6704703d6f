/**
 * Token buckets per operator and command class: a stuck key or a hostile script cannot flood
 * Asterisk with Originates. Pure: the caller passes the time.
 */
export interface BucketSpec {
  /** Tokens available at once. */
  burst: number;
  /** Tokens regained per second. */
  perSecond: number;
}

export class RateLimiter {
  readonly #spec: BucketSpec;
  readonly #buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(spec: BucketSpec) {
    this.#spec = spec;
  }

  /** Takes one token for `key` if available. */
  take(key: string, nowMs: number): boolean {
    const { burst, perSecond } = this.#spec;
    const b = this.#buckets.get(key) ?? { tokens: burst, atMs: nowMs };
    b.tokens = Math.min(burst, b.tokens + ((nowMs - b.atMs) / 1000) * perSecond);
    b.atMs = nowMs;
    if (b.tokens < 1) {
      this.#buckets.set(key, b);
      return false;
    }
    b.tokens -= 1;
    this.#buckets.set(key, b);
    return true;
  }

  /** Forgets buckets that are full again (bounded memory with many operators). */
  sweep(nowMs: number): void {
    for (const [key, b] of this.#buckets) {
      if (b.tokens + ((nowMs - b.atMs) / 1000) * this.#spec.perSecond >= this.#spec.burst) this.#buckets.delete(key);
    }
  }
}
