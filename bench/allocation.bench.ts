/**
 * allocation: bytes the V8 heap allocates per AMI event on the gateway's path, against
 * splitting every message into headers (what an AMI library does; the baseline), on the same
 * bytes in the same process. Garbage per event sets how often the young generation fills, so
 * the gateway's collector work and the young-generation size it needs (its RSS): the
 * gateway-events benchmark shows the effect end to end, this one the cause, deterministically.
 *
 * Input: the recordings with calls, copied with renamed identities and overlapping (as the
 * engine benchmark's "concurrent" layout: a few hundred calls up at once), serialized as
 * Asterisk sends them. Measured in a child process (allocation/allocation-probe.ts) whose
 * young generation holds everything one pass allocates, so no collection runs inside a pass:
 *   - parse, every header split: the baseline;
 *   - parse, headers read on demand: the parser as the gateway uses it, reading `Event` only;
 *   - parse + engine: each event parsed and stepped through the call engine, as the gateway does.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ProbeResult } from './allocation/allocation-probe.js';
import { thousands, type Benchmark, type BenchTable } from './harness.js';

const PROBE = join(dirname(fileURLToPath(import.meta.url)), 'allocation', 'allocation-probe.ts');
/** Young-generation semi-space for the probe, MiB: larger than one pass of the full size allocates. */
const SEMI_SPACE_MIB = 1024;

async function probe(copies: number): Promise<ProbeResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      '--expose-gc',
      `--max-semi-space-size=${SEMI_SPACE_MIB}`,
      `--min-semi-space-size=${SEMI_SPACE_MIB}`,
      PROBE,
      String(copies),
    ],
    { maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout) as ProbeResult;
}

const benchmark: Benchmark = {
  name: 'allocation',
  description:
    'bytes allocated per AMI event: parse and parse + engine as the gateway runs them, vs splitting every header',
  async run(ctx) {
    const copies = ctx.size === 'tiny' ? 20 : 300;
    ctx.log(`allocation: ${copies} copies of the recordings in a child process`);
    const result = await probe(copies);
    const disturbed = result.measurements.filter((m) => m.collections > 0);
    if (disturbed.length > 0) {
      throw new Error(`the collector ran during: ${disturbed.map((m) => m.name).join(', ')}; raise SEMI_SPACE_MIB`);
    }
    const baseline = result.measurements[0]?.bytesPerEvent ?? Number.NaN;
    const table: BenchTable = {
      title:
        `Bytes allocated per AMI event (${thousands(result.events)} events, ${Math.round(result.wireBytesPerEvent)} bytes ` +
        `each on the wire on average; no collection during any pass)`,
      columns: ['work', 'bytes per event', 'vs every header split'],
      rows: result.measurements.map((m) => [
        m.name,
        thousands(m.bytesPerEvent),
        `${(m.bytesPerEvent / baseline).toFixed(2)}×`,
      ]),
    };
    return { tables: [table], targets: [], data: { copies, semiSpaceMiB: SEMI_SPACE_MIB, ...result } };
  },
};

export default benchmark;
