// docs/operations.md and the code in step: every Prometheus metric the hub and the gateway
// register has its row, and every metric the page names exists.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Metric names registered in a package's sources (`name: 'callgate_…'`). */
function registered(pkg: string): string[] {
  const names = new Set<string>();
  for (const file of sources(join(root, 'packages', pkg, 'src'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/name: '(callgate_(?:hub|gateway)_[a-z_]+)'/g))
      names.add(match[1] ?? '');
  }
  return [...names].sort();
}

describe('docs/operations.md', () => {
  const page = readFileSync(join(root, 'docs', 'operations.md'), 'utf8');
  /** The metric tables' rows: one metric each, in code font, first column. */
  const documented = page
    .split('\n')
    .map((line) => /^\| `(callgate_[a-z_]+)` /.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
  /** Every metric named anywhere on the page (alert rules too); `…_process_*` is prom-client's defaults. */
  const mentioned = [...page.matchAll(/callgate_(?:hub|gateway)_[a-z_]+(?![a-z_]*\*)/g)].map((m) => m[0]);

  it('has a row for every metric the gateway and the hub register', () => {
    for (const name of [...registered('gateway'), ...registered('hub')]) {
      assert.ok(documented.includes(name), `docs/operations.md lists ${name}`);
    }
  });

  it('names no metric that does not exist', () => {
    const known = new Set([...registered('gateway'), ...registered('hub')]);
    for (const name of mentioned) {
      assert.ok(known.has(name), `${name} in docs/operations.md is registered in the code`);
    }
  });
});
