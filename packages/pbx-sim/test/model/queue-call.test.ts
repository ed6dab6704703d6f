import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerLeg, isRinging } from '../../src/apps/far-end.js';
import { startInboundCall } from '../../src/apps/inbound-call.js';
import { pauseMember } from '../../src/model/queue-admin.js';
import { virtualWorld } from '../support/virtual-world.js';

function ringingLegOf(vw: ReturnType<typeof virtualWorld>, ext: string) {
  const leg = vw.world.channelsOfDevice(`PJSIP/${ext}`).find((c) => isRinging(c));
  assert.ok(leg, `phone ${ext} should be ringing`);
  return leg;
}

describe('queue calls (app_queue)', () => {
  it('rings every free member of a ringall queue and connects the first who answers', () => {
    const vw = virtualWorld();
    const customer = startInboundCall(vw.world, { from: '79161234567', name: 'Иван Петров', line: '74950000000' });
    vw.clock.advance(600);
    const called = vw.named('AgentCalled').map((e) => e.get('Interface'));
    assert.deepEqual(
      called,
      ['PJSIP/1002', 'PJSIP/1001'],
      'ringall rings in reverse member order, as app_queue does (02)',
    );
    vw.clock.advance(2000);
    answerLeg(vw.world, ringingLegOf(vw, '1001'));
    const connect = vw.named('AgentConnect')[0];
    assert.equal(connect?.get('Interface'), 'PJSIP/1001');
    assert.equal(connect?.get('HoldTime'), '2');
    const cancelled = vw.named('Hangup', (e) => (e.get('Channel') ?? '').startsWith('PJSIP/1002-'))[0];
    assert.equal(cancelled?.get('Cause'), '26');
    assert.equal(cancelled?.get('Cause-txt'), 'Answered elsewhere');
    const enters = vw.named('BridgeEnter');
    assert.equal(enters.length, 2);
    assert.equal(enters[0]?.get('BridgeUniqueid'), enters[1]?.get('BridgeUniqueid'));
    // Every leg of the call carries the customer's Uniqueid as Linkedid (fixtures/ami README).
    const linked = new Set(vw.named('Newchannel').map((e) => e.get('Linkedid')));
    assert.deepEqual([...linked], [customer.uniqueid]);
  });

  it('reports a caller who hangs up while queued as abandoned, before the leave', () => {
    const vw = virtualWorld();
    const customer = startInboundCall(vw.world, { from: '79165550101', name: 'Ivan Petrov', line: '74950000000' });
    vw.clock.advance(4000);
    vw.world.remoteHangup(customer);
    const names = vw.events.map((e) => e.event);
    const abandon = names.indexOf('QueueCallerAbandon');
    assert.ok(abandon > 0 && abandon < names.indexOf('QueueCallerLeave'));
    assert.equal(vw.named('QueueCallerAbandon')[0]?.get('HoldTime'), '3');
    const hangups = vw.named('Hangup');
    assert.deepEqual(
      hangups.map((e) => e.get('Cause')),
      ['0', '0', '0'],
      'Asterisk 22 hangs up the rung legs and the customer with Cause 0 on abandon (04)',
    );
    assert.equal(vw.named('Cdr').length, 2, 'one NO ANSWER record per member rung');
  });

  it('rings one member at a time in an rrmemory queue and moves on after the member timeout', () => {
    const vw = virtualWorld((c) => {
      const sales = c.queues.find((q) => q.name === 'sales');
      sales?.members.push({ interface: 'PJSIP/1002', name: 'Operator 1002', penalty: 0 });
    });
    startInboundCall(vw.world, { from: '79165550101', name: 'Ivan Petrov', line: '74950000001' });
    vw.clock.advance(600);
    assert.deepEqual(
      vw.named('AgentCalled').map((e) => e.get('Interface')),
      ['PJSIP/1003'],
    );
    vw.clock.advance(10_000);
    const noAnswer = vw.named('AgentRingNoAnswer')[0];
    assert.equal(noAnswer?.get('Interface'), 'PJSIP/1003');
    assert.equal(noAnswer?.get('RingTime'), '10000', 'RingTime of AgentRingNoAnswer is in milliseconds');
    vw.clock.advance(2100);
    assert.deepEqual(
      vw.named('AgentCalled').map((e) => e.get('Interface')),
      ['PJSIP/1003', 'PJSIP/1002'],
    );
  });

  it('does not ring a member who is busy on another call (ringinuse=no) or paused', () => {
    const vw = virtualWorld();
    startInboundCall(vw.world, { from: '79160000001', name: 'A', line: '74950000000' });
    vw.clock.advance(600);
    answerLeg(vw.world, ringingLegOf(vw, '1001'));
    pauseMember(vw.world, 'PJSIP/1002', true, 'Lunch');
    const before = vw.named('AgentCalled').length;
    startInboundCall(vw.world, { from: '79160000002', name: 'B', line: '74950000000' });
    vw.clock.advance(5000);
    assert.equal(vw.named('AgentCalled').length, before, 'nobody is free: the second caller waits');
    pauseMember(vw.world, 'PJSIP/1002', false, '');
    vw.clock.advance(2100);
    assert.equal(vw.named('AgentCalled').at(-1)?.get('Interface'), 'PJSIP/1002');
  });
});
