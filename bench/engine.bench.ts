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
import { createEngineState, engineConfig, step } from '@callgate/gateway';
import { build, parseAndStep, parseStream, siteFor, type Stream } from './engine/recorded-calls.js';
import { median, thousands, timeMs, type BenchOutcome, type Benchmark, type BenchTable } from './harness.js';

/** The engine may cost at most this many times the parser per event (parse + engine ≥ parse ÷ this). */
const TARGET_COST_RATIO = 4;

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

/** The baseline: the same bytes through the parser, one read per message, every header split. */
function runParser(stream: Stream): number {
  return parseStream(stream, (message) => {
    if (message.size === 0) throw new Error('an empty message');
  });
}

/** Parse and feed as the gateway does; returns the records (call.ended) produced. */
function runBoth(stream: Stream): number {
  let records = 0;
  parseAndStep(stream, (event) => {
    if (event.type === 'call.ended') records++;
  });
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
