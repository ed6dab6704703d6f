import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type {
  ReadinessResponse,
  SiteCredentialResponse,
  WebhookDelivery,
  WebhookWithSecret,
} from '@callgate/contracts';
import type { HubPlugin } from '../src/http/server.js';
import { api, login, PASSWORD, seedWorld, startTestHub, type TestHub } from './support/hub-harness.js';
import { ENGINES } from './support/engines.js';
import { makeRecord } from './support/records.js';
import { eventually, WebhookReceiver } from './support/receiver.js';

for (const engine of ENGINES) {
  describe(`operations on ${engine}`, () => {
    let t: TestHub;
    before(async () => {
      t = await startTestHub(engine, { webhooks: { timeoutSeconds: 2 } });
      await seedWorld(t);
    });
    after(() => t.close());

    it('answers health and readiness, naming the database engine', async () => {
      assert.deepEqual((await api(t.url, 'GET', '/health')).body, { status: 'ok' });
      const ready = await api<ReadinessResponse>(t.url, 'GET', '/ready');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body, {
        ready: true,
        database: engine,
        checks: { database: 'ok', migrations: 'ok', shutdown: 'ok' },
      });
    });

    it('exposes Prometheus metrics for requests, logins, ingest and webhooks', async () => {
      await login(t.url, 'anna', PASSWORD);
      await api(t.url, 'POST', '/api/v1/auth/login', { body: { username: 'anna', password: 'wrong password' } });
      await t.hub.core.ingestRecord(makeRecord(), 'site:tallinn');
      await t.hub.core.ingestRecord({ nonsense: true }, 'site:tallinn');
      const r = await api<string>(t.url, 'GET', '/metrics');
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /text\/plain/);
      assert.match(r.body, /callgate_hub_logins_total\{result="ok"\} [1-9]/);
      assert.match(r.body, /callgate_hub_logins_total\{result="credentials"\} [1-9]/);
      assert.match(r.body, /callgate_hub_records_ingested_total\{result="stored"\} 1/);
      assert.match(r.body, /callgate_hub_records_ingested_total\{result="dead-lettered"\} 1/);
      assert.match(
        r.body,
        /callgate_hub_http_requests_total\{method="POST",route="\/api\/v1\/auth\/login",status="200"\}/,
      );
      assert.match(r.body, /callgate_hub_process_resident_memory_bytes/);
    });

    it('documents the API as OpenAPI at /api/docs', async () => {
      const ui = await api<string>(t.url, 'GET', '/api/docs/static/index.html');
      assert.equal(ui.status, 200);
      assert.match(ui.body, /swagger/i);
      const doc = await api<{ openapi: string; paths: Record<string, unknown> }>(t.url, 'GET', '/api/docs/json');
      assert.match(doc.body.openapi, /^3\./);
      for (const path of [
        '/api/v1/auth/login',
        '/api/v1/calls',
        '/api/v1/contacts/lookup',
        '/api/v1/webhooks/deliveries/{delivery}/replay',
      ]) {
        assert.ok(path in doc.body.paths, path);
      }
    });

    it('says the panel is not built, in JSON, when its bundle is missing', async () => {
      const r = await api<{ error: { code: string; message: string } }>(t.url, 'GET', '/');
      assert.equal(r.status, 404);
      assert.equal(r.body.error.code, 'HUB_ERR_PANEL_NOT_BUILT');
      assert.match(r.body.error.message, /npm run build -w @callgate\/panel/);
    });

    it('never writes passwords, tokens, cookies, site credentials, webhook secrets or looked-up numbers to its log', async () => {
      const admin = await login(t.url, 'admin', PASSWORD);
      const credential = (
        await api<SiteCredentialResponse>(t.url, 'POST', '/api/v1/sites/tallinn/credential', {
          as: { token: admin.token },
        })
      ).body.credential;
      await api(t.url, 'GET', '/api/v1/sites/tallinn/directory', { as: { site: credential } });
      const hook = (
        await api<WebhookWithSecret>(t.url, 'POST', '/api/v1/webhooks', {
          as: { token: admin.token },
          body: { url: 'http://127.0.0.1:9/unreachable', events: ['call.completed'] },
        })
      ).body;
      await api(t.url, 'POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'a wrong password' } });
      await api(t.url, 'POST', '/api/v1/auth/token', { as: { cookie: admin.cookie, csrf: admin.csrf } });
      await api(t.url, 'POST', '/api/v1/auth/password', {
        as: { token: admin.token },
        body: { currentPassword: PASSWORD, newPassword: 'admins second password' },
      });
      const anna = await login(t.url, 'anna', PASSWORD);
      await api(t.url, 'GET', '/api/v1/contacts/lookup?number=%2B37259876543', { as: { token: anna.token } });
      const text = t.logs.text;
      assert.ok(text.includes('/api/v1/contacts/lookup'), 'requests are logged by path');
      assert.equal(text.includes('59876543'), false, "a customer's number (in the query string) is not logged");
      assert.ok(text.length > 0 && text.includes('"msg"'), 'the log has lines');
      for (const secret of [
        PASSWORD,
        'a wrong password',
        'admins second password',
        admin.token,
        admin.cookie.split('=')[1] ?? 'x',
        admin.csrf,
        credential,
        hook.secret,
      ]) {
        assert.equal(text.includes(secret), false, `log holds ${secret.slice(0, 12)}…`);
      }
    });

    it('finishes a webhook delivery in flight before it stops, and records the attempt', async () => {
      const receiver = new WebhookReceiver();
      receiver.script.push('hang');
      const url = await receiver.start();
      const second = await startTestHub(engine, { webhooks: { timeoutSeconds: 0.3 } });
      try {
        await seedWorld(second);
        const admin = await login(second.url, 'admin', PASSWORD);
        await api(second.url, 'POST', '/api/v1/webhooks', {
          as: { token: admin.token },
          body: { url, events: ['call.completed'] },
        });
        await second.hub.core.ingestRecord(makeRecord(), 'site:tallinn');
        await eventually(() => (receiver.received.length > 0 ? true : undefined), 'the delivery to start');
        const db = second.hub.core.database.db;
        await second.hub.close();
        const attempts = await db.selectFrom('webhook_attempts').selectAll().execute();
        const [delivery] = await db.selectFrom('webhook_deliveries').selectAll().execute();
        assert.equal(attempts.length, 1, 'the attempt in flight was logged before the database closed');
        assert.equal(
          delivery?.status,
          'pending' satisfies WebhookDelivery['status'],
          'and will be retried by the next start',
        );
        assert.equal(
          (await api(second.url, 'GET', '/health').catch(() => ({ status: 0 }))).status,
          0,
          'no longer listening',
        );
      } finally {
        await second.close();
        await receiver.stop();
      }
    });
  });
}

describe('shutdown', () => {
  it('lets a request in flight finish, and refuses readiness meanwhile', async () => {
    let entered: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const slowRoute: HubPlugin = {
      name: 'slow-route',
      register(app) {
        app.get('/test/slow', { config: { auth: 'public' } }, async () => {
          entered();
          await released;
          return { finished: true };
        });
      },
    };
    const t = await startTestHub('sqlite', {}, { plugins: [slowRoute] });
    try {
      const response = fetch(`${t.url}/test/slow`).then(async (r) => ({
        status: r.status,
        body: await r.json(),
      }));
      await inHandler;
      const closing = t.hub.close();
      const ready = await api<ReadinessResponse>(t.url, 'GET', '/ready').catch(() => undefined);
      assert.notEqual(ready?.status, 200, 'not ready while stopping');
      release();
      assert.deepEqual(await response, { status: 200, body: { finished: true } });
      await closing;
    } finally {
      await t.close();
    }
  });
});

describe('the operator panel bundle', () => {
  let t: TestHub;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'callgate-panel-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>callgate</title><script src="/app.js"></script>');
    writeFileSync(join(dir, 'app.js'), 'console.log("panel")');
    t = await startTestHub('sqlite', { panelDir: dir });
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is served at /, its files by name, and its client-side routes get index.html; the API keeps JSON errors', async () => {
    const root = await api<string>(t.url, 'GET', '/');
    assert.equal(root.status, 200);
    assert.match(root.body, /<title>callgate<\/title>/);
    assert.match((await api<string>(t.url, 'GET', '/app.js')).body, /panel/);
    assert.match((await api<string>(t.url, 'GET', '/calls/rec-1')).body, /<title>callgate<\/title>/);
    const apiMiss = await api<{ error: { code: string } }>(t.url, 'GET', '/api/v1/nothing-here');
    assert.equal(apiMiss.status, 404);
    assert.equal(apiMiss.body.error.code, 'HUB_ERR_NOT_FOUND');
  });
});
