// Latency attribution (bench/gateway-events/event-attribution.ts) on a recording of real
// Asterisk: each operator event is tied to the AMI event after which the gateway sends it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { decodeTrace, parseTrace } from '@callgate/ami';
import { parseConfigText, validateSiteConfig } from '@callgate/gateway';
import { attributeOperatorEvents, KeyCounter, type SentEvent } from '../../gateway-events/event-attribution.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SITES = join(ROOT, 'packages', 'gateway', 'test', 'fixtures', 'sites');

/** Asterisk's events of the first connection of a recording, sent 1 ms apart. */
function recordedEvents(file: string): SentEvent[] {
  const lines = parseTrace(readFileSync(join(ROOT, 'fixtures', 'ami', 'asterisk-22.10.1', file), 'utf8'));
  const sent: SentEvent[] = [];
  let conn: number | undefined;
  for (const item of decodeTrace(lines)) {
    if ('error' in item || 'greeting' in item || item.dir !== 'in') continue;
    conn ??= item.conn;
    if (item.conn !== conn || item.message.kind !== 'event') continue;
    sent.push({ sentUs: sent.length * 1000, fields: item.message.headers().flat() });
  }
  return sent;
}

function labSite() {
  const path = join(SITES, 'lab-pjsip.yaml');
  return validateSiteConfig(parseConfigText(readFileSync(path, 'utf8'), path), path, SITES);
}

describe('gateway-events latency attribution', () => {
  it('ties the offer, the answer and the end of a recorded queue call to the AMI events that caused them', () => {
    const sent = recordedEvents('02-inbound-queue-answered-customer-hangup.jsonl');
    const { causes } = attributeOperatorEvents(labSite(), sent, Date.parse('2026-11-27T10:00:00Z'));
    const byKind = new Map<string, Array<{ operator: string; event: string }>>();
    for (const [key, sentUs] of causes) {
      const [operator = '', , kind = ''] = key.split(' ');
      const cause = sent[sentUs / 1000];
      assert.ok(cause, key);
      const list = byKind.get(kind) ?? [];
      list.push({ operator, event: cause.fields[1] ?? '' });
      byKind.set(kind, list);
    }
    // Recording 02: the queue rings 1001 and 1002 (ringall), 1001 answers, the customer hangs up.
    assert.deepEqual(
      byKind
        .get('call.offered')
        ?.map((c) => c.operator)
        .sort(),
      ['op-1001', 'op-1002'],
    );
    assert.deepEqual(
      byKind.get('call.answered')?.map((c) => c.operator),
      ['op-1001'],
    );
    assert.deepEqual(
      byKind
        .get('call.ended')
        ?.map((c) => c.operator)
        .sort(),
      ['op-1001', 'op-1002'],
      "1002's offer ends when 1001 answers; 1001's call when it is over",
    );
    const firstOffer = Math.min(...[...causes].filter(([k]) => k.includes('call.offered')).map(([, t]) => t));
    const answer = [...causes].find(([k]) => k.includes('call.answered'))?.[1] ?? -1;
    const lastEnd = Math.max(...[...causes].filter(([k]) => k.includes('call.ended')).map(([, t]) => t));
    assert.ok(firstOffer < answer && answer < lastEnd, 'offer, answer and end in the order Asterisk told them');
  });

  it('numbers repeated events of the same operator and call, so the n-th one pairs with the n-th', () => {
    const counter = new KeyCounter();
    assert.equal(counter.next('op-1', 'c-1', 'call.offered'), 'op-1 c-1 call.offered #1');
    assert.equal(counter.next('op-1', 'c-1', 'call.offered'), 'op-1 c-1 call.offered #2');
    assert.equal(counter.next('op-2', 'c-1', 'call.offered'), 'op-2 c-1 call.offered #1');
  });
});
