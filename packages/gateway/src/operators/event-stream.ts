/**
 * One operator's event stream: sequence numbers and a bounded replay buffer, shared by all of
 * the operator's tabs so they stay consistent. A client that reconnects with
 * `{streamId, lastSeq}` gets the missed events replayed when they are still buffered, and a
 * snapshot otherwise (a gateway restart changes the streamId, so resume is never wrong).
 *
 * The buffer holds at most `capacity` events and none older than `maxAgeMs`: replay is for a
 * page reload or a network blip, and a client away longer gets a snapshot, which is complete.
 * Without the age bound every busy operator's buffer fills to its capacity over a shift: about
 * 140 MB of heap at 1,000 operators × 256 events (bench/RESULTS.md, gateway-events).
 */
import type { EventMessage, OperatorEvent } from '@callgate/contracts';

/** Default replay window: long enough for a reload or a Wi-Fi drop, short enough to stay small. */
export const REPLAY_MAX_AGE_MS = 15 * 60_000;

export class OperatorEventStream {
  readonly #capacity: number;
  readonly #maxAgeMs: number;
  readonly #buffer: EventMessage[] = [];
  /** When each buffered event was appended (epoch ms), oldest first. */
  readonly #times: number[] = [];
  #seq = 0;

  constructor(capacity = 256, maxAgeMs = REPLAY_MAX_AGE_MS) {
    this.#capacity = capacity;
    this.#maxAgeMs = maxAgeMs;
  }

  /** Sequence number of the last event appended (0 before any). */
  get seq(): number {
    return this.#seq;
  }

  /** `nowMs` (epoch ms) ages the buffer; it defaults to `at`. */
  append(event: OperatorEvent, at: string, nowMs: number = Date.parse(at)): EventMessage {
    const message: EventMessage = { type: 'event', seq: ++this.#seq, at, event };
    this.#buffer.push(message);
    this.#times.push(nowMs);
    const oldest = nowMs - this.#maxAgeMs;
    while (this.#buffer.length > this.#capacity || (this.#times[0] ?? nowMs) < oldest) {
      this.#buffer.shift();
      this.#times.shift();
    }
    return message;
  }

  /** Events after `lastSeq`, or undefined when some of them are no longer buffered. */
  since(lastSeq: number): EventMessage[] | undefined {
    if (lastSeq > this.#seq) return undefined; // from another stream generation
    if (lastSeq === this.#seq) return [];
    const first = this.#buffer[0];
    if (!first || first.seq > lastSeq + 1) return undefined;
    return this.#buffer.slice(lastSeq + 1 - first.seq);
  }
}
