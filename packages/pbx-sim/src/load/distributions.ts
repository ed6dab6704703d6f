/**
 * Random durations for generated load, drawn from the site's seeded generator so a run is
 * reproducible: exponential inter-arrival times make arrivals a Poisson process; talk times
 * are often log-normal (long-tailed); patience exponential.
 */
import type { SimDistribution } from '@callgate/contracts';
import type { Prng } from '../model/prng.js';

/** A sample in seconds (never negative). */
export function sample(d: SimDistribution, prng: Prng): number {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return d.min + prng.next() * Math.max(0, d.max - d.min);
    case 'exponential':
      return exponential(d.mean, prng);
    case 'lognormal':
      return d.median * Math.exp(d.sigma * normal(prng));
  }
}

export function exponential(mean: number, prng: Prng): number {
  // 1 - u is in (0, 1]: log never sees 0.
  return -mean * Math.log(1 - prng.next());
}

/** Standard normal by Box–Muller. */
function normal(prng: Prng): number {
  const u = 1 - prng.next();
  const v = prng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** The mean of a distribution, for sizing (offered load in Erlangs). */
export function mean(d: SimDistribution): number {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'exponential':
      return d.mean;
    case 'lognormal':
      return d.median * Math.exp((d.sigma * d.sigma) / 2);
  }
}
