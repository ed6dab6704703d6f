import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AmiClient } from '@callgate/ami';
import { type AmiMessage } from '@callgate/ami';
import { startPbxSim, type PbxSim } from '../../src/index.js';
import { simClient } from '../support/ami-client.js';

const AUTO_ANSWER = { 'PJSIP_HEADER(add,Call-Info)': '<sip:127.0.0.1>;answer-after=0' };

describe('click-to-call and inbound calls over AMI', () => {
  let sim: PbxSim;
  let ami: AmiClient;
  const events: AmiMessage[] = [];
  /** Resolves when the AMI client (not the simulator) has received a matching event. */
  const received = (test: (e: AmiMessage) => boolean): Promise<AmiMessage> =>
    new Promise((resolve) => {
      const off = ami.on('event', (e) => {
        if (!test(e)) return;
        off();
        resolve(e);
      });
    });
  before(async () => {
    sim = await startPbxSim();
    ami = simClient(sim);
    ami.on('event', (e) => events.push(e));
    ami.start();
    await ami.ready();
  });
  after(async () => {
    await ami.stop();
    await sim.stop();
  });

  it('auto-answers the operator phone when Originate carries the Call-Info header, then dials the customer', async () => {
    sim.control.number('79990000001').setBehaviour({ mode: 'answer', answerAfterMs: 50 });
    const trunkAnswered = sim.control.waitForEvent(
      (e) =>
        e.event === 'DialEnd' &&
        e.get('DialStatus') === 'ANSWER' &&
        e.get('DestChannel')?.startsWith('PJSIP/pstn-') === true,
    );
    const result = await ami.send(
      {
        action: 'Originate',
        headers: {
          Channel: 'PJSIP/1001',
          Context: 'outbound',
          Exten: '79990000001',
          Priority: 1,
          CallerID: '"Ivan Petrov" <79990000001>',
          Timeout: 30000,
          Async: true,
        },
        variables: { ...AUTO_ANSWER, CRM_CALL_ID: 'abc123' },
      },
      { followUpEvent: 'OriginateResponse' },
    );
    assert.equal(result.response.get('Message'), 'Originate successfully queued');
    assert.equal(result.followUp?.get('Response'), 'Success');
    assert.equal(result.followUp?.get('Reason'), '4');
    const operator = result.followUp?.get('Channel') ?? '';
    assert.match(operator, /^PJSIP\/1001-[0-9a-f]{8}$/);
    const dialed = await trunkAnswered;
    assert.equal(dialed.get('Channel'), operator);
    assert.equal(
      dialed.get('DestLinkedid'),
      result.followUp?.get('Uniqueid'),
      'the trunk leg joins the call of the operator leg',
    );
    const crmVar = events.filter((e) => e.event === 'VarSet' && e.get('Variable') === 'CRM_CALL_ID');
    assert.deepEqual(
      crmVar.map((e) => e.get('Channel')),
      [operator],
      'a plain variable stays on the originated channel (06)',
    );
    const hungUp = sim.control.waitForEvent((e) => e.event === 'Hangup' && e.get('Channel') === operator);
    sim.control.phone('1001').hangup();
    assert.equal((await hungUp).get('Cause'), '16');
  });

  it('leaves a phone ringing when Originate has no auto-answer header, and fails after the timeout', async () => {
    const result = await ami.send(
      {
        action: 'Originate',
        headers: {
          Channel: 'PJSIP/1002',
          Context: 'outbound',
          Exten: '79990000001',
          Priority: 1,
          Timeout: 300,
          Async: true,
        },
      },
      { followUpEvent: 'OriginateResponse' },
    );
    assert.equal(result.followUp?.get('Response'), 'Failure');
    assert.equal(result.followUp?.get('Reason'), '3', 'rang but was not answered');
  });

  it('reports a busy customer number with DialEnd BUSY and both legs hung up with cause 17', async () => {
    const busyHangups: string[] = [];
    const off = sim.control.onEvent((e) => {
      if (e.event === 'Hangup' && e.get('Cause') === '17') busyHangups.push(e.get('Channel') ?? '');
    });
    const ended = received((e) => e.event === 'Hangup' && e.get('Channel')?.startsWith('PJSIP/1001-') === true);
    await ami.send({
      action: 'Originate',
      headers: { Channel: 'PJSIP/1001', Context: 'outbound', Exten: '79990000002', Priority: 1, Async: true },
      variables: { ...AUTO_ANSWER, __CRM_CALL_ID: 'abc124' },
    });
    await ended;
    off();
    assert.equal(busyHangups.length, 2);
    const busy = events.find((e) => e.event === 'DialEnd' && e.get('DialStatus') === 'BUSY');
    assert.ok(busy);
    const inherited = events.filter((e) => e.event === 'VarSet' && e.get('Variable') === '__CRM_CALL_ID');
    assert.equal(inherited.length, 2, 'a __ variable is copied to the trunk leg (07)');
  });

  it('fails Originate to an unknown endpoint with OriginateResponse Failure and no channel', async () => {
    const result = await ami.send(
      {
        action: 'Originate',
        headers: { Channel: 'PJSIP/1099', Context: 'outbound', Exten: '79990000001', Async: true },
      },
      { followUpEvent: 'OriginateResponse' },
    );
    assert.equal(result.followUp?.get('Response'), 'Failure');
    assert.equal(result.followUp?.get('Uniqueid'), '<unknown>');
    assert.equal(result.followUp?.get('Channel'), 'PJSIP/1099');
  });

  it('lets a scripted customer reach an operator and shows the call in CoreShowChannels', async () => {
    const ringing = sim.control.waitForEvent(
      (e) =>
        e.event === 'Newstate' &&
        e.get('ChannelStateDesc') === 'Ringing' &&
        e.get('Channel')?.startsWith('PJSIP/1002-') === true,
    );
    const call = sim.control.customerCalls({ from: '79161234567', name: 'Иван Петров', line: '74950000000' });
    await ringing;
    const connected = sim.control.waitForEvent('AgentConnect');
    sim.control.phone('1002').answer();
    assert.equal((await connected).get('Interface'), 'PJSIP/1002');
    const list = await ami.send({ action: 'CoreShowChannels' });
    const names = list.items.map((i) => i.get('Channel'));
    assert.ok(names.includes(call.channel));
    assert.equal(list.complete?.get('ListItems'), String(list.items.length));
    const bridgeIds = new Set(list.items.map((i) => i.get('BridgeId')));
    assert.equal(bridgeIds.size, 1);
    const complete = sim.control.waitForEvent('AgentComplete');
    call.hangup();
    assert.equal((await complete).get('Reason'), 'caller');
  });
});
