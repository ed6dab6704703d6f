/**
 * Generated traffic for one site: customers arriving as a Poisson process at `callsPerSecond`,
 * each calling a line, waiting at most their patience, talking for their talk time once an
 * operator answers; operators answering after their own random delay. Everything random comes
 * from the site's seed, so two runs with the same seed and clock produce the same calls.
 *
 * Runs on whatever clock the world has: real time for the demo and the gateway's load tests,
 * virtual time for benchmarks that produce events as fast as the CPU allows.
 */
import type { SimDistribution } from '@callgate/contracts';
import type { TimerHandle } from '../clock/scheduler.js';
import { startInboundCall } from '../apps/inbound-call.js';
import { Prng } from '../model/prng.js';
import type { World } from '../model/world.js';
import { exponential, sample } from './distributions.js';

export interface LoadProfile {
  callsPerSecond: number;
  /** DIDs to call; default every configured line. */
  lines?: readonly string[];
  talkSeconds: SimDistribution;
  patienceSeconds: SimDistribution;
  /** How long an operator's phone rings before the operator picks up; absent: the phones' own behaviour. */
  operatorAnswerSeconds?: SimDistribution;
  callerPrefix?: string;
  /** Stop after this long (0 or absent: until stopped). */
  durationSeconds?: number;
  seed: number;
}

export interface LoadStats {
  running: boolean;
  callsPerSecond: number;
  /** Calls started since the generator was created. */
  callsStarted: number;
  /** Customer channels currently up (waiting or talking). */
  callsActive: number;
}

export class LoadGenerator {
  readonly #world: World;
  readonly #profile: LoadProfile;
  readonly #prng: Prng;
  #rate: number;
  #timer: TimerHandle | undefined;
  #startedAt = 0;
  #callsStarted = 0;
  #running = false;

  constructor(world: World, profile: LoadProfile) {
    this.#world = world;
    this.#profile = profile;
    this.#prng = new Prng(profile.seed ^ 0x5eed);
    this.#rate = profile.callsPerSecond;
    if (profile.operatorAnswerSeconds) {
      const d = profile.operatorAnswerSeconds;
      const answerPrng = this.#prng.fork(1);
      world.phoneAnswerDelay = () => sample(d, answerPrng) * 1000;
    }
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#startedAt = this.#world.now();
    this.#scheduleNext();
  }

  stop(): void {
    this.#running = false;
    this.#world.cancel(this.#timer);
    this.#timer = undefined;
  }

  /** Changes the arrival rate; 0 pauses arrivals (calls in progress go on). */
  setRate(callsPerSecond: number): void {
    this.#rate = callsPerSecond;
    if (this.#running) {
      this.#world.cancel(this.#timer);
      this.#scheduleNext();
    }
  }

  stats(): LoadStats {
    let active = 0;
    for (const ch of this.#world.channels.values()) if (ch.role === 'inbound') active++;
    return {
      running: this.#running,
      callsPerSecond: this.#rate,
      callsStarted: this.#callsStarted,
      callsActive: active,
    };
  }

  #scheduleNext(): void {
    if (!this.#running || this.#rate <= 0) return;
    const gapMs = exponential(1 / this.#rate, this.#prng) * 1000;
    this.#timer = this.#world.after(gapMs, () => this.#arrive());
  }

  #arrive(): void {
    const p = this.#profile;
    if (p.durationSeconds && this.#world.now() - this.#startedAt >= p.durationSeconds * 1000) {
      this.stop();
      return;
    }
    const lines = p.lines ?? this.#world.config.lines.map((l) => l.number);
    const line = lines[this.#prng.int(lines.length)];
    if (line !== undefined) {
      startInboundCall(this.#world, {
        from: this.#callerNumber(),
        name: '',
        line,
        patienceMs: sample(p.patienceSeconds, this.#prng) * 1000,
        talkMs: sample(p.talkSeconds, this.#prng) * 1000,
      });
      this.#callsStarted++;
    }
    this.#scheduleNext();
  }

  #callerNumber(): string {
    const prefix = this.#profile.callerPrefix ?? '7916';
    let n = prefix;
    while (n.length < 11) n += String(this.#prng.int(10));
    return n;
  }
}
