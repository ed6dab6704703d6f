/**
 * A seeded generator for the load: pbx-sim's mulberry32 (the same seed gives the same arrivals,
 * talk times and patience, so two runs differ only by the machine), plus exponential draws.
 */
import { Prng } from '@callgate/pbx-sim';

export class SeededRandom extends Prng {
  /** Exponentially distributed with this mean (Poisson inter-arrival times, talk times). */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}
