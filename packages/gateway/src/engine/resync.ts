/**
 * Losing and regaining Asterisk. While the AMI connection is down nothing is seen; after a
 * reconnect (or an Asterisk restart, recording 16) the shell fetches `CoreShowChannels` and
 * `QueueStatus` and the engine lines its state up with them:
 * - calls whose legs are all still up continue, flagged incomplete (a hold or transfer may have
 *   been missed);
 * - calls whose customer leg is gone ended in the gap: they are recorded now, incomplete, as
 *   ending when the connection was lost (the last moment they were seen alive);
 * - legs Asterisk has that the engine does not (calls that started in the gap, or every call
 *   after the gateway itself restarted) are adopted, with the age `CoreShowChannel Duration`
 *   gives them, and their calls rebuilt as they are: a call is created from its first channel
 *   (the one whose Uniqueid is the Linkedid) whatever order Asterisk lists channels in — by
 *   name, so `PJSIP/1001-…` before the customer's `PJSIP/pstn-…` (recording 15) —, the
 *   customer's leg gives number, line and (in `Queue()`) the queue, and the operators bridged
 *   to it get their segments, answered `Duration` ago;
 * - queue memberships and pauses are replaced by what `QueueStatus` reports.
 * A call already recorded is never recorded again: its legs are either gone or belong to a
 * recorded call, whose late events are ignored.
 */
import { decodeEvent, queueMemberSnapshot, type AmiMessage, type ChannelSnapshot } from '@callgate/ami';
import { ensureChannel, lineOf, looksExternal, openCallOf } from './calls.js';
import type { StepContext } from './context.js';
import type { AmiResyncInput } from './inputs.js';
import { applyQueueMember } from './operators.js';
import { failIfChannelLess } from './originate.js';
import { hangupChannel, touchConnected } from './ami-events.js';
import { UNKNOWN_CAUSE } from './record-builder.js';
import { normalizeNumber } from './phone-number.js';
import type { Call, Channel } from './state.js';

export function amiDisconnected(ctx: StepContext): void {
  const { state } = ctx;
  if (!state.amiConnected) return;
  state.amiConnected = false;
  state.disconnectedAt = ctx.now;
  for (const call of state.calls.values()) call.incomplete = true;
}

/** `HH:MM:SS` (CoreShowChannel `Duration`) → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return 0;
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000;
}

interface SnapshotChannel {
  snap: ChannelSnapshot;
  bridgeId: string;
  ageMs: number;
  application: string;
  applicationData: string;
}

/**
 * The order to adopt channels in: each call's first channel (Uniqueid = Linkedid) before its
 * other legs, else the oldest first, so a call is created from the leg that started it.
 */
function adoptionOrder(a: SnapshotChannel, b: SnapshotChannel): number {
  const firstA = a.snap.uniqueid === a.snap.linkedid ? 0 : 1;
  const firstB = b.snap.uniqueid === b.snap.linkedid ? 0 : 1;
  return firstA - firstB || b.ageMs - a.ageMs;
}

export function amiResync(ctx: StepContext, input: AmiResyncInput): void {
  const { state } = ctx;
  const lostAt = state.disconnectedAt ?? ctx.now;
  const wasDown = !state.amiConnected;
  state.amiConnected = true;
  state.disconnectedAt = undefined;

  if (input.channels) {
    const present = new Map<string, SnapshotChannel>();
    for (const msg of input.channels) {
      const ev = decodeEvent(msg);
      if (ev.name !== 'CoreShowChannel') continue;
      present.set(ev.channel.uniqueid, {
        snap: ev.channel,
        bridgeId: ev.bridgeId,
        ageMs: parseDuration(ev.duration),
        application: ev.application,
        applicationData: ev.applicationData,
      });
    }
    // Legs gone while the engine was not watching.
    for (const ch of [...state.channels.values()]) {
      if (present.has(ch.uniqueid)) continue;
      const at = wasDown ? lostAt : ctx.now;
      const call = openCallOf(state, ch);
      if (call) {
        call.incomplete = true;
        call.lostAt ??= at;
      }
      hangupChannel(ctx, ch, UNKNOWN_CAUSE, at);
    }
    // Legs still up, and legs that appeared meanwhile.
    const adoptedCalls = new Set<Call>();
    for (const item of [...present.values()].sort(adoptionOrder)) {
      const { snap, bridgeId, ageMs } = item;
      const before = state.channels.has(snap.uniqueid);
      const callBefore = state.calls.has(snap.linkedid);
      const ch = ensureChannel(ctx, snap, false);
      if (!ch) continue;
      if (!before) {
        ch.adopted = true;
        adoptAge(ctx, ch, ageMs);
        const call = openCallOf(state, ch);
        if (call && !callBefore) adoptedCalls.add(call);
      }
      const target = bridgeId === '' ? undefined : bridgeId;
      if (ch.bridgeId !== target) {
        touchConnected(ctx, ch);
        if (ch.bridgeId !== undefined) state.bridges.get(ch.bridgeId)?.channels.delete(ch.uniqueid);
        ch.bridgeId = target;
        if (target !== undefined) {
          let bridge = state.bridges.get(target);
          if (!bridge) {
            bridge = { id: target, channels: new Set() };
            state.bridges.set(target, bridge);
          }
          bridge.channels.add(ch.uniqueid);
        }
        touchConnected(ctx, ch);
      }
      if (ch.operatorId !== undefined) ctx.dirtyOperators.add(ch.operatorId);
    }
    for (const [id, bridge] of state.bridges) if (bridge.channels.size === 0) state.bridges.delete(id);
    for (const call of adoptedCalls) completeAdoptedCall(ctx, call, present);
    // A click-to-call whose OriginateResponse was lost with the connection and of which no
    // channel is known: nothing says it ever rang.
    for (const pending of [...state.originatesByAction.values()]) {
      if (pending.callKey === undefined) failIfChannelLess(ctx, pending, true);
    }
  }

  if (input.queueStatus) applyQueueStatus(ctx, input.queueStatus);
  for (const call of state.calls.values()) ctx.dirtyCalls.add(call);
}

function adoptAge(ctx: StepContext, ch: Channel, ageMs: number): void {
  ch.createdAt = ctx.now - ageMs;
  if (ch.answeredAt !== undefined) ch.answeredAt = ch.createdAt;
  const call = openCallOf(ctx.state, ch);
  if (call && call.firstLeg === ch.uniqueid) call.startedAt = Math.min(call.startedAt, ch.createdAt);
}

/**
 * Fills in what a call built from a snapshot cannot get from its first leg alone: the customer
 * of an operator's call (its outside leg, also when the operator's leg is already gone), and the
 * queue a customer is in (`Application: Queue`,
 * `ApplicationData: support,tT` in recording 15; it stays `Queue` while the member talks).
 */
function completeAdoptedCall(ctx: StepContext, call: Call, present: ReadonlyMap<string, SnapshotChannel>): void {
  const { state } = ctx;
  const first = call.firstLeg === undefined ? undefined : call.channels.get(call.firstLeg);
  if (first?.kind === 'external' && first.uniqueid !== call.key) {
    // The channel that started the call is gone (Linkedid ≠ this Uniqueid): this outside leg
    // was dialled — the customer of an operator's call (06, 07) —, it did not call in.
    const dialled = [first.firstExten, first.callerIdNum].find((n) => looksExternal(state, n));
    call.origin = 'operator';
    call.direction = 'outbound';
    call.line = null;
    call.customerNumber = dialled === undefined ? null : normalizeNumber(dialled, state.config.defaultCountry);
  }
  if (call.customerLeg === undefined) {
    for (const ch of call.channels.values()) {
      if (ch.kind !== 'external' || ch.hungUp) continue;
      call.customerLeg = ch.uniqueid;
      if (call.origin === 'operator') {
        // What the operator dialled: the Exten their leg runs (`outbound,79990000001`, 06), else the outside leg's.
        const dialled = [first?.firstExten ?? '', ch.firstExten, ch.callerIdNum].find((n) => looksExternal(state, n));
        call.direction = 'outbound';
        if (dialled !== undefined) call.customerNumber = normalizeNumber(dialled, state.config.defaultCountry);
      } else {
        call.direction = 'inbound';
        call.customerNumber = normalizeNumber(ch.callerIdNum, state.config.defaultCountry);
        call.line = lineOf(ch);
      }
      break;
    }
  }
  const customer = call.customerLeg === undefined ? undefined : present.get(call.customerLeg);
  if (call.queue === null && customer?.application.toLowerCase() === 'queue') {
    const queue = (customer.applicationData.split(',')[0] ?? '').trim();
    if (queue !== '') call.queue = queue.slice(0, 80);
  }
  ctx.dirtyCalls.add(call);
}

function applyQueueStatus(ctx: StepContext, items: readonly AmiMessage[]): void {
  const { state } = ctx;
  const queues = new Set<string>();
  for (const msg of items) if (msg.event === 'QueueParams') queues.add(msg.get('Queue') ?? '');
  // Memberships of the reported queues are replaced by what Asterisk says now.
  for (const op of state.operators.values()) {
    for (const q of queues) {
      if (op.memberships.delete(q)) ctx.dirtyOperators.add(op.operator.id);
    }
  }
  for (const msg of items) {
    if (msg.event === 'QueueMember') {
      applyQueueMember(ctx, queueMemberSnapshot(msg), false);
    } else if (msg.event === 'QueueEntry') {
      const ch = state.channels.get(msg.get('Uniqueid') ?? '');
      const call = ch && openCallOf(state, ch);
      if (!call || call.queued) continue;
      call.queued = true;
      call.queueJoinedAt = ctx.now - (msg.int('Wait') ?? 0) * 1000;
      if (call.segments.length === 0) call.queue = msg.get('Queue') ?? call.queue;
    }
  }
}
