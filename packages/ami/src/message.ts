/**
 * One AMI message as it came off the wire: headers in order, duplicates kept.
 *
 * AMI keys are case-insensitive on the Asterisk side (`astman_get_header` uses strcasecmp),
 * so lookups here are too, while the original spelling is kept for tracing and diffing.
 * Headers are stored flat (`[k0, v0, k1, v1, …]`): the parser builds millions of these, and
 * one array per message is measurably cheaper than one tuple per header.
 *
 * A message from the parser keeps its text and answers `get` from it, allocating only the value
 * returned; it is split into headers only for the calls that list them (`headers`, `keys`,
 * `getAll`, …). About half of what Asterisk sends a call center (`VarSet` of variables nobody
 * reads, `Newexten`, `NewConnectedLine`, `AgentCalled`, …) is looked at for its `Event` and
 * dropped, and the call engine reads a dozen of the twenty-odd headers of the rest: splitting
 * every message made two strings per header of garbage, about 1.5 KB per event, for the same
 * CPU (bench/RESULTS.md, allocation).
 */
export class AmiMessage {
  #fields: string[] | undefined;
  /** The message's `Key: Value` lines (CRLF between them) while it is not split into `#fields`. */
  #text: string | undefined;
  /** `Event` once read (every consumer asks for it); null until then, undefined when absent. */
  #event: string | undefined | null = null;

  constructor(fields: string[]) {
    this.#fields = fields;
  }

  static fromHeaders(headers: ReadonlyArray<readonly [string, string]>): AmiMessage {
    const fields: string[] = [];
    for (const [k, v] of headers) fields.push(k, v);
    return new AmiMessage(fields);
  }

  /**
   * A message over its wire text: `Key: Value` lines joined by CRLF, without the blank line
   * that ends it. The text is split into headers only when it is needed.
   */
  static fromText(text: string): AmiMessage {
    const message = new AmiMessage(NO_FIELDS);
    message.#fields = undefined;
    message.#text = text;
    return message;
  }

  /** `event` for `Event:` messages, `response` for `Response:` ones, `other` otherwise. */
  get kind(): 'event' | 'response' | 'other' {
    const text = this.#text;
    if (text !== undefined) {
      if (firstKeyIs(text, 'Event')) return 'event';
      if (firstKeyIs(text, 'Response')) return 'response';
      if (text.length === 0) return 'other';
    } else {
      const first = this.#fields?.[0];
      if (first === undefined) return 'other';
      if (sameKey(first, 'Event')) return 'event';
      if (sameKey(first, 'Response')) return 'response';
    }
    // Status list items put ActionID after Event, but some proxies reorder; look further.
    if (this.get('Event') !== undefined) return 'event';
    if (this.get('Response') !== undefined) return 'response';
    return 'other';
  }

  /** The event name (`Newchannel`), or undefined for responses. */
  get event(): string | undefined {
    if (this.#event === null) this.#event = this.get('Event');
    return this.#event;
  }

  /** The response status (`Success`, `Error`, `Goodbye`, `Follows`), or undefined for events. */
  get response(): string | undefined {
    return this.get('Response');
  }

  get actionId(): string | undefined {
    return this.get('ActionID');
  }

  get size(): number {
    return this.#split().length / 2;
  }

  /** First value of `key` (case-insensitive; an exact spelling wins), or undefined. */
  get(key: string): string | undefined {
    const text = this.#text;
    if (text !== undefined) return valueInText(text, key);
    const f = this.#split();
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
    const f = this.#split();
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
    const f = this.#split();
    for (let i = 0; i < f.length; i += 2) out.push([f[i] as string, f[i + 1] as string]);
    return out;
  }

  /** Keys in wire order (duplicates kept). */
  keys(): string[] {
    const out: string[] = [];
    const f = this.#split();
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
    const f = this.#split();
    for (let i = 0; i < f.length; i += 2) {
      const k = f[i] as string;
      if (!(k in out)) out[k] = f[i + 1] as string;
    }
    return out;
  }

  /** The flat headers, splitting the text the first time they are needed. */
  #split(): string[] {
    if (this.#fields === undefined) {
      this.#fields = splitHeaders(this.#text ?? '');
      this.#text = undefined;
    }
    return this.#fields;
  }
}

/**
 * ASCII case-insensitive equality without allocating: AMI keys are ASCII, and a lookup of an
 * absent key (`ActionID` on an event) compares against every header of the same length, once per
 * AMI event — lowercasing both sides there was a steady stream of garbage (bench/RESULTS.md).
 */
function sameKey(a: string, b: string): boolean {
  return a.length === b.length && (a === b || keyAt(a, 0, b) !== Match.None);
}

const NO_FIELDS: string[] = [];
const COLON = 0x3a;
const SPACE = 0x20;

/** `Key: Value` lines separated by CRLF → flat `[k, v, …]`. A line without a colon is kept under the key ''. */
export function splitHeaders(text: string): string[] {
  const fields: string[] = [];
  const n = text.length;
  let pos = 0;
  let colon = -1; // the next colon at or after `pos` (n when there is none): found once, not once per line
  while (pos < n) {
    let eol = text.indexOf('\r\n', pos);
    if (eol < 0) eol = n;
    if (eol > pos) {
      if (colon < pos) colon = nextColon(text, pos);
      if (colon >= eol) {
        // Not a header. Real Asterisk never sends this outside legacy command output; keep the
        // text under an empty key rather than lose it.
        fields.push('', text.slice(pos, eol));
      } else {
        fields.push(text.slice(pos, colon), text.slice(valueStart(text, colon, eol), eol));
      }
    }
    pos = eol + 2;
  }
  return fields;
}

/**
 * The value of `key` in unsplit text, as `get` answers on split headers (the first header spelt
 * exactly as asked, else the first that matches ignoring case), allocating only the answer.
 */
function valueInText(text: string, key: string): string | undefined {
  const n = text.length;
  let pos = 0;
  let colon = -1;
  let folded: string | undefined;
  while (pos < n) {
    let eol = text.indexOf('\r\n', pos);
    if (eol < 0) eol = n;
    if (eol > pos) {
      if (colon < pos) colon = nextColon(text, pos);
      if (colon >= eol) {
        if (key === '') return text.slice(pos, eol);
      } else if (colon - pos === key.length) {
        const match = keyAt(text, pos, key);
        if (match === Match.Exact) return text.slice(valueStart(text, colon, eol), eol);
        if (match === Match.Folded && folded === undefined) folded = text.slice(valueStart(text, colon, eol), eol);
      }
    }
    pos = eol + 2;
  }
  return folded;
}

function nextColon(text: string, from: number): number {
  const at = text.indexOf(':', from);
  return at < 0 ? text.length : at;
}

/** The value starts after the single space that follows the colon, if there is one. */
function valueStart(text: string, colon: number, eol: number): number {
  return Math.min(text.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1, eol);
}

function firstKeyIs(text: string, key: string): boolean {
  return text.charCodeAt(key.length) === COLON && keyAt(text, 0, key) !== Match.None;
}

const enum Match {
  None,
  Folded,
  Exact,
}

/** How `text` at `pos` compares with `key` over `key.length` characters. */
function keyAt(text: string, pos: number, key: string): Match {
  let match = Match.Exact;
  for (let i = 0; i < key.length; i++) {
    const x = text.charCodeAt(pos + i);
    const y = key.charCodeAt(i);
    if (x === y) continue;
    const lower = x | 0x20;
    if (lower !== (y | 0x20) || lower < 0x61 || lower > 0x7a) return Match.None;
    match = Match.Folded;
  }
  return match;
}
