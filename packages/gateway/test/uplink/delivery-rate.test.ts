import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeliveryRate } from '../../src/uplink/delivery-rate.js';

describe('the delivery rate supervisors see', () => {
  it('is the mean over the last ten seconds', () => {
    const r = new DeliveryRate(10);
    r.add(50, 1_000);
    r.add(50, 5_500);
    assert.equal(r.perSecond(9_999), 10);
  });

  it('falls to zero once nothing was delivered for ten seconds', () => {
    const r = new DeliveryRate(10);
    r.add(100, 1_000);
    assert.equal(r.perSecond(10_999), 10);
    assert.equal(r.perSecond(11_000), 0);
    assert.equal(r.perSecond(60_000), 0);
  });

  it('old seconds drop out one by one as the window slides', () => {
    const r = new DeliveryRate(10);
    r.add(10, 0);
    r.add(20, 1_000);
    assert.equal(r.perSecond(10_000), 2);
    assert.equal(r.perSecond(11_000), 0);
  });
});
