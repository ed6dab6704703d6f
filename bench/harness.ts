/**
 * The benchmark harness: what a benchmark is, and the helpers they share. One file per
 * benchmark, `bench/NAME.bench.ts`, default-exporting a `Benchmark`; `bench/run.ts` finds them.
 * Benchmarks compare against a baseline measured in the same run (ratios, not absolute numbers:
 * this machine is shared) and say whether their target was met.
 */
import os from 'node:os';

export type BenchSize = 'tiny' | 'full';

export interface BenchContext {
  /** `tiny`: a few milliseconds, to prove the benchmark still runs (CI); `full`: real numbers. */
  size: BenchSize;
  /** Progress lines (stderr), so long runs show life. */
  log: (line: string) => void;
}

export interface BenchTable {
  title: string;
  columns: string[];
  rows: Array<Array<string | number>>;
}

export interface BenchTarget {
  /** e.g. `ours ≥ 5× the faster npm parser (16 KiB chunks)` */
  name: string;
  met: boolean;
  /** e.g. `7.3×` */
  detail: string;
}

export interface BenchOutcome {
  tables: BenchTable[];
  /** Targets are judged on full runs only; tiny runs report them without judging. */
  targets: BenchTarget[];
  /** Everything measured (every run's time, sizes, versions), written to results/NAME.json. */
  data: Record<string, unknown>;
}

export interface Benchmark {
  /** Must equal the file name: `ami-parse` for `ami-parse.bench.ts`. */
  name: string;
  description: string;
  /** May be synchronous; the runner awaits it either way. */
  run(ctx: BenchContext): BenchOutcome | Promise<BenchOutcome>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Wall time of `fn` in milliseconds (high resolution). */
export function timeMs(fn: () => void): number {
  const started = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  /** 1-minute load average when the run started: how busy the shared machine was. */
  loadAverage: number;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: Math.round((os.loadavg()[0] ?? 0) * 10) / 10,
  };
}

/** A Markdown table (it reads fine in a terminal and pastes into RESULTS.md). */
export function formatTable(table: BenchTable): string {
  const cells = [table.columns, ...table.rows.map((r) => r.map(String))];
  const widths = table.columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [
    `${table.title}`,
    '',
    line(table.columns),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

/** Formats a rate with thousands separators: 1234567 → "1,234,567". */
export function thousands(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
