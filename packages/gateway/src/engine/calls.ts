/**
 * Calls: creation from their first leg, call ids, and the end that produces the record.
 *
 * A call is the set of channels sharing a Linkedid: Asterisk gives every leg of a call the
 * Uniqueid of its first channel as Linkedid, including queue member legs, transfer targets,
 * the Local pair of an attended transfer and the PSTN leg of a click-to-call (fixtures/ami
 * README, "Identifiers"). A channel keeps the call it had when first seen.
 */
import { createHash } from 'node:crypto';
import type { ChannelSnapshot } from '@callgate/ami';
import { emitBase, type StepContext } from './context.js';
import { classifyChannel } from './engine-config.js';
import { endOffer } from './offers.js';
import { normalizeNumber } from './phone-number.js';
import { buildRecord } from './record-builder.js';
import { closeSegment } from './segments.js';
import type { Call, Channel, EngineState, PendingOriginate } from './state.js';

/**
 * The call id of a call the gateway did not start: derived from the site and the call's
 * Linkedid, so the same call always gets the same id (a re-delivered record, a gateway that
 * restarts mid-call and resynchronises) while the Uniqueid itself — a telephony internal
 * operators must not see — never leaves the gateway. Linkedids are unique across Asterisk
 * restarts (`<epoch>.<sequence>`, or the `systemname-` form), so ids are too.
 */
export function callIdForLinkedid(siteId: string, linkedid: string): string {
  return `c-${createHash('sha256').update(`${siteId}\n${linkedid}`).digest('hex').slice(0, 24)}`;
}

/** Call ids travel in URLs and operator messages (contracts: `^[A-Za-z0-9_.:-]+$`, ≤ 100). */
export function isCallId(raw: string): boolean {
  return raw.length > 0 && raw.length <= 100 && !/[^A-Za-z0-9_.:-]/.test(raw);
}

/** How many hung-up Uniqueids are remembered to ignore late events about them. */
const HUNG_UP_MEMORY = 4096;

export function rememberHungUp(state: EngineState, uniqueid: string): void {
  state.hungUp.add(uniqueid);
  if (state.hungUp.size > HUNG_UP_MEMORY) {
    const oldest = state.hungUp.values().next().value;
    if (oldest !== undefined) state.hungUp.delete(oldest);
  }
}

/** The open call a channel belongs to (undefined once its call is recorded). */
export function openCallOf(state: EngineState, ch: Channel): Call | undefined {
  const call = state.calls.get(ch.callKey);
  return call && !call.ended ? call : undefined;
}

/**
 * The channel for a snapshot, created on first sight. `created` is true for `Newchannel`;
 * a channel first seen through another event (the engine started mid-call) makes its call
 * incomplete. Late events about a hung-up channel are ignored (undefined).
 */
export function ensureChannel(ctx: StepContext, snap: ChannelSnapshot, created: boolean): Channel | undefined {
  const { state } = ctx;
  const known = state.channels.get(snap.uniqueid);
  if (known) {
    known.state = snap.state;
    if (known.name !== snap.channel) renameChannel(state, known, snap.channel);
    return known;
  }
  if (state.hungUp.has(snap.uniqueid)) return undefined;
  const { kind, operator } = classifyChannel(state.config, snap.channel);
  const ch: Channel = {
    uniqueid: snap.uniqueid,
    name: snap.channel,
    callKey: snap.linkedid,
    kind,
    operatorId: operator?.id,
    state: snap.state,
    callerIdNum: snap.callerIdNum,
    callerIdName: snap.callerIdName,
    firstExten: snap.exten,
    createdAt: ctx.now,
    answeredAt: snap.state === 6 ? ctx.now : undefined,
    bridgeId: undefined,
    held: false,
    hungUp: false,
    hangupRequested: false,
    dialString: undefined,
    dialStatus: undefined,
    dialBeganAt: undefined,
    dialEndedAt: undefined,
    hangupCause: undefined,
    transferring: false,
    adopted: false,
  };
  state.channels.set(ch.uniqueid, ch);
  if (kind === 'local') state.localByName.set(ch.name, ch.uniqueid);
  if (operator) {
    state.operators.get(operator.id)?.channels.add(ch.uniqueid);
    ctx.dirtyOperators.add(operator.id);
  }
  const call = state.calls.get(snap.linkedid) ?? state.endedCalls.get(snap.linkedid);
  if (call) {
    call.channels.set(ch.uniqueid, ch);
    if (!call.ended) {
      if (!created) call.incomplete = true;
      ctx.dirtyCalls.add(call);
    }
  } else {
    createCall(ctx, snap.linkedid, ch, !created);
  }
  return ch;
}

function renameChannel(state: EngineState, ch: Channel, name: string): void {
  if (ch.kind === 'local') {
    state.localByName.delete(ch.name);
    state.localByName.set(name, ch.uniqueid);
  }
  ch.name = name;
}

/** An extension or number an operator dialled that is not a colleague's: an outside number. */
export function looksExternal(state: EngineState, exten: string): boolean {
  return /^\+?[0-9]{5,}$/.test(exten) && !state.config.byExtension.has(exten);
}

export function lineOf(ch: Channel): string | null {
  return ch.firstExten === '' || ch.firstExten === 's' ? null : ch.firstExten.slice(0, 64);
}

export function createCall(ctx: StepContext, key: string, first: Channel, adopted: boolean): Call {
  const { state } = ctx;
  const origin = first.kind === 'external' ? 'external' : first.kind === 'operator' ? 'operator' : 'unknown';
  const inbound = origin !== 'operator';
  const call: Call = {
    key,
    callId: callIdForLinkedid(state.config.siteId, key),
    callIdFixed: false,
    channels: new Map([[first.uniqueid, first]]),
    firstLeg: first.uniqueid,
    customerLeg: origin === 'external' ? first.uniqueid : undefined,
    origin,
    direction: inbound ? 'inbound' : looksExternal(state, first.firstExten) ? 'outbound' : 'internal',
    customerNumber: origin === 'external' ? normalizeNumber(first.callerIdNum, state.config.defaultCountry) : null,
    line: origin === 'external' ? lineOf(first) : null,
    queue: null,
    startedAt: first.createdAt,
    queueJoinedAt: undefined,
    waitMs: 0,
    queued: false,
    abandoned: false,
    offers: [],
    segments: [],
    connected: new Set(),
    crmRef: null,
    recording: null,
    incomplete: adopted,
    originate: undefined,
    hangupBy: undefined,
    hangupByLeg: undefined,
    ended: false,
    endedAt: undefined,
    lostAt: undefined,
    dialingReported: false,
  };
  state.calls.set(key, call);
  if (!state.callsById.has(call.callId)) state.callsById.set(call.callId, call);
  ctx.dirtyCalls.add(call);
  return call;
}

/** A click-to-call that failed before any channel existed (recording 09): a call with no legs. */
export function createChannelLessCall(ctx: StepContext, pending: PendingOriginate): Call {
  const call: Call = {
    key: `originate:${pending.actionId}`,
    callId: pending.callId,
    callIdFixed: true,
    channels: new Map(),
    firstLeg: undefined,
    customerLeg: undefined,
    origin: 'operator',
    direction: ctx.state.config.byExtension.has(pending.customerNumber) ? 'internal' : 'outbound',
    customerNumber: ctx.state.config.byExtension.has(pending.customerNumber)
      ? null
      : normalizeNumber(pending.customerNumber, ctx.state.config.defaultCountry),
    line: null,
    queue: null,
    startedAt: pending.requestedAt,
    queueJoinedAt: undefined,
    waitMs: 0,
    queued: false,
    abandoned: false,
    offers: [],
    segments: [],
    connected: new Set(),
    crmRef: pending.crmRef,
    recording: null,
    incomplete: false,
    originate: pending,
    hangupBy: undefined,
    hangupByLeg: undefined,
    ended: false,
    endedAt: undefined,
    lostAt: undefined,
    dialingReported: false,
  };
  pending.callKey = call.key;
  ctx.state.calls.set(call.key, call);
  ctx.state.callsById.set(call.callId, call);
  return call;
}

export function setCallId(state: EngineState, call: Call, callId: string, fixed: boolean): void {
  if (call.callIdFixed && call.callId !== callId) return;
  if (state.callsById.get(call.callId) === call) state.callsById.delete(call.callId);
  call.callId = callId;
  call.callIdFixed = call.callIdFixed || fixed;
  state.callsById.set(callId, call);
}

/** A call that produced nothing worth recording (an operator's phone alone, 09 (e)). */
function discardCall(state: EngineState, call: Call): void {
  call.ended = true;
  state.calls.delete(call.key);
  if (state.callsById.get(call.callId) === call) state.callsById.delete(call.callId);
}

function hasLiveLeg(call: Call): boolean {
  for (const ch of call.channels.values()) if (!ch.hungUp) return true;
  return false;
}

/** Worth a record: a customer, a click-to-call, or a colleague's phone that rang (internal). */
function recordable(call: Call): boolean {
  return (
    call.customerLeg !== undefined ||
    call.originate !== undefined ||
    call.segments.length > 0 ||
    call.offers.some((o) => o.channel !== call.firstLeg)
  );
}

/**
 * Ends the call when its customer leg is gone, or when every leg is gone (internal calls,
 * click-to-calls that never reached the customer).
 */
export function checkCallEnd(ctx: StepContext, call: Call): void {
  if (call.ended) return;
  const customer = call.customerLeg === undefined ? undefined : call.channels.get(call.customerLeg);
  if (customer?.hungUp) {
    endCall(ctx, call, call.lostAt ?? ctx.now);
    return;
  }
  if (hasLiveLeg(call)) return;
  if (call.channels.size === 0) return; // a click-to-call still waiting for its first channel
  if (recordable(call)) endCall(ctx, call, call.lostAt ?? ctx.now);
  else discardCall(ctx.state, call);
}

/** Closes everything still open, emits `call.ended` with the record, and forgets the call. */
export function endCall(ctx: StepContext, call: Call, at: number): void {
  if (call.ended) return;
  const { state } = ctx;
  if (call.queued && call.queueJoinedAt !== undefined) {
    call.waitMs += Math.max(0, at - call.queueJoinedAt);
    call.queued = false;
  }
  for (const offer of call.offers) if (offer.result === undefined) endOffer(ctx, call, offer, 'cancelled', at);
  for (const segment of call.segments) {
    if (segment.endedAt !== undefined) continue;
    const leg = call.channels.get(segment.channel) ?? state.channels.get(segment.channel);
    closeSegment(ctx, call, segment, leg?.transferring ? 'transfer' : 'hangup', at);
  }
  call.ended = true;
  call.endedAt = at;
  const record = buildRecord(call, state.config.siteId, at);
  ctx.events.push({ type: 'call.ended', ...emitBase(ctx), callId: call.callId, record });
  state.calls.delete(call.key);
  if (state.callsById.get(call.callId) === call) state.callsById.delete(call.callId);
  if (call.originate) {
    state.originatesByAction.delete(call.originate.actionId);
    state.originatesByCallId.delete(call.originate.callId);
  }
  for (const ch of call.channels.values()) if (ch.operatorId !== undefined) ctx.dirtyOperators.add(ch.operatorId);
  if (hasLiveLeg(call)) state.endedCalls.set(call.key, call);
}

/** Drops an ended call once its last leg is gone. */
export function forgetIfDone(state: EngineState, call: Call): void {
  if (call.ended && !hasLiveLeg(call)) state.endedCalls.delete(call.key);
}
