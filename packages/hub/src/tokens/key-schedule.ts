/**
 * Which signing key signs, and which keys are published, at a given time. Pure.
 *
 * Keys are ordered by activation. A new key is published `prepublish` before it signs anything,
 * so a gateway that refreshes its cached key set at least that often has it before the first
 * token it signs arrives, even if the WAN then goes down. A key that stopped signing stays
 * published until every token it signed has expired (its successor's activation + token TTL +
 * clock skew). A revoked key is never published.
 */
import type { SigningKeyInfo } from '@callgate/contracts';
import { iso } from '../clock.js';

export interface KeyTimes {
  kid: string;
  createdAt: number;
  activatesAt: number;
  revokedAt: number | null;
}

/** Clocks of gateways and hub may differ by this much. */
export const CLOCK_SKEW_MS = 60_000;

export interface KeyState {
  kid: string;
  state: SigningKeyInfo['state'];
  published: boolean;
}

function ordered<T extends KeyTimes>(keys: readonly T[]): T[] {
  return [...keys].sort((a, b) => a.activatesAt - b.activatesAt || a.createdAt - b.createdAt);
}

export function keyStates<T extends KeyTimes>(
  keys: readonly T[],
  now: number,
  tokenTtlMs: number,
): Map<string, KeyState> {
  const live = ordered(keys.filter((k) => k.revokedAt === null));
  const out = new Map<string, KeyState>();
  for (const k of keys) if (k.revokedAt !== null) out.set(k.kid, { kid: k.kid, state: 'expired', published: false });
  const activeIndex = live.findLastIndex((k) => k.activatesAt <= now);
  live.forEach((k, i) => {
    if (k.activatesAt > now) {
      out.set(k.kid, { kid: k.kid, state: 'upcoming', published: true });
    } else if (i === activeIndex) {
      out.set(k.kid, { kid: k.kid, state: 'current', published: true });
    } else {
      const successor = live[i + 1] as T; // i < activeIndex, so a successor exists
      const lastValidToken = successor.activatesAt + tokenTtlMs + CLOCK_SKEW_MS;
      const published = lastValidToken > now;
      out.set(k.kid, { kid: k.kid, state: published ? 'previous' : 'expired', published });
    }
  });
  return out;
}

/** The key that signs now, if any. */
export function currentKey<T extends KeyTimes>(keys: readonly T[], now: number): T | undefined {
  return ordered(keys.filter((k) => k.revokedAt === null)).findLast((k) => k.activatesAt <= now);
}

/**
 * When a scheduled rotation is due: a key is prepared `prepublishMs` before the current one
 * reaches `rotationMs` of age, unless one is already waiting.
 */
export function rotationDue<T extends KeyTimes>(
  keys: readonly T[],
  now: number,
  rotationMs: number,
  prepublishMs: number,
): boolean {
  const live = keys.filter((k) => k.revokedAt === null);
  if (live.some((k) => k.activatesAt > now)) return false;
  const current = currentKey(live, now);
  if (current === undefined) return true;
  return current.activatesAt + rotationMs - prepublishMs <= now;
}

export function keyInfo(key: KeyTimes, state: KeyState): SigningKeyInfo {
  return {
    kid: key.kid,
    createdAt: iso(key.createdAt),
    activatesAt: iso(key.activatesAt),
    state: state.state,
    published: state.published,
  };
}
