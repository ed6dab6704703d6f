import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallRecord, DomainEvent, LiveChange, OperatorStatus, SiteLiveSnapshot } from '@callgate/contracts';
import { LiveView } from '../src/live/live-view.js';
import { makeRecord } from './support/records.js';

/** 2026-11-27 09:00 UTC = 11:00 in Tallinn. */
const T = Date.parse('2026-11-27T09:00:00.000Z');
const iso = (offsetSeconds: number): string => new Date(T + offsetSeconds * 1000).toISOString();

function view(now = { t: T }) {
  const v = new LiveView({ serviceLevelSeconds: 20, clock: () => now.t, timeZoneOf: () => 'Europe/Tallinn' });
  const seen: LiveChange[] = [];
  v.subscribe((changes) => seen.push(...changes));
  return { v, seen, now };
}

const status = (operatorId: string, over: Partial<OperatorStatus> = {}): OperatorStatus => ({
  operatorId,
  phone: 'idle',
  work: 'ready',
  pauseReason: null,
  since: iso(-600),
  callId: null,
  ...over,
});

const callInfo = (callId: string) => ({
  site: 'tallinn',
  callId,
  direction: 'inbound' as const,
  customerNumber: '+37251234567',
  line: '+3726001000',
  queue: 'support',
  crmRef: null,
});

const queued = (callId: string, s: number): DomainEvent => ({ type: 'call.queued', at: iso(s), ...callInfo(callId) });
const offered = (callId: string, s: number, operatorId: string): DomainEvent => ({
  type: 'call.offered',
  at: iso(s),
  ...callInfo(callId),
  operatorId,
});
const answered = (callId: string, s: number, operatorId: string): DomainEvent => ({
  type: 'call.answered',
  at: iso(s),
  ...callInfo(callId),
  operatorId,
});
const ended = (callId: string, s: number, record: CallRecord): DomainEvent => ({
  type: 'call.ended',
  site: 'tallinn',
  at: iso(s),
  callId,
  record,
});

function snapshot(over: Partial<SiteLiveSnapshot> = {}): SiteLiveSnapshot {
  return {
    site: 'tallinn',
    at: iso(0),
    amiConnected: true,
    operators: [status('anna'), status('boris')],
    calls: [],
    ...over,
  };
}

describe('live view', () => {
  it('follows a queued call from waiting through ringing and talking to its end', () => {
    const { v } = view();
    v.applySnapshot(snapshot());
    v.applyEvent(queued('c1', 1));
    assert.equal(v.state()[0]?.calls[0]?.state, 'queued');
    v.applyEvent(offered('c1', 5, 'anna'));
    v.applyEvent(offered('c1', 5, 'boris'));
    assert.deepEqual(v.state()[0]?.calls[0]?.operatorIds, ['anna', 'boris']);
    v.applyEvent({
      type: 'call.offer-ended',
      site: 'tallinn',
      at: iso(8),
      callId: 'c1',
      operatorId: 'boris',
      result: 'cancelled',
    });
    v.applyEvent(answered('c1', 8, 'anna'));
    v.applyEvent({ type: 'call.held', site: 'tallinn', at: iso(20), callId: 'c1', operatorId: 'anna' });
    const held = v.state()[0]?.calls[0];
    assert.equal(held?.state, 'on-hold');
    assert.equal(held?.answeredAt, iso(8));
    assert.deepEqual(held?.operatorIds, ['anna']);
    v.applyEvent({
      type: 'operator.status',
      site: 'tallinn',
      at: iso(8),
      status: status('anna', { phone: 'in-call', callId: 'c1' }),
    });
    assert.equal(v.state()[0]?.operators.find((o) => o.operatorId === 'anna')?.phone, 'in-call');
    v.applyEvent(
      ended(
        'c1',
        60,
        makeRecord({ callId: 'c1', startedAt: iso(1), answeredAt: iso(8), endedAt: iso(60), waitSeconds: 7 }),
      ),
    );
    assert.deepEqual(v.state()[0]?.calls, []);
  });

  it("shows a click-to-call as dialling once the customer's phone rings, then talking", () => {
    const { v } = view();
    v.applySnapshot(snapshot());
    const info = { ...callInfo('cc1'), direction: 'outbound' as const, line: null, queue: null, crmRef: 'deal-7' };
    v.applyEvent({ type: 'call.offered', at: iso(1), ...info, operatorId: 'anna' });
    assert.equal(v.state()[0]?.calls[0]?.state, 'ringing', "the operator's own phone rings first");
    v.applyEvent({ type: 'call.dialing', at: iso(2), ...info, operatorId: 'anna' });
    assert.deepEqual(
      [v.state()[0]?.calls[0]?.state, v.state()[0]?.calls[0]?.operatorIds, v.state()[0]?.calls[0]?.crmRef],
      ['dialing', ['anna'], 'deal-7'],
    );
    v.applyEvent({ type: 'call.answered', at: iso(5), ...info, operatorId: 'anna' });
    assert.deepEqual([v.state()[0]?.calls[0]?.state, v.state()[0]?.calls[0]?.answeredAt], ['talking', iso(5)]);
    v.applyEvent({ type: 'call.dialing', at: iso(6), ...info, operatorId: 'anna' });
    assert.equal(v.state()[0]?.calls[0]?.state, 'talking', 'a late report never turns a talking call back');
  });

  it('counts each call once in offered, answered and abandoned, however often it is reported', () => {
    const { v } = view();
    v.applySnapshot(snapshot({ calls: [] }));
    // c1 answered after 7 s, c2 after 30 s (outside the 20 s service level), c3 abandoned, c4 waiting.
    for (const [id, s] of [
      ['c1', 1],
      ['c2', 2],
      ['c3', 3],
      ['c4', 4],
    ] as const)
      v.applyEvent(queued(id, s));
    v.applyEvent(answered('c1', 8, 'anna'));
    v.applyEvent(answered('c2', 32, 'boris'));
    const r1 = makeRecord({ callId: 'c1', startedAt: iso(1), answeredAt: iso(8), endedAt: iso(100), waitSeconds: 7 });
    const r2 = makeRecord({ callId: 'c2', startedAt: iso(2), answeredAt: iso(32), endedAt: iso(100), waitSeconds: 30 });
    const r3 = makeRecord({
      callId: 'c3',
      startedAt: iso(3),
      answeredAt: null,
      endedAt: iso(40),
      outcome: 'abandoned',
      waitSeconds: 37,
      segments: [],
      offers: [],
    });
    for (const r of [r1, r2, r3]) {
      v.applyEvent(ended(r.callId, 100, r));
      v.countRecord(r); // the same record again, from ingest
    }
    // The gateway reconnects and re-sends its state with c4 still waiting.
    v.applySnapshot(
      snapshot({
        calls: [
          { ...callInfo('c4'), state: 'queued' as const, startedAt: iso(4), answeredAt: null, operatorIds: [] },
        ].map(({ site: _s, ...c }) => c),
      }),
    );
    const counters = v.state()[0]?.counters;
    assert.deepEqual(counters?.total, {
      offered: 4,
      answered: 2,
      abandoned: 1,
      averageWaitSeconds: 18.5,
      answeredWithinThreshold: 1,
      serviceLevel: 0.3333,
    });
    assert.deepEqual(counters?.queues.support, counters?.total);
    assert.equal(counters?.day, '2026-11-27');
  });

  it("starts new counters at the site's local midnight, not UTC's", () => {
    const now = { t: Date.parse('2026-11-27T21:58:00.000Z') }; // 23:58 in Tallinn
    const { v, seen } = view(now);
    v.applyEvent({ ...queued('late', 0), at: new Date(now.t).toISOString() });
    assert.equal(v.state()[0]?.counters.total.offered, 1);
    now.t += 3 * 60_000; // 00:01 on the 28th in Tallinn, still the 27th in UTC
    const state = v.state()[0];
    assert.equal(state?.counters.day, '2026-11-28');
    assert.equal(state?.counters.total.offered, 0);
    v.applyEvent({
      type: 'operator.status',
      site: 'tallinn',
      at: new Date(now.t).toISOString(),
      status: status('anna'),
    });
    assert.ok(seen.some((c) => c.kind === 'counters' && c.counters.day === '2026-11-28'));
  });

  it('keeps a site whose uplink dropped, marked unlinked, and a reconnect snapshot replaces its state', () => {
    const { v, seen } = view();
    v.applySnapshot(snapshot());
    v.applyEvent(queued('gone', 1));
    v.setLinked('tallinn', false);
    const stale = v.state()[0];
    assert.equal(stale?.linked, false);
    assert.equal(stale?.amiConnected, false);
    assert.equal(stale?.calls.length, 1, 'the last known state stays visible');
    assert.deepEqual(seen.at(-1), {
      kind: 'link',
      site: 'tallinn',
      linked: false,
      amiConnected: false,
      updatedAt: iso(1),
    });
    v.applySnapshot(snapshot({ at: iso(50), operators: [status('anna')] }));
    const fresh = v.state()[0];
    assert.equal(fresh?.linked, true);
    assert.deepEqual(fresh?.calls, []);
    assert.deepEqual(
      fresh?.operators.map((o) => o.operatorId),
      ['anna'],
    );
  });

  it('ignores events about a call it never saw start, until the next snapshot brings it', () => {
    const { v, seen } = view();
    v.applySnapshot(snapshot());
    const before = seen.length;
    v.applyEvent({ type: 'call.held', site: 'tallinn', at: iso(5), callId: 'unknown', operatorId: 'anna' });
    v.applyEvent({
      type: 'call.transferred',
      site: 'tallinn',
      at: iso(5),
      callId: 'unknown',
      kind: 'blind',
      fromOperatorId: 'anna',
      toOperatorId: 'boris',
      toNumber: '1002',
    });
    assert.equal(seen.length, before);
    assert.deepEqual(v.state()[0]?.calls, []);
  });
});
