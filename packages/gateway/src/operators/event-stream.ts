/**
 * One operator's event stream: sequence numbers and a bounded replay buffer, shared by all of
 * the operator's tabs so they stay consistent. A client that reconnects with
 * `{streamId, lastSeq}` gets the missed events replayed when they are still buffered, and a
 * snapshot otherwise (a gateway restart changes the streamId, so resume is never wrong).
 */
import type { EventMessage, OperatorEvent } from '@callgate/contracts';

export class OperatorEventStream {
  readonly #capacity: number;
  readonly #buffer: EventMessage[] = [];
  #seq = 0;

  constructor(capacity = 256) {
    this.#capacity = capacity;
  }

  /** Sequence number of the last event appended (0 before any). */
  get seq(): number {
    return this.#seq;
  }

  append(event: OperatorEvent, at: string): EventMessage {
    const message: EventMessage = { type: 'event', seq: ++this.#seq, at, event };
    this.#buffer.push(message);
    if (this.#buffer.length > this.#capacity) this.#buffer.shift();
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
