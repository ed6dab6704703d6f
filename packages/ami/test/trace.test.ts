import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  decodeTrace,
  isAmiError,
  parseTrace,
  parseTraceLine,
  traceItemToJson,
  type TraceItem,
  type TraceLine,
} from '../src/index.js';
import { connections, listRecordings, streamBytes, type Recording } from './fixtures.js';

/** The trace `callgate ami record` would write for this recording if TCP had cut it at `cuts`. */
function retap(rec: Recording, cuts: (length: number) => number[]): TraceLine[] {
  const out: TraceLine[] = [];
  for (const conn of connections(rec)) {
    for (const dir of ['in', 'out'] as const) {
      const bytes = streamBytes(rec, conn, dir);
      let from = 0;
      for (const cut of [...cuts(bytes.length), bytes.length].sort((a, b) => a - b)) {
        if (cut <= from || cut > bytes.length) continue;
        // Like the recorder: never cut inside a UTF-8 character (StringDecoder keeps it back).
        let at = cut;
        while (at < bytes.length && ((bytes[at] as number) & 0xc0) === 0x80) at++;
        if (at <= from) continue;
        out.push({ t: 0, dir, conn, raw: bytes.subarray(from, at).toString('utf8') });
        from = at;
      }
    }
  }
  return out;
}

const json = (items: TraceItem[]): string[] =>
  items.map((i) => traceItemToJson({ ...i, t: 0 })).sort((a, b) => a.localeCompare(b));

describe('AMI traces', () => {
  it('decode the same whether a line holds one message, part of one, or several', () => {
    for (const rec of listRecordings()) {
      const expected = json(decodeTrace(rec.lines));
      fc.assert(
        fc.property(fc.array(fc.nat(), { maxLength: 50 }), (points) => {
          const lines = retap(rec, (len) => points.map((p) => p % (len + 1)));
          assert.deepEqual(json(decodeTrace(lines)), expected);
        }),
        { numRuns: 10 },
      );
    }
  });

  it('stamp a message with the t of the line that completed it', () => {
    const lines = parseTrace(
      [
        '{"t":5,"dir":"in","raw":"Asterisk Call Manager/11.0.0\\r\\nEvent: A\\r\\n","conn":1}',
        '{"t":9,"dir":"in","raw":"X: 1\\r\\n\\r\\nEvent: B\\r\\n\\r\\n","conn":1}',
      ].join('\n'),
    );
    const items = decodeTrace(lines).map((i) => JSON.parse(traceItemToJson(i)) as unknown);
    assert.deepEqual(items, [
      { t: 5, dir: 'in', conn: 1, greeting: 'Asterisk Call Manager/11.0.0' },
      {
        t: 9,
        dir: 'in',
        conn: 1,
        headers: [
          ['Event', 'A'],
          ['X', '1'],
        ],
      },
      { t: 9, dir: 'in', conn: 1, headers: [['Event', 'B']] },
    ]);
  });

  it('report a stream that ends inside a message instead of dropping it silently', () => {
    const items = decodeTrace([
      { t: 3, dir: 'in', conn: 2, raw: 'Asterisk Call Manager/9.0.0\r\nEvent: Hangup\r\nCha' },
    ]);
    const last = items.at(-1);
    assert.ok(last && 'error' in last);
    assert.equal(last.error.code, 'AMI_ERR_BAD_TRACE');
    assert.deepEqual(last.error.details, { conn: 2, dir: 'in', bytes: Buffer.byteLength('Event: Hangup\r\nCha') });
  });

  it('name the line and field of a malformed trace line', () => {
    const cases: Array<[string, RegExp]> = [
      ['not json', /line 4 is not JSON/],
      ['[1,2]', /line 4: "t" must be a number/],
      ['null', /line 4 is not an object/],
      ['{"t":"1","dir":"in","raw":"x"}', /"t" must be a number/],
      ['{"t":1,"dir":"up","raw":"x"}', /"dir" must be "in" or "out"/],
      ['{"t":1,"dir":"in","raw":5}', /"raw" must be a string/],
      ['{"t":1,"dir":"in","raw":"x","conn":1.5}', /"conn" must be an integer/],
    ];
    for (const [line, message] of cases) {
      assert.throws(
        () => parseTraceLine(line, 4),
        (e: unknown) => isAmiError(e, 'AMI_ERR_BAD_TRACE') && message.test(e.message),
        line,
      );
    }
    assert.equal(parseTraceLine('{"t":1,"dir":"in","raw":"x"}', 1).conn, 1, 'conn defaults to 1');
  });

  it('skip blank lines and CRLF line ends in a trace file', () => {
    const lines = parseTrace('\r\n{"t":1,"dir":"out","raw":"Action: Ping\\r\\n\\r\\n","conn":1}\r\n\r\n');
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.dir, 'out');
  });
});
