import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openCommandStore } from '../../src/operators/command-store.js';

describe('command ids are remembered', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callgate-commands-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a repeated id returns the stored result instead of running again', () => {
    const store = openCommandStore(join(dir, 'a.db'));
    assert.deepEqual(store.begin('op-1', 'c1', 'dial', 1000), { fresh: true });
    store.finish('op-1', 'c1', { status: 'done', code: null, message: null, callId: 'cg-1' }, 1500);
    const again = store.begin('op-1', 'c1', 'dial', 2000);
    assert.equal(again.fresh, false);
    if (!again.fresh) {
      assert.equal(again.interrupted, false);
      assert.deepEqual(again.reply, { status: 'done', code: null, message: null, callId: 'cg-1' });
    }
    store.close();
  });

  it('ids are per operator', () => {
    const store = openCommandStore(join(dir, 'b.db'));
    assert.equal(store.begin('op-1', 'same', 'hangup', 1).fresh, true);
    assert.equal(store.begin('op-2', 'same', 'hangup', 1).fresh, true);
    store.close();
  });

  it('survives a gateway restart, and a command cut short by it is reported as interrupted', () => {
    const path = join(dir, 'c.db');
    const first = openCommandStore(path);
    first.begin('op-1', 'finished', 'dial', 1);
    first.finish('op-1', 'finished', { status: 'failed', code: 'GW_ERR_BUSY', message: 'busy', callId: null }, 2);
    first.begin('op-1', 'in-flight', 'dial', 3);
    first.close();

    const second = openCommandStore(path);
    const finished = second.begin('op-1', 'finished', 'dial', 10);
    assert.ok(!finished.fresh && !finished.interrupted && finished.reply.code === 'GW_ERR_BUSY');
    const inFlight = second.begin('op-1', 'in-flight', 'dial', 10);
    assert.ok(!inFlight.fresh && inFlight.interrupted);
    second.close();
  });

  it('forgets ids after the retention, not before', () => {
    const store = openCommandStore(join(dir, 'd.db'), 10 * 60_000);
    store.begin('op-1', 'old', 'dial', 0);
    assert.equal(store.prune(9 * 60_000), 0);
    assert.equal(store.begin('op-1', 'old', 'dial', 9 * 60_000).fresh, false);
    assert.equal(store.prune(10 * 60_000 + 1), 1);
    assert.equal(store.begin('op-1', 'old', 'dial', 11 * 60_000).fresh, true);
    store.close();
  });
});
