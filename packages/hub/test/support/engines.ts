/**
 * Runs a suite on both engines: a fresh SQLite file and a fresh PostgreSQL schema (dropped
 * afterwards) per suite. PostgreSQL comes from TEST_DATABASE_URL (default: the CI service).
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import pg from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropPostgresSchema, openDatabase, type Engine, type HubDatabase } from '../../src/db/open-database.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const ENGINES: readonly Engine[] = ['sqlite', 'postgres'];

export interface TestDatabaseTarget {
  engine: Engine;
  url: string;
  schema?: string;
  /** Removes the file or drops the schema. */
  cleanup(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let swept: Promise<void> | undefined;

/**
 * A test run that was killed leaves its schemas and files behind (its `after` hooks never ran).
 * The next run removes those of processes that no longer exist; never a living run's.
 */
export function sweepLeftovers(): Promise<void> {
  swept ??= (async () => {
    const stale = (name: string) => {
      const m = /^(?:hub_test_|callgate-hub-test-)(\d+)_/.exec(name);
      return m !== null && Number(m[1]) !== process.pid && !alive(Number(m[1]));
    };
    for (const file of readdirSync(tmpdir())) if (stale(file)) rmSync(join(tmpdir(), file), { force: true });
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    try {
      await client.connect();
      const { rows } = await client.query<{ nspname: string }>(
        "select nspname from pg_namespace where nspname like 'hub\\_test\\_%'",
      );
      for (const { nspname } of rows)
        if (stale(nspname)) await client.query(`drop schema if exists "${nspname}" cascade`);
    } catch {
      // PostgreSQL not reachable: the PostgreSQL suites will say so themselves.
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return swept;
}

/** A place for a new empty database on the engine (nothing is opened yet). */
export function newTestDatabaseTarget(engine: Engine): TestDatabaseTarget {
  const unique = `${process.pid}_${randomBytes(4).toString('hex')}`;
  if (engine === 'postgres') {
    const schema = `hub_test_${unique}`;
    return { engine, url: TEST_DATABASE_URL, schema, cleanup: () => dropPostgresSchema(TEST_DATABASE_URL, schema) };
  }
  const file = join(tmpdir(), `callgate-hub-test-${unique}.sqlite`);
  return {
    engine,
    url: file,
    cleanup: () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      return Promise.resolve();
    },
  };
}

/** A new, migrated database; `close()` also removes it. */
export async function openTestDatabase(engine: Engine): Promise<HubDatabase> {
  await sweepLeftovers();
  const target = newTestDatabaseTarget(engine);
  const opened = await openDatabase({ url: target.url, ...(target.schema ? { schema: target.schema } : {}) });
  return {
    ...opened,
    close: async () => {
      await opened.close();
      await target.cleanup();
    },
  };
}
