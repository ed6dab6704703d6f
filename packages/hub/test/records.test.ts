import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  ApiErrorBody,
  DeadLetter,
  HubCall,
  IngestResponse,
  PageOf,
  SiteCredentialResponse,
} from '@callgate/contracts';
import { api, login, PASSWORD, seedWorld, startTestHub, type LoggedIn, type TestHub } from './support/hub-harness.js';
import { ENGINES } from './support/engines.js';
import { makeRecord } from './support/records.js';

for (const engine of ENGINES) {
  describe(`record ingest on ${engine}`, () => {
    let t: TestHub;
    let admin: LoggedIn;
    before(async () => {
      t = await startTestHub(engine);
      await seedWorld(t);
      admin = await login(t.url, 'admin', PASSWORD);
    });
    after(() => t.close());

    const countCalls = async (recordId: string) =>
      (await t.hub.core.database.db.selectFrom('calls').select('record_id').where('record_id', '=', recordId).execute())
        .length;

    it('stores a record delivered twice once', async () => {
      const record = makeRecord();
      const first = await t.hub.core.ingestRecord(record, 'site:tallinn');
      const second = await t.hub.core.ingestRecord(structuredClone(record), 'site:tallinn');
      assert.equal(first.result, 'stored');
      assert.equal(second.result, 'duplicate');
      assert.equal(await countCalls(record.recordId), 1);
    });

    it('replaces an incomplete record with the complete one, whichever arrives first', async () => {
      const complete = makeRecord({ endedAt: '2026-11-27T08:05:00.000Z', durationSeconds: 300 });
      const incomplete = { ...complete, incomplete: true, endedAt: '2026-11-27T08:02:00.000Z', durationSeconds: 120 };

      assert.equal((await t.hub.core.ingestRecord(incomplete, 'site:tallinn')).result, 'stored');
      assert.equal((await t.hub.core.ingestRecord(complete, 'site:tallinn')).result, 'replaced');
      assert.equal(
        (await t.hub.core.ingestRecord(incomplete, 'site:tallinn')).result,
        'duplicate',
        'an older version arriving late changes nothing',
      );

      const reordered = makeRecord();
      const reorderedIncomplete = { ...reordered, incomplete: true };
      assert.equal((await t.hub.core.ingestRecord(reordered, 'site:tallinn')).result, 'stored');
      assert.equal((await t.hub.core.ingestRecord(reorderedIncomplete, 'site:tallinn')).result, 'duplicate');

      const anna = await login(t.url, 'anna', PASSWORD);
      for (const [id, expected] of [
        [complete.recordId, complete],
        [reordered.recordId, reordered],
      ] as const) {
        const r = await api<HubCall>(t.url, 'GET', `/api/v1/calls/${id}`, { as: { token: anna.token } });
        assert.equal(r.status, 200);
        assert.deepEqual(r.body.record, expected, 'the complete version is the one stored');
      }
    });

    it('dead-letters an invalid record with the reason and the payload as received, and says so', async () => {
      const bad = { ...makeRecord(), talkSeconds: -5, outcome: 'teleported', extra: 'field' };
      const result = await t.hub.core.ingestRecord(bad, 'site:tallinn');
      assert.equal(result.result, 'dead-lettered');
      assert.equal(result.recordId, bad.recordId);
      const paths = (result.problems ?? []).map((p) => p.path).sort();
      assert.deepEqual(paths, ['extra', 'outcome', 'talkSeconds']);
      const inconsistent = makeRecord({ endedAt: '2026-11-27T07:00:00.000Z' });
      const r2 = await t.hub.core.ingestRecord(inconsistent, 'site:tallinn');
      assert.equal(r2.result, 'dead-lettered');
      assert.deepEqual(
        r2.problems?.map((p) => p.path),
        ['endedAt', 'answeredAt'],
      );

      const list = await api<PageOf<DeadLetter>>(t.url, 'GET', '/api/v1/dead-letters', { as: { token: admin.token } });
      const letter = list.body.items.find((d) => d.id === result.deadLetterId);
      assert.ok(letter);
      assert.equal(letter.source, 'site:tallinn');
      assert.deepEqual(JSON.parse(letter.payload), bad);
      assert.equal(await countCalls(bad.recordId), 0);
    });

    it('dead-letters a record a site sends for another site', async () => {
      const moscow = makeRecord({ site: 'moscow' });
      const r = await t.hub.core.ingestRecord(moscow, 'site:tallinn');
      assert.equal(r.result, 'dead-lettered');
      assert.equal(r.problems?.[0]?.path, 'site');
    });

    it('dead-letters things that are not records at all without failing the batch', async () => {
      const good = makeRecord();
      const r = await api<IngestResponse>(t.url, 'POST', '/api/v1/records', {
        as: { token: admin.token },
        body: { records: [null, 42, 'text', [], { recordId: 'x' }, good] },
      });
      assert.equal(r.status, 200);
      assert.deepEqual(
        r.body.results.map((x) => x.result),
        ['dead-lettered', 'dead-lettered', 'dead-lettered', 'dead-lettered', 'dead-lettered', 'stored'],
      );
      assert.equal(r.body.results[4]?.recordId, 'x');
    });

    it('ingests over HTTP with a site credential, only for that site, and not after the credential is rotated', async () => {
      const issued = await api<SiteCredentialResponse>(t.url, 'POST', '/api/v1/sites/moscow/credential', {
        as: { token: admin.token },
      });
      assert.equal(issued.status, 200);
      assert.match(issued.body.credential, /^cgs1\.moscow\./);
      const own = makeRecord({ site: 'moscow' });
      const ok = await api<IngestResponse>(t.url, 'POST', '/api/v1/records', {
        as: { site: issued.body.credential },
        body: { records: [own, makeRecord({ site: 'tallinn' })] },
      });
      assert.deepEqual(
        ok.body.results.map((x) => x.result),
        ['stored', 'dead-lettered'],
      );

      const stored = await t.hub.core.database.db
        .selectFrom('sites')
        .select('credential_hash')
        .where('id', '=', 'moscow')
        .executeTakeFirstOrThrow();
      assert.doesNotMatch(
        stored.credential_hash ?? '',
        new RegExp(issued.body.credential.split('.')[2] ?? 'x'),
        'only a hash is stored',
      );

      await api(t.url, 'POST', '/api/v1/sites/moscow/credential', { as: { token: admin.token } });
      const old = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/records', {
        as: { site: issued.body.credential },
        body: { records: [makeRecord({ site: 'moscow' })] },
      });
      assert.equal(old.status, 401);
      assert.equal(old.body.error.code, 'HUB_ERR_BAD_SITE_CREDENTIAL');
      const forged = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/records', {
        as: { site: `cgs1.moscow.${'A'.repeat(43)}` },
        body: { records: [makeRecord({ site: 'moscow' })] },
      });
      assert.equal(forged.status, 401);
    });

    it('refuses record ingest to operators and supervisors', async () => {
      for (const who of ['anna', 'sue']) {
        const s = await login(t.url, who, PASSWORD);
        const r = await api<ApiErrorBody>(t.url, 'POST', '/api/v1/records', {
          as: { token: s.token },
          body: { records: [makeRecord()] },
        });
        assert.equal(r.status, 403, who);
      }
    });

    it('stores a batch in one go, each record with its own outcome in order', async () => {
      const a = makeRecord();
      const b = makeRecord();
      const outcomes = await t.hub.core.ingestRecords(
        [a, { ...a }, { junk: true }, b, { ...b, incomplete: true }],
        'site:tallinn',
      );
      assert.deepEqual(
        outcomes.map((o) => [o.recordId, o.result]),
        [
          [a.recordId, 'stored'],
          [a.recordId, 'duplicate'],
          [null, 'dead-lettered'],
          [b.recordId, 'stored'],
          [b.recordId, 'duplicate'],
        ],
      );
      assert.equal(await countCalls(a.recordId), 1);
    });

    it('stores the same record once when two deliveries race', async () => {
      const record = makeRecord();
      const results = await Promise.all(
        Array.from({ length: 8 }, () => t.hub.core.ingestRecord(structuredClone(record), 'site:tallinn')),
      );
      assert.deepEqual(results.map((r) => r.result).sort(), [
        'duplicate',
        'duplicate',
        'duplicate',
        'duplicate',
        'duplicate',
        'duplicate',
        'duplicate',
        'stored',
      ]);
      assert.equal(await countCalls(record.recordId), 1);
    });
  });
}
