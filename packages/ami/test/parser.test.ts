import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AmiParser, type AmiError, type AmiMessage, type AmiParserOptions } from '../src/index.js';

interface Collected {
  greetings: string[];
  messages: AmiMessage[];
  errors: AmiError[];
  maxBuffered: number;
}

function collect(chunks: Iterable<Uint8Array>, options: AmiParserOptions = {}): Collected {
  const out: Collected = { greetings: [], messages: [], errors: [], maxBuffered: 0 };
  const parser = new AmiParser(
    { greeting: (g) => out.greetings.push(g), message: (m) => out.messages.push(m), error: (e) => out.errors.push(e) },
    options,
  );
  for (const c of chunks) {
    parser.push(c);
    out.maxBuffered = Math.max(out.maxBuffered, parser.bufferedBytes);
  }
  return out;
}

/** What a consumer sees, comparable across chunkings (error sizes depend on when it was noticed). */
function outcome(c: Collected): unknown[] {
  return [c.greetings, c.messages.map((m) => m.headers()), c.errors.map((e) => e.code)];
}

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

function* chunked(b: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

function* cutAt(b: Buffer, points: readonly number[]): Generator<Buffer> {
  let from = 0;
  for (const p of [...new Set(points)].sort((x, y) => x - y)) {
    if (p <= from || p >= b.length) continue;
    yield b.subarray(from, p);
    from = p;
  }
  yield b.subarray(from);
}

describe('AmiParser', () => {
  it('reads the banner line, which has no blank line after it', () => {
    const r = collect([
      bytes(
        'Asterisk Call Manager/11.0.0\r\nResponse: Success\r\nActionID: a1\r\nMessage: Authentication accepted\r\n\r\n',
      ),
    ]);
    assert.deepEqual(r.greetings, ['Asterisk Call Manager/11.0.0']);
    assert.equal(r.messages.length, 1);
    assert.equal(r.messages[0]?.get('Message'), 'Authentication accepted');
  });

  it('parses a stream without a banner (a resumed tap) as messages from the first byte', () => {
    const r = collect([bytes('Event: FullyBooted\r\nUptime: 0\r\n\r\n')]);
    assert.deepEqual(r.greetings, []);
    assert.equal(r.messages[0]?.event, 'FullyBooted');
  });

  it('keeps duplicate headers in order and empty values', () => {
    const r = collect(
      [
        bytes(
          'Response: Success\r\nActionID: x\r\nMessage: Command output follows\r\nOutput: line 1\r\nOutput: \r\nOutput: line 3\r\nAccountCode: \r\n\r\n',
        ),
      ],
      { expectGreeting: false },
    );
    const m = r.messages[0] as AmiMessage;
    assert.deepEqual(m.getAll('Output'), ['line 1', '', 'line 3']);
    assert.equal(m.get('AccountCode'), '');
    assert.equal(m.get('accountcode'), '', 'keys are case-insensitive like Asterisk');
  });

  it('takes the value after the single space that follows the first colon, and only that space', () => {
    const r = collect([bytes('Event: X\r\nA: b: c\r\nB:tight\r\nC:  two spaces\r\nD:\r\n\r\n')], {
      expectGreeting: false,
    });
    assert.deepEqual(r.messages[0]?.headers(), [
      ['Event', 'X'],
      ['A', 'b: c'],
      ['B', 'tight'],
      ['C', ' two spaces'],
      ['D', ''],
    ]);
  });

  it('keeps a line without a colon under an empty key rather than losing it', () => {
    const r = collect([bytes('Event: X\r\nno colon here\r\n\r\n')], { expectGreeting: false });
    assert.deepEqual(r.messages[0]?.headers(), [
      ['Event', 'X'],
      ['', 'no colon here'],
    ]);
  });

  it('splits a Cyrillic name anywhere without corrupting it', () => {
    const text = 'Event: Newchannel\r\nCallerIDName: Иван Петров\r\nUniqueid: 1.0\r\n\r\n';
    const b = bytes(text);
    for (let cut = 1; cut < b.length; cut++) {
      const r = collect([b.subarray(0, cut), b.subarray(cut)], { expectGreeting: false });
      assert.equal(r.messages[0]?.get('CallerIDName'), 'Иван Петров', `cut at ${cut}`);
    }
  });

  it('ignores stray blank lines between messages', () => {
    const r = collect([bytes('Event: A\r\n\r\n\r\n\r\nEvent: B\r\n\r\n')], { expectGreeting: false });
    assert.deepEqual(
      r.messages.map((m) => m.event),
      ['A', 'B'],
    );
  });

  it('turns legacy Response: Follows output into Output headers', () => {
    const text =
      'Response: Follows\r\nPrivilege: Command\r\nActionID: 7\r\nAsterisk 13.38.3 built by root\n\nsecond line\n--END COMMAND--\r\n\r\n';
    const r = collect([bytes(text)], { expectGreeting: false });
    const m = r.messages[0] as AmiMessage;
    assert.equal(m.response, 'Follows');
    assert.equal(m.actionId, '7');
    assert.deepEqual(m.getAll('Output'), ['Asterisk 13.38.3 built by root', '', 'second line']);
  });

  it('waits for --END COMMAND-- even when the legacy output holds a blank CRLF line, however it is split', () => {
    const text =
      'Response: Follows\r\nPrivilege: Command\r\nActionID: 8\r\nfirst\r\n\r\nafter blank\n--END COMMAND--\r\n\r\nEvent: Next\r\n\r\n';
    const b = bytes(text);
    for (let cut = 1; cut < b.length; cut++) {
      const r = collect([b.subarray(0, cut), b.subarray(cut)], { expectGreeting: false });
      assert.deepEqual(
        r.messages.map((m) => m.response ?? m.event),
        ['Follows', 'Next'],
        `cut at ${cut}`,
      );
      assert.equal(r.messages[0]?.actionId, '8');
      assert.ok(r.messages[0]?.getAll('Output').includes('after blank'));
    }
  });

  it('reports an oversize message as a typed error and recovers at the next message', () => {
    const big = `Event: Big\r\nData: ${'x'.repeat(5000)}\r\n\r\n`;
    const next = 'Event: Small\r\n\r\n';
    for (const chunking of [[big + next], [...(big + next)]]) {
      const r = collect(chunking.map(bytes), { expectGreeting: false, maxMessageBytes: 1000 });
      assert.equal(r.errors.length, 1);
      assert.equal(r.errors[0]?.code, 'AMI_ERR_MESSAGE_TOO_LARGE');
      assert.deepEqual(
        r.messages.map((m) => m.event),
        ['Small'],
      );
    }
  });

  it('accepts a message of exactly the size limit, even when its terminator arrives late', () => {
    const body = `Event: Fit\r\nData: ${'y'.repeat(200)}`;
    const limit = Buffer.byteLength(body);
    const r = collect(chunked(bytes(`${body}\r\n\r\n`), 1), { expectGreeting: false, maxMessageBytes: limit });
    assert.deepEqual(r.errors, []);
    assert.equal(r.messages[0]?.event, 'Fit');
  });

  it('forgets a truncated message when the connection is reset, and parses the next connection whole', () => {
    const out: AmiMessage[] = [];
    const greetings: string[] = [];
    const parser = new AmiParser({ greeting: (g) => greetings.push(g), message: (m) => out.push(m), error: () => {} });
    parser.push(bytes('Asterisk Call Manager/11.0.0\r\nEvent: Hangup\r\nChannel: PJSIP/1001-0000'));
    assert.equal(out.length, 0, 'half a message is never delivered');
    assert.ok(parser.bufferedBytes > 0);
    parser.reset();
    assert.equal(parser.bufferedBytes, 0);
    parser.push(bytes('Asterisk Call Manager/11.0.0\r\nEvent: FullyBooted\r\n\r\n'));
    assert.deepEqual(greetings, ['Asterisk Call Manager/11.0.0', 'Asterisk Call Manager/11.0.0']);
    assert.deepEqual(
      out.map((m) => m.event),
      ['FullyBooted'],
    );
  });
});

describe('AmiParser on hostile input', () => {
  const LIMIT = 4096;

  it('never throws on random bytes and keeps at most one message’s worth buffered', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 30 }), (chunks) => {
        const r = collect(chunks, { maxMessageBytes: LIMIT });
        assert.ok(r.maxBuffered <= LIMIT + 3, `buffered ${r.maxBuffered}`);
      }),
      { numRuns: 300 },
    );
  });

  // Token soup: pieces that drive every parser state (banner, headers, terminators, legacy
  // Follows, multi-byte characters) in random order.
  const token = fc.constantFrom(
    'Asterisk Call Manager/11.0.0',
    'Response: Follows',
    'Response: Success',
    'Event: Newchannel',
    '--END COMMAND--',
    'ActionID: x',
    'Output: a',
    'Иван',
    '\r\n',
    '\r\n\r\n',
    '\r',
    '\n',
    ':',
    ' ',
    '\u0000',
    'x'.repeat(700),
  );

  it('gives the same messages and errors for any input however it is cut', () => {
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.integer({ min: 64, max: 2048 }),
        (tokens, points, limit) => {
          const input = bytes(tokens.join(''));
          const whole = collect([input], { maxMessageBytes: limit });
          const cut = collect(
            cutAt(
              input,
              points.map((p) => p % (input.length + 1)),
            ),
            { maxMessageBytes: limit },
          );
          const byByte = collect(chunked(input, 1), { maxMessageBytes: limit });
          assert.deepEqual(outcome(cut), outcome(whole));
          assert.deepEqual(outcome(byByte), outcome(whole));
          for (const r of [whole, cut, byByte]) assert.ok(r.maxBuffered <= Math.max(limit + 3, 0));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a 10 MB header costs one typed error and bounded memory, then parsing goes on', () => {
    const limit = 64 * 1024;
    const giant = Buffer.concat([
      bytes('Event: Giant\r\nX: '),
      Buffer.alloc(10 * 1024 * 1024, 0x41),
      bytes('\r\n\r\n'),
    ]);
    const next = bytes('Event: After\r\nUniqueid: 1.1\r\n\r\n');
    for (const size of [1460, 16 * 1024, 1024 * 1024]) {
      const r = collect(chunked(Buffer.concat([giant, next]), size), { expectGreeting: false, maxMessageBytes: limit });
      assert.deepEqual(
        r.errors.map((e) => e.code),
        ['AMI_ERR_MESSAGE_TOO_LARGE'],
      );
      assert.equal(r.errors[0]?.details.limit, limit);
      assert.deepEqual(
        r.messages.map((m) => m.event),
        ['After'],
      );
      assert.ok(r.maxBuffered <= limit + 3, `buffered ${r.maxBuffered} with ${size}-byte chunks`);
    }
  });

  it('a banner line that never ends is refused the same way', () => {
    const r = collect(chunked(Buffer.alloc(300_000, 0x42), 8192), { maxMessageBytes: 10_000 });
    assert.deepEqual(r.greetings, []);
    assert.deepEqual(
      r.errors.map((e) => e.code),
      ['AMI_ERR_MESSAGE_TOO_LARGE'],
    );
    assert.ok(r.maxBuffered <= 10_003);
  });

  it('endless headers without a blank line are cut off at the limit', () => {
    const r = collect(
      (function* () {
        for (let i = 0; i < 20_000; i++) yield bytes(`Variable: V${i}=${'z'.repeat(40)}\r\n`);
      })(),
      { expectGreeting: false, maxMessageBytes: 32 * 1024 },
    );
    assert.deepEqual(
      r.errors.map((e) => e.code),
      ['AMI_ERR_MESSAGE_TOO_LARGE'],
    );
    assert.ok(r.maxBuffered <= 32 * 1024 + 3);
  });

  it('an endless legacy Follows output is cut off at the limit too', () => {
    const r = collect(
      (function* () {
        yield bytes('Response: Follows\r\nPrivilege: Command\r\n');
        for (let i = 0; i < 5_000; i++) yield bytes(`line ${i}\r\n\r\n`);
      })(),
      { expectGreeting: false, maxMessageBytes: 8 * 1024 },
    );
    assert.equal(r.errors[0]?.code, 'AMI_ERR_MESSAGE_TOO_LARGE');
    assert.ok(r.maxBuffered <= 8 * 1024 + 3);
  });
});
