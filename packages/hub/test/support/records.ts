/** Call records for tests: a complete inbound queue call answered by an operator, changed as needed. */
import type { CallRecord } from '@callgate/contracts';

let counter = 0;

export function makeRecord(overrides: Partial<CallRecord> = {}): CallRecord {
  counter++;
  const site = overrides.site ?? 'tallinn';
  const startedAt = overrides.startedAt ?? '2026-11-27T08:00:00.000Z';
  const base: CallRecord = {
    recordId: `rec-${site}-${counter}`,
    callId: `call-${site}-${counter}`,
    site,
    direction: 'inbound',
    customerNumber: '+37251234567',
    line: '+3726001000',
    queue: 'support',
    startedAt,
    answeredAt: '2026-11-27T08:00:12.000Z',
    endedAt: '2026-11-27T08:03:12.000Z',
    waitSeconds: 12,
    ringSeconds: 4,
    talkSeconds: 180,
    holdSeconds: 0,
    durationSeconds: 192,
    outcome: 'answered',
    hangupBy: 'customer',
    hangupCause: { code: 16, text: 'Normal Clearing' },
    segments: [
      {
        operatorId: site === 'moscow' ? 'ivan' : 'anna',
        extension: site === 'moscow' ? '2001' : '1001',
        answeredAt: '2026-11-27T08:00:12.000Z',
        endedAt: '2026-11-27T08:03:12.000Z',
        talkSeconds: 180,
        holdSeconds: 0,
        endedBy: 'hangup',
      },
    ],
    offers: [
      {
        operatorId: site === 'moscow' ? 'ivan' : 'anna',
        extension: site === 'moscow' ? '2001' : '1001',
        ringSeconds: 4,
        result: 'answered',
      },
    ],
    crmRef: null,
    recording: null,
    incomplete: false,
  };
  return { ...base, ...overrides };
}
