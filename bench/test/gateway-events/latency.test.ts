// Latency arithmetic of the gateway benchmarks (bench/gateway-events/latency.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchByKey, percentile, percentiles, rateIn } from '../../gateway-events/latency.js';

describe('gateway benchmark latency arithmetic', () => {
  it('reports percentiles by nearest rank: always a measured value, never an interpolation', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    assert.equal(percentile(values, 0.5), 500);
    assert.equal(percentile(values, 0.99), 990);
    assert.equal(percentile(values, 0.999), 999);
    assert.equal(percentile([7], 0.99), 7);
    const p = percentiles([3, 1, 2]);
    assert.deepEqual([p.count, p.p50, p.p99, p.max], [3, 2, 3, 3]);
    assert.ok(Number.isNaN(percentiles([]).p99), 'no samples is not zero latency');
  });

  it('pairs causes with arrivals by key, counts only causes inside the window, and reports the lost ones', () => {
    const causes: Array<[string, number]> = [
      ['a', 1_000], // before the window
      ['b', 5_000],
      ['c', 6_000], // never arrived
      ['d', 20_000], // after the window
    ];
    const arrivals: Array<[string, number]> = [
      ['a', 1_500],
      ['b', 7_500],
      ['d', 20_100],
      ['x', 9_000], // no cause
    ];
    const m = matchByKey(causes, arrivals, 2_000, 10_000);
    assert.deepEqual(m.latenciesMs, [2.5]);
    assert.equal(m.missing, 1);
    assert.equal(m.unexplained, 1);
  });

  it('computes a rate over a window of send times', () => {
    assert.equal(rateIn([0, 100_000, 200_000, 1_500_000], 0, 1_000_000), 3);
  });
});
