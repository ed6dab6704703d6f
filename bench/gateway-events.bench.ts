/**
 * gateway-events: one site gateway (`callgate gateway`) following a call center's AMI stream
 * from pbx-sim while 1,000 operators are connected over real WebSockets from another process.
 * Measured per offered load: the AMI events per second the simulator sent and the gateway
 * kept up with, the latency from an AMI event leaving the simulator to the operator's socket
 * receiving the event it caused (p50/p99/p999), and the gateway's CPU and memory.
 *
 * Baseline, in the same run: a bare ws server sending the very frames the operators received
 * to the same sockets at the same moments (raw-fanout-process.ts). Its latency is the floor any
 * WebSocket server on this machine pays; the gateway's ratio to it is what the gateway adds.
 *
 * The knee: offered load goes up step by step until the median p99 passes 50 ms.
 * How the times are taken (one clock for every process; which AMI event caused which operator
 * event) is in gateway-events/monotonic-clock.ts and gateway-events/event-attribution.ts.
 *
 * The gateway runs with the Node flags of the shipped systemd unit (deploy/callgate-gateway@.service).
 * At the target load the same runs are repeated on fresh sites with one change each: other V8
 * heap sizing than the unit's (Node's default when the unit sets flags, a 64 MiB young
 * generation when it sets none), and the gateway's data on tmpfs (no fsync cost), to show what
 * each one is worth on this machine.
 *
 * `CALLGATE_BENCH_CPU_PROFILE=DIR` runs the gateway under `node --cpu-prof` (profiles in DIR);
 * `CALLGATE_BENCH_GATEWAY_NODE_FLAGS="…"` replaces the unit's Node flags ("" for none).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchSite, RAW_FANOUT_ENTRY } from './gateway-events/bench-site.js';
import type { CallCenterShape } from './gateway-events/call-center.js';
import type { LoadProfile } from './gateway-events/call-center-load.js';
import { ms, ratio } from './gateway-events/format.js';
import { HelperProcess } from './gateway-events/ipc.js';
import { matchByKey, percentiles, rateIn, type Percentiles } from './gateway-events/latency.js';
import { benchIssuer } from './gateway-events/operator-tokens.js';
import { deployedNodeFlags } from './gateway-events/callgate-process.js';
import { diskAndTmpfsAppends, TMPFS } from './gateway-events/outbox-commit-probe.js';
import { cpuPercent, MemorySampler, readCpu, type CpuReading } from './gateway-events/process-usage.js';
import type { SwarmCollection } from './gateway-events/operator-swarm-process.js';
import { median, thousands, type BenchContext, type BenchOutcome, type Benchmark, type BenchTable } from './harness.js';

interface Size {
  operators: number;
  queues: number;
  /** Offered loads, in new calls per second, lowest first. */
  steps: number[];
  /** The step judged against the targets: the first whose AMI rate reaches this. */
  targetEventsPerSecond: number;
  runs: number;
  loadMs: number;
  /** Left out at the start of each run (queues filling, JIT warming). */
  warmupMs: number;
  talk: Pick<LoadProfile, 'meanTalkMs' | 'minTalkMs' | 'meanPatienceMs'>;
  /** Outbox commits timed on disk and on tmpfs (outbox-commit-probe.ts). */
  probeAppends: number;
  /** Runs of the target load again for each variant of the gateway (0: skipped). */
  variantRuns: number;
}

const SIZES: Record<BenchContext['size'], Size> = {
  tiny: {
    operators: 20,
    queues: 2,
    steps: [3],
    targetEventsPerSecond: 0,
    runs: 1,
    loadMs: 2000,
    warmupMs: 500,
    talk: { meanTalkMs: 500, minTalkMs: 200, meanPatienceMs: 10_000 },
    probeAppends: 20,
    variantRuns: 0,
  },
  full: {
    operators: 1000,
    queues: 20,
    steps: [25, 55, 75, 100, 150, 200, 250, 300],
    targetEventsPerSecond: 5000,
    runs: 3,
    loadMs: 20_000,
    warmupMs: 3000,
    talk: { meanTalkMs: 1500, minTalkMs: 300, meanPatienceMs: 15_000 },
    probeAppends: 300,
    variantRuns: 3,
  },
};

/** From the issue. RSS is in MB (10^6 bytes) there; /proc reports KiB, so it is compared in bytes. */
const TARGETS = { eventsPerSecond: 5000, cpuPercent: 100, p99Ms: 5, rssMB: 200, kneeP99Ms: 50 };
const MIB = 1024 * 1024;

interface RunResult {
  callsPerSecond: number;
  callsPlaced: number;
  amiEventsPerSecond: number;
  gatewayCpuPercent: number;
  simCpuPercent: number;
  maxRssMiB: number;
  latency: Percentiles;
  operatorEvents: number;
  missing: number;
  unexplained: number;
  drained: boolean;
  baseline?: { latency: Percentiles; cpuPercent: number; frames: number };
}

const benchmark: Benchmark = {
  name: 'gateway-events',
  description:
    'AMI events/s through one gateway to 1,000 operator WebSockets: latency AMI event → operator, CPU, RSS; baseline raw ws fan-out of the same frames',
  async run(ctx) {
    const size = withOverrides(SIZES[ctx.size]);
    const dir = mkdtempSync(join(tmpdir(), 'callgate-bench-gateway-events-'));
    const profileDir = process.env.CALLGATE_BENCH_CPU_PROFILE;
    const gatewayNodeFlags = process.env.CALLGATE_BENCH_GATEWAY_NODE_FLAGS?.split(/\s+/).filter(Boolean);
    const shape: CallCenterShape = {
      site: { id: 'bench', name: 'Bench site' },
      inboundOperators: size.operators,
      outboundOperators: 0,
      queues: size.queues,
      wrapUpSeconds: 1,
      answerAfterMs: [300, 1500],
      seed: 7,
    };
    // Started first: it loads while the site starts.
    const raw = HelperProcess.start(RAW_FANOUT_ENTRY, 'raw fan-out process');
    let site: BenchSite;
    try {
      site = await BenchSite.start({
        shape,
        dir: join(dir, 'gateway'),
        issuer: await benchIssuer(),
        ...(profileDir ? { cpuProfileDir: profileDir } : {}),
        ...(gatewayNodeFlags ? { gatewayNodeFlags } : {}),
        log: ctx.log,
      });
    } catch (error) {
      await raw.stop();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    try {
      const login = await site.connectOperators();
      ctx.log(`gateway-events: ${login.connected} operators logged in in ${Math.round(login.ms)} ms`);
      const clocks = await site.clockOffsets();
      const { url: rawUrl } = await raw.request<{ url: string }>({ type: 'listen' });
      await site.swarm.request({ type: 'connect-raw', url: rawUrl, count: size.operators });

      const steps: Array<{ callsPerSecond: number; runs: RunResult[] }> = [];
      let kneeFound = false;
      for (const callsPerSecond of size.steps) {
        const runs: RunResult[] = [];
        for (let i = 0; i < size.runs; i++) {
          const run = await measure(site, raw, size, callsPerSecond, shape.wrapUpSeconds);
          ctx.log(
            `gateway-events: ${callsPerSecond} calls/s run ${i + 1}: ${thousands(run.amiEventsPerSecond)} AMI events/s, ` +
              `p50 ${ms(run.latency.p50)} p99 ${ms(run.latency.p99)} ms, gateway CPU ${Math.round(run.gatewayCpuPercent)} %` +
              (run.baseline ? `; raw fan-out p99 ${ms(run.baseline.latency.p99)} ms` : ''),
          );
          runs.push(run);
        }
        steps.push({ callsPerSecond, runs });
        if (median(runs.map((r) => r.latency.p99)) > TARGETS.kneeP99Ms) {
          kneeFound = true;
          break;
        }
      }
      await raw.stop();
      await site.stop();
      const appends = diskAndTmpfsAppends(size.probeAppends);
      const target = targetStep(size, steps);
      const variants: Variant[] = [];
      if (target && size.variantRuns > 0) {
        // The same target load on a fresh site per variant: what the deployed Node flags buy,
        // and how much of the latency is this machine's disk (fsync per ended call).
        const deployed = gatewayNodeFlags ?? deployedNodeFlags('gateway');
        const otherHeap =
          deployed.length > 0
            ? { name: "Node's default heap sizing (no flags)", nodeFlags: [] }
            : { name: 'a 64 MiB young generation (--max-semi-space-size=64)', nodeFlags: ['--max-semi-space-size=64'] };
        variants.push({
          name: otherHeap.name,
          runs: await variant(size, shape, target.callsPerSecond, { nodeFlags: otherHeap.nodeFlags }, ctx),
        });
        if (appends.tmpfs) {
          variants.push({
            name: 'as deployed, data on tmpfs (fsync free)',
            runs: await variant(size, shape, target.callsPerSecond, { onTmpfs: true, nodeFlags: deployed }, ctx),
          });
        }
      }
      return outcome(
        size,
        steps,
        kneeFound,
        { login, clocks, gatewayNodeFlags: gatewayNodeFlags ?? deployedNodeFlags('gateway') },
        appends,
        variants,
      );
    } finally {
      await raw.stop();
      await site.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** The step judged against the targets: the first whose AMI rate reaches the target rate. */
function targetStep(
  size: Size,
  steps: Array<{ callsPerSecond: number; runs: RunResult[] }>,
): { callsPerSecond: number; runs: RunResult[] } | undefined {
  const rate = (s: { runs: RunResult[] }): number => median(s.runs.map((r) => r.amiEventsPerSecond));
  return steps.find((s) => rate(s) >= size.targetEventsPerSecond) ?? steps.at(-1);
}

interface Variant {
  name: string;
  runs: RunResult[];
}

/**
 * The target load again on a fresh site whose gateway differs in one way: other Node flags, or
 * its data (outbox, command store) on tmpfs, where fsync returns at once.
 */
async function variant(
  size: Size,
  shape: CallCenterShape,
  callsPerSecond: number,
  change: { nodeFlags?: string[]; onTmpfs?: boolean },
  ctx: BenchContext,
): Promise<RunResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'callgate-bench-gateway-events-variant-'));
  const dataDir = change.onTmpfs ? mkdtempSync(join(TMPFS, 'callgate-bench-gateway-')) : undefined;
  const label = change.onTmpfs ? 'data on tmpfs' : `node flags [${(change.nodeFlags ?? []).join(' ')}]`;
  try {
    const site = await BenchSite.start({
      shape,
      dir,
      ...(dataDir ? { dataDir } : {}),
      ...(change.nodeFlags ? { gatewayNodeFlags: change.nodeFlags } : {}),
      issuer: await benchIssuer(),
      log: ctx.log,
    });
    try {
      await site.connectOperators();
      const runs: RunResult[] = [];
      for (let i = 0; i < size.variantRuns; i++) {
        const run = await measure(site, undefined, size, callsPerSecond, shape.wrapUpSeconds);
        ctx.log(
          `gateway-events: ${label}, ${callsPerSecond} calls/s run ${i + 1}: ${thousands(run.amiEventsPerSecond)} AMI events/s, ` +
            `p50 ${ms(run.latency.p50)} p99 ${ms(run.latency.p99)} ms, gateway CPU ${Math.round(run.gatewayCpuPercent)} %`,
        );
        runs.push(run);
      }
      return runs;
    } finally {
      await site.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}
export default benchmark;

async function measure(
  site: BenchSite,
  raw: HelperProcess | undefined,
  size: Size,
  callsPerSecond: number,
  wrapUpSeconds: number,
): Promise<RunResult> {
  // The frames are kept only to be replayed by the baseline.
  await site.resetOperators(raw !== undefined);
  // CPU is read over the measured window only: from the end of the warm-up to the end of the load.
  let cpuFrom: CpuReading | undefined;
  let cpuTo: CpuReading | undefined;
  const pid = site.gateway.pid;
  const t1 = setTimeout(() => (cpuFrom = readCpu(pid)), size.warmupMs);
  const t2 = setTimeout(() => (cpuTo = readCpu(pid)), size.loadMs);
  const memory = new MemorySampler(pid);
  const sim = await site.runLoad({
    profile: { callsPerSecond, ...size.talk },
    loadMs: size.loadMs,
    drainTimeoutMs: 60_000,
    settleMs: wrapUpSeconds * 1000 + 500,
    attribute: true,
  });
  clearTimeout(t1);
  clearTimeout(t2);
  const { maxRssMiB } = memory.stop();
  const operators: SwarmCollection = await site.collectOperators();
  const fromUs = sim.loadStartUs + size.warmupMs * 1000;
  const toUs = sim.loadEndUs;
  const matched = matchByKey(sim.causes, operators.events, fromUs, toUs);
  const result: RunResult = {
    callsPerSecond,
    callsPlaced: sim.callsPlaced,
    amiEventsPerSecond: rateIn(sim.sentTimesUs, fromUs, toUs),
    gatewayCpuPercent: cpuFrom && cpuTo ? cpuPercent(cpuFrom, cpuTo) : Number.NaN,
    simCpuPercent: sim.simCpuPercent,
    maxRssMiB,
    latency: percentiles(matched.latenciesMs),
    operatorEvents: matched.latenciesMs.length,
    missing: matched.missing,
    unexplained: matched.unexplained,
    drained: sim.drained,
  };
  if (raw && operators.frames.length > 0) {
    result.baseline = await baseline(site, raw, operators.frames, sim.loadStartUs, fromUs, toUs);
  }
  return result;
}

/**
 * The same frames through a bare ws server: each frame of the gateway run is sent to the same
 * operator at the same offset from the run's start; latency is its send → arrival, counted over
 * the same window.
 */
async function baseline(
  site: BenchSite,
  raw: HelperProcess,
  frames: SwarmCollection['frames'],
  startUs: number,
  fromUs: number,
  toUs: number,
): Promise<NonNullable<RunResult['baseline']>> {
  await site.resetOperators(false);
  const schedule = frames
    .map(([client, arrivedUs, text]): [number, number, string] => [client, Math.max(0, arrivedUs - startUs), text])
    .sort((a, b) => a[1] - b[1]);
  const replayed = await raw.request<{ sent: Array<[number, number, number]>; cpuPercent: number }>({
    type: 'replay',
    schedule,
  });
  await new Promise((r) => setTimeout(r, 500)); // the last frames in flight
  const received = await site.collectOperators();
  const arrived = new Map(received.rawFrames.map(([client, n, at]) => [`${client} ${n}`, at]));
  const replayStartUs = replayed.sent[0]?.[2] ?? 0;
  const firstOffset = schedule[0]?.[1] ?? 0;
  const windowFrom = replayStartUs + (fromUs - startUs - firstOffset);
  const windowTo = replayStartUs + (toUs - startUs - firstOffset);
  const latencies: number[] = [];
  for (const [client, n, sentUs] of replayed.sent) {
    if (sentUs < windowFrom || sentUs >= windowTo) continue;
    const at = arrived.get(`${client} ${n}`);
    if (at !== undefined) latencies.push((at - sentUs) / 1000);
  }
  return { latency: percentiles(latencies), cpuPercent: replayed.cpuPercent, frames: replayed.sent.length };
}

function outcome(
  size: Size,
  steps: Array<{ callsPerSecond: number; runs: RunResult[] }>,
  kneeFound: boolean,
  setup: {
    login: { connected: number; ms: number };
    clocks: { simUs: number; operatorsUs: number; roundTripUs: number };
    gatewayNodeFlags: string[];
  },
  appends: { disk: Percentiles; tmpfs: Percentiles | undefined },
  variants: Variant[],
): BenchOutcome {
  const med = (runs: RunResult[], f: (r: RunResult) => number): number => median(runs.map(f));
  const rows = steps.map(({ callsPerSecond, runs }) => [
    callsPerSecond,
    thousands(med(runs, (r) => r.amiEventsPerSecond)),
    Math.round(med(runs, (r) => r.gatewayCpuPercent)),
    Math.round(med(runs, (r) => r.maxRssMiB)),
    ms(med(runs, (r) => r.latency.p50)),
    ms(med(runs, (r) => r.latency.p99)),
    ms(med(runs, (r) => r.latency.p999)),
    thousands(med(runs, (r) => r.operatorEvents)),
    runs.reduce((n, r) => n + r.missing, 0),
  ]);
  const baselineRows = steps.map(({ callsPerSecond, runs }) => {
    const withBase = runs.filter((r) => r.baseline);
    const b = (f: (l: Percentiles) => number): number =>
      median(withBase.map((r) => (r.baseline ? f(r.baseline.latency) : Number.NaN)));
    const g = (f: (l: Percentiles) => number): number => median(withBase.map((r) => f(r.latency)));
    return [
      callsPerSecond,
      `${ms(g((l) => l.p50))} / ${ms(b((l) => l.p50))}`,
      `${ms(g((l) => l.p99))} / ${ms(b((l) => l.p99))}`,
      ratio(median(withBase.map((r) => r.latency.p50 / (r.baseline?.latency.p50 ?? Number.NaN)))),
      ratio(median(withBase.map((r) => r.latency.p99 / (r.baseline?.latency.p99 ?? Number.NaN)))),
      `${Math.round(median(withBase.map((r) => r.gatewayCpuPercent)))} / ${Math.round(median(withBase.map((r) => r.baseline?.cpuPercent ?? Number.NaN)))}`,
    ];
  });
  const atTarget = targetStep(size, steps);
  const targets = [];
  if (atTarget) {
    const runs = atTarget.runs;
    const rate = med(runs, (r) => r.amiEventsPerSecond);
    const cpu = med(runs, (r) => r.gatewayCpuPercent);
    const p99 = med(runs, (r) => r.latency.p99);
    // Memory is judged over every run up to the target load, not the target's runs alone: the
    // gateway's RSS follows V8's heap sizing, which grows and shrinks from run to run.
    const upToTarget = steps.slice(0, steps.indexOf(atTarget) + 1).flatMap((s) => s.runs);
    const rss = Math.max(...upToTarget.map((r) => r.maxRssMiB));
    const missing = runs.reduce((n, r) => n + r.missing, 0);
    targets.push(
      {
        name: `≥ ${thousands(TARGETS.eventsPerSecond)} AMI events/s on one core, none lost`,
        met: rate >= TARGETS.eventsPerSecond && cpu <= TARGETS.cpuPercent && missing === 0,
        detail: `${thousands(rate)} events/s at ${Math.round(cpu)} % of one core, ${missing} operator events missing`,
      },
      {
        name: `p99 AMI event → operator ≤ ${TARGETS.p99Ms} ms at that rate`,
        met: p99 <= TARGETS.p99Ms,
        detail: `${ms(p99)} ms (p50 ${ms(med(runs, (r) => r.latency.p50))}, p999 ${ms(med(runs, (r) => r.latency.p999))})`,
      },
      {
        name: `gateway RSS ≤ ${TARGETS.rssMB} MB up to that rate`,
        met: rss * MIB <= TARGETS.rssMB * 1e6,
        detail: `${Math.round(rss)} MiB at most (${Math.round(Math.min(...upToTarget.map((r) => r.maxRssMiB)))} MiB in the leanest run)`,
      },
    );
  }
  const last = steps.at(-1);
  const passing = steps.filter(({ runs }) => med(runs, (r) => r.latency.p99) <= TARGETS.kneeP99Ms).at(-1);
  const rateOf = (s: { runs: RunResult[] } | undefined): number => (s ? med(s.runs, (r) => r.amiEventsPerSecond) : 0);
  const knee = kneeFound
    ? `between ${thousands(rateOf(passing))} and ${thousands(rateOf(last))} AMI events/s`
    : `above ${thousands(rateOf(last))} AMI events/s (the highest load offered)`;
  targets.push({ name: `knee (p99 passes ${TARGETS.kneeP99Ms} ms)`, met: true, detail: knee });
  return {
    tables: [
      {
        title: `gateway-events: ${size.operators} operators connected; medians of ${size.runs} run(s) of ${size.loadMs / 1000} s per load (first ${size.warmupMs / 1000} s not counted)`,
        columns: [
          'new calls/s',
          'AMI events/s',
          'gateway CPU % (1 core = 100)',
          'gateway RSS MiB',
          'p50 ms',
          'p99 ms',
          'p999 ms',
          'operator events',
          'missing',
        ],
        rows,
      },
      {
        title: 'AMI event → operator latency: gateway vs raw ws fan-out of the same frames (baseline), same run',
        columns: [
          'new calls/s',
          'p50 ms gateway / raw',
          'p99 ms gateway / raw',
          'p50 ratio',
          'p99 ratio',
          'CPU % gateway / raw',
        ],
        rows: baselineRows,
      },
      variantsTable(atTarget, setup.gatewayNodeFlags, appends, variants),
    ],
    targets,
    data: { size, setup, steps, knee, outboxAppendMs: appends, variants },
  };
}

/**
 * The target load with the gateway as deployed (the runs above) and each variant, plus what one
 * outbox commit (one fsync per ended call, synchronous=FULL) costs on this disk and on tmpfs.
 */
function variantsTable(
  atTarget: { callsPerSecond: number; runs: RunResult[] } | undefined,
  deployedFlags: string[],
  appends: { disk: Percentiles; tmpfs: Percentiles | undefined },
  variants: Variant[],
): BenchTable {
  const row = (name: string, runs: RunResult[] | undefined): Array<string | number> => {
    const m = (f: (r: RunResult) => number): number => (runs && runs.length > 0 ? median(runs.map(f)) : Number.NaN);
    const n = (v: number, f: (v: number) => string): string => (Number.isFinite(v) ? f(v) : '–');
    return [
      name,
      n(
        m((r) => r.amiEventsPerSecond),
        thousands,
      ),
      n(
        m((r) => r.gatewayCpuPercent),
        (v) => String(Math.round(v)),
      ),
      n(
        m((r) => r.maxRssMiB),
        (v) => String(Math.round(v)),
      ),
      ms(m((r) => r.latency.p50)),
      ms(m((r) => r.latency.p99)),
      ms(m((r) => r.latency.p999)),
    ];
  };
  const flags = deployedFlags.length > 0 ? deployedFlags.join(' ') : 'no flags';
  const commit = (p: Percentiles | undefined): string => (p ? `${ms(p.p50)} / ${ms(p.p99)} ms` : '–');
  return {
    title:
      `At the target load (${atTarget?.callsPerSecond ?? '–'} new calls/s): the gateway as deployed (${flags}, data on disk) vs one change at a time; ` +
      `one outbox append costs the event loop ${commit(appends.disk)} (p50 / p99) on this disk, ${commit(appends.tmpfs)} on tmpfs`,
    columns: ['gateway', 'AMI events/s', 'gateway CPU %', 'gateway RSS MiB', 'p50 ms', 'p99 ms', 'p999 ms'],
    rows: [row('as deployed', atTarget?.runs), ...variants.map((v) => row(v.name, v.runs))],
  };
}

/**
 * Shorter or different runs while iterating (documented in bench/README.md):
 * `CALLGATE_BENCH_STEPS=50,100` (new calls/s), `CALLGATE_BENCH_RUNS=1`, `CALLGATE_BENCH_LOAD_SECONDS=10`.
 */
function withOverrides(size: Size): Size {
  const env = process.env;
  const steps = env.CALLGATE_BENCH_STEPS?.split(',')
    .map(Number)
    .filter((n) => n > 0);
  const runs = Number(env.CALLGATE_BENCH_RUNS);
  const seconds = Number(env.CALLGATE_BENCH_LOAD_SECONDS);
  return {
    ...size,
    ...(steps && steps.length > 0 ? { steps } : {}),
    ...(runs > 0 ? { runs, variantRuns: Math.min(runs, size.variantRuns) } : {}),
    ...(seconds > 0 ? { loadMs: seconds * 1000 } : {}),
  };
}
