import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordWindow } from '../../src/uplink/record-window.js';

describe('records in flight on one connection', () => {
  it('no more than the window is ever unacknowledged', () => {
    const w = new RecordWindow(3);
    w.sent(1, { recordId: 'a', createdMs: 0 });
    w.sent(2, { recordId: 'b', createdMs: 0 });
    assert.equal(w.room(), 1);
    w.sent(3, { recordId: 'c', createdMs: 0 });
    assert.equal(w.room(), 0);
    w.acked([{ seq: 1, recordId: 'a', result: 'stored' }]);
    assert.equal(w.room(), 1);
    assert.equal(w.lastSentSeq, 3, 'sending continues after the newest sent, not after the acked');
  });

  it('stored, duplicate and replaced are delivered; dead-lettered is set aside', () => {
    const w = new RecordWindow(10);
    for (const [seq, id] of [
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
      [4, 'd'],
    ] as const)
      w.sent(seq, { recordId: id, createdMs: 0 });
    const out = w.acked([
      { seq: 1, recordId: 'a', result: 'stored' },
      { seq: 2, recordId: 'b', result: 'duplicate' },
      { seq: 3, recordId: 'c', result: 'replaced' },
      { seq: 4, recordId: 'd', result: 'dead-lettered', problems: [{ path: 'site', reason: 'wrong' }] },
    ]);
    assert.deepEqual(out.delivered, [1, 2, 3]);
    assert.deepEqual(
      out.rejected.map((a) => a.recordId),
      ['d'],
    );
    assert.equal(w.size, 0);
  });

  it('an ack for a record not in flight, or naming another record, deletes nothing', () => {
    const w = new RecordWindow(10);
    w.sent(5, { recordId: 'e', createdMs: 0 });
    const out = w.acked([
      { seq: 5, recordId: 'not-e', result: 'stored' },
      { seq: 6, recordId: 'f', result: 'stored' },
    ]);
    assert.deepEqual(out.delivered, []);
    assert.equal(out.unexpected.length, 2);
    assert.equal(w.size, 1);
  });
});
