/**
 * What one operator may see of the site's live state: their own calls and status, mapped from
 * the engine's views (OperatorCallView, OperatorStatus, CallRecord) into the operator protocol's
 * narrow shapes. Pure. This is the one place where queue names turn into line labels and other
 * operators turn into "a colleague" — so it is the place to audit for leaks.
 */
import type { CallRecord, OperatorCall, OperatorStatus, OperatorWorkStatus, SiteConfig } from '@callgate/contracts';
import type { OperatorCallView } from '../engine/index.js';

/** The operator-facing label for what the customer called: the line's label, else the queue's. */
export function lineLabel(config: SiteConfig, line: string | null, queue: string | null): string | null {
  if (line !== null) {
    const bare = line.replace(/^\+/, '');
    const found = config.lines.find((l) => l.number.replace(/^\+/, '') === bare);
    if (found) return found.label;
  }
  if (queue !== null) return config.queues.find((q) => q.name === queue)?.label ?? null;
  return null;
}

/** The protocol view of one of the operator's calls in progress. */
export function liveCallView(config: SiteConfig, operatorId: string, call: OperatorCallView): OperatorCall {
  let number = call.customerNumber;
  let name: string | null = null;
  if (call.direction === 'internal') {
    const other = config.operators.find((op) => op.id === call.otherOperatorId && op.id !== operatorId);
    number = other?.extension ?? null;
    name = other?.name ?? null;
  }
  return {
    callId: call.callId,
    direction: call.direction,
    number,
    name,
    lineLabel: lineLabel(config, call.line, call.queue),
    state: call.state,
    startedAt: call.startedAt,
    answeredAt: call.answeredAt,
    heldSince: call.state === 'on-hold' ? call.heldSince : null,
    crmRef: call.crmRef,
    endedAt: null,
    outcome: null,
  };
}

/** How a finished call ended, for one operator who was on it or was offered it. */
export function endedOutcome(record: CallRecord, operatorId: string): OperatorCall['outcome'] {
  const segment = record.segments.filter((s) => s.operatorId === operatorId).at(-1);
  if (segment) return segment.endedBy === 'transfer' ? 'transferred' : 'completed';
  if (record.direction === 'outbound') {
    if (record.outcome === 'answered') return 'completed';
    if (record.outcome === 'abandoned') return 'cancelled';
    return record.outcome;
  }
  const offer = record.offers.filter((o) => o.operatorId === operatorId).at(-1);
  if (offer?.result === 'cancelled') return 'cancelled';
  return 'missed';
}

export function endedCallView(
  config: SiteConfig,
  operatorId: string,
  record: CallRecord,
  previous: OperatorCall | undefined,
): OperatorCall {
  let party: { number: string | null; name: string | null } = { number: record.customerNumber, name: null };
  if (record.direction === 'internal') {
    const ids = [...record.segments.map((s) => s.operatorId), ...record.offers.map((o) => o.operatorId)];
    const other = config.operators.find((op) => op.id !== operatorId && ids.includes(op.id));
    party = { number: other?.extension ?? null, name: other?.name ?? null };
  }
  return {
    callId: record.callId,
    direction: record.direction,
    number: previous?.number ?? party.number,
    name: previous?.name ?? party.name,
    lineLabel: previous?.lineLabel ?? lineLabel(config, record.line, record.queue),
    state: 'ended',
    startedAt: previous?.startedAt ?? record.startedAt,
    answeredAt: record.segments.find((s) => s.operatorId === operatorId)?.answeredAt ?? previous?.answeredAt ?? null,
    heldSince: null,
    crmRef: record.crmRef,
    endedAt: record.endedAt,
    outcome: endedOutcome(record, operatorId),
  };
}

export function statusView(
  status: OperatorStatus | undefined,
  wrapUpEndsAt: string | null,
  telephonyUp: boolean,
  now: string,
): OperatorWorkStatus {
  if (!status) {
    return { work: 'logged-out', pauseReason: null, since: now, wrapUpEndsAt: null, phone: 'unavailable', telephonyUp };
  }
  const wrapUp = status.work === 'paused' && status.pauseReason === WRAP_UP_REASON;
  return {
    work: wrapUp ? 'wrap-up' : status.work,
    pauseReason: wrapUp ? null : status.pauseReason,
    since: status.since,
    wrapUpEndsAt: wrapUp ? wrapUpEndsAt : null,
    phone: status.phone,
    telephonyUp,
  };
}

/** The queue pause reason callgate uses for wrap-up (visible in Asterisk's queue show). */
export const WRAP_UP_REASON = 'wrap-up';
