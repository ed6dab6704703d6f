/**
 * Every recording in fixtures/ami, whatever the set is on disk, decodes completely and the same
 * way however its byte stream is cut. Expected values come from the folder READMEs (counts,
 * banner, event types, what each scenario shows) and from `referenceMessages`, a naive reading
 * of the raw lines — never from our own parser's output.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AmiParser, decodeTrace, type AmiError, type AmiMessage, type TraceItem } from '../src/index.js';
import {
  connections,
  listRecordings,
  readmeFacts,
  recordingsOf,
  referenceMessages,
  streamBytes,
  type Recording,
  type ReferenceItem,
} from './fixtures.js';

interface Parsed {
  items: ReferenceItem[];
  errors: AmiError[];
  /** Largest `bufferedBytes` seen after any push. */
  maxBuffered: number;
}

function parse(chunks: Iterable<Uint8Array>, expectGreeting: boolean): Parsed {
  const out: Parsed = { items: [], errors: [], maxBuffered: 0 };
  const parser = new AmiParser(
    {
      greeting: (greeting) => out.items.push({ greeting }),
      message: (m) => out.items.push({ headers: m.headers() }),
      error: (e) => out.errors.push(e),
    },
    { expectGreeting },
  );
  for (const chunk of chunks) {
    parser.push(chunk);
    out.maxBuffered = Math.max(out.maxBuffered, parser.bufferedBytes);
  }
  return out;
}

function* cutAt(bytes: Buffer, points: readonly number[]): Generator<Buffer> {
  let from = 0;
  for (const p of [...new Set(points)].sort((a, b) => a - b)) {
    if (p <= from || p >= bytes.length) continue;
    yield bytes.subarray(from, p);
    from = p;
  }
  yield bytes.subarray(from);
}

/** Chunk sizes taken cyclically from `pattern` (e.g. [1, 7, 300]) until the stream ends. */
function* cutCyclic(bytes: Buffer, pattern: readonly number[]): Generator<Buffer> {
  let from = 0;
  for (let i = 0; from < bytes.length; i++) {
    const size = pattern[i % pattern.length] as number;
    yield bytes.subarray(from, from + size);
    from += size;
  }
}

function* oneByte(bytes: Buffer): Generator<Buffer> {
  for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
}

const streams = listRecordings().flatMap((rec) =>
  connections(rec).flatMap((conn) =>
    (['in', 'out'] as const).map((dir) => ({
      rec,
      conn,
      dir,
      label: `${rec.id} conn ${conn} ${dir}`,
      bytes: streamBytes(rec, conn, dir),
      expected: referenceMessages(rec, conn, dir),
    })),
  ),
);

describe('every recording in fixtures/ami', () => {
  it('finds recordings of both Asterisk versions', () => {
    const versions = new Set(listRecordings().map((r) => r.version));
    assert.ok(versions.has('asterisk-22.10.1') && versions.has('asterisk-20.20.1-chansip'), [...versions].join());
  });

  for (const rec of listRecordings()) {
    it(`${rec.id}: has the line counts its README table states`, () => {
      const facts = readmeFacts(rec.version).counts.get(rec.scenario);
      assert.ok(facts, `${rec.scenario} is not in ${rec.version}/README.md`);
      const inLines = rec.lines.filter((l) => l.dir === 'in').length;
      assert.deepEqual(
        { lines: rec.lines.length, in: inLines, out: rec.lines.length - inLines },
        facts,
        'the file itself disagrees with its README',
      );
    });

    it(`${rec.id}: decodes to exactly the README's message counts, each connection opening with its banner`, () => {
      const facts = readmeFacts(rec.version);
      const items = decodeTrace(rec.lines);
      assert.deepEqual(
        items.filter((i) => 'error' in i),
        [],
      );
      const count = (dir: 'in' | 'out'): number => items.filter((i) => i.dir === dir).length;
      // Every line of these recordings is one whole message, banners included.
      assert.equal(count('in'), facts.counts.get(rec.scenario)?.in);
      assert.equal(count('out'), facts.counts.get(rec.scenario)?.out);
      for (const conn of connections(rec)) {
        const first = items.find((i) => i.conn === conn && i.dir === 'in');
        assert.ok(first && 'greeting' in first, `conn ${conn} starts with a banner`);
        assert.equal(first.greeting, facts.banner);
      }
    });

    it(`${rec.id}: every message Asterisk sent is an event of a type its README lists, or a response`, () => {
      const { eventTypes } = readmeFacts(rec.version);
      for (const item of decodeTrace(rec.lines)) {
        if (item.dir !== 'in' || !('message' in item)) continue;
        const m = item.message;
        if (m.kind === 'event') assert.ok(eventTypes.has(m.event ?? ''), `${m.event} is not in the README's list`);
        else assert.match(m.response ?? '', /^(Success|Error|Goodbye)$/, `${m.keys().join()}`);
      }
    });
  }
});

describe('parsing a recorded stream however TCP cuts it', () => {
  for (const s of streams) {
    if (s.bytes.length === 0) continue;
    it(`${s.label}: whole stream and whole messages give the raw lines' messages`, () => {
      assert.deepEqual(parse([s.bytes], s.dir === 'in'), { items: s.expected, errors: [], maxBuffered: 0 });
      const perLine = s.rec.lines
        .filter((l) => l.conn === s.conn && l.dir === s.dir)
        .map((l) => Buffer.from(l.raw, 'utf8'));
      assert.deepEqual(parse(perLine, s.dir === 'in').items, s.expected);
    });

    it(`${s.label}: 1-byte chunks give the same messages and buffer no more than one message`, () => {
      const r = parse(oneByte(s.bytes), s.dir === 'in');
      assert.deepEqual(r.items, s.expected);
      assert.deepEqual(r.errors, []);
      const largest = Math.max(...s.rec.lines.map((l) => Buffer.byteLength(l.raw)));
      assert.ok(r.maxBuffered <= largest, `buffered ${r.maxBuffered} > largest message ${largest}`);
    });
  }

  it('random cut points in every stream give the same messages', () => {
    for (const s of streams) {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 1, max: Math.max(1, s.bytes.length - 1) }), { maxLength: 300 }),
          (points) => {
            assert.deepEqual(parse(cutAt(s.bytes, points), s.dir === 'in').items, s.expected);
          },
        ),
        { numRuns: 20 },
      );
    }
  });

  it('random chunk-size patterns (1 byte to 16 KiB) in every stream give the same messages', () => {
    for (const s of streams) {
      fc.assert(
        fc.property(
          fc.array(fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 16_384 })), {
            minLength: 1,
            maxLength: 12,
          }),
          (pattern) => {
            assert.deepEqual(parse(cutCyclic(s.bytes, pattern), s.dir === 'in').items, s.expected);
          },
        ),
        { numRuns: 20 },
      );
    }
  });

  it('all recordings of a version back to back, cut at random, parse as one stream', () => {
    // Stands in for a long-lived connection: banners only at the start.
    for (const version of new Set(streams.map((s) => s.rec.version))) {
      const parts = streams.filter((s) => s.rec.version === version && s.dir === 'in');
      const expected = parts.flatMap((s, i) => (i === 0 ? s.expected : s.expected.filter((x) => !('greeting' in x))));
      const bytes = Buffer.concat(
        parts.map((s, i) => {
          const greeting = s.expected[0];
          if (i === 0 || !greeting || !('greeting' in greeting)) return s.bytes;
          return s.bytes.subarray(Buffer.byteLength(greeting.greeting) + 2);
        }),
      );
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: 2_000 }), { minLength: 1, maxLength: 20 }), (pattern) => {
          assert.deepEqual(parse(cutCyclic(bytes, pattern), true).items, expected);
        }),
        { numRuns: 10 },
      );
    }
  });
});

// ---- what each scenario shows, as the READMEs describe it -------------------------------------

interface Decoded {
  rec: Recording;
  items: TraceItem[];
}

/** Decoded with every line cut into 1-byte chunks, so the facts also hold for split input. */
function decodeSplit(rec: Recording): Decoded {
  return { rec, items: decodeTrace(rec.lines, { split: (b) => [...oneByte(b)] }) };
}

function messages(d: Decoded, conn: number, dir: 'in' | 'out' = 'in'): AmiMessage[] {
  return d.items.flatMap((i) => (i.conn === conn && i.dir === dir && 'message' in i ? [i.message] : []));
}

function eventsNamed(d: Decoded, name: string, conn = 1): AmiMessage[] {
  return messages(d, conn).filter((m) => m.event === name);
}

function responseTo(d: Decoded, action: string, nth = 0, conn = 1): AmiMessage {
  const sent = messages(d, conn, 'out').filter((m) => m.get('Action') === action)[nth];
  assert.ok(sent, `${d.rec.id}: no ${action} #${nth} was sent`);
  const id = sent.actionId;
  const response = messages(d, conn).find((m) => m.kind === 'response' && m.actionId === id);
  assert.ok(response, `${d.rec.id}: no response to ${action} ${id}`);
  return response;
}

function scenario(prefix: string, what: string, check: (d: Decoded) => void): void {
  const recs = recordingsOf(prefix);
  it(`${prefix}: ${what} (${recs.map((r) => r.version).join(', ') || 'no recording'})`, () => {
    assert.ok(recs.length > 0, `no recording named ${prefix}*`);
    for (const rec of recs) check(decodeSplit(rec));
  });
}

const isPjsip = (d: Decoded): boolean => d.rec.version.startsWith('asterisk-22');

describe('what the READMEs say each scenario shows, read from split streams', () => {
  scenario('01-', 'a wrong secret is refused on its own connection; the other sees InvalidPassword', (d) => {
    const refused = messages(d, 2).find((m) => m.kind === 'response');
    assert.equal(refused?.response, 'Error');
    assert.equal(refused?.get('Message'), 'Authentication failed');
    assert.equal(eventsNamed(d, 'InvalidPassword', 1).length, 1);
    assert.equal(responseTo(d, 'Ping').get('Ping'), 'Pong');
    assert.match(responseTo(d, 'Command').getAll('Output')[0] ?? '', /^Asterisk 22\.10\.1 built by/);
    assert.equal(eventsNamed(d, 'CoreShowChannelsComplete')[0]?.get('ListItems'), '0');
    const bye = responseTo(d, 'Logoff');
    assert.deepEqual([bye.response, bye.get('Message')], ['Goodbye', 'Thanks for all the fish.']);
  });

  scenario('02-', 'the Cyrillic caller name arrives intact; 1002 is cancelled; the caller hangs up', (d) => {
    const customer = eventsNamed(d, 'Newchannel')[0];
    assert.equal(customer?.get('CallerIDName'), 'Иван Петров');
    assert.equal(customer?.get('CallerIDNum'), '79161234567');
    const cancelled = eventsNamed(d, 'Hangup').find((m) => m.get('Cause') === '26');
    assert.equal(cancelled?.get('Cause-txt'), 'Answered elsewhere');
    assert.deepEqual(
      eventsNamed(d, 'AgentComplete').map((m) => m.get('Reason')),
      ['caller'],
    );
    assert.equal(eventsNamed(d, 'QueueCallerJoin')[0]?.get('Queue'), 'support');
  });

  scenario('04-', 'the abandoned caller gets QueueCallerAbandon (HoldTime 3) before QueueCallerLeave', (d) => {
    const all = messages(d, 1).map((m) => m.event);
    const abandon = eventsNamed(d, 'QueueCallerAbandon')[0];
    assert.equal(abandon?.get('HoldTime'), '3');
    assert.ok(all.indexOf('QueueCallerAbandon') < all.indexOf('QueueCallerLeave'));
  });

  scenario(
    '06-',
    'the async Originate is queued, then OriginateResponse Success Reason 4 carries its ActionID',
    (d) => {
      const queued = responseTo(d, 'Originate');
      assert.equal(queued.get('Message'), 'Originate successfully queued');
      const [done] = eventsNamed(d, 'OriginateResponse');
      assert.deepEqual([done?.get('Response'), done?.get('Reason'), done?.actionId], ['Success', '4', queued.actionId]);
      const varset = eventsNamed(d, 'VarSet').filter((m) => m.get('Variable') === 'CRM_CALL_ID');
      assert.deepEqual(
        varset.map((m) => m.get('Value')),
        ['abc123'],
      );
      // The originated leg's DialBegin has no caller block (README "Originate with auto-answer").
      const first = eventsNamed(d, 'DialBegin')[0];
      assert.equal(first?.get('Channel'), undefined);
      assert.ok(first?.get('DestChannel'));
    },
  );

  scenario('07-', 'the busy number gives DialEnd BUSY and Cause 17 hangups', (d) => {
    assert.ok(eventsNamed(d, 'DialEnd').some((m) => m.get('DialStatus') === 'BUSY'));
    assert.ok(eventsNamed(d, 'Hangup').some((m) => m.get('Cause') === '17'));
  });

  scenario('09-', 'failed originates: async Failure events and Asterisk’s own error messages', (d) => {
    const failures = eventsNamed(d, 'OriginateResponse').filter((m) => m.get('Response') === 'Failure');
    assert.equal(failures.length, 2);
    for (const f of failures) {
      assert.deepEqual([f.get('Reason'), f.get('Uniqueid')], ['0', '<unknown>']);
    }
    assert.match(failures[0]?.get('Channel') ?? '', /^(PJSIP|SIP)\/1099$/);
    assert.equal(responseTo(d, 'Originate', 2).get('Message'), 'Originate failed');
    assert.equal(responseTo(d, 'Originate', 3).get('Message'), 'Extension does not exist.');
  });

  scenario('10-', 'Hold (MusicClass default on PJSIP) and Unhold on the operator leg', (d) => {
    const [hold] = eventsNamed(d, 'Hold');
    assert.equal(hold?.get('MusicClass'), isPjsip(d) ? 'default' : undefined);
    assert.equal(eventsNamed(d, 'Unhold').length, 1);
    assert.equal(eventsNamed(d, 'MusicOnHoldStart').length, eventsNamed(d, 'MusicOnHoldStop').length);
  });

  scenario('11-', 'BlindTransfer answers "Transfer succeeded" and raises BlindTransfer IsExternal Yes', (d) => {
    assert.equal(responseTo(d, 'BlindTransfer').get('Message'), 'Transfer succeeded');
    const [t] = eventsNamed(d, 'BlindTransfer');
    assert.deepEqual([t?.get('IsExternal'), t?.get('Extension'), t?.get('Context')], ['Yes', '1003', 'internal']);
  });

  scenario('12-', 'Atxfer dials *2 1002 as DTMF, then AttendedTransfer Success to a Bridge', (d) => {
    assert.equal(
      eventsNamed(d, 'DTMFEnd')
        .map((m) => m.get('Digit'))
        .join(''),
      '*21002',
    );
    const [t] = eventsNamed(d, 'AttendedTransfer');
    assert.deepEqual([t?.get('Result'), t?.get('DestType')], ['Success', 'Bridge']);
    assert.equal(eventsNamed(d, 'LocalBridge').length, 1);
    assert.equal(eventsNamed(d, 'BridgeMerge').length, 1);
    assert.equal(
      eventsNamed(d, 'AgentComplete').some((m) => m.get('Reason') === 'transfer'),
      true,
    );
  });

  scenario('13-', 'queue member actions: 4 pause events, repeated add/remove refused, Queues unknown', (d) => {
    assert.equal(eventsNamed(d, 'QueueMemberPause').length, 4);
    assert.equal(responseTo(d, 'QueueAdd', 1).response, 'Error');
    assert.equal(responseTo(d, 'QueueRemove', 1).response, 'Error');
    assert.match(responseTo(d, 'Queues').get('Message') ?? '', /^Invalid\/unknown command: Queues\./);
    assert.equal(eventsNamed(d, 'RequestBadFormat').length, 1);
    const status = eventsNamed(d, 'QueueStatusComplete');
    assert.deepEqual(
      status.map((m) => m.get('EventList')),
      status.map(() => 'Complete'),
    );
  });

  scenario(
    '14-',
    'every refused action carries Asterisk’s message; a Ping without ActionID is answered without one',
    (d) => {
      assert.equal(responseTo(d, 'Hangup', 0).get('Message'), 'No such channel');
      assert.equal(responseTo(d, 'Hangup', 1).get('EventList'), 'start');
      assert.equal(eventsNamed(d, 'ChannelsHungupListComplete')[0]?.get('ListItems'), '0');
      assert.equal(responseTo(d, 'Hangup', 2).get('Message'), 'No channel specified');
      assert.match(responseTo(d, 'FooBarAction').get('Message') ?? '', /^Invalid\/unknown command: FooBarAction/);
      assert.equal(responseTo(d, 'Getvar', 1).get('Message'), 'No variable specified');
      assert.equal(responseTo(d, 'Originate').get('Message'), 'Channel not specified');
      const pong = messages(d, 1).find((m) => m.get('Ping') === 'Pong');
      assert.equal(pong?.actionId, undefined);
      const denied = messages(d, 2).filter((m) => m.get('Message') === 'Permission denied');
      assert.equal(denied.length, 3);
      // Security events are broadcast to sessions that read `security`: crm sees crm-limited's.
      assert.equal(eventsNamed(d, 'RequestNotAllowed', 1).length, 3);
      assert.equal(eventsNamed(d, 'RequestNotAllowed', 2).length, 0);
      assert.equal(eventsNamed(d, 'FullyBooted', 2).length, 0, 'crm-limited cannot read system events');
    },
  );

  scenario('15-', 'snapshot actions: list items, Status Variable headers in order, command Output lines', (d) => {
    assert.equal(eventsNamed(d, 'CoreShowChannel').length, 2);
    const withVars = eventsNamed(d, 'Status').find((m) => m.getAll('Variable').length > 0);
    assert.deepEqual(withVars?.getAll('Variable'), [
      'CRM_TICKET=(null)',
      'BRIDGEPEER=PJSIP/pstn-0000001e',
      'QUEUENAME=(null)',
    ]);
    assert.equal(withVars?.actionId, responseTo(d, 'Status', 2).actionId, 'ActionID sits last in Status items');
    assert.equal(responseTo(d, 'Command').getAll('Output').length, 2);
    assert.equal(responseTo(d, 'Getvar', 4).get('Value'), '', 'an unset global is an empty value');
  });

  scenario('16-', 'Shutdown closes connection 1; connection 2 gets the banner and FullyBooted Uptime 0', (d) => {
    const [shutdown] = eventsNamed(d, 'Shutdown', 1);
    assert.deepEqual([shutdown?.get('Shutdown'), shutdown?.get('Restart')], ['Cleanly', 'True']);
    assert.equal(messages(d, 1).at(-1)?.event, 'Shutdown', 'nothing follows Shutdown');
    const [booted] = eventsNamed(d, 'FullyBooted', 2);
    assert.deepEqual([booted?.get('Uptime'), booted?.get('LastReload')], ['0', '0']);
    assert.equal(eventsNamed(d, 'CoreShowChannelsComplete', 2)[0]?.get('ListItems'), '0');
    assert.equal(eventsNamed(d, 'SoftHangupRequest', 1)[0]?.get('Cause'), '4');
  });

  scenario('18-', 'registration: PeerStatus values differ between PJSIP and chan_sip', (d) => {
    const statuses = eventsNamed(d, 'PeerStatus').map((m) => m.get('PeerStatus'));
    assert.deepEqual(statuses, isPjsip(d) ? ['Unreachable', 'Reachable'] : ['Unregistered', 'Registered']);
    const contacts = eventsNamed(d, 'ContactStatus').map((m) => m.get('ContactStatus'));
    assert.deepEqual(contacts, isPjsip(d) ? ['Removed', 'NonQualified'] : []);
    if (!isPjsip(d)) assert.equal(eventsNamed(d, 'PeerStatus')[0]?.get('Cause'), 'Expired');
  });
});
