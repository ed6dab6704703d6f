#!/usr/bin/env node
// `npm test`: typecheck, lint, then every package's tests (one node:test entry file per
// package, run as separate processes), then the browser end-to-end tests if present.
// `--only unit` skips typecheck and lint; `--package NAME` runs one package's tests.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const pkg = args.includes('--package') ? args[args.indexOf('--package') + 1] : undefined;

function run(label, cmd, cmdArgs, env = {}) {
  const started = Date.now();
  process.stdout.write(`\n== ${label}\n`);
  const result = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stdout.write(`== ${label}: FAILED after ${seconds} s\n`);
    process.exit(result.status ?? 1);
  }
  process.stdout.write(`== ${label}: ok in ${seconds} s\n`);
}

if (only !== 'unit' && !pkg) {
  run('typecheck', 'npx', ['tsc', '-b']);
  run('lint', 'npx', ['eslint', '.']);
  run('format', 'npx', ['prettier', '--check', '.', '--log-level', 'warn']);
}

const entries = [];
for (const dir of ['packages', '.']) {
  const names = dir === '.' ? ['bench', 'e2e', 'system'] : readdirSync(dir);
  for (const name of names) {
    if (pkg && name !== pkg) continue;
    const entry = join(dir, name, 'test', 'all.test.ts');
    if (existsSync(entry)) entries.push(entry);
  }
}
if (entries.length === 0) {
  console.error(`no test entry found${pkg ? ` for ${pkg}` : ''}`);
  process.exit(1);
}
run(`tests (${entries.join(', ')})`, process.execPath, [
  '--import',
  'tsx',
  '--test',
  '--test-concurrency=1',
  '--test-reporter=spec',
  ...entries,
]);
