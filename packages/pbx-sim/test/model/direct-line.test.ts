/**
 * A line (DID) routed straight to one operator's phone: `from-pstn` runs NoOp, Dial(PJSIP/<ext>,20,tT),
 * Hangup — no Answer(), no queue. The customer's channel stays in Ring until the phone answers,
 * and Dial()'s bridge answers it (after DialEnd ANSWER, as the unanswered Local ;2 of 12 is).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSimConfig } from '@callgate/contracts';
import type { AmiMessage } from '@callgate/ami';
import { answerLeg, isRinging } from '../../src/apps/far-end.js';
import { startInboundCall } from '../../src/apps/inbound-call.js';
import { dialplanOf } from '../../src/apps/dialplan-listing.js';
import { worldFromSite } from '../../src/control/site-world.js';
import { isSimError } from '../../src/errors.js';
import { labWorld } from '../../src/model/world-config.js';
import { virtualWorld, virtualWorldFrom, type VirtualWorld } from '../support/virtual-world.js';

const DIRECT = '74950000002';

function withDirectLine(extension = '1002'): VirtualWorld {
  return virtualWorld((c) => c.lines.push({ number: DIRECT, extension }));
}

function ringingLeg(vw: VirtualWorld, ext: string) {
  const leg = vw.world.channelsOfDevice(`PJSIP/${ext}`).find((c) => isRinging(c));
  assert.ok(leg, `phone ${ext} should be ringing`);
  return leg;
}

/** The customer channel's own events and the Dial events about it, as `Event detail` lines. */
function customerStory(vw: VirtualWorld, channel: string): string[] {
  const detail = (e: AmiMessage): string => {
    switch (e.event) {
      case 'Newstate':
        return `Newstate ${e.get('ChannelStateDesc')}`;
      case 'Newexten':
        return `Newexten ${e.get('Application')}(${e.get('AppData')})`;
      case 'DialState':
      case 'DialEnd':
        return `${e.event} ${e.get('DialStatus')}`;
      case 'Hangup':
        return `Hangup ${e.get('Cause')}`;
      default:
        return e.event ?? '';
    }
  };
  const shown = new Set(['Newchannel', 'Newstate', 'Newexten', 'DialBegin', 'DialState', 'DialEnd', 'BridgeEnter']);
  return vw.events
    .filter((e) => e.get('Channel') === channel && (shown.has(e.event ?? '') || e.event === 'Hangup'))
    .map(detail);
}

describe('a line routed to an extension (direct dial, no queue)', () => {
  it("rings the operator's phone at once with the customer in Ring, and answers the customer only when the phone does", () => {
    const vw = withDirectLine();
    const customer = startInboundCall(vw.world, { from: '79161234567', name: 'Иван Петров', line: DIRECT });
    vw.clock.advance(3000);
    const leg = ringingLeg(vw, '1002');
    assert.equal(vw.named('QueueCallerJoin').length, 0, 'no queue on a direct line');
    assert.equal(
      vw.named('Newstate', (e) => e.get('Channel') === customer.name).length,
      0,
      'the customer is not answered while the phone rings',
    );
    answerLeg(vw.world, leg);
    vw.clock.advance(4000);
    vw.world.remoteHangup(leg);
    assert.deepEqual(customerStory(vw, customer.name), [
      'Newchannel',
      'Newexten NoOp(Direct call to 1002 from "Иван Петров" <79161234567>)',
      'Newexten Dial(PJSIP/1002,20,tT)',
      'DialBegin',
      'DialState RINGING',
      'DialEnd ANSWER',
      'Newstate Up',
      'BridgeEnter',
      // The operator hung up: Dial() returns and the dialplan goes on to Hangup() (06).
      'Newexten Hangup()',
      'Hangup 16',
    ]);
    assert.equal(vw.named('Newchannel', (e) => e.get('Channel') === customer.name)[0]?.get('ChannelStateDesc'), 'Ring');
    const enters = vw.named('BridgeEnter');
    assert.deepEqual(
      enters.map((e) => e.get('Channel')),
      [leg.name, customer.name],
      'the answered phone enters the bridge first, then the customer (Dial, 06 and 11)',
    );
    assert.deepEqual(new Set(vw.named('Newchannel').map((e) => e.get('Linkedid'))), new Set([customer.uniqueid]));
    const cdr = vw.named('Cdr', (e) => e.get('Channel') === customer.name)[0];
    assert.deepEqual(
      [cdr?.get('Destination'), cdr?.get('DestinationContext'), cdr?.get('LastApplication'), cdr?.get('Disposition')],
      [DIRECT, 'from-pstn', 'Dial', 'ANSWERED'],
    );
  });

  it('a busy phone: DialEnd BUSY, then the dialplan hangs the customer up with Cause 17', () => {
    const vw = withDirectLine();
    vw.world.phone('1002').behaviour.mode = 'busy';
    const customer = startInboundCall(vw.world, { from: '79161234567', name: '', line: DIRECT });
    vw.clock.advance(100);
    const story = customerStory(vw, customer.name);
    assert.deepEqual(story.slice(-3), ['DialEnd BUSY', 'Newexten Hangup()', 'Hangup 17']);
    assert.ok(!story.includes('Newstate Up'), 'never answered');
    assert.equal(customer.hungUp, true);
  });

  it('a phone nobody answers: DialEnd NOANSWER after the 20 s Dial timeout, then the customer is hung up', () => {
    const vw = withDirectLine();
    const customer = startInboundCall(vw.world, { from: '79161234567', name: '', line: DIRECT });
    vw.clock.advance(19_900);
    assert.equal(customer.hungUp, false, 'still ringing before the timeout');
    vw.clock.advance(200);
    assert.deepEqual(customerStory(vw, customer.name).slice(-3), [
      'DialEnd NOANSWER',
      'Newexten Hangup()',
      'Hangup 16',
    ]);
    const cdr = vw.named('Cdr', (e) => e.get('Channel') === customer.name)[0];
    assert.equal(cdr?.get('Disposition'), 'NO ANSWER');
  });

  it('a customer who gives up while the phone rings cancels the Dial', () => {
    const vw = withDirectLine();
    const customer = startInboundCall(vw.world, { from: '79161234567', name: '', line: DIRECT, patienceMs: 5000 });
    vw.clock.advance(5100);
    assert.equal(customer.hungUp, true);
    assert.deepEqual(customerStory(vw, customer.name).slice(-2), ['DialEnd CANCEL', 'Hangup 16']);
    assert.equal(vw.world.channelsOfDevice('PJSIP/1002').filter((c) => !c.hungUp).length, 0, 'the phone stops ringing');
  });

  it('a customer with a talk time hangs up that long after the operator answered', () => {
    const vw = withDirectLine();
    const customer = startInboundCall(vw.world, { from: '79161234567', name: '', line: DIRECT, talkMs: 4000 });
    vw.clock.advance(1000);
    answerLeg(vw.world, ringingLeg(vw, '1002'));
    vw.clock.advance(3900);
    assert.equal(customer.hungUp, false);
    vw.clock.advance(200);
    assert.equal(customer.hungUp, true);
    assert.equal(
      vw.named('HangupRequest', (e) => e.get('Channel') === customer.name).length,
      1,
      'the customer sent BYE',
    );
  });

  it('an unregistered phone: Dial fails at once (CHANUNAVAIL) and the customer is hung up', () => {
    const vw = virtualWorldFrom({ ...labWorld(), lines: [{ number: DIRECT, extension: '1004' }] });
    const customer = startInboundCall(vw.world, { from: '79161234567', name: '', line: DIRECT, patienceMs: 1000 });
    assert.equal(customer.hungUp, true);
    assert.equal(vw.named('DialBegin').length, 0, 'no leg is created for an unreachable endpoint');
    assert.deepEqual(
      vw.named('VarSet', (e) => e.get('Variable') === 'DIALSTATUS').map((e) => e.get('Value')),
      ['CHANUNAVAIL'],
    );
    vw.clock.advance(2000); // the patience timer of a call already over changes nothing
    assert.equal(vw.named('Hangup').length, 1);
  });

  it('chan_sip flavour: the same route with SIP/ channels', () => {
    const config = labWorld('asterisk-20-chansip');
    config.lines.push({ number: DIRECT, extension: '1001' });
    const vw = virtualWorldFrom(config);
    const customer = startInboundCall(vw.world, { from: '79161234567', name: '', line: DIRECT });
    vw.clock.advance(1000);
    const leg = vw.world.channelsOfDevice('SIP/1001').find((c) => isRinging(c));
    assert.ok(leg, 'SIP/1001 rings');
    answerLeg(vw.world, leg);
    assert.equal(customer.name.startsWith('SIP/pstn-'), true);
    assert.equal(
      vw
        .named('Newstate', (e) => e.get('Channel') === customer.name)
        .at(-1)
        ?.get('ChannelStateDesc'),
      'Up',
    );
  });

  it('refuses a call to a line routed to an extension the world has no phone for', () => {
    const vw = virtualWorld((c) => c.lines.push({ number: DIRECT, extension: '1999' }));
    assert.throws(
      () => startInboundCall(vw.world, { from: '79161234567', name: '', line: DIRECT }),
      (e: unknown) => isSimError(e) && e.code === 'SIM_ERR_NOT_FOUND' && /unknown extension 1999/.test(e.message),
    );
    assert.equal(vw.events.length, 0, 'nothing happened on the PBX');
  });

  it('ShowDialPlan lists the direct route as NoOp, Dial, Hangup', () => {
    const vw = withDirectLine('1003');
    const steps = (dialplanOf(vw.world, 'from-pstn') ?? [])
      .filter((p) => p.extension === DIRECT)
      .map((p) => `${p.priority} ${p.application}(${p.appData})`);
    assert.deepEqual(steps, [
      '1 NoOp(Direct call to 1003 from ${CALLERID(all)})',
      '2 Dial(PJSIP/1003,20,tT)',
      '3 Hangup()',
    ]);
  });
});

describe('simulator configuration: lines to an extension', () => {
  const site = (lines: unknown[]): unknown => ({
    sites: [
      {
        id: 's1',
        ami: { users: [{ username: 'crm', secret: 'x' }] },
        operators: { count: 5, firstExtension: '2001', namePrefix: 'Operator ' },
        queues: [{ name: 'support' }],
        lines,
      },
    ],
  });

  it('routes a line to an operator extension', () => {
    const parsed = parseSimConfig(
      site([
        { number: '74950000000', queue: 'support' },
        { number: '74950000002', extension: '2003' },
      ]),
    );
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
    const [first] = parsed.value.sites;
    assert.ok(first);
    assert.deepEqual(worldFromSite(first).lines, [
      { number: '74950000000', queue: 'support' },
      { number: '74950000002', extension: '2003' },
    ]);
  });

  it('needs exactly one of queue and extension on a line', () => {
    for (const line of [{ number: '749' }, { number: '749', queue: 'support', extension: '2001' }]) {
      const parsed = parseSimConfig(site([line]));
      assert.equal(parsed.ok, false);
      assert.match(
        parsed.ok ? '' : parsed.error.message,
        /sites\[0\]\.lines\[0\]: needs exactly one of queue or extension/,
      );
    }
  });

  it("names the operators' extensions when a line routes to another one", () => {
    const parsed = parseSimConfig(site([{ number: '749', extension: '3001' }]));
    assert.equal(parsed.ok, false);
    assert.match(
      parsed.ok ? '' : parsed.error.message,
      /sites\[0\]\.lines\[0\]\.extension: extension "3001" is not an operator's \(operators are 2001–2005\)/,
    );
  });
});
