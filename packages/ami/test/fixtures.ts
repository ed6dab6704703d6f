/** Loads the recordings in fixtures/ami (copied byte for byte from real Asterisk sessions). */
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

export function listRecordings(): Recording[] {
  const out: Recording[] = [];
  for (const version of readdirSync(FIXTURES_DIR).sort()) {
    if (!version.startsWith('asterisk-')) continue;
    for (const file of readdirSync(join(FIXTURES_DIR, version)).sort()) {
      if (!file.endsWith('.jsonl')) continue;
      out.push(loadRecording(version, file.replace(/\.jsonl$/, '')));
    }
  }
  return out;
}

export function loadRecording(version: string, scenario: string): Recording {
  const text = readFileSync(join(FIXTURES_DIR, version, `${scenario}.jsonl`), 'utf8');
  return { id: `${version}/${scenario}`, version, scenario, lines: parseTrace(text) };
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
