/**
 * The operator WebSocket end to end: real WebSocket clients, a real gateway, pbx-sim speaking
 * real AMI over TCP. What an operator does in the browser, and what they see.
 */
import assert from 'node:assert/strict';
import { actions } from '@callgate/ami';
import { after, before, beforeEach, describe, it } from 'node:test';
import { callOf, isEvent, OperatorClient } from '../support/operator-client.js';
import { answerWhenRinging, startHarness, waitUntil, type Harness } from '../support/gateway-harness.js';

describe('operator WebSocket against pbx-sim', () => {
  let h: Harness;
  const answer = (extension: string): Promise<void> => answerWhenRinging(h, extension);
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.stop();
  });
  beforeEach(async () => {
    await waitUntil(() => h.sim.control.channels().length === 0, 'the PBX is idle', 30_000);
  });

  it('an incoming queue call pops up for the ringing operator, is answered on the phone and hung up from the browser', async () => {
    const anna = await h.login('op-1001');
    const boris = await h.login('op-1002');
    const offered = anna.next(isEvent('call.offered'));
    const customer = h.sim.control.customerCalls({ from: '79161234567', name: 'Иван Петров', line: '74950000000' });
    const call = callOf(await offered);
    assert.equal(call.number, '+79161234567');
    assert.equal(call.lineLabel, 'Customer service');
    assert.equal(call.state, 'ringing');
    await boris.waitFor(isEvent('call.offered'));

    const answered = anna.next(isEvent('call.answered'));
    await answer('1001');
    assert.equal(callOf(await answered).state, 'talking');
    // Boris's phone stopped ringing: answered elsewhere.
    const borisEnd = callOf(await boris.waitFor(isEvent('call.ended')));
    assert.equal(borisEnd.outcome, 'cancelled');

    const ended = anna.next(isEvent('call.ended'));
    const reply = await anna.command({ name: 'hangup', callId: call.callId });
    assert.equal(reply.status, 'done');
    const end = callOf(await ended);
    assert.equal(end.outcome, 'completed');
    assert.equal(customer.active, false);
    anna.close();
    boris.close();
  });

  it('click-to-call rings the operator phone with auto-answer, then the customer; one record when it ends', async () => {
    const anna = await h.login('op-1001');
    const records: string[] = [];
    const off = h.gateway.onDomainEvent((e) => {
      if (e.type === 'call.ended') records.push(e.record.outcome);
    });
    const answered = anna.next(isEvent('call.answered'));
    // The operator sees the customer's phone ringing once their own phone has answered.
    const dialing = anna.next(isEvent('call.dialing', (c) => c.state === 'dialing'));
    const reply = await anna.command({ name: 'dial', number: '+7 999 000-00-01', crmRef: 'deal-42' });
    assert.equal(reply.status, 'done', JSON.stringify(reply));
    assert.match(reply.callId ?? '', /^cg-/);
    assert.equal(callOf(await dialing).callId, reply.callId);
    const talking = callOf(await answered);
    assert.equal(talking.callId, reply.callId);
    assert.equal(talking.number, '+79990000001');
    assert.equal(talking.crmRef, 'deal-42');
    const ended = anna.next(isEvent('call.ended'));
    assert.equal((await anna.command({ name: 'hangup', callId: talking.callId })).status, 'done');
    assert.equal(callOf(await ended).outcome, 'completed');
    await waitUntil(() => records.length === 1, 'the record is closed');
    assert.deepEqual(records, ['answered']);
    off();
    anna.close();
  });

  it('a CRM reference with commas, quotes and backslashes reaches the channel whole, setting nothing else', async () => {
    const anna = await h.login('op-1001');
    await waitUntil(() => h.gateway.telephony.callsOf('op-1001').length === 0, 'the previous call is gone');
    // Asterisk splits a Variable header at commas: unescaped, this would also write FILE().
    const crmRef = 'deal-43,FILE(/tmp/callgate-crm-ref)=x "quoted" back\\slash';
    const answered = anna.next(isEvent('call.answered'));
    const reply = await anna.command({ name: 'dial', number: '79990000001', crmRef });
    assert.equal(reply.status, 'done', JSON.stringify(reply));
    assert.equal(callOf(await answered).crmRef, crmRef);
    const channel = h.sim.control.phone('1001').channels()[0]?.name;
    assert.ok(channel, 'the operator leg is up');
    const result = await h.gateway.telephony.send(actions.getvar('CALLGATE_CRM_REF', channel));
    assert.equal(result.response.get('Value'), crmRef);
    const ended = anna.next(isEvent('call.ended'));
    assert.equal((await anna.command({ name: 'hangup', callId: reply.callId ?? '' })).status, 'done');
    await ended;
    anna.close();
  });

  it('click-to-call to a busy number ends as busy for the operator', async () => {
    const anna = await h.login('op-1001');
    await waitUntil(() => h.gateway.telephony.callsOf('op-1001').length === 0, 'the previous call is gone');
    const ended = anna.next(isEvent('call.ended'));
    const reply = await anna.command({ name: 'dial', number: '79990000002' });
    assert.equal(reply.status, 'done');
    assert.equal(callOf(await ended).outcome, 'busy');
    anna.close();
  });

  it("click-to-call fails plainly when the operator's phone is not registered", async () => {
    h.sim.control.phone('1003').unregister();
    try {
      await waitUntil(() => h.gateway.telephony.status('op-1003')?.phone === 'unavailable', 'phone 1003 unavailable');
      const vera = await h.login('op-1003');
      const reply = await vera.command({ name: 'dial', number: '79990000001' });
      assert.equal(reply.status, 'failed');
      assert.equal(reply.code, 'GW_ERR_PHONE_UNAVAILABLE');
      vera.close();
    } finally {
      h.sim.control.phone('1003').register();
    }
  });

  it('click-to-call hung up by the operator while the customer rings ends as cancelled', async () => {
    const anna = await h.login('op-1001');
    const dialing = anna.next(isEvent('call.dialing', (c) => c.state === 'dialing'));
    const reply = await anna.command({ name: 'dial', number: '79990000003' });
    assert.equal(reply.status, 'done');
    const call = callOf(await dialing);
    const ended = anna.next(isEvent('call.ended'));
    assert.equal((await anna.command({ name: 'hangup', callId: call.callId })).status, 'done');
    assert.equal(callOf(await ended).outcome, 'cancelled');
    anna.close();
  });

  it('a reload mid-call shows the live call, and two tabs see the same events', async () => {
    const first = await h.login('op-1001');
    const second = await h.login('op-1001');
    const offeredToBoth = Promise.all([first, second].map((tab) => tab.next(isEvent('call.offered'))));
    const customer = h.sim.control.customerCalls({ from: '79161230042', line: '74950000000' });
    const [a, b] = await offeredToBoth;
    assert.deepEqual(a, b, 'both tabs got the same event, same sequence number');
    const answered = first.next(isEvent('call.answered'));
    await answer('1001');
    const call = callOf(await answered);
    // The page reloads: a new connection without resume gets a snapshot holding the call.
    first.close();
    const { client: reloaded, welcome } = await OperatorClient.login(h.gateway.url, await h.token('op-1001'));
    assert.equal(welcome.resumed, false);
    const live = welcome.snapshot?.calls.find((c) => c.callId === call.callId);
    assert.equal(live?.state, 'talking');
    assert.equal(live?.number, '+79161230042');
    const endedEverywhere = Promise.all([reloaded, second].map((tab) => tab.next(isEvent('call.ended'))));
    customer.hangup();
    await endedEverywhere;
    reloaded.close();
    second.close();
  });

  it('a command sent twice runs once, and the repeat says so', async () => {
    const anna = await h.login('op-1001');
    await waitUntil(() => h.gateway.telephony.callsOf('op-1001').length === 0, 'no call in progress');
    let originates = 0;
    const off = h.sim.control.onEvent((e) => {
      if (e.event === 'OriginateResponse') originates++;
    });
    const first = await anna.command({ name: 'dial', number: '79990000003' }, 'same-id');
    const second = await anna.command({ name: 'dial', number: '79990000003' }, 'same-id');
    assert.equal(first.status, 'done');
    assert.equal(second.duplicate, true);
    assert.equal(second.callId, first.callId);
    assert.equal(originates, 1);
    // A second tab of the same operator sending the same id gets the same answer.
    const tab = await h.login('op-1001');
    const third = await tab.command({ name: 'dial', number: '79990000003' }, 'same-id');
    assert.equal(third.duplicate, true);
    assert.equal(originates, 1);
    await anna.command({ name: 'hangup', callId: first.callId ?? '' });
    off();
    anna.close();
    tab.close();
  });

  it("an operator cannot touch another operator's call", async () => {
    const anna = await h.login('op-1001');
    const vera = await h.login('op-1003');
    // The sales line rings only Vera (queue sales).
    const offered = vera.next(isEvent('call.offered'));
    const customer = h.sim.control.customerCalls({ from: '79161230000', line: '74950000001' });
    const call = callOf(await offered);
    for (const name of ['hangup', 'hold'] as const) {
      const reply = await anna.command({ name, callId: call.callId });
      assert.equal(reply.status, 'failed');
      assert.equal(reply.code, 'GW_ERR_UNKNOWN_CALL');
    }
    customer.hangup();
    await vera.waitFor(isEvent('call.ended', (c) => c.callId === call.callId));
    assert.equal(anna.received.filter((m) => m.type === 'event' && m.event.kind !== 'status').length, 0);
    anna.close();
    vera.close();
  });

  it('refuses bad numbers and bad pause reasons with their codes, without touching Asterisk', async () => {
    const anna = await h.login('op-1001');
    const cases = [
      [{ name: 'dial', number: '+7999\r\nAction: Originate' }, 'GW_ERR_INVALID_NUMBER'],
      [{ name: 'dial', number: 'call mum' }, 'GW_ERR_INVALID_NUMBER'],
      [{ name: 'set-status', status: 'paused', reason: 'nap' }, 'GW_ERR_INVALID_PAUSE_REASON'],
      [{ name: 'hangup', callId: 'cg-nope' }, 'GW_ERR_UNKNOWN_CALL'],
    ] as const;
    for (const [command, code] of cases) {
      const reply = await anna.command(command);
      assert.equal(reply.code, code, JSON.stringify(command));
    }
    anna.close();
  });

  it('status: ready and paused with a reason reach Asterisk as queue pauses; wrap-up follows a call', async () => {
    const anna = await h.login('op-1001');
    assert.equal((await anna.command({ name: 'log-in' })).status, 'done');
    const paused = anna.next(
      (m) => m.type === 'event' && m.event.kind === 'status' && m.event.status.work === 'paused',
    );
    assert.equal((await anna.command({ name: 'set-status', status: 'paused', reason: 'lunch' })).status, 'done');
    const p = await paused;
    assert.ok(p.type === 'event' && p.event.kind === 'status' && p.event.status.pauseReason === 'lunch');
    const ready = anna.next((m) => m.type === 'event' && m.event.kind === 'status' && m.event.status.work === 'ready');
    assert.equal((await anna.command({ name: 'set-status', status: 'ready' })).status, 'done');
    await ready;

    const offered = anna.next(isEvent('call.offered'));
    h.sim.control.customerCalls({ from: '79161234568', line: '74950000000', talkMs: 300 });
    await offered;
    const wrapUp = anna.next(
      (m) => m.type === 'event' && m.event.kind === 'status' && m.event.status.work === 'wrap-up',
    );
    await answer('1001');
    const w = await wrapUp;
    assert.ok(w.type === 'event' && w.event.kind === 'status' && w.event.status.wrapUpEndsAt !== null);
    // The configured 2 s pass and the operator is ready again by themselves.
    await anna.next((m) => m.type === 'event' && m.event.kind === 'status' && m.event.status.work === 'ready', 10_000);
    anna.close();
  });

  it('a reconnecting tab resumes from its last event; a new gateway stream gets a snapshot', async () => {
    const { client, welcome } = await OperatorClient.login(h.gateway.url, await h.token('op-1001'));
    assert.equal(welcome.resumed, false);
    assert.ok(welcome.snapshot);
    assert.equal(welcome.holdFromBrowser, false, 'this site holds with the phone key only (hold.method none)');
    await client.command({ name: 'set-status', status: 'paused', reason: 'break' });
    await client.waitFor(
      (m) => m.type === 'event' && m.event.kind === 'status' && m.event.status.pauseReason === 'break',
    );
    const lastSeq = Math.max(...client.received.map((m) => (m.type === 'event' ? m.seq : 0)));
    client.close();
    await client.waitClose();
    // Meanwhile the operator's status changes from another tab.
    const other = await h.login('op-1001');
    await other.command({ name: 'set-status', status: 'ready' });
    const back = await OperatorClient.login(h.gateway.url, await h.token('op-1001'), {
      streamId: welcome.streamId,
      lastSeq,
    });
    assert.equal(back.welcome.resumed, true);
    assert.equal(back.welcome.snapshot, null);
    const missed = await back.client.waitFor(
      (m) => m.type === 'event' && m.event.kind === 'status' && m.event.status.work === 'ready',
    );
    assert.ok(missed.type === 'event' && missed.seq > lastSeq);
    const stale = await OperatorClient.login(h.gateway.url, await h.token('op-1001'), {
      streamId: 'from-before-a-restart',
      lastSeq: 3,
    });
    assert.equal(stale.welcome.resumed, false);
    assert.ok(stale.welcome.snapshot);
    other.close();
    back.client.close();
    stale.client.close();
  });

  it('no message to an operator carries a queue name, a channel name, a Uniqueid or another operator', async () => {
    const anna = await h.login('op-1001');
    const offered = anna.next(isEvent('call.offered'));
    const customer = h.sim.control.customerCalls({ from: '79161239999', line: '74950000000' });
    await offered;
    await answer('1001');
    await anna.waitFor(isEvent('call.answered'));
    h.sim.control.phone('1001').hold();
    await anna.waitFor(isEvent('call.held'));
    h.sim.control.phone('1001').unhold();
    await anna.waitFor(isEvent('call.resumed'));
    customer.hangup();
    await anna.waitFor(isEvent('call.ended'));
    await anna.command({ name: 'set-status', status: 'ready' });
    const kinds = new Set<string>(anna.received.map((m) => (m.type === 'event' ? m.event.kind : m.type)));
    for (const kind of [
      'welcome',
      'call.offered',
      'call.answered',
      'call.held',
      'call.resumed',
      'call.ended',
      'status',
      'reply',
    ]) {
      assert.ok(kinds.has(kind), `saw ${kind}`);
    }
    for (const message of anna.received) {
      const text = JSON.stringify(message.type === 'welcome' ? { ...message, colleagues: [] } : message);
      for (const forbidden of ['support', 'sales', 'PJSIP', 'pstn', 'op-1002', 'op-1003', 'Boris', 'Vera']) {
        assert.ok(!text.includes(forbidden), `${message.type} carries "${forbidden}": ${text}`);
      }
      assert.doesNotMatch(text, /\b1\d{9}\.\d+\b/, `${message.type} carries a Uniqueid`);
    }
    anna.close();
  });
});

describe('operator WebSocket refuses what it must', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.stop();
  });

  const closeCodeFor = async (hello: unknown): Promise<number> => {
    const c = await OperatorClient.connect(h.gateway.url);
    c.sendRaw(JSON.stringify(hello));
    return c.waitClose();
  };

  it('missing, forged, expired, other-site and non-operator tokens get their close codes', async () => {
    const forger = await (await import('../support/tokens.js')).testIssuer();
    assert.equal(await closeCodeFor({ type: 'hello', v: 1, token: 'garbage' }), 4001);
    assert.equal(await closeCodeFor({ type: 'hello', v: 1, token: await forger.sign({ sub: 'op-1001' }) }), 4001);
    const expired = await h.issuer.sign({ sub: 'op-1001' }, { issuedAt: Math.floor(Date.now() / 1000) - 3600 });
    assert.equal(await closeCodeFor({ type: 'hello', v: 1, token: expired }), 4002);
    assert.equal(
      await closeCodeFor({ type: 'hello', v: 1, token: await h.issuer.sign({ sub: 'op-1001', site: 'tallinn' }) }),
      4003,
    );
    assert.equal(
      await closeCodeFor({ type: 'hello', v: 1, token: await h.issuer.sign({ sub: 'sup-1', role: 'supervisor' }) }),
      4003,
    );
    assert.equal(
      await closeCodeFor({ type: 'hello', v: 1, token: await h.issuer.sign({ sub: 'op-1001', ext: '1002' }) }),
      4003,
    );
    assert.equal(await closeCodeFor({ type: 'hello', v: 2, token: await h.token('op-1001') }), 4004);
  });

  it('malformed frames get typed errors and the gateway keeps serving everyone else', async () => {
    const bystander = await h.login('op-1002');
    const anna = await h.login('op-1001');
    anna.sendRaw('{not json');
    anna.sendRaw(JSON.stringify({ type: 'launch-missiles' }));
    anna.sendRaw(JSON.stringify({ type: 'command', id: 'x', command: { name: 'dial' } }));
    anna.sendRaw(JSON.stringify({ type: 'hello', v: 1, token: 'again' }));
    const errors = () => anna.received.filter((m) => m.type === 'error').map((m) => (m.type === 'error' ? m.code : ''));
    await waitUntil(() => errors().length === 4, 'four errors');
    assert.deepEqual(errors(), ['GW_ERR_BAD_JSON', 'GW_ERR_BAD_MESSAGE', 'GW_ERR_BAD_MESSAGE', 'GW_ERR_OUT_OF_ORDER']);
    const badMessage = anna.received.find((m) => m.type === 'error' && m.code === 'GW_ERR_BAD_MESSAGE');
    assert.ok(badMessage?.type === 'error' && /command/.test(badMessage.message), 'the error names the field');
    assert.equal((await bystander.command({ name: 'set-status', status: 'ready' })).status, 'done');
    anna.close();
    bystander.close();
  });

  it('an oversize frame closes only that socket (1009)', async () => {
    const anna = await h.login('op-1001');
    anna.sendRaw(
      JSON.stringify({ type: 'command', id: 'big', command: { name: 'dial', number: 'x'.repeat(100_000) } }),
    );
    assert.equal(await anna.waitClose(), 1009);
    const again = await h.login('op-1001');
    assert.equal((await again.command({ name: 'dial', number: 'abc' })).code, 'GW_ERR_INVALID_NUMBER');
    again.close();
  });

  it('a connection that never says hello is closed', async () => {
    const c = await OperatorClient.connect(h.gateway.url);
    assert.equal(await c.waitClose(8000), 4005);
  });

  it('a flood of commands is rate limited', async () => {
    const anna = await h.login('op-1001');
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) => anna.command({ name: 'set-status', status: 'ready' }, `flood-${i}`)),
    );
    assert.ok(replies.some((r) => r.code === 'GW_ERR_RATE_LIMITED'));
    anna.close();
  });
});
