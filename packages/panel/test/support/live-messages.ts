/** Hub live view messages (contracts hub-live.ts), for tests. */
import type { LiveCall, OperatorStatus, QueueCounters, SiteLiveState } from '@callgate/contracts';

export const T0 = '2026-11-27T10:00:00.000Z';

export function counters(over: Partial<QueueCounters> = {}): QueueCounters {
  return {
    offered: 0,
    answered: 0,
    abandoned: 0,
    averageWaitSeconds: null,
    answeredWithinThreshold: 0,
    serviceLevel: null,
    ...over,
  };
}

export function operator(id: string, over: Partial<OperatorStatus> = {}): OperatorStatus {
  return { operatorId: id, phone: 'idle', work: 'ready', pauseReason: null, since: T0, callId: null, ...over };
}

export function liveCall(id: string, over: Partial<LiveCall> = {}): LiveCall {
  return {
    callId: id,
    direction: 'inbound',
    customerNumber: '+3725551234',
    line: '6001',
    queue: 'support',
    state: 'queued',
    startedAt: T0,
    answeredAt: null,
    operatorIds: [],
    crmRef: null,
    ...over,
  };
}

export function site(id: string, over: Partial<SiteLiveState> = {}): SiteLiveState {
  return {
    site: id,
    linked: true,
    amiConnected: true,
    updatedAt: T0,
    operators: [],
    calls: [],
    counters: { day: '2026-11-27', serviceLevelSeconds: 20, total: counters(), queues: {} },
    ...over,
  };
}
