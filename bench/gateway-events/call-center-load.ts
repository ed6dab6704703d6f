/**
 * Inbound call-center load on pbx-sim: customers arrive as a Poisson process (independent
 * callers), call one of the lines at random, wait in its queue up to their patience, talk for
 * an exponentially distributed time once an operator answers, then hang up.
 *
 * Time is compressed: talk times of seconds instead of minutes, so that a thousand operators
 * produce the event rates of a much bigger (or much busier) call center. Each call still goes
 * through Asterisk's whole sequence (Newchannel … Queue … AgentConnect … Hangup, Cdr, CEL:
 * about 95 AMI events per answered call, as pbx-sim reproduces recording 02).
 *
 * Arrivals are scheduled on the clock, not on timer ticks: when the process is late it places
 * the calls it owes at once, so the offered rate is the asked one whatever the timer jitter.
 */
import type { CustomerCallHandle, PbxSim } from '@callgate/pbx-sim';
import type { CallCenter } from './call-center.js';
import { SeededRandom } from './seeded-random.js';

export interface LoadProfile {
  callsPerSecond: number;
  /** Mean talk time once answered (exponential, at least `minTalkMs`). */
  meanTalkMs: number;
  minTalkMs: number;
  /** Mean patience in the queue before giving up (exponential). */
  meanPatienceMs: number;
}

const TICK_MS = 5;

export class CallCenterLoad {
  readonly #sim: PbxSim;
  readonly #center: CallCenter;
  readonly #random: SeededRandom;
  readonly #active = new Set<CustomerCallHandle>();
  #timer: NodeJS.Timeout | undefined;
  #placed = 0;
  #failed = 0;
  #nextCaller = 0;

  constructor(sim: PbxSim, center: CallCenter, seed: number) {
    this.#sim = sim;
    this.#center = center;
    this.#random = new SeededRandom(seed);
  }

  get placed(): number {
    return this.#placed;
  }

  /** Calls the simulator refused to place (it was restarting): should stay 0. */
  get failed(): number {
    return this.#failed;
  }

  /** Customers still on the line (queued or talking). */
  get activeCalls(): number {
    for (const call of this.#active) if (!call.active) this.#active.delete(call);
    return this.#active.size;
  }

  /** Places calls at `profile.callsPerSecond` until `stop()`. */
  start(profile: LoadProfile): void {
    this.stop();
    const meanGapMs = 1000 / profile.callsPerSecond;
    let next = performance.now() + this.#random.exponential(meanGapMs);
    this.#timer = setInterval(() => {
      const now = performance.now();
      while (next <= now) {
        this.#place(profile);
        next += this.#random.exponential(meanGapMs);
      }
    }, TICK_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #place(profile: LoadProfile): void {
    const lines = this.#center.lines;
    const line = lines[Math.floor(this.#random.next() * lines.length)] ?? lines[0];
    if (!line) return;
    const talkMs = Math.max(profile.minTalkMs, Math.round(this.#random.exponential(profile.meanTalkMs)));
    const patienceMs = Math.round(this.#random.exponential(profile.meanPatienceMs));
    this.#nextCaller = (this.#nextCaller + 1) % 10_000_000;
    try {
      const call = this.#sim.control.customerCalls({
        from: String(79160000000 + this.#nextCaller),
        line: line.number,
        talkMs,
        patienceMs,
      });
      this.#active.add(call);
      this.#placed++;
    } catch {
      this.#failed++;
    }
  }
}
