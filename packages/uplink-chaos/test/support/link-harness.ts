/**
 * One real hub (startHub + the uplink plugin, SQLite) and one real gateway uplink client (real
 * outbox in a temp dir) between which a netfault proxy plays the WAN.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import {
  parseHubConfig,
  UPLINK_WS_PATH,
  type HubCommand,
  type SiteLiveSnapshot,
  type UplinkConfig,
} from '@callgate/contracts';
import {
  openOutbox,
  parseSiteCredential,
  startUplinkClient,
  type HubCommandOutcome,
  type Outbox,
  type UplinkClient,
} from '@callgate/gateway';
import { openDatabase, startHub, uplinkPlugin, type Hub, type HubDatabase, type UplinkPlugin } from '@callgate/hub';
import { startFaultProxy, type FaultProxy } from '@callgate/netfault';

export const logger = pino({ level: process.env.CALLGATE_TEST_LOG ?? 'silent' });

export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface TestHub {
  hub: Hub;
  plugin: UplinkPlugin;
  database: HubDatabase;
  /** ws:// URL of the uplink endpoint (not through the proxy). */
  uplinkUrl: string;
  port: number;
  credential(site: string): Promise<string>;
  storedRecords(site: string): Promise<{ recordId: string; json: string }[]>;
  close(): Promise<void>;
}

export async function startTestHub(heartbeatSeconds = 0.5): Promise<TestHub> {
  const dir = mkdtempSync(join(tmpdir(), 'callgate-link-hub-'));
  const database = await openDatabase({ url: join(dir, 'hub.sqlite') });
  const config = parseHubConfig({ listen: { host: '127.0.0.1', port: 0 }, panelDir: '/nonexistent' });
  if (!config.ok) throw config.error;
  const plugin = uplinkPlugin({ heartbeatSeconds, statusSeconds: 0.5 });
  const hub = await startHub({
    config: config.value,
    database,
    logger,
    passwordCost: { log2N: 4, r: 1, p: 1 },
    plugins: [plugin],
  });
  const port = Number(new URL(hub.url).port);
  return {
    hub,
    plugin,
    database,
    port,
    uplinkUrl: `ws://127.0.0.1:${port}${UPLINK_WS_PATH}`,
    async credential(site) {
      if (!(await hub.core.sites.get(site))) {
        await hub.core.sites.create('system', { id: site, name: site, gatewayUrl: `http://${site}.example:8081` });
      }
      return (await hub.core.sites.issueCredential('system', site)).credential;
    },
    async storedRecords(site) {
      const rows = await database.db
        .selectFrom('calls')
        .select(['record_id', 'record_json'])
        .where('site', '=', site)
        .orderBy('record_id')
        .execute();
      return rows.map((r) => ({ recordId: r.record_id, json: r.record_json }));
    },
    async close() {
      await hub.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestSite {
  outbox: Outbox;
  client: UplinkClient;
  proxy: FaultProxy;
  configs: UplinkConfig[];
  commands: { command: HubCommand; commandId: string }[];
  readonly snapshots: number;
  stop(): Promise<void>;
}

export interface SiteOptions {
  site: string;
  credential: string;
  hubPort: number;
  onCommand?: (command: HubCommand, commandId: string) => Promise<HubCommandOutcome>;
  dataDir?: string;
  /** Replaces the default (empty) live state. */
  snapshot?: () => SiteLiveSnapshot;
}

export async function startTestSite(options: SiteOptions): Promise<TestSite> {
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'callgate-link-site-'));
  // As the gateway wires it: a record is sent once it is flushed to disk.
  let kick = (): void => undefined;
  const outbox = openOutbox(dir, { onFlushed: () => kick() });
  const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: options.hubPort } });
  const configs: UplinkConfig[] = [];
  const commands: { command: HubCommand; commandId: string }[] = [];
  const seen = { snapshots: 0 };
  const client = startUplinkClient({
    url: `ws://127.0.0.1:${proxy.port}${UPLINK_WS_PATH}`,
    credential: parseSiteCredential(options.credential, options.site),
    outbox,
    logger,
    backoff: { initialDelayMs: 50, maxDelayMs: 500, factor: 2, jitter: 0.5 },
    connectTimeoutMs: 2000,
    snapshot: (): SiteLiveSnapshot => {
      seen.snapshots += 1;
      if (options.snapshot) return options.snapshot();
      return { site: options.site, at: new Date().toISOString(), amiConnected: true, operators: [], calls: [] };
    },
    onConfig: (message) => void configs.push(message),
    onCommand: async (command, commandId) => {
      commands.push({ command, commandId });
      return options.onCommand ? options.onCommand(command, commandId) : { status: 'done' };
    },
  });
  kick = () => client.kick();
  return {
    outbox,
    proxy,
    configs,
    commands,
    client,
    get snapshots() {
      return seen.snapshots;
    },
    async stop() {
      await client.stop();
      outbox.close();
      await proxy.close();
      if (options.dataDir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
