import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HubCall } from '@callgate/contracts';
import { HubRequestError } from '../../src/client/hub-client.js';
import { WrapUpQueue, type KeyValueStorage, type WrapUp } from '../../src/client/wrap-up-queue.js';
import { PanelErrorCode } from '../../src/errors.js';
import { call, T0 } from '../support/operator-messages.js';
import { flush, VirtualTimers } from '../support/virtual-timers.js';

class MemoryStorage implements KeyValueStorage {
  readonly data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.data.set(key, value);
  }
}

const answered = call({ callId: 'cg-1', state: 'ended', answeredAt: T0, endedAt: '2026-11-27T10:03:00.000Z' });

function setup(storage = new MemoryStorage(), timers = new VirtualTimers()) {
  const saves: { recordId: string; code: string; notes: string }[] = [];
  let answer: () => Promise<HubCall> = () => Promise.resolve({} as HubCall);
  let items: readonly WrapUp[] = [];
  const queue = new WrapUpQueue({
    storage,
    storageKey: 'callgate.wrap-up.anna',
    timers,
    random: () => 1,
    save: (recordId, code, notes) => {
      saves.push({ recordId, code, notes });
      return answer();
    },
    onChange: (i) => (items = i),
  });
  return {
    queue,
    storage,
    timers,
    saves,
    items: () => items,
    answerWith: (fn: () => Promise<HubCall>) => (answer = fn),
  };
}

describe('wrap-up queue', () => {
  it('offers a form for an answered customer call, not for a missed or internal one', () => {
    const s = setup();
    s.queue.offer('tallinn', answered);
    s.queue.offer('tallinn', call({ callId: 'missed', state: 'ended', answeredAt: null }));
    s.queue.offer('tallinn', call({ callId: 'colleague', direction: 'internal', state: 'ended', answeredAt: T0 }));
    s.queue.offer('tallinn', answered);
    assert.deepEqual(
      s.queue.open.map((w) => w.callId),
      ['cg-1'],
    );
    assert.equal(s.queue.open[0]?.recordId, 'tallinn:cg-1');
  });

  it('saves the disposition on the hub record of the call', async () => {
    const s = setup();
    s.queue.offer('tallinn', answered);
    s.queue.submit('cg-1', 'resolved', 'asked about the invoice');
    await flush();
    assert.deepEqual(s.saves, [{ recordId: 'tallinn:cg-1', code: 'resolved', notes: 'asked about the invoice' }]);
    assert.equal(s.queue.items[0]?.phase, 'saved');
    assert.equal(s.queue.open.length, 0);
  });

  it('keeps the disposition and sends it again until the call record reaches the hub', async () => {
    const s = setup();
    s.answerWith(() => Promise.reject(new HubRequestError('HUB_ERR_NOT_FOUND', 'call not found', 404)));
    s.queue.offer('tallinn', answered);
    s.queue.submit('cg-1', 'sale', '');
    await flush();
    assert.equal(s.queue.items[0]?.phase, 'waiting');
    assert.equal(s.queue.items[0]?.error, PanelErrorCode.RecordNotYetAtHub);
    s.answerWith(() => Promise.reject(new HubRequestError(PanelErrorCode.HubUnreachable, 'network down', null)));
    s.timers.advance(1_000);
    await flush();
    assert.equal(s.queue.items[0]?.phase, 'waiting');
    s.answerWith(() => Promise.resolve({} as HubCall));
    s.timers.advance(2_000);
    await flush();
    assert.equal(s.saves.length, 3);
    assert.equal(s.queue.items[0]?.phase, 'saved');
  });

  it('a refusal that retrying cannot fix is shown and not retried', async () => {
    const s = setup();
    s.answerWith(() => Promise.reject(new HubRequestError('HUB_ERR_UNKNOWN_DISPOSITION', 'no such code', 400)));
    s.queue.offer('tallinn', answered);
    s.queue.submit('cg-1', 'gone', '');
    await flush();
    assert.equal(s.queue.items[0]?.phase, 'failed');
    assert.equal(s.queue.items[0]?.error, 'HUB_ERR_UNKNOWN_DISPOSITION');
    s.timers.advance(60_000);
    await flush();
    assert.equal(s.saves.length, 1);
  });

  it('a reload finds the form as it was typed and resumes sending what was waiting', async () => {
    const storage = new MemoryStorage();
    const timers = new VirtualTimers();
    const before = setup(storage, timers);
    before.answerWith(() => Promise.reject(new HubRequestError('HUB_ERR_NOT_FOUND', 'not yet', 404)));
    before.queue.offer('tallinn', answered);
    before.queue.offer('tallinn', call({ callId: 'cg-2', state: 'ended', answeredAt: T0 }));
    before.queue.draft('cg-2', 'callback', 'call back at 5');
    before.queue.submit('cg-1', 'resolved', '');
    await flush();
    before.queue.dispose(); // the page goes away

    const after = setup(storage, timers);
    const draft = after.queue.open.find((w) => w.callId === 'cg-2');
    assert.equal(draft?.notes, 'call back at 5');
    timers.advance(1_000);
    await flush();
    assert.deepEqual(after.saves, [{ recordId: 'tallinn:cg-1', code: 'resolved', notes: '' }]);
    assert.equal(after.queue.items.find((w) => w.callId === 'cg-1')?.phase, 'saved');
  });

  it('what one tab does, another tab sees on its next change; a skipped call is not offered again', () => {
    const storage = new MemoryStorage();
    const tabA = setup(storage);
    const tabB = setup(storage);
    tabA.queue.offer('tallinn', answered);
    tabB.queue.reload();
    assert.equal(tabB.queue.open.length, 1);
    tabB.queue.skip('cg-1');
    tabA.queue.reload();
    assert.equal(tabA.queue.open.length, 0);
    tabA.queue.offer('tallinn', answered);
    assert.equal(tabA.queue.open.length, 0);
  });

  it('damaged storage does not break the panel', () => {
    const storage = new MemoryStorage();
    storage.setItem('callgate.wrap-up.anna', '{not json');
    const s = setup(storage);
    assert.equal(s.queue.items.length, 0);
    storage.setItem('callgate.wrap-up.anna', JSON.stringify([{ callId: 1 }, 'x', null]));
    s.queue.reload();
    assert.equal(s.queue.items.length, 0);
  });
});
