import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  ApiErrorBody,
  Contact,
  ContactLookupResponse,
  HubCall,
  ImportContactsResponse,
  PageOf,
} from '@callgate/contracts';
import { api, login, PASSWORD, seedWorld, startTestHub, type LoggedIn, type TestHub } from './support/hub-harness.js';
import { ENGINES } from './support/engines.js';
import { makeRecord } from './support/records.js';

for (const engine of ENGINES) {
  describe(`contacts on ${engine}`, () => {
    let t: TestHub;
    let admin: LoggedIn;
    let anna: LoggedIn;
    let ivan: LoggedIn;
    before(async () => {
      t = await startTestHub(engine);
      await seedWorld(t);
      admin = await login(t.url, 'admin', PASSWORD);
      anna = await login(t.url, 'anna', PASSWORD);
      ivan = await login(t.url, 'ivan', PASSWORD);
    });
    after(() => t.close());

    const lookup = async (who: LoggedIn, number: string) =>
      api<ContactLookupResponse>(t.url, 'GET', `/api/v1/contacts/lookup?number=${encodeURIComponent(number)}`, {
        as: { token: who.token },
      });

    it('finds a contact by any of its numbers however the number is written', async () => {
      const created = await api<Contact>(t.url, 'POST', '/api/v1/contacts', {
        as: { token: anna.token },
        body: {
          name: 'Kati Kask',
          company: 'Kask OÜ',
          phones: [
            { number: '5123 4567', label: 'mobile' },
            { number: '+7 (916) 123-45-67', label: 'Moscow office' },
          ],
        },
      });
      assert.equal(created.status, 201);
      assert.deepEqual(created.body.phones, [
        { number: '+37251234567', label: 'mobile' },
        { number: '+79161234567', label: 'Moscow office' },
      ]);
      // Anna's site (Tallinn) dials without a country code in Estonia; Ivan's (Moscow) in Russia.
      for (const [who, number] of [
        [anna, '51234567'],
        [anna, '+372 5123 4567'],
        [anna, '37251234567'],
        [ivan, '8 916 123 45 67'],
        [ivan, '79161234567'],
      ] as const) {
        const r = await lookup(who, number);
        assert.equal(r.status, 200, number);
        assert.deepEqual(
          r.body.contacts.map((c) => c.id),
          [created.body.id],
          number,
        );
        assert.deepEqual(r.body.contacts[0]?.phones, created.body.phones, 'the card shows all of its numbers');
      }
      const none = await lookup(anna, '+37255555555');
      assert.deepEqual(none.body, { number: '+37255555555', contacts: [] });
    });

    it('refuses a number that cannot be a phone number, naming the field', async () => {
      const r = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/contacts', {
        as: { token: anna.token },
        body: { name: 'X', phones: [{ number: '+372 5123 4567' }, { number: '12' }] },
      });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, 'HUB_ERR_BAD_PHONE_NUMBER');
      assert.deepEqual(
        r.body.error.problems?.map((p) => p.path),
        ['phones[1].number'],
      );
      const l = await api<ApiErrorBody>(t.url, 'GET', '/api/v1/contacts/lookup?number=abc', {
        as: { token: anna.token },
      });
      assert.equal(l.status, 400);
      assert.equal(l.body.error.code, 'HUB_ERR_BAD_PHONE_NUMBER');
    });

    it('updates a contact (phones replace the list) and lets only supervisors and admins delete it', async () => {
      const c = await api<Contact>(t.url, 'POST', '/api/v1/contacts', {
        as: { token: anna.token },
        body: { name: 'Mari Maasikas', phones: [{ number: '+37255500001' }] },
      });
      const u = await api<Contact>(t.url, 'PATCH', `/api/v1/contacts/${c.body.id}`, {
        as: { token: anna.token },
        body: { notes: 'prefers e-mail', phones: [{ number: '+37255500002', label: 'new' }] },
      });
      assert.equal(u.status, 200);
      assert.equal(u.body.notes, 'prefers e-mail');
      assert.equal(u.body.name, 'Mari Maasikas');
      assert.deepEqual(u.body.phones, [{ number: '+37255500002', label: 'new' }]);
      assert.deepEqual((await lookup(anna, '+37255500001')).body.contacts, []);
      const denied = await api<ApiErrorBody>(t.url, 'DELETE', `/api/v1/contacts/${c.body.id}`, {
        as: { token: anna.token },
      });
      assert.equal(denied.status, 403);
      const sue = await login(t.url, 'sue', PASSWORD);
      assert.equal(
        (await api(t.url, 'DELETE', `/api/v1/contacts/${c.body.id}`, { as: { token: sue.token } })).status,
        204,
      );
      assert.equal(
        (await api(t.url, 'GET', `/api/v1/contacts/${c.body.id}`, { as: { token: anna.token } })).status,
        404,
      );
      assert.deepEqual((await lookup(anna, '+37255500002')).body.contacts, []);
    });

    it('searches names case-insensitively (Cyrillic too), companies and numbers, with % and _ taken literally', async () => {
      const names = ['Иван Петров', 'Ivan Petrov', 'Jaan 100% Tamm', 'Peeter_Puu'];
      for (const [i, name] of names.entries()) {
        await api(t.url, 'POST', '/api/v1/contacts', {
          as: { token: anna.token },
          body: { name, company: 'Search Test AS', phones: [{ number: `+3725990000${i}` }] },
        });
      }
      const q = async (text: string) =>
        (
          await api<PageOf<Contact>>(t.url, 'GET', `/api/v1/contacts?q=${encodeURIComponent(text)}`, {
            as: { token: anna.token },
          })
        ).body.items.map((c) => c.name);
      assert.deepEqual(await q('иван'), ['Иван Петров']);
      assert.deepEqual(await q('PETROV'), ['Ivan Petrov']);
      assert.deepEqual(await q('100%'), ['Jaan 100% Tamm']);
      assert.deepEqual(await q('r_p'), ['Peeter_Puu']);
      assert.deepEqual(await q('%'), ['Jaan 100% Tamm']);
      assert.equal((await q('search test as')).length, 4);
    });

    it('pages through contacts by name without repeating or skipping one', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: PageOf<Contact> = (
          await api<PageOf<Contact>>(t.url, 'GET', `/api/v1/contacts?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
            as: { token: anna.token },
          })
        ).body;
        seen.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      const all = (
        await api<PageOf<Contact>>(t.url, 'GET', '/api/v1/contacts?limit=500', { as: { token: anna.token } })
      ).body;
      assert.deepEqual(
        seen,
        all.items.map((c) => c.id),
      );
      assert.equal(new Set(seen).size, seen.length);
      const bad = await api<ApiErrorBody>(t.url, 'GET', '/api/v1/contacts?cursor=garbage', {
        as: { token: anna.token },
      });
      assert.equal(bad.body.error.code, 'HUB_ERR_VALIDATION');
    });

    it('imports a CSV: creates, updates by external id, reports bad lines by number and imports the rest', async () => {
      const csv = [
        '\uFEFFName,Company,E-mail,External ID,Phone,Mobile',
        'Tõnu Tamm,Tamm AS,tonu@example.ee,crm-1,+372 600 1234,5123 0001',
        '"Kask, Liis","Liis ""LK"" OÜ",,crm-2,5123 0002;5123 0003,',
        ',Nameless Ltd,,crm-3,5123 0004,',
        'Bad Number,,,crm-4,12,',
        'Tõnu Tamm,Tamm AS (renamed),,crm-1,+372 600 1234,',
      ].join('\r\n');
      // The admin has no site: the country for numbers without a code comes with the import.
      const r = await api<ImportContactsResponse>(t.url, 'POST', '/api/v1/contacts/import?country=EE', {
        as: { token: admin.token },
        body: csv,
        headers: { 'content-type': 'text/csv' },
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.created, 2);
      assert.equal(r.body.updated, 0, 'crm-1 twice in one file is one contact');
      assert.deepEqual(
        r.body.rejected.map((x) => [x.line, x.problems.map((p) => p.path)]),
        [
          [4, ['name']],
          [5, ['phones[0].number']],
        ],
      );
      const tonu = (await lookup(anna, '+3726001234')).body.contacts;
      assert.equal(tonu.length, 1);
      assert.equal(tonu[0]?.company, 'Tamm AS (renamed)');
      const liis = (await lookup(anna, '51230003')).body.contacts[0];
      assert.equal(liis?.name, 'Kask, Liis');
      assert.equal(liis?.company, 'Liis "LK" OÜ');
      assert.deepEqual(
        liis?.phones.map((p) => p.label),
        ['Phone', 'Phone'],
      );

      const again = await api<ImportContactsResponse>(t.url, 'POST', '/api/v1/contacts/import?country=EE', {
        as: { token: admin.token },
        body: 'name,external_id,phone\nLiis Kask,crm-2,5123 0009\n',
        headers: { 'content-type': 'text/csv' },
      });
      assert.deepEqual([again.body.created, again.body.updated], [0, 1]);
      assert.equal((await lookup(anna, '51230009')).body.contacts[0]?.id, liis?.id);
    });

    it('refuses a CSV without a name or phone column, and imports only for admins', async () => {
      const noPhone = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/contacts/import', {
        as: { token: admin.token },
        body: 'name,company\nA,B\n',
        headers: { 'content-type': 'text/csv' },
      });
      assert.equal(noPhone.status, 400);
      assert.equal(noPhone.body.error.code, 'HUB_ERR_BAD_CSV');
      const notAdmin = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/contacts/import', {
        as: { token: anna.token },
        body: 'name,phone\nA,+37251234000\n',
        headers: { 'content-type': 'text/csv' },
      });
      assert.equal(notAdmin.status, 403);
    });

    it("lists a contact's calls by any of its numbers, only those the user may see", async () => {
      const c = await api<Contact>(t.url, 'POST', '/api/v1/contacts', {
        as: { token: anna.token },
        body: { name: 'History Person', phones: [{ number: '+37256000001' }, { number: '+79160000001' }] },
      });
      const tallinnCall = makeRecord({ customerNumber: '+37256000001', startedAt: '2026-11-27T07:50:00.000Z' });
      const moscowCall = makeRecord({
        site: 'moscow',
        customerNumber: '+79160000001',
        startedAt: '2026-11-27T07:55:00.000Z',
      });
      const otherCall = makeRecord({ customerNumber: '+37256000099' });
      for (const r of [tallinnCall, moscowCall, otherCall]) {
        assert.equal((await t.hub.core.ingestRecord(r, `site:${r.site}`)).result, 'stored');
      }
      const history = async (who: LoggedIn) =>
        (
          await api<PageOf<HubCall>>(t.url, 'GET', `/api/v1/contacts/${c.body.id}/calls`, { as: { token: who.token } })
        ).body.items.map((x) => x.record.recordId);
      const olga = await login(t.url, 'olga', PASSWORD);
      assert.deepEqual(await history(olga), [moscowCall.recordId, tallinnCall.recordId]);
      assert.deepEqual(await history(anna), [tallinnCall.recordId]);
      assert.deepEqual(await history(ivan), [moscowCall.recordId]);
    });
  });
}
