import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { uplinkProofInput } from '@callgate/contracts';
import { parseSiteCredential, proveSiteCredential, readSiteCredential } from '../../src/uplink/site-credential.js';

const SECRET = 'A'.repeat(20) + 'b'.repeat(20) + '-_9';

describe('the site credential', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callgate-cred-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the proof is the HMAC of site and nonce keyed by SHA-256 of the secret, the verifier the hub stores', () => {
    const credential = parseSiteCredential(`cgs1.moscow.${SECRET}`, 'moscow');
    const nonce = 'n'.repeat(43);
    const hubKey = Buffer.from(createHash('sha256').update(SECRET).digest('hex'), 'hex');
    const expected = createHmac('sha256', hubKey).update(uplinkProofInput('moscow', nonce)).digest('base64url');
    assert.equal(proveSiteCredential(credential, nonce), expected);
    assert.notEqual(proveSiteCredential(credential, 'm'.repeat(43)), expected, 'another nonce, another proof');
  });

  it('never prints its secret, in a log line or as JSON', () => {
    const credential = parseSiteCredential(`cgs1.moscow.${SECRET}`, 'moscow');
    assert.equal(String(credential), 'cgs1.moscow.***');
    assert.equal(JSON.stringify({ credential }), '{"credential":"cgs1.moscow.***"}');
  });

  it('a credential issued for another site is refused at start, naming both sites', () => {
    assert.throws(
      () => parseSiteCredential(`cgs1.tallinn.${SECRET}`, 'moscow'),
      (e: Error & { code?: string }) =>
        e.code === 'UPLINK_ERR_CREDENTIAL_FILE' && /tallinn/.test(e.message) && /moscow/.test(e.message),
    );
  });

  it('a file that holds no credential is refused without echoing its content', () => {
    const file = join(dir, 'bad');
    writeFileSync(file, 'hunter2-password\n');
    return assert.rejects(readSiteCredential(file, 'moscow'), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'UPLINK_ERR_CREDENTIAL_FILE');
      assert.doesNotMatch(e.message, /hunter2/);
      return true;
    });
  });

  it('a missing file is a clear error naming the file', () =>
    assert.rejects(readSiteCredential(join(dir, 'nope'), 'moscow'), /hub\.credentialFile .*nope: ENOENT/));

  it('surrounding blank lines and spaces in the file are fine', async () => {
    const file = join(dir, 'ok');
    writeFileSync(file, `\n  cgs1.moscow.${SECRET}  \n`);
    assert.equal((await readSiteCredential(file, 'moscow')).site, 'moscow');
  });
});
