import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTokenVerifier } from '../../src/auth/token-verifier.js';
import { testIssuer } from '../support/tokens.js';

describe('operator tokens are checked offline with the hub key', () => {
  it('accepts a hub-signed token for this site and returns its claims', async () => {
    const hub = await testIssuer();
    const verifier = createTokenVerifier('moscow', hub.jwks);
    const r = await verifier.verify(await hub.sign({ sub: 'op-1001' }));
    assert.ok(r.ok);
    assert.equal(r.claims.sub, 'op-1001');
    assert.equal(r.claims.role, 'operator');
  });

  it('refuses an expired token as expired', async () => {
    const hub = await testIssuer();
    const verifier = createTokenVerifier('moscow', hub.jwks);
    const old = await hub.sign({}, { issuedAt: Math.floor(Date.now() / 1000) - 3600, expiresInSeconds: 300 });
    const r = await verifier.verify(old);
    assert.deepEqual(r.ok ? 'ok' : r.problem, 'expired');
  });

  it("refuses another site's token", async () => {
    const hub = await testIssuer();
    const r = await createTokenVerifier('moscow', hub.jwks).verify(await hub.sign({ site: 'tallinn' }));
    assert.deepEqual(r.ok ? 'ok' : r.problem, 'wrong-site');
  });

  it('refuses a token signed with a key the hub never published (forged)', async () => {
    const hub = await testIssuer('hub-test-1');
    const forger = await testIssuer('hub-test-1');
    const r = await createTokenVerifier('moscow', hub.jwks).verify(await forger.sign({}));
    assert.deepEqual(r.ok ? 'ok' : r.problem, 'invalid');
  });

  it('refuses a tampered payload, alg none, and tokens for another audience or issuer', async () => {
    const hub = await testIssuer();
    const verifier = createTokenVerifier('moscow', hub.jwks);
    const good = await hub.sign({});
    const [h, p, s] = good.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'op-1002' })).toString('base64url')}.${s}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${p}.`;
    for (const token of [
      tampered,
      none,
      'not-a-jwt',
      await hub.sign({}, { audience: 'someone-else' }),
      await hub.sign({}, { issuer: 'evil' }),
    ]) {
      const r = await verifier.verify(token);
      assert.deepEqual(r.ok ? 'ok' : r.problem, 'invalid', token.slice(0, 30));
    }
  });

  it('accepts tokens of a rotated key once the hub publishes it', async () => {
    const oldKey = await testIssuer('k1');
    const newKey = await testIssuer('k2');
    const verifier = createTokenVerifier('moscow', oldKey.jwks);
    const token = await newKey.sign({});
    assert.equal((await verifier.verify(token)).ok, false);
    verifier.setKeys({ keys: [...oldKey.jwks.keys, ...newKey.jwks.keys] });
    assert.equal((await verifier.verify(token)).ok, true);
    assert.equal((await verifier.verify(await oldKey.sign({}))).ok, true, 'the previous key still works');
  });
});
