/**
 * pbx-sim: what the simulator costs at the load callgate is sized for — 2 sites × 500
 * auto-answering operators × 10 new calls/s per site (ARCHITECTURE.md) — and how much
 * headroom it has.
 *
 * 1. generation: both sites' worlds on virtual time, driven as fast as the CPU allows, every
 *    event serialized to AMI bytes as the server does; gives the events/s one core can produce
 *    (CPU time, not wall time: the shared machine's load would dominate wall time).
 *    Baseline in the same run: parsing those same bytes with the `ami` package's AmiParser, every
 *    message's headers split (what any client must at least spend to read them). Target:
 *    producing an event costs at most 3× reading it, and one core produces ≥ 10× the events/s the
 *    2×500×10 load needs.
 * 2. real time: `callgate sim` in a child process with the same two sites on the real clock,
 *    an AMI client logged in to each site reading every event; the child's CPU (from /proc)
 *    and the events/s delivered. Target: the child stays under half a core.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AmiClient, AmiParser } from '@callgate/ami';
import { parseSimConfig, type SimConfig } from '@callgate/contracts';
import { formatMessage, LoadGenerator, VirtualScheduler, World, worldFromSite } from '@callgate/pbx-sim';
import { median, thousands, type Benchmark, type BenchContext, type BenchOutcome } from './harness.js';

/**
 * CPU milliseconds (user + system) `fn` takes. This machine is shared and often loaded far past
 * its two cores, so wall time would mostly measure the other processes.
 */
function cpuMs(fn: () => void): number {
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function config(operators: number, callsPerSecond: number): SimConfig {
  const site = (id: string, first: string, line: string, seed: number): Record<string, unknown> => ({
    id,
    ami: { port: 0, users: [{ username: 'crm', secret: 'crm-secret' }] },
    seed,
    operators: {
      count: operators,
      firstExtension: first,
      namePrefix: 'Operator ',
      queues: ['support'],
      answerAfterSeconds: { kind: 'uniform', min: 1, max: 3 },
    },
    queues: [{ name: 'support', strategy: 'rrmemory', timeoutSeconds: 15, retrySeconds: 2 }],
    lines: [{ number: line, queue: 'support' }],
    load: {
      callsPerSecond,
      talkSeconds: { kind: 'lognormal', median: 25, sigma: 0.6 },
      patienceSeconds: { kind: 'exponential', mean: 90 },
    },
  });
  const parsed = parseSimConfig({
    sites: [site('moscow', '2001', '74950000000', 1), site('tallinn', '3001', '3726000000', 2)],
  });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

interface GenerationRun {
  virtualSeconds: number;
  events: number;
  bytes: number;
  generateMs: number;
  parseMs: number;
}

/** Both sites on virtual time for `seconds` (after `warmup` seconds to reach steady state). */
function generation(cfg: SimConfig, warmup: number, seconds: number): GenerationRun {
  const worlds = cfg.sites.map((site) => {
    const clock = new VirtualScheduler();
    const out: string[] = [];
    let counting = false;
    let events = 0;
    const world = new World({
      config: worldFromSite(site),
      scheduler: clock,
      seed: site.seed,
      emit: (e) => {
        const text = formatMessage(e.fields);
        if (!counting) return;
        events++;
        out.push(text);
      },
    });
    const load = site.load;
    if (!load) throw new Error('site without load');
    const gen = new LoadGenerator(world, {
      callsPerSecond: load.callsPerSecond,
      talkSeconds: load.talkSeconds,
      patienceSeconds: load.patienceSeconds,
      ...(site.operators.answerAfterSeconds ? { operatorAnswerSeconds: site.operators.answerAfterSeconds } : {}),
      seed: site.seed,
    });
    gen.start();
    return {
      clock,
      out,
      start: () => (counting = true),
      events: () => events,
    };
  });
  for (const w of worlds) w.clock.advance(warmup * 1000);
  for (const w of worlds) w.start();
  const generateMs = cpuMs(() => {
    for (let s = 0; s < seconds; s++) for (const w of worlds) w.clock.advance(1000);
  });
  const bytes = Buffer.from(worlds.map((w) => w.out.join('')).join(''), 'utf8');
  let parsed = 0;
  const parseMs = cpuMs(() => {
    const parser = new AmiParser(
      // Every header split, as a client library does (the parser alone splits only on demand).
      { greeting: () => undefined, message: (m) => (parsed += m.size > 0 ? 1 : 0), error: () => undefined },
      { expectGreeting: false },
    );
    for (let i = 0; i < bytes.length; i += 16 * 1024) parser.push(bytes.subarray(i, i + 16 * 1024));
  });
  const events = worlds.reduce((n, w) => n + w.events(), 0);
  if (parsed !== events) throw new Error(`parsed ${parsed} messages, produced ${events}`);
  return { virtualSeconds: seconds, events, bytes: bytes.length, generateMs, parseMs };
}

function cpuTicks(pid: number): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function realTime(
  ctx: BenchContext,
  cfg: SimConfig,
  warmupS: number,
  measureS: number,
): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(os.tmpdir(), 'pbx-sim-bench-'));
  const file = join(dir, 'sim.json');
  writeFileSync(file, JSON.stringify(cfg));
  const child = spawn(process.execPath, [join(ROOT, 'packages/cli/bin/callgate.js'), 'sim', '--config', file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const ports = await new Promise<number[]>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('callgate sim did not start')), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const found = [...out.matchAll(/on 127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
        if (found.length === cfg.sites.length) {
          clearTimeout(timer);
          resolve(found);
        }
      });
      child.once('exit', () => reject(new Error('callgate sim exited')));
    });
    let events = 0;
    const clients = ports.map((port) => {
      const c = new AmiClient({
        host: '127.0.0.1',
        port,
        username: 'crm',
        secret: 'crm-secret',
        reconnect: false,
        keepaliveIntervalMs: 0,
      });
      c.on('event', () => events++);
      c.start();
      return c;
    });
    await Promise.all(clients.map((c) => c.ready()));
    ctx.log(`pbx-sim: real-time warm-up ${warmupS} s`);
    await new Promise((r) => setTimeout(r, warmupS * 1000));
    const pid = child.pid ?? 0;
    const t0 = cpuTicks(pid);
    const e0 = events;
    const w0 = Date.now();
    ctx.log(`pbx-sim: measuring ${measureS} s`);
    await new Promise((r) => setTimeout(r, measureS * 1000));
    const t1 = cpuTicks(pid);
    const e1 = events;
    const w1 = Date.now();
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    await Promise.all(clients.map((c) => c.stop()));
    const wallS = (w1 - w0) / 1000;
    const cpuS = (t1 - t0) / 100;
    return { wallS, cpuS, cpuCores: cpuS / wallS, events: e1 - e0, eventsPerSecond: (e1 - e0) / wallS, rssMiB: rss };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

const benchmark: Benchmark = {
  name: 'pbx-sim',
  description:
    'simulator cost at 2 sites × 500 operators × 10 calls/s: events/s per core (vs parsing them) and real-time CPU',
  async run(ctx): Promise<BenchOutcome> {
    const tiny = ctx.size === 'tiny';
    const cfg = config(tiny ? 20 : 500, tiny ? 1 : 10);
    const runs: GenerationRun[] = [];
    const rounds = tiny ? 1 : 3;
    for (let i = 0; i < rounds; i++) {
      ctx.log(`pbx-sim: generation round ${i + 1}/${rounds}`);
      runs.push(generation(cfg, tiny ? 10 : 120, tiny ? 5 : 120));
    }
    const eventsPerVirtualS = median(runs.map((r) => r.events / r.virtualSeconds));
    const genPerEventUs = median(runs.map((r) => (r.generateMs * 1000) / r.events));
    const parsePerEventUs = median(runs.map((r) => (r.parseMs * 1000) / r.events));
    const capacity = 1e6 / genPerEventUs;
    const headroom = capacity / eventsPerVirtualS;
    const costRatio = genPerEventUs / parsePerEventUs;
    const rt = await realTime(ctx, cfg, tiny ? 2 : 60, tiny ? 2 : 60);
    return {
      tables: [
        {
          title: `Generation on virtual time (${cfg.sites.length} sites × ${cfg.sites[0]?.operators.count ?? 0} operators × ${cfg.sites[0]?.load?.callsPerSecond ?? 0} calls/s; median of ${rounds} runs)`,
          columns: ['measure', 'value'],
          rows: [
            ['events the load needs per second (both sites)', thousands(eventsPerVirtualS)],
            ['bytes per event', Math.round(median(runs.map((r) => r.bytes / r.events)))],
            ['produce + serialize, CPU µs per event', genPerEventUs.toFixed(2)],
            ['baseline: parse with AmiParser, CPU µs per event', parsePerEventUs.toFixed(2)],
            ['produce ÷ parse', `${costRatio.toFixed(2)}×`],
            ['events/s one core can produce', thousands(capacity)],
            ['headroom over the load', `${headroom.toFixed(1)}×`],
          ],
        },
        {
          title: 'Real time, `callgate sim` in a child process, one AMI client per site reading every event',
          columns: ['measure', 'value'],
          rows: [
            ['measured for', `${rt.wallS?.toFixed(0)} s`],
            ['events/s delivered to clients', thousands(rt.eventsPerSecond ?? 0)],
            ['CPU of the simulator (cores)', (rt.cpuCores ?? 0).toFixed(3)],
            ['RSS (MiB)', Math.round(rt.rssMiB ?? 0)],
          ],
        },
      ],
      targets: [
        { name: 'producing an event costs ≤ 3× parsing it', met: costRatio <= 3, detail: `${costRatio.toFixed(2)}×` },
        {
          name: 'one core produces ≥ 10× the events/s of the load',
          met: headroom >= 10,
          detail: `${headroom.toFixed(1)}×`,
        },
        {
          name: 'the simulator stays under half a core in real time',
          met: (rt.cpuCores ?? 1) < 0.5,
          detail: `${(rt.cpuCores ?? 0).toFixed(3)} cores`,
        },
      ],
      data: { config: cfg, generation: runs, realTime: rt },
    };
  },
};

export default benchmark;
