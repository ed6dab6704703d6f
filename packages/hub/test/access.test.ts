import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  ApiErrorBody,
  HubSite,
  SiteCredentialResponse,
  SiteCredentialVerifiers,
  SiteDirectory,
} from '@callgate/contracts';
import { api, login, PASSWORD, seedWorld, startTestHub, type LoggedIn, type TestHub } from './support/hub-harness.js';
import { ENGINES } from './support/engines.js';

const PUBLIC = new Set([
  'POST /api/v1/auth/login',
  'GET /api/v1/keys',
  'GET /.well-known/jwks.json',
  'GET /health',
  'GET /ready',
]);
/** Without credentials these answer 204 "nobody is logged in"; a bad token is still refused. */
const NOBODY_IS_AN_ANSWER = new Set(['GET /api/v1/auth/session']);

const PARAMS: Record<string, string> = {
  user: 'anna',
  site: 'tallinn',
  queue: 'support',
  contact: '00000000-0000-0000-0000-000000000000',
  record: 'rec-1',
  delivery: '1',
  webhook: '00000000-0000-0000-0000-000000000000',
};

/** Every route in the OpenAPI document, with its path parameters filled in. */
function routesOf(t: TestHub): { method: string; path: string; key: string }[] {
  const doc = t.hub.app.swagger() as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.keys(methods).map((m) => ({
      method: m.toUpperCase(),
      key: `${m.toUpperCase()} ${template}`,
      path: template.replace(/\{(\w+)\}/g, (_, name: string) => PARAMS[name] ?? 'x'),
    })),
  );
}

/** Changes only admins may make, and reads of admin-only data. */
const ADMIN_ONLY: [string, string, unknown?][] = [
  ['GET', '/api/v1/keys/signing'],
  ['POST', '/api/v1/keys/rotate', {}],
  [
    'POST',
    '/api/v1/users',
    { id: 'x1', name: 'X', role: 'operator', site: 'tallinn', extension: '1999', password: 'long enough pw' },
  ],
  ['PATCH', '/api/v1/users/boris', { disabled: true }],
  ['POST', '/api/v1/sites', { id: 'riga', name: 'Riga', gatewayUrl: 'https://gw.riga.example' }],
  ['PATCH', '/api/v1/sites/tallinn', { name: 'Hacked' }],
  ['POST', '/api/v1/sites/tallinn/credential'],
  ['GET', '/api/v1/sites/tallinn/verifiers'],
  ['PUT', '/api/v1/sites/tallinn/queues/support', { label: 'Hacked' }],
  ['DELETE', '/api/v1/sites/tallinn/queues/support'],
  ['PUT', '/api/v1/sites/tallinn/queues/support/members/anna'],
  ['DELETE', '/api/v1/sites/tallinn/queues/support/members/anna'],
  ['GET', '/api/v1/audit'],
  ['POST', '/api/v1/contacts/import'],
  ['POST', '/api/v1/records', { records: [{}] }],
  ['GET', '/api/v1/dead-letters'],
  ['GET', '/api/v1/webhooks'],
  ['POST', '/api/v1/webhooks', { url: 'https://crm.example/hook', events: ['call.completed'] }],
  ['GET', '/api/v1/webhooks/deliveries'],
  ['GET', '/api/v1/webhooks/deliveries/1'],
  ['POST', '/api/v1/webhooks/deliveries/1/replay'],
];

for (const engine of ENGINES) {
  describe(`role and site checks on ${engine}`, () => {
    let t: TestHub;
    const as: Record<string, LoggedIn> = {};
    before(async () => {
      t = await startTestHub(engine);
      await seedWorld(t);
      await t.hub.core.sites.putQueue('system', 'tallinn', 'support', 'Support line');
      await t.hub.core.sites.addMember('system', 'tallinn', 'support', 'anna');
      for (const name of ['admin', 'sue', 'mark', 'anna', 'ivan']) as[name] = await login(t.url, name, PASSWORD);
    });
    after(() => t.close());

    it('refuses every endpoint but login, keys, health and readiness without credentials or with a bad token (who is logged in: nobody)', async () => {
      const routes = routesOf(t);
      assert.ok(routes.length > 40, `only ${routes.length} routes found`);
      for (const route of routes) {
        if (PUBLIC.has(route.key)) continue;
        const headerSets: Record<string, string>[] = [
          {},
          { authorization: 'Bearer not.a.token' },
          { authorization: 'Basic YWRtaW46YWRtaW4=' },
        ];
        for (const headers of headerSets) {
          const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
          const r = await api<ApiErrorBody>(t.url, route.method, route.path, { headers, ...(body ? { body } : {}) });
          if (NOBODY_IS_AN_ANSWER.has(route.key) && headers.authorization === undefined) {
            assert.equal(r.status, 204, route.key);
            continue;
          }
          assert.equal(r.status, 401, `${route.key} with ${JSON.stringify(headers)}`);
          assert.equal(r.body.error.code, 'HUB_ERR_UNAUTHENTICATED', route.key);
        }
      }
      for (const key of PUBLIC) {
        const [method, path] = key.split(' ') as [string, string];
        if (method === 'GET') assert.equal((await api(t.url, method, path)).status, 200, key);
      }
    });

    it('refuses admin-only endpoints to operators and supervisors', async () => {
      for (const who of ['anna', 'sue']) {
        for (const [method, path, body] of ADMIN_ONLY) {
          const r = await api<ApiErrorBody>(t.url, method, path, {
            as: { token: (as[who] as LoggedIn).token },
            ...(body === undefined ? {} : { body }),
          });
          assert.equal(r.status, 403, `${who}: ${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
          assert.equal(r.body.error.code, 'HUB_ERR_FORBIDDEN');
        }
      }
      // Nothing changed.
      const site = await api<HubSite>(t.url, 'GET', '/api/v1/sites/tallinn', {
        as: { token: (as.admin as LoggedIn).token },
      });
      assert.equal(site.body.name, 'Tallinn');
      assert.equal(site.body.hasCredential, false);
    });

    it("keeps a supervisor to their own site's users, queues and directory", async () => {
      const sue = (as.sue as LoggedIn).token;
      assert.equal((await api(t.url, 'GET', '/api/v1/sites/tallinn/queues', { as: { token: sue } })).status, 200);
      assert.equal((await api(t.url, 'GET', '/api/v1/sites/moscow/queues', { as: { token: sue } })).status, 403);
      assert.equal((await api(t.url, 'GET', '/api/v1/sites/tallinn/directory', { as: { token: sue } })).status, 200);
      assert.equal((await api(t.url, 'GET', '/api/v1/sites/moscow/directory', { as: { token: sue } })).status, 403);
      assert.equal((await api(t.url, 'GET', '/api/v1/users?site=moscow', { as: { token: sue } })).status, 403);
      const users = await api<{ items: { id: string }[] }>(t.url, 'GET', '/api/v1/users', { as: { token: sue } });
      assert.deepEqual(
        users.body.items.map((u) => u.id),
        ['anna', 'boris', 'sue'],
      );
      assert.equal((await api(t.url, 'GET', '/api/v1/users/ivan', { as: { token: sue } })).status, 404);
    });

    it('shows an operator their own site and user only', async () => {
      const anna = (as.anna as LoggedIn).token;
      const sites = await api<HubSite[]>(t.url, 'GET', '/api/v1/sites', { as: { token: anna } });
      assert.deepEqual(
        sites.body.map((s) => s.id),
        ['tallinn'],
      );
      assert.equal((await api(t.url, 'GET', '/api/v1/sites/moscow', { as: { token: anna } })).status, 404);
      assert.equal((await api(t.url, 'GET', '/api/v1/users', { as: { token: anna } })).status, 403);
      assert.equal((await api(t.url, 'GET', '/api/v1/users/anna', { as: { token: anna } })).status, 200);
      assert.equal((await api(t.url, 'GET', '/api/v1/users/boris', { as: { token: anna } })).status, 404);
      assert.equal(
        (await api(t.url, 'GET', '/api/v1/sites/tallinn/queues', { as: { token: anna } })).status,
        403,
        'operators never see queue names',
      );
      assert.equal((await api(t.url, 'GET', '/api/v1/sites/tallinn/directory', { as: { token: anna } })).status, 403);
    });

    it('records who changed what and when in the audit log, never a password or credential', async () => {
      const admin = (as.admin as LoggedIn).token;
      const t0 = new Date(t.clock.now).toISOString();
      await api(t.url, 'POST', '/api/v1/users', {
        as: { token: admin },
        body: {
          id: 'vera',
          name: 'Vera',
          role: 'operator',
          site: 'moscow',
          extension: '2002',
          password: 'veras password',
        },
      });
      await api(t.url, 'PATCH', '/api/v1/users/vera', {
        as: { token: admin },
        body: { password: 'veras new password' },
      });
      await api(t.url, 'PUT', '/api/v1/sites/moscow/queues/sales', { as: { token: admin }, body: { label: 'Sales' } });
      await api(t.url, 'PUT', '/api/v1/sites/moscow/queues/sales/members/vera', { as: { token: admin } });
      const page = await api<{
        items: { at: string; actor: string; action: string; target: string; details: Record<string, unknown> }[];
      }>(t.url, 'GET', '/api/v1/audit?limit=10', { as: { token: admin } });
      const mine = page.body.items
        .filter((e) => e.actor === 'user:admin')
        .slice(0, 4)
        .reverse();
      assert.deepEqual(
        mine.map((e) => [e.action, e.target]),
        [
          ['user.create', 'user:vera'],
          ['user.update', 'user:vera'],
          ['queue.put', 'queue:moscow/sales'],
          ['queue.member.add', 'queue:moscow/sales'],
        ],
      );
      assert.ok(mine.every((e) => e.at >= t0));
      assert.deepEqual(mine[1]?.details, { passwordChanged: true, sessionsEnded: true });
      assert.doesNotMatch(JSON.stringify(page.body), /veras (new )?password/);
    });

    it("lets a site's credential read only that site's directory and verifiers, and nothing else", async () => {
      const issued = await api<SiteCredentialResponse>(t.url, 'POST', '/api/v1/sites/tallinn/credential', {
        as: { token: (as.admin as LoggedIn).token },
      });
      const site = issued.body.credential;
      const directory = await api<SiteDirectory>(t.url, 'GET', '/api/v1/sites/tallinn/directory', { as: { site } });
      assert.equal(directory.status, 200);
      assert.deepEqual(
        directory.body.operators.map((o) => [o.id, o.extension, o.endpoint, o.queues]),
        [
          ['anna', '1001', 'PJSIP/1001', ['support']],
          ['boris', '1002', 'PJSIP/1002', []],
        ],
      );
      assert.deepEqual(directory.body.queues, [{ name: 'support', label: 'Support line' }]);
      const verifiers = await api<SiteCredentialVerifiers>(t.url, 'GET', '/api/v1/sites/tallinn/verifiers', {
        as: { site },
      });
      assert.deepEqual(
        verifiers.body.users.map((u) => u.userId),
        ['anna', 'boris', 'olga', 'sue'],
        'admins are left out',
      );
      assert.ok(verifiers.body.users.every((u) => u.verifier.startsWith('$scrypt$')));
      assert.doesNotMatch(JSON.stringify(verifiers.body), new RegExp(PASSWORD));
      assert.equal((await api(t.url, 'GET', '/api/v1/sites/moscow/directory', { as: { site } })).status, 403);
      assert.equal((await api(t.url, 'GET', '/api/v1/calls', { as: { site } })).status, 401);
      assert.equal(
        (await api(t.url, 'GET', '/api/v1/contacts/lookup?number=%2B37251234567', { as: { site } })).status,
        401,
      );
    });
  });
}
