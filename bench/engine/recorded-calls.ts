/**
 * The recordings with calls (fixtures/ami, both Asterisk versions) as a long stream of engine
 * inputs: each recording turned into inputs the way `callgate replay` does, then copied many
 * times with every identity renamed (Uniqueids, Linkedids, channel names, bridge ids,
 * ActionIDs, call ids) so the copies are different calls, their operators spread over 200
 * groups of the lab's three (a 600-operator site), laid out one after another or overlapping.
 * Shared by the engine and allocation benchmarks, so both measure the same traffic.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AmiMessage, AmiParser, parseTrace } from '@callgate/ami';
import type { DomainEvent, SiteConfig } from '@callgate/contracts';
import {
  createEngineState,
  engineConfig,
  parseConfigText,
  step,
  traceInputs,
  validateSiteConfig,
  type EngineInput,
} from '@callgate/gateway';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = join(ROOT, 'fixtures', 'ami');
const SITES = join(ROOT, 'packages', 'gateway', 'test', 'fixtures', 'sites');
/** Copies are spread over this many groups of the lab's operators (600 operators: a big site). */
const OPERATOR_GROUPS = 200;

/** The lab site with its operators repeated per group: `PJSIP/1001` of group 7 is `PJSIP/1001g7`. */
function bigSite(version: string): SiteConfig {
  const lab = site(version);
  const operators = [];
  for (let g = 0; g < OPERATOR_GROUPS; g++) {
    for (const op of lab.operators) {
      operators.push({
        ...op,
        id: `${op.id}-g${g}`,
        extension: String((g + 1) * 10_000 + Number(op.extension)),
        endpoint: `${op.endpoint}g${g}`,
      });
    }
  }
  return { ...lab, operators };
}
const bigSites = new Map<string, SiteConfig>();
export function siteFor(version: string): SiteConfig {
  let s = bigSites.get(version);
  if (!s) {
    s = bigSite(version);
    bigSites.set(version, s);
  }
  return s;
}
const OPERATOR_DEVICE = /\b((?:PJSIP|SIP)\/100[1-4])(?=$|[-;,&@]|\b)/g;

export interface Timed {
  at: number;
  input: EngineInput;
}

function site(version: string): SiteConfig {
  const path = join(SITES, version.includes('chansip') ? 'lab-chansip.yaml' : 'lab-pjsip.yaml');
  return validateSiteConfig(parseConfigText(readFileSync(path, 'utf8'), path), path, SITES);
}

/** The recordings with calls, as engine inputs (per Asterisk version: the site differs). */
function recordings(): Array<{ version: string; inputs: Timed[] }> {
  const out: Array<{ version: string; inputs: Timed[] }> = [];
  for (const version of readdirSync(FIXTURES).sort()) {
    if (!version.startsWith('asterisk-')) continue;
    const config = site(version);
    for (const file of readdirSync(join(FIXTURES, version)).sort()) {
      if (!file.endsWith('.jsonl')) continue;
      const lines = parseTrace(readFileSync(join(FIXTURES, version, file), 'utf8'));
      const inputs = [...traceInputs(lines, config)];
      const hasCall = inputs.some((i) => i.input.type === 'ami-event' && i.input.message.event === 'Newchannel');
      // Resyncs speak for every channel Asterisk has: they would close the other copies' calls.
      const calm = inputs.filter((i) => i.input.type !== 'ami-resync' && i.input.type !== 'ami-disconnected');
      if (hasCall || inputs.some((i) => i.input.type === 'originate-requested')) out.push({ version, inputs: calm });
    }
  }
  return out;
}

const ID_KEY = /(uniqueid|linkedid)$/i;
const CHANNEL_KEY = /channel$/i;

/** Copy `n` of a message: every identity made unique to the copy. */
function renameMessage(msg: AmiMessage, n: number): AmiMessage {
  const tag = n.toString(36);
  const group = `g${n % OPERATOR_GROUPS}`;
  return AmiMessage.fromHeaders(
    msg.headers().map(([k, raw]): [string, string] => {
      if (raw === '' || raw === '<unknown>') return [k, raw];
      const v = raw.replace(OPERATOR_DEVICE, `$1${group}`);
      if (/bridgeuniqueid$/i.test(k) || k === 'BridgeId') return [k, `${tag}-${v}`];
      if (ID_KEY.test(k)) return [k, `${tag}x${v}`];
      // Channel names keep Asterisk's 8-hex-digit suffix (the engine reads the device before it).
      if (CHANNEL_KEY.test(k)) {
        return [
          k,
          v.replace(/-([0-9a-f]{8})(;[12])?$/, (_m, hex: string, half?: string) => {
            const unique = (n * 4096 + Number.parseInt(hex, 16)) % 2 ** 32;
            return `-${unique.toString(16).padStart(8, '0')}${half ?? ''}`;
          }),
        ];
      }
      if (k === 'ActionID') return [k, `${tag}/${v}`];
      if (/^(__)?(CALLGATE_CALL_ID|CRM_CALL_ID)$/.test(msg.get('Variable') ?? '') && k === 'Value')
        return [k, `${tag}-${v}`];
      return [k, v];
    }),
  );
}

function renameInput(input: EngineInput, n: number): EngineInput {
  const tag = n.toString(36);
  switch (input.type) {
    case 'ami-event':
      return { type: 'ami-event', message: renameMessage(input.message, n) };
    case 'originate-requested':
      return { ...input, callId: `${tag}-${input.callId}`, actionId: `${tag}/${input.actionId}` };
    case 'originate-failed':
      return { ...input, actionId: `${tag}/${input.actionId}` };
    default:
      return input;
  }
}

export interface Stream {
  name: string;
  byVersion: Map<string, Timed[]>;
  events: number;
  /** Per version, per input: the bytes of an AMI event as Asterisk sends it (undefined for other inputs). */
  wire: Map<string, Array<Buffer | undefined>>;
}

export function build(copies: number, spacingMs: number | undefined, name: string): Stream {
  const recs = recordings();
  const byVersion = new Map<string, Timed[]>();
  let offset = 0;
  for (let n = 0; n < copies; n++) {
    const rec = recs[n % recs.length];
    if (!rec) break;
    const start = spacingMs === undefined ? offset : n * spacingMs;
    const last = rec.inputs.at(-1)?.at ?? 0;
    const list = byVersion.get(rec.version) ?? [];
    for (const { at, input } of rec.inputs) list.push({ at: start + at, input: renameInput(input, n) });
    byVersion.set(rec.version, list);
    offset = start + last + 1;
  }
  let events = 0;
  const wire = new Map<string, Array<Buffer | undefined>>();
  for (const [version, list] of byVersion) {
    list.sort((a, b) => a.at - b.at);
    const perInput: Array<Buffer | undefined> = [];
    for (const { input } of list) {
      if (input.type !== 'ami-event') {
        perInput.push(undefined);
        continue;
      }
      events++;
      const raw = `${input.message
        .headers()
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('')}\r\n`;
      perInput.push(Buffer.from(raw, 'utf8'));
    }
    wire.set(version, perInput);
  }
  return { name, byVersion, events, wire };
}

/** A parser that hands every message to `message` and throws on an error (the bytes are Asterisk's own). */
function parserFor(message: (m: AmiMessage) => void): AmiParser {
  return new AmiParser(
    {
      greeting: () => {},
      message,
      error: (e) => {
        throw e;
      },
    },
    { expectGreeting: false },
  );
}

/** Every AMI event's bytes through one parser, one read per message; `read` is done to each message. Returns the messages. */
export function parseStream(stream: Stream, read: (message: AmiMessage) => void): number {
  let n = 0;
  const parser = parserFor((message) => {
    read(message);
    n++;
  });
  for (const list of stream.wire.values()) for (const bytes of list) if (bytes) parser.push(bytes);
  return n;
}

/**
 * As the gateway runs them: each event's bytes through the parser (one read per message, as a
 * quiet socket delivers them) and straight into the engine, the other inputs (Originates) fed as
 * they come. `onEvent` sees every domain event. Returns the AMI events parsed.
 */
export function parseAndStep(stream: Stream, onEvent: (event: DomainEvent) => void): number {
  let n = 0;
  for (const [version, list] of stream.byVersion) {
    const state = createEngineState(engineConfig(siteFor(version)), 0, { amiConnected: true });
    let now = 0;
    const parser = parserFor((message) => {
      n++;
      for (const event of step(state, { type: 'ami-event', message }, now).events) onEvent(event);
    });
    const wire = stream.wire.get(version) ?? [];
    list.forEach(({ at, input }, k) => {
      now = at;
      const bytes = wire[k];
      if (bytes) parser.push(bytes);
      else for (const event of step(state, input, at).events) onEvent(event);
    });
  }
  return n;
}
