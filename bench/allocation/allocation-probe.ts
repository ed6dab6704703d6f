/**
 * Child process of the allocation benchmark: how many bytes the V8 heap allocates per AMI event
 * on the gateway's path. Started with a young generation larger than everything measured
 * (`--min-semi-space-size` = `--max-semi-space-size`) and `--expose-gc`, so no collection runs
 * inside a measurement: the growth of the used heap over one pass is what that pass allocated.
 * A pass during which the collector ran anyway is reported, and the benchmark fails on it.
 *
 * argv: copies of the recordings. Prints one JSON object (`ProbeResult`) on stdout.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { build, parseAndStep, parseStream } from '../engine/recorded-calls.js';

export interface ProbeMeasurement {
  name: string;
  events: number;
  bytesPerEvent: number;
  /** Collections seen during the pass (must be 0 for the number to mean anything). */
  collections: number;
}

export interface ProbeResult {
  events: number;
  wireBytesPerEvent: number;
  measurements: ProbeMeasurement[];
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

let collections = 0;
new PerformanceObserver((list) => {
  collections += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

async function measure(name: string, pass: () => number): Promise<ProbeMeasurement> {
  pass(); // warm-up: compiled code and the engine's maps, not counted
  gc?.();
  await settle(); // the explicit collection's own entry arrives here
  const seen = collections;
  const before = getHeapStatistics().used_heap_size;
  const events = pass();
  const after = getHeapStatistics().used_heap_size;
  await settle();
  return { name, events, bytesPerEvent: (after - before) / events, collections: collections - seen };
}

const copies = Number(process.argv[2] ?? '40');
const stream = build(copies, 20, 'concurrent');
let wireBytes = 0;
for (const list of stream.wire.values()) for (const bytes of list) wireBytes += bytes?.length ?? 0;
const measurements = [
  await measure('parse, every header split (baseline)', () =>
    parseStream(stream, (m) => {
      if (m.size === 0) throw new Error('empty message');
    }),
  ),
  await measure('parse, headers read on demand (Event)', () =>
    parseStream(stream, (m) => {
      if (m.event === undefined) throw new Error('not an event');
    }),
  ),
  await measure('parse + engine (the gateway)', () => parseAndStep(stream, () => {})),
];
const result: ProbeResult = { events: stream.events, wireBytesPerEvent: wireBytes / stream.events, measurements };
process.stdout.write(`${JSON.stringify(result)}\n`);
