/**
 * Call control from the browser end to end: real operator WebSocket clients, a real gateway,
 * pbx-sim over real AMI and ARI. Hold and unhold go through ARI (hold.method: ari), DTMF through
 * AMI PlayDTMF, transfers through BlindTransfer, Atxfer and CancelAtxfer.
 *
 * pbx-sim's ARI runs with `holdAnyChannel` (as for a site whose calls run in a Stasis
 * application). Real Asterisk holds over ARI only channels inside Stasis and answers 409 for an
 * ordinary Queue()/Dial() call (res/ari/resource_channels.c find_control): a later suite shows
 * what the operator gets then. The last suite holds the way that works on ordinary calls: the
 * gateway asks the phone (PJSIPNotify `Event: hold`/`talk`) and the phone holds by itself.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { CallRecord } from '@callgate/contracts';
import { answerWhenRinging, startHarness, waitUntil, type Harness } from '../support/gateway-harness.js';
import { callOf, isEvent, OperatorClient } from '../support/operator-client.js';

/** A customer calls the support line and Anna (1001) answers on her phone. */
async function talking(h: Harness, anna: OperatorClient, from: string) {
  const answered = anna.next(isEvent('call.answered'));
  const customer = h.sim.control.customerCalls({ from, name: 'Ivan Petrov', line: '74950000000' });
  await answerWhenRinging(h, '1001');
  return { customer, call: callOf(await answered) };
}

describe('operator call commands against pbx-sim (AMI + ARI)', () => {
  let h: Harness;
  let records: CallRecord[] = [];
  let offRecords: () => void = () => undefined;
  const clients: OperatorClient[] = [];

  const login = async (operatorId: string): Promise<OperatorClient> => {
    const client = await h.login(operatorId);
    clients.push(client);
    return client;
  };
  /** The customer hangs up on Boris; the one record has Anna's segment ended by the transfer. */
  const customerEndsTransferredCall = async (boris: OperatorClient, customer: { hangup(): void }) => {
    const ended = boris.next(isEvent('call.ended'));
    customer.hangup();
    await ended;
    await waitUntil(() => records.length === 1, 'one record for the call');
    assert.deepEqual(
      records[0]?.segments.map((s) => [s.operatorId, s.endedBy]),
      [
        ['op-1001', 'transfer'],
        ['op-1002', 'hangup'],
      ],
    );
  };
  const stateOf = (operatorId: string, callId: string): string | undefined =>
    h.gateway.telephony.callsOf(operatorId).find((c) => c.callId === callId)?.state;
  const customerChannel = (name: string) => h.sim.control.channels().find((c) => c.name === name);

  before(async () => {
    // No wrap-up: each test's call must ring Anna again straight away.
    h = await startHarness(
      { wrapUp: { timeoutSeconds: 0 } },
      { ari: { username: 'callgate', password: 'ari-secret', holdAnyChannel: true } },
    );
    offRecords = h.gateway.onDomainEvent((e) => {
      if (e.type === 'call.ended') records.push(e.record);
    });
  });
  after(async () => {
    offRecords();
    await h.stop();
  });
  beforeEach(async () => {
    for (const c of clients.splice(0)) c.close();
    records = [];
    await waitUntil(() => h.sim.control.channels().length === 0, 'the PBX is idle', 30_000);
  });

  it('holds and resumes the customer from the browser; the record counts the hold time', async () => {
    const anna = await login('op-1001');
    const { customer, call } = await talking(h, anna, '79161230001');
    const held = anna.next(isEvent('call.held'));
    const hold = await anna.command({ name: 'hold', callId: call.callId });
    assert.equal(hold.status, 'done', JSON.stringify(hold));
    assert.equal(callOf(await held).state, 'on-hold');
    assert.equal(customerChannel(customer.channel)?.onHold, true, 'the customer hears music on hold');
    // Stay on hold for over a second, so the record has whole seconds of it.
    await new Promise((r) => setTimeout(r, 1_100));
    const resumed = anna.next(isEvent('call.resumed'));
    assert.equal((await anna.command({ name: 'unhold', callId: call.callId })).status, 'done');
    assert.equal(callOf(await resumed).state, 'talking');
    assert.equal(customerChannel(customer.channel)?.onHold, false);
    const ended = anna.next(isEvent('call.ended'));
    customer.hangup();
    await ended;
    await waitUntil(() => records.length === 1, 'the record is closed');
    const record = records[0];
    assert.ok(record && record.holdSeconds >= 1, `holdSeconds ${record?.holdSeconds}`);
    assert.ok((record?.segments[0]?.holdSeconds ?? 0) >= 1);
  });

  it('refuses to hold a call that is already on hold, and says so', async () => {
    const anna = await login('op-1001');
    const { customer, call } = await talking(h, anna, '79161230002');
    const held = anna.next(isEvent('call.held'));
    assert.equal((await anna.command({ name: 'hold', callId: call.callId })).status, 'done');
    await held;
    const again = await anna.command({ name: 'hold', callId: call.callId });
    assert.equal(again.status, 'failed');
    assert.equal(again.code, 'GW_ERR_INVALID_STATE');
    const ended = anna.next(isEvent('call.ended'));
    customer.hangup();
    await ended;
  });

  it('sends DTMF digits typed in the browser to the customer', async () => {
    const anna = await login('op-1001');
    const { customer, call } = await talking(h, anna, '79161230003');
    const reply = await anna.command({ name: 'dtmf', callId: call.callId, digits: '12#' });
    assert.equal(reply.status, 'done', JSON.stringify(reply));
    assert.equal(customerChannel(customer.channel)?.digitsHeard, '12#');
    const ended = anna.next(isEvent('call.ended'));
    customer.hangup();
    await ended;
  });

  it('blind-transfers the customer to a colleague: the colleague gets the same call, the operator is done', async () => {
    const anna = await login('op-1001');
    const boris = await login('op-1002');
    const { customer, call } = await talking(h, anna, '79161230004');
    const transferred = anna.next(isEvent('call.transferred', (c) => c.callId === call.callId));
    const offered = boris.next(isEvent('call.offered', (c) => c.callId === call.callId));
    const reply = await anna.command({ name: 'transfer', callId: call.callId, to: { operatorId: 'op-1002' } });
    assert.equal(reply.status, 'done', JSON.stringify(reply));
    await transferred;
    await offered;
    const borisTalks = boris.next(isEvent('call.answered', (c) => c.callId === call.callId));
    await answerWhenRinging(h, '1002');
    assert.equal(callOf(await borisTalks).number, '+79161230004');
    assert.equal(h.sim.control.phone('1001').channels().length, 0, 'Anna is off the call');
    await customerEndsTransferredCall(boris, customer);
  });

  it('attended transfer: consults the colleague while the customer holds, then hands the customer over', async () => {
    const anna = await login('op-1001');
    const boris = await login('op-1002');
    const { customer, call } = await talking(h, anna, '79161230005');
    const start = await anna.command({
      name: 'attended-transfer-start',
      callId: call.callId,
      to: { operatorId: 'op-1002' },
    });
    assert.equal(start.status, 'done', JSON.stringify(start));
    const annaConsults = anna.next(isEvent('call.consulting', (c) => c.callId === call.callId));
    const borisTalks = boris.next(isEvent('call.answered', (c) => c.callId === call.callId && c.state === 'talking'));
    await answerWhenRinging(h, '1002');
    await waitUntil(() => stateOf('op-1001', call.callId) === 'consulting', 'Anna consults Boris');
    // Both panels follow the consultation: Anna's shows it, Boris's shows him talking.
    assert.equal(callOf(await annaConsults).state, 'consulting');
    await borisTalks;
    assert.equal(customerChannel(customer.channel)?.onHold, true, 'the customer waits on hold');
    const transferred = anna.next(isEvent('call.transferred', (c) => c.callId === call.callId));
    const complete = await anna.command({ name: 'attended-transfer-complete', callId: call.callId });
    assert.equal(complete.status, 'done', JSON.stringify(complete));
    await transferred;
    await waitUntil(() => h.sim.control.phone('1001').channels().length === 0, 'Anna is off the call');
    assert.equal(customerChannel(customer.channel)?.onHold, false, 'the customer talks to Boris');
    await customerEndsTransferredCall(boris, customer);
  });

  it('attended transfer cancelled while the colleague rings: back with the customer, the colleague’s offer ends', async () => {
    const anna = await login('op-1001');
    const boris = await login('op-1002');
    const { customer, call } = await talking(h, anna, '79161230006');
    const offered = boris.next(isEvent('call.offered'));
    const start = await anna.command({
      name: 'attended-transfer-start',
      callId: call.callId,
      to: { operatorId: 'op-1002' },
    });
    assert.equal(start.status, 'done', JSON.stringify(start));
    const offer = callOf(await offered);
    await waitUntil(() => stateOf('op-1001', call.callId) === 'consulting', 'Anna consults Boris');
    const borisOfferEnds = boris.next(isEvent('call.ended', (c) => c.callId === offer.callId));
    const resumed = anna.next(isEvent('call.resumed', (c) => c.callId === call.callId));
    const cancel = await anna.command({ name: 'attended-transfer-cancel', callId: call.callId });
    assert.equal(cancel.status, 'done', JSON.stringify(cancel));
    assert.equal(callOf(await resumed).state, 'talking');
    await borisOfferEnds;
    assert.equal(h.sim.control.phone('1002').ringing, false, 'Boris’s phone stopped ringing');
    assert.equal(customerChannel(customer.channel)?.onHold, false, 'the customer hears Anna again');
    const ended = anna.next(isEvent('call.ended', (c) => c.callId === call.callId));
    assert.equal((await anna.command({ name: 'hangup', callId: call.callId })).status, 'done');
    await ended;
    await waitUntil(() => records.some((r) => r.callId === call.callId), 'the customer call is recorded');
    const record = records.find((r) => r.callId === call.callId);
    assert.deepEqual(
      record?.segments.map((s) => [s.operatorId, s.endedBy]),
      [['op-1001', 'hangup']],
    );
  });
});

describe('hold from the browser on an ordinary call (ARI answers 409, as real Asterisk does)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(
      { wrapUp: { timeoutSeconds: 0 } },
      { ari: { username: 'callgate', password: 'ari-secret' } },
    );
  });
  after(async () => {
    await h.stop();
  });

  it("tells the operator to use the phone's hold key, and the phone's hold is still tracked", async () => {
    const anna = await h.login('op-1001');
    const { customer, call } = await talking(h, anna, '79161230009');
    const reply = await anna.command({ name: 'hold', callId: call.callId });
    assert.equal(reply.status, 'failed');
    assert.equal(reply.code, 'GW_ERR_HOLD_UNAVAILABLE');
    assert.match(reply.message ?? '', /hold key/);
    const held = anna.next(isEvent('call.held'));
    h.sim.control.phone('1001').hold();
    assert.equal(callOf(await held).state, 'on-hold');
    const ended = anna.next(isEvent('call.ended'));
    customer.hangup();
    await ended;
    anna.close();
  });
});

describe('hold from the browser by asking the phone (hold.method phone-notify, PJSIPNotify over AMI)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ wrapUp: { timeoutSeconds: 0 }, hold: { method: 'phone-notify', phoneTimeoutMs: 800 } });
  });
  after(async () => {
    await h.stop();
  });
  const customerOnHold = (channel: string): boolean | undefined =>
    h.sim.control.channels().find((c) => c.name === channel)?.onHold;

  it('the phone holds and resumes at the button; the panel and the record follow', async () => {
    const { client: anna, welcome } = await OperatorClient.login(h.gateway.url, await h.token('op-1001'));
    assert.equal(welcome.holdFromBrowser, true, 'the welcome offers hold from the browser');
    const records: CallRecord[] = [];
    const off = h.gateway.onDomainEvent((e) => {
      if (e.type === 'call.ended') records.push(e.record);
    });
    const { customer, call } = await talking(h, anna, '79161230021');
    const held = anna.next(isEvent('call.held'));
    const hold = await anna.command({ name: 'hold', callId: call.callId });
    assert.equal(hold.status, 'done', JSON.stringify(hold));
    assert.equal(callOf(await held).state, 'on-hold');
    assert.equal(customerOnHold(customer.channel), true, 'the customer hears music on hold');
    await new Promise((r) => setTimeout(r, 1100));
    const resumed = anna.next(isEvent('call.resumed'));
    const unhold = await anna.command({ name: 'unhold', callId: call.callId });
    assert.equal(unhold.status, 'done', JSON.stringify(unhold));
    assert.equal(callOf(await resumed).state, 'talking');
    assert.equal(customerOnHold(customer.channel), false);
    // The phone's own key still works alongside the button.
    const heldByKey = anna.next(isEvent('call.held'));
    h.sim.control.phone('1001').hold();
    await heldByKey;
    const resumedByButton = anna.next(isEvent('call.resumed'));
    assert.equal((await anna.command({ name: 'unhold', callId: call.callId })).status, 'done');
    await resumedByButton;
    const ended = anna.next(isEvent('call.ended'));
    customer.hangup();
    await ended;
    await waitUntil(() => records.some((r) => r.callId === call.callId), 'the call is recorded');
    off();
    const record = records.find((r) => r.callId === call.callId);
    assert.ok((record?.holdSeconds ?? 0) >= 1, `holdSeconds ${record?.holdSeconds}`);
    assert.equal(record?.outcome, 'answered');
    anna.close();
  });

  it('a phone that ignores remote hold: GW_ERR_PHONE_DID_NOT_HOLD, the call goes on untouched', async () => {
    const anna = await h.login('op-1001');
    h.sim.control.phone('1001').setBehaviour({ remoteHold: false });
    try {
      const { customer, call } = await talking(h, anna, '79161230022');
      const reply = await anna.command({ name: 'hold', callId: call.callId });
      assert.equal(reply.status, 'failed');
      assert.equal(reply.code, 'GW_ERR_PHONE_DID_NOT_HOLD');
      assert.match(reply.message ?? '', /hold key/);
      assert.equal(h.gateway.telephony.callsOf('op-1001')[0]?.state, 'talking');
      assert.equal(customerOnHold(customer.channel), false);
      const ended = anna.next(isEvent('call.ended'));
      customer.hangup();
      await ended;
    } finally {
      h.sim.control.phone('1001').setBehaviour({ remoteHold: true });
      anna.close();
    }
  });
});
