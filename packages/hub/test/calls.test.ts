import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiErrorBody, CallRecord, HubCall, PageOf } from '@callgate/contracts';
import { api, login, PASSWORD, seedWorld, startTestHub, type LoggedIn, type TestHub } from './support/hub-harness.js';
import { ENGINES } from './support/engines.js';
import { makeRecord } from './support/records.js';

const at = (minute: number): string => new Date(Date.parse('2026-11-26T10:00:00.000Z') + minute * 60_000).toISOString();

/** A call at `minute` past 10:00 the day before, handled by `operator` (or unanswered). */
function call(minute: number, site: string, operator: string | null, overrides: Partial<CallRecord> = {}): CallRecord {
  const startedAt = at(minute);
  const answeredAt = new Date(Date.parse(startedAt) + 10_000).toISOString();
  const endedAt = new Date(Date.parse(startedAt) + 60_000).toISOString();
  const ext = { anna: '1001', boris: '1002', ivan: '2001' }[operator ?? 'anna'] ?? '';
  return makeRecord({
    site,
    startedAt,
    answeredAt: operator === null ? null : answeredAt,
    endedAt,
    outcome: operator === null ? 'abandoned' : 'answered',
    segments:
      operator === null
        ? []
        : [
            {
              operatorId: operator,
              extension: ext,
              answeredAt,
              endedAt,
              talkSeconds: 50,
              holdSeconds: 0,
              endedBy: 'hangup',
            },
          ],
    offers: operator === null ? [] : [{ operatorId: operator, extension: ext, ringSeconds: 3, result: 'answered' }],
    ...overrides,
  });
}

for (const engine of ENGINES) {
  describe(`calls on ${engine}`, () => {
    let t: TestHub;
    const who: Record<string, LoggedIn> = {};
    const records: CallRecord[] = [];
    before(async () => {
      t = await startTestHub(engine);
      await seedWorld(t);
      for (const name of ['admin', 'sue', 'mark', 'olga', 'anna', 'boris', 'ivan'])
        who[name] = await login(t.url, name, PASSWORD);
      records.push(
        call(0, 'tallinn', 'anna'),
        call(1, 'tallinn', 'boris'),
        call(2, 'tallinn', null),
        call(3, 'moscow', 'ivan'),
        call(4, 'tallinn', 'anna', { direction: 'outbound', queue: null, customerNumber: '+37259990000' }),
        // Rang at Anna, answered by Boris: Anna may see it, only Boris may dispose it.
        call(5, 'tallinn', 'boris', {
          offers: [
            { operatorId: 'anna', extension: '1001', ringSeconds: 10, result: 'no-answer' },
            { operatorId: 'boris', extension: '1002', ringSeconds: 2, result: 'answered' },
          ],
        }),
        call(6, 'moscow', null),
      );
      for (const r of records) assert.equal((await t.hub.core.ingestRecord(r, `site:${r.site}`)).result, 'stored');
    });
    after(() => t.close());

    const list = async (as: LoggedIn, query = '') =>
      api<PageOf<HubCall>>(t.url, 'GET', `/api/v1/calls${query}`, { as: { token: as.token } });
    const ids = (page: PageOf<HubCall>) => page.items.map((c) => c.record.recordId);
    const rec = (i: number) => (records[i] as CallRecord).recordId;

    it('shows an operator only the calls they rang for or talked on', async () => {
      assert.deepEqual(ids((await list(who.anna as LoggedIn)).body), [rec(5), rec(4), rec(0)]);
      assert.deepEqual(ids((await list(who.boris as LoggedIn)).body), [rec(5), rec(1)]);
      assert.deepEqual(ids((await list(who.ivan as LoggedIn)).body), [rec(3)]);
    });

    it("does not let an operator of Tallinn read Moscow's calls", async () => {
      const anna = who.anna as LoggedIn;
      const bySite = await api<ApiErrorBody>(t.url, 'GET', '/api/v1/calls?site=moscow', { as: { token: anna.token } });
      assert.equal(bySite.status, 403);
      assert.equal(bySite.body.error.code, 'HUB_ERR_FORBIDDEN');
      const byId = await api<ApiErrorBody>(t.url, 'GET', `/api/v1/calls/${rec(3)}`, { as: { token: anna.token } });
      assert.equal(byId.status, 404, 'not even whether it exists');
      const colleague = await api<ApiErrorBody>(t.url, 'GET', `/api/v1/calls/${rec(1)}`, { as: { token: anna.token } });
      assert.equal(colleague.status, 404, "nor a colleague's call at her own site");
      const asOther = await api<ApiErrorBody>(t.url, 'GET', '/api/v1/calls?operator=boris', {
        as: { token: anna.token },
      });
      assert.equal(asOther.status, 403);
    });

    it("shows a supervisor every call of their site and none of another's; `*` sees all", async () => {
      assert.deepEqual(ids((await list(who.sue as LoggedIn)).body), [rec(5), rec(4), rec(2), rec(1), rec(0)]);
      assert.deepEqual(ids((await list(who.mark as LoggedIn)).body), [rec(6), rec(3)]);
      assert.equal((await list(who.sue as LoggedIn, '?site=moscow')).status, 403);
      assert.equal(
        (await api(t.url, 'GET', `/api/v1/calls/${rec(3)}`, { as: { token: (who.sue as LoggedIn).token } })).status,
        404,
      );
      assert.equal((await list(who.olga as LoggedIn)).body.items.length, 7);
    });

    it('filters by site, operator, direction, outcome, time range and contact', async () => {
      const admin = who.admin as LoggedIn;
      assert.deepEqual(ids((await list(admin, '?site=moscow')).body), [rec(6), rec(3)]);
      assert.deepEqual(ids((await list(admin, '?operator=anna')).body), [rec(5), rec(4), rec(0)]);
      assert.deepEqual(ids((await list(admin, '?direction=outbound')).body), [rec(4)]);
      assert.deepEqual(ids((await list(admin, '?outcome=abandoned')).body), [rec(6), rec(2)]);
      assert.deepEqual(ids((await list(admin, `?from=${at(1)}&to=${at(3)}`)).body), [rec(2), rec(1)]);
      assert.deepEqual(ids((await list(admin, '?site=tallinn&outcome=answered&operator=boris')).body), [
        rec(5),
        rec(1),
      ]);
      const c = await api<{ id: string }>(t.url, 'POST', '/api/v1/contacts', {
        as: { token: admin.token },
        body: { name: 'Outbound Person', phones: [{ number: '+37259990000' }] },
      });
      assert.deepEqual(ids((await list(admin, `?contact=${c.body.id}`)).body), [rec(4)]);
      const bad = await api<ApiErrorBody>(t.url, 'GET', '/api/v1/calls?outcome=lost&from=yesterday', {
        as: { token: admin.token },
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'HUB_ERR_VALIDATION');
    });

    it('pages through the log newest first without repeating or skipping a call', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: PageOf<HubCall> = (await list(who.olga as LoggedIn, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`))
          .body;
        assert.ok(page.items.length <= 3);
        seen.push(...ids(page));
        cursor = page.nextCursor;
      } while (cursor !== null);
      assert.deepEqual(
        seen,
        [...records].reverse().map((r) => r.recordId),
      );
    });

    it('saves a disposition by the operator who handled the call, and refuses anyone else among operators', async () => {
      const anna = who.anna as LoggedIn;
      const boris = who.boris as LoggedIn;
      const saved = await api<HubCall>(t.url, 'PUT', `/api/v1/calls/${rec(5)}/disposition`, {
        as: { token: boris.token },
        body: { code: 'callback', notes: 'call back after 17:00' },
      });
      assert.equal(saved.status, 200);
      assert.deepEqual(
        { ...saved.body.disposition, savedAt: undefined },
        { code: 'callback', label: 'Call back', notes: 'call back after 17:00', savedBy: 'boris', savedAt: undefined },
      );
      const onlyRang = await api<ApiErrorBody>(t.url, 'PUT', `/api/v1/calls/${rec(5)}/disposition`, {
        as: { token: anna.token },
        body: { code: 'resolved' },
      });
      assert.equal(onlyRang.status, 403);
      const notHers = await api<ApiErrorBody>(t.url, 'PUT', `/api/v1/calls/${rec(1)}/disposition`, {
        as: { token: anna.token },
        body: { code: 'resolved' },
      });
      assert.equal(notHers.status, 404);
      const unknown = await api<ApiErrorBody>(t.url, 'PUT', `/api/v1/calls/${rec(0)}/disposition`, {
        as: { token: anna.token },
        body: { code: 'made-up' },
      });
      assert.equal(unknown.body.error.code, 'HUB_ERR_UNKNOWN_DISPOSITION');
      const bySupervisor = await api<HubCall>(t.url, 'PUT', `/api/v1/calls/${rec(0)}/disposition`, {
        as: { token: (who.sue as LoggedIn).token },
        body: { code: 'resolved' },
      });
      assert.equal(bySupervisor.status, 200);
      const byOtherSupervisor = await api(t.url, 'PUT', `/api/v1/calls/${rec(0)}/disposition`, {
        as: { token: (who.mark as LoggedIn).token },
        body: { code: 'resolved' },
      });
      assert.equal(byOtherSupervisor.status, 404);
    });

    it('keeps the disposition when a more complete version of the record arrives', async () => {
      const boris = who.boris as LoggedIn;
      const newer = { ...(records[5] as CallRecord), endedAt: at(7), durationSeconds: 120 };
      assert.equal((await t.hub.core.ingestRecord(newer, 'site:tallinn')).result, 'replaced');
      const r = await api<HubCall>(t.url, 'GET', `/api/v1/calls/${rec(5)}`, { as: { token: boris.token } });
      assert.equal(r.body.record.endedAt, at(7));
      assert.equal(r.body.disposition?.code, 'callback');
    });

    it('lists the configured dispositions for the wrap-up form', async () => {
      const r = await api<{ code: string }[]>(t.url, 'GET', '/api/v1/dispositions', {
        as: { token: (who.anna as LoggedIn).token },
      });
      assert.deepEqual(
        r.body.map((d) => d.code),
        t.config.dispositions.map((d) => d.code),
      );
    });
  });
}
