/**
 * AmiClient over real TCP against `ReplayServer`, which plays the Asterisk side of the
 * recordings in fixtures/ami. Expected answers are the recorded ones.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import {
  actions,
  AmiClient,
  isAmiError,
  type AmiClientOptions,
  type AmiError,
  type AmiMessage,
  type AmiResult,
} from '../src/index.js';
import { loadRecording, recordingsOf, type Recording } from './fixtures.js';
import { ReplayServer, type ReplayOptions } from './support/replay-server.js';

const V22 = 'asterisk-22.10.1';
const TLS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'support', 'tls');
const rec = (scenario: string, version = V22): Recording => {
  const found = recordingsOf(scenario).find((r) => r.version === version);
  assert.ok(found, `no recording ${version}/${scenario}*`);
  return loadRecording(found.version, found.scenario);
};

interface Harness {
  server: ReplayServer;
  client: AmiClient;
  /** Every state change as `state` or `state:CODE`. */
  states: string[];
  events: AmiMessage[];
  errors: Array<AmiError | Error>;
}

const open: Harness[] = [];
after(async () => {
  for (const h of open) {
    await h.client.stop();
    await h.server.close();
  }
});

async function harness(
  recording: Recording,
  clientOptions: Partial<AmiClientOptions> = {},
  replay: ReplayOptions = {},
): Promise<Harness> {
  const server = new ReplayServer(recording, replay);
  const port = await server.listen();
  const client = new AmiClient({
    host: '127.0.0.1',
    port,
    username: 'crm',
    secret: 'crm-secret',
    keepaliveIntervalMs: 0,
    reconnect: false,
    actionTimeoutMs: 3_000,
    ...clientOptions,
  });
  const h: Harness = { server, client, states: [], events: [], errors: [] };
  client.on('state', (state, error) => {
    const code = error === undefined ? undefined : ((error as { code?: string }).code ?? error.message);
    h.states.push(code === undefined ? state : `${state}:${code}`);
  });
  client.on('event', (e) => h.events.push(e));
  client.on('error', (e) => h.errors.push(e));
  open.push(h);
  return h;
}

/** Stops the client (it logs off) and checks it sent only what the recorded client sent. */
async function done(h: Harness): Promise<void> {
  await h.client.stop();
  await h.server.close();
  assert.deepEqual(h.server.mismatches, [], 'the client sent what the recorded client sent');
  assert.equal(h.client.state, 'stopped');
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function rejection(promise: Promise<unknown>): Promise<AmiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isAmiError(error), `not an AmiError: ${String(error)}`);
    return error;
  }
  assert.fail('resolved instead of rejecting');
}

const received = (h: Harness, index = 0): string[] =>
  (h.server.connections[index]?.received ?? []).map((m) => m.get('Action') ?? '?');

const sentBytes = (h: Harness, index = 0): string =>
  Buffer.concat(h.server.connections[index]?.bytes ?? []).toString('utf8');

describe('AmiClient against a recorded Asterisk on loopback', { timeout: 20_000 }, () => {
  it('logs in with an MD5 challenge, never sending the secret, and reports the AMI version of the banner', async () => {
    const h = await harness(rec('01-'));
    h.client.start();
    const info = await h.client.ready();
    assert.deepEqual([info.greeting, info.amiVersion, info.generation], ['Asterisk Call Manager/11.0.0', '11.0.0', 1]);
    assert.deepEqual(received(h), ['Challenge', 'Login']);
    const login = h.server.connections[0]?.received[1];
    assert.equal(login?.get('AuthType'), 'MD5');
    assert.match(login?.get('Key') ?? '', /^[0-9a-f]{32}$/);
    assert.ok(!sentBytes(h).includes('crm-secret'), 'the secret never crosses the wire');
    await waitFor('booted', () => h.client.state === 'booted');
    assert.deepEqual(h.states, ['connecting', 'connected', 'booted']);
    await done(h);
  });

  it('logs in with a plain secret when asked, as the recorded client did', async () => {
    const h = await harness(rec('16-', 'asterisk-20.20.1-chansip'), { auth: 'plain' });
    h.client.start();
    const info = await h.client.ready();
    assert.equal(info.amiVersion, '9.0.0', 'Asterisk 20 says 9.0.0 and is accepted');
    assert.deepEqual(received(h), ['Login']);
    assert.equal(h.server.connections[0]?.received[0]?.get('Secret'), 'crm-secret');
    await done(h);
  });

  for (const auth of ['plain', 'md5'] as const) {
    it(`a wrong secret (${auth}) is refused after Asterisk's delay: ready() rejects with AMI_ERR_LOGIN_FAILED`, async () => {
      // 01 connection 2: the recorded client sent `wrong-secret` and got the error ~1 s later.
      const h = await harness(
        rec('01-'),
        { auth, secret: 'wrong-secret' },
        { timeScale: 0.05, plan: () => (auth === 'plain' ? { play: 2 } : { play: 1 }) },
      );
      h.client.start();
      const error = await rejection(h.client.ready());
      assert.equal(error.code, 'AMI_ERR_LOGIN_FAILED');
      assert.match(error.message, /Authentication failed/);
      assert.ok(!error.message.includes('wrong-secret'), 'the secret is not in the error');
      await waitFor('disconnected', () => h.client.state === 'disconnected');
      assert.deepEqual(h.states, ['connecting', 'disconnected:AMI_ERR_LOGIN_FAILED']);
      assert.equal(h.errors[0] && (h.errors[0] as AmiError).code, 'AMI_ERR_LOGIN_FAILED');
      assert.equal(h.client.connection, undefined);
      await h.client.stop();
      await h.server.close();
    });
  }

  it('answers actions as recorded: Ping, CoreSettings, CoreStatus, an empty list, Command output, Logoff', async () => {
    const h = await harness(rec('01-'), { auth: 'plain' });
    h.client.start();
    await h.client.ready();
    const ping = await h.client.send(actions.ping());
    assert.equal(ping.response.get('Ping'), 'Pong');
    const settings = await h.client.send(actions.coreSettings());
    assert.equal(settings.response.get('AsteriskVersion'), '22.10.1');
    assert.equal(settings.response.get('SystemName'), '', 'empty values kept');
    const status = await h.client.send(actions.coreStatus());
    assert.equal(status.response.get('CoreCurrentCalls'), '0');
    const channels = await h.client.send(actions.coreShowChannels());
    assert.deepEqual(channels.items, []);
    assert.equal(channels.complete?.get('ListItems'), '0');
    const version = await h.client.send(actions.command('core show version'));
    assert.match(version.response.getAll('Output')[0] ?? '', /^Asterisk 22\.10\.1 /);
    // The other connection's failed login is broadcast to this one as a security event.
    assert.ok(h.events.some((e) => e.event === 'InvalidPassword'));
    await done(h);
    assert.deepEqual(received(h), [
      'Login',
      'Ping',
      'CoreSettings',
      'CoreStatus',
      'CoreShowChannels',
      'Command',
      'Logoff',
    ]);
    const ids = h.server.connections[0]?.received.map((m) => m.actionId) ?? [];
    assert.equal(new Set(ids).size, ids.length, 'ActionIDs are unique on a connection');
  });

  it('collects EventLists until their Complete event: channels, status, bridges, queue status', async () => {
    const h = await harness(rec('15-'), { auth: 'plain' });
    h.client.start();
    await h.client.ready();
    const channels = await h.client.send(actions.coreShowChannels());
    assert.deepEqual(
      channels.items.map((m) => m.event),
      ['CoreShowChannel', 'CoreShowChannel'],
    );
    assert.equal(channels.complete?.event, 'CoreShowChannelsComplete');
    const all = await h.client.send(actions.status());
    assert.equal(all.items.length, 2);
    assert.equal(all.complete?.get('Items'), '2');
    const one = await h.client.send(actions.status('PJSIP/pstn-0000001e'));
    assert.deepEqual(
      one.items.map((m) => m.get('Channel')),
      ['PJSIP/pstn-0000001e'],
    );
    const withVars = await h.client.send(
      actions.status('PJSIP/1001-00000020', ['CRM_TICKET', 'BRIDGEPEER', 'QUEUENAME']),
    );
    assert.deepEqual(withVars.items[0]?.getAll('Variable'), [
      'CRM_TICKET=(null)',
      'BRIDGEPEER=PJSIP/pstn-0000001e',
      'QUEUENAME=(null)',
    ]);
    const callerNum = await h.client.send(actions.getvar('CALLERID(num)', 'PJSIP/pstn-0000001e'));
    assert.equal(callerNum.response.get('Value'), '79165550101');
    assert.equal((await h.client.send(actions.getvar('CRM_TICKET', 'PJSIP/pstn-0000001e'))).response.get('Value'), '');
    await h.client.send(actions.setvar('CRM_TICKET', 'T-42', 'PJSIP/pstn-0000001e'));
    assert.equal(
      (await h.client.send(actions.getvar('CRM_TICKET', 'PJSIP/pstn-0000001e'))).response.get('Value'),
      'T-42',
    );
    await h.client.send(actions.getvar('BRIDGEPEER', 'PJSIP/1001-00000020'));
    await h.client.send(actions.getvar('NONEXISTENT_GLOBAL'));
    const bridges = await h.client.send(actions.bridgeList());
    assert.equal(bridges.items[0]?.get('BridgeNumChannels'), '2');
    const queue = await h.client.send(actions.queueStatus('support'));
    // As recorded: every event carrying the QueueStatus ActionID except the Complete one.
    const recordedItems = rec('15-')
      .lines.filter((l) => l.dir === 'in' && l.raw.includes('ActionID: crm-013\r\n') && l.raw.startsWith('Event: '))
      .map((l) => /^Event: (\w+)/.exec(l.raw)?.[1])
      .filter((name) => name !== 'QueueStatusComplete');
    assert.deepEqual(
      queue.items.map((m) => m.event),
      recordedItems,
    );
    assert.equal(queue.items.length, Number(queue.complete?.get('ListItems')));
    const concise = await h.client.send(actions.command('core show channels concise'));
    assert.equal(concise.response.getAll('Output').length, 2);
    // List items never leak to event listeners; the VarSet after Setvar does.
    assert.ok(!h.events.some((e) => ['CoreShowChannel', 'Status', 'QueueMember'].includes(e.event ?? '')));
    assert.ok(h.events.some((e) => e.event === 'VarSet' && e.get('Variable') === 'CRM_TICKET'));
    await done(h);
  });

  it('rejects each refused action with AMI_ERR_ACTION_FAILED and Asterisk’s own message (14)', async () => {
    const h = await harness(rec('14-'), { auth: 'plain' });
    h.client.start();
    await h.client.ready();
    const refused = async (action: Parameters<AmiClient['send']>[0], message: RegExp): Promise<void> => {
      const error = await rejection(h.client.send(action));
      assert.equal(error.code, 'AMI_ERR_ACTION_FAILED');
      assert.match(error.message, message);
      assert.equal(error.response?.response, 'Error', 'the whole response is kept');
    };
    await refused(actions.hangup('PJSIP/1001-0000ffff'), /^No such channel$/);
    const regex = await h.client.send(actions.hangup('/^PJSIP\\/nosuch-.*$/'));
    assert.equal(regex.complete?.event, 'ChannelsHungupListComplete', 'a regex Hangup is an EventList');
    await refused({ action: 'Hangup' }, /^No channel specified$/);
    await refused({ action: 'FooBarAction' }, /^Invalid\/unknown command: FooBarAction/);
    await refused(actions.getvar('CRM_CALL_ID', 'PJSIP/1001-0000ffff'), /^No such channel$/);
    await refused({ action: 'Getvar', headers: { Channel: 'PJSIP/1001-0000ffff' } }, /^No variable specified$/);
    await refused({ action: 'Originate', headers: { Exten: '1001', Context: 'internal' } }, /^Channel not specified$/);
    await refused(
      actions.redirect({ channel: 'PJSIP/1001-0000ffff', exten: '1002', context: 'internal' }),
      /^Channel does not exist: PJSIP\/1001-0000ffff$/,
    );
    // Recorded without an ActionID; Asterisk echoes ours, so it resolves.
    assert.equal((await h.client.send(actions.ping())).response.get('Ping'), 'Pong');
    await done(h);
  });

  it('a user without write permission gets "Permission denied" per action, and no FullyBooted (14, conn 2)', async () => {
    const h = await harness(
      rec('14-'),
      { auth: 'plain', username: 'crm-limited', secret: 'limited-secret' },
      { plan: () => ({ play: 2 }) },
    );
    h.client.start();
    await h.client.ready();
    for (const action of [
      actions.originate({ channel: 'PJSIP/1001', context: 'outbound', exten: '79990000001', priority: 1 }),
      actions.hangup('PJSIP/1001-0000ffff'),
      actions.queuePause({ interface: 'PJSIP/1001', paused: true }),
    ]) {
      const error = await rejection(h.client.send(action));
      assert.deepEqual([error.code, error.message], ['AMI_ERR_ACTION_FAILED', 'Permission denied']);
    }
    await h.client.send(actions.ping());
    assert.equal(h.client.state, 'connected', 'never booted: crm-limited cannot read system events');
    await done(h);
  });

  it('Originate with followUpEvent resolves on OriginateResponse, the call’s events flowing meanwhile (06)', async () => {
    for (const r of recordingsOf('06-')) {
      const h = await harness(loadRecording(r.version, r.scenario), { auth: 'plain' });
      h.client.start();
      await h.client.ready();
      const tech = r.version === V22 ? 'PJSIP' : 'SIP';
      const header = tech === 'PJSIP' ? 'PJSIP_HEADER(add,Call-Info)' : 'SIPADDHEADER';
      const value = tech === 'PJSIP' ? '<sip:127.0.0.1>;answer-after=0' : 'Call-Info: <sip:127.0.0.1>;answer-after=0';
      const result: AmiResult = await h.client.send(
        actions.originate({
          channel: `${tech}/1001`,
          context: 'outbound',
          exten: '79990000001',
          priority: 1,
          callerId: '"Ivan Petrov" <79990000001>',
          timeoutMs: 30_000,
          variables: { [header]: value, CRM_CALL_ID: 'abc123' },
        }),
        { followUpEvent: 'OriginateResponse' },
      );
      assert.equal(result.response.get('Message'), 'Originate successfully queued');
      assert.deepEqual([result.followUp?.get('Response'), result.followUp?.get('Reason')], ['Success', '4']);
      const newchannel = h.events.findIndex((e) => e.event === 'Newchannel');
      const response = h.events.findIndex((e) => e.event === 'OriginateResponse');
      assert.ok(newchannel >= 0 && newchannel < response, 'call events arrive before the follow-up, as events');
      await done(h);
    }
  });

  it('failed originates: async Failure in the follow-up, sync errors as AMI_ERR_ACTION_FAILED (09)', async () => {
    const h = await harness(rec('09-'), { auth: 'plain' });
    h.client.start();
    await h.client.ready();
    const base = { context: 'outbound', exten: '79990000001', priority: 1, timeoutMs: 15_000 };
    const followUp = { followUpEvent: 'OriginateResponse' };
    const a = await h.client.send(
      actions.originate({
        ...base,
        channel: 'PJSIP/1099',
        callerId: '"CRM" <79990000001>',
        variables: { CRM_CALL_ID: 'fail-1' },
      }),
      followUp,
    );
    assert.deepEqual([a.followUp?.get('Response'), a.followUp?.get('Uniqueid')], ['Failure', '<unknown>']);
    const b = await h.client.send(
      actions.originate({
        ...base,
        channel: 'PJSIP/1004',
        callerId: '"CRM" <79990000001>',
        variables: { CRM_CALL_ID: 'fail-2' },
      }),
      followUp,
    );
    assert.equal(b.followUp?.get('Channel'), 'PJSIP/1004');
    const c = await rejection(h.client.send(actions.originate({ ...base, channel: 'PJSIP/1099', async: false })));
    assert.equal(c.message, 'Originate failed');
    const d = await rejection(
      h.client.send(
        actions.originate({
          ...base,
          channel: 'PJSIP/1001',
          context: 'no-such-context',
          callerId: '"CRM" <79990000001>',
          variables: { CRM_CALL_ID: 'fail-4' },
        }),
        followUp,
      ),
    );
    assert.deepEqual([d.code, d.message], ['AMI_ERR_ACTION_FAILED', 'Extension does not exist.']);
    const e = await h.client.send(actions.originate({ channel: 'PJSIP/1001' }), followUp);
    assert.equal(e.followUp?.get('Response'), 'Success');
    await done(h);
  });

  it('an OriginateResponse racing ahead of its ack still completes the action, or reaches listeners', async () => {
    // manager.c starts the originate thread before it writes the ack; a failing dial can win.
    const swap = (action: string, messages: string[]): string[] =>
      action === 'Originate' && messages[1]?.startsWith('Event: OriginateResponse')
        ? [messages[1], messages[0] as string, ...messages.slice(2)]
        : messages;
    const h = await harness(rec('09-'), { auth: 'plain' }, { reorder: swap });
    h.client.start();
    await h.client.ready();
    const base = {
      context: 'outbound',
      exten: '79990000001',
      priority: 1,
      timeoutMs: 15_000,
      callerId: '"CRM" <79990000001>',
    };
    const a = await h.client.send(
      actions.originate({ ...base, channel: 'PJSIP/1099', variables: { CRM_CALL_ID: 'fail-1' } }),
      { followUpEvent: 'OriginateResponse' },
    );
    assert.equal(a.followUp?.get('Response'), 'Failure');
    // Without followUpEvent the early event is an ordinary event, not swallowed.
    const b = await h.client.send(
      actions.originate({ ...base, channel: 'PJSIP/1004', variables: { CRM_CALL_ID: 'fail-2' } }),
    );
    assert.equal(b.followUp, undefined);
    await waitFor('the event', () =>
      h.events.some((e) => e.event === 'OriginateResponse' && e.get('Channel') === 'PJSIP/1004'),
    );
    assert.equal(h.events.filter((e) => e.event === 'OriginateResponse').length, 2);
    await h.client.stop();
    await h.server.close();
  });

  it('events arriving before a response and inside a list reach listeners in order, never the result', async () => {
    // Under load Asterisk interleaves unrelated events (fixtures README, "EventList"). These
    // are recorded events of 02, numbered, sent one before every replayed message.
    const noise = rec('02-')
      .lines.filter((l) => l.dir === 'in' && l.raw.startsWith('Event: '))
      .slice(0, 80)
      .map((l, i) => `${l.raw.slice(0, -2)}Noise: ${i}\r\n\r\n`);
    const h = await harness(rec('15-'), { auth: 'plain' }, { interleave: noise });
    h.client.start();
    await h.client.ready();
    const channels = await h.client.send(actions.coreShowChannels());
    const all = await h.client.send(actions.status());
    const one = await h.client.send(actions.status('PJSIP/pstn-0000001e'));
    for (const result of [channels, all, one]) {
      assert.ok(result.complete);
      for (const m of [result.response, ...result.items, result.complete]) assert.equal(m.get('Noise'), undefined);
    }
    assert.deepEqual([channels.items.length, all.items.length, one.items.length], [2, 2, 1]);
    await h.client.send(actions.ping());
    const seen = h.events.flatMap((e) => (e.get('Noise') === undefined ? [] : [Number(e.get('Noise'))]));
    assert.ok(h.server.interleaved > 10, `only ${h.server.interleaved} interleaved`);
    assert.deepEqual(seen, [...Array(h.server.interleaved).keys()], 'every interleaved event delivered once, in order');
    await done(h);
  });

  it('a connection dropped mid-action rejects every in-flight action with AMI_ERR_DISCONNECTED, then reconnects', async () => {
    const h = await harness(
      rec('15-'),
      { auth: 'plain', reconnect: { initialDelayMs: 10, maxDelayMs: 50, jitter: 0 } },
      { dropOn: 'Status', plan: () => ({ play: 1 }) },
    );
    h.client.start();
    await h.client.ready();
    await h.client.send(actions.coreShowChannels());
    const inFlight = [h.client.send(actions.status()), h.client.send(actions.getvar('X', 'PJSIP/pstn-0000001e'))];
    assert.equal(h.client.inFlight, 2);
    for (const p of inFlight) {
      const error = await rejection(p);
      assert.equal(error.code, 'AMI_ERR_DISCONNECTED');
    }
    assert.equal(h.client.inFlight, 0, 'nothing left hanging');
    await waitFor('the second login', () => h.client.connection?.generation === 2);
    assert.deepEqual(h.states.slice(0, 6), [
      'connecting',
      'connected',
      'booted',
      'disconnected:AMI_ERR_DISCONNECTED',
      'connecting',
      'connected',
    ]);
    await h.client.stop();
    await h.server.close();
  });

  for (const r of recordingsOf('16-')) {
    it(`survives an Asterisk restart: Shutdown, refused connects, backoff, new banner, booted again (${r.version})`, async () => {
      const h = await harness(loadRecording(r.version, r.scenario), {
        auth: 'plain',
        reconnect: { initialDelayMs: 10, maxDelayMs: 80, factor: 2, jitter: 0.3 },
      });
      let refused = 0;
      h.client.on('state', (_state, error) => {
        if (isAmiError(error, 'AMI_ERR_CONNECT_FAILED') && error.details.cause === 'ECONNREFUSED') refused++;
      });
      // Asterisk goes away right after Shutdown (the recorded server closed the connection).
      h.client.on('event', (e) => {
        if (e.event === 'Shutdown') void h.server.close();
      });
      h.client.start();
      await h.client.ready();
      await waitFor('two refused connects', () => refused >= 2);
      await h.server.reopen();
      await waitFor(
        'booted on the new connection',
        () => h.client.state === 'booted' && h.client.connection?.generation === 2,
      );
      assert.equal(h.client.connection?.amiVersion, r.version === V22 ? '11.0.0' : '9.0.0');
      const status = await h.client.send(actions.coreStatus());
      assert.equal(status.response.get('CoreCurrentCalls'), '0');
      const channels = await h.client.send(actions.coreShowChannels());
      assert.deepEqual(channels.items, [], 'no calls survived the restart');
      const order = h.states.filter((s, i) => s !== h.states[i - 1]);
      assert.deepEqual(order.slice(0, 4), ['connecting', 'connected', 'booted', 'disconnected:AMI_ERR_DISCONNECTED']);
      assert.deepEqual(order.slice(4, 6), ['connecting', 'disconnected:AMI_ERR_CONNECT_FAILED']);
      assert.deepEqual(order.slice(-3), ['connecting', 'connected', 'booted']);
      assert.ok(h.events.some((e) => e.event === 'Shutdown' && e.get('Restart') === 'True'));
      const uptime = h.events.filter((e) => e.event === 'FullyBooted').map((e) => e.get('Uptime'));
      assert.equal(uptime.at(-1), '0');
      await done(h);
    });
  }

  it('treats a connect accepted without a banner as failed (AMI_ERR_NO_GREETING) and retries (16’s note)', async () => {
    const h = await harness(
      rec('16-'),
      { auth: 'plain', greetingTimeoutMs: 150, reconnect: { initialDelayMs: 10, maxDelayMs: 20, jitter: 0 } },
      // Closed at once, then silent, then the real Asterisk (playing the post-restart connection).
      { plan: (i) => (i === 0 ? { closeAtOnce: true } : i === 1 ? { silent: true } : { play: 2 }) },
    );
    h.client.start();
    await h.client.ready();
    assert.deepEqual(h.states.slice(0, 5), [
      'connecting',
      'disconnected:AMI_ERR_NO_GREETING',
      'connecting',
      'disconnected:AMI_ERR_NO_GREETING',
      'connecting',
    ]);
    await waitFor('booted', () => h.client.state === 'booted');
    await h.client.stop();
    await h.server.close();
  });

  it('keepalive detects a silent (half-open) Asterisk, drops it and reconnects', async () => {
    const h = await harness(
      rec('18-'),
      {
        auth: 'plain',
        keepaliveIntervalMs: 20,
        keepaliveTimeoutMs: 60,
        reconnect: { initialDelayMs: 10, maxDelayMs: 20, jitter: 0 },
      },
      { plan: (i) => (i === 0 ? { play: 1, silentAfterLogin: true } : { play: 1 }) },
    );
    h.client.start();
    await h.client.ready();
    await waitFor('the second login', () => h.client.connection?.generation === 2);
    assert.ok(h.states.includes('disconnected:AMI_ERR_TIMEOUT'), h.states.join());
    assert.equal(h.client.lastError && (h.client.lastError as AmiError).code, 'AMI_ERR_TIMEOUT');
    // The healthy connection answers its Pings and stays up.
    await waitFor('three keepalive Pings answered', () => received(h, 1).filter((a) => a === 'Ping').length >= 3);
    assert.equal(h.client.connection?.generation, 2);
    await h.client.stop();
    await h.server.close();
  });

  it('keepalive counts any byte as life: a Pong stuck behind events is not a dead link, silence is', async () => {
    // An Asterisk too busy to answer Ping for a while but still sending events, then silent.
    const varset = rec('02-').lines.find((l) => l.raw.startsWith('Event: VarSet'))?.raw ?? '';
    let streaming: NodeJS.Timeout | undefined;
    const server = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.write('Asterisk Call Manager/11.0.0\r\n');
      socket.once('data', (chunk: Buffer) => {
        const id = /ActionID: (.*)\r\n/.exec(chunk.toString())?.[1] ?? '';
        socket.write(`Response: Success\r\nActionID: ${id}\r\nMessage: Authentication accepted\r\n\r\n`);
        let sent = 0;
        streaming = setInterval(() => {
          if (++sent > 80) clearInterval(streaming);
          else socket.write(varset);
        }, 10);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = new AmiClient({
      host: '127.0.0.1',
      port: (server.address() as net.AddressInfo).port,
      username: 'crm',
      secret: 'x',
      auth: 'plain',
      reconnect: false,
      keepaliveIntervalMs: 20,
      // Several timeouts pass while events flow (80 × 10 ms); none may count as death.
      keepaliveTimeoutMs: 250,
    });
    const states: string[] = [];
    let events = 0;
    client.on('state', (s, e) => states.push(e ? `${s}:${e.code}` : s));
    client.on('event', () => events++);
    try {
      client.start();
      await client.ready();
      await waitFor('the event stream to end', () => events >= 80);
      assert.deepEqual(states, ['connecting', 'connected'], 'alive while events flow, Pings unanswered');
      await waitFor('the silent link to be dropped', () => client.state === 'disconnected');
      assert.deepEqual(states, ['connecting', 'connected', 'disconnected:AMI_ERR_TIMEOUT']);
    } finally {
      clearInterval(streaming);
      await client.stop();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('an action nobody answers rejects with AMI_ERR_TIMEOUT; the connection stays usable', async () => {
    const h = await harness(rec('18-'), { auth: 'plain' }, { plan: () => ({ play: 1, silentAfterLogin: true }) });
    h.client.start();
    await h.client.ready();
    const error = await rejection(h.client.send(actions.ping(), { timeoutMs: 50 }));
    assert.equal(error.code, 'AMI_ERR_TIMEOUT');
    assert.equal(h.client.inFlight, 0);
    assert.equal(h.client.state, 'booted', 'a slow answer is not a dead connection');
    await h.client.stop();
    await h.server.close();
  });

  it('stop() while connecting ends at once: no reconnect, ready() rejects with AMI_ERR_CLOSED', async () => {
    const h = await harness(rec('01-'), { reconnect: { initialDelayMs: 5 } }, { plan: () => ({ silent: true }) });
    h.client.start();
    const ready = h.client.ready();
    await h.server.waitForConnections(1);
    await h.client.stop();
    assert.equal((await rejection(ready)).code, 'AMI_ERR_CLOSED');
    assert.equal(h.client.state, 'stopped');
    assert.equal((await rejection(h.client.send(actions.ping()))).code, 'AMI_ERR_CLOSED');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(h.server.connections.length, 1, 'no reconnect after stop');
    assert.deepEqual(h.states, ['connecting', 'stopped']);
    await h.server.close();
  });

  it('actions while disconnected fail at once with AMI_ERR_NOT_CONNECTED and are never sent later', async () => {
    const h = await harness(
      rec('18-'),
      { auth: 'plain', reconnect: { initialDelayMs: 30, jitter: 0 } },
      { plan: () => ({ play: 1 }) },
    );
    assert.equal((await rejection(h.client.send(actions.ping()))).code, 'AMI_ERR_NOT_CONNECTED');
    h.client.start();
    assert.equal(h.client.state, 'connecting');
    assert.equal((await rejection(h.client.send(actions.coreStatus()))).code, 'AMI_ERR_NOT_CONNECTED');
    await h.client.ready();
    h.server.connections[0]?.socket.destroy();
    await waitFor('disconnected', () => h.client.state === 'disconnected');
    assert.equal((await rejection(h.client.send(actions.queueSummary('support')))).code, 'AMI_ERR_NOT_CONNECTED');
    await waitFor('the second login', () => h.client.connection?.generation === 2);
    await h.client.send(actions.ping());
    assert.deepEqual(received(h, 0), ['Login']);
    assert.deepEqual(received(h, 1), ['Login', 'Ping']);
    await h.client.stop();
    await h.server.close();
  });

  it('beyond maxInFlight an action fails with AMI_ERR_BACKPRESSURE and is not sent', async () => {
    const h = await harness(rec('01-'), { auth: 'plain', maxInFlight: 2 });
    h.client.start();
    await h.client.ready();
    const first = h.client.send(actions.ping());
    const second = h.client.send(actions.coreSettings());
    const third = await rejection(h.client.send(actions.coreStatus()));
    assert.equal(third.code, 'AMI_ERR_BACKPRESSURE');
    await Promise.all([first, second]);
    await h.client.send(actions.coreStatus());
    assert.deepEqual(received(h), ['Login', 'Ping', 'CoreSettings', 'CoreStatus']);
    await h.client.stop();
    await h.server.close();
  });

  it('when Asterisk stops reading, unwritten bytes stop at maxWriteBufferBytes with AMI_ERR_BACKPRESSURE', async () => {
    // A stuck Asterisk: it takes the login, then never reads again; the kernel buffers fill.
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => {});
      socket.write('Asterisk Call Manager/11.0.0\r\n');
      socket.once('data', (chunk: Buffer) => {
        const id = /ActionID: (.*)\r\n/.exec(chunk.toString())?.[1] ?? '';
        socket.write(`Response: Success\r\nActionID: ${id}\r\nMessage: Authentication accepted\r\n\r\n`);
        socket.pause();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = new AmiClient({
      host: '127.0.0.1',
      port: (server.address() as net.AddressInfo).port,
      username: 'crm',
      secret: 'x',
      auth: 'plain',
      reconnect: false,
      keepaliveIntervalMs: 0,
      actionTimeoutMs: 60_000,
      maxInFlight: 10_000,
      maxWriteBufferBytes: 256 * 1024,
    });
    try {
      client.start();
      await client.ready();
      const big = 'x'.repeat(64 * 1024);
      const pending: Array<Promise<unknown>> = [];
      let refused: AmiError | undefined;
      for (let i = 0; i < 2_000 && !refused; i++) {
        const p = client.send(actions.setvar('CRM_NOTE', big, 'PJSIP/1001-00000001'));
        pending.push(
          p.catch((e: unknown) => {
            if (isAmiError(e, 'AMI_ERR_BACKPRESSURE')) refused = e;
            return e;
          }),
        );
        // A refusal settles at once; give its handler a turn before sending more.
        await new Promise((r) => setImmediate(r));
      }
      assert.ok(refused, 'no AMI_ERR_BACKPRESSURE in 2000 actions of 64 KiB');
      assert.ok(pending.length < 1_000, `refused only after ${pending.length} actions`);
      await client.stop();
      for (const outcome of await Promise.all(pending)) {
        assert.ok(isAmiError(outcome), 'every accepted action settles on stop');
      }
    } finally {
      await client.stop();
      // A paused socket never sees the client's FIN; drop it or close() waits forever.
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('an injection attempt fails with AMI_ERR_INJECTION and not a byte of it is written', async () => {
    const h = await harness(rec('01-'), { auth: 'plain' });
    h.client.start();
    await h.client.ready();
    const before = sentBytes(h).length;
    const error = await rejection(
      h.client.send(actions.originate({ channel: 'PJSIP/1001\r\n\r\nAction: Originate\r\nChannel: PJSIP/666' })),
    );
    assert.equal(error.code, 'AMI_ERR_INJECTION');
    assert.equal(sentBytes(h).length, before);
    assert.equal(
      (await rejection(h.client.send({ action: 'Setvar', headers: { 'X\nY': '1' } }))).code,
      'AMI_ERR_INJECTION',
    );
    assert.equal(
      (await rejection(h.client.send({ action: 'Setvar', headers: { 'A B': '1' } }))).code,
      'AMI_ERR_BAD_KEY',
    );
    await h.client.send(actions.ping());
    assert.ok(!sentBytes(h).includes('PJSIP/666'));
    assert.deepEqual(received(h), ['Login', 'Ping']);
    await h.client.stop();
    await h.server.close();
  });

  it('sends the configured Filter actions right after login, before anything else', async () => {
    const h = await harness(rec('01-'), {
      filters: ['!Event: RTCPSent', { matchCriteria: 'name(VarSet),action(exclude)' }],
    });
    h.client.start();
    await h.client.ready();
    await h.client.send(actions.ping());
    assert.deepEqual(received(h), ['Challenge', 'Login', 'Filter', 'Filter', 'Ping']);
    const filters = h.server.connections[0]?.received.filter((m) => m.get('Action') === 'Filter') ?? [];
    assert.deepEqual(
      filters.map((f) => f.headers().filter(([k]) => k !== 'ActionID')),
      [
        [
          ['Action', 'Filter'],
          ['Operation', 'Add'],
          ['Filter', '!Event: RTCPSent'],
        ],
        [
          ['Action', 'Filter'],
          ['Operation', 'Add'],
          ['MatchCriteria', 'name(VarSet),action(exclude)'],
        ],
      ],
    );
    assert.deepEqual(h.errors, []);
    await h.client.stop();
    await h.server.close();
  });

  it('a Filter Asterisk refuses (no write=system) is reported as an error; the session stays up, unfiltered', async () => {
    const h = await harness(rec('01-'), { auth: 'plain', filters: ['!Event: VarSet'] }, { refuseFilters: true });
    h.client.start();
    await h.client.ready();
    await h.client.send(actions.ping());
    assert.deepEqual(
      h.errors.map((e) => [(e as AmiError).code, e.message]),
      [['AMI_ERR_ACTION_FAILED', 'Permission denied']],
    );
    assert.equal(h.client.state, 'booted');
    await done(h);
  });

  it('a listener that throws is reported as an error and does not stop other listeners or the client', async () => {
    const h = await harness(rec('01-'), { auth: 'plain' });
    h.client.on('event', () => {
      throw new Error('listener bug');
    });
    h.client.start();
    await h.client.ready();
    await h.client.send(actions.ping());
    await waitFor('events', () => h.events.length > 0);
    assert.ok(h.errors.some((e) => e.message === 'listener bug'));
    assert.equal(h.client.state, 'booted');
    await h.client.stop();
    await h.server.close();
  });

  it('connects over TLS when asked (Asterisk tlsenable=yes), verifying the certificate', async () => {
    // A self-signed test certificate for localhost / 127.0.0.1 (test/support/tls, valid to 2126).
    const key = readFileSync(join(TLS_DIR, 'key.pem'), 'utf8');
    const cert = readFileSync(join(TLS_DIR, 'cert.pem'), 'utf8');
    const h = await harness(rec('18-'), { tls: { ca: cert } }, { tls: { key, cert } });
    h.client.start();
    const info = await h.client.ready();
    assert.equal(info.amiVersion, '11.0.0');
    assert.deepEqual(received(h), ['Challenge', 'Login']);
    await done(h);
    // Without trusting that certificate the TLS connect fails, with a typed error.
    const untrusted = await harness(rec('18-'), { tls: true }, { tls: { key, cert } });
    untrusted.client.start();
    await waitFor('the refused handshake', () => untrusted.states.length >= 2);
    assert.match(untrusted.states[1] ?? '', /^disconnected:AMI_ERR_CONNECT_FAILED$/);
    await untrusted.client.stop();
    await untrusted.server.close();
  });
});

/** An Asterisk that floods: banner, any login accepted, then `rounds` × `events`; answers Pings. */
async function floodServer(events: string, rounds: number): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.write('Asterisk Call Manager/11.0.0\r\n');
    let loggedIn = false;
    socket.on('data', (chunk: Buffer) => {
      // Keepalive Pongs queue behind the flood, as they would in Asterisk's session queue.
      for (const m of chunk.toString().matchAll(/Action: Ping\r\nActionID: (.*)\r\n/g)) {
        socket.write(`Response: Success\r\nActionID: ${m[1]}\r\nPing: Pong\r\nTimestamp: 0\r\n\r\n`);
      }
      if (loggedIn) return;
      loggedIn = true;
      const id = /ActionID: (.*)\r\n/.exec(chunk.toString())?.[1] ?? '';
      socket.write(`Response: Success\r\nActionID: ${id}\r\nMessage: Authentication accepted\r\n\r\n`);
      let round = 0;
      const pump = (): void => {
        while (round < rounds) {
          round++;
          if (!socket.write(events)) {
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

/** Consumes every event through `events(highWaterMark)` slowly; returns the largest backlog seen. */
async function consumeSlowly(
  server: net.Server,
  highWaterMark: number,
  expected: number,
): Promise<{ consumed: number; maxBacklog: number; last: string; states: string[] }> {
  const client = new AmiClient({
    host: '127.0.0.1',
    port: (server.address() as net.AddressInfo).port,
    username: 'crm',
    secret: 'x',
    auth: 'plain',
    reconnect: false,
    // Aggressive on purpose: a Pong stuck behind the flood must not count as a dead link.
    keepaliveIntervalMs: 10,
    keepaliveTimeoutMs: 20,
  });
  const states: string[] = [];
  client.on('state', (s) => {
    states.push(s);
    // A drop would leave the loop below waiting forever; end it so the test fails instead.
    if (s === 'disconnected') void client.stop();
  });
  let delivered = 0;
  client.on('event', () => delivered++);
  const iterator = client.events(highWaterMark);
  client.start();
  await client.ready();
  let consumed = 0;
  let maxBacklog = 0;
  let last = '';
  for await (const event of iterator) {
    consumed++;
    maxBacklog = Math.max(maxBacklog, delivered - consumed);
    last = event.event ?? '';
    // A slow consumer (a database write, a WebSocket fan-out): a pause every 50 events.
    if (consumed % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    if (consumed === expected) break;
  }
  await client.stop();
  return { consumed, maxBacklog, last, states };
}

describe('AmiClient back-pressure', { timeout: 60_000 }, () => {
  it('events() pauses the socket when its consumer falls behind: the backlog stays bounded, nothing is lost', async () => {
    const events = rec('12-')
      .lines.filter((l) => l.dir === 'in' && l.raw.startsWith('Event: '))
      .map((l) => l.raw)
      .join('');
    const names = [...events.matchAll(/^Event: (\w+)/gm)].map((m) => m[1]);
    const rounds = 40;
    const total = rounds * names.length;
    const highWaterMark = 200;
    const server = await floodServer(events, rounds);
    try {
      const paced = await consumeSlowly(server, highWaterMark, total);
      assert.equal(paced.consumed, total, 'every event arrived, none lost');
      assert.equal(paced.last, names.at(-1), 'in order to the last one');
      // One socket read (64 KiB) holds a few hundred events; the backlog never grows past that.
      assert.ok(paced.maxBacklog < highWaterMark + 1_000, `backlog reached ${paced.maxBacklog}`);
      assert.ok(!paced.states.includes('disconnected'), 'keepalive did not drop a paused connection');
      // Control: the same flood without a pause threshold piles up in memory.
      const unpaced = await consumeSlowly(server, Number.POSITIVE_INFINITY, total);
      assert.ok(
        unpaced.maxBacklog > 10 * paced.maxBacklog,
        `without pausing the backlog was only ${unpaced.maxBacklog} (paced ${paced.maxBacklog})`,
      );
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
