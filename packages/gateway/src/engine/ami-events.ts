/**
 * AMI events → engine state. Each handler cites the Asterisk behaviour it relies on; the
 * recordings in fixtures/ami (Asterisk 22 PJSIP and 20 chan_sip) are the ground truth.
 *
 * Events the engine does not need (`CEL`, `Cdr`, `RTCPSent`, `Newexten`, most `VarSet`, …) are
 * dropped by name before decoding: in a two-party call 30–40% of messages are `VarSet` and
 * about 15% `CEL` (22.10.1 README, "Timing"). `Cdr` is never used for call state: all of a
 * call's Cdrs come at its very end, sometimes before `DialEnd` or `Hangup` (11, 12), and carry
 * no Linkedid.
 */
import { decodeEvent, type AmiEvent, type AmiMessage, type ChannelSnapshot } from '@callgate/ami';
import { ensureChannel, forgetIfDone, openCallOf, rememberHungUp } from './calls.js';
import { callInfo, emitBase, type StepContext } from './context.js';
import { dialStringNumber, localExtension, localPartner } from './channel-name.js';
import {
  endOffer,
  findOpenOffer,
  offerRang,
  offerResultForCause,
  offerResultForDialStatus,
  openOffer,
} from './offers.js';
import { applyQueueMember, applyRegistration } from './operators.js';
import { isInterestingVariable, originateResponse, variableSet } from './originate.js';
import { normalizeNumber } from './phone-number.js';
import { UNKNOWN_CAUSE } from './record-builder.js';
import { closeSegment, holdEnded, holdStarted } from './segments.js';
import { ChannelStateCode, type Call, type Channel, type EngineState } from './state.js';

const HANDLED = new Set([
  'Newchannel',
  'Newstate',
  'NewCallerid',
  'Hangup',
  'HangupRequest',
  'DialBegin',
  'DialState',
  'DialEnd',
  'BridgeCreate',
  'BridgeDestroy',
  'BridgeEnter',
  'BridgeLeave',
  'BridgeMerge',
  'QueueCallerJoin',
  'QueueCallerLeave',
  'QueueCallerAbandon',
  'AgentRingNoAnswer',
  'AgentComplete',
  'Hold',
  'Unhold',
  'BlindTransfer',
  'AttendedTransfer',
  'OriginateResponse',
  'VarSet',
  'QueueMemberStatus',
  'QueueMemberAdded',
  'QueueMemberRemoved',
  'QueueMemberPause',
  'PeerStatus',
  'ContactStatus',
  'DeviceStateChange',
]);

/** Whether the engine reads this AMI event at all; the others change nothing. */
export function engineReads(msg: AmiMessage): boolean {
  const name = msg.event;
  if (name === undefined || !HANDLED.has(name)) return false;
  if (name === 'VarSet') return isInterestingVariable(msg.get('Variable') ?? '');
  // CoreShowChannel / QueueMember list items belong to the resync, not to the live stream.
  if (name === 'DeviceStateChange') return !(msg.get('Device') ?? '').startsWith('Queue:');
  return true;
}

/**
 * Feeds one AMI event the engine reads to the engine (`step` asks `engineReads` first, so it is
 * not asked twice per event). Malformed events change nothing.
 */
export function applyAmiEvent(ctx: StepContext, msg: AmiMessage): void {
  handle(ctx, decodeEvent(msg));
}

function channel(ctx: StepContext, snap: ChannelSnapshot | undefined, created = false): Channel | undefined {
  return snap ? ensureChannel(ctx, snap, created) : undefined;
}

function known(state: EngineState, snap: ChannelSnapshot | undefined): Channel | undefined {
  return snap ? state.channels.get(snap.uniqueid) : undefined;
}

function handle(ctx: StepContext, ev: AmiEvent): void {
  const { state } = ctx;
  switch (ev.name) {
    case 'Newchannel':
      channel(ctx, ev.channel, true);
      return;
    case 'Newstate':
      newState(ctx, ev.channel);
      return;
    case 'NewCallerid': {
      const ch = channel(ctx, ev.channel);
      if (!ch) return;
      ch.callerIdNum = ev.channel.callerIdNum;
      ch.callerIdName = ev.channel.callerIdName;
      const call = openCallOf(state, ch);
      if (call?.customerLeg === ch.uniqueid && call.direction === 'inbound' && call.segments.length === 0) {
        call.customerNumber = normalizeNumber(ch.callerIdNum, state.config.defaultCountry);
      }
      return;
    }
    case 'HangupRequest':
      hangupRequested(ctx, known(state, ev.channel));
      return;
    case 'Hangup': {
      const ch = known(state, ev.channel);
      if (ch) hangupChannel(ctx, ch, { code: ev.cause, text: ev.causeText || UNKNOWN_CAUSE.text }, ctx.now);
      return;
    }
    case 'DialBegin':
      dialBegin(ctx, channel(ctx, ev.caller), channel(ctx, ev.dest), ev.dialString);
      return;
    case 'DialState': {
      const dest = channel(ctx, ev.dest);
      const call = dest && openCallOf(state, dest);
      if (call && ev.dialStatus === 'RINGING') offerRang(call, dest.uniqueid);
      return;
    }
    case 'DialEnd':
      dialEnd(ctx, known(state, ev.dest), ev.dialStatus);
      return;
    case 'BridgeCreate':
      ensureBridge(state, ev.bridge.bridgeUniqueid);
      return;
    case 'BridgeDestroy':
      bridgeDestroy(ctx, ev.bridge.bridgeUniqueid);
      return;
    case 'BridgeEnter': {
      const ch = channel(ctx, ev.channel);
      if (ch) enterBridge(ctx, ch, ev.bridge.bridgeUniqueid);
      return;
    }
    case 'BridgeLeave': {
      const ch = known(state, ev.channel);
      if (ch && ch.bridgeId === ev.bridge.bridgeUniqueid) leaveBridge(ctx, ch);
      return;
    }
    case 'BridgeMerge':
      bridgeMerge(ctx, ev.from.bridgeUniqueid, ev.to.bridgeUniqueid);
      return;
    case 'QueueCallerJoin': {
      const ch = channel(ctx, ev.channel);
      const call = ch && openCallOf(state, ch);
      if (!call || !ch) return;
      if (call.customerLeg === undefined && ch.kind === 'external') call.customerLeg = ch.uniqueid;
      if (!call.queued) {
        call.queued = true;
        call.queueJoinedAt = ctx.now;
      }
      if (call.segments.length === 0 || call.queue === null) call.queue = ev.queue.slice(0, 80);
      ctx.events.push({ type: 'call.queued', ...emitBase(ctx), ...callInfo(call) });
      return;
    }
    case 'QueueCallerLeave': {
      const ch = known(state, ev.channel);
      const call = ch && openCallOf(state, ch);
      if (call?.queued && call.queueJoinedAt !== undefined) {
        call.waitMs += Math.max(0, ctx.now - call.queueJoinedAt);
        call.queued = false;
      }
      return;
    }
    case 'QueueCallerAbandon': {
      const ch = known(state, ev.channel);
      const call = ch && openCallOf(state, ch);
      if (call) call.abandoned = true;
      return;
    }
    case 'AgentRingNoAnswer': {
      // RingTime here is in milliseconds (unlike AgentConnect's seconds); our own clock is used.
      const dest = known(state, ev.dest);
      const call = dest && openCallOf(state, dest);
      const offer = call && dest && findOpenOffer(call, dest.uniqueid);
      if (call && offer) endOffer(ctx, call, offer, 'no-answer');
      return;
    }
    case 'AgentComplete': {
      // `Reason: transfer` may come after the operator's Hangup (12): upgrade the segment.
      if (ev.reason !== 'transfer') return;
      const customer = known(state, ev.channel);
      const call = customer && openCallOf(state, customer);
      if (call) markTransferring(ctx, call, ev.dest.uniqueid);
      return;
    }
    case 'Hold': {
      const ch = channel(ctx, ev.channel);
      if (ch) holdStarted(ctx, ch);
      return;
    }
    case 'Unhold': {
      const ch = channel(ctx, ev.channel);
      if (ch) holdEnded(ctx, ch);
      return;
    }
    case 'BlindTransfer':
      blindTransfer(ctx, ev);
      return;
    case 'AttendedTransfer':
      attendedTransfer(ctx, ev);
      return;
    case 'OriginateResponse':
      originateResponse(ctx, ev.actionId, ev.response === 'Success', ev.uniqueid, ev.reason);
      return;
    case 'VarSet': {
      const ch = channel(ctx, ev.channel);
      if (ch) variableSet(ctx, ch, ev.variable, ev.value);
      return;
    }
    case 'QueueMemberStatus':
    case 'QueueMemberAdded':
    case 'QueueMemberPause':
      applyQueueMember(ctx, ev, false);
      return;
    case 'QueueMemberRemoved':
      applyQueueMember(ctx, ev, true);
      return;
    case 'PeerStatus':
    case 'ContactStatus':
    case 'DeviceStateChange':
      applyRegistration(ctx, ev);
      return;
    default:
      return;
  }
}

// ---- channels --------------------------------------------------------------------------

function newState(ctx: StepContext, snap: ChannelSnapshot): void {
  const ch = ensureChannel(ctx, snap, false);
  if (!ch) return;
  if (ch.operatorId !== undefined) ctx.dirtyOperators.add(ch.operatorId);
  const call = openCallOf(ctx.state, ch);
  if (!call) return;
  if (ch.state === ChannelStateCode.Up) {
    ch.answeredAt ??= ctx.now;
    const offer = findOpenOffer(call, ch.uniqueid);
    if (offer) endOffer(ctx, call, offer, 'answered');
  } else if (ch.state === ChannelStateCode.Ringing) {
    offerRang(call, ch.uniqueid);
  }
  ctx.dirtyCalls.add(call);
}

/**
 * `HangupRequest` is raised on the leg whose far end hung up (a SIP BYE or CANCEL); the
 * `SoftHangupRequest`s that follow on the other legs are consequences, and an Asterisk restart
 * gives only `SoftHangupRequest Cause: 4` (16). So the first leg with a `HangupRequest` among
 * the customer and the operators talking to them says who hung up.
 */
function hangupRequested(ctx: StepContext, ch: Channel | undefined): void {
  if (!ch) return;
  ch.hangupRequested = true;
  const call = openCallOf(ctx.state, ch);
  if (call && call.customerLeg === ch.uniqueid) {
    call.hangupBy = 'customer';
    call.hangupByLeg = ch.uniqueid;
    return;
  }
  if (ch.kind !== 'operator') return;
  const open = ctx.state.segmentsByChannel.get(ch.uniqueid);
  if (open && !open.call.ended) {
    open.call.hangupBy = 'operator';
    open.call.hangupByLeg = ch.uniqueid;
  }
}

/** A leg is gone: its ringing, its segment, and maybe its whole call end. */
export function hangupChannel(ctx: StepContext, ch: Channel, cause: { code: number; text: string }, at: number): void {
  const { state } = ctx;
  touchConnected(ctx, ch);
  ch.hungUp = true;
  ch.hangupCause = { code: Math.min(127, Math.max(0, cause.code)), text: cause.text.slice(0, 200) };
  removeFromBridge(state, ch);
  state.channels.delete(ch.uniqueid);
  rememberHungUp(state, ch.uniqueid);
  if (ch.kind === 'local' && state.localByName.get(ch.name) === ch.uniqueid) state.localByName.delete(ch.name);
  if (ch.operatorId !== undefined) {
    state.operators.get(ch.operatorId)?.channels.delete(ch.uniqueid);
    ctx.dirtyOperators.add(ch.operatorId);
  }
  const open = state.segmentsByChannel.get(ch.uniqueid);
  if (open) closeSegment(ctx, open.call, open.segment, ch.transferring ? 'transfer' : 'hangup', at);
  const call = state.calls.get(ch.callKey);
  if (call && !call.ended) {
    const offer = findOpenOffer(call, ch.uniqueid);
    if (offer) endOffer(ctx, call, offer, offerResultForCause(ch.hangupCause.code), at);
    ctx.dirtyCalls.add(call);
    return;
  }
  const ended = state.endedCalls.get(ch.callKey);
  if (ended) forgetIfDone(state, ended);
}

// ---- dialling --------------------------------------------------------------------------

function dialBegin(ctx: StepContext, caller: Channel | undefined, dest: Channel | undefined, dialString: string): void {
  if (!dest) return;
  dest.dialString = dialString;
  dest.dialBeganAt ??= ctx.now;
  const call = openCallOf(ctx.state, dest);
  if (!call) return;
  if (dest.kind === 'operator') {
    openOffer(ctx, call, dest);
    // An operator's own call to a colleague, with no customer in it: internal.
    if (
      call.origin === 'operator' &&
      call.customerLeg === undefined &&
      !call.originate &&
      dest.uniqueid !== call.firstLeg
    ) {
      call.direction = 'internal';
    }
  } else if (dest.kind === 'external' && (call.customerLeg ?? dest.uniqueid) === dest.uniqueid) {
    // The first outside leg an operator's call dials is the customer (06, 07); it may have been
    // adopted by a resync just before its `DialBegin`, without the number yet.
    call.customerLeg = dest.uniqueid;
    call.direction = call.origin === 'external' ? 'inbound' : 'outbound';
    if (call.customerNumber === null) {
      const dialled = dialStringNumber(dialString) || dest.firstExten;
      call.customerNumber = normalizeNumber(dialled, ctx.state.config.defaultCountry);
    }
  }
  ctx.dirtyCalls.add(call);
}

function dialEnd(ctx: StepContext, dest: Channel | undefined, status: string): void {
  // A cancelled leg gets `DialEnd CANCEL` twice (02, 04): only the first counts.
  if (!dest || dest.dialStatus !== undefined) return;
  dest.dialStatus = status;
  dest.dialEndedAt = ctx.now;
  const call = openCallOf(ctx.state, dest);
  if (!call) return;
  const offer = findOpenOffer(call, dest.uniqueid);
  const result = offerResultForDialStatus(status);
  if (offer && result !== undefined) endOffer(ctx, call, offer, result === 'unreachable' ? 'no-answer' : result);
  ctx.dirtyCalls.add(call);
}

// ---- bridges ---------------------------------------------------------------------------

function ensureBridge(state: EngineState, id: string): { id: string; channels: Set<string> } {
  let bridge = state.bridges.get(id);
  if (!bridge) {
    bridge = { id, channels: new Set() };
    state.bridges.set(id, bridge);
  }
  return bridge;
}

function removeFromBridge(state: EngineState, ch: Channel): void {
  if (ch.bridgeId === undefined) return;
  state.bridges.get(ch.bridgeId)?.channels.delete(ch.uniqueid);
  ch.bridgeId = undefined;
}

/** Marks every open call reachable from `start` (through bridges and Local pairs) for re-check. */
export function touchConnected(ctx: StepContext, start: Channel): void {
  const { state } = ctx;
  const seen = new Set<string>();
  const stack: Channel[] = [start];
  seen.add(start.uniqueid);
  for (let ch = stack.pop(); ch !== undefined; ch = stack.pop()) {
    const call = openCallOf(state, ch);
    if (call) ctx.dirtyCalls.add(call);
    const open = state.segmentsByChannel.get(ch.uniqueid);
    if (open && !open.call.ended) ctx.dirtyCalls.add(open.call);
    const next: string[] = [];
    if (ch.bridgeId !== undefined) {
      const bridge = state.bridges.get(ch.bridgeId);
      if (bridge) next.push(...bridge.channels);
    }
    if (ch.kind === 'local') {
      const half = localPartner(ch.name);
      const partner = half === undefined ? undefined : state.localByName.get(half);
      if (partner !== undefined) next.push(partner);
    }
    for (const id of next) {
      if (seen.has(id)) continue;
      seen.add(id);
      const other = state.channels.get(id);
      if (other) stack.push(other);
    }
  }
}

function enterBridge(ctx: StepContext, ch: Channel, bridgeId: string): void {
  if (ch.bridgeId === bridgeId) return;
  if (ch.bridgeId !== undefined) {
    touchConnected(ctx, ch);
    removeFromBridge(ctx.state, ch);
  }
  ensureBridge(ctx.state, bridgeId).channels.add(ch.uniqueid);
  ch.bridgeId = bridgeId;
  touchConnected(ctx, ch);
}

function leaveBridge(ctx: StepContext, ch: Channel): void {
  touchConnected(ctx, ch);
  removeFromBridge(ctx.state, ch);
}

function bridgeDestroy(ctx: StepContext, id: string): void {
  const bridge = ctx.state.bridges.get(id);
  if (!bridge) return;
  for (const uid of [...bridge.channels]) {
    const ch = ctx.state.channels.get(uid);
    if (ch) leaveBridge(ctx, ch);
  }
  ctx.state.bridges.delete(id);
}

/** `BridgeMerge` (attended transfer completing, 12): every channel of `from` is now in `to`. */
function bridgeMerge(ctx: StepContext, fromId: string, toId: string): void {
  const from = ctx.state.bridges.get(fromId);
  if (!from) return;
  for (const uid of [...from.channels]) {
    const ch = ctx.state.channels.get(uid);
    if (ch) enterBridge(ctx, ch, toId);
  }
  ctx.state.bridges.delete(fromId);
}

// ---- transfers -------------------------------------------------------------------------

/** The operator leg transferred the call: its segment ends as `transfer`, even if already closed. */
function markTransferring(ctx: StepContext, call: Call, legId: string): void {
  const leg = ctx.state.channels.get(legId) ?? call.channels.get(legId);
  if (leg) leg.transferring = true;
  for (const segment of call.segments) {
    if (segment.channel !== legId || segment.endedBy !== 'hangup') continue;
    segment.endedBy = 'transfer';
    if (call.hangupByLeg === legId) {
      call.hangupBy = undefined;
      call.hangupByLeg = undefined;
    }
  }
}

/** The call a transfer is about: the customer's (transferee's), else the transferer's segment's. */
function transferCall(
  ctx: StepContext,
  transferee: ChannelSnapshot | undefined,
  transfererId: string | undefined,
): Call | undefined {
  const customer = known(ctx.state, transferee);
  const call = customer && openCallOf(ctx.state, customer);
  if (call) return call;
  const open = transfererId === undefined ? undefined : ctx.state.segmentsByChannel.get(transfererId);
  return open && !open.call.ended ? open.call : undefined;
}

function blindTransfer(ctx: StepContext, ev: Extract<AmiEvent, { name: 'BlindTransfer' }>): void {
  if (ev.result !== 'Success' || !ev.transferer) return;
  const call = transferCall(ctx, ev.transferee, ev.transferer.uniqueid);
  if (!call) return;
  markTransferring(ctx, call, ev.transferer.uniqueid);
  const from = ctx.state.channels.get(ev.transferer.uniqueid)?.operatorId;
  if (from === undefined) return;
  const to = ctx.state.config.byExtension.get(ev.extension);
  ctx.events.push({
    type: 'call.transferred',
    ...emitBase(ctx),
    callId: call.callId,
    kind: 'blind',
    fromOperatorId: from,
    toOperatorId: to?.id ?? null,
    toNumber: ev.extension || null,
  });
}

/**
 * `AttendedTransfer`: Asterisk 20 omits the `TransferTarget*` block (20.20.1 README), so the
 * colleague is found as the operator now connected to the customer, falling back to the
 * target's Local channel extension.
 */
function attendedTransfer(ctx: StepContext, ev: Extract<AmiEvent, { name: 'AttendedTransfer' }>): void {
  if (ev.result !== 'Success') return;
  const transferer = ev.origTransferer ?? ev.secondTransferer;
  const call = transferCall(ctx, ev.transferee, transferer?.uniqueid);
  if (!call || !transferer) return;
  markTransferring(ctx, call, transferer.uniqueid);
  if (ev.secondTransferer && ev.secondTransferer.uniqueid !== transferer.uniqueid) {
    markTransferring(ctx, call, ev.secondTransferer.uniqueid);
  }
  const fromLeg = ctx.state.channels.get(transferer.uniqueid) ?? call.channels.get(transferer.uniqueid);
  const from = fromLeg?.operatorId;
  if (from === undefined) return;
  let toOperatorId: string | null = null;
  for (const id of call.connected) {
    const op = ctx.state.channels.get(id)?.operatorId;
    if (op !== undefined && op !== from) {
      toOperatorId = op;
      break;
    }
  }
  let toNumber: string | null = null;
  const target = ev.transferTarget;
  if (target) {
    const targetLeg = ctx.state.channels.get(target.uniqueid);
    toNumber = localExtension(target.channel) ?? (targetLeg?.operatorId !== undefined ? null : target.exten || null);
    if (toOperatorId === null && targetLeg?.operatorId !== undefined) toOperatorId = targetLeg.operatorId;
  }
  if (toOperatorId === null && toNumber !== null) toOperatorId = ctx.state.config.byExtension.get(toNumber)?.id ?? null;
  if (toOperatorId !== null) toNumber = ctx.state.config.byId.get(toOperatorId)?.extension ?? toNumber;
  ctx.events.push({
    type: 'call.transferred',
    ...emitBase(ctx),
    callId: call.callId,
    kind: 'attended',
    fromOperatorId: from,
    toOperatorId,
    toNumber,
  });
}
