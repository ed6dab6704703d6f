/**
 * Call situations the recordings do not show, scripted with the event sequences Asterisk uses
 * in them (fixtures/ami READMEs): each test is a list of AMI events in, records and domain
 * events out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AmiMessage } from '@callgate/ami';
import type { CallRecord, DomainEvent } from '@callgate/contracts';
import { callRecordValidator, domainEventValidator } from '@callgate/contracts';
import { callIdForLinkedid, liveSnapshot, operatorCalls, step } from '../../src/engine/index.js';
import { AmiScript, secondsBetween, type Leg } from './ami-script.js';
import { loadSite, PJSIP } from './support.js';

const site = loadSite(PJSIP);

function only(records: CallRecord[]): CallRecord {
  assert.equal(records.length, 1, `exactly one record, got ${records.map((r) => r.callId).join(', ')}`);
  const record = records[0] as CallRecord;
  assert.ok(callRecordValidator.check(record), JSON.stringify(record));
  return record;
}

function valid(events: DomainEvent[]): DomainEvent[] {
  for (const e of events) assert.ok(domainEventValidator.check(e), JSON.stringify(e));
  return events;
}

/** An inbound customer leg on the DID, answered by the dialplan (Answer() before Queue()). */
function customer(s: AmiScript, number = '79161234567', did = '74950000000'): Leg {
  const leg = s.leg('PJSIP/pstn', { callerIdNum: number, exten: did, context: 'from-pstn', state: 4 });
  s.newchannel(leg);
  return leg;
}

/** A queue call answered by 1001 after ringing from `ringAt` to `answerAt`, bridged right after. */
function queueCallAnswered(s: AmiScript, ringAt: number, answerAt: number): { c: Leg; op: Leg; bridge: string } {
  s.at(0);
  const c = customer(s);
  s.newstate(c, 6);
  s.at(500).queueJoin(c, 'support');
  const op = s.leg('PJSIP/1001', { linkedid: c.uniqueid });
  s.at(ringAt).ring(c, op, 'PJSIP/1001');
  s.at(answerAt).answer(c, op).queueLeave(c, 'support');
  s.bridge('b-1', op, c);
  return { c, op, bridge: 'b-1' };
}

describe('call engine: calls the recordings do not show', () => {
  it('ring-no-answer then the next operator: a missed offer, then the answer', () => {
    const s = new AmiScript();
    const c = customer(s);
    s.newstate(c, 6);
    s.at(500).queueJoin(c, 'support');
    const first = s.leg('PJSIP/1001', { linkedid: c.uniqueid });
    s.at(505).ring(c, first, 'PJSIP/1001');
    // Linear strategy, timeout=10: AgentRingNoAnswer (RingTime in ms), DialEnd NOANSWER then CANCEL.
    s.at(10_505).agentRingNoAnswer(c, first, 'support', 'PJSIP/1001', 10_000);
    s.dialEnd(c, first, 'NOANSWER').dialEnd(c, first, 'CANCEL').hangup(first, 0, 'Unknown');
    const second = s.leg('PJSIP/1002', { linkedid: c.uniqueid });
    s.at(12_505).ring(c, second, 'PJSIP/1002');
    s.at(14_505).answer(c, second).queueLeave(c, 'support');
    s.bridge('b-2', second, c);
    s.at(20_000).hangupRequest(c).leave('b-2', c).leave('b-2', second).hangup(c).hangup(second);
    const { records, events } = s.run(site);
    const r = only(records);
    assert.deepEqual(
      r.offers.map((o) => [o.operatorId, o.result, o.ringSeconds]),
      [
        ['op-1001', 'no-answer', 10.0],
        ['op-1002', 'answered', 2.0],
      ],
    );
    assert.equal(r.waitSeconds, 14.0);
    assert.equal(r.ringSeconds, 2.0, "the answering operator's ring, not the missed one's");
    assert.equal(r.talkSeconds, 5.5);
    assert.deepEqual([r.outcome, r.hangupBy], ['answered', 'customer']);
    const missed = valid(events).find((e) => e.type === 'call.offer-ended');
    assert.deepEqual(missed && { op: missed.operatorId, result: missed.result }, {
      op: 'op-1001',
      result: 'no-answer',
    });
  });

  it('a customer dialled straight to an operator (no queue) who hangs up first', () => {
    const s = new AmiScript();
    const c = customer(s, '89161234567', '74950000009');
    const op = s.leg('PJSIP/1001', { linkedid: c.uniqueid });
    s.at(100).ring(c, op, 'PJSIP/1001');
    s.at(3100).answer(c, op).newstate(c, 6).bridge('b-1', op, c);
    s.at(8000).hangupRequest(op).leave('b-1', op).hangup(op).softHangup(c, 16).leave('b-1', c);
    s.at(8002).hangup(c);
    const r = only(s.run(site).records);
    assert.equal(r.direction, 'inbound');
    assert.equal(r.customerNumber, '+79161234567', 'Russian national 8… written as E.164');
    assert.equal(r.line, '74950000009');
    assert.equal(r.queue, null);
    assert.equal(r.waitSeconds, 0);
    assert.equal(r.ringSeconds, 3.0);
    assert.equal(r.talkSeconds, 4.9);
    assert.deepEqual([r.outcome, r.hangupBy], ['answered', 'operator']);
    assert.deepEqual(
      r.segments.map((x) => [x.operatorId, x.endedBy]),
      [['op-1001', 'hangup']],
    );
  });

  it('an operator calling a colleague is recorded once, as internal, with both operators', () => {
    const s = new AmiScript();
    const caller = s.leg('PJSIP/1001', { exten: '1002', state: 4 });
    s.newchannel(caller);
    const callee = s.leg('PJSIP/1002', { linkedid: caller.uniqueid });
    s.at(10).ring(caller, callee, 'PJSIP/1002');
    s.at(2010).answer(caller, callee).newstate(caller, 6).bridge('b-1', callee, caller);
    s.at(7010).hangupRequest(callee).leave('b-1', callee).hangup(callee).leave('b-1', caller).hangup(caller);
    const { records, events } = s.run(site);
    const r = only(records);
    assert.deepEqual([r.direction, r.customerNumber, r.queue], ['internal', null, null]);
    assert.deepEqual(
      r.segments.map((x) => x.operatorId),
      ['op-1001', 'op-1002'],
    );
    assert.equal(r.talkSeconds, 5.0, 'one conversation, not one per operator');
    assert.equal(r.ringSeconds, 2.0);
    assert.deepEqual(
      r.offers.map((o) => [o.operatorId, o.result]),
      [['op-1002', 'answered']],
    );
    assert.deepEqual([r.outcome, r.hangupBy], ['answered', 'operator']);
    const offered = valid(events).filter((e) => e.type === 'call.offered');
    assert.deepEqual(
      offered.map((e) => [e.operatorId, e.direction]),
      [['op-1002', 'internal']],
    );
  });

  /** Click-to-call as the gateway does it: announce, Originate with our variables, auto-answer. */
  function clickToCall(s: AmiScript, callId: string, number: string): { op: Leg; pstn: Leg } {
    s.at(0).input({
      type: 'originate-requested',
      callId,
      operatorId: 'op-1001',
      customerNumber: `+${number}`,
      crmRef: 'deal-7',
      actionId: `a-${callId}`,
    });
    const op = s.leg('PJSIP/1001');
    s.at(2).newchannel(op).varSet(op, '__CALLGATE_CALL_ID', callId).varSet(op, '__CALLGATE_CRM_REF', 'deal-7');
    s.at(5).ring(undefined, op, '1001');
    s.at(305).answer(undefined, op).originateResponse(`a-${callId}`, true, op, 4);
    const pstn = s.leg('PJSIP/pstn', { linkedid: op.uniqueid, callerIdNum: '<unknown>' });
    s.at(310).newchannel(pstn).varSet(pstn, '__CALLGATE_CALL_ID', callId);
    s.dialBegin(op, pstn, `${number}@pstn`);
    s.at(315).newstate(pstn, 5).dialState(op, pstn);
    return { op, pstn };
  }

  it('click-to-call the customer does not answer: no-answer after the Dial timeout', () => {
    const s = new AmiScript();
    const { op, pstn } = clickToCall(s, 'cc-1', '79990000003');
    s.at(30_310).dialEnd(op, pstn, 'NOANSWER').hangup(pstn).hangup(op);
    const r = only(s.run(site).records);
    assert.deepEqual([r.callId, r.recordId, r.crmRef], ['cc-1', 'lab-22:cc-1', 'deal-7']);
    assert.deepEqual([r.direction, r.customerNumber], ['outbound', '+79990000003']);
    assert.deepEqual([r.outcome, r.hangupBy, r.answeredAt], ['no-answer', 'system', null]);
    assert.equal(r.ringSeconds, 30.0, "the customer's phone rang for the whole Dial timeout");
    assert.equal(secondsBetween(r.startedAt, r.endedAt), 30.31);
    assert.deepEqual(
      r.offers.map((o) => [o.operatorId, o.result, o.ringSeconds]),
      [['op-1001', 'answered', 0.3]],
    );
  });

  it('click-to-call cancelled from the panel while the customer rings: cancelled by the operator', () => {
    const s = new AmiScript();
    const { op, pstn } = clickToCall(s, 'cc-2', '79990000001');
    // The panel's hangup: the gateway tells the engine, then AMI Hangup gives only soft requests
    // and Cause 0 on the operator's leg, Cause 16 on the cancelled PSTN leg (22.10.1 README).
    s.at(5_000).input({ type: 'hangup-requested', callId: 'cc-2', operatorId: 'op-1001' });
    s.softHangup(op, 16).dialEnd(op, pstn, 'CANCEL').hangup(pstn).hangup(op, 0, 'Unknown');
    const r = only(s.run(site).records);
    assert.deepEqual([r.outcome, r.hangupBy], ['cancelled', 'operator']);
    assert.equal(r.ringSeconds, 4.7);
  });

  it("click-to-call whose operator's phone never answers: cancelled, the customer never called", () => {
    const s = new AmiScript();
    s.input({
      type: 'originate-requested',
      callId: 'cc-3',
      operatorId: 'op-1001',
      customerNumber: '+79990000001',
      crmRef: null,
      actionId: 'a-3',
    });
    const op = s.leg('PJSIP/1001');
    s.at(2).newchannel(op).varSet(op, '__CALLGATE_CALL_ID', 'cc-3');
    s.at(5).ring(undefined, op, '1001');
    s.at(30_005).dialEnd(undefined, op, 'NOANSWER').hangup(op, 19, 'User alerting, no answer');
    s.originateResponse('a-3', false, undefined, 3);
    const r = only(s.run(site).records);
    assert.deepEqual([r.outcome, r.hangupBy, r.customerNumber], ['cancelled', 'system', '+79990000001']);
    assert.deepEqual(
      r.offers.map((o) => [o.operatorId, o.result, o.ringSeconds]),
      [['op-1001', 'no-answer', 30.0]],
    );
    assert.deepEqual(r.hangupCause, { code: 19, text: 'User alerting, no answer' });
  });

  it('a click-to-call to a colleague is internal: the caller answers their phone, the colleague does not', () => {
    const s = new AmiScript();
    s.input({
      type: 'originate-requested',
      callId: 'cc-int',
      operatorId: 'op-1001',
      customerNumber: '1002',
      crmRef: null,
      actionId: 'a-int',
    });
    const op = s.leg('PJSIP/1001');
    s.at(2).newchannel(op).varSet(op, '__CALLGATE_CALL_ID', 'cc-int');
    s.at(5).ring(undefined, op, '1001');
    s.at(305).answer(undefined, op).originateResponse('a-int', true, op, 4);
    const colleague = s.leg('PJSIP/1002', { linkedid: op.uniqueid });
    s.at(310).ring(op, colleague, 'PJSIP/1002');
    s.at(20_310).dialEnd(op, colleague, 'NOANSWER').hangup(colleague, 0, 'Unknown').hangup(op);
    const r = only(s.run(site).records);
    assert.deepEqual([r.callId, r.direction, r.customerNumber], ['cc-int', 'internal', null]);
    assert.deepEqual([r.outcome, r.hangupBy], ['no-answer', 'system']);
    assert.deepEqual(
      r.offers.map((o) => [o.operatorId, o.result]),
      [
        ['op-1001', 'answered'],
        ['op-1002', 'no-answer'],
      ],
    );
  });

  it('a click-to-call refused by Asterisk before any channel is recorded as failed, once', () => {
    const s = new AmiScript();
    s.input({
      type: 'originate-requested',
      callId: 'cc-4',
      operatorId: 'op-1001',
      customerNumber: '+79990000001',
      crmRef: 'x',
      actionId: 'a-4',
    });
    s.at(3).input({ type: 'originate-failed', actionId: 'a-4', reason: 'Extension does not exist.' });
    s.at(4).originateResponse('a-4', false, undefined, 0);
    const r = only(s.run(site).records);
    assert.deepEqual(
      [r.callId, r.outcome, r.hangupBy, r.crmRef, r.incomplete],
      ['cc-4', 'failed', 'system', 'x', false],
    );
  });

  it('hold, then the operator hangs up while holding: hold counted up to the end', () => {
    const s = new AmiScript();
    const { c, op } = queueCallAnswered(s, 505, 2505);
    s.at(4000).hold(op).at(6000).unhold(op).at(7000).hold(op);
    s.at(9000).hangupRequest(op).leave('b-1', op).hangup(op).leave('b-1', c).hangup(c);
    const { records, events } = s.run(site);
    const r = only(records);
    assert.equal(r.holdSeconds, 4.0);
    assert.equal(r.talkSeconds, 2.5);
    assert.deepEqual([r.outcome, r.hangupBy], ['answered', 'operator']);
    assert.deepEqual(
      valid(events)
        .filter((e) => e.type === 'call.held' || e.type === 'call.resumed')
        .map((e) => e.type),
      ['call.held', 'call.resumed', 'call.held'],
    );
  });

  it('operators see their own calls with channel, peer, bridge and hold state (for commands)', () => {
    const s = new AmiScript();
    const { c, op } = queueCallAnswered(s, 505, 2505);
    s.at(4000).hold(op);
    const { state } = s.run(site);
    const [view] = operatorCalls(state, 'op-1001');
    assert.ok(view);
    assert.equal(view.state, 'on-hold');
    assert.equal(view.channel, op.name);
    assert.equal(view.peerChannel, c.name);
    assert.equal(view.customerChannel, c.name);
    assert.equal(view.bridgeId, 'b-1');
    assert.equal(view.onHold, true);
    assert.equal(view.customerNumber, '+79161234567');
    assert.deepEqual(operatorCalls(state, 'op-1002'), []);
    const snapshot = liveSnapshot(state, s.base + 5000);
    assert.deepEqual(
      snapshot.calls.map((x) => [x.callId, x.state, x.operatorIds]),
      [[callIdForLinkedid('lab-22', c.uniqueid), 'on-hold', ['op-1001']]],
    );
    assert.equal(snapshot.operators.find((o) => o.operatorId === 'op-1001')?.phone, 'on-hold');
  });

  it('unknown events, broken events and garbage never throw and change nothing', () => {
    const s = new AmiScript();
    const { c } = queueCallAnswered(s, 505, 2505);
    s.raw('SomethingNew', [['Foo', 'bar']]);
    s.raw('Hangup', [['Channel', 'PJSIP/x']]); // no Uniqueid: undecodable
    s.raw('BridgeEnter', [['BridgeUniqueid', 'b-9']]);
    s.raw('DialEnd', [['DialStatus', 'ANSWER']]);
    s.raw('OriginateResponse', [['Response', 'Success']]);
    s.raw('VarSet', [
      ['Variable', 'CALLGATE_CALL_ID'],
      ['Value', 'x'],
    ]);
    s.input({ type: 'ami-event', message: AmiMessage.fromHeaders([['Response', 'Success']]) });
    s.input({ type: 'ami-event', message: AmiMessage.fromHeaders([]) });
    s.at(5000).hangupRequest(c).leave('b-1', c).hangup(c);
    const r = only(s.run(site).records);
    assert.deepEqual([r.outcome, r.hangupBy, r.incomplete], ['answered', 'customer', false]);
  });

  it('a call offered more than a record can hold keeps its answer and the latest offers, and stays valid', () => {
    // A ringall queue of 1 200 phones, all rung and cancelled when one answers (the schema allows 1 000 offers).
    const big = {
      ...site,
      operators: Array.from({ length: 1200 }, (_, i) => ({
        id: `op-${i}`,
        name: `Operator ${i}`,
        extension: String(20_000 + i),
        endpoint: `PJSIP/${20_000 + i}`,
        queues: [],
      })),
    };
    const s = new AmiScript();
    const c = customer(s);
    s.newstate(c, 6).at(500).queueJoin(c, 'support');
    const legs = big.operators.map((op) => s.leg(op.endpoint, { linkedid: c.uniqueid }));
    s.at(600);
    for (const leg of legs) s.ring(c, leg, leg.name);
    const answering = legs[7] as Leg;
    s.at(2600).answer(c, answering);
    for (const leg of legs) if (leg !== answering) s.dialEnd(c, leg, 'CANCEL').hangup(leg, 26, 'Answered elsewhere');
    s.queueLeave(c, 'support').bridge('b-1', answering, c);
    s.at(5000).hangupRequest(c).leave('b-1', c).hangup(c);
    const r = only(s.run(big).records);
    assert.equal(r.offers.length, 1000);
    assert.ok(
      r.offers.some((o) => o.operatorId === 'op-7' && o.result === 'answered'),
      'the answer is kept',
    );
    assert.deepEqual(r.offers.at(-1), {
      operatorId: 'op-1199',
      extension: '21199',
      ringSeconds: 2.0,
      result: 'cancelled',
    });
  });

  it('control characters in a caller id never reach the record', () => {
    const s = new AmiScript();
    const c = customer(s, '7916\u00011234567');
    s.at(10).hangupRequest(c).hangup(c);
    assert.equal(only(s.run(site).records).customerNumber, '+79161234567');
  });

  it('a call id from __CALLGATE_CALL_ID must be a safe id; anything else keeps the derived one', () => {
    const s = new AmiScript();
    const c = customer(s);
    s.varSet(c, '__CALLGATE_CALL_ID', 'bad id\u0007<script>');
    s.at(10).hangupRequest(c).hangup(c);
    const r = only(s.run(site).records);
    assert.equal(r.callId, callIdForLinkedid('lab-22', c.uniqueid));
    assert.doesNotMatch(r.callId, /\d+\.\d+/, 'no Uniqueid in a call id');
  });
});

describe('call engine: losing Asterisk', () => {
  it('AMI dropped mid-call: the call continues after the resync, recorded once and flagged incomplete', () => {
    const s = new AmiScript();
    const { c, op } = queueCallAnswered(s, 505, 2505);
    s.at(5000).input({ type: 'ami-disconnected' });
    const item = (leg: Leg, duration: string): AmiMessage =>
      AmiMessage.fromHeaders([
        ['Event', 'CoreShowChannel'],
        ['ActionID', 'r1'],
        ['Channel', leg.name],
        ['ChannelState', '6'],
        ['ChannelStateDesc', 'Up'],
        ['CallerIDNum', leg.callerIdNum],
        ['CallerIDName', ''],
        ['ConnectedLineNum', ''],
        ['ConnectedLineName', ''],
        ['Language', 'en'],
        ['AccountCode', ''],
        ['Context', leg.context],
        ['Exten', leg.exten],
        ['Priority', '1'],
        ['Uniqueid', leg.uniqueid],
        ['Linkedid', leg.linkedid],
        ['Application', 'Queue'],
        ['ApplicationData', 'support,tT'],
        ['Duration', duration],
        ['BridgeId', 'b-1'],
      ]);
    s.at(8000).input({ type: 'ami-resync', channels: [item(c, '00:00:08'), item(op, '00:00:07')], queueStatus: [] });
    // The same snapshot again (a retried resync) must change nothing.
    s.at(8100).input({ type: 'ami-resync', channels: [item(c, '00:00:08'), item(op, '00:00:07')] });
    s.at(12_000).hangupRequest(c).leave('b-1', c).hangup(c).leave('b-1', op).hangup(op);
    const r = only(s.run(site).records);
    assert.equal(r.incomplete, true);
    assert.deepEqual([r.outcome, r.hangupBy], ['answered', 'customer']);
    assert.equal(r.segments.length, 1);
    assert.equal(r.talkSeconds, 9.5, 'still talking across the gap: 2.5 s → 12 s');
  });

  it('Asterisk restarted mid-call with the hang-ups lost: closed at the loss, incomplete, never doubled', () => {
    const s = new AmiScript();
    const { c, op } = queueCallAnswered(s, 505, 2505);
    s.at(5000).input({ type: 'ami-disconnected' });
    s.at(9000).input({ type: 'ami-resync', channels: [], queueStatus: [] });
    s.at(9500).input({ type: 'ami-resync', channels: [] });
    // Late news about the old channels (a buffered event) must not revive the call.
    s.at(9600).hangup(c).hangup(op).newstate(op, 6);
    const { records, events } = s.run(site);
    const r = only(records);
    assert.equal(r.incomplete, true);
    assert.equal(secondsBetween(r.startedAt, r.endedAt), 5.0, 'ends when it was last seen alive');
    assert.deepEqual([r.outcome, r.hangupBy, r.hangupCause.code], ['answered', 'system', 0]);
    assert.equal(r.talkSeconds, 2.5);
    assert.equal(events.filter((e) => e.type === 'call.ended').length, 1);
  });

  it('a call that started while disconnected is adopted from the snapshot (incomplete, age from Duration)', () => {
    const s = new AmiScript();
    const c = s.leg('PJSIP/pstn', { callerIdNum: '79161234567', exten: '74950000000', context: 'from-pstn', state: 6 });
    s.input({ type: 'ami-disconnected' });
    const channel = AmiMessage.fromHeaders([
      ['Event', 'CoreShowChannel'],
      ['Channel', c.name],
      ['ChannelState', '6'],
      ['ChannelStateDesc', 'Up'],
      ['CallerIDNum', '79161234567'],
      ['CallerIDName', ''],
      ['Context', 'from-pstn'],
      ['Exten', '74950000000'],
      ['Priority', '3'],
      ['Uniqueid', c.uniqueid],
      ['Linkedid', c.uniqueid],
      ['Application', 'Queue'],
      ['ApplicationData', 'support,tT'],
      ['Duration', '00:00:09'],
      ['BridgeId', ''],
    ]);
    const entry = AmiMessage.fromHeaders([
      ['Event', 'QueueEntry'],
      ['Queue', 'support'],
      ['Position', '1'],
      ['Channel', c.name],
      ['Uniqueid', c.uniqueid],
      ['CallerIDNum', '79161234567'],
      ['Wait', '7'],
    ]);
    const params = AmiMessage.fromHeaders([
      ['Event', 'QueueParams'],
      ['Queue', 'support'],
    ]);
    s.at(10_000).input({ type: 'ami-resync', channels: [channel], queueStatus: [params, entry] });
    s.at(12_000).hangupRequest(c).queueLeave(c, 'support').hangup(c, 0, 'Unknown');
    const r = only(s.run(site).records);
    assert.equal(r.incomplete, true);
    assert.equal(secondsBetween(r.startedAt, r.endedAt), 11.0, 'started 9 s before the resync');
    assert.equal(r.waitSeconds, 9.0, '7 s in queue at the resync + 2 s after');
    assert.deepEqual([r.outcome, r.hangupBy, r.queue, r.line], ['abandoned', 'customer', 'support', '74950000000']);
  });

  it('a click-to-call whose answer was lost with the connection fails at the resync, flagged incomplete', () => {
    const s = new AmiScript();
    s.input({
      type: 'originate-requested',
      callId: 'cc-9',
      operatorId: 'op-1001',
      customerNumber: '+79990000001',
      crmRef: null,
      actionId: 'a-9',
    });
    s.at(100).input({ type: 'ami-disconnected' });
    s.at(3000).input({ type: 'ami-resync', channels: [] });
    const r = only(s.run(site).records);
    assert.deepEqual([r.callId, r.outcome, r.incomplete], ['cc-9', 'failed', true]);
  });

  it('events that arrive while disconnected and no resync yet still produce one record', () => {
    const s = new AmiScript();
    const { c } = queueCallAnswered(s, 505, 2505);
    s.at(3000).input({ type: 'ami-disconnected' }).input({ type: 'ami-disconnected' });
    s.at(4000).hangupRequest(c).leave('b-1', c).hangup(c);
    const state = s.run(site).state;
    const extra = step(state, { type: 'ami-resync', channels: [] }, s.base + 5000).events;
    assert.equal(extra.filter((e) => e.type === 'call.ended').length, 0, 'already recorded at the Hangup');
  });
});
