/**
 * Which version of a call record wins when the same recordId arrives more than once. Pure.
 *
 * The gateway sends a record once the call ends; it may send an `incomplete` one (it restarted
 * mid-call, or lost AMI and closed the call at resync) and later a complete one, and the uplink
 * may deliver any of them twice or out of order. Versions compare by, in order:
 *   1. complete beats incomplete;
 *   2. a later `endedAt` (the call was followed longer);
 *   3. more detail (segments + offers).
 * A version that does not rank strictly higher than the stored one changes nothing, so
 * redelivery and reordering are harmless and the outcome does not depend on arrival order.
 */
import type { CallRecord } from '@callgate/contracts';

export interface RecordRank {
  complete: number;
  endedAt: number;
  detailCount: number;
}

export function rankOf(record: CallRecord): RecordRank {
  return {
    complete: record.incomplete ? 0 : 1,
    endedAt: Date.parse(record.endedAt),
    detailCount: record.segments.length + record.offers.length,
  };
}

export function outranks(a: RecordRank, b: RecordRank): boolean {
  if (a.complete !== b.complete) return a.complete > b.complete;
  if (a.endedAt !== b.endedAt) return a.endedAt > b.endedAt;
  return a.detailCount > b.detailCount;
}

/** Operators who rang or talked on the call; `handled` for those who talked. */
export function operatorsOf(record: CallRecord): Map<string, { handled: boolean }> {
  const out = new Map<string, { handled: boolean }>();
  for (const offer of record.offers) out.set(offer.operatorId, { handled: false });
  for (const segment of record.segments) out.set(segment.operatorId, { handled: true });
  return out;
}

/** What a schema cannot say about a record; each problem names the field. */
export function semanticProblems(record: CallRecord): { path: string; reason: string }[] {
  const problems: { path: string; reason: string }[] = [];
  const started = Date.parse(record.startedAt);
  const ended = Date.parse(record.endedAt);
  if (ended < started) problems.push({ path: 'endedAt', reason: 'is before startedAt' });
  if (record.answeredAt !== null) {
    const answered = Date.parse(record.answeredAt);
    if (answered < started || answered > ended) problems.push({ path: 'answeredAt', reason: 'is outside the call' });
  }
  if (record.outcome === 'answered' && record.answeredAt === null) {
    problems.push({ path: 'answeredAt', reason: 'is null but the outcome is answered' });
  }
  // PostgreSQL text cannot hold NUL; stored, it would fail the insert on every redelivery and
  // block the site's outbox behind it. As a dead letter it is kept (JSON escapes it) and reported.
  if (JSON.stringify(record).includes('\\u0000')) {
    problems.push({ path: '', reason: 'holds a NUL character, which cannot be stored' });
  }
  return problems;
}
