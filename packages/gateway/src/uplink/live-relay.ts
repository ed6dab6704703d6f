/**
 * Live events on their way to the hub: batched into one frame per tick (the cost of a
 * WebSocket write is per frame, not per event — ARCHITECTURE.md), numbered per connection, and
 * never queued across an outage. While the link is down events are dropped and counted; after
 * every (re)connect, and whenever a batch had to be dropped because the socket was backed up,
 * the hub gets a full snapshot instead. Pure: the timer and the send are injected.
 */
import type { DomainEvent } from '@callgate/contracts';

export interface LiveRelaySink {
  /** True when the socket can take a frame now (linked and not backed up). */
  writable(): boolean;
  /** True when linked at all (events are worth keeping for the next tick). */
  linked(): boolean;
  sendEvents(seq: number, events: readonly DomainEvent[]): void;
  sendSnapshot(lastSeq: number): void;
  dropped(count: number): void;
  schedule(fn: () => void, ms: number): { cancel(): void };
}

/** Events held for one tick at most; a burst beyond this is replaced by a snapshot. */
const MAX_PENDING = 5000;

export class LiveRelay {
  private pending: DomainEvent[] = [];
  private seq = 0;
  private needSnapshot = true;
  private timer: { cancel(): void } | undefined;

  constructor(
    private readonly sink: LiveRelaySink,
    private readonly tickMs: number,
  ) {}

  /** A new connection was welcomed: events start again at 1, after a snapshot. */
  linked(): void {
    this.pending = [];
    this.seq = 0;
    this.needSnapshot = true;
    this.flush();
  }

  /** The hub saw a gap: send a snapshot at the next flush. */
  resync(): void {
    this.needSnapshot = true;
    this.arm();
  }

  publish(event: DomainEvent): void {
    if (!this.sink.linked()) {
      this.sink.dropped(1);
      return;
    }
    if (this.needSnapshot) {
      // The snapshot taken at the next flush already shows this event's effect.
      this.arm();
      return;
    }
    if (this.pending.length >= MAX_PENDING) {
      this.sink.dropped(this.pending.length + 1);
      this.pending = [];
      this.needSnapshot = true;
      this.arm();
      return;
    }
    this.pending.push(event);
    this.arm();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.pending = [];
  }

  private arm(): void {
    this.timer ??= this.sink.schedule(() => {
      this.timer = undefined;
      this.flush();
    }, this.tickMs);
  }

  private flush(): void {
    if (!this.sink.linked()) {
      if (this.pending.length > 0) this.sink.dropped(this.pending.length);
      this.pending = [];
      return;
    }
    if (!this.sink.writable()) {
      // Backed up: whatever is pending is superseded by a snapshot once the socket drains.
      if (this.pending.length > 0) this.sink.dropped(this.pending.length);
      this.pending = [];
      this.needSnapshot = true;
      this.arm();
      return;
    }
    if (this.needSnapshot) {
      this.needSnapshot = false;
      this.pending = [];
      this.sink.sendSnapshot(this.seq);
      return;
    }
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    this.seq += 1;
    this.sink.sendEvents(this.seq, events);
  }
}
