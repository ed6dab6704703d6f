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
 * Baseline: the same on 1,000 contacts, same engine, same run, the lookups alternating between
 * the two databases in blocks — the ratio shows what a million rows cost over a table that fits
 * in a few pages, with the load of this shared machine falling on both alike.
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

interface Measured {
  lookup: number[];
  query: number[];
  found: number;
}

function lookupCore(db: HubDatabase): HubCore {
  const config = parseHubConfig({});
  if (!config.ok) throw config.error;
  return new HubCore(db, { config: config.value, logger: silentLogger() });
}

/** Times each lookup (and the bare query) of `sample` on its own, into `into`. */
async function measureBlock(core: HubCore, db: HubDatabase, sample: readonly string[], into: Measured): Promise<void> {
  for (const n of sample) {
    let t = process.hrtime.bigint();
    const result = await core.contacts.lookup(n);
    into.lookup.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (result.contacts.length > 0) into.found++;
    t = process.hrtime.bigint();
    await db.db.selectFrom('contact_phones').select('contact_id').where('number', '=', n).execute();
    into.query.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
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
      // Both databases exist at once and the lookups alternate between them in blocks, so the
      // load of this shared machine falls on baseline and measurement alike.
      const places = { base: await place(engine), full: await place(engine) };
      const measured: Record<'base' | 'full', Measured> = {
        base: { lookup: [], query: [], found: 0 },
        full: { lookup: [], query: [], found: 0 },
      };
      try {
        for (const [key, count] of [
          ['base', small],
          ['full', big],
        ] as const) {
          const started = Date.now();
          await fill(places[key].db, count);
          ctx.log(`${engine}: ${thousands(count)} contacts loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        }
        const cores = { base: lookupCore(places.base.db), full: lookupCore(places.full.db) };
        const samples = { base: numbers(small, lookups), full: numbers(big, lookups) };
        const warm: Measured = { lookup: [], query: [], found: 0 };
        for (const key of ['base', 'full'] as const) {
          await measureBlock(cores[key], places[key].db, samples[key].slice(0, Math.min(1000, lookups)), warm);
        }
        const block = Math.max(1, Math.floor(lookups / 20));
        for (let i = 0; i < lookups; i += block) {
          const order = (i / block) % 2 === 0 ? (['base', 'full'] as const) : (['full', 'base'] as const);
          for (const key of order)
            await measureBlock(cores[key], places[key].db, samples[key].slice(i, i + block), measured[key]);
        }
      } finally {
        await places.base.cleanup();
        await places.full.cleanup();
      }
      const base = { lookup: summarise(measured.base.lookup), query: summarise(measured.base.query) };
      const full = { lookup: summarise(measured.full.lookup), query: summarise(measured.full.query) };
      ctx.log(
        `${engine}: ${thousands(big)} contacts: lookup p50 ${ms(full.lookup.p50)} ms, p99 ${ms(full.lookup.p99)} ms`,
      );
      if (measured.full.found !== lookups - Math.floor(lookups / 10)) {
        throw new Error(`${engine}: found ${measured.full.found} of the existing numbers`);
      }
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
