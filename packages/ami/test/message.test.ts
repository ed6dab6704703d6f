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
});
