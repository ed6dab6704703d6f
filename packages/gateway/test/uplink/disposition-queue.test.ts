import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openDispositionQueue, waitingDelayMs } from '../../src/uplink/disposition-queue.js';

const dir = mkdtempSync(join(tmpdir(), 'callgate-dispositions-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const open = () => {
  const file = join(dir, `outbox-${++n}.sqlite`);
  return { file, db: new Database(file), queue: openDispositionQueue(new Database(file)) };
};
const d = (recordId: string, code = 'resolved', notes = '') => ({ recordId, operatorId: 'op-1001', code, notes });

describe('dispositions saved at the site during an outage', () => {
  it('survive a restart and go out oldest first', () => {
    const { file, queue } = open();
    queue.add(d('moscow:c-1'), 1000);
    queue.add(d('moscow:c-2'), 2000);
    const again = openDispositionQueue(new Database(file));
    assert.equal(again.depth(), 2);
    assert.deepEqual(
      again.takeDue(5000, 10, 30_000).map((x) => [x.recordId, x.savedAt]),
      [
        ['moscow:c-1', new Date(1000).toISOString()],
        ['moscow:c-2', new Date(2000).toISOString()],
      ],
    );
  });

  it('saving again replaces the earlier words; an ack for the replaced save deletes nothing', () => {
    const { queue } = open();
    const first = queue.add(d('moscow:c-1', 'callback', 'after 5'), 1000);
    queue.takeDue(1000, 10, 30_000);
    const second = queue.add(d('moscow:c-1', 'resolved', 'done'), 2000);
    queue.saved(first.id);
    assert.equal(queue.depth(), 1);
    const due = queue.takeDue(2000, 10, 30_000);
    assert.deepEqual(
      due.map((x) => [x.id, x.code, x.notes]),
      [[second.id, 'resolved', 'done']],
    );
    queue.saved(second.id);
    assert.equal(queue.depth(), 0);
  });

  it('a sent one is not sent again before its ack can come, and is after a reconnect', () => {
    const { queue } = open();
    queue.add(d('moscow:c-1'), 0);
    assert.equal(queue.takeDue(0, 10, 30_000).length, 1);
    assert.equal(queue.takeDue(29_999, 10, 30_000).length, 0);
    assert.equal(queue.takeDue(30_000, 10, 30_000).length, 1, 'no ack within 30 s: due again');
    queue.makeAllDue();
    assert.equal(queue.takeDue(30_001, 10, 30_000).length, 1, 'a reconnect sends it at once');
  });

  it("waits longer each time the hub has not got the call's record yet", () => {
    const { queue } = open();
    const item = queue.add(d('moscow:c-1'), 0);
    queue.takeDue(0, 10, 30_000);
    queue.waiting(item.id, 1000);
    assert.equal(queue.takeDue(1000 + waitingDelayMs(1) - 1, 10, 30_000).length, 0);
    assert.equal(queue.takeDue(1000 + waitingDelayMs(1), 10, 30_000).length, 1);
    assert.ok(waitingDelayMs(2) > waitingDelayMs(1));
    assert.equal(waitingDelayMs(50), 300_000, 'at most five minutes');
  });

  it('one the hub refuses is kept aside with the reason, out of the queue', () => {
    const { db, queue } = open();
    const item = queue.add(d('moscow:c-1', 'resolved', 'notes'), 0);
    queue.refused(item.id, 'UPLINK_ERR_DISPOSITION_REFUSED: not handled by op-1001', 5);
    assert.equal(queue.depth(), 0);
    assert.equal(queue.refusedCount(), 1);
    const row = db.prepare('SELECT record_id, notes, reason FROM dispositions_refused').get() as Record<string, string>;
    assert.deepEqual(row, {
      record_id: 'moscow:c-1',
      notes: 'notes',
      reason: 'UPLINK_ERR_DISPOSITION_REFUSED: not handled by op-1001',
    });
  });
});
