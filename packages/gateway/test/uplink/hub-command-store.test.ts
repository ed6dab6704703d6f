import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openHubCommandStore } from '../../src/uplink/hub-command-store.js';
import { openOutbox } from '../../src/uplink/outbox.js';

describe('hub command ids', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callgate-hubcmd-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a command the hub sends twice runs once; the repeat gets the first result', () => {
    const outbox = openOutbox(join(dir, 'a'));
    const store = openHubCommandStore(outbox.database);
    assert.deepEqual(store.begin('crm-1', 'dial', 1), { fresh: true });
    store.finish('crm-1', { status: 'done', code: null, message: null, callId: 'cg-9' }, 2);
    assert.deepEqual(store.begin('crm-1', 'dial', 3), {
      fresh: false,
      result: { status: 'done', code: null, message: null, callId: 'cg-9' },
    });
    outbox.close();
  });

  it('a command cut short by a gateway restart is reported interrupted, never run again', () => {
    const path = join(dir, 'b');
    const first = openOutbox(path);
    openHubCommandStore(first.database).begin('crm-2', 'dial', 1);
    first.close();
    const second = openOutbox(path);
    const again = openHubCommandStore(second.database).begin('crm-2', 'dial', 2);
    assert.equal(again.fresh, false);
    if (!again.fresh) {
      assert.equal(again.result.status, 'failed');
      assert.equal(again.result.code, 'UPLINK_ERR_INTERRUPTED');
    }
    second.close();
  });

  it('old command ids are forgotten after the retention', () => {
    const outbox = openOutbox(join(dir, 'c'));
    const store = openHubCommandStore(outbox.database, 1000);
    store.begin('old', 'log-out', 0);
    store.begin('new', 'log-out', 5000);
    assert.equal(store.prune(5500), 1);
    assert.equal(store.begin('new', 'log-out', 5600).fresh, false);
    outbox.close();
  });
});
