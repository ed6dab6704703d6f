/**
 * The clock every process of a gateway benchmark stamps events with: `process.hrtime()`,
 * which Node reads from Linux's CLOCK_MONOTONIC. That clock is one per machine, not per
 * process (unlike `performance.now()`, whose origin is the process start, and unlike
 * `Date.now()`, which has millisecond resolution and steps when NTP corrects it), so a time
 * taken in the simulator and one taken in the operators' process subtract directly.
 * `clockOffsetMicros` checks that claim on every run.
 */
import type { ChildProcess } from 'node:child_process';

/** Microseconds on the machine's monotonic clock (fractional: nanosecond resolution). */
export function monotonicMicros(): number {
  const [seconds, nanos] = process.hrtime();
  return seconds * 1e6 + nanos / 1e3;
}

/**
 * How far a child's clock is from ours: it answers `{ type: 'clock' }` with its
 * `monotonicMicros()`; the offset is its reading minus the middle of our round trip, so on
 * one shared clock it is 0 ± half the round trip. Returns the median of several probes.
 */
export async function clockOffsetMicros(
  child: ChildProcess,
  probes = 9,
): Promise<{ offsetUs: number; roundTripUs: number }> {
  const samples: Array<{ offsetUs: number; roundTripUs: number }> = [];
  for (let i = 0; i < probes; i++) {
    const sent = monotonicMicros();
    const theirs = await new Promise<number>((resolve) => {
      const onMessage = (m: unknown): void => {
        if (typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'clock') {
          child.off('message', onMessage);
          resolve(Number((m as { micros?: unknown }).micros));
        }
      };
      child.on('message', onMessage);
      child.send({ type: 'clock' });
    });
    const received = monotonicMicros();
    samples.push({ offsetUs: theirs - (sent + received) / 2, roundTripUs: received - sent });
  }
  samples.sort((a, b) => a.roundTripUs - b.roundTripUs);
  // The fastest round trips bound the offset most tightly.
  return samples[0] ?? { offsetUs: Number.NaN, roundTripUs: Number.NaN };
}
