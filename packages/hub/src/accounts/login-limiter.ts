/**
 * Failed-login limits per account name and per client address, over a sliding window. Pure
 * (clock injected). Account names are counted whether or not the account exists, so a refusal
 * says nothing about which names are real.
 *
 * Kept in memory: with several hub instances each enforces its own limit, which multiplies the
 * attempts an attacker gets by the number of instances (docs/hub.md says so).
 */
import type { Clock } from '../clock.js';

export interface LoginLimits {
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  windowMs: number;
}

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterMs: number; by: 'account' | 'address' };

/** Entries kept before the oldest are forgotten: bounds memory under a flood of random names. */
const MAX_KEYS = 100_000;

class FailureWindow {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until the key may try again, or 0. */
  blockedFor(key: string, now: number): number {
    const recent = this.prune(key, now);
    if (recent.length < this.max) return 0;
    return (recent[recent.length - this.max] as number) + this.windowMs - now;
  }

  add(key: string, now: number): void {
    const recent = this.prune(key, now);
    recent.push(now);
    if (recent.length > this.max) recent.splice(0, recent.length - this.max);
    this.failures.delete(key); // re-insert: Map order is then least-recently-failed first
    this.failures.set(key, recent);
    if (this.failures.size > MAX_KEYS) {
      const oldest = this.failures.keys().next();
      if (!oldest.done) this.failures.delete(oldest.value);
    }
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  private prune(key: string, now: number): number[] {
    const list = this.failures.get(key) ?? [];
    const fresh = list.filter((t) => t > now - this.windowMs);
    if (fresh.length === 0) this.failures.delete(key);
    return fresh;
  }
}

export class LoginLimiter {
  private readonly accounts: FailureWindow;
  private readonly addresses: FailureWindow;

  constructor(
    limits: LoginLimits,
    private readonly clock: Clock,
  ) {
    this.accounts = new FailureWindow(limits.maxFailuresPerAccount, limits.windowMs);
    this.addresses = new FailureWindow(limits.maxFailuresPerAddress, limits.windowMs);
  }

  check(account: string, address: string): LimitDecision {
    const now = this.clock();
    const byAccount = this.accounts.blockedFor(normalise(account), now);
    const byAddress = this.addresses.blockedFor(address, now);
    if (byAccount <= 0 && byAddress <= 0) return { allowed: true };
    return byAccount >= byAddress
      ? { allowed: false, retryAfterMs: byAccount, by: 'account' }
      : { allowed: false, retryAfterMs: byAddress, by: 'address' };
  }

  recordFailure(account: string, address: string): void {
    const now = this.clock();
    this.accounts.add(normalise(account), now);
    this.addresses.add(address, now);
  }

  /** A successful login clears the account's failures (not the address's: one good password
   * must not reset the count of an address that is guessing many accounts). */
  recordSuccess(account: string): void {
    this.accounts.clear(normalise(account));
  }
}

const normalise = (account: string): string => account.trim().toLowerCase();
