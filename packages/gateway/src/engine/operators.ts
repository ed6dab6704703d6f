/**
 * Operator status: what the phone is doing and the work state, derived from what Asterisk
 * reports (docs/call-record.md, "Operator status").
 *
 * Registration differs by channel driver (fixtures/ami READMEs, recording 18): PJSIP says
 * `PeerStatus: Reachable/Unreachable` and `ContactStatus: NonQualified/Removed`; chan_sip says
 * `PeerStatus: Registered/Unregistered` and no `ContactStatus`; both send `DeviceStateChange`
 * (`UNAVAILABLE` / `NOT_INUSE`) and `QueueMemberStatus` (`Status: 5` / `1`). Whichever of these
 * arrives last wins. chan_sip restores registrations silently after a restart (16), so an
 * operator with no report at all counts as available.
 *
 * Ringing / in call / on hold come from the engine's own view of the operator's channels, not
 * from device state: chan_sip reports no `ONHOLD` and, without `call-limit`, never leaves
 * `NOT_INUSE`.
 */
import type { AmiEvent, QueueMemberSnapshot } from '@callgate/ami';
import type { OperatorStatus, PhoneState, WorkState } from '@callgate/contracts';
import { emitBase, isoTime, type StepContext } from './context.js';
import { operatorByDevice } from './engine-config.js';
import { ChannelStateCode, type EngineState, type OperatorState } from './state.js';

const UNAVAILABLE_DEVICE_STATES = new Set(['UNAVAILABLE', 'INVALID']);
const UNREGISTERED_PEER = new Set(['unreachable', 'unregistered', 'rejected']);
const REGISTERED_PEER = new Set(['reachable', 'registered', 'lagged']);
const UNREGISTERED_CONTACT = new Set(['removed', 'unreachable']);
const REGISTERED_CONTACT = new Set(['created', 'reachable', 'nonqualified', 'updated']);

function setRegistered(ctx: StepContext, op: OperatorState | undefined, registered: boolean): void {
  if (!op || op.registered === registered) return;
  op.registered = registered;
  ctx.dirtyOperators.add(op.operator.id);
}

function operatorStateByDevice(state: EngineState, device: string): OperatorState | undefined {
  const operator = operatorByDevice(state.config, device);
  return operator ? state.operators.get(operator.id) : undefined;
}

function memberOperator(state: EngineState, m: QueueMemberSnapshot): OperatorState | undefined {
  return operatorStateByDevice(state, m.interface) ?? operatorStateByDevice(state, m.stateInterface);
}

/** Applies a queue-member report: membership, pause and (via `Status`) registration. */
export function applyQueueMember(ctx: StepContext, m: QueueMemberSnapshot, removed: boolean): void {
  const op = memberOperator(ctx.state, m);
  if (!op || m.queue === '') return;
  if (removed) op.memberships.delete(m.queue);
  else op.memberships.set(m.queue, { paused: m.paused, reason: m.paused ? m.pausedReason : '' });
  // Device-state numbers (`QueueMemberStatus Status`): 4 invalid, 5 unavailable, 0 unknown.
  if (m.status === 4 || m.status === 5) setRegistered(ctx, op, false);
  else if (m.status !== 0) setRegistered(ctx, op, true);
  ctx.dirtyOperators.add(op.operator.id);
}

/** Registration reports (`DeviceStateChange`, `PeerStatus`, `ContactStatus`). */
export function applyRegistration(ctx: StepContext, ev: AmiEvent): void {
  switch (ev.name) {
    case 'DeviceStateChange': {
      const op = operatorStateByDevice(ctx.state, ev.device);
      if (op) setRegistered(ctx, op, !UNAVAILABLE_DEVICE_STATES.has(ev.state));
      return;
    }
    case 'PeerStatus': {
      const status = ev.peerStatus.toLowerCase();
      const op = operatorStateByDevice(ctx.state, ev.peer);
      if (UNREGISTERED_PEER.has(status)) setRegistered(ctx, op, false);
      else if (REGISTERED_PEER.has(status)) setRegistered(ctx, op, true);
      return;
    }
    case 'ContactStatus': {
      // PJSIP only; the endpoint is named without technology.
      const status = ev.contactStatus.toLowerCase();
      const name = ev.endpointName || ev.aor;
      const op = operatorStateByDevice(ctx.state, `PJSIP/${name}`);
      if (UNREGISTERED_CONTACT.has(status)) setRegistered(ctx, op, false);
      else if (REGISTERED_CONTACT.has(status)) setRegistered(ctx, op, true);
      return;
    }
    default:
      return;
  }
}

function phoneState(state: EngineState, op: OperatorState): { phone: PhoneState; callId: string | null } {
  let phone: PhoneState | undefined;
  let callId: string | null = null;
  let rank = 0;
  for (const id of op.channels) {
    const ch = state.channels.get(id);
    if (!ch || ch.hungUp) continue;
    const open = state.segmentsByChannel.get(id);
    let r: number;
    let p: PhoneState = 'ringing';
    if (open?.segment.heldSince !== undefined || (ch.held && ch.state === ChannelStateCode.Up)) {
      r = 4;
      p = 'on-hold';
    } else if (ch.state === ChannelStateCode.Up) {
      r = 3;
      p = 'in-call';
    } else if (
      ch.state === ChannelStateCode.Ringing ||
      ch.state === ChannelStateCode.Ring ||
      ch.dialBeganAt !== undefined
    ) {
      r = 2;
    } else continue;
    if (r > rank) {
      rank = r;
      phone = p;
      const call = open?.call ?? state.calls.get(ch.callKey);
      callId = call && !call.ended ? call.callId : null;
    }
  }
  if (phone) return { phone, callId };
  return { phone: op.registered === false ? 'unavailable' : 'idle', callId: null };
}

function workState(op: OperatorState): { work: WorkState; pauseReason: string | null } {
  if (op.memberships.size === 0) return { work: 'logged-out', pauseReason: null };
  let reason: string | null = null;
  for (const m of op.memberships.values()) {
    if (!m.paused) return { work: 'ready', pauseReason: null };
    if (reason === null && m.reason !== '') reason = m.reason;
  }
  return { work: 'paused', pauseReason: reason };
}

/** Work state, updating when it last changed. */
function currentWork(op: OperatorState, now: number): { work: WorkState; pauseReason: string | null } {
  const { work, pauseReason } = workState(op);
  if (op.work !== work || op.pauseReason !== pauseReason) {
    if (op.work !== undefined) op.workSince = now;
    op.work = work;
    op.pauseReason = pauseReason;
  }
  return { work, pauseReason };
}

/** The operator's status now (also used by the live snapshot). */
export function operatorStatus(state: EngineState, op: OperatorState, now: number): OperatorStatus {
  const { work, pauseReason } = currentWork(op, now);
  const { phone, callId } = phoneState(state, op);
  return { operatorId: op.operator.id, phone, work, pauseReason, since: isoTime(op.workSince), callId };
}

/** Emits `operator.status` for every operator whose status changed during the step. */
export function flushOperatorStatus(ctx: StepContext): void {
  for (const id of ctx.dirtyOperators) {
    const op = ctx.state.operators.get(id);
    if (!op) continue;
    // Compared before any object or time string is built: most steps change nobody's status.
    const { work, pauseReason } = currentWork(op, ctx.now);
    const { phone, callId } = phoneState(ctx.state, op);
    const last = op.lastStatus;
    if (
      last !== undefined &&
      last.phone === phone &&
      last.work === work &&
      last.pauseReason === pauseReason &&
      last.callId === callId &&
      op.lastSince === op.workSince
    ) {
      continue;
    }
    const status = { operatorId: op.operator.id, phone, work, pauseReason, since: isoTime(op.workSince), callId };
    op.lastStatus = status;
    op.lastSince = op.workSince;
    ctx.events.push({ type: 'operator.status', ...emitBase(ctx), status });
  }
  ctx.dirtyOperators.clear();
}
