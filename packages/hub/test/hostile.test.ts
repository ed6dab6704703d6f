import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiErrorBody, Contact, ContactLookupResponse, PageOf } from '@callgate/contracts';
import { api, login, PASSWORD, seedWorld, startTestHub, type LoggedIn, type TestHub } from './support/hub-harness.js';
import { ENGINES } from './support/engines.js';
import { makeRecord } from './support/records.js';

for (const engine of ENGINES) {
  describe(`hostile input on ${engine}`, () => {
    let t: TestHub;
    let admin: LoggedIn;
    let anna: LoggedIn;
    before(async () => {
      t = await startTestHub(engine, { limits: { bodyBytes: 65536, importBytes: 131072 } });
      await seedWorld(t);
      admin = await login(t.url, 'admin', PASSWORD);
      anna = await login(t.url, 'anna', PASSWORD);
      await api(t.url, 'POST', '/api/v1/contacts', {
        as: { token: anna.token },
        body: { name: "O'Brien; DROP TABLE contacts; --", phones: [{ number: '+37251110000' }] },
      });
    });
    after(() => t.close());

    const code = (r: { body: unknown }) => (r.body as ApiErrorBody).error.code;

    it('treats SQL in every input as text: nothing leaks, nothing is dropped', async () => {
      const injections = ["' OR '1'='1", "%' OR 1=1 --", "'; DROP TABLE contacts; --", '" OR ""="', '\\'];
      for (const q of injections) {
        const r = await api<PageOf<Contact>>(t.url, 'GET', `/api/v1/contacts?q=${encodeURIComponent(q)}`, {
          as: { token: anna.token },
        });
        assert.equal(r.status, 200, q);
        assert.ok(
          r.body.items.every((c) => c.name.toLowerCase().includes(q.toLowerCase())),
          q,
        );
      }
      const exact = await api<PageOf<Contact>>(
        t.url,
        'GET',
        `/api/v1/contacts?q=${encodeURIComponent("o'brien; drop table")}`,
        {
          as: { token: anna.token },
        },
      );
      assert.deepEqual(
        exact.body.items.map((c) => c.name),
        ["O'Brien; DROP TABLE contacts; --"],
      );
      const lookup = await api(t.url, 'GET', `/api/v1/contacts/lookup?number=${encodeURIComponent("1' OR '1'='1")}`, {
        as: { token: anna.token },
      });
      assert.equal(code(lookup), 'HUB_ERR_BAD_PHONE_NUMBER');
      const path = await api(t.url, 'GET', `/api/v1/calls/${encodeURIComponent("x' OR 1=1 --")}`, {
        as: { token: anna.token },
      });
      assert.equal(path.status, 404);
      const site = await api(t.url, 'GET', `/api/v1/calls?site=${encodeURIComponent("tallinn' OR 1=1")}`, {
        as: { token: admin.token },
      });
      assert.equal(code(site), 'HUB_ERR_VALIDATION');
      const record = makeRecord({ recordId: "r'); DELETE FROM calls; --", crmRef: "'; DROP TABLE calls; --" });
      assert.equal((await t.hub.core.ingestRecord(record, 'site:tallinn')).result, 'stored');
      const still = await api<ContactLookupResponse>(t.url, 'GET', '/api/v1/contacts/lookup?number=%2B37251110000', {
        as: { token: anna.token },
      });
      assert.equal(still.body.contacts.length, 1);
      const call = await api(t.url, 'GET', `/api/v1/calls/${encodeURIComponent(record.recordId)}`, {
        as: { token: anna.token },
      });
      assert.equal(call.status, 200);
    });

    it('refuses JSON that would pollute prototypes, and fields no schema has', async () => {
      const proto = await api(t.url, 'POST', '/api/v1/contacts', {
        as: { token: anna.token },
        body: '{"name":"x","__proto__":{"isAdmin":true}}',
      });
      assert.equal(proto.status, 400);
      assert.equal(code(proto), 'HUB_ERR_BAD_JSON');
      const ctor = await api(t.url, 'POST', '/api/v1/contacts', {
        as: { token: anna.token },
        body: '{"name":"x","constructor":{"prototype":{"isAdmin":true}}}',
      });
      assert.equal(code(ctor), 'HUB_ERR_BAD_JSON');
      const extra = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/contacts', {
        as: { token: anna.token },
        body: { name: 'x', role: 'admin' },
      });
      assert.equal(extra.body.error.code, 'HUB_ERR_VALIDATION');
      assert.deepEqual(extra.body.error.problems, [{ path: 'body.role', reason: 'is not a known field' }]);
      const types = await api<ApiErrorBody>(t.url, 'PATCH', '/api/v1/users/anna', {
        as: { token: admin.token },
        body: { role: 'root', disabled: 'yes' },
      });
      assert.equal(types.status, 400);
      assert.deepEqual(types.body.error.problems, [
        { path: 'body.role', reason: 'must be one of operator, supervisor, admin' },
        { path: 'body.disabled', reason: 'must be boolean' },
      ]);
      assert.equal(({} as Record<string, unknown>).isAdmin, undefined);
    });

    it('refuses bodies that are not JSON, or not the content type an endpoint takes', async () => {
      const broken = await api(t.url, 'POST', '/api/v1/auth/login', { body: '{"username": "anna", "password": ' });
      assert.equal(broken.status, 400);
      assert.equal(code(broken), 'HUB_ERR_BAD_JSON');
      const form = await api(t.url, 'POST', '/api/v1/auth/login', {
        body: 'username=anna&password=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(form.status, 415, 'a cross-site HTML form cannot post to the API');
      assert.equal(code(form), 'HUB_ERR_UNSUPPORTED_MEDIA_TYPE');
      const empty = await api(t.url, 'POST', '/api/v1/contacts', { as: { token: anna.token }, body: '' });
      assert.equal(empty.status, 400);
    });

    it('refuses oversize bodies, long fields and oversize batches with their own errors', async () => {
      const big = await api(t.url, 'POST', '/api/v1/contacts', {
        as: { token: anna.token },
        body: { name: 'x', notes: 'n'.repeat(70_000) },
      });
      assert.equal(big.status, 413);
      assert.equal(code(big), 'HUB_ERR_BODY_TOO_LARGE');
      const csv = `name,phone\n${'Somebody,+37251234567\n'.repeat(7000)}`;
      const bigCsv = await api(t.url, 'POST', '/api/v1/contacts/import', {
        as: { token: admin.token },
        body: csv,
        headers: { 'content-type': 'text/csv' },
      });
      assert.equal(bigCsv.status, 413);
      const longName = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/auth/login', {
        body: { username: 'a'.repeat(5000), password: 'x' },
      });
      assert.equal(longName.body.error.code, 'HUB_ERR_VALIDATION');
      const batch = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/records', {
        as: { token: admin.token },
        body: { records: Array.from({ length: 1001 }, () => ({})) },
      });
      assert.equal(batch.body.error.code, 'HUB_ERR_VALIDATION');
    });

    it('refuses NUL characters, which the database cannot store, as validation errors, and dead-letters records holding one', async () => {
      const body = await api(t.url, 'POST', '/api/v1/contacts', {
        as: { token: anna.token },
        body: { name: 'a\u0000b' },
      });
      assert.equal(body.status, 400);
      assert.equal(code(body), 'HUB_ERR_VALIDATION');
      const query = await api(t.url, 'GET', '/api/v1/contacts?q=%00', { as: { token: anna.token } });
      assert.equal(code(query), 'HUB_ERR_VALIDATION');
      const record = makeRecord({ crmRef: 'ref\u0000' });
      const outcome = await t.hub.core.ingestRecord(record, 'site:tallinn');
      assert.equal(outcome.result, 'dead-lettered', 'not a database error the uplink would retry forever');
      const csv = await api(t.url, 'POST', '/api/v1/contacts/import', {
        as: { token: admin.token },
        body: 'name,phone\nA\u0000,+37251234567\n',
        headers: { 'content-type': 'text/csv' },
      });
      assert.equal(code(csv), 'HUB_ERR_BAD_CSV');
    });

    it('answers an unknown route with the same JSON error body', async () => {
      const r = await api(t.url, 'GET', '/api/v1/../../etc/passwd', { as: { token: anna.token } });
      assert.equal(r.status, 404);
      assert.equal(code(r), 'HUB_ERR_NOT_FOUND');
      const v2 = await api(t.url, 'GET', '/api/v2/calls', { as: { token: anna.token } });
      assert.equal(code(v2), 'HUB_ERR_NOT_FOUND');
    });

    it('keeps serving after all of the above', async () => {
      assert.equal((await api(t.url, 'GET', '/ready')).status, 200);
      assert.equal((await login(t.url, 'boris', PASSWORD)).login.session.user.id, 'boris');
    });
  });
}
