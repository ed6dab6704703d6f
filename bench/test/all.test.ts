// The bench workspace's test entry: every benchmark still runs (tiny size, each in its own
// `npm run bench -- NAME --tiny` process, so a failure names the benchmark), and the runner
// behaves as bench/README.md says. Numbers are not judged here; that is bench/RESULTS.md's job.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { formatTable, median } from '../harness.js';
import { benchmarkNames } from '../run.js';
import './gateway-events/event-attribution.test.js';
import './gateway-events/latency.test.js';

const BENCH = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = mkdtempSync(join(tmpdir(), 'callgate-bench-'));
after(() => rmSync(out, { recursive: true, force: true }));

/** The slowest tiny benchmarks start several processes (simulator, gateways, hub, operators). */
const PER_BENCHMARK_MS = 240_000;

function runBench(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(BENCH, 'run.ts'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const timer = setTimeout(() => child.kill('SIGTERM'), PER_BENCHMARK_MS);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

interface Result {
  name: string;
  size: string;
  command: string;
  machine: { cpu: string };
  tables: Array<{ rows: unknown[] }>;
}

describe('benchmarks', () => {
  const names = benchmarkNames();

  it('finds every benchmark file', () => {
    for (const name of ['ami-parse', 'gateway-events', 'click-to-call', 'two-sites']) {
      assert.ok(names.includes(name), `${name} missing from ${names.join(', ')}`);
    }
  });

  for (const name of names) {
    it(
      `${name} runs at tiny size, prints its tables and writes its JSON result`,
      { timeout: PER_BENCHMARK_MS + 10_000 },
      async () => {
        const r = await runBench([name, '--tiny', '--out', out]);
        assert.equal(r.status, 0, `exit ${r.status}\n${r.stderr.slice(-4000)}`);
        assert.match(r.stdout, new RegExp(`== ${name} \\(tiny\\)`));
        assert.match(r.stdout, /\n\| .* \|\n\| -+/, 'a Markdown table');
        const result = JSON.parse(readFileSync(join(out, `${name}.tiny.json`), 'utf8')) as Result;
        assert.equal(result.name, name);
        assert.equal(result.size, 'tiny');
        assert.equal(result.command, `npm run bench -- ${name} --tiny`);
        assert.ok(result.machine.cpu.length > 0);
        assert.ok(result.tables.length > 0 && result.tables.every((t) => t.rows.length > 0), `${name} printed no rows`);
      },
    );
  }

  it('an unknown benchmark name exits 2 and lists the available ones', async () => {
    const r = await runBench(['no-such-bench', '--tiny', '--out', out]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown benchmark no-such-bench; available: .*ami-parse/);
  });

  it('medians and tables are computed as documented', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(
      formatTable({ title: 'T', columns: ['a', 'bb'], rows: [['xyz', 1]] }),
      'T\n\n| a   | bb |\n| --- | -- |\n| xyz | 1  |',
    );
  });
});
