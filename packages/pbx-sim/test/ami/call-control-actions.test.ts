import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { AmiClient } from '@callgate/ami';
import { type AmiMessage } from '@callgate/ami';
import { startPbxSim, type PbxSim } from '../../src/index.js';
import { answer, ringingOn, simClient } from '../support/ami-client.js';

describe('AMI call control: PlayDTMF and CancelAtxfer', () => {
  let sim: PbxSim;
  let c: AmiClient;
  let events: AmiMessage[] = [];
  let stopRecording: () => void = () => undefined;

  /** A customer in the support queue talking to 1001; the two channel names. */
  async function connectedCall(from: string): Promise<{ customer: string; operator: string; hangup(): void }> {
    const ringing = ringingOn(sim, '1001');
    const call = sim.control.customerCalls({ from, name: 'Ivan Petrov' });
    await ringing;
    const connected = sim.control.waitForEvent('AgentConnect');
    sim.control.phone('1001').answer();
    const agent = await connected;
    return { customer: call.channel, operator: agent.get('DestChannel') ?? '', hangup: () => call.hangup() };
  }

  before(async () => {
    sim = await startPbxSim();
    c = simClient(sim);
    c.start();
    await c.ready();
  });
  afterEach(() => {
    stopRecording();
    events = [];
  });
  after(async () => {
    await c.stop();
    await sim.stop();
  });

  const record = (): void => {
    stopRecording = sim.control.onEvent((e) => events.push(e));
  };

  it('sends a PlayDTMF digit to the customer without any AMI event, as ast_senddigit_external does', async () => {
    const call = await connectedCall('79165550201');
    record();
    assert.equal(
      await answer(c, { action: 'PlayDTMF', headers: { Channel: call.customer, Digit: '5', Duration: 250 } }),
      'DTMF successfully queued',
    );
    await answer(c, { action: 'PlayDTMF', headers: { Channel: call.customer, Digit: '#' } });
    assert.equal(sim.control.channels().find((ch) => ch.name === call.customer)?.digitsHeard, '5#');
    assert.deepEqual(
      events.filter((e) => e.event?.startsWith('DTMF')),
      [],
    );
    const gone = sim.control.waitForEvent((e) => e.event === 'Hangup' && e.get('Channel') === call.operator);
    call.hangup();
    await gone;
  });

  it('with Receive: yes raises DTMFEnd Received on the channel and Sent on the party it talks to', async () => {
    const call = await connectedCall('79165550202');
    record();
    await answer(c, {
      action: 'PlayDTMF',
      headers: { Channel: call.operator, Digit: '7', Duration: 40, Receive: true },
    });
    await c.send({ action: 'Ping' });
    const dtmf = events.filter((e) => e.event === 'DTMFEnd');
    assert.deepEqual(
      dtmf.map((e) => [e.get('Channel'), e.get('Digit'), e.get('Direction'), e.get('DurationMs')]),
      [
        [call.operator, '7', 'Received', '40'],
        // Passed through the bridge with the 80 ms minimum duration (channel.c "DTMF end passthrough").
        [call.customer, '7', 'Sent', '80'],
      ],
    );
    assert.equal(dtmf[0]?.get('Privilege'), 'dtmf,all');
    assert.ok(
      events.some((e) => e.event === 'CEL' && e.get('EventName') === 'DTMF' && e.get('Channel') === call.operator),
    );
    assert.equal(sim.control.channels().find((ch) => ch.name === call.customer)?.digitsHeard, '7');
    const gone = sim.control.waitForEvent((e) => e.event === 'Hangup' && e.get('Channel') === call.operator);
    call.hangup();
    await gone;
  });

  it('answers PlayDTMF mistakes with app_senddtmf.c texts', async () => {
    assert.equal(
      await answer(c, { action: 'PlayDTMF', headers: { Channel: 'PJSIP/nobody-00000000', Digit: '1' } }),
      'Channel not found',
    );
    const call = await connectedCall('79165550203');
    assert.equal(await answer(c, { action: 'PlayDTMF', headers: { Channel: call.customer } }), 'No digit specified');
    assert.equal(
      await answer(c, { action: 'PlayDTMF', headers: { Channel: call.customer, Digit: '1', Duration: 'long' } }),
      'Could not convert Duration parameter',
    );
    const gone = sim.control.waitForEvent((e) => e.event === 'Hangup' && e.get('Channel') === call.operator);
    call.hangup();
    await gone;
  });

  it('cancels an attended transfer while the colleague rings: their phone stops, the operator is back with the customer', async () => {
    const call = await connectedCall('79165550204');
    const colleagueRings = ringingOn(sim, '1002');
    assert.equal(
      await answer(c, { action: 'Atxfer', headers: { Channel: call.operator, Exten: '1002', Context: 'internal' } }),
      'Atxfer successfully queued',
    );
    await colleagueRings;
    record();
    const back = sim.control.waitForEvent((e) => e.event === 'MusicOnHoldStop' && e.get('Channel') === call.customer);
    assert.equal(
      await answer(c, { action: 'CancelAtxfer', headers: { Channel: call.operator } }),
      'CancelAtxfer successfully queued',
    );
    await back;
    await c.send({ action: 'Ping' });
    assert.deepEqual(
      events.filter((e) => e.event === 'DTMFEnd').map((e) => [e.get('Channel'), e.get('Digit'), e.get('Direction')]),
      [
        [call.operator, '*', 'Received'],
        [call.operator, '1', 'Received'],
      ],
      'the atxferabort code (*1) arrives as DTMF on the transferer and goes no further',
    );
    assert.ok(
      events.some(
        (e) =>
          e.event === 'DialEnd' && e.get('DialStatus') === 'CANCEL' && e.get('DestChannel')?.startsWith('PJSIP/1002-'),
      ),
    );
    assert.ok(events.some((e) => e.event === 'Unhold' && e.get('Channel') === call.operator));
    assert.equal(sim.control.phone('1002').channels().length, 0, 'the colleague’s phone no longer rings');
    const channels = sim.control.channels();
    assert.deepEqual(
      channels.map((ch) => ch.name).sort(),
      [call.customer, call.operator].sort(),
      'no Local channel is left',
    );
    const [a, b] = channels;
    assert.ok(a?.bridgeId !== undefined && a.bridgeId === b?.bridgeId, 'operator and customer share a bridge again');
    assert.equal(channels.find((ch) => ch.name === call.customer)?.onHold, false);
    // The call goes on as before: the customer hangs up and everything ends.
    const gone = sim.control.waitForEvent((e) => e.event === 'Hangup' && e.get('Channel') === call.operator);
    call.hangup();
    await gone;
    assert.equal(sim.control.channels().length, 0);
  });

  it('cancels an attended transfer the colleague already answered: the colleague is hung up', async () => {
    const call = await connectedCall('79165550205');
    const colleagueRings = ringingOn(sim, '1002');
    await answer(c, { action: 'Atxfer', headers: { Channel: call.operator, Exten: '1002', Context: 'internal' } });
    await colleagueRings;
    const talking = sim.control.waitForEvent(
      (e) => e.event === 'BridgeEnter' && e.get('Channel')?.startsWith('PJSIP/1002-') === true,
    );
    sim.control.phone('1002').answer();
    await talking;
    const colleagueGone = sim.control.waitForEvent(
      (e) => e.event === 'Hangup' && e.get('Channel')?.startsWith('PJSIP/1002-') === true,
    );
    const back = sim.control.waitForEvent((e) => e.event === 'BridgeEnter' && e.get('Channel') === call.operator);
    await answer(c, { action: 'CancelAtxfer', headers: { Channel: call.operator } });
    await Promise.all([colleagueGone, back]);
    assert.deepEqual(
      sim.control
        .channels()
        .map((ch) => ch.name)
        .sort(),
      [call.customer, call.operator].sort(),
    );
    // The operator, not the transfer, ends the call now: hanging up leaves nobody behind.
    const done = sim.control.waitForEvent((e) => e.event === 'Hangup' && e.get('Channel') === call.customer);
    sim.control.phone('1001').hangup();
    await done;
    assert.equal(sim.control.channels().length, 0);
  });

  it('answers CancelAtxfer without a channel, or for one that does not exist, with manager.c texts', async () => {
    assert.equal(await answer(c, { action: 'CancelAtxfer' }), 'No channel specified');
    assert.equal(
      await answer(c, { action: 'CancelAtxfer', headers: { Channel: 'PJSIP/1001-ffffffff' } }),
      'Channel specified does not exist',
    );
  });
});
