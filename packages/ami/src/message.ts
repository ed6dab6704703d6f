/**
 * One AMI message as it came off the wire: headers in order, duplicates kept.
 *
 * AMI keys are case-insensitive on the Asterisk side (`astman_get_header` uses strcasecmp),
 * so lookups here are too, while the original spelling is kept for tracing and diffing.
 * Headers are stored flat (`[k0, v0, k1, v1, …]`): the parser builds millions of these, and
 * one array per message is measurably cheaper than one tuple per header.
 */
export class AmiMessage {
  readonly #fields: string[];

  constructor(fields: string[]) {
    this.#fields = fields;
  }

  static fromHeaders(headers: ReadonlyArray<readonly [string, string]>): AmiMessage {
    const fields: string[] = [];
    for (const [k, v] of headers) fields.push(k, v);
    return new AmiMessage(fields);
  }

  /** `event` for `Event:` messages, `response` for `Response:` ones, `other` otherwise. */
  get kind(): 'event' | 'response' | 'other' {
    const first = this.#fields[0];
    if (first === undefined) return 'other';
    if (sameKey(first, 'Event')) return 'event';
    if (sameKey(first, 'Response')) return 'response';
    // Status list items put ActionID after Event, but some proxies reorder; look further.
    if (this.get('Event') !== undefined) return 'event';
    if (this.get('Response') !== undefined) return 'response';
    return 'other';
  }

  /** The event name (`Newchannel`), or undefined for responses. */
  get event(): string | undefined {
    return this.get('Event');
  }

  /** The response status (`Success`, `Error`, `Goodbye`, `Follows`), or undefined for events. */
  get response(): string | undefined {
    return this.get('Response');
  }

  get actionId(): string | undefined {
    return this.get('ActionID');
  }

  get size(): number {
    return this.#fields.length / 2;
  }

  /** First value of `key` (case-insensitive), or undefined. */
  get(key: string): string | undefined {
    const f = this.#fields;
    for (let i = 0; i < f.length; i += 2) {
      if (f[i] === key) return f[i + 1];
    }
    for (let i = 0; i < f.length; i += 2) {
      if (sameKey(f[i] as string, key)) return f[i + 1];
    }
    return undefined;
  }

  /** Every value of `key` in order (`Output`, `Variable`, `ChanVariable`). */
  getAll(key: string): string[] {
    const out: string[] = [];
    const f = this.#fields;
    for (let i = 0; i < f.length; i += 2) {
      if (sameKey(f[i] as string, key)) out.push(f[i + 1] as string);
    }
    return out;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Headers as `[key, value]` pairs, in wire order. */
  headers(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const f = this.#fields;
    for (let i = 0; i < f.length; i += 2) out.push([f[i] as string, f[i + 1] as string]);
    return out;
  }

  /** Keys in wire order (duplicates kept). */
  keys(): string[] {
    const out: string[] = [];
    const f = this.#fields;
    for (let i = 0; i < f.length; i += 2) out.push(f[i] as string);
    return out;
  }

  /**
   * Integer value of `key`, or undefined when absent or not a number. Asterisk sends
   * numbers as decimal text; `<unknown>` and empty values are common and mean "none".
   */
  int(key: string): number | undefined {
    const v = this.get(key);
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }

  /** Plain object of the first value per key, for logging and quick inspection. */
  toObject(): Record<string, string> {
    const out: Record<string, string> = {};
    const f = this.#fields;
    for (let i = 0; i < f.length; i += 2) {
      const k = f[i] as string;
      if (!(k in out)) out[k] = f[i + 1] as string;
    }
    return out;
  }
}

/**
 * ASCII case-insensitive equality without allocating: AMI keys are ASCII, and a lookup of an
 * absent key (`ActionID` on an event) compares against every header of the same length, once per
 * AMI event — lowercasing both sides there was a steady stream of garbage (bench/RESULTS.md).
 */
function sameKey(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  if (a === b) return true;
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const lower = x | 0x20;
    if (lower !== (y | 0x20) || lower < 0x61 || lower > 0x7a) return false;
  }
  return true;
}
