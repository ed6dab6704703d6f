/**
 * Unit tests of the operator hub's routing and views, with a small fake of the telephony port
 * (the real engine and AMI are exercised in the end-to-end tests against pbx-sim).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AmiAction, AmiResult } from '@callgate/ami';
import {
  sampleCallRecord,
  type CallRecord,
  type DomainEvent,
  type OperatorStatus,
  type ServerMessage,
} from '@callgate/contracts';
import { OperatorHub } from '../../src/operators/operator-hub.js';
import type { OperatorCallView, TelephonyPort } from '../../src/operators/telephony-port.js';
import { testSiteConfig } from '../support/site-config.js';

class FakeTelephony implements TelephonyPort {
  connected = true;
  calls = new Map<string, OperatorCallView[]>();
  statuses = new Map<string, OperatorStatus>();
  callsOf(operatorId: string): OperatorCallView[] {
    return this.calls.get(operatorId) ?? [];
  }
  status(operatorId: string): OperatorStatus | undefined {
    return this.statuses.get(operatorId);
  }
  channelUniqueid(): string | undefined {
    return undefined;
  }
  send(_action: AmiAction): Promise<AmiResult> {
    return Promise.reject(new Error('not used'));
  }
  nextActionId(): string {
    return 'a-1';
  }
  originateRequested(): void {}
  originateFailed(): void {}
  hangupRequested(): void {}
  onDomainEvent(): () => void {
    return () => {};
  }
  onConnectionChange(): () => void {
    return () => {};
  }
}

const at = '2026-11-27T10:00:00.000Z';

function ringingView(): OperatorCallView {
  return {
    callId: 'call-1',
    direction: 'inbound',
    customerNumber: '+79161234567',
    otherOperatorId: null,
    line: '74950000000',
    queue: 'support',
    crmRef: null,
    state: 'ringing',
    startedAt: at,
    answeredAt: null,
    heldSince: null,
    channel: 'PJSIP/1001-00000002',
    peerChannel: 'PJSIP/pstn-00000000',
    customerChannel: 'PJSIP/pstn-00000000',
    bridgeId: null,
    onHold: false,
  };
}

function setup() {
  const config = testSiteConfig();
  const telephony = new FakeTelephony();
  const hub = new OperatorHub({
    config,
    telephony,
    wrapUpEndsAt: () => null,
    now: () => new Date(at),
    streamId: 'stream-1',
    heartbeatSeconds: 15,
  });
  const received = new Map<string, ServerMessage[]>();
  const connect = (operatorId: string) => {
    const inbox: ServerMessage[] = [];
    received.set(operatorId, inbox);
    inbox.push(...hub.attach(operatorId, { send: (m) => inbox.push(...m) }, undefined, at));
    return inbox;
  };
  return { config, telephony, hub, connect };
}

describe('operator hub routing', () => {
  it('offers a ringing call only to the operator whose phone rings, with the line label and no queue name', () => {
    const { telephony, hub, connect } = setup();
    const anna = connect('op-1001');
    const boris = connect('op-1002');
    telephony.calls.set('op-1001', [ringingView()]);
    const offered: DomainEvent = {
      type: 'call.offered',
      site: 'moscow',
      at,
      callId: 'call-1',
      direction: 'inbound',
      customerNumber: '+79161234567',
      line: '74950000000',
      queue: 'support',
      crmRef: null,
      operatorId: 'op-1001',
    };
    hub.onDomainEvent({
      type: 'call.queued',
      site: 'moscow',
      at,
      callId: 'call-1',
      direction: 'inbound',
      customerNumber: '+79161234567',
      line: '74950000000',
      queue: 'support',
      crmRef: null,
    });
    hub.onDomainEvent(offered);
    const annaEvents = anna.filter((m) => m.type === 'event');
    assert.equal(annaEvents.length, 1);
    assert.equal(boris.filter((m) => m.type === 'event').length, 0, 'another operator sees nothing');
    const event = annaEvents[0];
    assert.ok(event?.type === 'event' && event.event.kind === 'call.offered');
    assert.equal(event.event.kind === 'call.offered' && event.event.call.lineLabel, 'Customer service');
    const wire = JSON.stringify(anna);
    for (const secret of ['support', 'PJSIP/', 'pstn-0000', '1795795616']) assert.ok(!wire.includes(secret), secret);
  });

  it('a reconnecting tab gets what it missed, a new tab gets a snapshot', () => {
    const { telephony, hub, connect } = setup();
    connect('op-1001');
    telephony.statuses.set('op-1001', {
      operatorId: 'op-1001',
      phone: 'idle',
      work: 'ready',
      pauseReason: null,
      since: at,
      callId: null,
    });
    hub.refreshStatus('op-1001');
    hub.refreshStatus('op-1001');
    const resumed: ServerMessage[] = [];
    resumed.push(
      ...hub.attach('op-1001', { send: (m) => resumed.push(...m) }, { streamId: 'stream-1', lastSeq: 1 }, at),
    );
    assert.equal(resumed[0]?.type === 'welcome' && resumed[0].resumed, true);
    assert.deepEqual(
      resumed.filter((m) => m.type === 'event').map((m) => (m.type === 'event' ? m.seq : 0)),
      [2],
    );
    const fresh: ServerMessage[] = [];
    fresh.push(
      ...hub.attach('op-1001', { send: (m) => fresh.push(...m) }, { streamId: 'old-gateway-run', lastSeq: 1 }, at),
    );
    const welcome = fresh[0];
    assert.ok(welcome?.type === 'welcome' && !welcome.resumed && welcome.snapshot?.status.work === 'ready');
  });

  it('ends a call in the operator view with the outcome of the record', () => {
    const { telephony, hub, connect } = setup();
    const anna = connect('op-1001');
    telephony.calls.set('op-1001', [{ ...ringingView(), state: 'talking', answeredAt: at }]);
    hub.onDomainEvent({
      type: 'call.answered',
      site: 'moscow',
      at,
      callId: 'call-1',
      direction: 'inbound',
      customerNumber: '+79161234567',
      line: '74950000000',
      queue: 'support',
      crmRef: null,
      operatorId: 'op-1001',
    });
    telephony.calls.set('op-1001', []);
    const record = sampleCallRecord(1, 'moscow', { recordId: 'moscow:call-1', callId: 'call-1' });
    hub.onDomainEvent({ type: 'call.ended', site: 'moscow', at, callId: 'call-1', record });
    const last = anna.at(-1);
    assert.ok(last?.type === 'event' && last.event.kind === 'call.ended');
    assert.equal(last.event.kind === 'call.ended' && last.event.call.outcome, 'completed');
    assert.equal(hub.snapshot('op-1001').calls.length, 0);
  });

  it('the end of a call reaches the operators it was shown to, once, and nobody else', () => {
    const { telephony, hub, connect } = setup();
    const anna = connect('op-1001');
    const boris = connect('op-1002');
    const vera = connect('op-1003');
    const info = {
      site: 'moscow',
      at,
      callId: 'call-1',
      direction: 'inbound' as const,
      customerNumber: '+79161234567',
      line: '74950000000',
      queue: 'support',
      crmRef: null,
    };
    // ringall: both phones ring; Boris answers, Anna's offer ends as answered elsewhere.
    telephony.calls.set('op-1001', [ringingView()]);
    telephony.calls.set('op-1002', [{ ...ringingView(), channel: 'PJSIP/1002-00000003' }]);
    hub.onDomainEvent({ type: 'call.offered', ...info, operatorId: 'op-1001' });
    hub.onDomainEvent({ type: 'call.offered', ...info, operatorId: 'op-1002' });
    telephony.calls.set('op-1001', []);
    telephony.calls.set('op-1002', [{ ...ringingView(), state: 'talking', answeredAt: at }]);
    hub.onDomainEvent({
      type: 'call.offer-ended',
      site: 'moscow',
      at,
      callId: 'call-1',
      operatorId: 'op-1001',
      result: 'cancelled',
    });
    hub.onDomainEvent({ type: 'call.answered', ...info, operatorId: 'op-1002' });
    // A second tab of Boris's opens mid-call: its snapshot shows the call too.
    const borisSecondTab = connect('op-1002');
    telephony.calls.set('op-1002', []);
    const record = answeredRecord('call-1', 'op-1002');
    hub.onDomainEvent({ type: 'call.ended', site: 'moscow', at, callId: 'call-1', record });
    const ends = (inbox: ServerMessage[]) =>
      inbox
        .filter((m) => m.type === 'event' && m.event.kind === 'call.ended')
        .map((m) => m.type === 'event' && m.event);
    assert.deepEqual(
      ends(anna).map((e) => e && e.kind === 'call.ended' && e.call.outcome),
      ['cancelled'],
      'Anna saw her offer end once, not the call again',
    );
    assert.deepEqual(
      ends(boris).map((e) => e && e.kind === 'call.ended' && e.call.outcome),
      ['completed'],
    );
    assert.equal(ends(borisSecondTab).length, 1, 'every tab of the operator gets the end');
    assert.equal(vera.filter((m) => m.type === 'event').length, 0, 'an operator never shown the call gets nothing');
    hub.onDomainEvent({ type: 'call.ended', site: 'moscow', at, callId: 'call-1', record });
    assert.equal(ends(boris).length, 1, 'a repeated end changes nothing');
  });
});

/** A call `operatorId` answered on extension 1002 (the sample record, re-attributed). */
function answeredRecord(callId: string, operatorId: string): CallRecord {
  const base = sampleCallRecord(1, 'moscow', { recordId: `moscow:${callId}`, callId });
  return {
    ...base,
    segments: base.segments.map((s) => ({ ...s, operatorId, extension: '1002' })),
    offers: base.offers.map((o) => ({ ...o, operatorId, extension: '1002' })),
  };
}
