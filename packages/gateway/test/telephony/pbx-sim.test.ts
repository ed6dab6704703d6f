/**
 * The gateway's telephony link (AMI client → call engine) against pbx-sim over real TCP: the
 * call situations of issue 4, staged with the simulator's control API, recorded by the engine.
 * Virtual time (see sim-harness.ts) makes every duration exact, so records are compared to the
 * values the script implies.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { actions } from '@callgate/ami';
import type { CallRecord } from '@callgate/contracts';
import { callRecordValidator } from '@callgate/contracts';
import { labWorld, type FlavourId, type WorldConfig } from '@callgate/pbx-sim';
import { startHarness, type SimHarness } from './sim-harness.js';

let h: SimHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function harness(options: Parameters<typeof startHarness>[0] = {}): Promise<SimHarness> {
  h = await startHarness(options);
  return h;
}

function one(records: CallRecord[]): CallRecord {
  assert.equal(records.length, 1, `one record, got ${JSON.stringify(records.map((r) => r.callId))}`);
  const r = records[0] as CallRecord;
  assert.ok(callRecordValidator.check(r), JSON.stringify(r));
  return r;
}

/** The lab world plus a line that rings operator 1002's phone directly (no queue). */
const DIRECT_LINE = '74950000002';
function directLineWorld(flavour: FlavourId = 'asterisk-22'): WorldConfig {
  const world = labWorld(flavour);
  world.lines.push({ number: DIRECT_LINE, extension: '1002' });
  return world;
}

const offers = (r: CallRecord): Array<[string, string]> => r.offers.map((o) => [o.operatorId, o.result]);
const segments = (r: CallRecord): Array<[string, string]> => r.segments.map((s) => [s.operatorId, s.endedBy]);

/** A click-to-call the way the gateway sends it: announce to the engine, then Originate. */
async function clickToCall(x: SimHarness, callId: string, number: string, operator = '1001'): Promise<void> {
  const actionId = x.link.nextActionId();
  x.link.originateRequested({
    callId,
    operatorId: `op-${operator}`,
    customerNumber: `+${number}`,
    crmRef: `crm-${callId}`,
    actionId,
  });
  try {
    await x.link.send(
      actions.originate({
        channel: `PJSIP/${operator}`,
        context: 'outbound',
        exten: number,
        callerId: `"CRM" <${number}>`,
        timeoutMs: 20_000,
        async: true,
        variables: {
          'PJSIP_HEADER(add,Call-Info)': '<sip:127.0.0.1>;answer-after=0',
          __CALLGATE_CALL_ID: callId,
          __CALLGATE_CRM_REF: `crm-${callId}`,
        },
      }),
      { actionId },
    );
  } catch (error) {
    x.link.originateFailed(actionId, error instanceof Error ? error.message : String(error));
  }
  await x.settle();
}

describe('telephony link against pbx-sim (real TCP)', () => {
  it('inbound via queue, answered, the customer hangs up', async () => {
    const x = await harness();
    const call = x.sim.control.customerCalls({ from: '79161234567', name: 'Иван Петров', line: '74950000000' });
    await x.settle();
    await x.after(2500, () => x.sim.control.phone('1001').answer());
    await x.after(5000, () => call.hangup());
    const r = one(x.records());
    assert.deepEqual(
      [r.direction, r.customerNumber, r.line, r.queue],
      ['inbound', '+79161234567', '74950000000', 'support'],
    );
    assert.deepEqual([r.outcome, r.hangupBy, r.incomplete], ['answered', 'customer', false]);
    assert.equal(r.waitSeconds, 2.0, 'Queue() starts 0.5 s after Answer(); answered at 2.5 s');
    assert.equal(r.talkSeconds, 5.0);
    assert.deepEqual(segments(r), [['op-1001', 'hangup']]);
    assert.deepEqual(offers(r).sort(), [
      ['op-1001', 'answered'],
      ['op-1002', 'cancelled'],
    ]);
  });

  it('inbound via queue, answered, the operator hangs up', async () => {
    const x = await harness();
    x.sim.control.customerCalls({ from: '79161234567', line: '74950000000' });
    await x.settle();
    await x.after(1500, () => x.sim.control.phone('1002').answer());
    await x.after(3000, () => x.sim.control.phone('1002').hangup());
    const r = one(x.records());
    assert.deepEqual([r.outcome, r.hangupBy], ['answered', 'operator']);
    assert.deepEqual(segments(r), [['op-1002', 'hangup']]);
    assert.equal(r.talkSeconds, 3.0);
  });

  it('abandoned in the queue while both phones ring', async () => {
    const x = await harness();
    const call = x.sim.control.customerCalls({ from: '79165550101', line: '74950000000' });
    await x.settle();
    await x.after(4000, () => call.hangup());
    const r = one(x.records());
    assert.deepEqual([r.outcome, r.hangupBy, r.answeredAt], ['abandoned', 'customer', null]);
    assert.equal(r.waitSeconds, 3.5);
    assert.deepEqual(offers(r).sort(), [
      ['op-1001', 'cancelled'],
      ['op-1002', 'cancelled'],
    ]);
  });

  it('ring-no-answer, then the next operator answers (one member at a time)', async () => {
    const world = labWorld();
    const support = world.queues.find((q) => q.name === 'support');
    assert.ok(support);
    support.strategy = 'rrmemory';
    const x = await harness({ world });
    x.sim.control.customerCalls({ from: '79165550101', line: '74950000000' });
    await x.settle();
    // The first member rings the queue's 10 s timeout, then after retry (2 s) the next one.
    await x.advance(13_500);
    const ringing = ['1001', '1002'].find((p) => x.sim.control.phone(p).ringing);
    assert.ok(ringing, 'the next member rings');
    x.sim.control.phone(ringing).answer();
    await x.settle();
    await x.after(2000, () => x.sim.control.phone(ringing).hangup());
    const r = one(x.records());
    const missed = ringing === '1001' ? 'op-1002' : 'op-1001';
    assert.deepEqual(offers(r), [
      [missed, 'no-answer'],
      [`op-${ringing}`, 'answered'],
    ]);
    assert.equal(r.offers[0]?.ringSeconds, 10.0);
    assert.deepEqual([r.outcome, r.hangupBy], ['answered', 'operator']);
  });

  it("a customer dialling an operator's direct line: the phone rings, the operator answers, the customer hangs up", async () => {
    const x = await harness({ world: directLineWorld() });
    const call = x.sim.control.customerCalls({ from: '79161234567', name: 'Иван Петров', line: DIRECT_LINE });
    await x.settle();
    const offered = x.events.filter((e) => e.type === 'call.offered');
    assert.deepEqual(
      offered.map((e) => e.type === 'call.offered' && [e.operatorId, e.direction, e.customerNumber, e.line, e.queue]),
      [['op-1002', 'inbound', '+79161234567', DIRECT_LINE, null]],
      "only the line's operator is offered the call, at once (no queue)",
    );
    assert.equal(x.link.callsOf('op-1002')[0]?.state, 'ringing');
    await x.after(3000, () => x.sim.control.phone('1002').answer());
    assert.equal(x.link.callsOf('op-1002')[0]?.state, 'talking');
    await x.after(5000, () => call.hangup());
    const r = one(x.records());
    assert.deepEqual([r.direction, r.customerNumber, r.line, r.queue], ['inbound', '+79161234567', DIRECT_LINE, null]);
    assert.deepEqual([r.outcome, r.hangupBy, r.incomplete], ['answered', 'customer', false]);
    // Nobody waited in a queue; the phone rang from the Dial (3 ms after the call arrived) to
    // its answer 3 s after the call arrived.
    assert.equal(r.waitSeconds, 0);
    assert.equal(r.ringSeconds, 3.0);
    assert.equal(r.talkSeconds, 5.0);
    assert.equal(r.durationSeconds, 8.0);
    assert.deepEqual(segments(r), [['op-1002', 'hangup']]);
    assert.deepEqual(offers(r), [['op-1002', 'answered']]);
    assert.equal(r.offers[0]?.ringSeconds, 3.0);
  });

  it("a customer dialling an operator's direct line: the operator hangs up", async () => {
    const x = await harness({ world: directLineWorld() });
    x.sim.control.customerCalls({ from: '79165550101', line: DIRECT_LINE });
    await x.settle();
    await x.after(1500, () => x.sim.control.phone('1002').answer());
    await x.after(4000, () => x.sim.control.phone('1002').hangup());
    const r = one(x.records());
    assert.deepEqual([r.line, r.queue, r.waitSeconds], [DIRECT_LINE, null, 0]);
    assert.deepEqual([r.outcome, r.hangupBy], ['answered', 'operator']);
    assert.deepEqual([r.ringSeconds, r.talkSeconds], [1.5, 4.0]);
    assert.deepEqual(segments(r), [['op-1002', 'hangup']]);
    assert.deepEqual(offers(r), [['op-1002', 'answered']]);
  });

  it('a direct call the operator does not answer: no-answer when the 20 s Dial gives up, the offer missed', async () => {
    const x = await harness({ world: directLineWorld() });
    x.sim.control.customerCalls({ from: '79165550101', line: DIRECT_LINE });
    await x.settle();
    await x.advance(19_500);
    assert.equal(x.records().length, 0, 'still ringing before the Dial timeout');
    await x.advance(1000);
    const r = one(x.records());
    assert.deepEqual([r.direction, r.line, r.queue, r.answeredAt], ['inbound', DIRECT_LINE, null, null]);
    // Dial() gave up and the dialplan's Hangup() ended the customer's call: the PBX hung up.
    assert.deepEqual([r.outcome, r.hangupBy], ['no-answer', 'system']);
    assert.equal(r.durationSeconds, 20.0);
    assert.deepEqual(offers(r), [['op-1002', 'no-answer']]);
    assert.equal(r.offers[0]?.ringSeconds, 20.0);
    assert.deepEqual(r.segments, []);
    assert.ok(
      x.events.some((e) => e.type === 'call.offer-ended' && e.operatorId === 'op-1002' && e.result === 'no-answer'),
      "the operator's panel hears the offer was missed",
    );
    assert.deepEqual(x.link.callsOf('op-1002'), []);
  });

  it('chan_sip (Asterisk 20 flavour): a direct line answered is the same record', async () => {
    const x = await harness({ flavour: 'asterisk-20-chansip', world: directLineWorld('asterisk-20-chansip') });
    const call = x.sim.control.customerCalls({ from: '79161234567', line: DIRECT_LINE });
    await x.settle();
    await x.after(2000, () => x.sim.control.phone('1002').answer());
    await x.after(3000, () => call.hangup());
    const r = one(x.records());
    assert.deepEqual([r.site, r.line, r.queue, r.waitSeconds], ['lab-20', DIRECT_LINE, null, 0]);
    assert.deepEqual([r.outcome, r.hangupBy, r.ringSeconds, r.talkSeconds], ['answered', 'customer', 2.0, 3.0]);
    assert.deepEqual(segments(r), [['op-1002', 'hangup']]);
    assert.deepEqual(offers(r), [['op-1002', 'answered']]);
  });

  it('a direct call to an operator whose phone is busy: the customer gets busy, no offer (the phone never rang)', async () => {
    const x = await harness({ world: directLineWorld() });
    x.sim.control.phone('1002').setBehaviour({ mode: 'busy' });
    x.sim.control.customerCalls({ from: '79165550101', line: DIRECT_LINE });
    await x.settle();
    await x.advance(500);
    const r = one(x.records());
    assert.deepEqual([r.direction, r.line, r.queue, r.answeredAt], ['inbound', DIRECT_LINE, null, null]);
    assert.deepEqual([r.outcome, r.hangupBy, r.hangupCause.code], ['busy', 'system', 17]);
    assert.deepEqual(offers(r), []);
  });

  it('a direct call the operator declines while it rings: busy for the customer, the offer declined', async () => {
    const x = await harness({ world: directLineWorld() });
    x.sim.control.customerCalls({ from: '79165550101', line: DIRECT_LINE });
    await x.settle();
    await x.after(2000, () => x.sim.control.phone('1002').reject());
    const r = one(x.records());
    assert.deepEqual([r.direction, r.line, r.queue, r.answeredAt], ['inbound', DIRECT_LINE, null, null]);
    assert.deepEqual([r.outcome, r.hangupBy, r.hangupCause.code], ['busy', 'system', 17]);
    assert.deepEqual(offers(r), [['op-1002', 'declined']]);
    assert.equal(r.offers[0]?.ringSeconds, 2.0);
  });

  it('an operator calling a colleague is one internal record', async () => {
    const x = await harness();
    // 1001 "dials" 1002: an Originate of 1001's phone into internal,1002 (pbx-sim has no
    // off-hook dialling); the phone answers its own leg, then Dial(PJSIP/1002) rings 1002.
    await x.link.send(actions.originate({ channel: 'PJSIP/1001', context: 'internal', exten: '1002', async: true }));
    await x.after(100, () => x.sim.control.phone('1001').answer());
    await x.after(1000, () => x.sim.control.phone('1002').answer());
    await x.after(4000, () => x.sim.control.phone('1002').hangup());
    const r = one(x.records());
    assert.deepEqual([r.direction, r.customerNumber, r.queue], ['internal', null, null]);
    assert.deepEqual(segments(r), [
      ['op-1001', 'hangup'],
      ['op-1002', 'hangup'],
    ]);
    assert.deepEqual([r.outcome, r.hangupBy, r.talkSeconds], ['answered', 'operator', 4.0]);
  });

  it('click-to-call answered: our call id and CRM reference, one segment', async () => {
    const x = await harness();
    await clickToCall(x, 'cc-answered', '79990000001');
    await x.advance(2500); // auto-answer 0.3 s, the number answers 2 s after its Dial
    await x.after(4000, () => x.sim.control.phone('1001').hangup());
    const r = one(x.records());
    assert.deepEqual(
      [r.callId, r.crmRef, r.direction, r.customerNumber],
      ['cc-answered', 'crm-cc-answered', 'outbound', '+79990000001'],
    );
    assert.deepEqual([r.outcome, r.hangupBy], ['answered', 'operator']);
    assert.equal(r.ringSeconds, 2.0);
    assert.deepEqual(offers(r), [['op-1001', 'answered']]);
    assert.deepEqual(segments(r), [['op-1001', 'hangup']]);
  });

  it("click-to-call: once the operator's phone has answered, the panel is told the customer is being dialled", async () => {
    const x = await harness();
    await clickToCall(x, 'cc-dialing', '79990000001');
    await x.runUntil('the customer dialled', () => x.events.some((e) => e.type === 'call.dialing'));
    await x.settle();
    const dialing = x.events.filter((e) => e.type === 'call.dialing');
    assert.deepEqual(
      dialing.map(
        (e) => e.type === 'call.dialing' && [e.callId, e.operatorId, e.direction, e.customerNumber, e.crmRef],
      ),
      [['cc-dialing', 'op-1001', 'outbound', '+79990000001', 'crm-cc-dialing']],
    );
    assert.equal(x.link.callsOf('op-1001')[0]?.state, 'dialing');
    assert.ok(!x.events.some((e) => e.type === 'call.answered'), 'before the customer answers');
    await x.advance(3000);
    assert.equal(x.link.callsOf('op-1001')[0]?.state, 'talking');
    x.sim.control.phone('1001').hangup();
    await x.settle();
    assert.equal(x.events.filter((e) => e.type === 'call.dialing').length, 1, 'once per call');
    assert.deepEqual(one(x.records()).outcome, 'answered');
  });

  it('click-to-call to a busy number', async () => {
    const x = await harness();
    await clickToCall(x, 'cc-busy', '79990000002');
    await x.advance(1000);
    const r = one(x.records());
    assert.deepEqual([r.callId, r.outcome, r.hangupBy, r.hangupCause.code], ['cc-busy', 'busy', 'customer', 17]);
  });

  it('click-to-call nobody answers: no-answer after the 30 s Dial', async () => {
    const x = await harness();
    await clickToCall(x, 'cc-noanswer', '79990000003');
    await x.advance(31_000);
    const r = one(x.records());
    assert.deepEqual([r.outcome, r.hangupBy], ['no-answer', 'system']);
    assert.equal(r.ringSeconds, 30.0);
  });

  it("click-to-call that fails: the operator's phone is not registered", async () => {
    const x = await harness();
    x.sim.control.phone('1001').unregister();
    await x.settle();
    await clickToCall(x, 'cc-failed', '79990000001');
    await x.advance(500);
    const r = one(x.records());
    assert.deepEqual([r.callId, r.outcome, r.hangupBy, r.crmRef], ['cc-failed', 'failed', 'system', 'crm-cc-failed']);
    assert.equal(x.link.status('op-1001')?.phone, 'unavailable');
  });

  it('click-to-call cancelled by the operator while the customer rings', async () => {
    const x = await harness();
    await clickToCall(x, 'cc-cancel', '79990000003');
    await x.advance(3000);
    const [view] = x.link.callsOf('op-1001');
    assert.ok(view?.channel);
    assert.equal(view.state, 'dialing');
    x.link.hangupRequested('cc-cancel', 'op-1001');
    await x.link.send(actions.hangup(view.channel));
    await x.settle();
    const r = one(x.records());
    assert.deepEqual([r.outcome, r.hangupBy], ['cancelled', 'operator']);
  });

  it('hold and unhold from the phone', async () => {
    const x = await harness();
    const call = x.sim.control.customerCalls({ from: '79165550101', line: '74950000000' });
    await x.settle();
    await x.after(1000, () => x.sim.control.phone('1001').answer());
    await x.after(2000, () => x.sim.control.phone('1001').hold());
    assert.equal(x.link.callsOf('op-1001')[0]?.state, 'on-hold');
    await x.after(4000, () => x.sim.control.phone('1001').unhold());
    await x.after(1000, () => call.hangup());
    const r = one(x.records());
    assert.deepEqual([r.holdSeconds, r.talkSeconds], [4.0, 3.0]);
    const kinds = x.events.map((e) => e.type).filter((t) => t === 'call.held' || t === 'call.resumed');
    assert.deepEqual(kinds, ['call.held', 'call.resumed']);
  });

  it('blind transfer: one record, two segments', async () => {
    const x = await harness();
    const call = x.sim.control.customerCalls({ from: '79165550101', line: '74950000000' });
    await x.settle();
    await x.after(1000, () => x.sim.control.phone('1001').answer());
    await x.advance(2000);
    x.sim.control.phone('1001').blindTransfer('1003');
    await x.settle();
    await x.after(1000, () => x.sim.control.phone('1003').answer());
    await x.after(3000, () => call.hangup());
    const r = one(x.records());
    assert.deepEqual(segments(r), [
      ['op-1001', 'transfer'],
      ['op-1003', 'hangup'],
    ]);
    assert.deepEqual([r.outcome, r.hangupBy, r.talkSeconds], ['answered', 'customer', 5.0]);
    const transferred = x.events.find((e) => e.type === 'call.transferred');
    assert.deepEqual(transferred && [transferred.kind, transferred.fromOperatorId, transferred.toOperatorId], [
      'blind',
      'op-1001',
      'op-1003',
    ]);
  });

  it('attended transfer: one record, two segments, the consultation on hold', async () => {
    const x = await harness();
    const call = x.sim.control.customerCalls({ from: '79165550101', line: '74950000000' });
    await x.settle();
    await x.after(1000, () => x.sim.control.phone('1001').answer());
    await x.advance(2000);
    x.sim.control.phone('1001').attendedTransfer('1002');
    await x.settle();
    await x.advance(1000);
    assert.equal(x.link.callsOf('op-1001')[0]?.state, 'consulting');
    x.sim.control.phone('1002').answer();
    await x.settle();
    await x.after(2000, () => x.sim.control.phone('1001').hangup()); // completes the transfer
    await x.after(3000, () => call.hangup());
    const r = one(x.records());
    assert.deepEqual(segments(r), [
      ['op-1001', 'transfer'],
      ['op-1002', 'hangup'],
    ]);
    assert.deepEqual([r.outcome, r.hangupBy], ['answered', 'customer']);
    // Asterisk holds the customer only once the Atxfer's DTMF has been played (0.26 s in
    // recording 12): on hold 2.7 s of the 3 s until 1001 hung up; talk 2.3 + 3.0.
    assert.equal(r.holdSeconds, 2.7);
    assert.equal(r.talkSeconds, 5.3);
    const transferred = x.events.find((e) => e.type === 'call.transferred');
    assert.deepEqual(transferred && [transferred.kind, transferred.fromOperatorId, transferred.toOperatorId], [
      'attended',
      'op-1001',
      'op-1002',
    ]);
  });

  it('attended transfer: the transferer is told they consult, the colleague is offered the customer and named on answering', async () => {
    const x = await harness();
    x.sim.control.customerCalls({ from: '79165550101', line: '74950000000' });
    await x.settle();
    await x.after(1000, () => x.sim.control.phone('1001').answer());
    await x.advance(2000);
    const callId = x.link.callsOf('op-1001')[0]?.callId;
    assert.ok(callId);
    const from = x.events.length;
    x.sim.control.phone('1001').attendedTransfer('1002');
    await x.settle();
    await x.runUntil("1002's phone ringing", () => x.sim.control.phone('1002').ringing);
    await x.settle();
    const during = x.events.slice(from);
    // The panel learns it from an event, not only by asking: the transferer is consulting 1002.
    const consulting = during.filter((e) => e.type === 'call.consulting');
    assert.ok(consulting.length > 0, 'call.consulting sent');
    assert.deepEqual(
      consulting.map((e) => e.type === 'call.consulting' && [e.callId, e.operatorId]),
      consulting.map(() => [callId, 'op-1001']),
    );
    assert.equal(consulting.at(-1)?.type === 'call.consulting' && consulting.at(-1)?.colleagueOperatorId, 'op-1002');
    assert.equal(x.link.callsOf('op-1001')[0]?.state, 'consulting');
    const offer = during.find((e) => e.type === 'call.offered' && e.operatorId === 'op-1002');
    assert.deepEqual(
      offer?.type === 'call.offered' && [offer.callId, offer.direction, offer.customerNumber, offer.line],
      [callId, 'inbound', '+79165550101', '74950000000'],
      "the colleague's phone rings on the customer's call, with the customer's number",
    );
    assert.deepEqual(
      x.link.callsOf('op-1002').map((c) => [c.callId, c.state, c.customerNumber]),
      [[callId, 'ringing', '+79165550101']],
    );
    const answeredFrom = x.events.length;
    x.sim.control.phone('1002').answer();
    await x.settle();
    await x.advance(100);
    const answered = x.events.slice(answeredFrom).filter((e) => e.type === 'call.consulting');
    assert.deepEqual(
      answered.map((e) => e.type === 'call.consulting' && [e.operatorId, e.colleagueOperatorId]),
      [['op-1001', 'op-1002']],
      'the colleague answering is news for both panels',
    );
    x.sim.control.phone('1001').hangup();
    await x.settle();
    assert.equal(x.link.callsOf('op-1002')[0]?.state, 'talking');
  });

  it('a gateway restarted mid-call finds the call as it is, and it ends when the customer hangs up', async () => {
    const x = await harness();
    const call = x.sim.control.customerCalls({ from: '79165550101', name: 'Ivan Petrov', line: '74950000000' });
    const startedAt = x.scheduler.now();
    await x.settle();
    await x.after(2500, () => x.sim.control.phone('1001').answer());
    const answeredAt = x.scheduler.now();
    await x.advance(4000);
    await x.restartGateway();
    const from = x.events.length;
    const views = x.link.callsOf('op-1001');
    assert.equal(views.length, 1);
    const [view] = views;
    assert.deepEqual(
      [view?.direction, view?.customerNumber, view?.line, view?.queue, view?.state],
      ['inbound', '+79165550101', '74950000000', 'support', 'talking'],
    );
    // Estimated from CoreShowChannel Duration (whole seconds, from the channel's creation).
    const started = Date.parse(view?.startedAt ?? '');
    const answered = Date.parse(view?.answeredAt ?? '');
    assert.ok(Math.abs(started - startedAt) < 1000, `startedAt ${view?.startedAt}`);
    assert.ok(started <= answered && answered <= answeredAt, `answeredAt ${view?.answeredAt} at the latest the answer`);
    assert.equal(x.link.status('op-1001')?.phone, 'in-call');
    await x.after(3000, () => call.hangup());
    assert.deepEqual(x.link.callsOf('op-1001'), [], "the call is gone from the operator's view");
    assert.equal(x.link.status('op-1001')?.phone, 'idle');
    const r = one(x.records());
    assert.equal(r.callId, view?.callId);
    assert.deepEqual(
      [r.direction, r.customerNumber, r.line, r.queue, r.incomplete],
      ['inbound', '+79165550101', '74950000000', 'support', true],
    );
    assert.deepEqual([r.outcome, r.hangupBy], ['answered', 'customer']);
    assert.deepEqual(segments(r), [['op-1001', 'hangup']]);
    assert.ok(x.events.slice(from).some((e) => e.type === 'call.ended' && e.callId === r.callId));
  });

  it('AMI dropped mid-call: resynchronised, the call goes on, recorded once and flagged incomplete', async () => {
    const x = await harness();
    const call = x.sim.control.customerCalls({ from: '79165550101', line: '74950000000' });
    await x.settle();
    await x.after(1000, () => x.sim.control.phone('1001').answer());
    await x.advance(2000);
    x.sim.control.dropAmiConnections();
    await x.until('the link to notice', () => !x.link.connected);
    await x.until('the reconnect and resync', () => x.link.connected);
    assert.equal(x.link.callsOf('op-1001')[0]?.state, 'talking', 'still talking after the resync');
    await x.after(3000, () => call.hangup());
    const r = one(x.records());
    assert.deepEqual([r.outcome, r.hangupBy, r.incomplete], ['answered', 'customer', true]);
    assert.deepEqual(segments(r), [['op-1001', 'hangup']]);
  });

  it('Asterisk restarted mid-call while connected: the hang-ups are seen, one record, nothing doubled', async () => {
    const x = await harness();
    x.sim.control.customerCalls({ from: '79165550101', line: '74950000000' });
    await x.settle();
    await x.after(1000, () => x.sim.control.phone('1001').answer());
    await x.advance(2000);
    let up = false;
    const back = x.sim.control.restart().then(() => {
      up = true;
    });
    await x.until('the hang-ups', () => x.records().length > 0);
    await x.runUntil('Asterisk back and the link resynchronised', () => up && x.link.connected);
    await back;
    await x.advance(1000);
    const r = one(x.records());
    assert.deepEqual([r.outcome, r.hangupBy, r.incomplete], ['answered', 'system', false]);
  });

  it('Asterisk restarted while the AMI link was down: closed at the loss, incomplete, never doubled', async () => {
    const x = await harness();
    x.sim.control.customerCalls({ from: '79165550101', line: '74950000000' });
    await x.settle();
    await x.after(1000, () => x.sim.control.phone('1001').answer());
    await x.advance(2000);
    // The link drops, and Asterisk restarts before it is back: the hang-ups are never seen.
    x.sim.control.dropAmiConnections();
    let up = false;
    const back = x.sim.control.restart().then(() => {
      up = true;
    });
    await x.until('the link to notice', () => !x.link.connected);
    await x.runUntil('Asterisk back and the link resynchronised', () => up && x.link.connected);
    await back;
    await x.advance(1000);
    const r = one(x.records());
    assert.deepEqual([r.outcome, r.hangupBy, r.incomplete], ['answered', 'system', true]);
    assert.deepEqual(segments(r), [['op-1001', 'hangup']]);
  });

  it('chan_sip (Asterisk 20 flavour): SIP/ channels, hold without MusicClass, the same record', async () => {
    const x = await harness({ flavour: 'asterisk-20-chansip' });
    const call = x.sim.control.customerCalls({ from: '79161234567', line: '74950000000' });
    await x.settle();
    await x.after(1000, () => x.sim.control.phone('1002').answer());
    await x.after(1000, () => x.sim.control.phone('1002').hold());
    await x.after(2000, () => x.sim.control.phone('1002').unhold());
    await x.after(1000, () => call.hangup());
    const r = one(x.records());
    assert.equal(r.site, 'lab-20');
    assert.deepEqual([r.outcome, r.hangupBy, r.holdSeconds, r.talkSeconds], ['answered', 'customer', 2.0, 2.0]);
    assert.deepEqual(segments(r), [['op-1002', 'hangup']]);
  });
});
