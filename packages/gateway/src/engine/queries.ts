/**
 * Read-only questions the rest of the gateway asks the engine, mostly to turn an operator's
 * command into an AMI action: which call is this operator on, what is their own channel, who
 * is on the other end, which bridge, are they holding. Channel names and bridge ids are
 * telephony internals: use them for AMI actions and logs, never send them to a browser.
 */
import type { LiveCall, OperatorStatus, SiteLiveSnapshot } from '@callgate/contracts';
import { openCallOf } from './calls.js';
import { isoTime } from './context.js';
import { operatorStatus } from './operators.js';
import { ChannelStateCode, type Call, type Channel, type EngineState } from './state.js';

/** How one operator is involved in one call. */
export type OperatorCallState =
  /** Click-to-call: the operator's own phone is ringing (or not yet created). */
  | 'connecting'
  /** The operator's phone is up and the other party is being dialled. */
  | 'dialing'
  /** A call is offered to the operator: their phone rings. */
  | 'ringing'
  | 'talking'
  | 'on-hold'
  /** The operator holds the customer and talks to a colleague (attended transfer). */
  | 'consulting';

export interface OperatorCallView {
  callId: string;
  direction: Call['direction'];
  /** The customer's number (null for internal calls). */
  customerNumber: string | null;
  /** For internal calls: the colleague on the other end, if known. */
  otherOperatorId: string | null;
  line: string | null;
  queue: string | null;
  crmRef: string | null;
  state: OperatorCallState;
  startedAt: string;
  answeredAt: string | null;
  heldSince: string | null;
  /** The operator's own channel (`PJSIP/1001-00000002`); null before Asterisk created it. */
  channel: string | null;
  /** The party the operator's channel is bridged to (or the customer's channel). */
  peerChannel: string | null;
  /** The customer's channel, when there is a customer. */
  customerChannel: string | null;
  bridgeId: string | null;
  onHold: boolean;
}

function liveName(state: EngineState, uniqueid: string | undefined): string | null {
  if (uniqueid === undefined) return null;
  const ch = state.channels.get(uniqueid);
  return ch && !ch.hungUp ? ch.name : null;
}

function viewFor(state: EngineState, ch: Channel): OperatorCallView | undefined {
  const open = state.segmentsByChannel.get(ch.uniqueid);
  const call = open && !open.call.ended ? open.call : openCallOf(state, ch);
  if (!call) return undefined;
  const segment = open?.call === call ? open.segment : undefined;
  let callState: OperatorCallState;
  if (segment) callState = segment.away ? 'consulting' : segment.heldSince !== undefined ? 'on-hold' : 'talking';
  else if (ch.state === ChannelStateCode.Up) {
    callState = ch.uniqueid === call.firstLeg && call.direction !== 'inbound' ? 'dialing' : 'talking';
  } else callState = call.originate && ch.uniqueid === call.firstLeg ? 'connecting' : 'ringing';
  let peer: string | null = null;
  if (ch.bridgeId !== undefined) {
    for (const id of state.bridges.get(ch.bridgeId)?.channels ?? []) {
      if (id !== ch.uniqueid) {
        peer = liveName(state, id);
        if (peer !== null) break;
      }
    }
  }
  const customerChannel = liveName(state, call.customerLeg);
  let otherOperatorId: string | null = null;
  if (call.direction === 'internal') {
    for (const leg of call.channels.values()) {
      if (leg.operatorId !== undefined && leg.operatorId !== ch.operatorId && !leg.hungUp) {
        otherOperatorId = leg.operatorId;
        break;
      }
    }
  }
  const heldSince = segment?.heldSince;
  return {
    callId: call.callId,
    direction: call.direction,
    customerNumber: call.direction === 'internal' ? null : call.customerNumber,
    otherOperatorId,
    line: call.line,
    queue: call.queue,
    crmRef: call.crmRef,
    state: callState,
    startedAt: isoTime(call.startedAt),
    answeredAt: segment ? isoTime(segment.answeredAt) : null,
    heldSince: heldSince === undefined ? null : isoTime(heldSince),
    channel: ch.name,
    peerChannel: peer ?? customerChannel,
    customerChannel,
    bridgeId: ch.bridgeId ?? null,
    onHold: heldSince !== undefined,
  };
}

/**
 * The calls an operator is on or being offered right now, most involved first (talking or
 * holding before ringing). Includes click-to-calls requested but not yet seen in Asterisk.
 */
export function operatorCalls(state: EngineState, operatorId: string): OperatorCallView[] {
  const op = state.operators.get(operatorId);
  if (!op) return [];
  const views: OperatorCallView[] = [];
  const seen = new Set<string>();
  for (const id of op.channels) {
    const ch = state.channels.get(id);
    if (!ch || ch.hungUp) continue;
    const view = viewFor(state, ch);
    if (!view || seen.has(view.callId)) continue;
    seen.add(view.callId);
    views.push(view);
  }
  for (const pending of state.originatesByAction.values()) {
    if (pending.operatorId !== operatorId || pending.callKey !== undefined || seen.has(pending.callId)) continue;
    views.push({
      callId: pending.callId,
      direction: 'outbound',
      customerNumber: pending.customerNumber,
      otherOperatorId: null,
      line: null,
      queue: null,
      crmRef: pending.crmRef,
      state: 'connecting',
      startedAt: isoTime(pending.requestedAt),
      answeredAt: null,
      heldSince: null,
      channel: null,
      peerChannel: null,
      customerChannel: null,
      bridgeId: null,
      onHold: false,
    });
  }
  const rank: Record<OperatorCallState, number> = {
    'on-hold': 0,
    consulting: 0,
    talking: 0,
    dialing: 1,
    connecting: 2,
    ringing: 3,
  };
  return views.sort((a, b) => rank[a.state] - rank[b.state]);
}

/** This operator's view of one call, or undefined if the call is not theirs (right now). */
export function operatorCall(state: EngineState, operatorId: string, callId: string): OperatorCallView | undefined {
  return operatorCalls(state, operatorId).find((v) => v.callId === callId);
}

/** The operator's current status, or undefined for an operator not in the site config. */
export function operatorStatusOf(state: EngineState, operatorId: string, now: number): OperatorStatus | undefined {
  const op = state.operators.get(operatorId);
  return op ? operatorStatus(state, op, now) : undefined;
}

export function liveCall(call: Call): LiveCall {
  const operatorIds = new Set<string>();
  let talking = false;
  let held = false;
  let ringing = false;
  for (const s of call.segments) {
    if (s.endedAt !== undefined) continue;
    operatorIds.add(s.operatorId);
    if (s.heldSince !== undefined || s.away) held = true;
    else talking = true;
  }
  for (const o of call.offers) {
    if (o.result !== undefined) continue;
    operatorIds.add(o.operatorId);
    ringing = true;
  }
  const state: LiveCall['state'] = talking
    ? 'talking'
    : held
      ? 'on-hold'
      : ringing
        ? 'ringing'
        : call.queued
          ? 'queued'
          : 'dialing';
  const first = call.segments[0];
  return {
    callId: call.callId,
    direction: call.direction,
    customerNumber: call.direction === 'internal' ? null : call.customerNumber,
    line: call.line,
    queue: call.queue,
    state,
    startedAt: isoTime(call.startedAt),
    answeredAt: first ? isoTime(first.answeredAt) : null,
    operatorIds: [...operatorIds],
    crmRef: call.crmRef,
  };
}

/** Calls in progress, as the live view shows them. */
export function liveCalls(state: EngineState): LiveCall[] {
  const out: LiveCall[] = [];
  for (const call of state.calls.values()) if (!call.ended) out.push(liveCall(call));
  return out;
}

/** A call in progress by its call id. */
export function findLiveCall(state: EngineState, callId: string): LiveCall | undefined {
  const call = state.callsById.get(callId);
  return call && !call.ended ? liveCall(call) : undefined;
}

/** The whole live state of the site (sent after every uplink reconnect). */
export function liveSnapshot(state: EngineState, now: number): SiteLiveSnapshot {
  const operators: OperatorStatus[] = [];
  for (const op of state.operators.values()) operators.push(operatorStatus(state, op, now));
  return {
    site: state.config.siteId,
    at: isoTime(now),
    amiConnected: state.amiConnected,
    operators,
    calls: liveCalls(state),
  };
}

/** The Uniqueid of a live channel by its name (ARI and some AMI actions address channels by it). */
export function channelUniqueid(state: EngineState, channelName: string): string | undefined {
  for (const ch of state.channels.values()) if (ch.name === channelName && !ch.hungUp) return ch.uniqueid;
  return undefined;
}
