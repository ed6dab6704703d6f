/**
 * The operator's own telephony state as the panel holds it: work status, calls in progress and
 * the calls that ended while the panel watched (they need a wrap-up). A pure reducer over the
 * gateway's snapshot and events (docs/protocol.md, "Events"): each call event carries the whole
 * call, so applying one is a replace.
 */
import type { OperatorCall, OperatorEvent, OperatorSnapshot, OperatorWorkStatus } from '@callgate/contracts';

export interface OperatorState {
  status: OperatorWorkStatus | null;
  /** Calls in progress, oldest first (two during a consultation). */
  calls: readonly OperatorCall[];
  /** Calls that ended while the panel was connected or between two snapshots, newest first. */
  ended: readonly OperatorCall[];
}

export const EMPTY_OPERATOR_STATE: OperatorState = { status: null, calls: [], ended: [] };

/** How many ended calls are kept for the wrap-up and the "just ended" list. */
const MAX_ENDED = 20;

function remember(ended: readonly OperatorCall[], call: OperatorCall): OperatorCall[] {
  return [call, ...ended.filter((c) => c.callId !== call.callId)].slice(0, MAX_ENDED);
}

function byStart(a: OperatorCall, b: OperatorCall): number {
  return a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0;
}

/**
 * A snapshot replaces the state. A call the panel had in progress that the snapshot no longer
 * holds ended while the panel was not listening (the page slept, the gateway restarted): it is
 * kept as ended, so its wrap-up is not lost, with `endedAt`/`outcome` unknown.
 */
export function applySnapshot(state: OperatorState, snapshot: OperatorSnapshot): OperatorState {
  const live = snapshot.calls.filter((c) => c.state !== 'ended').sort(byStart);
  let ended = state.ended;
  for (const call of snapshot.calls) if (call.state === 'ended') ended = remember(ended, call);
  for (const before of state.calls) {
    if (!snapshot.calls.some((c) => c.callId === before.callId)) {
      ended = remember(ended, { ...before, state: 'ended' });
    }
  }
  return { status: snapshot.status, calls: live, ended };
}

export function applyEvent(state: OperatorState, event: OperatorEvent): OperatorState {
  if (event.kind === 'status') return { ...state, status: event.status };
  const call = event.call;
  const others = state.calls.filter((c) => c.callId !== call.callId);
  if (call.state === 'ended' || event.kind === 'call.ended') {
    return { ...state, calls: others, ended: remember(state.ended, { ...call, state: 'ended' }) };
  }
  return { ...state, calls: [...others, call].sort(byStart) };
}

/** The call the operator is dealing with: the one ringing, or the newest one in progress. */
export function currentCall(state: OperatorState): OperatorCall | null {
  return state.calls.find((c) => c.state === 'ringing') ?? state.calls[state.calls.length - 1] ?? null;
}
