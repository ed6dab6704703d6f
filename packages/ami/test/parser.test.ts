import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AmiParser, type AmiError, type AmiMessage } from '../src/index.js';

function collect(chunks: Buffer[], options = {}): { greetings: string[]; messages: AmiMessage[]; errors: AmiError[] } {
  const out = { greetings: [] as string[], messages: [] as AmiMessage[], errors: [] as AmiError[] };
  const parser = new AmiParser(
    { greeting: (g) => out.greetings.push(g), message: (m) => out.messages.push(m), error: (e) => out.errors.push(e) },
    options,
  );
  for (const c of chunks) parser.push(c);
  return out;
}

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

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

  it('splits a Cyrillic name anywhere without corrupting it', () => {
    const text = 'Event: Newchannel\r\nCallerIDName: Иван Петров\r\nUniqueid: 1.0\r\n\r\n';
    const b = bytes(text);
    for (let cut = 1; cut < b.length; cut++) {
      const r = collect([b.subarray(0, cut), b.subarray(cut)], { expectGreeting: false });
      assert.equal(r.messages[0]?.get('CallerIDName'), 'Иван Петров', `cut at ${cut}`);
    }
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

  it('reports an oversize message as a typed error and recovers at the next message', () => {
    const big = `Event: Big\r\nData: ${'x'.repeat(5000)}\r\n\r\n`;
    const next = 'Event: Small\r\n\r\n';
    for (const chunking of [[big + next], [...(big + next)].map((c) => c)]) {
      const r = collect(chunking.map(bytes), { expectGreeting: false, maxMessageBytes: 1000 });
      assert.equal(r.errors.length, 1);
      assert.equal(r.errors[0]?.code, 'AMI_ERR_MESSAGE_TOO_LARGE');
      assert.deepEqual(
        r.messages.map((m) => m.event),
        ['Small'],
      );
    }
  });
});
