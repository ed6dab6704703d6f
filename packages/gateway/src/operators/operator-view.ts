/**
 * What one operator may see of the site's live state: their own calls and status, mapped from
 * the engine's domain model (LiveCall, OperatorStatus, CallRecord) into the operator protocol's
 * narrow shapes. Pure. This is the one place where queue names turn into line labels and other
 * operators turn into "a colleague" — so it is the place to audit for leaks.
 */
import type {
  CallRecord,
  LiveCall,
  OperatorCall,
  OperatorStatus,
  OperatorWorkStatus,
  SiteConfig,
} from '@callgate/contracts';

export interface ViewContext {
  config: SiteConfig;
}

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

function otherParty(
  config: SiteConfig,
  operatorId: string,
  direction: LiveCall['direction'],
  customerNumber: string | null,
  operatorIds: readonly string[],
): { number: string | null; name: string | null } {
  if (direction !== 'internal') return { number: customerNumber, name: null };
  const otherId = operatorIds.find((id) => id !== operatorId);
  const other = config.operators.find(
    (op) => op.id === otherId || (otherId === undefined && op.extension === customerNumber),
  );
  if (other && other.id !== operatorId) return { number: other.extension, name: other.name };
  return { number: customerNumber, name: null };
}

export function liveCallView(
  config: SiteConfig,
  operatorId: string,
  call: LiveCall,
  heldSince: string | null,
): OperatorCall {
  const party = otherParty(config, operatorId, call.direction, call.customerNumber, call.operatorIds);
  let state: OperatorCall['state'];
  switch (call.state) {
    case 'dialing':
      state = 'dialing';
      break;
    case 'ringing':
      // A click-to-call rings the operator's own phone first.
      state = call.direction === 'outbound' && call.answeredAt === null ? 'connecting' : 'ringing';
      break;
    case 'queued':
      state = 'ringing';
      break;
    case 'talking':
      state = 'talking';
      break;
    case 'on-hold':
      state = 'on-hold';
      break;
  }
  return {
    callId: call.callId,
    direction: call.direction,
    number: party.number,
    name: party.name,
    lineLabel: lineLabel(config, call.line, call.queue),
    state,
    startedAt: call.startedAt,
    answeredAt: call.answeredAt,
    heldSince: state === 'on-hold' ? heldSince : null,
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
  const operatorIds = [...record.segments.map((s) => s.operatorId), ...record.offers.map((o) => o.operatorId)];
  const party = otherParty(config, operatorId, record.direction, record.customerNumber, operatorIds);
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
