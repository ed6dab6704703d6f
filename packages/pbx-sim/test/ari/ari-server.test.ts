import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AmiMessage } from '@callgate/ami';
import { startPbxSim, type PbxSim } from '../../src/index.js';

const auth = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function connectedCall(
  sim: PbxSim,
  from: string,
): Promise<{ customer: string; operatorUniqueid: string; hangup(): void }> {
  const ringing = sim.control.waitForEvent(
    (e) =>
      e.event === 'Newstate' &&
      e.get('ChannelStateDesc') === 'Ringing' &&
      e.get('Channel')?.startsWith('PJSIP/1001-') === true,
  );
  const call = sim.control.customerCalls({ from, name: 'Ivan Petrov' });
  await ringing;
  const connected = sim.control.waitForEvent('AgentConnect');
  sim.control.phone('1001').answer();
  const agent: AmiMessage = await connected;
  return { customer: call.channel, operatorUniqueid: agent.get('DestUniqueid') ?? '', hangup: () => call.hangup() };
}

describe('ARI (hold from the browser, callgate doctor)', () => {
  let sim: PbxSim;
  let base: string;
  const headers = { authorization: auth('crm', 'crm-ari-secret') };
  before(async () => {
    sim = await startPbxSim({ ari: { port: 0, username: 'crm', password: 'crm-ari-secret', holdAnyChannel: true } });
    base = sim.ari?.url ?? '';
  });
  after(async () => {
    await sim.stop();
  });

  it('answers GET /ari/asterisk/info with the Asterisk version', async () => {
    const res = await fetch(`${base}/ari/asterisk/info`, { headers });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { system: { version: string } };
    assert.equal(body.system.version, '22.10.1');
  });

  it('refuses wrong credentials with 401 and a Basic challenge, and accepts api_key', async () => {
    const res = await fetch(`${base}/ari/asterisk/info`, { headers: { authorization: auth('crm', 'wrong') } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Basic realm="Asterisk REST Interface"');
    assert.deepEqual(await res.json(), { message: 'Authentication required' });
    assert.equal((await fetch(`${base}/ari/asterisk/info`)).status, 401);
    assert.equal((await fetch(`${base}/ari/asterisk/info?api_key=crm:crm-ari-secret`)).status, 200);
  });

  it('holds the operator’s channel as the phone’s hold key does: Hold on it, music for the customer; DELETE resumes', async () => {
    const call = await connectedCall(sim, '79165550301');
    const held = sim.control.waitForEvent((e) => e.event === 'Hold');
    const music = sim.control.waitForEvent((e) => e.event === 'MusicOnHoldStart');
    const res = await fetch(`${base}/ari/channels/${call.operatorUniqueid}/hold`, { method: 'POST', headers });
    assert.equal(res.status, 204);
    assert.equal((await held).get('Uniqueid'), call.operatorUniqueid);
    assert.equal((await music).get('Channel'), call.customer);
    assert.equal(sim.control.channels().find((c) => c.name === call.customer)?.onHold, true);
    const unheld = sim.control.waitForEvent((e) => e.event === 'Unhold');
    const resumed = await fetch(`${base}/ari/channels/${call.operatorUniqueid}/hold`, { method: 'DELETE', headers });
    assert.equal(resumed.status, 204);
    assert.equal((await unheld).get('Uniqueid'), call.operatorUniqueid);
    assert.equal(sim.control.channels().find((c) => c.name === call.customer)?.onHold, false);
    const gone = sim.control.waitForEvent((e) => e.event === 'Hangup' && e.get('Uniqueid') === call.operatorUniqueid);
    call.hangup();
    await gone;
  });

  it('answers 404 Channel not found for a channel that does not exist, 404 for an unknown resource', async () => {
    const res = await fetch(`${base}/ari/channels/1795795000.999/hold`, { method: 'POST', headers });
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { message: 'Channel not found' });
    assert.equal((await fetch(`${base}/ari/bridges`, { headers })).status, 404);
    assert.equal((await fetch(`${base}/ari/asterisk/info`, { method: 'DELETE', headers })).status, 405);
  });

  it('by default, as real Asterisk, refuses to hold a channel outside a Stasis application with 409', async () => {
    const strict = await startPbxSim({ ari: { port: 0, username: 'crm', password: 'crm-ari-secret' } });
    try {
      const call = await connectedCall(strict, '79165550302');
      const res = await fetch(`${strict.ari?.url ?? ''}/ari/channels/${call.operatorUniqueid}/hold`, {
        method: 'POST',
        headers,
      });
      assert.equal(res.status, 409);
      assert.deepEqual(await res.json(), { message: 'Channel not in Stasis application' });
      call.hangup();
    } finally {
      await strict.stop();
    }
  });

  it('tells the simulated clock, skew included, in the Date header', async () => {
    const skewed = await startPbxSim({
      clockOffsetMs: -120_000,
      ari: { port: 0, username: 'crm', password: 'crm-ari-secret' },
    });
    try {
      const res = await fetch(`${skewed.ari?.url ?? ''}/ari/asterisk/info`, { headers });
      const skew = Date.parse(res.headers.get('date') ?? '') - Date.now();
      assert.ok(skew < -115_000 && skew > -125_000, `skew ${skew}`);
    } finally {
      await skewed.stop();
    }
  });
});
