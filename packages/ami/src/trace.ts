/**
 * The AMI trace format (JSON lines `{t, dir, raw, conn}`), as used by fixtures/ami and by
 * `callgate ami record`. A line's `raw` is a chunk of one direction's byte stream of one
 * connection: one whole message in the shared recordings, but a tap writes TCP reads as they
 * come, so a line may hold part of a message or several. Decoding therefore runs one parser
 * per (conn, dir) stream and stamps each message with the `t` of the chunk that completed it.
 */
import { AmiError, AmiErrorCode } from './errors.js';
import { AmiParser } from './parser.js';
import type { AmiMessage } from './message.js';

export type TraceDirection = 'in' | 'out';

export interface TraceLine {
  /** Milliseconds since the trace began. */
  t: number;
  /** `in`: sent by Asterisk; `out`: sent by the client. */
  dir: TraceDirection;
  raw: string;
  conn: number;
}

export type TraceItem =
  | { t: number; dir: TraceDirection; conn: number; greeting: string }
  | { t: number; dir: TraceDirection; conn: number; message: AmiMessage }
  | { t: number; dir: TraceDirection; conn: number; error: AmiError };

/** Parses one JSON line of a trace; `lineNumber` is for the error message. */
export function parseTraceLine(line: string, lineNumber: number): TraceLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new AmiError(AmiErrorCode.BadTrace, `trace line ${lineNumber} is not JSON`, { line: lineNumber });
  }
  if (typeof value !== 'object' || value === null) {
    throw new AmiError(AmiErrorCode.BadTrace, `trace line ${lineNumber} is not an object`, { line: lineNumber });
  }
  const v = value as Record<string, unknown>;
  if (typeof v.t !== 'number' || !Number.isFinite(v.t)) throw badField(lineNumber, 't', 'a number');
  if (v.dir !== 'in' && v.dir !== 'out') throw badField(lineNumber, 'dir', '"in" or "out"');
  if (typeof v.raw !== 'string') throw badField(lineNumber, 'raw', 'a string');
  const conn = v.conn === undefined ? 1 : v.conn;
  if (typeof conn !== 'number' || !Number.isInteger(conn)) throw badField(lineNumber, 'conn', 'an integer');
  return { t: v.t, dir: v.dir, raw: v.raw, conn };
}

function badField(line: number, field: string, expected: string): AmiError {
  return new AmiError(AmiErrorCode.BadTrace, `trace line ${line}: "${field}" must be ${expected}`, { line, field });
}

/** Parses a whole trace text (blank lines ignored). */
export function parseTrace(text: string): TraceLine[] {
  const out: TraceLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    out.push(parseTraceLine(line, i + 1));
  }
  return out;
}

export interface TraceDecodeOptions {
  maxMessageBytes?: number;
  /** Re-chunks each line's bytes (tests prove the result does not depend on it). */
  split?: (bytes: Buffer) => Buffer[];
}

/**
 * Decodes trace lines into messages as they come, so a trace of any length streams through in
 * bounded memory: one parser per (conn, dir) stream, each message stamped with the `t` of the
 * line that completed it.
 */
export class TraceDecoder {
  readonly #onItem: (item: TraceItem) => void;
  readonly #options: TraceDecodeOptions;
  readonly #streams = new Map<
    string,
    { parser: AmiParser; current: { t: number }; conn: number; dir: TraceDirection }
  >();

  constructor(onItem: (item: TraceItem) => void, options: TraceDecodeOptions = {}) {
    this.#onItem = onItem;
    this.#options = options;
  }

  push(line: TraceLine): void {
    const key = `${line.conn}:${line.dir}`;
    let entry = this.#streams.get(key);
    if (!entry) {
      const current = { t: line.t };
      const { conn, dir } = line;
      const onItem = this.#onItem;
      const parser = new AmiParser(
        {
          greeting: (greeting) => onItem({ t: current.t, dir, conn, greeting }),
          message: (message) => onItem({ t: current.t, dir, conn, message }),
          error: (error) => onItem({ t: current.t, dir, conn, error }),
        },
        {
          expectGreeting: dir === 'in',
          ...(this.#options.maxMessageBytes ? { maxMessageBytes: this.#options.maxMessageBytes } : {}),
        },
      );
      entry = { parser, current, conn, dir };
      this.#streams.set(key, entry);
    }
    entry.current.t = line.t;
    const bytes = Buffer.from(line.raw, 'utf8');
    if (this.#options.split) for (const part of this.#options.split(bytes)) entry.parser.push(part);
    else entry.parser.push(bytes);
  }

  /**
   * Reports streams that end inside a message (a tap stopped mid-read, a cut file) as
   * `AMI_ERR_BAD_TRACE` items, so a reader sees that bytes were left undecoded.
   */
  end(): void {
    for (const { parser, current, conn, dir } of this.#streams.values()) {
      const left = parser.bufferedBytes;
      if (left === 0) continue;
      this.#onItem({
        t: current.t,
        dir,
        conn,
        error: new AmiError(AmiErrorCode.BadTrace, `conn ${conn} ${dir}: trace ends inside a message`, {
          conn,
          dir,
          bytes: left,
        }),
      });
    }
  }
}

/** Decodes a whole trace into items, in trace order (see `TraceDecoder`). */
export function decodeTrace(lines: Iterable<TraceLine>, options: TraceDecodeOptions = {}): TraceItem[] {
  const items: TraceItem[] = [];
  const decoder = new TraceDecoder((item) => items.push(item), options);
  for (const line of lines) decoder.push(line);
  decoder.end();
  return items;
}

/** The JSON line `callgate ami decode` prints for one item. */
export function traceItemToJson(item: TraceItem): string {
  if ('greeting' in item) return JSON.stringify({ t: item.t, dir: item.dir, conn: item.conn, greeting: item.greeting });
  if ('error' in item) {
    return JSON.stringify({
      t: item.t,
      dir: item.dir,
      conn: item.conn,
      error: { code: item.error.code, message: item.error.message },
    });
  }
  return JSON.stringify({ t: item.t, dir: item.dir, conn: item.conn, headers: item.message.headers() });
}
