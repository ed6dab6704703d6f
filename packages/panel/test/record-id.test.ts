import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordIdOf } from '@callgate/contracts';
import { recordIdFor } from '../src/client/wrap-up-queue.js';

describe("the panel's record id rule", () => {
  it('is the contracts rule, so a disposition lands on the right record', () => {
    for (const [site, callId] of [
      ['moscow', 'c-42625bfcfa13787ca7f2e6f9'],
      ['tallinn', 'cg-mb2x9k-4f1c2a9e01'],
    ] as const) {
      assert.equal(recordIdFor(site, callId), recordIdOf(site, callId));
    }
  });
});
