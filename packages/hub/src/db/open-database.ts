/**
 * Opens the hub's database: a SQLite file (the zero-setup default) or PostgreSQL
 * (`postgres://…`), behind one Kysely instance so every query is written once.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { HubError, HubErrorCode } from '../errors.js';
import { migrateToLatest, type MigrationProgress } from './migrations.js';
import type { HubTables } from './schema.js';

export type Engine = 'sqlite' | 'postgres';

export interface HubDatabase {
  readonly db: Kysely<HubTables>;
  readonly engine: Engine;
  /** PostgreSQL: the schema in use (`public` unless configured); SQLite: undefined. */
  readonly schema: string | undefined;
  /** Where it is, without the password (for logs and /ready). */
  readonly description: string;
  /**
   * Runs a compiled query as a named prepared statement on PostgreSQL (planned once per
   * connection, not on every call: for the hot caller lookup, planning cost 0.6 ms against
   * 0.08 ms of execution); plainly on SQLite. Outside transactions only.
   */
  prepared<R>(name: string, query: CompiledQuery<R>): Promise<R[]>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** `postgres://…`/`postgresql://…`, a SQLite file path, or `:memory:`. */
  url: string;
  /** PostgreSQL only: the schema to use, created if missing (tests use one per run). */
  schema?: string;
  /** Run migrations after connecting (default true). */
  migrate?: boolean;
  /** Hears when migrations start and end (only when some are pending). */
  onMigration?: (progress: MigrationProgress) => void;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
}

export function engineOf(url: string): Engine {
  return /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite';
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * pg returns int8 (`bigint`, `count(*)`) and numeric (`avg`) as strings, because they can exceed
 * a JS number. Ours are millisecond times and counts, far below 2^53: parse them as numbers, per
 * pool (not pg's process-wide registry, which would change other pg users in the process).
 */
const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}

async function openPostgres(options: OpenDatabaseOptions): Promise<HubDatabase> {
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new HubError(HubErrorCode.BadConfig, `database.schema "${schema}" is not a plain lower-case identifier`);
  }
  if (schema !== undefined) {
    // Created with a one-off client: the pool's connections all start with this search_path.
    const client = new pg.Client({ connectionString: options.url });
    try {
      await client.connect();
      await client.query(`create schema if not exists "${schema}"`);
    } catch (error) {
      throw new HubError(
        HubErrorCode.Database,
        `cannot reach PostgreSQL at ${redactUrl(options.url)}: ${String(error)}`,
        {
          cause: error,
        },
      );
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    types: pgTypes,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client's error (server restart) is reported here; without a listener it kills the process.
  pool.on('error', () => undefined);
  const db = new Kysely<HubTables>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new HubError(
      HubErrorCode.Database,
      `cannot reach PostgreSQL at ${redactUrl(options.url)}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  return {
    db,
    engine: 'postgres',
    prepared: async <R>(name: string, query: CompiledQuery<R>) =>
      (await pool.query<R & pg.QueryResultRow>({ name, text: query.sql, values: [...query.parameters] })).rows,
    schema: schema ?? 'public',
    description: redactUrl(options.url) + (schema === undefined ? '' : ` (schema ${schema})`),
    close: () => db.destroy(),
  };
}

function openSqlite(options: OpenDatabaseOptions): HubDatabase {
  const file = options.url.replace(/^sqlite:(\/\/)?/i, '');
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let database: SQLite.Database;
  try {
    database = new SQLite(file);
  } catch (error) {
    throw new HubError(HubErrorCode.Database, `cannot open SQLite database ${file}: ${String(error)}`, {
      cause: error,
    });
  }
  // WAL: readers never block the writer. FULL: a commit is on disk before it returns, because the
  // hub acks uplink records after commit and the site then deletes them — with NORMAL a power
  // cut of the hub host could lose records no one holds any more.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<HubTables>({ dialect: new SqliteDialect({ database }) });
  return {
    db,
    engine: 'sqlite',
    schema: undefined,
    description: `sqlite:${file}`,
    prepared: async <R>(_name: string, query: CompiledQuery<R>) => (await db.executeQuery(query)).rows,
    close: () => db.destroy(),
  };
}

/** Opens (and by default migrates) the database; failures are HUB_ERR_DATABASE. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<HubDatabase> {
  const engine = engineOf(options.url);
  const opened = engine === 'postgres' ? await openPostgres(options) : openSqlite(options);
  if (options.migrate !== false) {
    try {
      await migrateToLatest(opened.db as unknown as Kysely<unknown>, engine, opened.schema, options.onMigration);
    } catch (error) {
      await opened.close();
      throw error;
    }
  }
  return opened;
}

/** Drops a PostgreSQL schema and everything in it (test clean-up). */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}
