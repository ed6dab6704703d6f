/**
 * Today's queue counters for one site: offered, answered, abandoned, average wait and service
 * level, per queue and in total. Pure. Each call counts once per metric however many times it
 * is reported (live event, snapshot after a reconnect, the record itself, the record again),
 * because every tally is keyed by call id.
 *
 * Service level follows Asterisk's own `ServicelevelPerf` (app_queue, QueueSummary/QueueStatus):
 * answered within the threshold ÷ (answered + abandoned); calls still waiting do not count yet.
 */
import type { QueueCounters, SiteCounters } from '@callgate/contracts';

class Tally {
  readonly offered = new Set<string>();
  /** call id → wait in seconds (null while only the live estimate is missing). */
  readonly answered = new Map<string, number | null>();
  readonly abandoned = new Set<string>();

  counters(thresholdSeconds: number): QueueCounters {
    const waits = [...this.answered.values()].filter((w): w is number => w !== null);
    const within = waits.filter((w) => w <= thresholdSeconds).length;
    const closed = this.answered.size + this.abandoned.size;
    return {
      offered: this.offered.size,
      answered: this.answered.size,
      abandoned: this.abandoned.size,
      averageWaitSeconds:
        waits.length === 0 ? null : Math.round((waits.reduce((a, b) => a + b, 0) / waits.length) * 10) / 10,
      answeredWithinThreshold: within,
      serviceLevel: closed === 0 ? null : Math.round((within / closed) * 10000) / 10000,
    };
  }
}

export class DayCounters {
  private readonly total = new Tally();
  private readonly queues = new Map<string, Tally>();

  constructor(
    readonly day: string,
    private readonly thresholdSeconds: number,
  ) {}

  private tallies(queue: string): Tally[] {
    let tally = this.queues.get(queue);
    if (!tally) {
      tally = new Tally();
      this.queues.set(queue, tally);
    }
    return [tally, this.total];
  }

  offered(queue: string, callId: string): void {
    for (const t of this.tallies(queue)) t.offered.add(callId);
  }

  /** `waitSeconds` null when not known yet (a later report with the wait fills it in). */
  answered(queue: string, callId: string, waitSeconds: number | null): void {
    for (const t of this.tallies(queue)) {
      t.offered.add(callId);
      t.abandoned.delete(callId);
      const known = t.answered.get(callId);
      t.answered.set(callId, waitSeconds ?? known ?? null);
    }
  }

  abandoned(queue: string, callId: string): void {
    for (const t of this.tallies(queue)) {
      t.offered.add(callId);
      if (!t.answered.has(callId)) t.abandoned.add(callId);
    }
  }

  snapshot(): SiteCounters {
    const queues: Record<string, QueueCounters> = {};
    for (const [name, tally] of [...this.queues].sort(([a], [b]) => a.localeCompare(b))) {
      queues[name] = tally.counters(this.thresholdSeconds);
    }
    return {
      day: this.day,
      serviceLevelSeconds: this.thresholdSeconds,
      total: this.total.counters(this.thresholdSeconds),
      queues,
    };
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** The local date (`YYYY-MM-DD`) of a moment in a time zone. */
export function localDay(ms: number, timeZone: string): string {
  let format = formats.get(timeZone);
  if (!format) {
    // en-CA formats dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formats.set(timeZone, format);
  }
  return format.format(ms);
}
