/**
 * What operators' panels learn while a call runs, read from the domain events and from
 * `operatorCalls` (the gateway maps both into the operator protocol): a gateway that starts in
 * the middle of a call (recording 15's own CoreShowChannels), the consultation of an attended
 * transfer (recording 12), and a click-to-call's dialling of the customer (06, 07). The
 * situations no recording shows are scripted with the event layout of the recorded ones.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DomainEvent } from '@callgate/contracts';
import { callRecordValidator, domainEventValidator } from '@callgate/contracts';
import {
  callIdForLinkedid,
  createEngineState,
  engineConfig,
  operatorCalls,
  step,
  traceInputs,
  type EngineInput,
  type EngineState,
} from '../../src/engine/index.js';
import { AmiScript } from './ami-script.js';
import { CHANSIP, listRecordings, loadSite, loadTrace, PJSIP } from './support.js';

const site = loadSite(PJSIP);
const BASE = Date.parse('2030-01-01T10:00:00Z');

function feed(state: EngineState, input: EngineInput, t: number, into: DomainEvent[]): void {
  for (const e of step(state, input, BASE + t).events) {
    assert.ok(domainEventValidator.check(e), JSON.stringify(e));
    into.push(e);
  }
}

/** The consultation-related events for one operator, as `[type, colleague]`. */
function consultation(events: DomainEvent[], operatorId: string): Array<[string, string | null]> {
  return events.flatMap((e): Array<[string, string | null]> =>
    e.type === 'call.consulting' && e.operatorId === operatorId ? [[e.type, e.colleagueOperatorId]] : [],
  );
}

describe('operators see a call as it is, whenever the gateway started watching', () => {
  it('a gateway started mid-call rebuilds it from CoreShowChannels: inbound, the customer, the operator talking', () => {
    // Recording 15: the customer (79165550101 on 74950000000, in Queue(support)) talks to 1001.
    // CoreShowChannels at t=4674 lists 1001's leg (Duration 3 s) before the customer's (4 s):
    // Asterisk sorts by name. A gateway starting here has seen nothing of the call before.
    const state = createEngineState(engineConfig(site), BASE);
    const events: DomainEvent[] = [];
    let resynced = false;
    let viewAfterResync: ReturnType<typeof operatorCalls> = [];
    for (const { at, input } of traceInputs(loadTrace(PJSIP, '15-channel-snapshot-mid-call'), site)) {
      if (!resynced && !(input.type === 'ami-resync' && input.channels)) continue;
      feed(state, input, at, events);
      if (!resynced) viewAfterResync = operatorCalls(state, 'op-1001');
      resynced = true;
    }
    const callId = callIdForLinkedid('lab-22', '1795795870.32');
    assert.equal(viewAfterResync.length, 1, 'one call on the operator');
    const [view] = viewAfterResync;
    assert.deepEqual(
      [view?.callId, view?.direction, view?.customerNumber, view?.line, view?.queue, view?.state],
      [callId, 'inbound', '+79165550101', '74950000000', 'support', 'talking'],
    );
    assert.equal(view?.answeredAt, new Date(BASE + 4674 - 3000).toISOString(), "now − the operator leg's Duration");
    assert.equal(view?.startedAt, new Date(BASE + 4674 - 4000).toISOString(), "now − the customer leg's Duration");

    const answered = events.find((e) => e.type === 'call.answered');
    assert.deepEqual(
      answered?.type === 'call.answered' && [answered.operatorId, answered.direction, answered.customerNumber],
      ['op-1001', 'inbound', '+79165550101'],
      "the operator's panel is told who they are talking to",
    );

    // The customer hangs up at 12664: the call ends for the operator, recorded once.
    assert.deepEqual(operatorCalls(state, 'op-1001'), []);
    const records = events.flatMap((e) => (e.type === 'call.ended' ? [e.record] : []));
    assert.equal(records.length, 1);
    const r = records[0];
    assert.ok(r && callRecordValidator.check(r));
    assert.deepEqual(
      [r.callId, r.direction, r.customerNumber, r.line, r.queue, r.incomplete],
      [callId, 'inbound', '+79165550101', '74950000000', 'support', true],
    );
    assert.deepEqual([r.outcome, r.hangupBy, r.hangupCause.code], ['answered', 'customer', 16]);
    assert.deepEqual(
      r.segments.map((s) => [s.operatorId, s.endedBy]),
      [['op-1001', 'hangup']],
    );
    assert.equal(r.startedAt, new Date(BASE + 674).toISOString());
    assert.equal(r.talkSeconds, 11.0, '1674 → 12664 (the real answer was 3173: the estimate includes the ringing)');
  });

  it('a click-to-call adopted after a restart is outbound to the number the operator dialled', () => {
    const s = new AmiScript({ base: BASE });
    const op = s.leg('PJSIP/1001', { exten: '79990000001', context: 'outbound', state: 6 });
    const pstn = s.leg('PJSIP/pstn', { linkedid: op.uniqueid, exten: '79990000001', context: 'from-pstn', state: 6 });
    // Listed by name, the operator's leg first; the customer's was dialled 3 s after it.
    const snapshot = [
      s.coreShowChannel(op, {
        application: 'Dial',
        applicationData: '79990000001@pstn',
        duration: '00:00:08',
        bridgeId: 'b-9',
      }),
      s.coreShowChannel(pstn, {
        application: 'AppDial',
        applicationData: '(Outgoing Line)',
        duration: '00:00:05',
        bridgeId: 'b-9',
      }),
    ];
    const state = createEngineState(engineConfig(site), BASE);
    const events: DomainEvent[] = [];
    feed(state, { type: 'ami-resync', channels: snapshot, queueStatus: [] }, 10_000, events);
    const [view] = operatorCalls(state, 'op-1001');
    assert.deepEqual(
      [view?.direction, view?.customerNumber, view?.line, view?.queue, view?.state],
      ['outbound', '+79990000001', null, null, 'talking'],
    );
  });
});

describe('an attended transfer as the two operators see it (recording 12)', () => {
  it('the transferer is told they consult, the colleague is offered the customer’s call, then named as answering', () => {
    const state = createEngineState(engineConfig(site), BASE, { amiConnected: true });
    const events: DomainEvent[] = [];
    const seen: Array<{ t: number; op1001: string | undefined }> = [];
    for (const { at, input } of traceInputs(loadTrace(PJSIP, '12-attended-transfer'), site)) {
      feed(state, input, at, events);
      seen.push({ t: at, op1001: operatorCalls(state, 'op-1001')[0]?.state });
    }
    const callId = callIdForLinkedid('lab-22', '1795795815.26');
    // 7026: 1001 leaves the customer's bridge for the consultation bridge with Local/1002@internal;
    // 9040: 1002's answer is bridged to the Local pair.
    assert.deepEqual(consultation(events, 'op-1001'), [
      ['call.consulting', null],
      ['call.consulting', 'op-1002'],
      ['call.consulting', 'op-1002'],
    ]);
    const consulting = events.filter((e) => e.type === 'call.consulting');
    assert.deepEqual(
      consulting.map((e) => [Date.parse(e.at) - BASE, e.callId]),
      [
        [7026, callId],
        [7026, callId],
        [9040, callId],
      ],
    );
    assert.equal(seen.filter((s) => s.t === 7026).at(-1)?.op1001, 'consulting', 'after the last event of 7026');

    // The colleague's phone rings on the customer's call, showing the customer (7029).
    const offer = events.find(
      (e) => e.type === 'call.offered' && e.operatorId === 'op-1002' && Date.parse(e.at) - BASE > 7000,
    );
    assert.deepEqual(
      offer?.type === 'call.offered' && [offer.callId, offer.direction, offer.customerNumber, offer.line],
      [callId, 'inbound', '+79165550101', '74950000000'],
    );
    // Completing the transfer says nothing more about the consultation: it is a transfer.
    const transferred = events.findIndex((e) => e.type === 'call.transferred');
    assert.ok(transferred > events.indexOf(consulting.at(-1) as DomainEvent));
    const records = events.flatMap((e) => (e.type === 'call.ended' ? [e.record] : []));
    assert.deepEqual(
      records.map((r) => r.segments.map((s) => [s.operatorId, s.endedBy])),
      [
        [
          ['op-1001', 'transfer'],
          ['op-1002', 'hangup'],
        ],
      ],
    );
  });

  it('a consultation given up (the colleague declines): the transferer is back on hold, then talking', () => {
    const s = new AmiScript({ base: BASE });
    const c = s.leg('PJSIP/pstn', { callerIdNum: '79161234567', exten: '74950000000', context: 'from-pstn', state: 6 });
    s.newchannel(c);
    const op = s.leg('PJSIP/1001', { linkedid: c.uniqueid });
    s.at(500).ring(c, op, 'PJSIP/1001');
    s.at(2000).answer(c, op).bridge('b-1', op, c);
    // Atxfer to 1002, as in recording 12: Hold, the Local pair, 1001 into the consultation bridge.
    s.at(4000).hold(op);
    const one = s.leg('Local/1002@internal-00000000;1', { linkedid: c.uniqueid, exten: '1002' });
    const two = s.leg('Local/1002@internal-00000000;2', { linkedid: c.uniqueid, exten: '1002', state: 4 });
    s.at(4200).newchannel(one).newchannel(two).bridge('b-2', one).leave('b-1', op).enter('b-2', op);
    const colleague = s.leg('PJSIP/1002', { linkedid: c.uniqueid });
    s.at(4210).ring(two, colleague, 'PJSIP/1002');
    // 1002 declines: its leg and the Local pair go; Asterisk puts 1001 back with the customer.
    s.at(6000).dialEnd(two, colleague, 'BUSY').hangup(colleague, 17, 'User busy');
    s.leave('b-2', one).hangup(one).hangup(two);
    s.at(6100).leave('b-2', op).enter('b-1', op);
    s.at(6200).unhold(op);
    s.at(9000).hangupRequest(c).leave('b-1', c).hangup(c).leave('b-1', op).hangup(op);
    const { events, records } = s.run(site);
    for (const e of events) assert.ok(domainEventValidator.check(e), JSON.stringify(e));
    const forOperator = events
      .filter((e) => 'operatorId' in e && e.operatorId === 'op-1001' && e.type !== 'call.offered')
      .map((e) => [Date.parse(e.at) - BASE, e.type]);
    assert.deepEqual(forOperator, [
      [2000, 'call.answered'],
      [4000, 'call.held'],
      [4200, 'call.consulting'],
      [4200, 'call.consulting'],
      [6100, 'call.held'],
      [6200, 'call.resumed'],
    ]);
    const declined = events.find((e) => e.type === 'call.offer-ended' && e.operatorId === 'op-1002');
    assert.equal(declined?.type === 'call.offer-ended' && declined.result, 'declined');
    assert.equal(records.length, 1);
    const r = records[0];
    assert.deepEqual(
      r?.segments.map((x) => [x.operatorId, x.endedBy]),
      [['op-1001', 'hangup']],
    );
    assert.deepEqual([r?.holdSeconds, r?.talkSeconds], [2.2, 4.8]);
  });
});

describe("the operator's own call dialling out: call.dialing", () => {
  it('click-to-call answered (06): once the phone is up and the customer dialled, before the answer', () => {
    const state = createEngineState(engineConfig(site), BASE, { amiConnected: true });
    const events: DomainEvent[] = [];
    for (const { at, input } of traceInputs(loadTrace(PJSIP, '06-click-to-call-answered'), site)) {
      feed(state, input, at, events);
    }
    const types = events.filter((e) => 'callId' in e && e.callId === 'abc123').map((e) => e.type);
    assert.deepEqual(
      types.filter((t) => t !== 'call.offer-ended'),
      ['call.offered', 'call.dialing', 'call.answered', 'call.ended'],
    );
    const dialing = events.find((e) => e.type === 'call.dialing');
    assert.deepEqual(
      dialing?.type === 'call.dialing' && [dialing.operatorId, dialing.direction, dialing.customerNumber],
      ['op-1001', 'outbound', '+79990000001'],
    );
  });

  it('every recording: at most once per call, never for an inbound call, always before the answer', () => {
    for (const { version, scenario } of listRecordings()) {
      const recSite = loadSite(version);
      const state = createEngineState(engineConfig(recSite), BASE, { amiConnected: true });
      const events: DomainEvent[] = [];
      for (const { at, input } of traceInputs(loadTrace(version, scenario), recSite)) feed(state, input, at, events);
      const dialled = new Set<string>();
      for (const e of events) {
        if (e.type !== 'call.dialing') continue;
        assert.ok(!dialled.has(e.callId), `${scenario}: call.dialing twice for ${e.callId}`);
        assert.notEqual(e.direction, 'inbound', scenario);
        dialled.add(e.callId);
        const answeredFirst = events.findIndex((a) => a.type === 'call.answered' && a.callId === e.callId);
        assert.ok(answeredFirst === -1 || answeredFirst > events.indexOf(e), `${scenario}: after the answer`);
      }
      // Each version's click-to-calls that reached the customer's Dial say so.
      if (scenario.startsWith('06-') || scenario.startsWith('07-')) {
        assert.equal(dialled.size, 1, `${version}/${scenario}`);
      }
    }
    assert.ok(listRecordings().some((r) => r.version === CHANSIP));
  });
});
