#!/usr/bin/env node
// The `callgate` command. Runs the JavaScript bundle `npm run build` made when it was built from
// exactly the sources in this checkout (no tsx thread: less memory and a faster start), and the
// TypeScript sources through tsx otherwise — after an edit, a `git pull` without a build, or
// with CALLGATE_FROM_SOURCES=1. docs/decisions.md, "Running from sources or the bundle".
import { freshBundle } from './bundle-check.js';

const bundle = process.env.CALLGATE_FROM_SOURCES === '1' ? { entry: null } : freshBundle();
let main;
if (bundle.entry) {
  ({ main } = await import(bundle.entry));
} else {
  // A build that no longer matches the checkout is worth a line: a daemon then runs with tsx.
  if (bundle.reason && !bundle.reason.startsWith('no build')) {
    process.stderr.write(`callgate: running from the sources: ${bundle.reason}\n`);
  }
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
