/**
 * A whole call center on one machine for the browser tests: a real hub (SQLite, HTTP API, live
 * view, uplink, serving the built panel), and per site a pbx-sim (Asterisk over real AMI) with a
 * real gateway linked to the hub through a fault-injecting TCP proxy (the site's WAN, which a
 * test can cut). Everything listens on OS-chosen ports; files go under one temporary directory.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { stringify } from 'yaml';
import assert from 'node:assert/strict';
import { parseHubConfig, UPLINK_WS_PATH, type CreateContactRequest, type HubCall } from '@callgate/contracts';
import { loadSiteConfig, startGateway, type RunningGateway } from '@callgate/gateway';
import { startHub, uplinkPlugin, type Hub, type UplinkPlugin } from '@callgate/hub';
import { startFaultProxy, type FaultProxy } from '@callgate/netfault';
import { ensurePanelBuilt } from '@callgate/panel';
import { labWorld, startPbxSim, type PbxSim, type WorldConfig } from '@callgate/pbx-sim';

export interface OperatorSpec {
  id: string;
  name: string;
  extension: string;
  queues: string[];
}

export interface SiteSpec {
  id: string;
  name: string;
  timeZone: string;
  operators: OperatorSpec[];
  /** Hold from the browser: the phones are asked to hold (phone-notify), or the phone's key only. */
  hold?: 'phone-notify' | 'none';
}

export interface Site {
  readonly spec: SiteSpec;
  readonly sim: PbxSim;
  gateway: RunningGateway;
  /** Stops the gateway (SIGTERM's drain: operators get 1001). */
  stopGateway(): Promise<void>;
  /** Starts it again on the same port and data directory (after a restart or an upgrade). */
  startGateway(): Promise<void>;
  /** Cuts the site's WAN: the uplink's connection is reset and new ones are refused. */
  cutWan(): void;
  /** Heals the WAN: the gateway reconnects by itself. */
  healWan(): void;
}

export interface CallCenter {
  readonly hub: Hub;
  readonly url: string;
  readonly sites: ReadonlyMap<string, Site>;
  site(id: string): Site;
  stop(): Promise<void>;
}

export const PASSWORD = 'correct horse battery';
const silent = pino({ level: process.env.CALLGATE_TEST_LOG ?? 'silent' });

export async function waitUntil(
  test: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * The lab world of the recordings, with no static queue members (operators join their queues
 * by starting work in the panel) and click-to-call's "no answer" cut to a few seconds.
 */
function world(): WorldConfig {
  const lab = labWorld('asterisk-22');
  return { ...lab, queues: lab.queues.map((q) => ({ ...q, members: [] })), outboundDialTimeoutSeconds: 4 };
}

export async function startCallCenter(options: {
  sites: SiteSpec[];
  supervisors?: { id: string; name: string }[];
  contacts?: CreateContactRequest[];
}): Promise<CallCenter> {
  const dir = await mkdtemp(join(tmpdir(), 'callgate-e2e-'));
  const panel = await ensurePanelBuilt();
  const parsed = parseHubConfig({
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: join(dir, 'hub'),
    database: { url: join(dir, 'hub.sqlite') },
    passwords: { minLength: 8 },
    contacts: { defaultCountry: 'RU' },
    panelDir: panel.dir,
    logLevel: 'warn',
    liveView: { tickMs: 100 },
  });
  if (!parsed.ok) throw parsed.error;
  const uplink: UplinkPlugin = uplinkPlugin({ heartbeatSeconds: 2 });
  const hub = await startHub({
    config: parsed.value,
    logger: silent,
    passwordCost: { log2N: 10, r: 8, p: 1 },
    plugins: [uplink],
  });
  const core = hub.core;
  for (const supervisor of options.supervisors ?? []) {
    await core.users.create('system', { ...supervisor, role: 'supervisor', site: '*', password: PASSWORD });
  }
  for (const contact of options.contacts ?? []) await core.contacts.create('system', contact, 'RU');
  const jwksFile = join(dir, 'hub-keys.json');
  await writeFile(jwksFile, JSON.stringify(await core.keys.jwks()));

  const sites = new Map<string, Site>();
  const wans: FaultProxy[] = [];
  for (const spec of options.sites) {
    await core.sites.create('system', {
      id: spec.id,
      name: spec.name,
      gatewayUrl: 'http://127.0.0.1:9',
      timeZone: spec.timeZone,
      defaultCountry: 'RU',
    });
    const { credential } = await core.sites.issueCredential('system', spec.id);
    for (const op of spec.operators) {
      await core.users.create('system', {
        id: op.id,
        name: op.name,
        role: 'operator',
        site: spec.id,
        extension: op.extension,
        password: PASSWORD,
      });
    }
    const sim = await startPbxSim({ world: world() });
    const hubAddress = new URL(hub.url);
    const wan: FaultProxy = await startFaultProxy({
      host: '127.0.0.1',
      target: { host: hubAddress.hostname, port: Number(hubAddress.port) },
    });
    wans.push(wan);
    const siteDir = join(dir, spec.id);
    await mkdir(siteDir, { recursive: true });
    await writeFile(join(siteDir, 'ami.secret'), 'crm-secret\n', { mode: 0o600 });
    await writeFile(join(siteDir, 'site.credential'), `${credential}\n`, { mode: 0o600 });
    const configFile = join(siteDir, 'gateway.yaml');
    const writeConfig = (port: number): Promise<void> =>
      writeFile(
        configFile,
        stringify({
          site: { id: spec.id, name: spec.name },
          ami: { host: sim.host, port: sim.port, username: 'crm', secretFile: 'ami.secret' },
          listen: { host: '127.0.0.1', port },
          operators: spec.operators.map((op) => ({
            id: op.id,
            name: op.name,
            extension: op.extension,
            endpoint: `PJSIP/${op.extension}`,
            queues: op.queues,
          })),
          queues: [
            { name: 'support', label: 'Support line' },
            { name: 'sales', label: 'Sales' },
          ],
          lines: [
            { number: '74950000000', label: 'Customer service' },
            { number: '74950000001', label: 'Sales hotline' },
          ],
          dialing: { defaultCountry: 'RU', originateContext: 'outbound', internalContext: 'internal' },
          wrapUp: { timeoutSeconds: 20 },
          hold: spec.hold === 'phone-notify' ? { method: 'phone-notify', phoneTimeoutMs: 1500 } : { method: 'none' },
          hub: {
            url: `ws://${wan.host}:${wan.port}${UPLINK_WS_PATH}`,
            credentialFile: 'site.credential',
            publicKeyFile: jwksFile,
          },
          dataDir: 'data',
          logLevel: 'warn',
        }),
      );
    const launch = async (port: number): Promise<RunningGateway> => {
      await writeConfig(port);
      const gateway = await startGateway(await loadSiteConfig(configFile), {
        logger: silent,
        ami: { reconnect: { initialDelayMs: 50, maxDelayMs: 500 } },
        uplink: { backoff: { initialDelayMs: 50, maxDelayMs: 500, factor: 2, jitter: 0.2 } },
      });
      await waitUntil(() => gateway.telephony.connected, `${spec.id}: the gateway is logged in to pbx-sim`);
      return gateway;
    };
    const gateway = await launch(0);
    await core.sites.update('system', spec.id, { gatewayUrl: gateway.url });
    const port = gateway.port;
    let running = true;
    const site: Site = {
      spec,
      sim,
      gateway,
      async stopGateway() {
        if (!running) return;
        running = false;
        await site.gateway.stop();
      },
      async startGateway() {
        if (running) return;
        site.gateway = await launch(port);
        running = true;
      },
      cutWan() {
        wan.setRefuse(true);
        wan.resetAll();
      },
      healWan() {
        wan.heal();
      },
    };
    sites.set(spec.id, site);
    await waitUntil(
      () => uplink.server?.site(spec.id)?.linked === true,
      `${spec.id}: the gateway is linked to the hub`,
    );
  }

  return {
    hub,
    url: hub.url,
    sites,
    site(id) {
      const site = sites.get(id);
      if (!site) throw new Error(`no site ${id}`);
      return site;
    },
    async stop() {
      for (const site of sites.values()) {
        await site.stopGateway();
        await site.sim.stop();
      }
      await hub.close();
      for (const wan of wans) await wan.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The phone answers as soon as it rings (the offer reaches the panel a moment before the phone rings). */
export async function answerWhenRinging(sim: PbxSim, extension: string): Promise<void> {
  const phone = sim.control.phone(extension);
  await waitUntil(() => phone.ringing, `phone ${extension} rings`);
  phone.answer();
}

/** The hub's record of a call once it arrived (gateway outbox → uplink → hub). */
export async function hubCall(
  center: CallCenter,
  recordId: string,
  test: (call: HubCall) => boolean,
  timeoutMs?: number,
): Promise<HubCall> {
  let found: HubCall | undefined;
  await waitUntil(
    async () => {
      const page = await center.hub.core.calls.list(
        {
          kind: 'user',
          userId: 'sue',
          role: 'supervisor',
          site: '*',
          extension: '',
          sessionId: 'test',
          sessionExpiresAt: Date.now() + 60_000,
          via: 'bearer',
        },
        { limit: 50 },
      );
      found = page.items.find((c) => c.record.recordId === recordId);
      return found !== undefined && test(found);
    },
    `the hub has ${recordId} as expected`,
    timeoutMs,
  );
  assert.ok(found);
  return found;
}
