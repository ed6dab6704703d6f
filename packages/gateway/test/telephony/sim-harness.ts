/**
 * The gateway's telephony link against pbx-sim over real TCP, in virtual time: the simulator's
 * clock is a VirtualScheduler the test moves, and the link stamps events with the same clock,
 * so durations in records are exact whatever the machine's load. After each move the harness
 * waits for a Ping round trip, so every event raised meanwhile has been read (AMI is one ordered
 * TCP stream).
 */
import { AmiClient } from '@callgate/ami';
import type { CallRecord, DomainEvent } from '@callgate/contracts';
import { startPbxSim, VirtualScheduler, type FlavourId, type PbxSim, type WorldConfig } from '@callgate/pbx-sim';
import { TelephonyLink } from '../../src/telephony/index.js';
import { loadSite, PJSIP, CHANSIP } from '../engine/support.js';

export interface SimHarness {
  sim: PbxSim;
  scheduler: VirtualScheduler;
  client: AmiClient;
  link: TelephonyLink;
  events: DomainEvent[];
  records: () => CallRecord[];
  /** Moves virtual time by `ms` in small steps, reading every event raised on the way. */
  advance: (ms: number) => Promise<void>;
  /** Reads everything raised so far. */
  settle: () => Promise<void>;
  /** `ms` of virtual time pass, then someone acts (a phone answers, a caller hangs up); read what it raised. */
  after: (ms: number, act: () => void) => Promise<void>;
  /** Waits (in real time, bounded) for a condition, moving no virtual time. */
  until: (what: string, test: () => boolean, timeoutMs?: number) => Promise<void>;
  /** Moves virtual time in small steps, letting real I/O happen in between, until `test` holds. */
  runUntil: (what: string, test: () => boolean, limitMs?: number) => Promise<void>;
  /**
   * Stops the gateway's link (its AMI client logs off) and starts a new one with a fresh engine,
   * as a restarted gateway process would; Asterisk's calls go on. Resolves once it resynced.
   * Its domain events go on into `events`.
   */
  restartGateway: () => Promise<void>;
  stop: () => Promise<void>;
}

const STEP_MS = 50;

export async function startHarness(options: { flavour?: FlavourId; world?: WorldConfig } = {}): Promise<SimHarness> {
  const flavour = options.flavour ?? 'asterisk-22';
  const scheduler = new VirtualScheduler(Date.UTC(2030, 0, 1, 9, 0, 0));
  const sim = await startPbxSim(options.world ? { scheduler, flavour, world: options.world } : { scheduler, flavour });
  const site = loadSite(flavour === 'asterisk-22' ? PJSIP : CHANSIP);
  const events: DomainEvent[] = [];
  const connect = (): { client: AmiClient; link: TelephonyLink } => {
    const client = new AmiClient({
      host: sim.host,
      port: sim.port,
      username: 'crm',
      secret: 'crm-secret',
      keepaliveIntervalMs: 0,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
      actionTimeoutMs: 5_000,
    });
    const link = new TelephonyLink({ client, site, now: () => scheduler.now(), resyncRetryMs: 50 });
    link.onDomainEvent((e) => events.push(e));
    return { client, link };
  };
  let { client, link } = connect();
  const until = async (what: string, test: () => boolean, timeoutMs = 5_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const settle = async (): Promise<void> => {
    if (link.connected) await client.send({ action: 'Ping' });
  };
  const advance = async (ms: number): Promise<void> => {
    for (let done = 0; done < ms; done += STEP_MS) {
      scheduler.advance(Math.min(STEP_MS, ms - done));
      await settle();
    }
  };
  const runUntil = async (what: string, test: () => boolean, limitMs = 30_000): Promise<void> => {
    for (let spent = 0; !test(); spent += STEP_MS) {
      if (spent > limitMs) throw new Error(`${what} did not happen within ${limitMs} ms of virtual time`);
      scheduler.advance(STEP_MS);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  link.start();
  await until('the first resync', () => link.connected);
  return {
    sim,
    scheduler,
    get client() {
      return client;
    },
    get link() {
      return link;
    },
    events,
    records: () => events.flatMap((e) => (e.type === 'call.ended' ? [e.record] : [])),
    advance,
    settle,
    async after(ms, act) {
      await advance(ms);
      act();
      await settle();
    },
    until,
    runUntil,
    restartGateway: async () => {
      await link.stop();
      ({ client, link } = connect());
      link.start();
      await until('the restarted link to resync', () => link.connected);
    },
    stop: async () => {
      await link.stop();
      await sim.stop();
    },
  };
}
