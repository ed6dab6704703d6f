/**
 * What one call's end costs the gateway's event loop in the outbox: `Outbox.append` (the
 * gateway's own code, packages/gateway/src/uplink/outbox.ts: one SQLite commit in WAL mode; the
 * flush to disk runs afterwards on the thread pool) timed on this machine's disk and on tmpfs.
 * The gateway appends synchronously in the engine's event dispatch, so every AMI event that
 * arrives meanwhile waits this long (docs/uplink.md, "What a user can count on").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallRecord } from '@callgate/contracts';
import { openOutbox } from '@callgate/gateway';
import { percentiles, type Percentiles } from './latency.js';

/** tmpfs on Linux; absent elsewhere. */
export const TMPFS = '/dev/shm';

export function timeOutboxAppends(parent: string, count: number): Percentiles {
  const dir = mkdtempSync(join(parent, 'callgate-bench-outbox-'));
  const outbox = openOutbox(dir);
  try {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const record = sampleRecord(i);
      const started = process.hrtime.bigint();
      outbox.append(record);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return percentiles(times);
  } finally {
    outbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function diskAndTmpfsAppends(count: number): { disk: Percentiles; tmpfs: Percentiles | undefined } {
  let tmpfs: Percentiles | undefined;
  try {
    tmpfs = timeOutboxAppends(TMPFS, count);
  } catch {
    tmpfs = undefined; // no /dev/shm here
  }
  return { disk: timeOutboxAppends(tmpdir(), count), tmpfs };
}

/** An answered inbound call's record, about the size of the benchmark's (1.2 KB of JSON). */
function sampleRecord(i: number): CallRecord {
  const at = new Date(Date.UTC(2026, 10, 27, 10, 0, i % 60)).toISOString();
  return {
    recordId: `bench:c-probe-${i}`,
    callId: `c-probe-${i}`,
    site: 'bench',
    direction: 'inbound',
    customerNumber: '+79160000001',
    line: '74950000100',
    queue: 'q01',
    startedAt: at,
    answeredAt: at,
    endedAt: at,
    waitSeconds: 1,
    ringSeconds: 1,
    talkSeconds: 30,
    holdSeconds: 0,
    durationSeconds: 32,
    outcome: 'answered',
    hangupBy: 'customer',
    hangupCause: { code: 16, text: 'Normal Clearing' },
    segments: [
      {
        operatorId: 'op-2000',
        extension: '2000',
        answeredAt: at,
        endedAt: at,
        talkSeconds: 30,
        holdSeconds: 0,
        endedBy: 'hangup',
      },
    ],
    offers: [{ operatorId: 'op-2000', extension: '2000', ringSeconds: 1, result: 'answered' }],
    crmRef: null,
    recording: null,
    incomplete: false,
  };
}
