import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDialInput } from '../../src/client/dial-input.js';

const colleagues = [{ operatorId: 'boris', name: 'Boris', extension: '1002' }];
const check = (typed: string) => checkDialInput(typed, colleagues, '1001');

describe('dial input', () => {
  it('accepts a number written the way people paste it from a CRM', () => {
    assert.deepEqual(check(' +7 (999) 000-00-01 '), { ok: true, kind: 'external', number: '+7 (999) 000-00-01' });
    assert.equal(check('8 800 555.35.35').ok, true);
  });

  it("recognises a colleague's extension and names the colleague", () => {
    const result = check('1002');
    assert.equal(result.ok && result.kind === 'colleague' && result.colleague.name, 'Boris');
  });

  it('explains why a number cannot be dialled, before anything is sent', () => {
    assert.deepEqual(check(''), { ok: false, problem: 'empty' });
    assert.deepEqual(check('+7 999 CALL-NOW'), { ok: false, problem: 'bad-characters' });
    assert.deepEqual(check('12+34'), { ok: false, problem: 'misplaced-plus' });
    assert.deepEqual(check('12'), { ok: false, problem: 'too-short' });
    assert.deepEqual(check('+1234567890123456'), { ok: false, problem: 'too-long' });
    assert.deepEqual(check('1001'), { ok: false, problem: 'own-extension' });
  });

  it('refuses control characters and anything that could reach a dialplan as text', () => {
    assert.deepEqual(check('+7999\r\nAction: Originate'), { ok: false, problem: 'bad-characters' });
    assert.deepEqual(check('1002;ext'), { ok: false, problem: 'bad-characters' });
  });
});
