// The bench workspace's test entry: every benchmark still runs (tiny size), and the runner
// behaves as bench/README.md says. Numbers are not judged here; that is bench/RESULTS.md's job.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { formatTable, median } from '../harness.js';
import { benchmarkNames } from '../run.js';

const BENCH = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = mkdtempSync(join(tmpdir(), 'callgate-bench-'));
after(() => rmSync(out, { recursive: true, force: true }));

function runBench(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(BENCH, 'run.ts'), ...args], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('benchmarks', { timeout: 300_000 }, () => {
  it('every benchmark runs at tiny size, prints its table and writes its JSON result', () => {
    const names = benchmarkNames();
    assert.ok(names.includes('ami-parse'), names.join());
    const r = runBench(['--tiny', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    for (const name of names) {
      assert.match(r.stdout, new RegExp(`== ${name} \\(tiny\\)`));
      const result = JSON.parse(readFileSync(join(out, `${name}.tiny.json`), 'utf8')) as {
        name: string;
        size: string;
        machine: { cpu: string };
        tables: Array<{ rows: unknown[] }>;
      };
      assert.equal(result.name, name);
      assert.equal(result.size, 'tiny');
      assert.ok(result.machine.cpu.length > 0);
      assert.ok(result.tables.length > 0 && result.tables.every((t) => t.rows.length > 0), `${name} printed no rows`);
    }
  });

  it('an unknown benchmark name exits 2 and lists the available ones', () => {
    const r = runBench(['no-such-bench', '--tiny', '--out', out]);
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
