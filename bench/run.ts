/**
 * `npm run bench [-- NAME…] [--tiny] [--out DIR]`: runs every benchmark (`bench/*.bench.ts`)
 * or the named ones, prints each one's tables and targets, and writes `DIR/NAME.json`
 * (default `bench/results/`, `NAME.tiny.json` for tiny runs). Exits 1 when a full run misses
 * a target, 2 on an unknown name or flag.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { formatTable, machine, type Benchmark, type BenchSize } from './harness.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

export function benchmarkNames(): string[] {
  return readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.slice(0, -'.bench.ts'.length))
    .sort();
}

export async function loadBenchmark(name: string): Promise<Benchmark> {
  const module = (await import(pathToFileURL(join(BENCH_DIR, `${name}.bench.ts`)).href)) as { default?: Benchmark };
  const bench = module.default;
  if (!bench || bench.name !== name || typeof bench.run !== 'function') {
    throw new Error(`bench/${name}.bench.ts must default-export a Benchmark named "${name}"`);
  }
  return bench;
}

export async function runBenchmarks(
  names: string[],
  options: { size: BenchSize; outDir: string; print: (text: string) => void; log: (line: string) => void },
): Promise<{ missed: string[] }> {
  const missed: string[] = [];
  const host = machine();
  options.print(
    `machine: ${host.cpu}, ${host.cores} cores, ${host.memoryGiB} GiB; node ${host.node}; ${host.os}; load ${host.loadAverage}\n`,
  );
  for (const name of names) {
    const bench = await loadBenchmark(name);
    options.print(`\n== ${name}${options.size === 'tiny' ? ' (tiny)' : ''}: ${bench.description}\n`);
    const started = new Date();
    const outcome = await bench.run({ size: options.size, log: options.log });
    for (const table of outcome.tables) options.print(`\n${formatTable(table)}\n`);
    for (const target of outcome.targets) {
      const verdict = options.size === 'tiny' ? 'not judged (tiny)' : target.met ? 'met' : 'MISSED';
      options.print(`target: ${target.name}: ${target.detail} — ${verdict}\n`);
      if (options.size === 'full' && !target.met) missed.push(`${name}: ${target.name}`);
    }
    mkdirSync(options.outDir, { recursive: true });
    const file = join(options.outDir, `${name}${options.size === 'tiny' ? '.tiny' : ''}.json`);
    const result = {
      name,
      description: bench.description,
      size: options.size,
      date: started.toISOString(),
      command: `npm run bench -- ${name}${options.size === 'tiny' ? ' --tiny' : ''}`,
      machine: host,
      tables: outcome.tables,
      targets: outcome.targets,
      data: outcome.data,
    };
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    options.print(`wrote ${file}\n`);
  }
  return { missed };
}

async function cli(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { tiny: { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    return 2;
  }
  const available = benchmarkNames();
  if (parsed.values.help) {
    process.stdout.write(`Usage: npm run bench -- [NAME…] [--tiny] [--out DIR]\nBenchmarks: ${available.join(', ')}\n`);
    return 0;
  }
  const unknown = parsed.positionals.filter((n) => !available.includes(n));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')}; available: ${available.join(', ')}\n`);
    return 2;
  }
  const { missed } = await runBenchmarks(parsed.positionals.length > 0 ? parsed.positionals : available, {
    size: parsed.values.tiny ? 'tiny' : 'full',
    outDir: resolve(parsed.values.out ?? join(BENCH_DIR, 'results')),
    print: (text) => process.stdout.write(text),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  if (missed.length > 0) {
    process.stderr.write(`bench: target missed: ${missed.join('; ')}\n`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await cli(process.argv.slice(2));
}
