/**
 * Compares what the hub holds with what the sites closed. Pure.
 *
 * For each record id the expected version is the one the hub's ingest must end with: versions
 * are taken in the order the site closed them, and a later one replaces the kept one only if
 * it ranks strictly higher (complete over incomplete, then later end, then more detail) —
 * the hub's rule (packages/hub/src/calls/record-rank.ts).
 */
import type { CallRecord } from '@callgate/contracts';

export interface SiteLedger {
  site: string;
  /** Every append, in order. */
  entries: { recordId: string; json: string }[];
  /** Record ids the hub refused as invalid (kept aside at the site, not stored as calls). */
  rejected: string[];
}

export interface Verdict {
  perSite: {
    site: string;
    appended: number;
    records: number;
    atHub: number;
    missing: string[];
    extra: string[];
    different: string[];
    rejected: number;
  }[];
  /** Hub records whose site is none of the ledgers' sites. */
  foreign: string[];
  ok: boolean;
}

interface Rank {
  complete: number;
  endedAt: number;
  detail: number;
}

const rank = (r: CallRecord): Rank => ({
  complete: r.incomplete ? 0 : 1,
  endedAt: Date.parse(r.endedAt),
  detail: r.segments.length + r.offers.length,
});

const outranks = (a: Rank, b: Rank): boolean =>
  a.complete !== b.complete
    ? a.complete > b.complete
    : a.endedAt !== b.endedAt
      ? a.endedAt > b.endedAt
      : a.detail > b.detail;

/** The version of each record id the hub must hold. */
export function expectedRecords(entries: readonly { recordId: string; json: string }[]): Map<string, CallRecord> {
  const out = new Map<string, CallRecord>();
  for (const entry of entries) {
    const record = JSON.parse(entry.json) as CallRecord;
    const kept = out.get(entry.recordId);
    if (!kept || outranks(rank(record), rank(kept))) out.set(entry.recordId, record);
  }
  return out;
}

/** Deep equality of JSON values, key order ignored. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

export function judge(ledgers: readonly SiteLedger[], hub: ReadonlyMap<string, CallRecord>): Verdict {
  const perSite: Verdict['perSite'] = [];
  const sites = new Set(ledgers.map((l) => l.site));
  for (const ledger of ledgers) {
    const expected = expectedRecords(ledger.entries);
    const rejected = new Set(ledger.rejected);
    const missing: string[] = [];
    const different: string[] = [];
    for (const [id, record] of expected) {
      if (rejected.has(id)) continue;
      const stored = hub.get(id);
      if (!stored) missing.push(id);
      else if (!sameJson(stored, record)) different.push(id);
    }
    const extra: string[] = [];
    let atHub = 0;
    for (const [id, record] of hub) {
      if (record.site !== ledger.site) continue;
      atHub += 1;
      if (!expected.has(id) || rejected.has(id)) extra.push(id);
    }
    perSite.push({
      site: ledger.site,
      appended: ledger.entries.length,
      records: expected.size,
      atHub,
      missing,
      extra,
      different,
      rejected: rejected.size,
    });
  }
  const foreign = [...hub.values()].filter((r) => !sites.has(r.site)).map((r) => r.recordId);
  const ok =
    foreign.length === 0 &&
    perSite.every((s) => s.missing.length === 0 && s.extra.length === 0 && s.different.length === 0);
  return { perSite, foreign, ok };
}
