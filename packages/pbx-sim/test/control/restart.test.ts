import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { labWorld, startPbxSim } from '../../src/index.js';
import { connectRaw } from '../support/raw-ami.js';

function connectRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

describe('Asterisk restart', () => {
  it('hangs up calls, sends Shutdown, refuses connects, then boots fresh with counters reset', async () => {
    const world = labWorld();
    world.timing.shutdownAfterMs = 100;
    world.timing.restartDownMs = 300;
    const sim = await startPbxSim({ world });
    const opened: Array<{ close(): void }> = [];
    try {
      const raw = await connectRaw(sim.port);
      opened.push(raw);
      raw.action([
        ['Action', 'Login'],
        ['Username', 'crm'],
        ['Secret', 'crm-secret'],
      ]);
      await raw.until((m) => m.event === 'SuccessfulAuth');
      const ringing = sim.control.waitForEvent(
        (e) =>
          e.event === 'Newstate' &&
          e.get('ChannelStateDesc') === 'Ringing' &&
          e.get('Channel')?.startsWith('PJSIP/1001-') === true,
      );
      sim.control.customerCalls({ from: '79165550101', name: 'Ivan Petrov' });
      await ringing;
      sim.control.phone('1001').answer();
      const restarted = sim.control.restart();
      const seen = await raw.until((m) => m.event === 'Shutdown', 3000);
      const soft = seen.filter((m) => m.event === 'SoftHangupRequest' && m.get('Cause') === '4');
      assert.equal(soft.length, 2, 'both channels of the answered call get SoftHangupRequest Cause 4 (16)');
      assert.equal(seen.find((m) => m.event === 'AgentComplete')?.get('Reason'), 'agent');
      const shutdown = seen.at(-1);
      assert.equal(shutdown?.get('Shutdown'), 'Cleanly');
      assert.equal(shutdown?.get('Restart'), 'True');
      await raw.closed;
      assert.equal(await connectRefused(sim.port), true, 'connects are refused while Asterisk is down');
      await restarted;
      const again = await connectRaw(sim.port);
      opened.push(again);
      again.action([
        ['Action', 'Login'],
        ['Username', 'crm'],
        ['Secret', 'crm-secret'],
      ]);
      const [, booted] = await again.until((m) => m.event === 'SuccessfulAuth');
      assert.equal(booted?.get('Uptime'), '0');
      assert.equal(booted?.get('LastReload'), '0');
      again.action([
        ['Action', 'CoreShowChannels'],
        ['ActionID', 'c1'],
      ]);
      const list = await again.until((m) => m.event === 'CoreShowChannelsComplete');
      assert.equal(list.at(-1)?.get('ListItems'), '0');
      const first = sim.control.customerCalls({ from: '79165550101', name: 'Ivan Petrov' });
      assert.match(first.uniqueid, /\.0$/, 'Uniqueid sequence restarts at 0');
      assert.equal(first.channel, 'PJSIP/pstn-00000000');
      again.close();
    } finally {
      for (const r of opened) r.close();
      await sim.stop();
    }
  });
});
