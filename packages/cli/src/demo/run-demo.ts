/**
 * `callgate demo`: everything on one machine with embedded defaults — a hub on SQLite with demo
 * data, two simulated Asterisks (pbx-sim) with their gateways linked to the hub over the real
 * uplink, simulated customers calling in, and the panel. One process; `stop()` takes it all down
 * in the reverse order (traffic, gateways, simulators, hub), as Ctrl-C does.
 *
 * The gateways are configured through real YAML files written under the data directory, so a
 * person can read how a site is set up (data/demo/<site>/gateway.yaml).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pino, { type Logger } from 'pino';
import { stringify } from 'yaml';
import { parseSimConfig, type SimConfig } from '@callgate/contracts';
import { loadSiteConfig, startGateway, type RunningGateway } from '@callgate/gateway';
import { loadHubConfig, startHub, uplinkPlugin, type Hub } from '@callgate/hub';
import { ensurePanelBuilt } from '@callgate/panel';
import { startSimSites, type SimSites } from '@callgate/pbx-sim';
import { demoSoftphoneRoutes } from './demo-softphone.js';
import { startDemoTraffic, type DemoTraffic } from './demo-traffic.js';
import { DEMO_CONTACTS, DEMO_PASSWORD, DEMO_SITES, DEMO_SUPERVISOR, endpointOf, type DemoSite } from './demo-world.js';

export interface DemoOptions {
  /** Hub port; the gateways take the next two. Default 8080. */
  port?: number;
  host?: string;
  dataDir?: string;
  /** Without traffic the demo waits for calls made by hand (tests). */
  traffic?: boolean;
  logLevel?: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  /** Progress lines for the person waiting. */
  progress?: (line: string) => void;
}

export interface RunningDemo {
  hubUrl: string;
  gateways: ReadonlyMap<string, RunningGateway>;
  sims: SimSites;
  hub: Hub;
  logins: { role: string; username: string; password: string; site: string }[];
  stop(): Promise<void>;
}

const AMI_USER = { username: 'callgate', secret: 'demo-ami-secret' };

function simConfig(): SimConfig {
  const parsed = parseSimConfig({
    logLevel: 'warn',
    sites: DEMO_SITES.map((site, i) => ({
      id: site.id,
      flavour: 'asterisk-22',
      seed: i + 1,
      ami: {
        host: '127.0.0.1',
        port: 0,
        // The privileges docs/asterisk.md recommends for hold from the browser, nothing more.
        users: [
          {
            username: AMI_USER.username,
            secret: AMI_USER.secret,
            read: 'call,agent,system,dialplan',
            write: 'originate,call,agent,reporting,system',
          },
        ],
      },
      operators: {
        count: site.operators.length,
        firstExtension: site.operators[0]?.extension ?? '1001',
        namePrefix: 'Operator ',
        registered: true,
        queues: [site.queue.name],
        mode: 'answer',
        answerAfterSeconds: { kind: 'uniform', min: 2, max: 6 },
        autoAnswer: true,
      },
      queues: [{ name: site.queue.name, strategy: 'rrmemory', timeoutSeconds: 15, retrySeconds: 2 }],
      lines: [{ number: site.line.number, queue: site.queue.name }],
      trunk: {
        name: 'pstn',
        defaultNumber: { mode: 'answer', answerAfterSeconds: 3 },
        numbers: {
          '79990000002': { mode: 'busy', answerAfterSeconds: 1 },
          '79990000003': { mode: 'never', answerAfterSeconds: 1 },
        },
      },
    })),
  });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

function gatewayYaml(site: DemoSite, amiPort: number, listenPort: number, hubPort: number): string {
  return stringify({
    site: { id: site.id, name: site.name },
    ami: { host: '127.0.0.1', port: amiPort, username: AMI_USER.username, secretFile: 'ami.secret' },
    listen: { host: '127.0.0.1', port: listenPort },
    operators: site.operators.map((o) => ({
      id: o.id,
      name: o.name,
      extension: o.extension,
      endpoint: endpointOf(o),
      queues: [site.queue.name],
    })),
    queues: [site.queue],
    lines: [site.line],
    dialing: {
      defaultCountry: site.country,
      originateContext: 'outbound',
      internalContext: 'internal',
    },
    wrapUp: { timeoutSeconds: 20 },
    // The simulated phones accept remote hold, as desk phones do once it is allowed.
    hold: { method: 'phone-notify' },
    // No key file: a new site's gateway gets the hub's token keys over the uplink (and caches them).
    hub: { url: `ws://127.0.0.1:${hubPort}/uplink`, credentialFile: 'site.credential' },
    dataDir: 'state',
    logLevel: 'warn',
  });
}

export async function runDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const progress = options.progress ?? (() => undefined);
  const host = options.host ?? '127.0.0.1';
  const hubPort = options.port ?? 8080;
  const dataDir = resolve(options.dataDir ?? './data/demo');
  const logger: Logger = pino({ level: options.logLevel ?? 'warn' });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.error({ err: String(error) }, 'demo: a part did not stop cleanly');
      }
    }
  };
  try {
    // A fresh world every run: the demo is for looking, not for keeping.
    await rm(dataDir, { recursive: true, force: true });
    await mkdir(dataDir, { recursive: true });

    progress('building the operator panel (first run only)…');
    await ensurePanelBuilt();

    progress('starting the hub…');
    const hub = await startHub({
      config: loadHubConfig({ env: {}, overrides: { host, port: hubPort, dataDir: join(dataDir, 'hub') } }),
      logger: logger.child({ role: 'hub' }),
      plugins: [uplinkPlugin()],
    });
    stops.push(() => hub.close());
    const hubUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${hubPort}`;
    const core = hub.core;
    const actor = 'cli:demo' as const;

    progress('creating demo data…');
    for (const [i, site] of DEMO_SITES.entries()) {
      await core.sites.create(actor, {
        id: site.id,
        name: site.name,
        gatewayUrl: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${hubPort + 1 + i}`,
        timeZone: site.timeZone,
        defaultCountry: site.country,
      });
      await core.sites.putQueue(actor, site.id, site.queue.name, site.queue.label);
      for (const o of site.operators) {
        await core.users.create(actor, {
          id: o.id,
          name: o.name,
          role: 'operator',
          site: site.id,
          extension: o.extension,
          endpoint: endpointOf(o),
          password: DEMO_PASSWORD,
        });
        await core.sites.addMember(actor, site.id, site.queue.name, o.id);
      }
    }
    await core.users.create(actor, {
      id: DEMO_SUPERVISOR.id,
      name: DEMO_SUPERVISOR.name,
      role: 'supervisor',
      site: '*',
      password: DEMO_PASSWORD,
    });
    await core.users.create(actor, {
      id: 'admin',
      name: 'Demo Admin',
      role: 'admin',
      site: '*',
      password: DEMO_PASSWORD,
    });
    for (const c of DEMO_CONTACTS) {
      await core.contacts.create(actor, {
        name: c.name,
        company: c.company,
        notes: c.notes,
        phones: [{ number: c.phone, label: 'mobile' }],
      });
    }
    await core.keys.ensure();

    progress('starting two simulated Asterisks and their gateways…');
    const sims = await startSimSites(simConfig(), {
      log: (message, fields) => logger.warn({ ...fields, role: 'pbx-sim' }, message),
    });
    stops.push(() => sims.stop());
    const gateways = new Map<string, RunningGateway>();
    const traffic: DemoTraffic[] = [];
    for (const [i, site] of DEMO_SITES.entries()) {
      const sim = sims.sites.get(site.id)?.sim;
      if (!sim) throw new Error(`demo: simulator for ${site.id} did not start`);
      // The operator a person logs in as has a phone that rings until "answer" is clicked.
      for (const o of site.operators.filter((x) => x.human))
        sim.control.phone(o.extension).setBehaviour({ mode: 'manual' });
      const dir = join(dataDir, site.id);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'ami.secret'), `${AMI_USER.secret}\n`, { mode: 0o600 });
      await writeFile(
        join(dir, 'site.credential'),
        `${(await core.sites.issueCredential(actor, site.id)).credential}\n`,
        { mode: 0o600 },
      );
      await writeFile(join(dir, 'gateway.yaml'), gatewayYaml(site, sim.port, hubPort + 1 + i, hubPort));
      const gateway = await startGateway(await loadSiteConfig(join(dir, 'gateway.yaml')), {
        logger: logger.child({ role: 'gateway', site: site.id }),
        extraRoutes: ({ verifier }) => demoSoftphoneRoutes(sim, verifier, hubUrl),
      });
      stops.push(() => gateway.stop());
      gateways.set(site.id, gateway);
      if (options.traffic ?? true) {
        const t = startDemoTraffic(sim, site, DEMO_CONTACTS, 100 + i, (error) =>
          logger.warn({ site: site.id, err: String(error) }, 'demo: a simulated customer could not call'),
        );
        traffic.push(t);
      }
    }
    // Ready means operators can log in: each gateway has received the hub's keys over the uplink.
    const deadline = Date.now() + 30_000;
    for (const [id, gateway] of gateways) {
      while (gateway.verifier.keyCount === 0) {
        if (Date.now() > deadline) throw new Error(`demo: the ${id} gateway did not link to the hub within 30 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    stops.push(() => {
      for (const t of traffic) t.stop();
      return Promise.resolve();
    });

    const logins = [
      ...DEMO_SITES.flatMap((s) =>
        s.operators
          .filter((o) => o.human)
          .map((o) => ({ role: `operator (${o.name})`, username: o.id, password: DEMO_PASSWORD, site: s.name })),
      ),
      { role: 'supervisor', username: DEMO_SUPERVISOR.id, password: DEMO_PASSWORD, site: 'all sites' },
    ];
    return { hubUrl, gateways, sims, hub, logins, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
