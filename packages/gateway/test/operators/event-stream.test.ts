import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OperatorEventStream } from '../../src/operators/event-stream.js';
import { RateLimiter } from '../../src/operators/rate-limiter.js';

const status = {
  kind: 'status',
  status: { work: 'ready', pauseReason: null, since: 't', wrapUpEndsAt: null, phone: 'idle', telephonyUp: true },
} as const;

describe('per-operator event stream', () => {
  it('numbers events and replays what a reconnecting tab missed', () => {
    const s = new OperatorEventStream(10);
    for (let i = 0; i < 5; i++) s.append(status, 't');
    assert.equal(s.seq, 5);
    assert.deepEqual(
      s.since(2)?.map((e) => e.seq),
      [3, 4, 5],
    );
    assert.deepEqual(s.since(5), []);
  });

  it('asks for a snapshot when the missed events are no longer buffered', () => {
    const s = new OperatorEventStream(3);
    for (let i = 0; i < 10; i++) s.append(status, 't');
    assert.equal(s.since(2), undefined);
    assert.deepEqual(
      s.since(7)?.map((e) => e.seq),
      [8, 9, 10],
    );
  });

  it('a tab that comes back after the replay window gets a snapshot, however few events it missed', () => {
    const s = new OperatorEventStream(256, 60_000);
    s.append(status, 't', 0);
    s.append(status, 't', 30_000);
    s.append(status, 't', 90_000);
    assert.equal(s.since(0), undefined, 'event 1 is older than the window: snapshot');
    assert.deepEqual(
      s.since(1)?.map((e) => e.seq),
      [2, 3],
      'a tab that saw event 1 still resumes: 2 and 3 are inside the window',
    );
  });

  it('refuses a sequence number from the future (another gateway run)', () => {
    const s = new OperatorEventStream(3);
    s.append(status, 't');
    assert.equal(s.since(40), undefined);
  });
});

describe('rate limiter', () => {
  it('allows a burst, then refills at the configured rate', () => {
    const r = new RateLimiter({ burst: 3, perSecond: 1 });
    assert.deepEqual(
      [1, 2, 3, 4].map(() => r.take('op', 0)),
      [true, true, true, false],
    );
    assert.equal(r.take('op', 500), false);
    assert.equal(r.take('op', 1000), true);
    assert.equal(r.take('other', 1000), true, 'buckets are per key');
  });
});
