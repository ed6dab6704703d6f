import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallRecord } from '@callgate/contracts';
import { expectedRecords, judge } from '../src/verdict.js';
import { callRecord } from './support/records.js';

const entry = (r: CallRecord) => ({ recordId: r.recordId, json: JSON.stringify(r) });

describe('the chaos verdict', () => {
  it('a complete version beats the incomplete one closed before it, as at the hub', () => {
    const incomplete = callRecord(1, 'moscow', { incomplete: true });
    const complete = callRecord(1);
    assert.deepEqual(expectedRecords([entry(incomplete), entry(complete)]).get('moscow-rec-1'), complete);
    assert.deepEqual(expectedRecords([entry(complete), entry(incomplete)]).get('moscow-rec-1'), complete);
  });

  it('a record missing at the hub, one the site never closed, and one with other contents are each caught', () => {
    const hub = new Map<string, CallRecord>([
      ['moscow-rec-2', callRecord(2, 'moscow', { talkSeconds: 1 })],
      ['moscow-rec-3', callRecord(3)],
      ['moscow-rec-9', callRecord(9)],
    ]);
    const verdict = judge([{ site: 'moscow', entries: [1, 2, 3].map((n) => entry(callRecord(n))), rejected: [] }], hub);
    assert.equal(verdict.ok, false);
    assert.deepEqual(verdict.perSite[0]?.missing, ['moscow-rec-1']);
    assert.deepEqual(verdict.perSite[0]?.different, ['moscow-rec-2']);
    assert.deepEqual(verdict.perSite[0]?.extra, ['moscow-rec-9']);
  });

  it('equal contents pass whatever the key order', () => {
    const record = callRecord(4);
    const reordered = Object.fromEntries(Object.entries(record).reverse()) as unknown as CallRecord;
    const verdict = judge(
      [{ site: 'moscow', entries: [entry(record)], rejected: [] }],
      new Map([['moscow-rec-4', reordered]]),
    );
    assert.equal(verdict.ok, true);
  });
});
