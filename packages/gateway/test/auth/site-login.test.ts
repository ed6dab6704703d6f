import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { SITE_TOKEN_ISSUER, TOKEN_ISSUER } from '@callgate/contracts';
import { scryptHasher } from '@callgate/contracts/passwords';
import { SiteLogin } from '../../src/auth/site-login.js';
import { loadSiteSigningKey, SITE_KEY_FILE } from '../../src/auth/site-signing-key.js';
import { SiteTokenIssuer } from '../../src/auth/site-token-issuer.js';
import { createTokenVerifier } from '../../src/auth/token-verifier.js';
import { GatewayError, GatewayErrorCode } from '../../src/errors.js';
import { clientAddress } from '../../src/server/site-api-routes.js';
import { testSiteConfig } from '../support/site-config.js';
import { SITE_PASSWORD, siteVerifiers } from '../support/site-verifiers.js';
import { testIssuer } from '../support/tokens.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'callgate-site-key-'));
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const NOW = Date.parse('2026-11-28T09:00:00Z');

async function world(options: { mode?: 'outage' | 'always' | 'off'; linked?: boolean } = {}) {
  const key = await loadSiteSigningKey(tempDir(), 'moscow');
  const hub = await testIssuer();
  let now = NOW;
  let linked = options.linked ?? false;
  const config = testSiteConfig({
    siteLogin: { mode: options.mode ?? 'outage', tokenTtlSeconds: 900, sessionHours: 12 },
  });
  const login = new SiteLogin({
    site: config,
    operators: () => config.operators,
    linked: () => linked,
    key,
    tokens: new SiteTokenIssuer(key, 900),
    passwords: scryptHasher({ log2N: 10, r: 8, p: 1 }),
    now: () => now,
  });
  login.setVerifiers(await siteVerifiers());
  const verifier = createTokenVerifier('moscow', hub.jwks, 30, key.publicJwks);
  return {
    key,
    hub,
    login,
    verifier,
    at: (ms: number) => (now = ms),
    link: (up: boolean) => (linked = up),
    verify: (token: string) => verifier.verify(token, new Date(now)),
  };
}

describe("the gateway's own signing key", () => {
  it('is created once, readable by the gateway only, and the same after a restart', async () => {
    const dir = tempDir();
    const first = await loadSiteSigningKey(dir, 'moscow');
    assert.equal(statSync(join(dir, SITE_KEY_FILE)).mode & 0o777, 0o600);
    const again = await loadSiteSigningKey(dir, 'moscow');
    assert.equal(again.kid, first.kid);
    const issued = await new SiteTokenIssuer(first, 900).issue(
      {
        sub: 'op-1001',
        role: 'operator',
        site: 'moscow',
        ext: '1001',
        sid: 's1',
        sxp: Math.floor(Date.now() / 1000) + 600,
      },
      Date.now(),
    );
    assert.ok(issued.ok);
    const r = await createTokenVerifier('moscow', { keys: [] }, 30, again.publicJwks).verify(issued.token.token);
    assert.ok(r.ok, 'a token signed before the restart is accepted after it');
    assert.equal(readFileSync(join(dir, SITE_KEY_FILE), 'utf8').includes('"d"'), true);
  });

  it('a damaged key file is a typed start-up error, not a crash or a silent new key', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, SITE_KEY_FILE), '{"kid":"x"}');
    await assert.rejects(
      loadSiteSigningKey(dir, 'moscow'),
      (e: unknown) => e instanceof GatewayError && e.code === GatewayErrorCode.BadSiteKey,
    );
  });
});

describe('tokens the gateway signs during an outage', () => {
  it('renew a hub token with the same subject, up to the end of the hub login (sxp)', async () => {
    const w = await world();
    const sxp = Math.floor(NOW / 1000) + 600;
    const hubToken = await w.hub.sign({ sub: 'op-1001', ext: '1001', sid: 'hub-sess', sxp }, { issuedAt: NOW / 1000 });
    const claims = await w.verify(hubToken);
    assert.ok(claims.ok);
    const renewed = await w.login.renewForSocket(claims.claims);
    assert.ok(renewed.ok);
    const check = await w.verify(renewed.value.token);
    assert.ok(check.ok);
    assert.equal(check.claims.iss, SITE_TOKEN_ISSUER);
    assert.equal(check.claims.sub, 'op-1001');
    assert.equal(check.claims.sid, 'hub-sess');
    assert.equal(check.claims.exp, sxp, 'capped at the login end, not now + 15 min');
    assert.equal(renewed.value.expiresAt, new Date(sxp * 1000).toISOString());
  });

  it('stop at the end of the login', async () => {
    const w = await world();
    const sxp = Math.floor(NOW / 1000) + 60;
    const token = await w.hub.sign({ sub: 'op-1001', sxp }, { issuedAt: NOW / 1000 });
    const claims = await w.verify(token);
    assert.ok(claims.ok);
    w.at(NOW + 61_000);
    const renewed = await w.login.renewForSocket(claims.claims);
    assert.deepEqual(renewed.ok ? 'ok' : renewed.error.code, GatewayErrorCode.SiteTokenRefused);
  });

  it('are refused while the hub is linked (mode outage) and always when site login is off', async () => {
    const w = await world({ linked: true });
    const claims = await w.verify(
      await w.hub.sign({ sub: 'op-1001', sxp: NOW / 1000 + 600 }, { issuedAt: NOW / 1000 }),
    );
    assert.ok(claims.ok);
    const refused = await w.login.renewForSocket(claims.claims);
    assert.ok(!refused.ok);
    assert.match(refused.error.message, /hub is reachable/);
    w.link(false);
    assert.ok((await w.login.renewForSocket(claims.claims)).ok);
    const off = await world({ mode: 'off' });
    const offClaims = await off.verify(await off.hub.sign({ sub: 'op-1001' }, { issuedAt: NOW / 1000 }));
    assert.ok(offClaims.ok);
    assert.ok(!(await off.login.renewForSocket(offClaims.claims)).ok);
  });

  it('are only for operators of this site the hub still lists', async () => {
    const w = await world();
    for (const claims of [
      { sub: 'sup-1', role: 'supervisor', ext: '' },
      { sub: 'op-9999', ext: '9999' },
    ]) {
      const c = await w.verify(await w.hub.sign(claims, { issuedAt: NOW / 1000 }));
      assert.ok(c.ok);
      assert.ok(!(await w.login.renewForSocket(c.claims)).ok, claims.sub);
    }
    const verifiers = await siteVerifiers();
    w.login.setVerifiers({ ...verifiers, users: verifiers.users.filter((u) => u.userId !== 'op-1001') });
    const removed = await w.verify(await w.hub.sign({ sub: 'op-1001' }, { issuedAt: NOW / 1000 }));
    assert.ok(removed.ok);
    assert.ok(!(await w.login.renewForSocket(removed.claims)).ok, 'disabled at the hub: no more renewals here');
  });

  it("cannot pass as the hub's, and the hub's key cannot sign as the site", async () => {
    const w = await world();
    const forgedSite = await w.hub.sign({ sub: 'op-1001' }, { issuer: SITE_TOKEN_ISSUER, issuedAt: NOW / 1000 });
    assert.deepEqual((await w.verify(forgedSite)).ok, false, 'hub key, site issuer');
    const issued = await new SiteTokenIssuer(w.key, 900).issue(
      { sub: 'op-1001', role: 'operator', site: 'moscow', ext: '1001', sid: 's', sxp: NOW / 1000 + 600 },
      NOW,
    );
    assert.ok(issued.ok);
    assert.equal(decodeJwt(issued.token.token).iss, SITE_TOKEN_ISSUER);
    const hubOnly = createTokenVerifier('moscow', w.hub.jwks);
    assert.equal((await hubOnly.verify(issued.token.token, new Date(NOW))).ok, false, 'without the site key');
    const otherGateway = await loadSiteSigningKey(tempDir(), 'moscow');
    const elsewhere = createTokenVerifier('moscow', w.hub.jwks, 30, otherGateway.publicJwks);
    assert.equal((await elsewhere.verify(issued.token.token, new Date(NOW))).ok, false, 'another gateway');
    assert.notEqual(TOKEN_ISSUER, SITE_TOKEN_ISSUER);
  });
});

describe('the site-only login', () => {
  it('logs an operator in with the password the hub knows and gives a token for this site', async () => {
    const w = await world();
    const r = await w.login.loginWithToken('op-1001', SITE_PASSWORD, '10.0.0.5');
    assert.ok(r.ok);
    const { response, session } = r.value;
    assert.equal(response.session.issuedBy, 'site');
    assert.equal(response.session.user.endpoint, 'PJSIP/1001');
    assert.equal(response.session.site?.gatewayUrl, '');
    assert.equal(response.session.sessionExpiresAt, new Date(NOW + 12 * 3600_000).toISOString());
    const claims = await w.verify(response.token.token);
    assert.ok(claims.ok);
    assert.equal(claims.claims.sub, 'op-1001');
    assert.equal(claims.claims.ext, '1001');
    assert.equal((await w.login.session(session.cookie.value))?.user.id, 'op-1001');
  });

  it('answers a wrong password and an unknown user alike', async () => {
    const w = await world();
    const wrong = await w.login.login('op-1001', 'not the password', 'a');
    const unknown = await w.login.login('nobody', SITE_PASSWORD, 'b');
    assert.ok(!wrong.ok && !unknown.ok);
    assert.deepEqual(wrong.error, unknown.error);
    assert.equal(wrong.error.code, GatewayErrorCode.LoginFailed);
  });

  it('is closed while the hub is linked, for supervisors and for other sites', async () => {
    const linked = await world({ linked: true });
    const r = await linked.login.login('op-1001', SITE_PASSWORD, 'a');
    assert.deepEqual(r.ok ? 'ok' : r.error.code, GatewayErrorCode.SiteLoginUnavailable);
    const w = await world();
    for (const user of ['sup-1', 'op-2001']) {
      const refused = await w.login.login(user, SITE_PASSWORD, 'a');
      assert.deepEqual(refused.ok ? 'ok' : refused.error.code, GatewayErrorCode.SiteLoginUnavailable, user);
    }
    const always = await world({ mode: 'always', linked: true });
    assert.ok((await always.login.login('op-1001', SITE_PASSWORD, 'a')).ok, 'mode always');
  });

  it('limits guessing per user and per address', async () => {
    const w = await world();
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await w.login.login('op-1001', `guess-${i}`, `10.0.0.${i}`);
      codes.push(r.ok ? 'ok' : r.error.code);
    }
    assert.deepEqual(codes.slice(0, 5), Array(5).fill(GatewayErrorCode.LoginFailed));
    assert.equal(codes[5], GatewayErrorCode.LoginRateLimited);
    const right = await w.login.login('op-1001', SITE_PASSWORD, '10.0.0.9');
    assert.deepEqual(right.ok ? 'ok' : right.error.retryAfterSeconds, 60, 'even the right password waits');
    w.at(NOW + 60_000);
    assert.ok((await w.login.login('op-1001', SITE_PASSWORD, '10.0.0.9')).ok, 'a minute later');
    const fromOneAddress: string[] = [];
    for (let i = 0; i < 21; i++) {
      const r = await w.login.login(`user-${i}`, 'x', '10.9.9.9');
      fromOneAddress.push(r.ok ? 'ok' : r.error.code);
    }
    assert.equal(fromOneAddress.at(-1), GatewayErrorCode.LoginRateLimited);
  });

  it('tokens need the session cookie and its CSRF token; logout ends both', async () => {
    const w = await world();
    const r = await w.login.login('op-1001', SITE_PASSWORD, 'a');
    assert.ok(r.ok);
    const { cookie, info } = r.value;
    assert.equal((await w.login.token(cookie.value, undefined)).ok, false);
    assert.equal((await w.login.token(cookie.value, 'forged')).ok, false);
    assert.equal((await w.login.token(`${cookie.value}x`, info.csrfToken)).ok, false, 'tampered cookie');
    assert.equal((await w.login.token(cookie.value, info.csrfToken)).ok, true);
    assert.equal(await w.login.logout(cookie.value, info.csrfToken), true);
    assert.equal(await w.login.session(cookie.value), undefined);
    assert.equal((await w.login.token(cookie.value, info.csrfToken)).ok, false);
  });

  it('a session cookie is not an operator token, and a session ends after sessionHours', async () => {
    const w = await world();
    const r = await w.login.login('op-1001', SITE_PASSWORD, 'a');
    assert.ok(r.ok);
    assert.equal((await w.verify(r.value.cookie.value)).ok, false);
    w.at(NOW + 12 * 3600_000 + 1000);
    assert.equal(await w.login.session(r.value.cookie.value), undefined);
  });

  it('keeps a site login working after the link is back, until it ends', async () => {
    const w = await world();
    const r = await w.login.loginWithToken('op-1001', SITE_PASSWORD, 'a');
    assert.ok(r.ok);
    w.link(true);
    const { cookie, info } = r.value.session;
    assert.ok((await w.login.token(cookie.value, info.csrfToken)).ok);
    const claims = await w.verify(r.value.response.token.token);
    assert.ok(claims.ok);
    assert.ok((await w.login.renewForSocket(claims.claims)).ok, 'socket renewal of a site token');
  });
});

describe('the address a login attempt is counted against', () => {
  const req = (peer: string, forwarded?: string) =>
    ({
      socket: { remoteAddress: peer },
      headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
    }) as unknown as Parameters<typeof clientAddress>[0];

  it("is the browser's behind the proxy on the same host, so operators do not share one limit", () => {
    assert.equal(clientAddress(req('127.0.0.1', '10.0.4.17')), '10.0.4.17');
    assert.equal(clientAddress(req('::1', '10.0.4.18')), '10.0.4.18');
    assert.equal(clientAddress(req('::ffff:127.0.0.1', '1.2.3.4, 10.0.4.19')), '10.0.4.19', 'the proxy’s own entry');
  });

  it('ignores the header from anywhere else: a browser cannot pick its own address', () => {
    assert.equal(clientAddress(req('10.0.4.20', '10.9.9.9')), '10.0.4.20');
    assert.equal(clientAddress(req('127.0.0.1')), '127.0.0.1');
    assert.equal(clientAddress(req('127.0.0.1', ' ')), '127.0.0.1');
  });
});
