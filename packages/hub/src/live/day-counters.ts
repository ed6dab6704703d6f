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
  private readonly answered = new Map<string, number | null>();
  readonly abandoned = new Set<string>();
  // Running sums, so an event costs O(1) however many calls the day has had.
  private waitSum = 0;
  private waitCount = 0;
  private within = 0;

  constructor(private readonly thresholdSeconds: number) {}

  hasAnswered(callId: string): boolean {
    return this.answered.has(callId);
  }

  setAnswered(callId: string, waitSeconds: number | null): void {
    const known = this.answered.get(callId);
    const next = waitSeconds ?? known ?? null;
    if (known !== undefined && known !== null) {
      this.waitSum -= known;
      this.waitCount--;
      if (known <= this.thresholdSeconds) this.within--;
    }
    if (next !== null) {
      this.waitSum += next;
      this.waitCount++;
      if (next <= this.thresholdSeconds) this.within++;
    }
    this.answered.set(callId, next);
  }

  counters(): QueueCounters {
    const closed = this.answered.size + this.abandoned.size;
    return {
      offered: this.offered.size,
      answered: this.answered.size,
      abandoned: this.abandoned.size,
      averageWaitSeconds: this.waitCount === 0 ? null : Math.round((this.waitSum / this.waitCount) * 10) / 10,
      answeredWithinThreshold: this.within,
      serviceLevel: closed === 0 ? null : Math.round((this.within / closed) * 10000) / 10000,
    };
  }
}

export class DayCounters {
  private readonly total: Tally;
  private readonly queues = new Map<string, Tally>();

  constructor(
    readonly day: string,
    private readonly thresholdSeconds: number,
  ) {
    this.total = new Tally(thresholdSeconds);
  }

  private tallies(queue: string): Tally[] {
    let tally = this.queues.get(queue);
    if (!tally) {
      tally = new Tally(this.thresholdSeconds);
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
      t.setAnswered(callId, waitSeconds);
    }
  }

  abandoned(queue: string, callId: string): void {
    for (const t of this.tallies(queue)) {
      t.offered.add(callId);
      if (!t.hasAnswered(callId)) t.abandoned.add(callId);
    }
  }

  snapshot(): SiteCounters {
    const queues: Record<string, QueueCounters> = {};
    for (const [name, tally] of [...this.queues].sort(([a], [b]) => a.localeCompare(b))) {
      queues[name] = tally.counters();
    }
    return {
      day: this.day,
      serviceLevelSeconds: this.thresholdSeconds,
      total: this.total.counters(),
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
