import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { CallRecord } from '@callgate/contracts';
import { callRecord } from './support/records.js';
import { startTestHub, startTestSite, until, type TestHub, type TestSite } from './support/link-harness.js';

/** The records at the hub, parsed, by id. */
async function atHub(hub: TestHub, site: string): Promise<Map<string, CallRecord>> {
  return new Map((await hub.storedRecords(site)).map((r) => [r.recordId, JSON.parse(r.json) as CallRecord]));
}

describe('gateway ↔ hub over a faulty WAN', () => {
  let hub: TestHub;
  const sites: TestSite[] = [];
  let n = 0;
  /** A fresh site id per test, so counts never mix. */
  const newSite = async (options: Partial<Parameters<typeof startTestSite>[0]> = {}) => {
    const id = `site${++n}`;
    const s = await startTestSite({ site: id, credential: await hub.credential(id), hubPort: hub.port, ...options });
    sites.push(s);
    return { id, s };
  };
  const linked = (s: TestSite) => until(() => s.client.status().state === 'linked', 'the site is linked');
  const append = (s: TestSite, id: string, from: number, count: number): void => {
    for (let i = from; i < from + count; i++) s.outbox.append(callRecord(i, id));
    s.client.kick();
  };

  before(async () => {
    hub = await startTestHub();
  });
  afterEach(async () => {
    for (const s of sites.splice(0)) await s.stop();
  });
  after(async () => {
    await hub.close();
  });

  it('records reach the hub once each, with their contents, and leave the outbox', async () => {
    const { id, s } = await newSite();
    await linked(s);
    append(s, id, 1, 300);
    await until(() => s.outbox.depth() === 0, 'the outbox is empty');
    const stored = await atHub(hub, id);
    assert.equal(stored.size, 300);
    for (let i = 1; i <= 300; i++) assert.deepEqual(stored.get(`${id}-rec-${i}`), callRecord(i, id));
  });

  it('a backlog from an outage drains after reconnect, and the live snapshot arrives before it has drained', async () => {
    const { id, s } = await newSite();
    await linked(s);
    s.proxy.setRefuse(true);
    s.proxy.resetAll();
    await until(() => s.client.status().state !== 'linked', 'the link is down');
    append(s, id, 1, 1500);
    let depthAtSnapshot = -1;
    const stop = hub.hub.core.live.subscribe((changes) => {
      if (depthAtSnapshot < 0 && changes.some((c) => c.kind === 'site' && c.state.site === id && c.state.linked)) {
        depthAtSnapshot = s.outbox.depth();
      }
    });
    s.proxy.setRefuse(false);
    await until(() => s.outbox.depth() === 0, 'the backlog is delivered', 60_000);
    stop();
    assert.ok(depthAtSnapshot > 0, `live state resumed only after the backlog (depth ${depthAtSnapshot} at snapshot)`);
    assert.equal((await atHub(hub, id)).size, 1500);
  });

  it('a half-open link is found by the heartbeat; the gateway reconnects and nothing is lost or doubled', async () => {
    const { id, s } = await newSite();
    await linked(s);
    append(s, id, 1, 100);
    await until(() => s.outbox.depth() === 0, 'first batch delivered');
    const connectsBefore = s.client.status().connects;
    s.proxy.halfOpenAll('both');
    append(s, id, 101, 100);
    await until(() => s.outbox.depth() === 0, 'second batch delivered after reconnect');
    assert.ok(s.client.status().connects > connectsBefore, 'the gateway had to reconnect');
    assert.equal((await atHub(hub, id)).size, 200);
  });

  it('when acks are lost on the way back the records are sent again and the hub keeps one copy of each', async () => {
    const { id, s } = await newSite();
    await linked(s);
    s.proxy.halfOpenAll('to-client');
    append(s, id, 1, 50);
    await until(async () => (await atHub(hub, id)).size === 50, 'the hub stored them');
    assert.equal(s.outbox.depth(), 50, 'no ack came back, so the outbox still holds them');
    await until(() => s.outbox.depth() === 0, 'acked after the reconnect');
    const text = await s.client.metrics.recordsAcked.get();
    const duplicates = text.values.find((v) => v.labels.result === 'duplicate')?.value ?? 0;
    assert.ok(duplicates >= 50, `resent records were answered as duplicates (${duplicates})`);
    assert.equal((await atHub(hub, id)).size, 50);
  });

  it('a blackhole and then resets in the middle of a drain lose nothing', async () => {
    const { id, s } = await newSite();
    await linked(s);
    append(s, id, 1, 1000);
    s.proxy.setBlackhole(true);
    append(s, id, 1001, 500);
    await until(() => s.client.status().state !== 'linked', 'the gateway notices the silence');
    s.proxy.setBlackhole(false);
    await until(() => s.client.status().state === 'linked', 'relinked');
    s.proxy.resetAll();
    append(s, id, 1501, 500);
    await until(() => s.outbox.depth() === 0, 'everything delivered', 60_000);
    assert.equal((await atHub(hub, id)).size, 2000);
  });

  it('a live snapshot that cannot be taken does not take the gateway down, and records still flow', async () => {
    const { id, s } = await newSite({
      snapshot: () => {
        throw new Error('engine state unavailable');
      },
    });
    await linked(s);
    append(s, id, 1, 10);
    await until(() => s.outbox.depth() === 0, 'delivered');
    assert.ok(s.snapshots >= 1);
    assert.equal(s.client.status().state, 'linked');
  });

  it('a record the hub refuses is kept aside at the site and the ones behind it still go through', async () => {
    const { id, s } = await newSite();
    await linked(s);
    const broken = callRecord(1, id);
    broken.endedAt = '2026-11-27T08:00:00.000Z'; // before startedAt
    s.outbox.append(broken);
    append(s, id, 2, 5);
    await until(() => s.outbox.depth() === 0, 'the outbox drained');
    assert.equal(s.outbox.rejectedCount(), 1);
    assert.equal(s.outbox.rejected()[0]?.recordId, `${id}-rec-1`);
    const stored = await atHub(hub, id);
    assert.equal(stored.has(`${id}-rec-1`), false);
    assert.equal(stored.size, 5);
  });

  it('the token keys, directory and login verifiers come down once, and not again after a reconnect', async () => {
    const { s } = await newSite();
    await linked(s);
    await until(() => s.configs.length === 3, 'three config pushes');
    assert.deepEqual(s.configs.map((c) => c.kind).sort(), ['directory', 'keys', 'verifiers']);
    await new Promise((r) => setTimeout(r, 200)); // let the acks reach the hub
    const connects = s.client.status().connects;
    s.proxy.resetAll();
    await until(() => s.client.status().connects > connects && s.client.status().state === 'linked', 'relinked');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(s.configs.length, 3);
  });

  it('a hub command runs once at the site even when the hub sends it again after a reconnect', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const { id, s } = await newSite({
      onCommand: async () => {
        await gate;
        return { status: 'done', callId: 'cg-1' };
      },
    });
    await linked(s);
    const server = hub.plugin.server;
    assert.ok(server);
    const result = server.sendCommand(
      id,
      { name: 'dial', operatorId: 'op-1001', number: '+79161234567' },
      { timeoutMs: 15_000 },
    );
    await until(() => s.commands.length === 1, 'the site got the command');
    const connects = s.client.status().connects;
    s.proxy.resetAll();
    await until(() => s.client.status().connects > connects && s.client.status().state === 'linked', 'relinked');
    release();
    const reply = await result;
    assert.equal(reply.status, 'done');
    assert.equal(reply.callId, 'cg-1');
    assert.equal(s.commands.length, 1, 'run once');
  });

  it('a site whose credential was rotated is refused and keeps every record until it gets the new one', async () => {
    const { id, s } = await newSite();
    await linked(s);
    await hub.credential(id); // rotates: the old credential is no longer valid
    await until(() => s.client.status().state === 'refused', 'refused');
    append(s, id, 1, 10);
    assert.equal(s.outbox.depth(), 10);
  });

  it("the hub sees the site's outbox depth and oldest undelivered record while it drains", async () => {
    const { id, s } = await newSite();
    await linked(s);
    s.proxy.setRefuse(true);
    s.proxy.resetAll();
    await until(() => s.client.status().state !== 'linked', 'down');
    append(s, id, 1, 20);
    s.proxy.setRefuse(false);
    await until(() => s.outbox.depth() === 0, 'drained');
    await until(() => hub.plugin.server?.site(id)?.status?.outboxDepth === 0, 'the hub heard the empty outbox');
    const status = hub.plugin.server?.site(id)?.status;
    assert.equal(status?.oldestUndeliveredAt, null);
    assert.ok((status?.connects ?? 0) >= 2);
  });

  it('stopping the gateway closes the link cleanly and leaves unacknowledged records in the outbox', async () => {
    const { id, s } = await newSite();
    await linked(s);
    s.proxy.halfOpenAll('to-client');
    append(s, id, 1, 5);
    await until(async () => (await atHub(hub, id)).size === 5, 'stored at the hub');
    await s.client.stop();
    assert.equal(s.client.status().state, 'stopped');
    assert.equal(s.outbox.depth(), 5, 'not acked, so still there: they are sent again at the next start');
  });
});
