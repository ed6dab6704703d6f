/**
 * A seeded schedule of WAN faults played against a FaultProxy. The plan (which fault, how long,
 * how long the calm before it) is a pure function of the seed, so a failing chaos run is
 * replayed by running it with the seed it printed; only the timing of the endpoints around it
 * varies from run to run.
 */
import type { FaultProxy, HalfOpenDirection } from './fault-proxy.js';
import { Prng } from './prng.js';

export type ChaosAction =
  /** Latency with jitter for a while (packet loss looks like this to TCP: retransmission delays). */
  | 'latency'
  /** Nothing gets through for a while; nobody is told. */
  | 'blackhole'
  /** New connections are reset for a while (the far end looks down). */
  | 'refuse'
  /** Every open connection gets an RST. */
  | 'reset'
  /** Every open connection gets a FIN. */
  | 'drop'
  /** Open connections silently stop carrying anything, both ways. */
  | 'half-open'
  /** Open connections silently lose one direction only. */
  | 'one-way';

export const DEFAULT_CHAOS_WEIGHTS: Readonly<Record<ChaosAction, number>> = {
  latency: 3,
  blackhole: 2,
  refuse: 1,
  reset: 2,
  drop: 1,
  'half-open': 1,
  'one-way': 1,
};

export interface ChaosStep {
  /** Calm before the fault. */
  calmMs: number;
  action: ChaosAction;
  /** How long a lasting fault (latency, blackhole, refuse) lasts; 0 for instant ones. */
  durationMs: number;
  /** For latency: the delay and jitter. */
  latencyMs: number;
  jitterMs: number;
  /** For one-way. */
  direction: HalfOpenDirection;
}

export interface ChaosOptions {
  seed: number;
  /** Calm between faults, in ms (min, max). */
  calmMs?: readonly [number, number];
  /** Duration of lasting faults, in ms (min, max). */
  faultMs?: readonly [number, number];
  /** Latency range when `latency` is chosen, in ms. */
  latencyMs?: readonly [number, number];
  weights?: Readonly<Record<ChaosAction, number>>;
  /** Called as each fault starts (for the test's log). */
  onStep?(step: ChaosStep, index: number): void;
}

export interface ChaosRun {
  readonly counts: Readonly<Record<ChaosAction, number>>;
  readonly steps: number;
  /** Stops after the current step and heals the proxy. */
  stop(): Promise<void>;
}

/** The first `n` steps for a seed: pure. */
export function chaosPlan(options: ChaosOptions, n: number): ChaosStep[] {
  const prng = new Prng(options.seed);
  const [calmMin, calmMax] = options.calmMs ?? [200, 2000];
  const [faultMin, faultMax] = options.faultMs ?? [200, 3000];
  const [latMin, latMax] = options.latencyMs ?? [20, 400];
  const weights = options.weights ?? DEFAULT_CHAOS_WEIGHTS;
  const out: ChaosStep[] = [];
  for (let i = 0; i < n; i++) {
    const calmMs = prng.between(calmMin, calmMax);
    const action = prng.weighted(weights);
    const lasting = action === 'latency' || action === 'blackhole' || action === 'refuse';
    const durationMs = lasting ? prng.between(faultMin, faultMax) : 0;
    const latencyMs = prng.between(latMin, latMax);
    const jitterMs = prng.between(0, Math.floor(latencyMs / 2));
    const direction: HalfOpenDirection = prng.next() < 0.5 ? 'to-target' : 'to-client';
    out.push({ calmMs, action, durationMs, latencyMs, jitterMs, direction });
  }
  return out;
}

export function startChaos(proxy: FaultProxy, options: ChaosOptions): ChaosRun {
  const counts: Record<ChaosAction, number> = {
    latency: 0,
    blackhole: 0,
    refuse: 0,
    reset: 0,
    drop: 0,
    'half-open': 0,
    'one-way': 0,
  };
  let stopped = false;
  let steps = 0;
  let wake: (() => void) | undefined;
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });

  const run = async (): Promise<void> => {
    // Plans are generated in blocks so a long run needs no upper bound on steps.
    for (let block = 0; !stopped; block++) {
      const plan = chaosPlan({ ...options, seed: options.seed + block * 7919 }, 100);
      for (const step of plan) {
        await sleep(step.calmMs);
        if (stopped) return;
        counts[step.action] += 1;
        options.onStep?.(step, steps);
        steps += 1;
        switch (step.action) {
          case 'latency':
            proxy.setLatency(step.latencyMs, step.jitterMs);
            await sleep(step.durationMs);
            proxy.setLatency(0, 0);
            break;
          case 'blackhole':
            proxy.setBlackhole(true);
            await sleep(step.durationMs);
            proxy.setBlackhole(false);
            break;
          case 'refuse':
            proxy.setRefuse(true);
            await sleep(step.durationMs);
            proxy.setRefuse(false);
            break;
          case 'reset':
            proxy.resetAll();
            break;
          case 'drop':
            proxy.dropAll();
            break;
          case 'half-open':
            proxy.halfOpenAll('both');
            break;
          case 'one-way':
            proxy.halfOpenAll(step.direction);
            break;
        }
        if (stopped) return;
      }
    }
  };
  const done = run().finally(() => proxy.heal());

  return {
    counts,
    get steps() {
      return steps;
    },
    async stop() {
      stopped = true;
      wake?.();
      await done;
    },
  };
}
