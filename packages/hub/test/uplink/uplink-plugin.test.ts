import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import WebSocket from 'ws';
import { LIVE_WS_PATH, parseHubConfig, UPLINK_WS_PATH } from '@callgate/contracts';
import { startHub, type Hub } from '../../src/hub.js';
import { openTestDatabase } from '../support/engines.js';
import type { HubDatabase } from '../../src/db/open-database.js';
import { uplinkPlugin, type UplinkPlugin } from '../../src/uplink/index.js';
import { callRecord } from './records.js';
import { TestGateway } from './uplink-harness.js';

describe('the uplink on the hub server', () => {
  let hub: Hub;
  let database: HubDatabase;
  let plugin: UplinkPlugin;
  let url: string;
  let credential: string;

  before(async () => {
    database = await openTestDatabase('sqlite');
    const config = parseHubConfig({ listen: { host: '127.0.0.1', port: 0 }, panelDir: '/nonexistent/panel-dist' });
    if (!config.ok) throw config.error;
    plugin = uplinkPlugin({ heartbeatSeconds: 1 });
    hub = await startHub({
      config: config.value,
      database,
      logger: pino({ level: 'silent' }),
      passwordCost: { log2N: 4, r: 1, p: 1 },
      plugins: [plugin],
    });
    url = `${hub.url.replace(/^http/, 'ws')}${UPLINK_WS_PATH}`;
    await hub.core.sites.create('system', { id: 'moscow', name: 'Moscow', gatewayUrl: 'http://moscow.example:8081' });
    credential = (await hub.core.sites.issueCredential('system', 'moscow')).credential;
  });
  after(async () => {
    await hub.close();
    await database.close();
  });

  it('a gateway links at /uplink on the API port and its records are stored', async () => {
    const gw = await TestGateway.link(url, 'moscow', credential);
    gw.sendRecords([{ seq: 1, record: callRecord(1) }]);
    assert.deepEqual(
      (await gw.acks(1)).map((a) => a.result),
      ['stored'],
    );
    assert.equal(plugin.server?.site('moscow')?.linked, true);
    gw.close();
  });

  it('records frames far larger than the 16 KiB the browser sockets allow are accepted', async () => {
    const gw = await TestGateway.link(url, 'moscow', credential);
    const entries = Array.from({ length: 300 }, (_, i) => ({ seq: 100 + i, record: callRecord(100 + i) }));
    gw.sendRecords(entries);
    const acks = await gw.acks(300);
    assert.equal(acks.length, 300);
    assert.ok(acks.every((a) => a.result === 'stored'));
    gw.close();
  });

  it("the supervisors' live WebSocket still upgrades next to it", async () => {
    const ws = new WebSocket(`${hub.url.replace(/^http/, 'ws')}${LIVE_WS_PATH}`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.terminate();
  });

  it('shutting the hub down closes site links with 1001 (going away)', async () => {
    const gw = await TestGateway.link(url, 'moscow', credential);
    gw.sendRecords([{ seq: 1000, record: callRecord(1000) }]);
    const [ack] = await gw.acks(1);
    assert.equal(ack?.result, 'stored');
    await hub.close();
    assert.equal((await gw.whenClosed()).code, 1001);
  });
});
