import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { GatewayErrorCode } from '../src/errors.js';

describe('gateway error codes', () => {
  it('are all documented in docs/errors.md, where users search for them', () => {
    const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    for (const code of Object.values(GatewayErrorCode)) assert.ok(doc.includes(`\`${code}\``), code);
  });
});
