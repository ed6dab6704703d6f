import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  AmiParser,
  escapeVariableValue,
  isAmiError,
  serializeAction,
  type AmiAction,
  type AmiMessage,
} from '../src/index.js';

function parseBack(wire: string): AmiMessage {
  const out: AmiMessage[] = [];
  const parser = new AmiParser(
    { greeting: () => {}, message: (m) => out.push(m), error: (e) => assert.fail(e) },
    { expectGreeting: false },
  );
  parser.push(Buffer.from(wire, 'utf8'));
  assert.equal(out.length, 1);
  return out[0] as AmiMessage;
}

const code = (c: string) => (e: unknown) => isAmiError(e) && e.code === c;

describe('serializeAction', () => {
  it('writes Action, ActionID, headers in order, repeated headers and variables, then the blank line', () => {
    const wire = serializeAction({
      action: 'Originate',
      actionId: 'cg-1-7',
      headers: { Channel: 'PJSIP/1001', Exten: 79990000001, Async: true, Skipped: undefined, Codecs: ['ulaw', 'alaw'] },
      variables: { CRM_CALL_ID: 'abc123', 'PJSIP_HEADER(add,Call-Info)': '<sip:127.0.0.1>;answer-after=0' },
    });
    assert.equal(
      wire,
      'Action: Originate\r\nActionID: cg-1-7\r\nChannel: PJSIP/1001\r\nExten: 79990000001\r\nAsync: true\r\n' +
        'Codecs: ulaw\r\nCodecs: alaw\r\nVariable: CRM_CALL_ID=abc123\r\n' +
        'Variable: PJSIP_HEADER(add,Call-Info)=<sip:127.0.0.1>;answer-after=0\r\n\r\n',
    );
  });

  it('sends any text without control characters unchanged (Variable values escaped as Asterisk reads them), Cyrillic and colons included', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 60 }).filter((s) => !/[\u0000-\u001f\u007f-\u009f]/.test(s)),
        (value) => {
          const m = parseBack(
            serializeAction({ action: 'Setvar', headers: { Value: value }, variables: { V: value } }),
          );
          assert.equal(m.get('Value'), value);
          const variable = m.get('Variable') ?? '';
          assert.equal(variable, `V=${escapeVariableValue(value)}`);
          // What Asterisk's argument splitter leaves: one item, each backslash-escaped character literal.
          assert.equal(variable.slice(2).replace(/\\(.)/gu, '$1'), value);
          assert.doesNotMatch(variable.replace(/\\./gu, ''), /[,"]/, 'nothing left to split at');
        },
      ),
      { numRuns: 500 },
    );
    assert.equal(
      parseBack(serializeAction({ action: 'Setvar', headers: { Value: 'Иван Петров: VIP ' } })).get('Value'),
      'Иван Петров: VIP ',
    );
  });

  it('refuses any value holding a control character, wherever it is', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.integer({ min: 0, max: 0x9f }).filter((c) => c < 0x20 || c >= 0x7f),
        fc.string({ maxLength: 20 }),
        (before, c, after) => {
          const value = `${before}${String.fromCharCode(c)}${after}`;
          assert.throws(
            () => serializeAction({ action: 'Setvar', headers: { Value: value } }),
            code('AMI_ERR_INJECTION'),
          );
          assert.throws(
            () => serializeAction({ action: 'Setvar', variables: { V: value } }),
            code('AMI_ERR_INJECTION'),
          );
          assert.throws(() => serializeAction({ action: 'Ping', actionId: value }), code('AMI_ERR_INJECTION'));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('names the header and position of the control character, never echoing the value', () => {
    try {
      serializeAction({ action: 'Originate', headers: { Channel: 'PJSIP/1001\r\nAction: Hangup' } });
      assert.fail('accepted');
    } catch (e) {
      assert.ok(isAmiError(e, 'AMI_ERR_INJECTION'));
      assert.deepEqual(e.details, { action: 'Originate', header: 'Channel', position: 10 });
      assert.match(e.message, /U\+000d in Originate header Channel/);
    }
  });

  it('refuses control characters in header names, action names and variable names', () => {
    const bad: AmiAction[] = [
      { action: 'Ping\r\nAction: Hangup' },
      { action: 'Setvar', headers: { 'Value\r\nX': 'v' } },
      { action: 'Setvar', headers: { 'Val\0ue': 'v' } },
      { action: 'Setvar', variables: { 'A\nB': 'v' } },
    ];
    for (const a of bad) assert.throws(() => serializeAction(a), code('AMI_ERR_INJECTION'), JSON.stringify(a));
  });

  it('refuses header and variable names AMI cannot carry', () => {
    const bad: AmiAction[] = [
      { action: '' },
      { action: 'Bad Name' },
      { action: 'Setvar', headers: { '': 'v' } },
      { action: 'Setvar', headers: { 'Two Words': 'v' } },
      { action: 'Setvar', headers: { 'Key:': 'v' } },
      { action: 'Setvar', headers: { Ключ: 'v' } },
      { action: 'Setvar', headers: { ActionID: 'spoofed' } },
      { action: 'Setvar', headers: { action: 'Hangup' } },
      { action: 'Setvar', variables: { '': 'v' } },
      { action: 'Setvar', variables: { 'A=B': 'v' } },
      { action: 'Setvar', variables: { 'A B': 'v' } },
    ];
    for (const a of bad) assert.throws(() => serializeAction(a), code('AMI_ERR_BAD_KEY'), JSON.stringify(a));
  });

  it('refuses values that would change on the wire: lone surrogates, non-finite numbers, non-text', () => {
    assert.throws(
      () => serializeAction({ action: 'Setvar', headers: { Value: 'a\ud800b' } }),
      code('AMI_ERR_BAD_VALUE'),
    );
    assert.throws(
      () => serializeAction({ action: 'Setvar', headers: { Value: Number.NaN } }),
      code('AMI_ERR_BAD_VALUE'),
    );
    const notText = { action: 'Setvar', headers: { Value: {} } } as unknown as AmiAction;
    assert.throws(() => serializeAction(notText), code('AMI_ERR_BAD_VALUE'));
    // A valid pair is fine.
    assert.equal(parseBack(serializeAction({ action: 'Setvar', headers: { Value: '😀' } })).get('Value'), '😀');
  });
});
