import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDialNumber } from '../../src/operators/dial-number.js';
import { testSiteConfig } from '../support/site-config.js';

describe('what an operator may dial', () => {
  const config = testSiteConfig();

  it('accepts a number as people write it and dials it the way the dialplan expects', () => {
    for (const typed of ['+7 999 000-00-01', '79990000001', '8 (999) 000-00-01', '+7.999.000.00.01']) {
      const r = checkDialNumber(typed, config);
      assert.ok(r.ok, typed);
      assert.deepEqual(r.target, { kind: 'external', e164: '+79990000001', dialString: '79990000001' });
    }
  });

  it('recognises a colleague by extension', () => {
    const r = checkDialNumber('1002', config);
    assert.ok(r.ok);
    assert.deepEqual(r.target, { kind: 'internal', extension: '1002', operatorId: 'op-1002' });
  });

  it('refuses letters, control characters and AMI injection before anything is sent', () => {
    for (const typed of ['call me', '+7999\r\nAction: Originate', '7999\u0000', '', '   ', '1'.repeat(41)]) {
      const r = checkDialNumber(typed, config);
      assert.equal(r.ok, false, JSON.stringify(typed));
      if (!r.ok) assert.equal(r.code, 'GW_ERR_INVALID_NUMBER');
    }
  });

  it('refuses numbers that cannot exist', () => {
    const r = checkDialNumber('12', config);
    assert.equal(r.ok, false);
  });

  it('keeps calls within the allowed destinations', () => {
    const limited = testSiteConfig({
      dialing: {
        defaultCountry: 'RU',
        originateContext: 'outbound',
        internalContext: 'internal',
        allowedPrefixes: ['+7'],
      },
    });
    assert.ok(checkDialNumber('+79990000001', limited).ok);
    const abroad = checkDialNumber('+372 5123 4567', limited);
    assert.equal(abroad.ok, false);
    if (!abroad.ok) assert.equal(abroad.code, 'GW_ERR_DESTINATION_NOT_ALLOWED');
  });

  it('writes national format for sites whose trunk wants it', () => {
    const national = testSiteConfig({
      dialing: {
        defaultCountry: 'RU',
        originateContext: 'outbound',
        internalContext: 'internal',
        dialFormat: 'national',
      },
    });
    const r = checkDialNumber('+79161234567', national);
    assert.ok(r.ok);
    assert.equal(r.target.kind === 'external' && r.target.dialString, '89161234567');
  });
});
