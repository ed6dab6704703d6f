/**
 * engine: how many AMI events per second the gateway's call engine sustains on one core,
 * replaying a long concatenation of the recordings in fixtures/ami, against the cost of parsing
 * the same bytes (the AmiParser, measured in the same run) as the baseline.
 *
 * Input: every recording with calls (both Asterisk versions), each turned into the engine's
 * inputs the way `callgate replay` does (Asterisk's events of the client's connection, its
 * click-to-call Originates, resyncs), then copied many times with every identity renamed
 * (Uniqueids, Linkedids, channel names, bridge ids, ActionIDs, call ids) so the copies are
 * different calls, their operators spread over 200 groups of the lab's three (a 600-operator
 * site, as the architecture plans), and laid out in time:
 *   - sequential: one copy after another (a quiet site);
 *   - concurrent: copies started 20 ms apart, so a few hundred calls are up at once (a busy
 *     site: the engine's maps hold hundreds of calls, channels and bridges; the table says how
 *     many at most).
 * Measured:
 *   - parse: `AmiParser.push` over the serialized events, one read per message, every message's
 *     headers split (the baseline: what reading an event costs; the parser itself splits a
 *     message only when more than a few headers are read, see ami-parse);
 *   - engine: `step()` over every input, messages already parsed (what the engine adds);
 *   - parse + engine: both, as the gateway runs them: each event's bytes parsed (one read per
 *     message) and handed to the engine, which splits the headers of the events it reads.
 * Every run must produce the same number of records (the calls replayed), or the run fails.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AmiMessage, AmiParser, parseTrace } from '@callgate/ami';
import type { SiteConfig } from '@callgate/contracts';
import {
  createEngineState,
  engineConfig,
  parseConfigText,
  step,
  traceInputs,
  validateSiteConfig,
  type EngineInput,
} from '@callgate/gateway';
import { median, thousands, timeMs, type BenchOutcome, type Benchmark, type BenchTable } from './harness.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = join(ROOT, 'fixtures', 'ami');
const SITES = join(ROOT, 'packages', 'gateway', 'test', 'fixtures', 'sites');
/** The engine may cost at most this many times the parser per event (parse + engine ≥ parse ÷ this). */
const TARGET_COST_RATIO = 4;
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
function siteFor(version: string): SiteConfig {
  let s = bigSites.get(version);
  if (!s) {
    s = bigSite(version);
    bigSites.set(version, s);
  }
  return s;
}
const OPERATOR_DEVICE = /\b((?:PJSIP|SIP)\/100[1-4])(?=$|[-;,&@]|\b)/g;

interface Timed {
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

interface Stream {
  name: string;
  byVersion: Map<string, Timed[]>;
  events: number;
  /** Per version, per input: the bytes of an AMI event as Asterisk sends it (undefined for other inputs). */
  wire: Map<string, Array<Buffer | undefined>>;
}

function build(copies: number, spacingMs: number | undefined, name: string): Stream {
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

function runEngine(stream: Stream): number {
  let records = 0;
  for (const [version, list] of stream.byVersion) {
    const state = createEngineState(engineConfig(siteFor(version)), 0, { amiConnected: true });
    for (const { at, input } of list) {
      for (const event of step(state, input, at).events) if (event.type === 'call.ended') records++;
    }
  }
  return records;
}

/**
 * The most calls up at once in a stream, measured once outside the timing; and a check that the
 * renamed operators are still operators (records with segments), or the bench measures nothing real.
 */
function peakCalls(stream: Stream): number {
  let peak = 0;
  let withSegments = 0;
  for (const [version, list] of stream.byVersion) {
    const state = createEngineState(engineConfig(siteFor(version)), 0, { amiConnected: true });
    for (const { at, input } of list) {
      for (const event of step(state, input, at).events) {
        if (event.type === 'call.ended' && event.record.segments.length > 0) withSegments++;
      }
      peak = Math.max(peak, state.calls.size);
    }
  }
  if (withSegments === 0) throw new Error(`${stream.name}: no record has an operator segment`);
  return peak;
}

/** The baseline: the same bytes through the parser, one read per message, as `runBoth` feeds them. */
function runParser(stream: Stream): number {
  let n = 0;
  const parser = new AmiParser(
    {
      greeting: () => {},
      message: (message) => {
        if (message.size > 0) n++;
      },
      error: (e) => {
        throw e;
      },
    },
    { expectGreeting: false },
  );
  for (const list of stream.wire.values()) for (const bytes of list) if (bytes) parser.push(bytes);
  return n;
}

/**
 * Parse and feed as the gateway does: each message's bytes through the parser (one read per
 * message, as a quiet socket delivers them) and straight into the engine.
 */
function runBoth(stream: Stream): number {
  let records = 0;
  for (const [version, list] of stream.byVersion) {
    const state = createEngineState(engineConfig(siteFor(version)), 0, { amiConnected: true });
    let now = 0;
    const parser = new AmiParser(
      {
        greeting: () => {},
        message: (message) => {
          for (const event of step(state, { type: 'ami-event', message }, now).events) {
            if (event.type === 'call.ended') records++;
          }
        },
        error: (e) => {
          throw e;
        },
      },
      { expectGreeting: false },
    );
    const wire = stream.wire.get(version) ?? [];
    list.forEach(({ at, input }, k) => {
      now = at;
      const bytes = wire[k];
      if (bytes) parser.push(bytes);
      else for (const event of step(state, input, at).events) if (event.type === 'call.ended') records++;
    });
  }
  return records;
}

const benchmark: Benchmark = {
  name: 'engine',
  description: 'call engine events/s on one core over the recordings, vs parsing the same bytes',
  run(ctx) {
    const copies = ctx.size === 'tiny' ? 40 : 600;
    const runs = ctx.size === 'tiny' ? 1 : 3;
    const warmup = ctx.size === 'tiny' ? 0 : 1;
    const streams = [build(copies, undefined, 'sequential'), build(copies, 20, 'concurrent')];
    const rows: BenchTable['rows'] = [];
    const targets: BenchOutcome['targets'] = [];
    const data: Record<string, unknown> = { copies, runs };
    const expected = runEngine(streams[0] as Stream);
    for (const stream of streams) {
      const times = { parse: [] as number[], engine: [] as number[], both: [] as number[] };
      for (let r = 0; r < warmup + runs; r++) {
        ctx.log(`engine: ${stream.name} round ${r + 1}/${warmup + runs}`);
        let parsed = 0;
        let recorded = 0;
        let recordedBoth = 0;
        const tp = timeMs(() => {
          parsed = runParser(stream);
        });
        const te = timeMs(() => {
          recorded = runEngine(stream);
        });
        const tb = timeMs(() => {
          recordedBoth = runBoth(stream);
        });
        if (parsed !== stream.events) throw new Error(`parser saw ${parsed} messages, expected ${stream.events}`);
        if (recorded !== expected || recordedBoth !== expected) {
          throw new Error(`${stream.name}: ${recorded}/${recordedBoth} records, expected ${expected}`);
        }
        if (r < warmup) continue;
        times.parse.push(tp);
        times.engine.push(te);
        times.both.push(tb);
      }
      const peak = peakCalls(stream);
      const rate = (ms: number): number => (stream.events / ms) * 1000;
      const parse = rate(median(times.parse));
      const engine = rate(median(times.engine));
      const both = rate(median(times.both));
      const layout = `${stream.name} (≤ ${peak} calls up)`;
      rows.push(
        [layout, 'parse (baseline)', thousands(parse), '1.00'],
        [layout, 'engine step()', thousands(engine), (parse / engine).toFixed(2)],
        [layout, 'parse + engine', thousands(both), (parse / both).toFixed(2)],
      );
      targets.push({
        name: `${stream.name}: parse + engine costs ≤ ${TARGET_COST_RATIO}× parsing alone per event`,
        met: parse / both <= TARGET_COST_RATIO,
        detail: `${(parse / both).toFixed(2)}× (${thousands(both)} events/s)`,
      });
      data[stream.name] = { events: stream.events, records: expected, peakCalls: peak, ms: times };
    }
    return Promise.resolve({
      tables: [
        {
          title: `AMI events per second on one core (${copies} copies of the recordings, ${streams[0]?.events ?? 0} events, ${expected} records)`,
          columns: ['layout', 'work', 'events/s', 'cost vs parse'],
          rows,
        },
      ],
      targets,
      data,
    });
  },
};

export default benchmark;
