import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { LoginResponse } from '@callgate/contracts';
import { HubClient, HubRequestError } from '../../src/client/hub-client.js';
import { PanelErrorCode } from '../../src/errors.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const login: LoginResponse = {
  session: {
    user: {
      id: 'anna',
      name: 'Anna',
      role: 'operator',
      site: 'tallinn',
      extension: '1001',
      endpoint: 'PJSIP/1001',
      disabled: false,
      createdAt: '2026-11-27T08:00:00.000Z',
      updatedAt: '2026-11-27T08:00:00.000Z',
    },
    site: { id: 'tallinn', name: 'Tallinn', gatewayUrl: 'http://gw.tallinn:8081' },
    csrfToken: 'csrf-123',
    sessionExpiresAt: '2026-11-27T20:00:00.000Z',
  },
  token: { token: 'jwt', expiresAt: '2026-11-27T10:15:00.000Z' },
};

/** A real HTTP server standing in for the hub's routes the test needs. */
describe('hub client', () => {
  const seen: Seen[] = [];
  let respond: (req: Seen, res: http.ServerResponse) => void = (_req, res) => res.end();
  let server: http.Server;
  let base = '';
  const reachability: boolean[] = [];
  let sessionEnded = 0;
  const client = (): HubClient =>
    new HubClient({
      baseUrl: base,
      timeoutMs: 2_000,
      onReachability: (r) => reachability.push(r),
      onSessionEnded: () => sessionEnded++,
    });
  const json = (res: http.ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
        seen.push(entry);
        respond(entry, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('logs in, then sends the CSRF token with every change and never with a read', async () => {
    seen.length = 0;
    respond = (req, res) => {
      if (req.url === '/api/v1/auth/login') return json(res, 200, login);
      if (req.url === '/api/v1/auth/token') return json(res, 200, login.token);
      return json(res, 200, { items: [], nextCursor: null });
    };
    const hub = client();
    const response = await hub.login('anna', 'secret password');
    assert.equal(response.session.user.name, 'Anna');
    await hub.renewToken();
    await hub.listCalls({ limit: 30, operator: 'anna' });
    assert.deepEqual(JSON.parse(seen[0]?.body ?? ''), { username: 'anna', password: 'secret password' });
    assert.equal(seen[1]?.headers['x-csrf-token'], 'csrf-123');
    assert.equal(seen[2]?.headers['x-csrf-token'], undefined);
    assert.equal(seen[2]?.url, '/api/v1/calls?limit=30&operator=anna');
  });

  it("turns the hub's error body into a typed error with its code and field problems", async () => {
    respond = (_req, res) =>
      json(res, 400, {
        error: {
          code: 'HUB_ERR_UNKNOWN_DISPOSITION',
          message: 'disposition "x" is not in the configured list',
          problems: [{ path: 'code', reason: 'must be one of resolved, sale' }],
        },
      });
    await assert.rejects(client().saveDisposition('tallinn:cg-1', 'x', ''), (error: unknown) => {
      assert.ok(error instanceof HubRequestError);
      assert.equal(error.code, 'HUB_ERR_UNKNOWN_DISPOSITION');
      assert.equal(error.status, 400);
      assert.equal(error.problems[0]?.path, 'code');
      return true;
    });
    assert.equal(seen.at(-1)?.method, 'PUT');
    assert.equal(seen.at(-1)?.url, '/api/v1/calls/tallinn%3Acg-1/disposition');
  });

  it('a proxy answering 502 means the hub is unreachable, and the panel is told', async () => {
    reachability.length = 0;
    respond = (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad gateway</html>');
    };
    await assert.rejects(client().lookupContacts('+3725551234'), { code: PanelErrorCode.HubUnreachable, status: 502 });
    assert.deepEqual(reachability, [false]);
  });

  it('a hub that does not answer at all is unreachable too', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const hub = new HubClient({ baseUrl: `http://127.0.0.1:${port}` });
    await assert.rejects(hub.renewToken(), { code: PanelErrorCode.HubUnreachable, status: null });
  });

  it('a 401 on a request that needs the session reports the session as ended', async () => {
    sessionEnded = 0;
    respond = (_req, res) => json(res, 401, { error: { code: 'HUB_ERR_UNAUTHENTICATED', message: 'not logged in' } });
    await assert.rejects(client().listCalls({}), { code: 'HUB_ERR_UNAUTHENTICATED' });
    assert.equal(sessionEnded, 1);
  });

  it('asking who is logged in: 204 means nobody, which is not an error and ends no session', async () => {
    sessionEnded = 0;
    respond = (_req, res) => {
      res.writeHead(204);
      res.end();
    };
    assert.equal(await client().session(), null);
    assert.equal(sessionEnded, 0);
    respond = (_req, res) => json(res, 200, login.session);
    const hub = client();
    assert.equal((await hub.session())?.user.id, 'anna');
    respond = (_req, res) => json(res, 200, login.token);
    await hub.renewToken();
    assert.equal(seen[seen.length - 1]?.headers['x-csrf-token'], 'csrf-123', 'the CSRF token came with the session');
  });

  it('a gateway serving the panel during an outage answers like the hub: a site session, login refusals, no CRM', async () => {
    const siteSession = { ...login.session, issuedBy: 'site', site: { ...login.session.site, gatewayUrl: '' } };
    respond = (_req, res) => json(res, 200, siteSession);
    const gateway = client();
    const info = await gateway.session();
    assert.equal(info?.issuedBy, 'site');
    assert.equal(info?.site?.gatewayUrl, '', "'' means the page's own origin");

    respond = (_req, res) =>
      json(res, 403, { error: { code: 'GW_ERR_SITE_LOGIN_UNAVAILABLE', message: 'the hub is reachable' } });
    await assert.rejects(gateway.login('anna', 'pw'), { code: 'GW_ERR_SITE_LOGIN_UNAVAILABLE', status: 403 });
    respond = (_req, res) =>
      json(res, 429, { error: { code: 'GW_ERR_LOGIN_RATE_LIMITED', message: 'slow down', retryAfterSeconds: 60 } });
    await assert.rejects(gateway.login('anna', 'pw'), { code: 'GW_ERR_LOGIN_RATE_LIMITED', retryAfterSeconds: 60 });

    reachability.length = 0;
    respond = (_req, res) => json(res, 503, { error: { code: 'GW_ERR_CRM_NOT_HERE', message: 'only the hub has it' } });
    await assert.rejects(gateway.listCalls({}), { code: PanelErrorCode.HubUnreachable, status: 503 });
    assert.deepEqual(reachability, [false]);

    // A disposition is kept by the gateway for the hub: 202, which counts as saved.
    const queued = {
      recordId: 'tallinn:cg-1',
      code: 'resolved',
      queuedAt: '2026-11-28T09:00:00.000Z',
      forwardedBy: 'site',
    };
    respond = (_req, res) => json(res, 202, queued);
    assert.deepEqual(await gateway.saveDisposition('tallinn:cg-1', 'resolved', ''), queued);
    respond = (_req, res) => json(res, 202, { ...queued, forwardedBy: 'somebody' });
    await assert.rejects(gateway.saveDisposition('tallinn:cg-1', 'resolved', ''), { code: PanelErrorCode.BadResponse });
  });

  it('an answer outside the API is refused before any screen sees it', async () => {
    respond = (_req, res) => json(res, 200, { number: '+3725551234', contacts: [{ id: 'x', name: 42 }] });
    await assert.rejects(client().lookupContacts('+3725551234'), { code: PanelErrorCode.BadResponse });
    respond = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"truncated":');
    };
    await assert.rejects(client().lookupContacts('+3725551234'), { code: PanelErrorCode.BadResponse });
  });
});
