/**
 * The recordings in fixtures/ami (copied byte for byte from real Asterisk sessions), found by
 * walking the folder, and what their READMEs say about them. Tests assert our decoding against
 * these facts and against `referenceMessages`, a deliberately naive reading of the raw lines
 * that shares no code with the parser.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTrace, type TraceLine } from '../src/index.js';

export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'ami');

export interface Recording {
  /** `asterisk-22.10.1/02-inbound-queue-answered-customer-hangup` */
  id: string;
  version: string;
  scenario: string;
  lines: TraceLine[];
}

/** Every `*.jsonl` recording under every `asterisk-*` folder, in a stable order. */
export function listRecordings(): Recording[] {
  const out: Recording[] = [];
  for (const version of listVersions()) {
    for (const file of readdirSync(join(FIXTURES_DIR, version)).sort()) {
      if (!file.endsWith('.jsonl')) continue;
      out.push(loadRecording(version, file.replace(/\.jsonl$/, '')));
    }
  }
  return out;
}

export function listVersions(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((name) => name.startsWith('asterisk-'))
    .sort();
}

export function loadRecording(version: string, scenario: string): Recording {
  const text = readFileSync(join(FIXTURES_DIR, version, `${scenario}.jsonl`), 'utf8');
  return { id: `${version}/${scenario}`, version, scenario, lines: parseTrace(text) };
}

/** Recordings whose scenario name starts with `prefix` (`16-`), in every version folder. */
export function recordingsOf(prefix: string): Recording[] {
  return listRecordings().filter((r) => r.scenario.startsWith(prefix));
}

/** The connection numbers of a recording, ascending. */
export function connections(rec: Recording): number[] {
  return [...new Set(rec.lines.map((l) => l.conn))].sort((a, b) => a - b);
}

/** The exact byte stream of one direction of one connection. */
export function streamBytes(rec: Recording, conn: number, dir: 'in' | 'out'): Buffer {
  return Buffer.from(
    rec.lines
      .filter((l) => l.conn === conn && l.dir === dir)
      .map((l) => l.raw)
      .join(''),
    'utf8',
  );
}

export interface ReadmeFacts {
  /** The banner the README names, e.g. `Asterisk Call Manager/11.0.0`. */
  banner: string;
  /** Per scenario: the `lines (in/out)` column of the scenario table. */
  counts: Map<string, { lines: number; in: number; out: number }>;
  /** The event types listed under "Event types observed". */
  eventTypes: Set<string>;
}

/** Reads the facts tests rely on out of a version folder's README (written by the recorders). */
export function readmeFacts(version: string): ReadmeFacts {
  const text = readFileSync(join(FIXTURES_DIR, version, 'README.md'), 'utf8');
  const banner = /AMI banner: `([^`]+)`/.exec(text)?.[1];
  if (banner === undefined) throw new Error(`${version}/README.md names no AMI banner`);
  const counts = new Map<string, { lines: number; in: number; out: number }>();
  for (const m of text.matchAll(/^\| (\d\d-[a-z0-9-]+) \| (\d+) \((\d+)\/(\d+)\) \|/gm)) {
    counts.set(m[1] as string, { lines: Number(m[2]), in: Number(m[3]), out: Number(m[4]) });
  }
  const eventTypes = new Set<string>();
  const section = text.split(/^## Event types observed.*$/m)[1]?.split(/^## /m)[0] ?? '';
  for (const m of section.matchAll(/^\| \d+ \| (.+) \|$/gm)) {
    for (const name of (m[1] as string).split(',')) eventTypes.add(name.trim());
  }
  return { banner, counts, eventTypes };
}

export type ReferenceItem = { greeting: string } | { headers: Array<[string, string]> };

/**
 * A naive, independent reading of one direction of a connection: in these recordings each
 * line's `raw` is exactly one message (README: "one JSON object per AMI message"), the banner
 * being the only one without a blank line after it. Splits on CRLF and on the first colon.
 */
export function referenceMessages(rec: Recording, conn: number, dir: 'in' | 'out'): ReferenceItem[] {
  const out: ReferenceItem[] = [];
  for (const line of rec.lines) {
    if (line.conn !== conn || line.dir !== dir) continue;
    if (!line.raw.endsWith('\r\n\r\n')) {
      if (!/^[^\r\n:]+\r\n$/.test(line.raw)) throw new Error(`${rec.id}: unexpected line ${JSON.stringify(line.raw)}`);
      out.push({ greeting: line.raw.slice(0, -2) });
      continue;
    }
    const headers: Array<[string, string]> = line.raw
      .slice(0, -4)
      .split('\r\n')
      .map((h) => {
        const colon = h.indexOf(':');
        const value = h.slice(colon + 1);
        return [h.slice(0, colon), value.startsWith(' ') ? value.slice(1) : value];
      });
    out.push({ headers });
  }
  return out;
}
