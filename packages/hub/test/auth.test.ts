import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import {
  GATEWAY_AUDIENCE,
  operatorTokenClaimsValidator,
  publicJwksValidator,
  TOKEN_ISSUER,
  type ApiErrorBody,
  type OperatorToken,
  type PublicJwks,
  type SessionInfo,
  type SigningKeyInfo,
} from '@callgate/contracts';
import { api, login, PASSWORD, seedWorld, startTestHub, type TestHub } from './support/hub-harness.js';
import { ENGINES } from './support/engines.js';

/** What a site gateway does: fetch the key set once, then verify offline. */
async function verifyLikeAGateway(jwks: PublicJwks, token: string, at: number) {
  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
    issuer: TOKEN_ISSUER,
    audience: GATEWAY_AUDIENCE,
    algorithms: ['EdDSA'],
    currentDate: new Date(at),
  });
  return operatorTokenClaimsValidator.assert(payload);
}

for (const engine of ENGINES) {
  describe(`accounts and tokens on ${engine}`, () => {
    let t: TestHub;
    before(async () => {
      t = await startTestHub(engine, {
        login: { maxFailuresPerAccount: 3, maxFailuresPerAddress: 1000, windowSeconds: 600 },
      });
      await seedWorld(t);
    });
    after(() => t.close());

    it('gives an operator an httpOnly SameSite=Strict session cookie and a token with role, site, extension and session id', async () => {
      const r = await api<{ session: SessionInfo; token: OperatorToken }>(t.url, 'POST', '/api/v1/auth/login', {
        body: { username: 'Anna', password: PASSWORD },
      });
      assert.equal(r.status, 200);
      const cookie = r.headers.get('set-cookie') ?? '';
      assert.match(cookie, /^callgate_session=/);
      assert.match(cookie, /HttpOnly/i);
      assert.match(cookie, /SameSite=Strict/i);
      assert.equal(r.body.session.user.id, 'anna');
      assert.deepEqual(r.body.session.site, {
        id: 'tallinn',
        name: 'Tallinn',
        gatewayUrl: 'https://gw.tallinn.example',
      });
      const jwks = (await api<PublicJwks>(t.url, 'GET', '/api/v1/keys')).body;
      const claims = await verifyLikeAGateway(jwks, r.body.token.token, t.clock.now);
      assert.equal(claims.sub, 'anna');
      assert.equal(claims.role, 'operator');
      assert.equal(claims.site, 'tallinn');
      assert.equal(claims.ext, '1001');
      assert.equal(typeof claims.sid, 'string');
      assert.equal(claims.exp - claims.iat, t.config.tokens.ttlSeconds);
      // The session's end, for a gateway renewing the token during a WAN outage.
      assert.equal(claims.sxp, Math.floor(Date.parse(r.body.session.sessionExpiresAt) / 1000));
    });

    it('publishes the same key set at /.well-known/jwks.json, with no private key material', async () => {
      const a = await api<PublicJwks>(t.url, 'GET', '/api/v1/keys');
      const b = await api<PublicJwks>(t.url, 'GET', '/.well-known/jwks.json');
      assert.deepEqual(a.body, b.body);
      assert.ok(publicJwksValidator.check(a.body), 'a closed schema: no "d" member can be there');
      assert.doesNotMatch(JSON.stringify(a.body), /"d"/);
      assert.match(a.headers.get('cache-control') ?? '', /max-age=\d+/);
    });

    it('answers a wrong password and an unknown user with the same error', async () => {
      const wrong = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/auth/login', {
        body: { username: 'boris', password: 'nope-nope' },
      });
      const unknown = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/auth/login', {
        body: { username: 'nobody', password: 'nope-nope' },
      });
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      assert.deepEqual(wrong.body, unknown.body);
      assert.equal(wrong.body.error.code, 'HUB_ERR_LOGIN_FAILED');
    });

    it('renews the token for an open session, and refuses the token and renewal after logout', async () => {
      const s = await login(t.url, 'boris', PASSWORD);
      const renewed = await api<OperatorToken>(t.url, 'POST', '/api/v1/auth/token', { as: { token: s.token } });
      assert.equal(renewed.status, 200);
      assert.notEqual(renewed.body.token, s.token);
      const viaCookie = await api<OperatorToken>(t.url, 'POST', '/api/v1/auth/token', {
        as: { cookie: s.cookie, csrf: s.csrf },
      });
      assert.equal(viaCookie.status, 200);
      assert.equal((await api(t.url, 'POST', '/api/v1/auth/logout', { as: { token: s.token } })).status, 204);
      const afterLogout = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/auth/token', {
        as: { token: renewed.body.token },
      });
      assert.equal(afterLogout.status, 401);
      assert.equal(afterLogout.body.error.code, 'HUB_ERR_UNAUTHENTICATED');
      assert.equal(
        (await api(t.url, 'GET', '/api/v1/auth/session', { as: { cookie: s.cookie } })).status,
        204,
        'the page learns that nobody is logged in any more',
      );
      const withOldCookie = await api(t.url, 'POST', '/api/v1/auth/token', { as: { cookie: s.cookie, csrf: s.csrf } });
      assert.equal(withOldCookie.status, 401);
    });

    it('answers "who is logged in" with 204 when nobody is, while every other endpoint still answers 401', async () => {
      const nobody = await api(t.url, 'GET', '/api/v1/auth/session');
      assert.equal(nobody.status, 204);
      assert.equal(nobody.body, '', 'no body');
      const unknownCookie = await api(t.url, 'GET', '/api/v1/auth/session', {
        as: { cookie: 'callgate_session=not-a-session' },
      });
      assert.equal(unknownCookie.status, 204);
      for (const [method, path] of [
        ['POST', '/api/v1/auth/token'],
        ['POST', '/api/v1/auth/logout'],
        ['GET', '/api/v1/contacts?q=a'],
        ['GET', '/api/v1/calls'],
        ['GET', '/api/v1/dispositions'],
      ] as const) {
        const r = await api<ApiErrorBody>(t.url, method, path);
        assert.equal(r.status, 401, `${method} ${path}`);
        assert.equal(r.body.error.code, 'HUB_ERR_UNAUTHENTICATED');
      }
      const s = await login(t.url, 'anna', PASSWORD);
      const viaCookie = await api<SessionInfo>(t.url, 'GET', '/api/v1/auth/session', { as: { cookie: s.cookie } });
      assert.equal(viaCookie.status, 200);
      assert.equal(viaCookie.body.user.id, 'anna');
      const docs = await api<{ paths: Record<string, { get?: { responses?: Record<string, unknown> } }> }>(
        t.url,
        'GET',
        '/api/docs/json',
      );
      const documented = Object.keys(docs.body.paths['/api/v1/auth/session']?.get?.responses ?? {});
      assert.ok(documented.includes('200') && documented.includes('204'), `documented: ${documented.join(', ')}`);
    });

    it('refuses an expired token, a tampered one and one signed by a key it did not publish', async () => {
      const s = await login(t.url, 'anna', PASSWORD);
      const [header, payload, signature] = s.token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')}.${signature}`;
      const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
      const forged = await new SignJWT({ ...claims, role: 'admin' })
        .setProtectedHeader({ alg: 'EdDSA', kid: decodeProtectedHeader(s.token).kid ?? '' })
        .sign(privateKey);
      const noneAlg = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
      for (const bad of [tampered, forged, noneAlg, 'not-a-jwt', '']) {
        const r = await api<ApiErrorBody>(t.url, 'GET', '/api/v1/auth/session', {
          headers: { authorization: `Bearer ${bad}` },
        });
        assert.equal(r.status, 401, `token ${bad.slice(0, 20)}…`);
        assert.equal(r.body.error.code, 'HUB_ERR_UNAUTHENTICATED');
      }
      t.clock.advance(t.config.tokens.ttlSeconds * 1000 + 61_000);
      const expired = await api<ApiErrorBody>(t.url, 'GET', '/api/v1/auth/session', { as: { token: s.token } });
      assert.equal(expired.status, 401);
      assert.match(expired.body.error.message, /expired/);
    });

    it('rotates keys: the new key is published before it signs, and the old one stays published until its tokens expire', async () => {
      const admin = await login(t.url, 'admin', PASSWORD);
      const before = await login(t.url, 'anna', PASSWORD);
      const oldKid = decodeProtectedHeader(before.token).kid;
      const rotated = await api<SigningKeyInfo>(t.url, 'POST', '/api/v1/keys/rotate', {
        as: { token: admin.token },
        body: {},
      });
      assert.equal(rotated.status, 200);
      assert.equal(rotated.body.state, 'upcoming');
      const published = (await api<PublicJwks>(t.url, 'GET', '/api/v1/keys')).body;
      assert.deepEqual(published.keys.map((k) => k.kid).sort(), [oldKid, rotated.body.kid].sort());
      // Still signing with the old key during the pre-publication window.
      assert.equal(decodeProtectedHeader((await login(t.url, 'anna', PASSWORD)).token).kid, oldKid);

      t.clock.advance(t.config.tokens.prepublishHours * 3_600_000);
      const afterSwitch = await login(t.url, 'anna', PASSWORD);
      assert.equal(decodeProtectedHeader(afterSwitch.token).kid, rotated.body.kid);
      // A gateway that cached the key set before the switch verifies the new token offline.
      await verifyLikeAGateway(published, afterSwitch.token, t.clock.now);
      const lastOld = (await api<PublicJwks>(t.url, 'GET', '/api/v1/keys')).body;
      assert.ok(
        lastOld.keys.some((k) => k.kid === oldKid),
        'old key still published while its tokens live',
      );

      t.clock.advance(t.config.tokens.ttlSeconds * 1000 + 61_000);
      const later = (await api<PublicJwks>(t.url, 'GET', '/api/v1/keys')).body;
      assert.deepEqual(
        later.keys.map((k) => k.kid),
        [rotated.body.kid],
      );
    });

    it('an immediate rotation stops the old key at once (suspected leak)', async () => {
      const admin = await login(t.url, 'admin', PASSWORD);
      const s = await login(t.url, 'boris', PASSWORD);
      const r = await api<SigningKeyInfo>(t.url, 'POST', '/api/v1/keys/rotate', {
        as: { token: admin.token },
        body: { immediate: true },
      });
      assert.equal(r.body.state, 'current');
      const jwks = (await api<PublicJwks>(t.url, 'GET', '/api/v1/keys')).body;
      assert.deepEqual(
        jwks.keys.map((k) => k.kid),
        [r.body.kid],
      );
      assert.equal((await api(t.url, 'GET', '/api/v1/auth/session', { as: { token: s.token } })).status, 401);
      // The session itself is fine: the cookie gets a token signed by the new key.
      const renewed = await api<OperatorToken>(t.url, 'POST', '/api/v1/auth/token', {
        as: { cookie: s.cookie, csrf: s.csrf },
      });
      assert.equal(decodeProtectedHeader(renewed.body.token).kid, r.body.kid);
    });

    it('refuses an account after repeated failures, even with the right password, and lets it in after the window', async () => {
      for (let i = 0; i < 3; i++) {
        const r = await api(t.url, 'POST', '/api/v1/auth/login', {
          body: { username: 'ivan', password: `guess-${i}-xx` },
        });
        assert.equal(r.status, 401);
      }
      const locked = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/auth/login', {
        body: { username: 'ivan', password: PASSWORD },
      });
      assert.equal(locked.status, 429);
      assert.equal(locked.body.error.code, 'HUB_ERR_RATE_LIMITED');
      assert.ok(Number(locked.headers.get('retry-after')) > 0);
      // Another account from the same address is not affected.
      assert.equal(
        (await api(t.url, 'POST', '/api/v1/auth/login', { body: { username: 'mark', password: PASSWORD } })).status,
        200,
      );
      t.clock.advance(601_000);
      assert.equal(
        (await api(t.url, 'POST', '/api/v1/auth/login', { body: { username: 'ivan', password: PASSWORD } })).status,
        200,
      );
    });

    it('needs X-CSRF-Token for changes made with the session cookie, and refuses cookies from another origin', async () => {
      const s = await login(t.url, 'sue', PASSWORD);
      const without = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/auth/token', { as: { cookie: s.cookie } });
      assert.equal(without.status, 403);
      assert.equal(without.body.error.code, 'HUB_ERR_CSRF');
      const wrong = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/auth/token', {
        as: { cookie: s.cookie, csrf: 'x'.repeat(43) },
      });
      assert.equal(wrong.body.error.code, 'HUB_ERR_CSRF');
      const crossSite = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/auth/token', {
        as: { cookie: s.cookie, csrf: s.csrf },
        headers: { origin: 'https://evil.example' },
      });
      assert.equal(crossSite.status, 403);
      assert.equal(crossSite.body.error.code, 'HUB_ERR_CSRF');
      const ok = await api(t.url, 'POST', '/api/v1/auth/token', {
        as: { cookie: s.cookie, csrf: s.csrf },
        headers: { origin: t.url },
      });
      assert.equal(ok.status, 200);
      const session = await api<SessionInfo>(t.url, 'GET', '/api/v1/auth/session', { as: { cookie: s.cookie } });
      assert.equal(session.body.csrfToken, s.csrf, 'a reloaded page gets the CSRF token back');
    });

    it('ends every session of a user whose password an admin resets, or who is disabled', async () => {
      const admin = await login(t.url, 'admin', PASSWORD);
      const s = await login(t.url, 'mark', PASSWORD);
      const reset = await api(t.url, 'PATCH', '/api/v1/users/mark', {
        as: { token: admin.token },
        body: { password: 'a brand new one' },
      });
      assert.equal(reset.status, 200);
      assert.equal((await api(t.url, 'GET', '/api/v1/auth/session', { as: { token: s.token } })).status, 401);
      const s2 = await login(t.url, 'mark', 'a brand new one');
      await api(t.url, 'PATCH', '/api/v1/users/mark', { as: { token: admin.token }, body: { disabled: true } });
      assert.equal((await api(t.url, 'GET', '/api/v1/auth/session', { as: { cookie: s2.cookie } })).status, 204);
      const disabledCookie = await api(t.url, 'POST', '/api/v1/auth/token', {
        as: { cookie: s2.cookie, csrf: s2.csrf },
      });
      assert.equal(disabledCookie.status, 401);
      const r = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/auth/login', {
        body: { username: 'mark', password: 'a brand new one' },
      });
      assert.equal(r.body.error.code, 'HUB_ERR_LOGIN_FAILED', 'a disabled user gets the generic error');
    });

    it('lets a user change their own password only with the current one', async () => {
      const s = await login(t.url, 'olga', PASSWORD);
      const bad = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/auth/password', {
        as: { token: s.token },
        body: { currentPassword: 'wrong-one', newPassword: 'olga new password' },
      });
      assert.equal(bad.status, 401);
      const weak = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/auth/password', {
        as: { token: s.token },
        body: { currentPassword: PASSWORD, newPassword: 'short' },
      });
      assert.equal(weak.body.error.code, 'HUB_ERR_WEAK_PASSWORD');
      const ok = await api(t.url, 'POST', '/api/v1/auth/password', {
        as: { token: s.token },
        body: { currentPassword: PASSWORD, newPassword: 'olga new password' },
      });
      assert.equal(ok.status, 204);
      assert.equal((await api(t.url, 'GET', '/api/v1/auth/session', { as: { token: s.token } })).status, 401);
      await login(t.url, 'olga', 'olga new password');
    });
  });
}
