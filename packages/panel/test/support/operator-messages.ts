/** Gateway messages as the protocol defines them (contracts operator-protocol.ts), for tests. */
import type {
  EventMessage,
  OperatorCall,
  OperatorEvent,
  OperatorWorkStatus,
  ReplyMessage,
  WelcomeMessage,
} from '@callgate/contracts';

export const T0 = '2026-11-27T10:00:00.000Z';

export function status(over: Partial<OperatorWorkStatus> = {}): OperatorWorkStatus {
  return {
    work: 'ready',
    pauseReason: null,
    since: T0,
    wrapUpEndsAt: null,
    phone: 'idle',
    telephonyUp: true,
    ...over,
  };
}

export function call(over: Partial<OperatorCall> = {}): OperatorCall {
  return {
    callId: 'cg-1',
    direction: 'inbound',
    number: '+3725551234',
    name: null,
    lineLabel: 'Support line',
    state: 'ringing',
    startedAt: T0,
    answeredAt: null,
    heldSince: null,
    crmRef: null,
    endedAt: null,
    outcome: null,
    ...over,
  };
}

export function welcome(over: Partial<WelcomeMessage> = {}): WelcomeMessage {
  return {
    type: 'welcome',
    v: 1,
    operator: { operatorId: 'anna', name: 'Anna', extension: '1001' },
    site: { id: 'tallinn', name: 'Tallinn' },
    streamId: 'stream-a',
    seq: 0,
    resumed: false,
    snapshot: { status: status(), calls: [] },
    pauseReasons: ['break', 'lunch'],
    wrapUpSeconds: 30,
    colleagues: [{ operatorId: 'boris', name: 'Boris', extension: '1002' }],
    heartbeatSeconds: 15,
    tokenExpiresAt: '2026-11-27T10:15:00.000Z',
    ...over,
  };
}

export function event(seq: number, e: OperatorEvent, at = T0): EventMessage {
  return { type: 'event', seq, at, event: e };
}

export function reply(id: string, status: ReplyMessage['status'], over: Partial<ReplyMessage> = {}): ReplyMessage {
  return { type: 'reply', id, status, code: null, message: null, callId: null, duplicate: false, ...over };
}
