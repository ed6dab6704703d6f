/**
 * Working through a WAN outage at the site, end to end over real HTTP and WebSockets: the
 * site-only login with the hub's cached password verifiers, tokens the gateway signs itself
 * (login and `renew` over the socket), the panel served by the gateway, and what is refused.
 * The harness's gateway has no hub link, as during an outage.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  loginResponseValidator,
  sessionInfoValidator,
  SITE_TOKEN_ISSUER,
  type ServerMessage,
} from '@callgate/contracts';
import { decodeJwt } from 'jose';
import { OperatorClient } from '../support/operator-client.js';
import { startHarness, type Harness } from '../support/gateway-harness.js';
import { SITE_PASSWORD, siteVerifiers } from '../support/site-verifiers.js';

const INDEX = '<!doctype html><title>callgate</title><script type="module" src="/assets/main-3f2a9c1d.js"></script>';

describe('site-only login and gateway-signed tokens during an outage', () => {
  let h: Harness;
  let url: string;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  before(async () => {
    const verifiers = await siteVerifiers();
    h = await startHarness(
      { siteLogin: { panelDir: 'panel' } },
      {
        prepare: (dir) => {
          mkdirSync(join(dir, 'data'), { recursive: true });
          writeFileSync(join(dir, 'data', 'hub-verifiers.json'), JSON.stringify(verifiers));
          mkdirSync(join(dir, 'panel', 'assets'), { recursive: true });
          writeFileSync(join(dir, 'panel', 'index.html'), INDEX);
          writeFileSync(join(dir, 'panel', 'assets', 'main-3f2a9c1d.js'), 'console.log("panel")');
        },
      },
    );
    url = h.gateway.url;
  });
  after(async () => {
    await h.stop();
  });

  it('an operator logs in at the gateway, reloads, and works on the WebSocket with the token it gives', async () => {
    const login = await post('/auth/login', { username: 'op-1001', password: SITE_PASSWORD });
    assert.equal(login.status, 200);
    const body = loginResponseValidator.parse(await login.json());
    assert.ok(body.ok, 'the answer has the hub API shape the panel checks');
    assert.equal(body.value.session.issuedBy, 'site');
    const setCookie = login.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^callgate_site_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Expires=/);
    const cookie = setCookie.split(';')[0] ?? '';

    // A reload: the cookie brings the session back, and a fresh token with its CSRF token.
    const session = await fetch(`${url}/api/v1/auth/session`, { headers: { cookie } });
    const info = sessionInfoValidator.parse(await session.json());
    assert.ok(info.ok);
    assert.equal(info.value.user.id, 'op-1001');
    const noCsrf = await post('/auth/token', {}, { cookie });
    assert.equal(noCsrf.status, 401);
    const renewed = await post('/auth/token', {}, { cookie, 'x-csrf-token': info.value.csrfToken });
    assert.equal(renewed.status, 200);
    const token = ((await renewed.json()) as { token: string }).token;
    assert.equal(decodeJwt(token).iss, SITE_TOKEN_ISSUER);

    const { client, welcome } = await OperatorClient.login(url, token);
    assert.equal(welcome.operator.operatorId, 'op-1001');
    const paused = await client.command({ name: 'set-status', status: 'paused', reason: 'break' });
    assert.equal(paused.status, 'done');
    client.close();

    const logout = await post('/auth/logout', {}, { cookie, 'x-csrf-token': info.value.csrfToken });
    assert.equal(logout.status, 204);
    assert.equal((await fetch(`${url}/api/v1/auth/session`, { headers: { cookie } })).status, 204);
    assert.equal(h.gateway.siteLogin.userCount, 4);
  });

  it('a wrong password, a supervisor and a form post are refused with typed errors', async () => {
    const wrong = await post('/auth/login', { username: 'op-1002', password: 'nope nope nope' });
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { error: { code: string } }).error.code, 'GW_ERR_LOGIN_FAILED');
    const supervisor = await post('/auth/login', { username: 'sup-1', password: SITE_PASSWORD });
    assert.equal(supervisor.status, 403);
    assert.equal(
      ((await supervisor.json()) as { error: { code: string } }).error.code,
      'GW_ERR_SITE_LOGIN_UNAVAILABLE',
    );
    const form = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `username=op-1001&password=${encodeURIComponent(SITE_PASSWORD)}`,
    });
    assert.equal(form.status, 400);
    assert.equal(((await form.json()) as { error: { code: string } }).error.code, 'GW_ERR_BAD_REQUEST');
    const extra = await post('/auth/login', { username: 'op-1001', password: SITE_PASSWORD, admin: true });
    assert.equal(extra.status, 400);
  });

  it('a disposition saved at the site is kept for the hub (202); only with the session, its CSRF token, for this site', async () => {
    const login = await post('/auth/login', { username: 'op-1002', password: SITE_PASSWORD });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { session } = (await login.json()) as { session: { csrfToken: string } };
    const put = (recordId: string, body: unknown, headers: Record<string, string>) =>
      fetch(`${url}/api/v1/calls/${encodeURIComponent(recordId)}/disposition`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', cookie, ...headers },
        body: JSON.stringify(body),
      });
    const list = await fetch(`${url}/api/v1/dispositions`, { headers: { cookie } });
    assert.equal(list.status, 200);
    assert.ok(Array.isArray(await list.json()));
    assert.equal((await fetch(`${url}/api/v1/dispositions`)).status, 401, 'not without a session');

    const before = h.gateway.uplink.dispositions.depth();
    const csrf = { 'x-csrf-token': session.csrfToken };
    const saved = await put('moscow:c-42', { code: 'callback', notes: 'перезвонить после 17:00' }, csrf);
    assert.equal(saved.status, 202);
    const body = (await saved.json()) as { recordId: string; forwardedBy: string };
    assert.deepEqual([body.recordId, body.forwardedBy], ['moscow:c-42', 'site']);
    assert.equal(h.gateway.uplink.dispositions.depth(), before + 1);

    assert.equal((await put('moscow:c-43', { code: 'callback' }, {})).status, 401, 'no CSRF token');
    const otherSite = await put('tallinn:c-1', { code: 'callback' }, csrf);
    assert.equal(otherSite.status, 400);
    assert.equal((await put('moscow:c-44', { code: 'x', notes: 'n'.repeat(10_001) }, csrf)).status, 400);
    assert.equal(h.gateway.uplink.dispositions.depth(), before + 1, 'nothing refused was kept');
  });

  it('CRM routes answer 503 GW_ERR_CRM_NOT_HERE, which the panel shows as "CRM unreachable"', async () => {
    const r = await fetch(`${url}/api/v1/contacts/lookup?number=%2B79161234567`);
    assert.equal(r.status, 503);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'GW_ERR_CRM_NOT_HERE');
  });

  it('a panel opened from the hub renews its token over the socket and outlives the hub token', async () => {
    const now = Math.floor(Date.now() / 1000);
    // The hub's token ends in 2 s; the hub login behind it in 10 minutes.
    const hubToken = await h.issuer.sign({ sub: 'op-1002', ext: '1002', sxp: now + 600 }, { expiresInSeconds: 2 });
    const { client } = await OperatorClient.login(url, hubToken);
    const answer = client.next((m: ServerMessage) => m.type === 'site-token' || m.type === 'error');
    client.sendRaw(JSON.stringify({ type: 'renew' }));
    const reply = await answer;
    assert.equal(reply.type, 'site-token');
    const claims = decodeJwt(reply.type === 'site-token' ? reply.token : '');
    assert.equal(claims.sub, 'op-1002');
    assert.equal(claims.iss, SITE_TOKEN_ISSUER);
    assert.ok((claims.exp ?? 0) <= now + 600, 'never past the hub login');
    // Past the hub token's end the socket is still open and takes commands.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(client.closeCode, undefined);
    const ready = await client.command({ name: 'set-status', status: 'ready' });
    assert.equal(ready.status, 'done');
    client.close();
  });

  it('renewals asked again before the answer get one answer: one token signed, not one per ask', async () => {
    const now = Math.floor(Date.now() / 1000);
    const hubToken = await h.issuer.sign({ sub: 'op-1002', ext: '1002', sxp: now + 600 }, { expiresInSeconds: 60 });
    const { client } = await OperatorClient.login(url, hubToken);
    client.sendRawTogether(Array.from({ length: 5 }, () => JSON.stringify({ type: 'renew' })));
    await client.waitFor((m) => m.type === 'site-token');
    // A command's reply comes after the renewal's: anything more the renewals caused has arrived.
    assert.equal((await client.command({ name: 'set-status', status: 'ready' })).status, 'done');
    assert.equal(client.received.filter((m) => m.type === 'site-token' || m.type === 'error').length, 1);
    client.close();
  });

  it('renew is refused once the hub login has ended', async () => {
    const now = Math.floor(Date.now() / 1000);
    const hubToken = await h.issuer.sign({ sub: 'op-1001', ext: '1001', sxp: now - 1 }, { expiresInSeconds: 60 });
    const { client } = await OperatorClient.login(url, hubToken);
    const answer = client.next((m: ServerMessage) => m.type === 'site-token' || m.type === 'error');
    client.sendRaw(JSON.stringify({ type: 'renew' }));
    const reply = await answer;
    assert.deepEqual(reply.type === 'error' ? reply.code : reply.type, 'GW_ERR_SITE_TOKEN_REFUSED');
    client.close();
  });

  it('serves the built panel, and nothing else from the disk', async () => {
    const index = await fetch(`${url}/`);
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    assert.equal(await index.text(), INDEX);
    const asset = await fetch(`${url}/assets/main-3f2a9c1d.js`);
    assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    for (const path of ['/../gateway.yaml', '/%2e%2e/gateway.yaml', '/data/site-token-key.json', '/gateway.yaml']) {
      const r = await fetch(`${url}${path}`);
      assert.notEqual(r.status, 200, path);
      assert.doesNotMatch(await r.text(), /"d"|secretFile/, path);
    }
  });
});
