/**
 * Simulated customers for the demo: Poisson arrivals per site, mostly known contacts (so the
 * pop-up shows a card) and some unknown numbers, a few impatient enough to abandon. Time is the
 * injected scheduler's; the random source is seeded so a demo run is reproducible.
 */
import { Prng, type PbxSim } from '@callgate/pbx-sim';
import type { DemoContact, DemoSite } from './demo-world.js';

/** A seeded random source in [0, 1): pbx-sim's generator, so a demo run is reproducible. */
export function seededRandom(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}

export interface PlannedCall {
  /** Digits as the trunk presents them (no +). */
  from: string;
  name: string | undefined;
  patienceMs: number;
  talkMs: number;
}

/** The next customer of a site: a contact 70 % of the time, 1 in 6 abandons after 6–20 s. */
export function planCall(random: () => number, contacts: readonly DemoContact[], site: DemoSite): PlannedCall {
  const known = contacts.filter((c) => c.site === site.id);
  const contact = random() < 0.7 ? known[Math.floor(random() * known.length)] : undefined;
  const prefix = site.country === 'EE' ? '3725' : '7916';
  const unknown = `${prefix}${String(Math.floor(random() * 10 ** (11 - prefix.length))).padStart(11 - prefix.length, '0')}`;
  const impatient = random() < 1 / 6;
  return {
    from: contact ? contact.phone.replace(/^\+/, '') : unknown,
    name: contact?.name,
    patienceMs: impatient ? 6_000 + random() * 14_000 : 120_000,
    talkMs: 15_000 + random() * 45_000,
  };
}

/** Seconds to the next arrival of a Poisson process with the given mean interval. */
export function nextArrivalSeconds(random: () => number, meanSeconds: number): number {
  return -Math.log(1 - random()) * meanSeconds;
}

export interface DemoTraffic {
  stop(): void;
  readonly callsPlaced: number;
}

export function startDemoTraffic(
  sim: PbxSim,
  site: DemoSite,
  contacts: readonly DemoContact[],
  seed: number,
  onError: (error: unknown) => void,
): DemoTraffic {
  const random = seededRandom(seed);
  let timer: NodeJS.Timeout | undefined;
  let placed = 0;
  let stopped = false;
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        const call = planCall(random, contacts, site);
        try {
          sim.control.customerCalls({
            from: call.from,
            ...(call.name ? { name: call.name } : {}),
            line: site.line.number,
            patienceMs: call.patienceMs,
            talkMs: call.talkMs,
          });
          placed++;
        } catch (error) {
          onError(error);
        }
        schedule();
      },
      nextArrivalSeconds(random, site.meanSecondsBetweenCalls) * 1000,
    );
  };
  schedule();
  return {
    get callsPlaced() {
      return placed;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
