/**
 * Stages a recorded scenario against the simulator over real TCP and records what the
 * simulator sent, in the recordings' own trace format, so the two can be compared.
 *
 * The stage replays the recording's own AMI actions on the recording's own connections at
 * their recorded times (channel names rewritten to the simulator's channels of the same
 * role), and performs the scenario's world steps (customer calls, phone answers…) at theirs.
 * Time is virtual: the simulator's clock jumps from one timer to the next, so a 28-second
 * scenario stages in well under a second, with real sockets throughout.
 */
import net from 'node:net';
import { parseTrace, type TraceLine } from '@callgate/ami';
import { VirtualScheduler } from '../clock/scheduler.js';
import { SimError, SimErrorCode } from '../errors.js';
import type { FlavourId } from '../model/flavour.js';
import { labWorld, type WorldConfig } from '../model/world-config.js';
import { startPbxSim, type PbxSim } from '../pbx-sim.js';
import type { CustomerCallHandle } from '../control/sim-control.js';
import { traceStreams } from './event-streams.js';
import type { ConformanceScenario, ScenarioStep, ScenarioWorld } from './scenarios.js';

export interface RecordingMeta {
  started_at_unix: number;
  connections: Record<string, { opened_t: number; closed_t?: number }>;
  refused_connect_attempts_t?: number[];
}

export interface StagedRun {
  trace: TraceLine[];
  /** Things the trace cannot show: a connect that should have been refused, a step that failed. */
  problems: string[];
}

type TimelineItem =
  | { t: number; order: number; kind: 'open'; conn: number }
  | { t: number; order: number; kind: 'refused' }
  | { t: number; order: number; kind: 'send'; conn: number; raw: string }
  | { t: number; order: number; kind: 'step'; step: ScenarioStep };

/** Real milliseconds to let sockets deliver after each simulated step. */
const SETTLE_MS = 4;

export function buildScenarioWorld(flavour: FlavourId, tweaks: ScenarioWorld | undefined): WorldConfig {
  const world = labWorld(flavour);
  if (tweaks?.timing?.shutdownAfterMs !== undefined) world.timing.shutdownAfterMs = tweaks.timing.shutdownAfterMs;
  if (tweaks?.timing?.restartDownMs !== undefined) world.timing.restartDownMs = tweaks.timing.restartDownMs;
  for (const [ext, change] of Object.entries(tweaks?.phones ?? {})) {
    const p = world.phones.find((x) => x.extension === ext);
    if (p) p.behaviour = { ...p.behaviour, ...change };
  }
  for (const [num, change] of Object.entries(tweaks?.numbers ?? {})) {
    world.trunk.numbers[num] = { ...(world.trunk.numbers[num] ?? world.trunk.defaultNumber), ...change };
  }
  return world;
}

export async function stageScenario(
  scenario: ConformanceScenario,
  recording: readonly TraceLine[],
  meta: RecordingMeta,
  version: ConformanceScenario['versions'][number],
): Promise<StagedRun> {
  const flavour = version.flavour;
  const steps = version.steps ?? scenario.steps;
  const tweaks = { ...scenario.world, ...version.world };
  const start = Math.round(meta.started_at_unix * 1000);
  const clock = new VirtualScheduler(start);
  const problems: string[] = [];
  const sim = await startPbxSim({
    scheduler: clock,
    flavour,
    world: buildScenarioWorld(flavour, tweaks),
    seed: 1,
    log: (message, fields) => problems.push(`simulator: ${message} ${JSON.stringify(fields ?? {})}`),
  });
  for (const [device, state] of Object.entries(tweaks.devicesKnown ?? {})) sim.pbx.world.devices.publish(device, state);
  const trace: TraceLine[] = [];
  const sockets = new Map<number, net.Socket>();
  const calls: CustomerCallHandle[] = [];
  const recCanon = traceStreams(recording).canon;
  const now = (): number => clock.now() - start;

  const timeline: TimelineItem[] = [];
  let order = 0;
  for (const [conn, c] of Object.entries(meta.connections)) {
    timeline.push({ t: c.opened_t, order: order++, kind: 'open', conn: Number(conn) });
  }
  for (const t of meta.refused_connect_attempts_t ?? []) timeline.push({ t, order: order++, kind: 'refused' });
  for (const line of recording) {
    if (line.dir === 'out') timeline.push({ t: line.t, order: order++, kind: 'send', conn: line.conn, raw: line.raw });
  }
  for (const step of steps) timeline.push({ t: step.at, order: order++, kind: 'step', step });
  timeline.sort((a, b) => a.t - b.t || rank(a) - rank(b) || a.order - b.order);
  const end = Math.max(0, ...recording.map((l) => l.t)) + 500;

  try {
    for (const item of timeline) {
      await advance(clock, start + item.t);
      if (item.kind === 'open') {
        const socket = await connect(sim);
        if (!socket) {
          problems.push(`t=${item.t}: connection ${item.conn} was refused; the recording shows it accepted`);
          continue;
        }
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => trace.push({ t: now(), dir: 'in', raw: chunk, conn: item.conn }));
        sockets.set(item.conn, socket);
      } else if (item.kind === 'refused') {
        const socket = await connect(sim);
        if (socket) {
          socket.destroy();
          problems.push(`t=${item.t}: a connect was accepted; the recording shows it refused while Asterisk restarted`);
        }
      } else if (item.kind === 'send') {
        const socket = sockets.get(item.conn);
        if (!socket || socket.destroyed) {
          problems.push(`t=${item.t}: connection ${item.conn} is closed; action not sent`);
          continue;
        }
        const simCanon = traceStreams(trace).canon;
        const raw = item.raw.replace(/[A-Za-z]+\/[^\s",;]+?-[0-9a-f]{8}(;[12])?/g, (name) => {
          const canon = recCanon.channelOf(name);
          return (canon && simCanon.realName(canon)) ?? name;
        });
        trace.push({ t: item.t, dir: 'out', raw, conn: item.conn });
        const seen = trace.length;
        socket.write(raw);
        // Wait (in real time, bounded) for the answer, so a loaded machine cannot let virtual
        // time run past an action the simulator has not read yet. Answers that wait on virtual
        // time (a failed login, a sync Originate) come once the clock moves on.
        const id = /^ActionID: (.*)$/m.exec(raw.replace(/\r/g, ''))?.[1];
        await until(
          () =>
            trace
              .slice(seen)
              .some(
                (l) =>
                  l.dir === 'in' && l.conn === item.conn && (id === undefined || l.raw.includes(`ActionID: ${id}\r\n`)),
              ),
          250,
        );
      } else {
        try {
          perform(sim, item.step, calls);
        } catch (error) {
          problems.push(
            `t=${item.t}: ${JSON.stringify(item.step)} failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
      await settle();
    }
    await advance(clock, start + end);
    await settle();
  } finally {
    for (const s of sockets.values()) s.destroy();
    await sim.stop();
  }
  trace.sort((a, b) => a.t - b.t);
  return { trace, problems };
}

/** Opens connections before replaying actions at the same instant, and steps last. */
function rank(item: TimelineItem): number {
  return item.kind === 'open' || item.kind === 'refused' ? 0 : item.kind === 'send' ? 1 : 2;
}

function perform(sim: PbxSim, step: ScenarioStep, calls: CustomerCallHandle[]): void {
  const c = sim.control;
  if ('customerCalls' in step) calls.push(c.customerCalls(step.customerCalls));
  else if ('customerHangsUp' in step) {
    const call = calls[step.customerHangsUp];
    if (!call) throw new SimError(SimErrorCode.NotFound, `no customer call #${step.customerHangsUp}`);
    call.hangup();
  } else if ('phoneAnswers' in step) c.phone(step.phoneAnswers).answer();
  else if ('phoneHangsUp' in step) c.phone(step.phoneHangsUp).hangup();
  else if ('phoneHolds' in step) c.phone(step.phoneHolds).hold();
  else if ('phoneUnholds' in step) c.phone(step.phoneUnholds).unhold();
  else if ('phoneRegisters' in step) c.phone(step.phoneRegisters).register();
  else if ('phoneUnregisters' in step) c.phone(step.phoneUnregisters).unregister();
  else {
    c.restart().catch(() => undefined);
  }
}

/** Moves virtual time to `target` one timer at a time, letting I/O run after each. */
async function advance(clock: VirtualScheduler, target: number): Promise<void> {
  for (;;) {
    const next = clock.nextAt();
    if (next === undefined || next > target) break;
    clock.advanceTo(next);
    await settle();
  }
  clock.advanceTo(target);
}

async function until(test: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

function connect(sim: PbxSim): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: sim.host, port: sim.port });
    socket.once('connect', () => resolve(socket));
    socket.once('error', () => resolve(undefined));
  });
}

export function parseRecording(text: string): TraceLine[] {
  return parseTrace(text);
}
