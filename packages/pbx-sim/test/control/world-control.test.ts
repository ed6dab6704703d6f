import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { AmiClient } from '@callgate/ami';
import { LoadGenerator, startPbxSim, VirtualScheduler, type PbxSim } from '../../src/index.js';
import { connectRaw } from '../support/raw-ami.js';
import { ringingOn, simClient } from '../support/ami-client.js';

describe('scripted world over AMI', () => {
  let sim: PbxSim;
  before(async () => {
    sim = await startPbxSim();
  });
  after(async () => {
    await sim.stop();
  });

  it('lets the answering phone blind-transfer the customer to a colleague who then talks to them', async () => {
    const ringing = ringingOn(sim, '1001');
    const call = sim.control.customerCalls({ from: '79165550101', name: 'Ivan Petrov' });
    await ringing;
    sim.control.phone('1001').answer();
    const transfer = sim.control.waitForEvent('BlindTransfer');
    const target = ringingOn(sim, '1003');
    sim.control.phone('1001').blindTransfer('1003');
    assert.equal((await transfer).get('Extension'), '1003');
    assert.equal((await target).get('Linkedid'), call.uniqueid, 'the transfer target joins the customer’s call');
    const bridged = sim.control.waitForEvent((e) => e.event === 'BridgeEnter' && e.get('Channel') === call.channel);
    sim.control.phone('1003').answer();
    await bridged;
    assert.equal(sim.control.phone('1001').channels().length, 0, 'the transferring operator is off the call');
    const done = sim.control.waitForEvent((e) => e.event === 'Hangup' && e.get('Channel') === call.channel);
    call.hangup();
    await done;
  });

  it('does not ring an unregistered phone, fails Originate to it, and rings it again once registered', async () => {
    const phone = sim.control.phone('1002');
    phone.unregister();
    assert.equal(phone.registered, false);
    const rang: string[] = [];
    const off = sim.control.onEvent((e) => {
      if (e.event === 'AgentCalled') rang.push(e.get('Interface') ?? '');
    });
    const ringing = ringingOn(sim, '1001');
    const call = sim.control.customerCalls({ from: '79165550102', name: 'A' });
    await ringing;
    assert.deepEqual(rang, ['PJSIP/1001']);
    off();
    call.hangup();
    const ami = simClient(sim);
    ami.start();
    await ami.ready();
    const failed = await ami.send(
      {
        action: 'Originate',
        headers: { Channel: 'PJSIP/1002', Context: 'outbound', Exten: '79990000001', Async: true },
      },
      { followUpEvent: 'OriginateResponse' },
    );
    assert.equal(failed.followUp?.get('Response'), 'Failure');
    await ami.stop();
    phone.register();
    const again = ringingOn(sim, '1002');
    const second = sim.control.customerCalls({ from: '79165550103', name: 'B' });
    await again;
    second.hangup();
  });

  it('keeps calls up when the AMI connections drop, and a reconnecting client finds them', async () => {
    const ami = new AmiClient({
      host: sim.host,
      port: sim.port,
      username: 'crm',
      secret: 'crm-secret',
      keepaliveIntervalMs: 0,
      reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
    });
    ami.start();
    const first = await ami.ready();
    const ringing = ringingOn(sim, '1001');
    const call = sim.control.customerCalls({ from: '79165550104', name: 'C' });
    await ringing;
    sim.control.phone('1001').answer();
    const reconnected = new Promise<number>((resolve) => ami.on('connected', (info) => resolve(info.generation)));
    sim.control.dropAmiConnections();
    assert.ok((await reconnected) > first.generation);
    const list = await ami.send({ action: 'CoreShowChannels' });
    assert.ok(list.items.some((i) => i.get('Channel') === call.channel));
    call.hangup();
    await ami.stop();
  });

  it('sends nothing but responses to a session that logged in with Events: off', async () => {
    const raw = await connectRaw(sim.port);
    raw.action([
      ['Action', 'Login'],
      ['Username', 'crm'],
      ['Secret', 'crm-secret'],
      ['Events', 'off'],
      ['ActionID', 'l1'],
    ]);
    assert.equal((await raw.next()).get('Message'), 'Authentication accepted');
    const call = sim.control.customerCalls({ from: '79165550105', name: 'D' });
    call.hangup();
    raw.action([
      ['Action', 'Ping'],
      ['ActionID', 'p1'],
    ]);
    const next = await raw.next();
    assert.equal(next.response, 'Success');
    assert.equal(next.actionId, 'p1', 'no event came before the Ping response');
    raw.close();
  });
});

describe('a client that stops reading', () => {
  it('is disconnected once 16 MiB wait for it, while other clients are served', async () => {
    const clock = new VirtualScheduler();
    const sim = await startPbxSim({ scheduler: clock });
    try {
      const slow = net.connect({ host: sim.host, port: sim.port });
      await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
      slow.write('Action: Login\r\nUsername: crm\r\nSecret: crm-secret\r\n\r\n');
      await new Promise((r) => setTimeout(r, 50));
      slow.pause();
      // The paused client would not notice the close until it reads again: watch the server side.
      const isClosed = (): boolean => sim.pbx.server.sessions.size === 0;
      for (const ext of ['1001', '1002', '1003'])
        sim.control.phone(ext).setBehaviour({ mode: 'answer', answerAfterMs: 500 });
      const load = new LoadGenerator(sim.pbx.world, {
        callsPerSecond: 20,
        talkSeconds: { kind: 'fixed', value: 1 },
        patienceSeconds: { kind: 'fixed', value: 5 },
        seed: 9,
      });
      load.start();
      for (let i = 0; i < 2000 && !isClosed(); i++) {
        clock.advance(1000);
        await new Promise((r) => setImmediate(r));
      }
      load.stop();
      assert.ok(isClosed(), 'the server dropped the client that stopped reading');
      const ok = simClient(sim);
      ok.start();
      await ok.ready();
      assert.equal((await ok.send({ action: 'Ping' })).response.get('Ping'), 'Pong');
      await ok.stop();
      slow.destroy();
    } finally {
      await sim.stop();
    }
  });
});
