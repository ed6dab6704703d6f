import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { backoffDelay, DEFAULT_BACKOFF } from '../src/index.js';

describe('reconnect backoff', () => {
  it('doubles from 250 ms up to the 30 s cap without jitter', () => {
    const options = { ...DEFAULT_BACKOFF, jitter: 0 };
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 30, 1_000].map((attempt) => backoffDelay(attempt, options)),
      [250, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000],
    );
  });

  it('jitter only shortens a delay, by at most its share, so gateways do not reconnect in lock-step', () => {
    fc.assert(
      fc.property(fc.nat({ max: 50 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const plain = backoffDelay(attempt, { ...DEFAULT_BACKOFF, jitter: 0 });
        const jittered = backoffDelay(attempt, DEFAULT_BACKOFF, () => r);
        assert.ok(jittered <= plain && jittered >= Math.floor(plain * (1 - DEFAULT_BACKOFF.jitter)), `${jittered}`);
      }),
    );
    const spread = new Set([0, 0.25, 0.5, 0.75].map((r) => backoffDelay(3, DEFAULT_BACKOFF, () => r)));
    assert.equal(spread.size, 4);
  });
});
