/**
 * hub-contact-lookup: how fast the hub finds the caller's CRM card by phone number (the
 * incoming-call pop-up), on 1,000,000 contacts, on SQLite and on PostgreSQL.
 *
 * Data: 1M contacts, each with a mobile number and every third with a second one (1.33M
 * numbers), generated inside the database (recursive CTE / generate_series), then ANALYZEd.
 * Measured, for random existing numbers and 10% misses, each call timed on its own:
 *   - lookup: `core.contacts.lookup(number)` — normalise with libphonenumber-js, the indexed
 *     query on contact_phones.number, and the phones of the contacts found (what the API does);
 *   - query: the bare indexed `select … where number = ?` through Kysely.
 * Baseline: the same on 1,000 contacts, same engine, same run — the ratio shows what a million
 * rows cost over a table that fits in a few pages.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { parseHubConfig } from '@callgate/contracts';
import { dropPostgresSchema, HubCore, openDatabase, silentLogger, type Engine, type HubDatabase } from '@callgate/hub';
import { thousands, type BenchOutcome, type Benchmark, type BenchTable } from './harness.js';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TARGET_P50_MS = 1;
const TARGET_SCALING = 3;

interface Place {
  db: HubDatabase;
  cleanup(): Promise<void>;
}

async function place(engine: Engine): Promise<Place> {
  const unique = `${process.pid}_${randomBytes(3).toString('hex')}`;
  if (engine === 'postgres') {
    const schema = `bench_lookup_${unique}`;
    const db = await openDatabase({ url: PG_URL, schema });
    return {
      db,
      cleanup: async () => {
        await db.close();
        await dropPostgresSchema(PG_URL, schema);
      },
    };
  }
  const file = join(tmpdir(), `callgate-bench-lookup-${unique}.sqlite`);
  const db = await openDatabase({ url: file });
  return {
    db,
    cleanup: async () => {
      await db.close();
      for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
    },
  };
}

const mobile = (i: number): string => `+7916${String(i).padStart(7, '0')}`;

/** Fills contacts and contact_phones inside the database: seconds, not minutes, for a million. */
async function fill(db: HubDatabase, count: number): Promise<void> {
  const now = Date.now();
  if (db.engine === 'postgres') {
    await sql`insert into contacts (id, name, company, email, notes, external_id, search_text, created_at, updated_at)
      select 'c' || i, 'Contact ' || i, 'Company ' || (i % 5000), '', '', null, 'contact ' || i, ${now}, ${now}
      from generate_series(1, ${count}) as i`.execute(db.db);
    await sql`insert into contact_phones (contact_id, number, label, position)
      select 'c' || i, '+7916' || lpad(i::text, 7, '0'), 'mobile', 0 from generate_series(1, ${count}) as i`.execute(
      db.db,
    );
    await sql`insert into contact_phones (contact_id, number, label, position)
      select 'c' || i, '+7903' || lpad(i::text, 7, '0'), 'office', 1 from generate_series(3, ${count}, 3) as i`.execute(
      db.db,
    );
    await sql`analyze`.execute(db.db);
    return;
  }
  await sql`with recursive s(i) as (select 1 union all select i + 1 from s where i < ${count})
    insert into contacts (id, name, company, email, notes, external_id, search_text, created_at, updated_at)
    select 'c' || i, 'Contact ' || i, 'Company ' || (i % 5000), '', '', null, 'contact ' || i, ${now}, ${now} from s`.execute(
    db.db,
  );
  await sql`with recursive s(i) as (select 1 union all select i + 1 from s where i < ${count})
    insert into contact_phones (contact_id, number, label, position)
    select 'c' || i, '+7916' || printf('%07d', i), 'mobile', 0 from s`.execute(db.db);
  await sql`with recursive s(i) as (select 3 union all select i + 3 from s where i + 3 <= ${count})
    insert into contact_phones (contact_id, number, label, position)
    select 'c' || i, '+7903' || printf('%07d', i), 'office', 1 from s`.execute(db.db);
  await sql`analyze`.execute(db.db);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Latency {
  p50: number;
  p99: number;
  mean: number;
}

function summarise(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
  };
}

/** Random existing numbers, every tenth one that does not exist. Deterministic per seed. */
function numbers(count: number, lookups: number): string[] {
  let seed = 42;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  return Array.from({ length: lookups }, (_, k) =>
    k % 10 === 9 ? `+7999${String(next() % 1e7).padStart(7, '0')}` : mobile((next() % count) + 1),
  );
}

async function measure(
  db: HubDatabase,
  count: number,
  lookups: number,
): Promise<{ lookup: Latency; query: Latency; found: number }> {
  const config = parseHubConfig({});
  if (!config.ok) throw config.error;
  const core = new HubCore(db, { config: config.value, logger: silentLogger() });
  const sample = numbers(count, lookups);
  for (const n of sample.slice(0, Math.min(1000, lookups))) await core.contacts.lookup(n); // warm up caches and JIT
  const lookupTimes: number[] = [];
  const queryTimes: number[] = [];
  let found = 0;
  for (const n of sample) {
    let t = process.hrtime.bigint();
    const result = await core.contacts.lookup(n);
    lookupTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (result.contacts.length > 0) found++;
    t = process.hrtime.bigint();
    await db.db.selectFrom('contact_phones').select('contact_id').where('number', '=', n).execute();
    queryTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { lookup: summarise(lookupTimes), query: summarise(queryTimes), found };
}

const ms = (v: number): string => v.toFixed(3);

const benchmark: Benchmark = {
  name: 'hub-contact-lookup',
  description: 'caller lookup by phone number on 1M contacts (SQLite and PostgreSQL), against 1k contacts',
  async run(ctx): Promise<BenchOutcome> {
    const big = ctx.size === 'tiny' ? 5_000 : 1_000_000;
    const small = 1_000;
    const lookups = ctx.size === 'tiny' ? 300 : 20_000;
    const rows: Array<Array<string | number>> = [];
    const targets: BenchOutcome['targets'] = [];
    const data: Record<string, unknown> = { contacts: big, baselineContacts: small, lookups };
    for (const engine of ['sqlite', 'postgres'] as const) {
      const results: Record<number, Awaited<ReturnType<typeof measure>>> = {};
      for (const count of [small, big]) {
        const p = await place(engine);
        try {
          const started = Date.now();
          await fill(p.db, count);
          ctx.log(`${engine}: ${thousands(count)} contacts loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
          results[count] = await measure(p.db, count, lookups);
          const r = results[count];
          ctx.log(
            `${engine}: ${thousands(count)} contacts: lookup p50 ${ms(r.lookup.p50)} ms, p99 ${ms(r.lookup.p99)} ms`,
          );
        } finally {
          await p.cleanup();
        }
      }
      const base = results[small];
      const full = results[big];
      if (!base || !full) throw new Error('a measurement is missing');
      if (full.found !== lookups - Math.floor(lookups / 10))
        throw new Error(`${engine}: found ${full.found} of the existing numbers`);
      for (const [label, r] of [
        [`${thousands(small)} (baseline)`, base],
        [thousands(big), full],
      ] as const) {
        rows.push([
          engine,
          label,
          ms(r.lookup.p50),
          ms(r.lookup.p99),
          ms(r.lookup.mean),
          ms(r.query.p50),
          ms(r.query.p99),
        ]);
      }
      const scaling = full.lookup.p50 / base.lookup.p50;
      rows.push([
        engine,
        'ratio big ÷ baseline',
        `${scaling.toFixed(2)}×`,
        `${(full.lookup.p99 / base.lookup.p99).toFixed(2)}×`,
        '',
        `${(full.query.p50 / base.query.p50).toFixed(2)}×`,
        '',
      ]);
      targets.push({
        name: `${engine}: lookup p50 on ${thousands(big)} contacts under ${TARGET_P50_MS} ms (issue 6)`,
        met: full.lookup.p50 < TARGET_P50_MS,
        detail: `${ms(full.lookup.p50)} ms`,
      });
      targets.push({
        name: `${engine}: lookup p50 on ${thousands(big)} contacts ≤ ${TARGET_SCALING}× the ${thousands(small)}-contact baseline (the index, not a scan)`,
        met: scaling <= TARGET_SCALING,
        detail: `${scaling.toFixed(2)}×`,
      });
      data[engine] = { baseline: base, full };
    }
    const table: BenchTable = {
      title: `Contact lookup by number, ${thousands(lookups)} lookups (10% misses), milliseconds`,
      columns: ['engine', 'contacts', 'lookup p50', 'lookup p99', 'lookup mean', 'query p50', 'query p99'],
      rows,
    };
    return { tables: [table], targets, data };
  },
};

export default benchmark;
