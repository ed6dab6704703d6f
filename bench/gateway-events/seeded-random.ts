/**
 * A seeded generator (mulberry32) for the load: the same seed gives the same arrivals, talk
 * times and patience, so two runs differ only by the machine. Not for cryptography.
 */
export class SeededRandom {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0 || 0x9e3779b9;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Exponentially distributed with this mean (Poisson inter-arrival times, talk times). */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}
