import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextArrivalSeconds, planCall, seededRandom } from '../src/demo/demo-traffic.js';
import { DEMO_CONTACTS, DEMO_SITES } from '../src/demo/demo-world.js';

describe('demo callers', () => {
  const moscow = DEMO_SITES[0];
  assert.ok(moscow);

  it('are mostly known contacts of the site (so the pop-up shows a card), some unknown, a few impatient', () => {
    const random = seededRandom(7);
    const calls = Array.from({ length: 600 }, () => planCall(random, DEMO_CONTACTS, moscow));
    const mine = new Set(DEMO_CONTACTS.filter((c) => c.site === 'moscow').map((c) => c.phone.slice(1)));
    const known = calls.filter((c) => mine.has(c.from)).length / calls.length;
    assert.ok(known > 0.6 && known < 0.8, `known share ${known}`);
    assert.ok(
      calls.every((c) => /^7916\d{7}$/.test(c.from) || mine.has(c.from)),
      'digits as the trunk presents them',
    );
    const impatient = calls.filter((c) => c.patienceMs < 60_000).length / calls.length;
    assert.ok(impatient > 0.1 && impatient < 0.25, `impatient share ${impatient}`);
  });

  it('arrive as a Poisson process with the site mean, the same for the same seed', () => {
    const a = seededRandom(3);
    const gaps = Array.from({ length: 5000 }, () => nextArrivalSeconds(a, 9));
    const mean = gaps.reduce((x, y) => x + y, 0) / gaps.length;
    assert.ok(Math.abs(mean - 9) < 0.5, `mean ${mean}`);
    const b = seededRandom(3);
    assert.equal(nextArrivalSeconds(b, 9), gaps[0]);
  });
});
