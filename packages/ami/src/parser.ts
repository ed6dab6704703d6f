/**
 * Streaming AMI parser: bytes in, messages out. Knows nothing of sockets or actions.
 *
 * Framing, as recorded from Asterisk 20 and 22 (fixtures/ami):
 * - the connection opens with a one-line banner (`Asterisk Call Manager/11.0.0\r\n`) and no
 *   blank line after it;
 * - every other message is `Key: Value\r\n` lines closed by an empty line (`\r\n\r\n`);
 * - the value starts after the single space that follows the first colon; empty values keep
 *   their line (`AccountCode: `);
 * - Asterisk ≤ 13 answers `Command` with `Response: Follows`, raw output lines ending in a
 *   bare LF, and `--END COMMAND--`. The output becomes `Output` headers, the same shape
 *   Asterisk ≥ 14 sends, so callers see one form.
 *
 * Bytes may arrive split anywhere (inside a header, a CRLF or a UTF-8 character): the parser
 * keeps undecoded bytes until a whole message is there, and decodes text per message, so no
 * character is ever cut. Pending bytes are searched only once for a terminator, so feeding a
 * message one byte at a time stays linear.
 *
 * A message larger than `maxMessageBytes` is reported as a typed error and skipped up to its
 * terminator; memory stays bounded by that limit whatever the peer sends.
 */
import { AmiError, AmiErrorCode } from './errors.js';
import { AmiMessage, splitHeaders } from './message.js';

export interface AmiParserSink {
  greeting(banner: string): void;
  message(message: AmiMessage): void;
  error(error: AmiError): void;
}

export interface AmiParserOptions {
  /** Largest message accepted, terminator excluded. Default 1 MiB. */
  maxMessageBytes?: number;
  /** Expect a banner line first (Asterisk → client stream). Default true. */
  expectGreeting?: boolean;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

const CR = 13;
const LF = 10;
const R = 0x52; // 'R' of `Response: Follows`
const F = 0x46; // 'F' of `Follows`, at offset 10
const TERMINATOR = Buffer.from('\r\n\r\n', 'latin1');
const END_COMMAND = '--END COMMAND--';
const FOLLOWS_PREFIX = Buffer.from('Response: Follows', 'latin1');

const enum State {
  Greeting,
  Messages,
  Discarding,
}

export class AmiParser {
  readonly #sink: AmiParserSink;
  readonly #maxMessageBytes: number;
  readonly #expectGreeting: boolean;
  #state: State;
  /** Bytes not yet consumed; only `#pending[0, #pendingLength)` is meaningful. */
  #pending: Buffer = Buffer.alloc(0);
  #pendingLength = 0;
  /** Offset in `#pending` before which no terminator can start (already searched). */
  #searchedTo = 0;

  constructor(sink: AmiParserSink, options: AmiParserOptions = {}) {
    this.#sink = sink;
    this.#maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#expectGreeting = options.expectGreeting ?? true;
    this.#state = this.#expectGreeting ? State.Greeting : State.Messages;
  }

  /** Bytes held while waiting for the rest of a message. */
  get bufferedBytes(): number {
    return this.#pendingLength;
  }

  /** Forget everything buffered: call when a new connection starts. */
  reset(): void {
    this.#pending = Buffer.alloc(0);
    this.#pendingLength = 0;
    this.#searchedTo = 0;
    this.#state = this.#expectGreeting ? State.Greeting : State.Messages;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.#pendingLength === 0) {
      // Fast path: parse straight from the chunk; copy only what is left over.
      const view = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
      const consumed = this.#drain(view, 0);
      this.#keep(view, consumed);
      return;
    }
    this.#append(chunk);
    const view = this.#pending.subarray(0, this.#pendingLength);
    const consumed = this.#drain(view, this.#searchedTo);
    this.#keep(view, consumed);
  }

  /** Parses whole messages out of `view`; returns how many bytes were consumed. */
  #drain(view: Buffer, searchedTo: number): number {
    let start = 0;
    let searchFrom = Math.max(0, searchedTo - 3);
    for (;;) {
      if (this.#state === State.Discarding) {
        const end = view.indexOf(TERMINATOR, searchFrom);
        if (end < 0) {
          // Keep at most the 3 bytes that might begin a terminator split across chunks.
          const keepFrom = Math.max(start, view.length - 3);
          this.#searchedTo = 0;
          return keepFrom;
        }
        start = end + 4;
        searchFrom = start;
        this.#state = State.Messages;
        continue;
      }

      if (this.#state === State.Greeting) {
        const eol = view.indexOf(LF, Math.max(start, searchFrom));
        if (eol < 0) {
          // One byte of slack: a CR may be waiting for its LF.
          if (view.length - start > this.#maxMessageBytes + 1) this.#tooLarge(view.length - start);
          else {
            this.#searchedTo = view.length - start;
            return start;
          }
          searchFrom = start;
          continue;
        }
        const lineEnd = eol > start && view[eol - 1] === CR ? eol - 1 : eol;
        if (lineEnd - start > this.#maxMessageBytes) {
          this.#tooLarge(lineEnd - start);
          searchFrom = start;
          continue;
        }
        const line = view.toString('utf8', start, lineEnd);
        this.#state = State.Messages;
        searchFrom = start;
        if (line.includes(':')) continue; // no banner (a proxy, or a resumed stream): parse as a message
        this.#sink.greeting(line);
        start = eol + 1;
        searchFrom = start;
        continue;
      }

      const end = view.indexOf(TERMINATOR, Math.max(start, searchFrom));
      if (end < 0) {
        // Up to 3 bytes may be the start of a terminator that has not fully arrived.
        if (view.length - start > this.#maxMessageBytes + 3) {
          this.#tooLarge(view.length - start);
          searchFrom = Math.max(start, view.length - 3);
          continue;
        }
        this.#searchedTo = view.length - start;
        return start;
      }
      if (end - start > this.#maxMessageBytes) {
        this.#tooLarge(end - start);
        start = end + 4;
        searchFrom = start;
        this.#state = State.Messages;
        continue;
      }
      if (this.#isUnfinishedFollows(view, start, end)) {
        // Legacy command output may itself hold blank lines; wait for --END COMMAND--.
        searchFrom = end + 1;
        continue;
      }
      this.#emit(view, start, end);
      start = end + 4;
      searchFrom = start;
    }
  }

  #isUnfinishedFollows(view: Buffer, start: number, end: number): boolean {
    return isFollows(view, start, end) && view.lastIndexOf(END_COMMAND, end, 'latin1') < start;
  }

  #tooLarge(size: number): void {
    this.#state = State.Discarding;
    this.#sink.error(
      new AmiError(
        AmiErrorCode.MessageTooLarge,
        `AMI message exceeds ${this.#maxMessageBytes} bytes; skipped up to its end`,
        { size, limit: this.#maxMessageBytes },
      ),
    );
  }

  #emit(view: Buffer, start: number, end: number): void {
    if (onlyLineBreaks(view, start, end)) return; // stray blank lines between messages
    const text = view.toString('utf8', start, end);
    // Headers are split when read (AmiMessage.fromText): most events are dropped after `Event`.
    this.#sink.message(isFollows(view, start, end) ? new AmiMessage(parseFollows(text)) : AmiMessage.fromText(text));
  }

  /** Stores `view[consumed…]` as the pending bytes. */
  #keep(view: Buffer, consumed: number): void {
    const rest = view.length - consumed;
    if (rest === 0) {
      this.#pendingLength = 0;
      this.#searchedTo = 0;
      if (this.#pending.length > 64 * 1024) this.#pending = Buffer.alloc(0);
      return;
    }
    if (view.buffer === this.#pending.buffer && view.byteOffset === this.#pending.byteOffset) {
      this.#pending.copyWithin(0, consumed, view.length);
    } else {
      this.#ensureCapacity(rest);
      view.copy(this.#pending, 0, consumed);
    }
    this.#pendingLength = rest;
  }

  #append(chunk: Uint8Array): void {
    this.#ensureCapacity(this.#pendingLength + chunk.length);
    this.#pending.set(chunk, this.#pendingLength);
    this.#pendingLength += chunk.length;
  }

  #ensureCapacity(size: number): void {
    if (this.#pending.length >= size) return;
    const next = Buffer.allocUnsafe(Math.max(size, this.#pending.length * 2, 4096));
    this.#pending.copy(next, 0, 0, this.#pendingLength);
    this.#pending = next;
  }
}

/** Starts with `Response: Follows`? Events (most messages) are told apart by their first byte. */
function isFollows(view: Buffer, start: number, end: number): boolean {
  if (view[start] !== R || end - start < FOLLOWS_PREFIX.length || view[start + 10] !== F) return false;
  return view.compare(FOLLOWS_PREFIX, 0, FOLLOWS_PREFIX.length, start, start + FOLLOWS_PREFIX.length) === 0;
}

function onlyLineBreaks(view: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (view[i] !== CR && view[i] !== LF) return false;
  return true;
}

/**
 * Legacy `Response: Follows` (Asterisk ≤ 13): CRLF headers, then command output lines ending
 * in a bare LF, then `--END COMMAND--`, possibly glued to the last output line.
 */
function parseFollows(text: string): string[] {
  const fields: string[] = [];
  const lines = text.split('\n');
  let inHeaders = true;
  for (const raw of lines) {
    const crlf = raw.endsWith('\r');
    let line = crlf ? raw.slice(0, -1) : raw;
    if (line.endsWith(END_COMMAND)) {
      line = line.slice(0, -END_COMMAND.length);
      if (line !== '') fields.push('Output', line);
      break;
    }
    if (inHeaders && crlf && /^[A-Za-z0-9_-]+: ?/.test(line)) {
      fields.push(...splitHeaders(line));
      continue;
    }
    inHeaders = false;
    fields.push('Output', line);
  }
  return fields;
}
