import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AmiClient } from '@callgate/ami';
import { isAmiError, type AmiAction } from '@callgate/ami';
import { startPbxSim, type PbxSim } from '../../src/index.js';
import { connectQuietRaw } from '../support/raw-ami.js';
import { simClient } from '../support/ami-client.js';

function client(sim: PbxSim, username = 'crm', secret = 'crm-secret'): AmiClient {
  return simClient(sim, { username, secret });
}

/** Asterisk's error message for an action, or 'ok'. */
async function answer(c: AmiClient, action: AmiAction): Promise<string> {
  try {
    await c.send(action);
    return 'ok';
  } catch (error) {
    if (isAmiError(error)) return error.message;
    throw error;
  }
}

describe('AMI actions that inspect a site (what callgate doctor asks)', () => {
  let sim: PbxSim;
  let c: AmiClient;
  before(async () => {
    sim = await startPbxSim({
      users: [
        { username: 'crm', secret: 'crm-secret' },
        { username: 'reporter', secret: 'reporter-secret', read: 'all', write: 'reporting' },
        { username: 'callonly', secret: 'callonly-secret', read: 'all', write: 'call' },
      ],
    });
    c = client(sim);
    c.start();
    await c.ready();
  });
  after(async () => {
    await c.stop();
    await sim.stop();
  });

  it('lists a dialplan context as ListDialplan items with the lab extensions, priorities and apps', async () => {
    const result = await c.send({ action: 'ShowDialPlan', headers: { Context: 'from-pstn' } });
    assert.equal(result.response.get('Message'), 'DialPlan list will follow');
    const support = result.items.filter((i) => i.get('Extension') === '74950000000');
    assert.deepEqual(
      support.map((i) => [i.get('Priority'), i.get('Application'), i.get('AppData')]),
      [
        ['1', 'NoOp', 'Inbound call to support from ${CALLERID(all)}'],
        ['2', 'Answer', ''],
        ['3', 'Queue', 'support,tT'],
        ['4', 'Hangup', ''],
      ],
    );
    assert.ok(result.items.every((i) => i.event === 'ListDialplan' && i.get('Registrar') === 'pbx_config'));
    assert.equal(result.complete?.event, 'ShowDialPlanComplete');
    assert.equal(result.complete?.get('ListPriorities'), String(result.items.length));
    assert.equal(result.complete?.get('ListContexts'), '1');
  });

  it('finds an external number through the outbound pattern and lists every context without Context', async () => {
    const one = await c.send({ action: 'ShowDialPlan', headers: { Context: 'outbound', Extension: '79161234567' } });
    assert.deepEqual(
      one.items.map((i) => i.get('Application')),
      ['NoOp', 'Dial', 'Hangup'],
    );
    assert.equal(one.items[1]?.get('AppData'), 'PJSIP/${EXTEN}@pstn,30,tT');
    const all = await c.send({ action: 'ShowDialPlan' });
    assert.deepEqual([...new Set(all.items.map((i) => i.get('Context')))], ['from-pstn', 'internal', 'outbound']);
  });

  it('answers a missing context or extension with the texts of pbx.c', async () => {
    assert.equal(
      await answer(c, { action: 'ShowDialPlan', headers: { Context: 'callgate-originate' } }),
      'Did not find context callgate-originate',
    );
    assert.equal(
      await answer(c, { action: 'ShowDialPlan', headers: { Context: 'internal', Extension: '2001' } }),
      'Did not find extension 2001@internal',
    );
  });

  it('lists the state of every phone and the trunk, an unregistered phone UNAVAILABLE', async () => {
    const result = await c.send({ action: 'DeviceStateList' });
    assert.equal(result.response.get('Message'), 'Device State Changes will follow');
    const states = new Map(result.items.map((i) => [i.get('Device'), i.get('State')]));
    assert.equal(states.get('PJSIP/1001'), 'NOT_INUSE');
    assert.equal(states.get('PJSIP/1004'), 'UNAVAILABLE');
    assert.equal(states.get('PJSIP/pstn'), 'NOT_INUSE');
    assert.ok(result.items.every((i) => i.event === 'DeviceStateChange' && i.get('Privilege') === undefined));
    assert.equal(result.complete?.event, 'DeviceStateListComplete');
  });

  it('shows a phone going unregistered in the next DeviceStateList', async () => {
    sim.control.phone('1003').unregister();
    try {
      const result = await c.send({ action: 'DeviceStateList' });
      const states = new Map(result.items.map((i) => [i.get('Device'), i.get('State')]));
      assert.equal(states.get('PJSIP/1003'), 'UNAVAILABLE');
    } finally {
      sim.control.phone('1003').register();
    }
  });

  it('lists the categories of manager.conf and refuses a file that does not exist', async () => {
    const raw = await connectQuietRaw(sim.port);
    raw.action([
      ['Action', 'ListCategories'],
      ['Filename', 'manager.conf'],
      ['ActionID', 'lc-1'],
    ]);
    const listed = await raw.next();
    assert.deepEqual(listed.keys(), [
      'Response',
      'ActionID',
      'Category-000000',
      'Category-000001',
      'Category-000002',
      'Category-000003',
    ]);
    // [general], then one section per AMI user.
    assert.deepEqual(
      ['Category-000000', 'Category-000001', 'Category-000002', 'Category-000003'].map((k) => listed.get(k)),
      ['general', 'crm', 'reporter', 'callonly'],
    );
    raw.close();
    assert.equal(
      await answer(c, { action: 'ListCategories', headers: { Filename: 'callgate-doctor-probe.conf' } }),
      'Config file not found',
    );
  });

  it('prints the uptime for Command core show uptime, as the CLI does', async () => {
    const result = await c.send({ action: 'Command', headers: { Command: 'core show uptime' } });
    const output = result.response.getAll('Output');
    assert.match(output[0] ?? '', /^System uptime: \d+ seconds?$/);
    assert.match(output[1] ?? '', /^Last reload: \d+ seconds?$/);
  });

  it('adds a session filter with Message Success and refuses a regex that does not compile', async () => {
    const added = await c.send({ action: 'Filter', headers: { Operation: 'Add', Filter: '!Event: RTCPSent' } });
    assert.equal(added.response.get('Message'), 'Success');
    assert.equal(
      await answer(c, { action: 'Filter', headers: { Operation: 'Add', Filter: '(' } }),
      'Filter did not compile.  Check the syntax of the filter given.',
    );
    assert.equal(await answer(c, { action: 'Filter', headers: { Filter: 'x' } }), 'Unknown operation');
  });

  it('refuses config, command and system actions to a user without those classes, with RequestNotAllowed', async () => {
    const reporter = client(sim, 'reporter', 'reporter-secret');
    reporter.start();
    await reporter.ready();
    const notAllowed: string[] = [];
    const off = sim.control.onEvent((e) => {
      if (e.event === 'RequestNotAllowed') notAllowed.push(e.get('RequestType') ?? '');
    });
    try {
      assert.equal(
        await answer(reporter, { action: 'ListCategories', headers: { Filename: 'x.conf' } }),
        'Permission denied',
      );
      assert.equal(
        await answer(reporter, { action: 'Command', headers: { Command: 'core show uptime' } }),
        'Permission denied',
      );
      assert.equal(
        await answer(reporter, { action: 'Filter', headers: { Operation: 'Add', Filter: 'x' } }),
        'Permission denied',
      );
      assert.equal(
        await answer(reporter, { action: 'PlayDTMF', headers: { Channel: 'x', Digit: '1' } }),
        'Permission denied',
      );
      // reporting is enough to read the dialplan and the device states.
      assert.equal(await answer(reporter, { action: 'ShowDialPlan', headers: { Context: 'internal' } }), 'ok');
      assert.equal(await answer(reporter, { action: 'DeviceStateList' }), 'ok');
      await reporter.send({ action: 'Ping' });
      assert.deepEqual(notAllowed, ['Action: ListCategories', 'Action: Command', 'Action: Filter', 'Action: PlayDTMF']);
    } finally {
      off();
      await reporter.stop();
    }
    const callOnly = client(sim, 'callonly', 'callonly-secret');
    callOnly.start();
    await callOnly.ready();
    assert.equal(
      await answer(callOnly, { action: 'ShowDialPlan', headers: { Context: 'internal' } }),
      'Permission denied',
    );
    assert.equal(await answer(callOnly, { action: 'DeviceStateList' }), 'ok');
    await callOnly.stop();
  });
});

describe('staging a site for callgate doctor', () => {
  it('reports the configured Asterisk version in CoreSettings and core show version', async () => {
    const sim = await startPbxSim({ asteriskVersion: '20.9.1' });
    const c = client(sim);
    c.start();
    try {
      await c.ready();
      const settings = await c.send({ action: 'CoreSettings' });
      assert.equal(settings.response.get('AsteriskVersion'), '20.9.1');
      const version = await c.send({ action: 'Command', headers: { Command: 'core show version' } });
      assert.match(version.response.get('Output') ?? '', /^Asterisk 20\.9\.1 /);
    } finally {
      await c.stop();
      await sim.stop();
    }
  });

  it('runs its clock ahead by clockOffsetMs: the Ping Timestamp shows the skew', async () => {
    const sim = await startPbxSim({ clockOffsetMs: 90_000 });
    const c = client(sim);
    c.start();
    try {
      await c.ready();
      const before = Date.now();
      const pong = await c.send({ action: 'Ping' });
      const after = Date.now();
      const asteriskMs = Number(pong.response.get('Timestamp')) * 1000;
      assert.ok(asteriskMs >= before + 90_000 - 1 && asteriskMs <= after + 90_000 + 1, `Timestamp ${asteriskMs}`);
    } finally {
      await c.stop();
      await sim.stop();
    }
  });
});
