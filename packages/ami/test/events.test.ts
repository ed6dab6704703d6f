import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AmiMessage, decodeEvent, decodeTrace, type AmiEvent } from '../src/index.js';
import { listRecordings, recordingsOf, type Recording } from './fixtures.js';

function recordedEvents(rec: Recording): AmiMessage[] {
  return decodeTrace(rec.lines).flatMap((i) =>
    i.dir === 'in' && 'message' in i && i.message.kind === 'event' ? [i.message] : [],
  );
}

/** The member of AmiEvent for one event name (some members cover several names). */
type EventOf<N, E = AmiEvent> = E extends { name: infer K } ? (N extends K ? E : never) : never;

function typed<N extends AmiEvent['name']>(rec: Recording, name: N): Array<EventOf<N>> {
  return recordedEvents(rec)
    .map(decodeEvent)
    .filter((e): e is EventOf<N> => e.name === name);
}

// The event names decodeEvent typed at least once somewhere in the recordings.
const TYPED = new Set<string>(
  listRecordings()
    .flatMap(recordedEvents)
    .map(decodeEvent)
    .filter((e) => e.name !== 'Other')
    .map((e) => e.name),
);

describe('decodeEvent on the recordings', () => {
  it('types every recorded event of a known name, and keeps every other one whole as Other', () => {
    assert.ok(TYPED.size >= 40, `only ${TYPED.size} types decoded`);
    for (const rec of listRecordings()) {
      for (const message of recordedEvents(rec)) {
        const event = decodeEvent(message);
        if (event.name === 'Other') {
          assert.equal(event.event, message.event);
          assert.equal(event.message, message, 'the original message is kept');
          assert.ok(!TYPED.has(message.event ?? ''), `${rec.id}: a ${message.event} lacked headers its type needs`);
        } else {
          assert.equal(event.name, message.event);
        }
      }
    }
  });

  it('reads the Cyrillic caller of 02 and the operator leg of AgentConnect', () => {
    for (const rec of recordingsOf('02-')) {
      const [join] = typed(rec, 'QueueCallerJoin');
      assert.equal(join?.channel.callerIdName, 'Иван Петров');
      assert.equal(join?.queue, 'support');
      assert.equal(join?.channel.linkedid, join?.channel.uniqueid, 'the customer channel starts the call');
      const [connect] = typed(rec, 'AgentConnect');
      assert.match(connect?.dest.channel ?? '', /^(PJSIP|SIP)\/1001-/);
      assert.equal(connect?.ringTime, 2, 'RingTime is in seconds here');
      assert.equal(connect?.dest.linkedid, join?.channel.uniqueid, 'member legs inherit the Linkedid');
      const [complete] = typed(rec, 'AgentComplete');
      assert.equal(complete?.reason, 'caller');
      const hangups = typed(rec, 'Hangup');
      assert.ok(hangups.some((h) => h.cause === 26 && h.causeText === 'Answered elsewhere'));
    }
  });

  it('reads OriginateResponse success and failure as Asterisk sends them', () => {
    for (const rec of recordingsOf('06-')) {
      const [ok] = typed(rec, 'OriginateResponse');
      assert.equal(ok?.response, 'Success');
      assert.equal(ok?.reason, 4);
      assert.match(ok?.channel ?? '', /^(PJSIP|SIP)\/1001-/);
      const [dial] = typed(rec, 'DialBegin');
      assert.equal(dial?.caller, undefined, 'the originated leg has no calling channel');
      assert.equal(dial?.dialString, '1001');
    }
    for (const rec of recordingsOf('09-')) {
      const failed = typed(rec, 'OriginateResponse').filter((e) => e.response === 'Failure');
      assert.equal(failed[0]?.uniqueid, '<unknown>');
      assert.equal(failed[0]?.reason, 0);
    }
  });

  it('reads transfers, with the TransferTarget block only where Asterisk 22 sends it', () => {
    for (const rec of recordingsOf('12-')) {
      const [t] = typed(rec, 'AttendedTransfer');
      assert.equal(t?.destType, 'Bridge');
      assert.match(t?.origTransferer?.channel ?? '', /\/1001-/);
      if (rec.version.startsWith('asterisk-22'))
        assert.match(t?.transferTarget?.channel ?? '', /^Local\/1002@internal-/);
      else assert.equal(t?.transferTarget, undefined);
      const [local] = typed(rec, 'LocalBridge');
      assert.match(local?.localOne?.channel ?? '', /;1$/);
    }
    for (const rec of recordingsOf('11-')) {
      const [b] = typed(rec, 'BlindTransfer');
      assert.deepEqual([b?.isExternal, b?.extension, b?.context], [true, '1003', 'internal']);
    }
  });

  it('reads queue member, device and registration events of both versions', () => {
    for (const rec of recordingsOf('13-')) {
      const pauses = typed(rec, 'QueueMemberPause');
      assert.equal(pauses.length, 4);
      assert.ok(pauses.some((p) => p.paused && p.pausedReason === 'Lunch'));
      assert.ok(pauses.some((p) => !p.paused));
    }
    for (const rec of recordingsOf('18-')) {
      const status = typed(rec, 'QueueMemberStatus').map((e) => e.status);
      assert.deepEqual([...new Set(status)].sort(), [1, 5]);
      const devices = typed(rec, 'DeviceStateChange').filter((d) => /\/1001$/.test(d.device));
      assert.deepEqual(
        devices.map((d) => d.state),
        ['UNAVAILABLE', 'NOT_INUSE'],
      );
    }
  });

  it('reads Cdr with its own UniqueID spelling and times as text', () => {
    for (const rec of recordingsOf('02-')) {
      const cdrs = typed(rec, 'Cdr');
      assert.ok(cdrs.length >= 2);
      assert.ok(cdrs.every((c) => /^\d+\.\d+$/.test(c.uniqueId)));
      assert.ok(cdrs.some((c) => c.disposition === 'ANSWERED' && c.billableSeconds > 0));
      assert.match(cdrs[0]?.startTime ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    }
  });

  it('returns Other for a known event missing the headers its type needs, never throwing', () => {
    const truncated = AmiMessage.fromHeaders([
      ['Event', 'Hangup'],
      ['Cause', '16'],
    ]);
    const e = decodeEvent(truncated);
    assert.equal(e.name, 'Other');
    assert.equal(decodeEvent(AmiMessage.fromHeaders([['Response', 'Success']])).name, 'Other');
    assert.equal(decodeEvent(new AmiMessage([])).name, 'Other');
  });
});
