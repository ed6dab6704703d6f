import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { AmiError, AmiErrorCode, isAmiError } from '../src/index.js';

const DOCS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'errors.md');

describe('AMI error codes', () => {
  it('every code is documented in docs/errors.md, where users search for it', () => {
    const docs = readFileSync(DOCS, 'utf8');
    for (const code of Object.values(AmiErrorCode))
      assert.ok(docs.includes(`\`${code}\``), `${code} is not in docs/errors.md`);
  });

  it('codes are stable AMI_ERR_ names and errors are recognised by code', () => {
    for (const code of Object.values(AmiErrorCode)) assert.match(code, /^AMI_ERR_[A-Z_]+$/);
    const e = new AmiError(AmiErrorCode.Timeout, 'no answer', { action: 'Ping' });
    assert.equal(e.name, 'AmiError');
    assert.ok(isAmiError(e, 'AMI_ERR_TIMEOUT'));
    assert.ok(!isAmiError(e, 'AMI_ERR_CLOSED'));
    assert.ok(!isAmiError(new Error('x')));
  });
});
