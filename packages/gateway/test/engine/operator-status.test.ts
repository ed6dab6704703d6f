/**
 * Operator status from what Asterisk reports, on the recordings: registrations (18, where
 * PJSIP and chan_sip report them differently) and queue pauses (13).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OperatorStatus } from '@callgate/contracts';
import { callIdForLinkedid, replayTrace } from '../../src/engine/index.js';
import { CHANSIP, loadSite, loadTrace, PJSIP } from './support.js';

function statuses(
  version: string,
  scenario: string,
  operatorId: string,
): Array<Omit<OperatorStatus, 'since' | 'operatorId'>> {
  const { events } = replayTrace(loadTrace(version, scenario), loadSite(version), { baseEpochMs: 0 });
  return events.flatMap((e) =>
    e.type === 'operator.status' && e.status.operatorId === operatorId
      ? [{ phone: e.status.phone, work: e.status.work, pauseReason: e.status.pauseReason, callId: e.status.callId }]
      : [],
  );
}

describe('operator status', () => {
  for (const version of [PJSIP, CHANSIP]) {
    it(`a phone that unregisters is unavailable until it registers again (${version})`, () => {
      // 22: PeerStatus Unreachable + ContactStatus Removed + DeviceStateChange UNAVAILABLE +
      // QueueMemberStatus 5; 20: PeerStatus Unregistered instead, no ContactStatus.
      const phones = statuses(version, '18-operator-registration', 'op-1001').map((s) => s.phone);
      assert.deepEqual(
        phones.filter((p, i) => p !== phones[i - 1]),
        ['unavailable', 'idle'],
      );
    });

    it(`queue pauses give paused with the reason, unpause gives ready (${version})`, () => {
      // 13: QueuePause support/1001 Reason Lunch, unpause; QueuePause 1002 (all queues) Reason
      // Training, later unpaused.
      const op1 = statuses(version, '13-queue-member-actions', 'op-1001').map((s) => [s.work, s.pauseReason]);
      assert.deepEqual(op1, [
        ['paused', 'Lunch'],
        ['ready', null],
      ]);
      const op2 = statuses(version, '13-queue-member-actions', 'op-1002').map((s) => [s.work, s.pauseReason]);
      assert.deepEqual(op2, [
        ['paused', 'Training'],
        ['ready', null],
      ]);
    });
  }

  it('an operator ringing, then talking, carries the call id; idle again after the call', () => {
    const calls = statuses(PJSIP, '02-inbound-queue-answered-customer-hangup', 'op-1001');
    const callId = callIdForLinkedid('lab-22', '1795795616.0');
    const phones = calls.map((s) => [s.phone, s.callId]);
    assert.deepEqual(
      phones.filter((p, i) => JSON.stringify(p) !== JSON.stringify(phones[i - 1])),
      [
        ['ringing', callId],
        ['in-call', callId],
        ['idle', null],
      ],
    );
  });

  it('holding shows the phone on hold, also on chan_sip where the device state never says ONHOLD', () => {
    const phones = statuses(PJSIP, '10-hold-unhold', 'op-1001').map((s) => s.phone);
    assert.deepEqual(
      phones.filter((p, i) => p !== phones[i - 1]),
      ['ringing', 'in-call', 'on-hold', 'in-call', 'idle'],
    );
  });
});
