#!/usr/bin/env node
// The `callgate` command. Sources are TypeScript run through tsx's loader (see
// docs/decisions.md: one artifact for dev, tests and production, no build step to forget).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
