/**
 * A valid call record with distinct ids for sample `n` at `site`: for tests, benchmarks and
 * documentation examples (one builder instead of a copy per package).
 */
import type { CallRecord } from './call-record.js';

export function sampleCallRecord(n: number, site = 'moscow', overrides: Partial<CallRecord> = {}): CallRecord {
  const started = Date.UTC(2026, 10, 27, 9, 0, 0) + n * 1000;
  const iso = (ms: number): string => new Date(ms).toISOString();
  return {
    recordId: `${site}-rec-${n}`,
    callId: `${site}-call-${n}`,
    site,
    direction: 'inbound',
    customerNumber: `+7916${String(1_000_000 + n).slice(-7)}`,
    line: '74950000000',
    queue: 'support',
    startedAt: iso(started),
    answeredAt: iso(started + 12_000),
    endedAt: iso(started + 95_000),
    waitSeconds: 8.2,
    ringSeconds: 3.8,
    talkSeconds: 83,
    holdSeconds: 0,
    durationSeconds: 95,
    outcome: 'answered',
    hangupBy: 'customer',
    hangupCause: { code: 16, text: 'Normal Clearing' },
    segments: [
      {
        operatorId: 'op-1001',
        extension: '1001',
        answeredAt: iso(started + 12_000),
        endedAt: iso(started + 95_000),
        talkSeconds: 83,
        holdSeconds: 0,
        endedBy: 'hangup',
      },
    ],
    offers: [{ operatorId: 'op-1001', extension: '1001', ringSeconds: 3.8, result: 'answered' }],
    crmRef: null,
    recording: null,
    incomplete: false,
    ...overrides,
  };
}
