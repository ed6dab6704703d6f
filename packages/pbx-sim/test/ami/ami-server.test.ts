import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AmiClient } from '@callgate/ami';
import { isAmiError } from '@callgate/ami';
import { startPbxSim, type PbxSim } from '../../src/index.js';
import { connectQuietRaw, connectRaw } from '../support/raw-ami.js';
import { simClient } from '../support/ami-client.js';

function client(sim: PbxSim, username = 'crm', secret = 'crm-secret', auth: 'md5' | 'plain' = 'md5'): AmiClient {
  return simClient(sim, { username, secret, auth });
}

describe('AMI server', () => {
  let sim: PbxSim;
  before(async () => {
    sim = await startPbxSim();
  });
  after(async () => {
    await sim.stop();
  });

  it('greets with the Asterisk 22 banner and accepts a plain login, then FullyBooted and SuccessfulAuth', async () => {
    const raw = await connectRaw(sim.port);
    assert.equal(raw.banner, 'Asterisk Call Manager/11.0.0');
    raw.action([
      ['Action', 'Login'],
      ['Username', 'crm'],
      ['Secret', 'crm-secret'],
      ['Events', 'on'],
      ['ActionID', 'crm-001'],
    ]);
    const [response, booted, auth] = await raw.until((m) => m.event === 'SuccessfulAuth');
    assert.deepEqual(response?.keys(), ['Response', 'ActionID', 'Message']);
    assert.equal(response?.get('Message'), 'Authentication accepted');
    assert.equal(booted?.event, 'FullyBooted');
    assert.equal(auth?.get('AccountID'), 'crm');
    raw.action([
      ['Action', 'Logoff'],
      ['ActionID', 'crm-002'],
    ]);
    const bye = await raw.next();
    assert.equal(bye.response, 'Goodbye');
    assert.equal(bye.get('Message'), 'Thanks for all the fish.');
    await raw.closed;
  });

  it('logs in with the MD5 challenge, so the secret never crosses the wire', async () => {
    const c = client(sim);
    c.start();
    const info = await c.ready();
    assert.equal(info.amiVersion, '11.0.0');
    await c.stop();
  });

  it('answers a wrong secret with "Authentication failed" and closes, and tells other sessions', async () => {
    const watcher = client(sim);
    const invalid: string[] = [];
    watcher.on('event', (e) => {
      if (e.event === 'InvalidPassword') invalid.push(e.get('AccountID') ?? '');
    });
    watcher.start();
    await watcher.ready();
    const raw = await connectRaw(sim.port);
    raw.action([
      ['Action', 'Login'],
      ['Username', 'crm'],
      ['Secret', 'wrong-secret'],
      ['ActionID', 'crm-002'],
    ]);
    const reply = await raw.next(3000);
    assert.equal(reply.response, 'Error');
    assert.equal(reply.get('Message'), 'Authentication failed');
    await raw.closed;
    assert.deepEqual(invalid, ['crm']);
    await watcher.stop();
  });

  it('answers a Ping without ActionID with no ActionID, and an unknown action with Asterisk’s text', async () => {
    const raw = await connectRaw(sim.port);
    raw.action([
      ['Action', 'Login'],
      ['Username', 'crm'],
      ['Secret', 'crm-secret'],
    ]);
    await raw.until((m) => m.event === 'SuccessfulAuth');
    raw.action([['Action', 'Ping']]);
    const pong = await raw.next();
    assert.deepEqual(pong.keys(), ['Response', 'Ping', 'Timestamp']);
    raw.action([
      ['Action', 'FooBarAction'],
      ['ActionID', 'x1'],
    ]);
    const [err, bad] = await raw.until((m) => m.event === 'RequestBadFormat');
    assert.equal(
      err?.get('Message'),
      'Invalid/unknown command: FooBarAction. Use Action: ListCommands to show available commands.',
    );
    assert.equal(bad?.get('RequestType'), 'Action: FooBarAction');
    raw.close();
  });

  it('refuses Originate to a user without write=originate and reports it to security readers', async () => {
    const watcher = client(sim);
    const denied: string[] = [];
    watcher.on('event', (e) => {
      if (e.event === 'RequestNotAllowed') denied.push(e.get('RequestType') ?? '');
    });
    watcher.start();
    await watcher.ready();
    const limited = client(sim, 'crm-limited', 'limited-secret');
    limited.start();
    await limited.ready();
    await assert.rejects(
      limited.send({
        action: 'Originate',
        headers: { Channel: 'PJSIP/1001', Context: 'outbound', Exten: '79990000001' },
      }),
      (e: unknown) => isAmiError(e) && e.message === 'Permission denied',
    );
    const pong = await limited.send({ action: 'Ping' });
    assert.equal(pong.response.get('Ping'), 'Pong');
    await watcher.send({ action: 'Ping' });
    assert.deepEqual(denied, ['Action: Originate']);
    await limited.stop();
    await watcher.stop();
  });

  it('refuses a header value with a bare line feed instead of echoing it into an event', async () => {
    const c = client(sim);
    c.start();
    await c.ready();
    const call = sim.control.customerCalls({ from: '79160000009', name: 'X' });
    const raw = await connectQuietRaw(sim.port);
    raw.send(
      `Action: Setvar\r\nChannel: ${call.channel}\r\nVariable: CRM_NOTE\r\nValue: a\nEvent: Fake\r\nActionID: inj\r\n\r\n`,
    );
    const reply = await raw.next();
    assert.equal(reply.response, 'Error');
    assert.equal(reply.get('ActionID'), 'inj');
    const value = await c.send({ action: 'Getvar', headers: { Channel: call.channel, Variable: 'CRM_NOTE' } });
    assert.equal(value.response.get('Value'), '');
    call.hangup();
    raw.close();
    await c.stop();
  });
});
