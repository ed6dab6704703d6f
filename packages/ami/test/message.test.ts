import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AmiMessage } from '../src/index.js';

describe('AmiMessage', () => {
  const m = AmiMessage.fromHeaders([
    ['Event', 'Status'],
    ['Privilege', 'Call'],
    ['Variable', 'A=1'],
    ['variable', 'B=2'],
    ['Seconds', '4'],
    ['Uniqueid', '<unknown>'],
    ['ActionID', 'x-1'],
  ]);

  it('finds keys case-insensitively as Asterisk does, keeping the spelling and order', () => {
    assert.equal(m.get('PRIVILEGE'), 'Call');
    assert.deepEqual(m.getAll('Variable'), ['A=1', 'B=2']);
    assert.deepEqual(m.keys(), ['Event', 'Privilege', 'Variable', 'variable', 'Seconds', 'Uniqueid', 'ActionID']);
    assert.equal(m.size, 7);
    assert.deepEqual(m.toObject().Variable, 'A=1', 'first value wins in the plain object');
    assert.equal(m.get('uniqueID'), '<unknown>');
    assert.equal(m.get('ActionId'), 'x-1');
    assert.equal(m.get('Secondz'), undefined);
    // Only letters fold: '@'/'`' and '['/'{' differ by the same bit as 'A'/'a' and are not one key.
    const odd = AmiMessage.fromHeaders([
      ['X@', '1'],
      ['Y[', '2'],
    ]);
    assert.equal(odd.get('X`'), undefined);
    assert.equal(odd.get('Y{'), undefined);
    assert.equal(odd.get('x@'), '1');
  });

  it('tells events from responses, wherever Asterisk puts ActionID', () => {
    assert.equal(m.kind, 'event');
    assert.equal(m.actionId, 'x-1');
    assert.equal(AmiMessage.fromHeaders([['Response', 'Success']]).kind, 'response');
    assert.equal(
      AmiMessage.fromHeaders([
        ['ActionID', '1'],
        ['Response', 'Error'],
      ]).kind,
      'response',
    );
    assert.equal(AmiMessage.fromHeaders([['Foo', 'bar']]).kind, 'other');
    assert.equal(new AmiMessage([]).kind, 'other');
  });

  it('reads numbers, treating empty and <unknown> as absent', () => {
    assert.equal(m.int('Seconds'), 4);
    assert.equal(m.int('Uniqueid'), undefined);
    assert.equal(m.int('Missing'), undefined);
    assert.equal(AmiMessage.fromHeaders([['N', '']]).int('N'), undefined);
  });

  it('answers the same from the wire text as from split headers, before and after it splits', () => {
    const lines = [
      'Event: VarSet',
      'Privilege: dialplan,all',
      'variable: lower=first',
      'Variable: CALLGATE_CALL_ID=c-1',
      'AccountCode: ',
      'Empty:',
      'odd line without a colon',
      'Value: a: b:c',
    ];
    const split = AmiMessage.fromHeaders(
      lines.map((line) => {
        const colon = line.indexOf(':');
        if (colon < 0) return ['', line] as const;
        return [line.slice(0, colon), line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1))] as const;
      }),
    );
    const keys = [
      'Variable',
      'VARIABLE',
      'variable',
      'Event',
      'ActionID',
      'AccountCode',
      'Empty',
      '',
      'value',
      'Privilege',
    ];
    const wire = lines.join('\r\n');
    // A parsed message answers from its text until something lists its headers, then from those.
    const text = AmiMessage.fromText(wire);
    assert.equal(text.kind, 'event');
    assert.equal(text.event, 'VarSet');
    for (const key of keys) assert.equal(text.get(key), split.get(key), `${key}, from the text`);
    assert.deepEqual(text.headers(), split.headers());
    for (const key of keys) assert.equal(text.get(key), split.get(key), `${key}, from the split headers`);
    assert.deepEqual(text.getAll('variable'), ['lower=first', 'CALLGATE_CALL_ID=c-1']);
    assert.deepEqual(AmiMessage.fromText(wire).keys(), split.keys());
    assert.equal(split.get('Variable'), 'CALLGATE_CALL_ID=c-1', 'the exact spelling wins over an earlier folded one');
    assert.equal(split.get('VARIABLE'), 'lower=first', 'else the first that matches ignoring case');
    assert.equal(AmiMessage.fromText('Response: Success\r\nActionID: 7').kind, 'response');
    assert.equal(AmiMessage.fromText('ActionID: 7\r\nresponse: Error').kind, 'response');
    assert.equal(AmiMessage.fromText('Eventual: no').kind, 'other');
    assert.equal(AmiMessage.fromText('').kind, 'other');
  });
});
