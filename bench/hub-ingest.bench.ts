/**
 * hub-ingest: how many call records per second the hub stores (idempotently, with their
 * operators, in one transaction per batch), on SQLite and on PostgreSQL, by batch size — what
 * the uplink does with a records frame (`core.ingestRecords`).
 *
 * Each run stores `records` new records (a realistic one: queue call, one segment, two offers,
 * ~1.3 KB of JSON) into an empty database, in batches of the given size, then delivers every
 * batch again (all duplicates: what a gateway does after a lost ack). Validation, ranking, the
 * conditional insert/update, the operators rows and the live-view counters all run; no webhook
 * is subscribed (a subscription adds one insert per record into the same transaction).
 * Baseline: batch size 1 (one transaction per record), same engine, same run; 5 rounds of 2,000
 * records per batch size, the sizes in rotating order, medians reported.
 *
 * `HUB_INGEST_BATCHES=1,10,100,500` chooses the batch sizes.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHubConfig, type CallRecord } from '@callgate/contracts';
import { dropPostgresSchema, HubCore, openDatabase, silentLogger, type Engine, type HubDatabase } from '@callgate/hub';
import { median, thousands, type BenchOutcome, type Benchmark } from './harness.js';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Batches of 100 must store at least this many times the records per second of one at a time. */
const TARGET_BATCH_SPEEDUP = 2;

async function open(engine: Engine): Promise<{ db: HubDatabase; cleanup: () => Promise<void> }> {
  const unique = `${process.pid}_${randomBytes(3).toString('hex')}`;
  if (engine === 'postgres') {
    const schema = `bench_ingest_${unique}`;
    const db = await openDatabase({ url: PG_URL, schema });
    return {
      db,
      cleanup: async () => {
        await db.close();
        await dropPostgresSchema(PG_URL, schema);
      },
    };
  }
  const file = join(tmpdir(), `callgate-bench-ingest-${unique}.sqlite`);
  const db = await openDatabase({ url: file });
  return {
    db,
    cleanup: async () => {
      await db.close();
      for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
    },
  };
}

function record(i: number): CallRecord {
  const start = Date.parse('2026-11-27T06:00:00.000Z') + i * 1000;
  const at = (s: number): string => new Date(start + s * 1000).toISOString();
  const op = `op${i % 500}`;
  return {
    recordId: `bench-${i}`,
    callId: `call-${i}`,
    site: 'bench',
    direction: 'inbound',
    customerNumber: `+7916${String(i).padStart(7, '0')}`,
    line: '+74950000000',
    queue: i % 2 === 0 ? 'support' : 'sales',
    startedAt: at(0),
    answeredAt: at(14),
    endedAt: at(200),
    waitSeconds: 14,
    ringSeconds: 6,
    talkSeconds: 170.4,
    holdSeconds: 15.2,
    durationSeconds: 200,
    outcome: 'answered',
    hangupBy: 'customer',
    hangupCause: { code: 16, text: 'Normal Clearing' },
    segments: [
      {
        operatorId: op,
        extension: '1001',
        answeredAt: at(14),
        endedAt: at(200),
        talkSeconds: 170.4,
        holdSeconds: 15.2,
        endedBy: 'hangup',
      },
    ],
    offers: [
      { operatorId: `op${(i + 1) % 500}`, extension: '1002', ringSeconds: 8, result: 'no-answer' },
      { operatorId: op, extension: '1001', ringSeconds: 6, result: 'answered' },
    ],
    crmRef: `crm-${i}`,
    recording: `/var/spool/asterisk/monitor/2026/11/27/call-${i}.wav`,
    incomplete: false,
  };
}

async function run(
  engine: Engine,
  batch: number,
  count: number,
  first: number,
): Promise<{ stored: number; duplicates: number }> {
  const { db, cleanup } = await open(engine);
  try {
    const config = parseHubConfig({});
    if (!config.ok) throw config.error;
    const core = new HubCore(db, { config: config.value, logger: silentLogger() });
    const records = Array.from({ length: count }, (_, i) => record(first + i));
    const batches: CallRecord[][] = [];
    for (let i = 0; i < records.length; i += batch) batches.push(records.slice(i, i + batch));
    const pass = async (expect: 'stored' | 'duplicate'): Promise<number> => {
      const started = process.hrtime.bigint();
      for (const b of batches) {
        const outcomes = await core.ingestRecords(b, 'site:bench');
        if (outcomes.some((o) => o.result !== expect)) throw new Error(`${engine}: a record was not ${expect}`);
      }
      return count / (Number(process.hrtime.bigint() - started) / 1e9);
    };
    return { stored: await pass('stored'), duplicates: await pass('duplicate') };
  } finally {
    await cleanup();
  }
}

const benchmark: Benchmark = {
  name: 'hub-ingest',
  description: 'call records stored per second by batch size (SQLite and PostgreSQL), against one at a time',
  async run(ctx): Promise<BenchOutcome> {
    const batches = (process.env.HUB_INGEST_BATCHES ?? '1,10,100,500')
      .split(',')
      .map((s) => Number(s.trim()))
      .filter((n) => Number.isInteger(n) && n > 0);
    if (!batches.includes(1)) batches.unshift(1);
    const count = ctx.size === 'tiny' ? 200 : 10_000;
    // Rounds, batch sizes in rotating order within each: the load of this shared machine falls
    // on every batch size alike; the median of the rounds is reported.
    const rounds = ctx.size === 'tiny' ? 1 : 5;
    const perRound = Math.floor(count / rounds);
    const rows: Array<Array<string | number>> = [];
    const targets: BenchOutcome['targets'] = [];
    const data: Record<string, unknown> = { records: count, rounds, batches };
    for (const engine of ['sqlite', 'postgres'] as const) {
      const runs = new Map<number, { stored: number[]; duplicates: number[] }>(
        batches.map((b) => [b, { stored: [], duplicates: [] }]),
      );
      for (let round = 0; round < rounds; round++) {
        const order = batches.map((_, i) => batches[(i + round) % batches.length] as number);
        for (const batch of order) {
          const r = await run(engine, batch, perRound, round * perRound);
          runs.get(batch)?.stored.push(r.stored);
          runs.get(batch)?.duplicates.push(r.duplicates);
        }
        ctx.log(`${engine}: round ${round + 1} of ${rounds} done`);
      }
      const rate = (batch: number) => {
        const r = runs.get(batch);
        return { stored: median(r?.stored ?? []), duplicates: median(r?.duplicates ?? []) };
      };
      const base = rate(1);
      for (const batch of batches) {
        const r = rate(batch);
        ctx.log(`${engine} batch ${batch}: ${thousands(r.stored)} stored/s, ${thousands(r.duplicates)} duplicates/s`);
        rows.push([
          engine,
          batch,
          thousands(r.stored),
          `${(r.stored / base.stored).toFixed(2)}×`,
          thousands(r.duplicates),
          `${(r.duplicates / base.duplicates).toFixed(2)}×`,
        ]);
      }
      if (batches.includes(100)) {
        const speedup = rate(100).stored / base.stored;
        targets.push({
          name: `${engine}: batches of 100 store ≥ ${TARGET_BATCH_SPEEDUP}× the records/s of one at a time`,
          met: speedup >= TARGET_BATCH_SPEEDUP,
          detail: `${speedup.toFixed(2)}×`,
        });
      }
      data[engine] = Object.fromEntries(runs);
    }
    return {
      tables: [
        {
          title: `Record ingest, ${thousands(count)} new records then the same again (duplicates), records per second`,
          columns: ['engine', 'batch', 'stored/s', 'vs batch 1', 'duplicates/s', 'vs batch 1'],
          rows,
        },
      ],
      targets,
      data,
    };
  },
};

export default benchmark;
