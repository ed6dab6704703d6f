/**
 * Losing and regaining Asterisk. While the AMI connection is down nothing is seen; after a
 * reconnect (or an Asterisk restart, recording 16) the shell fetches `CoreShowChannels` and
 * `QueueStatus` and the engine lines its state up with them:
 * - calls whose legs are all still up continue, flagged incomplete (a hold or transfer may have
 *   been missed);
 * - calls whose customer leg is gone ended in the gap: they are recorded now, incomplete, as
 *   ending when the connection was lost (the last moment they were seen alive);
 * - legs Asterisk has that the engine does not (calls that started in the gap) are adopted,
 *   with the age `CoreShowChannel Duration` gives them;
 * - queue memberships and pauses are replaced by what `QueueStatus` reports.
 * A call already recorded is never recorded again: its legs are either gone or belong to a
 * recorded call, whose late events are ignored.
 */
import { decodeEvent, queueMemberSnapshot, type AmiMessage, type ChannelSnapshot } from '@callgate/ami';
import { ensureChannel, openCallOf } from './calls.js';
import type { StepContext } from './context.js';
import type { AmiResyncInput } from './inputs.js';
import { applyQueueMember } from './operators.js';
import { failIfChannelLess } from './originate.js';
import { hangupChannel, touchConnected } from './ami-events.js';
import { UNKNOWN_CAUSE } from './record-builder.js';
import type { Channel } from './state.js';

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
      present.set(ev.channel.uniqueid, { snap: ev.channel, bridgeId: ev.bridgeId, ageMs: parseDuration(ev.duration) });
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
    for (const { snap, bridgeId, ageMs } of present.values()) {
      const before = state.channels.has(snap.uniqueid);
      const ch = ensureChannel(ctx, snap, false);
      if (!ch) continue;
      if (!before) adoptAge(ctx, ch, ageMs);
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
