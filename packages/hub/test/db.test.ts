import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { migrateToLatest, pendingMigrations } from '../src/db/migrations.js';
import type { HubDatabase } from '../src/db/open-database.js';
import { ENGINES, openTestDatabase } from './support/engines.js';

for (const engine of ENGINES) {
  describe(`database on ${engine}`, () => {
    let hub: HubDatabase;
    before(async () => {
      hub = await openTestDatabase(engine);
    });
    after(() => hub.close());

    it('has every migration applied after opening, and migrating again changes nothing', async () => {
      const raw = hub.db as unknown as Kysely<unknown>;
      assert.deepEqual(await pendingMigrations(raw, engine, hub.schema), []);
      assert.deepEqual(await migrateToLatest(raw, engine, hub.schema), []);
    });

    it('returns millisecond times and counts as numbers, not strings', async () => {
      const t = 1_767_225_600_123;
      await hub.db
        .insertInto('audit_log')
        .values({ at: t, actor: 'system', action: 'test', target: '-', details_json: '{}' })
        .execute();
      const row = await hub.db.selectFrom('audit_log').select(['id', 'at']).executeTakeFirstOrThrow();
      const count = await hub.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(row.at, t);
      assert.equal(typeof row.id, 'number');
      assert.equal(count.n, 1);
    });
  });
}
