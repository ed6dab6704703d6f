import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerLeg, isRinging } from '../../src/apps/far-end.js';
import { hold } from '../../src/apps/hold.js';
import { startInboundCall } from '../../src/apps/inbound-call.js';
import { deliverNotify, REMOTE_HOLD_REACTION_MS } from '../../src/apps/remote-hold.js';
import type { Channel } from '../../src/model/channel.js';
import { virtualWorld, type VirtualWorld } from '../support/virtual-world.js';

/** A customer in the support queue talking to 1001, on virtual time. */
function talking(vw: VirtualWorld): { customer: Channel; operator: Channel } {
  const customer = startInboundCall(vw.world, { from: '79165550401', name: 'Ivan Petrov', line: '74950000000' });
  vw.clock.advance(600);
  const operator = vw.world.channelsOfDevice('PJSIP/1001').find((c) => isRinging(c));
  assert.ok(operator, 'phone 1001 should be ringing');
  answerLeg(vw.world, operator);
  return { customer, operator };
}

/** Hold and music events from event number `from` on (the queue's own music before it is left out). */
const holdEvents = (vw: VirtualWorld, from: number): string[] =>
  vw.events
    .slice(from)
    .filter((e) => ['Hold', 'Unhold', 'MusicOnHoldStart', 'MusicOnHoldStop'].includes(e.event ?? ''))
    .map((e) => `${e.event ?? ''} ${e.get('Channel') ?? ''}`);

describe('a phone with BroadWorks remote control (in-dialog NOTIFY Event: hold / talk)', () => {
  it('holds its own call a reaction time after Event: hold and resumes on Event: talk', () => {
    const vw = virtualWorld();
    const { customer, operator } = talking(vw);
    const mark = vw.events.length;
    assert.equal(deliverNotify(vw.world, operator, [['Event', 'hold']]), 'hold');
    vw.clock.advance(REMOTE_HOLD_REACTION_MS - 1);
    assert.deepEqual(holdEvents(vw, mark), [], 'the phone has not reacted yet');
    vw.clock.advance(1);
    assert.deepEqual(holdEvents(vw, mark), [`Hold ${operator.name}`, `MusicOnHoldStart ${customer.name}`]);
    assert.equal(customer.onHold, true);
    assert.equal(deliverNotify(vw.world, operator, [['Event', 'talk']]), 'talk');
    vw.clock.advance(REMOTE_HOLD_REACTION_MS);
    assert.deepEqual(holdEvents(vw, mark).slice(2), [`Unhold ${operator.name}`, `MusicOnHoldStop ${customer.name}`]);
    assert.equal(customer.onHold, false);
  });

  it('reads the Event header case-insensitively, before its parameters, and only the first one', () => {
    const vw = virtualWorld();
    const { operator } = talking(vw);
    assert.equal(deliverNotify(vw.world, operator, [['event', 'HOLD;id=1']]), 'hold');
    vw.clock.advance(REMOTE_HOLD_REACTION_MS);
    assert.equal(vw.named('Hold').length, 1);
    assert.equal(
      deliverNotify(vw.world, operator, [
        ['Event', 'check-sync'],
        ['Event', 'talk'],
      ]),
      'unknown-event',
      'res_pjsip_notify.c adds one Event header: the second is never sent',
    );
    assert.equal(deliverNotify(vw.world, operator, [['X-Data', 'talk']]), 'unknown-event');
    vw.clock.advance(1000);
    assert.equal(vw.named('Unhold').length, 0);
  });

  it('ignores Event: hold when the call is already held, and Event: talk when it is not', () => {
    const vw = virtualWorld();
    const { operator } = talking(vw);
    assert.equal(deliverNotify(vw.world, operator, [['Event', 'talk']]), 'ignored');
    hold(vw.world, operator);
    assert.equal(deliverNotify(vw.world, operator, [['Event', 'hold']]), 'ignored');
    vw.clock.advance(1000);
    assert.equal(vw.named('Hold').length, 1, 'only the hold key’s own Hold');
    assert.equal(vw.named('Unhold').length, 0);
  });

  it('does nothing while the phone is still ringing', () => {
    const vw = virtualWorld();
    startInboundCall(vw.world, { from: '79165550402', name: 'Ivan Petrov', line: '74950000000' });
    vw.clock.advance(600);
    const ringing = vw.world.channelsOfDevice('PJSIP/1001').find((c) => isRinging(c));
    assert.ok(ringing);
    assert.equal(deliverNotify(vw.world, ringing, [['Event', 'hold']]), 'ignored');
    vw.clock.advance(1000);
    assert.equal(vw.named('Hold').length, 0);
  });

  it('refuses the NOTIFY when remote control is off on the phone', () => {
    const vw = virtualWorld((c) => {
      const phone = c.phones.find((p) => p.extension === '1001');
      if (phone) phone.behaviour.remoteHold = false;
    });
    const { operator } = talking(vw);
    assert.equal(deliverNotify(vw.world, operator, [['Event', 'hold']]), 'refused');
    vw.clock.advance(1000);
    assert.equal(vw.named('Hold').length, 0);
  });

  it('raises nothing when the call ends before the phone reacts', () => {
    const vw = virtualWorld();
    const { customer, operator } = talking(vw);
    assert.equal(deliverNotify(vw.world, operator, [['Event', 'hold']]), 'hold');
    vw.world.remoteHangup(customer);
    assert.equal(operator.hungUp, true);
    const pendingAfterHangup = vw.clock.pending;
    vw.clock.advance(1000);
    assert.equal(vw.named('Hold').length, 0);
    assert.equal(pendingAfterHangup, 0, 'the phone’s reaction was cancelled with its channel');
  });

  it('is not a phone’s NOTIFY when it goes to the customer’s trunk channel', () => {
    const vw = virtualWorld();
    const { customer } = talking(vw);
    assert.equal(deliverNotify(vw.world, customer, [['Event', 'hold']]), 'not-a-phone');
    vw.clock.advance(1000);
    assert.equal(vw.named('Hold').length, 0);
  });
});
