/**
 * Latency arithmetic: percentiles by nearest rank (p99 of 1,000 samples is the 990th
 * smallest: a real sample, never an interpolation), and the matching of an event's cause time
 * to its arrival time by key.
 */

export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** Nearest-rank percentile of sorted values: the smallest value ≥ q of them. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  return {
    count: list.length,
    p50: percentile(list, 0.5),
    p99: percentile(list, 0.99),
    p999: percentile(list, 0.999),
    max: list.length > 0 ? (list[list.length - 1] as number) : Number.NaN,
  };
}

export interface Matched {
  /** Milliseconds from cause to arrival, for causes inside the window. */
  latenciesMs: number[];
  /** Causes inside the window that never arrived. */
  missing: number;
  /** Arrivals whose key had no cause (should be none outside click-to-call). */
  unexplained: number;
}

/**
 * Pairs causes (key → sent µs) with arrivals (key → arrived µs); only causes sent inside
 * `[fromUs, toUs)` count, so ramp-up and drain stay out of the numbers.
 */
export function matchByKey(
  causes: Iterable<[string, number]>,
  arrivals: Iterable<[string, number]>,
  fromUs: number,
  toUs: number,
): Matched {
  const arrived = new Map(arrivals);
  const latenciesMs: number[] = [];
  let missing = 0;
  let explained = 0;
  for (const [key, sentUs] of causes) {
    const at = arrived.get(key);
    if (at !== undefined) explained++;
    if (sentUs < fromUs || sentUs >= toUs) continue;
    if (at === undefined) missing++;
    else latenciesMs.push((at - sentUs) / 1000);
  }
  return { latenciesMs, missing, unexplained: arrived.size - explained };
}

/** Events per second over `[fromUs, toUs)` of a sorted list of times. */
export function rateIn(timesUs: readonly number[], fromUs: number, toUs: number): number {
  let n = 0;
  for (const t of timesUs) if (t >= fromUs && t < toUs) n++;
  return toUs > fromUs ? n / ((toUs - fromUs) / 1e6) : 0;
}
