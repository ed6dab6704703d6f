/**
 * The records in flight on one uplink connection: which outbox entries were sent and not yet
 * acknowledged, and where sending continues. Pure: no socket, no database.
 *
 * The window bounds memory and the bytes queued in front of live events on the same socket:
 * at most `window` records are unacknowledged at any time, so a backlog of any size drains as a
 * steady stream (window ÷ round trip) while live frames slip in between.
 *
 * A new connection starts a new window from seq 0: everything still in the outbox is sent again
 * in order, and the hub's idempotent ingest answers `duplicate` for what it already had.
 */
import type { RecordAck } from '@callgate/contracts';

export interface InFlight {
  recordId: string;
  createdMs: number;
}

export interface AckOutcome {
  /** Acked as stored, duplicate or replaced: delete from the outbox. */
  delivered: number[];
  /** Acked as dead-lettered: move to the rejected table. */
  rejected: RecordAck[];
  /** Acks for seqs not in flight, or with another record id (a hub bug): ignored. */
  unexpected: RecordAck[];
}

export class RecordWindow {
  private readonly inFlight = new Map<number, InFlight>();
  private lastSent = 0;

  constructor(readonly window: number) {}

  /** How many more records may be sent now. */
  room(): number {
    return Math.max(0, this.window - this.inFlight.size);
  }

  /** Send entries with seq greater than this. */
  get lastSentSeq(): number {
    return this.lastSent;
  }

  get size(): number {
    return this.inFlight.size;
  }

  sent(seq: number, entry: InFlight): void {
    this.inFlight.set(seq, entry);
    if (seq > this.lastSent) this.lastSent = seq;
  }

  acked(acks: readonly RecordAck[]): AckOutcome {
    const out: AckOutcome = { delivered: [], rejected: [], unexpected: [] };
    for (const ack of acks) {
      const entry = this.inFlight.get(ack.seq);
      if (!entry || entry.recordId !== ack.recordId) {
        out.unexpected.push(ack);
        continue;
      }
      this.inFlight.delete(ack.seq);
      if (ack.result === 'dead-lettered') out.rejected.push(ack);
      else out.delivered.push(ack.seq);
    }
    return out;
  }
}
