/**
 * The uplink chaos run (issue 7): two simulated sites — pbx-sim (Asterisk 22 PJSIP in Moscow,
 * Asterisk 20 chan_sip in Tallinn) with a real gateway process each — and one hub process,
 * with a netfault proxy on each site's WAN link. While customers call in, the proxies drop,
 * blackhole, delay, reset and half-open the links at random, and the gateways and the hub are
 * killed with SIGKILL at random moments and started again. Then the faults stop, the last
 * calls end, the outboxes drain, and the hub's records are compared with what each site closed
 * (its outbox ledger): none missing, none extra, contents equal.
 *
 * Every random choice comes from the seed (printed), so a failing run can be run again.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseHubConfig, UPLINK_WS_PATH, type CallRecord } from '@callgate/contracts';
import { HubCore, openDatabase, type HubDatabase } from '@callgate/hub';
import {
  Prng,
  startChaos,
  startFaultProxy,
  type ChaosAction,
  type ChaosRun,
  type FaultProxy,
} from '@callgate/netfault';
import { labWorld, phoneBehaviour, startPbxSim, type PbxSim, type WorldConfig } from '@callgate/pbx-sim';
import { ChildRole } from './child-role.js';
import { installLedger, outboxDepth, readSiteOutbox } from './ledger.js';
import { judge, type Verdict } from './verdict.js';

export interface ChaosRunOptions {
  seed: number;
  /** How long calls are generated and faults injected. */
  chaosSeconds: number;
  /** New customer calls per second, per site. */
  callsPerSecond: number;
  /** Operators (phones) per site. */
  operators?: number;
  /** PostgreSQL URL for the hub (a fresh schema, dropped afterwards); default a SQLite file. */
  databaseUrl?: string;
  /** Progress lines (the test prints them). */
  log?: (line: string) => void;
  /** Children's log level (their logs go to files in the work dir). */
  childLogLevel?: string;
  /** Keep the work dir (logs, databases) even when the run passed. */
  keep?: boolean;
}

export interface SiteReport {
  site: string;
  flavour: string;
  callsPlaced: number;
  gatewayKills: number;
  faults: Record<ChaosAction, number>;
}

export interface ChaosReport {
  seed: number;
  seconds: number;
  sites: SiteReport[];
  hubKills: number;
  verdict: Verdict;
  /** Record ids the sites refused to deliver because the hub dead-lettered them, with reasons. */
  rejected: { site: string; recordId: string; reason: string; problems: unknown[] }[];
  workDir: string;
}

const SITES = [
  { id: 'moscow', flavour: 'asterisk-22', tech: 'PJSIP', country: 'RU', extBase: 2000 },
  { id: 'tallinn', flavour: 'asterisk-20-chansip', tech: 'SIP', country: 'EE', extBase: 3000 },
] as const;
const LINE = '74950000000';

function siteWorld(site: (typeof SITES)[number], operators: number, prng: Prng): WorldConfig {
  const world = labWorld(site.flavour);
  const exts = Array.from({ length: operators }, (_, i) => String(site.extBase + i + 1));
  world.phones = exts.map((extension) => ({
    extension,
    name: `Operator ${extension}`,
    registered: true,
    behaviour: phoneBehaviour({ mode: 'answer', answerAfterMs: prng.between(80, 600) }),
  }));
  world.queues = [
    {
      name: 'support',
      strategy: 'rrmemory',
      timeoutSeconds: 5,
      retrySeconds: 1,
      ringInUse: false,
      wrapupSeconds: 0,
      serviceLevelSeconds: 20,
      members: exts.map((e) => ({ interface: `${site.tech}/${e}`, name: `Operator ${e}`, penalty: 0 })),
    },
  ];
  world.lines = [{ number: LINE, queue: 'support' }];
  return world;
}

function gatewayConfig(
  site: (typeof SITES)[number],
  operators: number,
  sim: PbxSim,
  proxy: FaultProxy,
  dir: string,
): Record<string, unknown> {
  return {
    site: { id: site.id, name: site.id },
    ami: { host: sim.host, port: sim.port, username: 'crm', secretFile: 'ami.secret' },
    listen: { host: '127.0.0.1', port: 0 },
    operators: Array.from({ length: operators }, (_, i) => {
      const ext = String(site.extBase + i + 1);
      return {
        id: `op-${ext}`,
        name: `Operator ${ext}`,
        extension: ext,
        endpoint: `${site.tech}/${ext}`,
        queues: ['support'],
      };
    }),
    queues: [{ name: 'support', label: 'Support line' }],
    lines: [{ number: LINE, label: 'Customer service' }],
    dialing: { defaultCountry: site.country, originateContext: 'outbound', internalContext: 'internal' },
    wrapUp: { timeoutSeconds: 0 },
    hub: {
      url: `ws://127.0.0.1:${proxy.port}${UPLINK_WS_PATH}`,
      credentialFile: 'site.credential',
      publicKeyFile: 'hub-keys.json',
    },
    dataDir: join(dir, 'data'),
    logLevel: 'warn',
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** Creates the sites and their credentials, and exports the token keys, with the hub's own code. */
async function prepareHub(database: HubDatabase, dirs: Map<string, string>): Promise<void> {
  const config = parseHubConfig({});
  if (!config.ok) throw config.error;
  const core = new HubCore(database, { config: config.value, logger: pino({ level: 'silent' }) });
  await core.start();
  const jwks = await core.keys.jwks();
  for (const site of SITES) {
    const dir = dirs.get(site.id) ?? '';
    await core.sites.create('system', { id: site.id, name: site.id, gatewayUrl: `http://${site.id}.example:8081` });
    const { credential } = await core.sites.issueCredential('system', site.id);
    writeFileSync(join(dir, 'site.credential'), `${credential}\n`, { mode: 0o600 });
    writeFileSync(join(dir, 'hub-keys.json'), JSON.stringify(jwks));
    writeFileSync(join(dir, 'ami.secret'), 'crm-secret\n', { mode: 0o600 });
  }
  await core.stop();
}

export async function runUplinkChaos(options: ChaosRunOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const operators = options.operators ?? 16;
  const workDir = mkdtempSync(join(tmpdir(), 'callgate-chaos-'));
  const childLogLevel = options.childLogLevel ?? 'warn';
  const here = import.meta.dirname;
  log(
    `seed ${options.seed}, ${options.chaosSeconds} s of chaos, ${options.callsPerSecond} calls/s per site, work dir ${workDir}`,
  );

  const siteDirs = new Map<string, string>(SITES.map((s) => [s.id, join(workDir, s.id)]));
  for (const dir of siteDirs.values()) mkdirSync(join(dir, 'data'), { recursive: true });

  // ---- the hub's database -------------------------------------------------------------------
  const usePostgres = options.databaseUrl !== undefined;
  const schema = usePostgres ? `chaos_${randomBytes(4).toString('hex')}` : undefined;
  const databaseUrl = options.databaseUrl ?? join(workDir, 'hub.sqlite');
  const open = (): Promise<HubDatabase> => openDatabase({ url: databaseUrl, ...(schema ? { schema } : {}) });

  const sims: PbxSim[] = [];
  const proxies: FaultProxy[] = [];
  const chaos: ChaosRun[] = [];
  const roles: ChildRole[] = [];
  try {
    const setup = await open();
    await prepareHub(setup, siteDirs);
    await setup.close();

    // ---- hub process and the WAN proxies ------------------------------------------------------
    const hub = new ChildRole({
      name: 'hub',
      entry: join(here, 'hub-process.ts'),
      args: { databaseUrl, schema, heartbeatSeconds: 1, logLevel: childLogLevel },
      logFile: join(workDir, 'hub.log'),
    });
    roles.push(hub);
    const hubPort = Number((await hub.start()).port);
    for (const [i] of SITES.entries()) {
      const prng = new Prng(options.seed + 100 + i);
      proxies.push(await startFaultProxy({ target: { host: '127.0.0.1', port: hubPort }, random: () => prng.next() }));
    }

    // ---- sites: pbx-sim here, the gateway in a child ------------------------------------------
    const gateways = new Map<string, ChildRole>();
    for (const [i, site] of SITES.entries()) {
      const dir = siteDirs.get(site.id) ?? '';
      const sim = await startPbxSim({
        world: siteWorld(site, operators, new Prng(options.seed + 200 + i)),
        seed: options.seed + i,
      });
      sims.push(sim);
      const proxy = proxies[i];
      if (!proxy) throw new Error('no proxy');
      writeFileSync(
        join(dir, 'gateway.json'),
        JSON.stringify(gatewayConfig(site, operators, sim, proxy, dir), null, 2),
      );
      installLedger(join(dir, 'data'));
      const role = new ChildRole({
        name: `gateway-${site.id}`,
        entry: join(here, 'gateway-process.ts'),
        args: { configFile: join(dir, 'gateway.json'), logLevel: childLogLevel },
        logFile: join(workDir, `gateway-${site.id}.log`),
      });
      roles.push(role);
      gateways.set(site.id, role);
    }
    await Promise.all([...gateways.values()].map((g) => g.start()));
    log(`hub and ${gateways.size} gateways running; chaos starts`);

    // ---- chaos: WAN faults, process kills, customer calls ---------------------------------------
    for (const [i, proxy] of proxies.entries()) {
      chaos.push(
        startChaos(proxy, {
          seed: options.seed + 300 + i,
          calmMs: [500, 3000],
          faultMs: [300, 4000],
          latencyMs: [20, 300],
        }),
      );
    }
    let calling = true;
    const placed = new Map<string, number>(SITES.map((s) => [s.id, 0]));
    const callers = SITES.map(async (site, i) => {
      const prng = new Prng(options.seed + 400 + i);
      const sim = sims[i];
      if (!sim) return;
      const interval = 1000 / options.callsPerSecond;
      let next = Date.now();
      while (calling) {
        next += interval * (0.5 + prng.next());
        await sleep(Math.max(0, next - Date.now()));
        sim.control.customerCalls({
          from: `+7916${String(prng.between(0, 9_999_999)).padStart(7, '0')}`,
          talkMs: prng.between(200, 2500),
          patienceMs: prng.between(3000, 20_000),
        });
        placed.set(site.id, (placed.get(site.id) ?? 0) + 1);
      }
    });
    let killing = true;
    const killer = (async () => {
      const prng = new Prng(options.seed + 500);
      const targets = [hub, ...gateways.values()];
      while (killing) {
        // Each round kills every process once, in a seeded order, at seeded moments.
        const order = [...targets].sort(() => prng.next() - 0.5);
        for (const role of order) {
          await sleep(prng.between(2000, 6000));
          if (!killing) return;
          await role.kill();
          await sleep(prng.between(100, 2500));
          const ready = await role.start();
          if (role === hub)
            for (const proxy of proxies) proxy.retarget({ host: '127.0.0.1', port: Number(ready.port) });
          log(
            `  killed and restarted ${role === hub ? 'the hub' : 'a gateway'} (t+${Math.round((Date.now() - started) / 1000)} s)`,
          );
        }
      }
    })();

    await sleep(options.chaosSeconds * 1000);
    calling = false;
    killing = false;
    await Promise.all(callers);
    await killer;
    for (const run of chaos) await run.stop();
    for (const role of roles) if (!role.running) await role.start();
    log(
      `chaos over: ${[...placed.values()].reduce((a, b) => a + b, 0)} calls placed; waiting for the last calls and the outboxes`,
    );

    // ---- settle: calls end, outboxes drain ----------------------------------------------------
    await until(() => sims.every((s) => s.control.channels().length === 0), 60_000);
    const drained = await until(() => {
      return SITES.every((s) => outboxDepth(join(siteDirs.get(s.id) ?? '', 'data')) === 0);
    }, 120_000);
    if (!drained) log('the outboxes did not drain in time');
    await sleep(2000); // a late record (resync after the last restart) would show up here
    await until(() => SITES.every((s) => outboxDepth(join(siteDirs.get(s.id) ?? '', 'data')) === 0), 60_000);
    for (const role of [...gateways.values()]) await role.stop();
    await hub.stop();

    // ---- judge --------------------------------------------------------------------------------
    const ledgers = SITES.map((s) => {
      const state = readSiteOutbox(join(siteDirs.get(s.id) ?? '', 'data'));
      return { site: s.id, state };
    });
    const check = await open();
    const rows = await check.db.selectFrom('calls').select(['record_id', 'record_json']).execute();
    if (schema) await check.db.schema.dropSchema(schema).ifExists().cascade().execute();
    await check.close();
    const atHub = new Map(rows.map((r) => [r.record_id, JSON.parse(r.record_json) as CallRecord]));
    const verdict = judge(
      ledgers.map((l) => ({
        site: l.site,
        entries: l.state.ledger,
        rejected: l.state.rejected.map((r) => r.recordId),
      })),
      atHub,
    );
    const report: ChaosReport = {
      seed: options.seed,
      seconds: Math.round((Date.now() - started) / 1000),
      sites: SITES.map((s, i) => ({
        site: s.id,
        flavour: s.flavour,
        callsPlaced: placed.get(s.id) ?? 0,
        gatewayKills: gateways.get(s.id)?.kills ?? 0,
        faults: { ...(chaos[i]?.counts ?? {}) } as Record<ChaosAction, number>,
      })),
      hubKills: hub.kills,
      verdict,
      rejected: ledgers.flatMap((l) => l.state.rejected.map((r) => ({ site: l.site, ...r }))),
      workDir,
    };
    return report;
  } finally {
    for (const run of chaos) await run.stop();
    for (const role of roles) {
      await role.stop(5000);
      role.close();
    }
    for (const sim of sims) await sim.stop();
    for (const proxy of proxies) await proxy.close();
    if (!options.keep) rmSync(workDir, { recursive: true, force: true });
  }
}

/** The report as the lines a CI log shows. */
export function formatReport(report: ChaosReport): string[] {
  const lines = [`uplink chaos, seed ${report.seed}, ${report.seconds} s: ${report.verdict.ok ? 'PASS' : 'FAIL'}`];
  lines.push(`  hub killed ${report.hubKills}×`);
  for (const s of report.sites) {
    const v = report.verdict.perSite.find((p) => p.site === s.site);
    const faults = Object.entries(s.faults)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    lines.push(
      `  ${s.site} (${s.flavour}): ${s.callsPlaced} calls placed, ${v?.appended ?? 0} records closed` +
        ` (${v?.records ?? 0} distinct), ${v?.atHub ?? 0} at the hub; missing ${v?.missing.length ?? 0},` +
        ` extra ${v?.extra.length ?? 0}, different ${v?.different.length ?? 0}, refused ${v?.rejected ?? 0};` +
        ` gateway killed ${s.gatewayKills}×; WAN faults: ${faults}`,
    );
  }
  if (report.verdict.foreign.length > 0)
    lines.push(`  records of unknown sites at the hub: ${report.verdict.foreign.length}`);
  return lines;
}
