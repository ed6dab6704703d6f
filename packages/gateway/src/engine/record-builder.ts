/**
 * Turns a finished call into its record (docs/call-record.md explains every field). The rules
 * for outcome and "who hung up" are here, in one place, because supervisors and CRMs judge the
 * product by them.
 */
import { roundSeconds, type CallOutcome, type CallRecord, type HangupBy, type HangupCause } from '@callgate/contracts';
import { isoTime } from './context.js';
import type { Call, Channel, Offer } from './state.js';

export const UNKNOWN_CAUSE: HangupCause = { code: 0, text: 'Unknown' };

/** Q.850 causes for `OriginateResponse Reason` (Asterisk's AST_CONTROL_* codes) when no channel reported one. */
export function causeForOriginateReason(reason: number): HangupCause {
  switch (reason) {
    case 1:
      return { code: 16, text: 'Normal Clearing' };
    case 3:
      return { code: 19, text: 'User alerting, no answer' };
    case 5:
      return { code: 17, text: 'User busy' };
    case 8:
      return { code: 34, text: 'Circuit/channel congestion' };
    default:
      return UNKNOWN_CAUSE;
  }
}

/** The schema's limits (contracts/call-record.ts): a record beyond them would be refused downstream. */
const MAX_SEGMENTS = 100;
const MAX_OFFERS = 1000;

/**
 * At most `max` items, in order: the ones `keep` says must stay, then the most recent others.
 * Only a pathological call (a ringall queue of hundreds retried for an hour) gets there; its
 * totals (talk, hold, ring) are computed from everything before this cut.
 */
function capped<T>(items: readonly T[], max: number, keep: (item: T) => boolean): T[] {
  if (items.length <= max) return [...items];
  const kept = new Set(items.filter(keep).slice(-max));
  for (let i = items.length - 1; i >= 0 && kept.size < max; i--) kept.add(items[i] as T);
  return items.filter((item) => kept.has(item));
}

export function buildRecord(call: Call, siteId: string, endedAt: number): CallRecord {
  const customer = call.customerLeg === undefined ? undefined : call.channels.get(call.customerLeg);
  let holdMs = 0;
  for (const s of call.segments) holdMs += s.holdMs;
  // Connected time is the union of the segments (they overlap in internal calls, where both
  // operators have one, and in conferences): talk is that minus the time on hold.
  const talkMs = Math.max(0, connectedMs(call, endedAt) - holdMs);
  const first = call.segments[0];
  const { outcome, hangupBy } = decideOutcome(call, customer);
  return {
    recordId: `${siteId}:${call.callId}`,
    callId: call.callId,
    site: siteId,
    direction: call.direction,
    customerNumber: call.direction === 'internal' ? null : call.customerNumber,
    line: call.line,
    queue: call.queue,
    startedAt: isoTime(call.startedAt),
    answeredAt: first ? isoTime(first.answeredAt) : null,
    endedAt: isoTime(endedAt),
    waitSeconds: roundSeconds(call.waitMs / 1000),
    ringSeconds: roundSeconds(ringMs(call, customer, endedAt) / 1000),
    talkSeconds: roundSeconds(talkMs / 1000),
    holdSeconds: roundSeconds(holdMs / 1000),
    durationSeconds: roundSeconds((endedAt - call.startedAt) / 1000),
    outcome,
    hangupBy,
    hangupCause: hangupCause(call, customer),
    segments: capped(call.segments, MAX_SEGMENTS, () => false).map((s) => {
      const end = s.endedAt ?? endedAt;
      return {
        operatorId: s.operatorId,
        extension: s.extension,
        answeredAt: isoTime(s.answeredAt),
        endedAt: isoTime(end),
        talkSeconds: roundSeconds(Math.max(0, end - s.answeredAt - s.holdMs) / 1000),
        holdSeconds: roundSeconds(s.holdMs / 1000),
        endedBy: s.endedBy ?? 'hangup',
      };
    }),
    offers: capped(
      call.offers.filter((o) => o.rang || o.result === 'answered'),
      MAX_OFFERS,
      (o) => o.result === 'answered',
    ).map((o) => ({
      operatorId: o.operatorId,
      extension: o.extension,
      ringSeconds: roundSeconds(((o.endedAt ?? endedAt) - o.startedAt) / 1000),
      result: o.result ?? 'cancelled',
    })),
    crmRef: call.crmRef,
    recording: call.recording,
    incomplete: call.incomplete,
  };
}

function connectedMs(call: Call, endedAt: number): number {
  const spans = call.segments.map((s) => [s.answeredAt, s.endedAt ?? endedAt] as const).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let from = -Infinity;
  let to = -Infinity;
  for (const [a, b] of spans) {
    if (a > to) {
      if (to > from) total += to - from;
      from = a;
      to = b;
    } else if (b > to) to = b;
  }
  if (to > from) total += to - from;
  return total;
}

/**
 * Ring time: inbound and internal, the answering operator's phone (its offer); outbound, the
 * customer's phone from the dial to the answer or to the end of dialling.
 */
function ringMs(call: Call, customer: Channel | undefined, endedAt: number): number {
  if (call.direction === 'outbound') {
    if (!customer || customer.dialBeganAt === undefined) return 0;
    const end = customer.answeredAt ?? customer.dialEndedAt ?? endedAt;
    return Math.max(0, end - customer.dialBeganAt);
  }
  // The first operator who answered a ringing phone (an internal call's caller rang no phone).
  for (const segment of call.segments) {
    const offer = answeredOffer(call.offers, segment.operatorId, segment.channel);
    if (offer) return Math.max(0, (offer.endedAt ?? segment.answeredAt) - offer.startedAt);
  }
  return 0;
}

function answeredOffer(offers: readonly Offer[], operatorId: string, channel: string): Offer | undefined {
  return (
    offers.find((o) => o.channel === channel && o.result === 'answered') ??
    offers.find((o) => o.operatorId === operatorId && o.result === 'answered')
  );
}

function hangupCause(call: Call, customer: Channel | undefined): HangupCause {
  if (customer?.hangupCause) return customer.hangupCause;
  // No customer leg (internal, or a click-to-call that never reached the customer): the first leg's.
  const firstLeg = call.firstLeg === undefined ? undefined : call.channels.get(call.firstLeg);
  if (firstLeg?.hangupCause) return firstLeg.hangupCause;
  if (call.originate?.failed) return causeForOriginateReason(call.originate.failed.reason);
  return UNKNOWN_CAUSE;
}

function lastOfferResult(call: Call): Offer['result'] {
  for (let i = call.offers.length - 1; i >= 0; i--) {
    const o = call.offers[i] as Offer;
    if (o.channel !== call.firstLeg || call.direction !== 'internal') return o.result;
  }
  return undefined;
}

function operatorRequestedHangup(call: Call): boolean {
  for (const ch of call.channels.values()) if (ch.kind === 'operator' && ch.hangupRequested) return true;
  return false;
}

/** Outcome and who hung up, by the rules in docs/call-record.md. */
export function decideOutcome(call: Call, customer: Channel | undefined): { outcome: CallOutcome; hangupBy: HangupBy } {
  if (call.segments.length > 0) return { outcome: 'answered', hangupBy: call.hangupBy ?? 'system' };
  if (call.direction === 'inbound') {
    if (call.abandoned || customer?.hangupRequested) return { outcome: 'abandoned', hangupBy: 'customer' };
    if (lastOfferResult(call) === 'declined') return { outcome: 'busy', hangupBy: 'system' };
    if (call.offers.length > 0 || call.queueJoinedAt !== undefined) return { outcome: 'no-answer', hangupBy: 'system' };
    return { outcome: 'failed', hangupBy: 'system' };
  }
  if (call.direction === 'internal') {
    switch (lastOfferResult(call)) {
      case 'declined':
        return { outcome: 'busy', hangupBy: 'operator' };
      case 'no-answer':
        return { outcome: 'no-answer', hangupBy: 'system' };
      case 'cancelled':
      case 'answered':
        return { outcome: 'cancelled', hangupBy: 'operator' };
      default:
        return { outcome: 'failed', hangupBy: 'system' };
    }
  }
  // Outbound: what happened to the customer's leg, if it was ever dialled.
  if (customer) {
    switch (customer.dialStatus) {
      case 'BUSY':
        return { outcome: 'busy', hangupBy: 'customer' };
      case 'NOANSWER':
        return { outcome: 'no-answer', hangupBy: 'system' };
      case 'CANCEL':
        return { outcome: 'cancelled', hangupBy: 'operator' };
      case 'CONGESTION':
      case 'CHANUNAVAIL':
        return { outcome: 'failed', hangupBy: 'system' };
      default:
        break;
    }
    if (operatorRequestedHangup(call)) return { outcome: 'cancelled', hangupBy: 'operator' };
    switch (customer.hangupCause?.code) {
      case 17:
      case 21:
        return { outcome: 'busy', hangupBy: 'customer' };
      case 18:
      case 19:
        return { outcome: 'no-answer', hangupBy: 'system' };
      default:
        return { outcome: 'failed', hangupBy: 'system' };
    }
  }
  // The customer was never dialled: the operator's own phone (click-to-call) decided it.
  const own = call.offers[0];
  if (!own) return { outcome: 'failed', hangupBy: 'system' };
  if (own.result === 'declined') return { outcome: 'cancelled', hangupBy: 'operator' };
  if (own.result === 'no-answer') return { outcome: 'cancelled', hangupBy: 'system' };
  if (own.result === 'answered')
    return { outcome: 'cancelled', hangupBy: operatorRequestedHangup(call) ? 'operator' : 'system' };
  return { outcome: 'failed', hangupBy: 'system' };
}
