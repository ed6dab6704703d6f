/**
 * The simulated Asterisk of a gateway benchmark, in a process of its own (so its work never
 * counts as the gateway's, and its timers never wait for the gateway's): pbx-sim with the call
 * center's phones and queues, the inbound load, and a log of when each AMI event left it.
 *
 * "Left it" is the moment pbx-sim handed the serialized event to the kernel: its event taps
 * run right after `socket.write` of the broadcast (simulated-asterisk.ts `emitEvent`). A write
 * that has to wait in Node's buffer (the gateway not reading) waits there on the gateway's
 * account, which is what a real Asterisk's manager thread would see too.
 *
 * Requests (ipc.ts): `init` → `{ host, port }`; `run` → a load run's log and attribution;
 * `stop`.
 */
import { parseSiteConfig, type SiteConfig } from '@callgate/contracts';
import { CALL_ID_VARIABLE, callIdForLinkedid } from '@callgate/gateway';
import { numberBehaviour, startPbxSim, type PbxSim, type SimEvent } from '@callgate/pbx-sim';
import { callCenter, simWorld, type CallCenter, type CallCenterShape } from './call-center.js';
import { CallCenterLoad, type LoadProfile } from './call-center-load.js';
import { attributeOperatorEvents, type SentEvent } from './event-attribution.js';
import { serveRequests } from './ipc.js';
import { monotonicMicros } from './monotonic-clock.js';

export interface SimRunRequest {
  profile: LoadProfile;
  loadMs: number;
  /** Wait this long at most for the calls to end after the load stops. */
  drainTimeoutMs: number;
  /** Keep logging this long after the last call ended (wrap-up pauses and their events). */
  settleMs: number;
  /** Replay the log through the engine to tie operator events to AMI events (gateway-events). */
  attribute: boolean;
  /** Raw site configuration (defaults applied here) for the attribution. */
  site: Record<string, unknown>;
}

export interface SimRunResult {
  loadStartUs: number;
  loadEndUs: number;
  /** Every event sent from the start of the load until the log stopped. */
  eventsLogged: number;
  /** Send times of all logged events (for rates over any window). */
  sentTimesUs: number[];
  callsPlaced: number;
  callsRefused: number;
  drained: boolean;
  /** Operator event key → send time of its cause (when `attribute`). */
  causes: Array<[string, number]>;
  /** Click-to-call: call id → when its Originate reached the simulator (first VarSet of the call id). */
  originates: Array<[string, number]>;
  /** Inbound calls: call id → wall-clock ms when the customer hung up (their channel's Hangup). */
  callEnds: Array<[string, number]>;
  simCpuPercent: number;
}

let sim: PbxSim | undefined;
let center: CallCenter | undefined;
let load: CallCenterLoad | undefined;

/** What the tap collects while a run is logging. */
interface RunLog {
  sent: SentEvent[];
  originates: Map<string, number>;
  callEnds: Map<string, number>;
  keepFields: boolean;
  siteId: string;
}
let log: RunLog | undefined;

function onEvent(e: SimEvent): void {
  if (!log) return;
  const sentUs = monotonicMicros();
  log.sent.push({ sentUs, fields: log.keepFields ? e.fields : [] });
  if (e.name === 'VarSet') {
    // The gateway sets it inherited (`__CALLGATE_CALL_ID`); the VarSet names it as set.
    if (header(e.fields, 'Variable')?.replace(/^_+/, '') === CALL_ID_VARIABLE) {
      const callId = header(e.fields, 'Value');
      if (callId && !log.originates.has(callId)) log.originates.set(callId, sentUs);
    }
  } else if (e.name === 'Hangup') {
    const uniqueid = header(e.fields, 'Uniqueid');
    if (uniqueid !== undefined && uniqueid === header(e.fields, 'Linkedid')) {
      log.callEnds.set(callIdForLinkedid(log.siteId, uniqueid), Date.now());
    }
  }
}

function header(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

async function init(message: Record<string, unknown>): Promise<{ host: string; port: number }> {
  const shape = message.shape as CallCenterShape;
  center = callCenter(shape);
  const world = simWorld(center);
  // Click-to-call customers answer after 1 s and hang up 2 s later.
  world.trunk.defaultNumber = numberBehaviour({ mode: 'answer', answerAfterMs: 1000, hangupAfterMs: 2000 });
  sim = await startPbxSim({ world, seed: shape.seed });
  sim.pbx.tap(onEvent);
  load = new CallCenterLoad(sim, center, shape.seed + 1);
  return { host: sim.host, port: sim.port };
}

async function run(request: SimRunRequest): Promise<SimRunResult> {
  if (!sim || !load) throw new Error('init first');
  const parsed = parseSiteConfig(request.site);
  if (!parsed.ok) throw parsed.error;
  const site: SiteConfig = parsed.value;
  log = { sent: [], originates: new Map(), callEnds: new Map(), keepFields: request.attribute, siteId: site.site.id };
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const placedBefore = load.placed;
  const refusedBefore = load.failed;
  const loadStartUs = monotonicMicros();
  if (request.profile.callsPerSecond > 0) load.start(request.profile);
  await sleep(request.loadMs);
  load.stop();
  const loadEndUs = monotonicMicros();
  const drainDeadline = performance.now() + request.drainTimeoutMs;
  while (load.activeCalls > 0 && performance.now() < drainDeadline) await sleep(50);
  const drained = load.activeCalls === 0;
  await sleep(request.settleMs);
  const cpu = process.cpuUsage(cpuStart);
  const simCpuPercent = ((cpu.user + cpu.system) / 1000 / (performance.now() - wallStart)) * 100;
  const finished = log;
  log = undefined;
  const causes: Map<string, number> = request.attribute
    ? attributeOperatorEvents(site, finished.sent, Date.now()).causes
    : new Map<string, number>();
  return {
    loadStartUs,
    loadEndUs,
    eventsLogged: finished.sent.length,
    sentTimesUs: finished.sent.map((s) => s.sentUs),
    callsPlaced: load.placed - placedBefore,
    callsRefused: load.failed - refusedBefore,
    drained,
    causes: [...causes],
    originates: [...finished.originates],
    callEnds: [...finished.callEnds],
    simCpuPercent,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

serveRequests(
  async (message) => {
    if (message.type === 'init') return init(message);
    if (message.type === 'run') return run(message as unknown as SimRunRequest);
    throw new Error(`unknown request ${String(message.type)}`);
  },
  async () => {
    load?.stop();
    await sim?.stop();
  },
);
