/**
 * app_queue's state as AMI shows it: queues, members and their counters, and the member
 * block shared by QueueMemberStatus/Pause/Added/Removed (fixtures/ami 13: the exact headers).
 *
 * Counters follow app_queue: `Holdtime` and `TalkTime` are its running averages
 * `(3 * old + new) / 4` in whole seconds; service level counts calls answered within
 * `servicelevel` seconds (and, for `ServicelevelPerf2`, calls abandoned within it).
 */
import type { QueueConfig } from './world-config.js';
import { event, type SimEvent } from './sim-event.js';
import { epochSeconds } from '../clock/time-format.js';
import type { Channel } from './channel.js';

/** A caller waiting in a queue, as the queue sees it (the Queue() app implements it). */
export interface QueuedCaller {
  readonly caller: Channel;
  joinedAt: number;
  position: number;
  /** Members this caller is ringing right now (not free for other callers: ringinuse=no). */
  ringingMembers(): QueueMember[];
}

export class QueueMember {
  readonly interface: string;
  name: string;
  stateInterface: string;
  readonly membership: 'static' | 'dynamic';
  penalty: number;
  callsTaken = 0;
  /** Epoch seconds of the last completed call, 0 if none. */
  lastCall = 0;
  lastPause = 0;
  loginTime: number;
  inCall = false;
  /** Device state number (1 not in use, 2 in use, 5 unavailable, 6 ringing…). */
  status = 1;
  paused = false;
  pausedReason = '';
  /** When the last call ended (ms), for wrap-up time. */
  lastCallEndedAt = 0;

  constructor(init: {
    interface: string;
    name: string;
    stateInterface?: string;
    membership: 'static' | 'dynamic';
    penalty: number;
    loginTime: number;
  }) {
    this.interface = init.interface;
    this.name = init.name;
    this.stateInterface = init.stateInterface ?? init.interface;
    this.membership = init.membership;
    this.penalty = init.penalty;
    this.loginTime = init.loginTime;
  }
}

export class SimQueue {
  readonly config: QueueConfig;
  readonly members: QueueMember[] = [];
  /** Waiting callers in position order. */
  readonly callers: QueuedCaller[] = [];
  holdtime = 0;
  talktime = 0;
  completed = 0;
  abandoned = 0;
  completedInSl = 0;
  abandonedInSl = 0;
  /** rrmemory: index of the member after the one that last answered. */
  rrNext = 0;

  constructor(config: QueueConfig) {
    this.config = config;
  }

  get name(): string {
    return this.config.name;
  }

  member(iface: string): QueueMember | undefined {
    const lower = iface.toLowerCase();
    return this.members.find((m) => m.interface.toLowerCase() === lower);
  }

  recordHoldtime(seconds: number): void {
    this.holdtime = Math.floor((3 * this.holdtime + seconds) / 4);
  }

  recordTalktime(seconds: number): void {
    this.talktime = Math.floor((3 * this.talktime + seconds) / 4);
  }

  serviceLevelPerf(): string {
    return this.completed > 0 ? ((100 * this.completedInSl) / this.completed).toFixed(1) : '0.0';
  }

  serviceLevelPerf2(): string {
    const total = this.completed + this.abandoned;
    return total > 0 ? ((100 * (this.completedInSl + this.abandonedInSl)) / total).toFixed(1) : '0.0';
  }
}

/** The member block of QueueMemberStatus, QueueMemberPause, QueueMemberAdded and QueueMemberRemoved. */
export function memberEvent(name: string, q: SimQueue, m: QueueMember): SimEvent {
  return event(name, 'agent', [
    'Queue',
    q.name,
    'MemberName',
    m.name,
    'Interface',
    m.interface,
    'StateInterface',
    m.stateInterface,
    'Membership',
    m.membership,
    'Penalty',
    String(m.penalty),
    'CallsTaken',
    String(m.callsTaken),
    'LastCall',
    String(m.lastCall),
    'LastPause',
    String(m.lastPause),
    'LoginTime',
    String(m.loginTime),
    'InCall',
    m.inCall ? '1' : '0',
    'Status',
    String(m.status),
    'Paused',
    m.paused ? '1' : '0',
    'PausedReason',
    m.pausedReason,
    'Ringinuse',
    q.config.ringInUse ? '1' : '0',
    'Wrapuptime',
    String(q.config.wrapupSeconds),
  ]);
}

/** The `QueueMember` list item of QueueStatus (no Privilege; ActionID last). */
export function queueMemberItem(q: SimQueue, m: QueueMember, actionId: string | undefined): string[] {
  const fields = [
    'Event',
    'QueueMember',
    'Queue',
    q.name,
    'Name',
    m.name,
    'Location',
    m.interface,
    'StateInterface',
    m.stateInterface,
    'Membership',
    m.membership,
    'Penalty',
    String(m.penalty),
    'CallsTaken',
    String(m.callsTaken),
    'LastCall',
    String(m.lastCall),
    'LastPause',
    String(m.lastPause),
    'LoginTime',
    String(m.loginTime),
    'InCall',
    m.inCall ? '1' : '0',
    'Status',
    String(m.status),
    'Paused',
    m.paused ? '1' : '0',
    'PausedReason',
    m.pausedReason,
    'Wrapuptime',
    String(0),
  ];
  if (actionId !== undefined) fields.push('ActionID', actionId);
  return fields;
}

export function queueParamsItem(q: SimQueue, actionId: string | undefined): string[] {
  const fields = [
    'Event',
    'QueueParams',
    'Queue',
    q.name,
    'Max',
    '0',
    'Strategy',
    q.config.strategy,
    'Calls',
    String(q.callers.length),
    'Holdtime',
    String(q.holdtime),
    'TalkTime',
    String(q.talktime),
    'Completed',
    String(q.completed),
    'Abandoned',
    String(q.abandoned),
    'ServiceLevel',
    String(q.config.serviceLevelSeconds),
    'ServicelevelPerf',
    q.serviceLevelPerf(),
    'ServicelevelPerf2',
    q.serviceLevelPerf2(),
    'Weight',
    '0',
  ];
  if (actionId !== undefined) fields.push('ActionID', actionId);
  return fields;
}

/** A member can take a queue call: logged in, not paused, idle (or ringinuse), past wrap-up. */
export function memberAvailable(q: SimQueue, m: QueueMember, nowMs: number): boolean {
  if (m.paused) return false;
  if (m.status === 5 || m.status === 4 || m.status === 0) return false;
  if (!q.config.ringInUse && m.status !== 1) return false;
  if (q.config.wrapupSeconds > 0 && nowMs - m.lastCallEndedAt < q.config.wrapupSeconds * 1000) return false;
  return true;
}

export function loginTimeNow(nowMs: number): number {
  return epochSeconds(nowMs);
}
