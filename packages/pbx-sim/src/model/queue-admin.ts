/**
 * Queue membership changes — dynamic members, pause with reason — and the events they raise
 * (fixtures/ami 13): the pause pseudo-device `Queue:<q>_pause_<interface>`, then
 * QueueMemberPause / QueueMemberAdded / QueueMemberRemoved.
 */
import { epochSeconds } from '../clock/time-format.js';
import { SimError, SimErrorCode } from '../errors.js';
import { DEVICE_STATE_NUMBER } from './device-states.js';
import { memberEvent, QueueMember, type SimQueue } from './queues.js';
import type { World } from './world.js';

export type QueueAdminResult = 'ok' | 'no-such-queue' | 'exists' | 'not-there' | 'not-dynamic';

function publishPause(world: World, q: SimQueue, m: QueueMember): void {
  const e = world.devices.publish(`Queue:${q.name}_pause_${m.interface}`, m.paused ? 'INUSE' : 'NOT_INUSE');
  if (e) world.emit(e);
}

export function addMember(
  world: World,
  queueName: string,
  init: {
    interface: string;
    memberName?: string;
    stateInterface?: string;
    penalty?: number;
    paused?: boolean;
    reason?: string;
  },
): QueueAdminResult {
  const q = world.queues.get(queueName);
  if (!q) return 'no-such-queue';
  if (q.member(init.interface)) return 'exists';
  const m = new QueueMember({
    interface: init.interface,
    name: init.memberName ?? init.interface,
    ...(init.stateInterface !== undefined ? { stateInterface: init.stateInterface } : {}),
    membership: 'dynamic',
    penalty: init.penalty ?? 0,
    loginTime: epochSeconds(world.now()),
  });
  m.status = DEVICE_STATE_NUMBER[world.deviceState(m.stateInterface)];
  if (init.paused) {
    m.paused = true;
    m.pausedReason = init.reason ?? '';
    m.lastPause = epochSeconds(world.now());
  }
  q.members.push(m);
  publishPause(world, q, m);
  world.emit(memberEvent('QueueMemberAdded', q, m));
  world.publishQueueAvail(q);
  return 'ok';
}

export function removeMember(world: World, queueName: string, iface: string): QueueAdminResult {
  const q = world.queues.get(queueName);
  if (!q) return 'no-such-queue';
  const m = q.member(iface);
  if (!m) return 'not-there';
  if (m.membership !== 'dynamic') return 'not-dynamic';
  q.members.splice(q.members.indexOf(m), 1);
  world.emit(memberEvent('QueueMemberRemoved', q, m));
  world.publishQueueAvail(q);
  return 'ok';
}

/**
 * Pauses or unpauses `iface` in `queueName`, or in every queue it belongs to when no queue is
 * given. Returns how many memberships changed (0: "Interface not found").
 */
export function pauseMember(world: World, iface: string, paused: boolean, reason: string, queueName?: string): number {
  let n = 0;
  for (const q of world.queues.values()) {
    if (queueName !== undefined && q.name !== queueName) continue;
    const m = q.member(iface);
    if (!m) continue;
    n++;
    m.paused = paused;
    m.pausedReason = paused ? reason : '';
    if (paused) m.lastPause = epochSeconds(world.now());
    publishPause(world, q, m);
    world.emit(memberEvent('QueueMemberPause', q, m));
    world.publishQueueAvail(q);
  }
  return n;
}

export function requireQueue(world: World, name: string): SimQueue {
  const q = world.queues.get(name);
  if (!q) throw new SimError(SimErrorCode.NotFound, `no queue ${name}`, { queue: name });
  return q;
}
