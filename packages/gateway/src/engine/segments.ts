/**
 * Who is talking to the customer: segments (one per operator who talked) and hold.
 *
 * An operator is connected to the customer when a path of bridges and Local channel pairs joins
 * the customer's leg to the operator's answered leg. Through Local pairs because an attended
 * transfer leaves the customer bridged to `Local/…;1`, whose `;2` half is bridged to the new
 * operator (recording 12, both in Asterisk 22 and in 20, which omits `TransferTarget*` from
 * `AttendedTransfer`). Deriving segments from this graph, rather than from transfer events,
 * gives the same answer whatever the order of `BridgeMerge`, `AttendedTransfer`, `Hangup`.
 *
 * An operator who puts the customer on hold and walks away into a consultation (12: `Hold`,
 * then `BridgeLeave` into the consultation bridge) keeps the segment open, on hold, until they
 * come back, transfer or hang up.
 */
import { emitBase, type StepContext } from './context.js';
import { localPartner } from './channel-name.js';
import { ChannelStateCode, type Call, type Channel, type EngineState, type Segment } from './state.js';

/** Operator legs (Uniqueids) connected to `anchor` through bridges and Local pairs. */
export function connectedOperatorLegs(state: EngineState, anchor: Channel): Set<string> {
  const found = new Set<string>();
  if (anchor.hungUp || (anchor.bridgeId === undefined && anchor.kind !== 'local')) return found;
  const seen = new Set<string>([anchor.uniqueid]);
  const stack: Channel[] = [anchor];
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    const ch = state.channels.get(id);
    if (!ch || ch.hungUp) return;
    if (ch.kind === 'operator') {
      if (ch.state === ChannelStateCode.Up) found.add(id);
      // An operator's phone is an end point: do not walk through it into its other calls.
      return;
    }
    stack.push(ch);
  };
  for (let ch = stack.pop(); ch !== undefined; ch = stack.pop()) {
    if (ch.bridgeId !== undefined) {
      const bridge = state.bridges.get(ch.bridgeId);
      if (bridge) for (const id of bridge.channels) visit(id);
    }
    if (ch.kind === 'local') {
      const partnerName = localPartner(ch.name);
      const partner = partnerName === undefined ? undefined : state.localByName.get(partnerName);
      if (partner !== undefined) visit(partner);
    }
  }
  return found;
}

/** The leg segments are measured from: the customer's, or the caller's for internal calls. */
export function anchorLeg(call: Call): Channel | undefined {
  const id = call.customerLeg ?? (call.direction === 'internal' ? call.firstLeg : undefined);
  return id === undefined ? undefined : call.channels.get(id);
}

/** Opens and closes segments to match who is connected to the customer now. */
export function reconcileSegments(ctx: StepContext, call: Call): void {
  const anchor = anchorLeg(call);
  if (!anchor || anchor.hungUp) return;
  let reached = connectedOperatorLegs(ctx.state, anchor);
  // Internal call: the calling operator talks too, and comes first.
  if (anchor.kind === 'operator' && reached.size > 0) reached = new Set([anchor.uniqueid, ...reached]);
  for (const id of reached) {
    if (call.connected.has(id)) continue;
    const open = ctx.state.segmentsByChannel.get(id);
    if (open && open.call === call) {
      open.segment.away = false;
      continue;
    }
    const ch = ctx.state.channels.get(id);
    if (ch?.operatorId === undefined) continue;
    openSegment(ctx, call, ch);
  }
  for (const id of call.connected) {
    if (reached.has(id)) continue;
    const open = ctx.state.segmentsByChannel.get(id);
    if (!open || open.call !== call) continue;
    const ch = ctx.state.channels.get(id);
    if (ch && !ch.hungUp && !ch.transferring && (ch.held || open.segment.heldSince !== undefined)) {
      open.segment.away = true;
    } else {
      closeSegment(ctx, call, open.segment, ch?.transferring ? 'transfer' : 'hangup');
    }
  }
  call.connected = reached;
}

function openSegment(ctx: StepContext, call: Call, ch: Channel): void {
  const operator = ch.operatorId === undefined ? undefined : ctx.state.config.byId.get(ch.operatorId);
  if (!operator) return;
  // A leg adopted from a resync was already talking: its age (`Duration`) is the best estimate.
  const answeredAt = ch.adopted && ch.answeredAt !== undefined ? Math.min(ch.answeredAt, ctx.now) : ctx.now;
  ch.adopted = false;
  const segment: Segment = {
    operatorId: operator.id,
    extension: operator.extension,
    channel: ch.uniqueid,
    answeredAt,
    endedAt: undefined,
    endedBy: undefined,
    holdMs: 0,
    heldSince: ch.held ? ctx.now : undefined,
    away: false,
    consultation: undefined,
  };
  call.segments.push(segment);
  ctx.state.segmentsByChannel.set(ch.uniqueid, { call, segment });
  ctx.dirtyOperators.add(operator.id);
  // A new conversation: whoever hung up before (a transferring operator) no longer decides.
  call.hangupBy = undefined;
  call.hangupByLeg = undefined;
  ctx.events.push({
    type: 'call.answered',
    ...emitBase(ctx),
    callId: call.callId,
    direction: call.direction,
    customerNumber: call.direction === 'internal' ? null : call.customerNumber,
    line: call.line,
    queue: call.queue,
    crmRef: call.crmRef,
    operatorId: operator.id,
  });
}

export function closeSegment(
  ctx: StepContext,
  call: Call,
  segment: Segment,
  endedBy: 'hangup' | 'transfer',
  at = ctx.now,
): void {
  if (segment.endedAt !== undefined) return;
  if (segment.heldSince !== undefined) {
    segment.holdMs += Math.max(0, at - segment.heldSince);
    segment.heldSince = undefined;
  }
  segment.endedAt = Math.max(at, segment.answeredAt);
  if (endedBy === 'transfer' && call.hangupByLeg === segment.channel) {
    call.hangupBy = undefined;
    call.hangupByLeg = undefined;
  }
  segment.endedBy = endedBy;
  segment.away = false;
  const open = ctx.state.segmentsByChannel.get(segment.channel);
  if (open?.segment === segment) ctx.state.segmentsByChannel.delete(segment.channel);
  call.connected.delete(segment.channel);
  ctx.dirtyOperators.add(segment.operatorId);
}

/** `Hold` on an operator's leg: the customer they talk to is on hold (recording 10). */
export function holdStarted(ctx: StepContext, ch: Channel): void {
  ch.held = true;
  const open = ctx.state.segmentsByChannel.get(ch.uniqueid);
  if (!open || open.segment.heldSince !== undefined) return;
  open.segment.heldSince = ctx.now;
  ctx.dirtyOperators.add(open.segment.operatorId);
  ctx.events.push({
    type: 'call.held',
    ...emitBase(ctx),
    callId: open.call.callId,
    operatorId: open.segment.operatorId,
  });
}

/**
 * `Unhold`. Asterisk also raises a lone `Unhold` on the transferer of a blind transfer with no
 * `Hold` before it (recording 11): without a hold in progress it changes nothing.
 */
export function holdEnded(ctx: StepContext, ch: Channel): void {
  ch.held = false;
  const open = ctx.state.segmentsByChannel.get(ch.uniqueid);
  if (!open || open.segment.heldSince === undefined) return;
  open.segment.holdMs += Math.max(0, ctx.now - open.segment.heldSince);
  open.segment.heldSince = undefined;
  ctx.dirtyOperators.add(open.segment.operatorId);
  ctx.events.push({
    type: 'call.resumed',
    ...emitBase(ctx),
    callId: open.call.callId,
    operatorId: open.segment.operatorId,
  });
}
