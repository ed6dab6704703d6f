import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseSimConfig } from '@callgate/contracts';
import { startSimSites, type SimSites } from '../../src/index.js';

function config(control: Record<string, unknown>): ReturnType<typeof parseSimConfig> {
  return parseSimConfig({
    control,
    sites: [{ id: 'lab', lab: true, ami: { port: 0, users: [{ username: 'crm', secret: 'crm-secret' }] } }],
  });
}

describe('HTTP control interface', () => {
  let sites: SimSites;
  let base = '';
  const headers = { authorization: 'Bearer t0ken-for-tests', 'content-type': 'application/json' };
  before(async () => {
    const parsed = config({ host: '127.0.0.1', port: 0, tokenFile: 'token' });
    assert.ok(parsed.ok);
    sites = await startSimSites(parsed.value, { readSecret: () => Promise.resolve('t0ken-for-tests') });
    base = `http://127.0.0.1:${sites.http?.port ?? 0}`;
  });
  after(async () => {
    await sites.stop();
  });

  it('refuses a request without the bearer token', async () => {
    const res = await fetch(`${base}/sites`);
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'SIM_ERR_UNAUTHORIZED');
  });

  it('lists the sites with their AMI port', async () => {
    const res = await fetch(`${base}/sites`, { headers });
    const body = (await res.json()) as Array<{ id: string; ami: { port: number } }>;
    assert.equal(body[0]?.id, 'lab');
    assert.equal(body[0]?.ami.port, sites.sites.get('lab')?.sim.port);
  });

  it('places a customer call, lets phone 1001 answer it, and shows the bridged channels', async () => {
    const sim = sites.sites.get('lab')?.sim;
    assert.ok(sim);
    const ringing = sim.control.waitForEvent(
      (e) =>
        e.event === 'Newstate' &&
        e.get('ChannelStateDesc') === 'Ringing' &&
        e.get('Channel')?.startsWith('PJSIP/1001-') === true,
    );
    const res = await fetch(`${base}/sites/lab/calls`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ from: '79161234567', name: 'Иван Петров', line: '74950000000' }),
    });
    assert.equal(res.status, 201);
    const call = (await res.json()) as { channel: string };
    assert.match(call.channel, /^PJSIP\/pstn-/);
    await ringing;
    const answered = await fetch(`${base}/sites/lab/phones/1001/answer`, { method: 'POST', headers });
    assert.equal(answered.status, 204);
    const channels = (await (await fetch(`${base}/sites/lab/channels`, { headers })).json()) as Array<{
      bridgeId?: string;
    }>;
    assert.equal(channels.filter((c) => c.bridgeId !== undefined).length, 2);
    const hangup = await fetch(`${base}/sites/lab/phones/1001/hangup`, { method: 'POST', headers });
    assert.equal(hangup.status, 204);
  });

  it('answers a typed error for a phone that is not ringing, an unknown phone and a bad body', async () => {
    const notRinging = await fetch(`${base}/sites/lab/phones/1002/answer`, { method: 'POST', headers });
    assert.equal(notRinging.status, 409);
    assert.equal(((await notRinging.json()) as { error: { code: string } }).error.code, 'SIM_ERR_BAD_STATE');
    const unknown = await fetch(`${base}/sites/lab/phones/9999/answer`, { method: 'POST', headers });
    assert.equal(unknown.status, 404);
    const bad = await fetch(`${base}/sites/lab/calls`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ from: '7916\r\nEvent: x' }),
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'SIM_ERR_BAD_REQUEST');
  });

  it('refuses to listen off loopback without a token', async () => {
    const parsed = config({ host: '0.0.0.0', port: 0 });
    assert.ok(parsed.ok);
    await assert.rejects(
      startSimSites(parsed.value),
      (e: unknown) => (e as { code?: string }).code === 'SIM_ERR_BAD_CONFIG',
    );
  });
});
