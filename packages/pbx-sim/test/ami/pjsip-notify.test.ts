import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { escapeVariableValue, type AmiAction, type AmiClient, type AmiMessage } from '@callgate/ami';
import { amiVariables } from '../../src/ami/ami-variables.js';
import { startPbxSim, type FlavourId, type PbxSim } from '../../src/index.js';
import { answer, simClient } from '../support/ami-client.js';

function client(sim: PbxSim, username = 'crm', secret = 'crm-secret'): AmiClient {
  const c = simClient(sim, { username, secret });
  c.start();
  return c;
}

/** The first event `c` receives over TCP that matches `test`, from now on. */
function received(c: AmiClient, test: (e: AmiMessage) => boolean): Promise<AmiMessage> {
  return new Promise((resolve) => {
    const off = c.on('event', (e) => {
      if (!test(e)) return;
      off();
      resolve(e);
    });
  });
}

/**
 * Every event `c` receives while `during` runs, up to the answer of a Ping sent after it. A Ping
 * before it first lets the client read what was raised earlier (the call's set-up).
 */
async function receivedDuring(c: AmiClient, during: () => Promise<void> | void): Promise<AmiMessage[]> {
  await c.send({ action: 'Ping' });
  const events: AmiMessage[] = [];
  const off = c.on('event', (e) => events.push(e));
  try {
    await during();
    // AMI is one ordered stream: once the Ping is answered, everything raised before it is here.
    await c.send({ action: 'Ping' });
  } finally {
    off();
  }
  return events;
}

interface Call {
  customer: string;
  operator: string;
  hangup(): Promise<void>;
}

/** A customer on `line` answered by phone `ext`; its channel names. */
async function connectedCall(sim: PbxSim, from: string, ext: string, line = '74950000000'): Promise<Call> {
  const tech = sim.pbx.world.flavour.tech;
  const ringing = sim.control.waitForEvent(
    (e) =>
      e.event === 'Newstate' &&
      e.get('ChannelStateDesc') === 'Ringing' &&
      e.get('Channel')?.startsWith(`${tech}/${ext}-`) === true,
  );
  const call = sim.control.customerCalls({ from, name: 'Ivan Petrov', line });
  await ringing;
  const connected = sim.control.waitForEvent('AgentConnect');
  sim.control.phone(ext).answer();
  const operator = (await connected).get('DestChannel') ?? '';
  return {
    customer: call.channel,
    operator,
    hangup: async () => {
      const gone = sim.control.waitForEvent((e) => e.event === 'Hangup' && e.get('Channel') === operator);
      call.hangup();
      await gone;
    },
  };
}

/**
 * An event as a comparable line: its name, whose channel or device it is about, what
 * distinguishes it (VarSet's variable, CEL's name, a device state), and its header names.
 */
function shape(call: Call, e: AmiMessage): string {
  const role = (value: string | undefined): string => {
    if (value === call.operator) return 'operator';
    if (value === call.customer) return 'customer';
    if (value !== undefined && call.operator.startsWith(`${value}-`)) return 'operator device';
    if (value !== undefined && call.customer.startsWith(`${value}-`)) return 'customer device';
    return value ?? '';
  };
  const what = e.get('Variable') ?? e.get('EventName') ?? e.get('State') ?? e.get('Class') ?? '';
  const headers = [...e.headers()].map(([k]) => k).join(',');
  return `${e.event ?? ''} ${role(e.get('Channel') ?? e.get('Device'))} ${what} [${headers}]`;
}

const HOLD: AmiAction['variables'] = { Event: 'hold' };
const TALK: AmiAction['variables'] = { Event: 'talk' };

describe('AMI PJSIPNotify: a phone with remote hold holds its call', () => {
  let sim: PbxSim;
  let c: AmiClient;

  before(async () => {
    sim = await startPbxSim();
    c = client(sim);
    await c.ready();
  });
  afterEach(() => {
    for (const ext of ['1001', '1002', '1003']) sim.control.phone(ext).setBehaviour({ remoteHold: true });
  });
  after(async () => {
    await c.stop();
    await sim.stop();
  });

  it('Event=hold: NOTIFY sent, then the same events as the phone’s hold key (Hold on the phone, music for the customer); Event=talk resumes', async () => {
    // The hold key first, on one call, as the reference (recording 10)…
    const keyCall = await connectedCall(sim, '79165550301', '1001');
    const byKey = await receivedDuring(c, () => sim.control.phone('1001').hold());
    sim.control.phone('1001').unhold();
    await keyCall.hangup();

    // …then the NOTIFY on the next call.
    const call = await connectedCall(sim, '79165550302', '1001');
    const byNotify = await receivedDuring(c, async () => {
      const held = received(c, (e) => e.event === 'MusicOnHoldStart' && e.get('Channel') === call.customer);
      assert.equal(
        await answer(c, { action: 'PJSIPNotify', headers: { Channel: call.operator }, variables: HOLD }),
        'NOTIFY sent',
      );
      await held;
    });
    assert.deepEqual(
      byNotify.map((e) => shape(call, e)),
      byKey.map((e) => shape(keyCall, e)),
    );
    assert.deepEqual(
      byNotify
        .filter((e) => e.event === 'Hold' || e.event === 'MusicOnHoldStart')
        .map((e) => [e.event, e.get('Channel')]),
      [
        ['Hold', call.operator],
        ['MusicOnHoldStart', call.customer],
      ],
    );
    assert.equal(sim.control.channels().find((ch) => ch.name === call.customer)?.onHold, true);

    const resumed = await receivedDuring(c, async () => {
      const stopped = received(c, (e) => e.event === 'MusicOnHoldStop' && e.get('Channel') === call.customer);
      assert.equal(
        await answer(c, { action: 'PJSIPNotify', headers: { Channel: call.operator }, variables: TALK }),
        'NOTIFY sent',
      );
      await stopped;
    });
    assert.deepEqual(
      resumed
        .filter((e) => e.event === 'Unhold' || e.event === 'MusicOnHoldStop')
        .map((e) => [e.event, e.get('Channel')]),
      [
        ['Unhold', call.operator],
        ['MusicOnHoldStop', call.customer],
      ],
    );
    assert.equal(sim.control.channels().find((ch) => ch.name === call.customer)?.onHold, false);
    await call.hangup();
  });

  it('a phone with remoteHold off ignores the NOTIFY: Asterisk still answers NOTIFY sent, no Hold', async () => {
    const refusing = await connectedCall(sim, '79165550303', '1001');
    const willing = await connectedCall(sim, '79165550304', '1003', '74950000001');
    sim.control.phone('1001').setBehaviour({ remoteHold: false });
    const events = await receivedDuring(c, async () => {
      const willingHeld = received(c, (e) => e.event === 'Hold' && e.get('Channel') === willing.operator);
      assert.equal(
        await answer(c, { action: 'PJSIPNotify', headers: { Channel: refusing.operator }, variables: HOLD }),
        'NOTIFY sent',
      );
      assert.equal(
        await answer(c, { action: 'PJSIPNotify', headers: { Channel: willing.operator }, variables: HOLD }),
        'NOTIFY sent',
      );
      // Both phones react after the same delay, in the order the NOTIFYs went out: by the time
      // the second one has held, the first would have.
      await willingHeld;
    });
    assert.deepEqual(
      events.filter((e) => e.event === 'Hold').map((e) => e.get('Channel')),
      [willing.operator],
    );
    assert.equal(sim.control.channels().find((ch) => ch.name === refusing.customer)?.onHold, false);
    await refusing.hangup();
    await willing.hangup();
  });

  it('a call that ends before the phone reacts raises no Hold', async () => {
    const ending = await connectedCall(sim, '79165550305', '1001');
    const other = await connectedCall(sim, '79165550306', '1003', '74950000001');
    const events = await receivedDuring(c, async () => {
      const otherHeld = received(c, (e) => e.event === 'Hold' && e.get('Channel') === other.operator);
      await answer(c, { action: 'PJSIPNotify', headers: { Channel: ending.operator }, variables: HOLD });
      await ending.hangup();
      await answer(c, { action: 'PJSIPNotify', headers: { Channel: other.operator }, variables: HOLD });
      await otherHeld;
    });
    assert.deepEqual(
      events.filter((e) => e.event === 'Hold').map((e) => e.get('Channel')),
      [other.operator],
    );
    await other.hangup();
  });

  it('answers mistakes with res_pjsip_notify.c texts', async () => {
    assert.equal(
      await answer(c, { action: 'PJSIPNotify', headers: { Channel: 'PJSIP/1001-ffffffff' }, variables: HOLD }),
      'Channel not found',
    );
    assert.equal(
      await answer(c, {
        action: 'PJSIPNotify',
        headers: { Channel: 'PJSIP/1001-ffffffff', Endpoint: '1001' },
        variables: HOLD,
      }),
      'PJSIPNotify requires either an endpoint name, a SIP URI, or a channel.  You must use only one of them.',
    );
    assert.equal(
      await answer(c, { action: 'PJSIPNotify', variables: HOLD }),
      'PJSIPNotify requires either an endpoint name, a SIP URI, or a channel.',
    );
    assert.equal(
      await answer(c, { action: 'PJSIPNotify', headers: { URI: 'sip:1001@127.0.0.1:5060' }, variables: HOLD }),
      'NOTIFY sent',
    );
  });

  it('Endpoint mode strips a PJSIP/ or SIP/ prefix and names an unknown endpoint', async () => {
    for (const endpoint of ['PJSIP/1001', 'pjsip/1002', 'SIP/1003', '1004', 'pstn']) {
      assert.equal(
        await answer(c, { action: 'PJSIPNotify', headers: { Endpoint: endpoint }, variables: { Event: 'check-sync' } }),
        'NOTIFY sent',
        endpoint,
      );
    }
    assert.equal(
      await answer(c, { action: 'PJSIPNotify', headers: { Endpoint: 'PJSIP/9999' }, variables: HOLD }),
      'Unable to retrieve endpoint 9999',
    );
  });

  it('needs the system write class: Permission denied and RequestNotAllowed otherwise', async () => {
    const limited = client(sim, 'crm-limited', 'limited-secret');
    try {
      await limited.ready();
      const refused = sim.control.waitForEvent(
        (e) => e.event === 'RequestNotAllowed' && e.get('RequestType') === 'Action: PJSIPNotify',
      );
      assert.equal(
        await answer(limited, { action: 'PJSIPNotify', headers: { Endpoint: '1001' }, variables: HOLD }),
        'Permission denied',
      );
      await refused;
    } finally {
      await limited.stop();
    }
  });
});

describe('AMI PJSIPNotify on the chan_sip flavour', () => {
  const flavour: FlavourId = 'asterisk-20-chansip';
  let sim: PbxSim;
  let c: AmiClient;

  before(async () => {
    sim = await startPbxSim({ flavour });
    c = client(sim);
    await c.ready();
  });
  after(async () => {
    await c.stop();
    await sim.stop();
  });

  it('finds no PJSIP channel or endpoint behind chan_sip’s SIP/ names', async () => {
    const call = await connectedCall(sim, '79165550307', '1001');
    assert.ok(call.operator.startsWith('SIP/1001-'));
    assert.equal(
      await answer(c, { action: 'PJSIPNotify', headers: { Channel: call.operator }, variables: HOLD }),
      'Channel not found',
    );
    assert.equal(
      await answer(c, { action: 'PJSIPNotify', headers: { Endpoint: '1001' }, variables: HOLD }),
      'Unable to retrieve endpoint 1001',
    );
    await call.hangup();
  });
});

describe('AMI Variable lines (Originate, PJSIPNotify)', () => {
  it('reads them as manager.c does: in order, comma-separated items, quotes kept together, items without = dropped', () => {
    assert.deepEqual(amiVariables(['Event=hold', ' X-A=1,X-B="a,b",novalue,=x', 'Content=a=b']), [
      ['Event', 'hold'],
      ['X-A', '1'],
      ['X-B', 'a,b'],
      ['Content', 'a=b'],
    ]);
  });

  it('gives back exactly what the ami serializer escaped, whatever the value holds', () => {
    const value = 'deal,FILE(/tmp/x)=y "q" (a,b) back\\slash';
    assert.deepEqual(amiVariables([`__CALLGATE_CRM_REF=${escapeVariableValue(value)}`]), [
      ['__CALLGATE_CRM_REF', value],
    ]);
  });
});
