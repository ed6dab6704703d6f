/**
 * Versioned migrations, the same on SQLite and PostgreSQL. Each is written once with Kysely's
 * schema builder; the only engine difference is the generated-id column type. Migrations are
 * append-only: a released one is never edited, a change is a new one.
 */
import {
  Migrator,
  sql,
  type ColumnDefinitionBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
} from 'kysely';
import { HubError, HubErrorCode } from '../errors.js';
import type { Engine } from './open-database.js';

type AnyDb = Kysely<unknown>;

function migrationsFor(engine: Engine): Record<string, Migration> {
  const idType = engine === 'postgres' ? 'bigserial' : 'integer';
  const generatedId = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();

  const m001: Migration = {
    async up(db: AnyDb) {
      await db.schema
        .createTable('sites')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('gateway_url', 'text', (c) => c.notNull())
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('default_country', 'text')
        .addColumn('credential_hash', 'text')
        .addColumn('credential_issued_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('site', 'text', (c) => c.notNull())
        .addColumn('extension', 'text', (c) => c.notNull())
        .addColumn('endpoint', 'text')
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('password_changed_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('users_site').on('users').columns(['site']).execute();

      await db.schema
        .createTable('queues')
        .addColumn('site', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('queues_pk', ['site', 'name'])
        .execute();

      await db.schema
        .createTable('queue_members')
        .addColumn('site', 'text', (c) => c.notNull())
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('queue_members_pk', ['site', 'queue', 'user_id'])
        .addForeignKeyConstraint('queue_members_queue_fk', ['site', 'queue'], 'queues', ['site', 'name'], (c) =>
          c.onDelete('cascade'),
        )
        .execute();
      await db.schema.createIndex('queue_members_user').on('queue_members').columns(['user_id']).execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('user_agent', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').columns(['user_id']).execute();
      await db.schema.createIndex('sessions_expires').on('sessions').columns(['expires_at']).execute();

      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('private_jwk', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('activates_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();

      await db.schema
        .createTable('contacts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('company', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('notes', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.unique())
        .addColumn('search_text', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('contacts_name').on('contacts').columns(['name', 'id']).execute();

      await db.schema
        .createTable('contact_phones')
        .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
        .addColumn('number', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('contact_phones_pk', ['contact_id', 'number'])
        .execute();
      // The hot path: every incoming call's pop-up looks the caller up by number.
      await db.schema.createIndex('contact_phones_number').on('contact_phones').columns(['number']).execute();

      await db.schema
        .createTable('calls')
        .addColumn('record_id', 'text', (c) => c.primaryKey())
        .addColumn('call_id', 'text', (c) => c.notNull())
        .addColumn('site', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('customer_number', 'text')
        .addColumn('queue', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('answered_at', 'bigint')
        .addColumn('ended_at', 'bigint', (c) => c.notNull())
        .addColumn('wait_seconds', 'double precision', (c) => c.notNull())
        .addColumn('talk_seconds', 'double precision', (c) => c.notNull())
        .addColumn('duration_seconds', 'double precision', (c) => c.notNull())
        .addColumn('complete', 'integer', (c) => c.notNull())
        .addColumn('detail_count', 'integer', (c) => c.notNull())
        .addColumn('record_json', 'text', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('calls_started').on('calls').columns(['started_at', 'record_id']).execute();
      await db.schema
        .createIndex('calls_site_started')
        .on('calls')
        .columns(['site', 'started_at', 'record_id'])
        .execute();
      await db.schema
        .createIndex('calls_customer_started')
        .on('calls')
        .columns(['customer_number', 'started_at'])
        .execute();
      await db.schema.createIndex('calls_call_id').on('calls').columns(['call_id']).execute();

      await db.schema
        .createTable('call_operators')
        .addColumn('record_id', 'text', (c) => c.notNull().references('calls.record_id').onDelete('cascade'))
        .addColumn('operator_id', 'text', (c) => c.notNull())
        .addColumn('site', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('handled', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('call_operators_pk', ['record_id', 'operator_id'])
        .execute();
      await db.schema
        .createIndex('call_operators_operator_started')
        .on('call_operators')
        .columns(['operator_id', 'started_at'])
        .execute();

      await db.schema
        .createTable('call_dispositions')
        .addColumn('record_id', 'text', (c) => c.primaryKey().references('calls.record_id').onDelete('cascade'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('notes', 'text', (c) => c.notNull())
        .addColumn('saved_by', 'text', (c) => c.notNull())
        .addColumn('saved_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('dead_letters')
        .addColumn('id', idType, generatedId)
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('record_id', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('problems_json', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('id', idType, generatedId)
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('details_json', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at']).execute();

      await db.schema
        .createTable('webhooks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('events_json', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', idType, generatedId)
        .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint')
        .addColumn('locked_until', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('delivered_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_due')
        .on('webhook_deliveries')
        .columns(['status', 'next_attempt_at'])
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_webhook')
        .on('webhook_deliveries')
        .columns(['webhook_id', 'id'])
        .execute();

      await db.schema
        .createTable('webhook_attempts')
        .addColumn('id', idType, generatedId)
        .addColumn('delivery_id', 'bigint', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('error', 'text')
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('webhook_attempts_delivery')
        .on('webhook_attempts')
        .columns(['delivery_id'])
        .execute();
    },
    async down(db: AnyDb) {
      for (const table of [
        'webhook_attempts',
        'webhook_deliveries',
        'webhooks',
        'audit_log',
        'dead_letters',
        'call_dispositions',
        'call_operators',
        'calls',
        'contact_phones',
        'contacts',
        'signing_keys',
        'sessions',
        'queue_members',
        'queues',
        'users',
        'sites',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };

  return { '001-initial': m001 };
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly engine: Engine) {}
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(migrationsFor(this.engine));
  }
}

/** The names of every migration this version knows, oldest first. */
export function knownMigrations(engine: Engine): string[] {
  return Object.keys(migrationsFor(engine)).sort();
}

/**
 * Kysely finds its bookkeeping tables by name across every schema it can see; on PostgreSQL the
 * schema must be named, or another schema's `kysely_migration` (a second hub, a test run) is
 * mistaken for ours.
 */
function migrator(db: AnyDb, engine: Engine, schema: string | undefined): Migrator {
  return new Migrator({
    db,
    provider: new StaticProvider(engine),
    ...(engine === 'postgres' ? { migrationTableSchema: schema ?? 'public' } : {}),
  });
}

/** What a person waiting for a start sees: which migrations run, then how long they took. */
export type MigrationProgress =
  { phase: 'start'; pending: string[] } | { phase: 'done'; applied: string[]; seconds: number };

/** One line for a terminal or a log: `migrating database: 2 migrations to apply (002-x, 003-y)…`. */
export function migrationProgressText(progress: MigrationProgress): string {
  if (progress.phase === 'start') {
    const n = progress.pending.length;
    return `migrating database: ${n} migration${n === 1 ? '' : 's'} to apply (${progress.pending.join(', ')})…`;
  }
  return `database migrated in ${progress.seconds.toFixed(1)} s`;
}

/**
 * Brings the schema to the latest version; a failure is HUB_ERR_DATABASE naming the migration.
 * `onProgress` hears before and after, only when there is something to apply: a migration of a
 * large table can take minutes, and a start that says nothing looks hung.
 */
export async function migrateToLatest(
  db: AnyDb,
  engine: Engine,
  schema?: string,
  onProgress?: (progress: MigrationProgress) => void,
): Promise<string[]> {
  const started = Date.now();
  if (onProgress !== undefined) {
    const pending = await pendingMigrations(db, engine, schema);
    if (pending.length > 0) onProgress({ phase: 'start', pending });
  }
  const { error, results } = await migrator(db, engine, schema).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined) {
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    throw new HubError(HubErrorCode.Database, `migration ${failed?.migrationName ?? '(unknown)'} failed: ${reason}`, {
      cause: error,
    });
  }
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (applied.length > 0) onProgress?.({ phase: 'done', applied, seconds: (Date.now() - started) / 1000 });
  return applied;
}

/** Migrations this version knows that the database has not run yet (readiness check). */
export async function pendingMigrations(db: AnyDb, engine: Engine, schema?: string): Promise<string[]> {
  const all = await migrator(db, engine, schema).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** `SELECT 1`: the cheapest proof the database answers. */
export async function ping(db: AnyDb): Promise<void> {
  await sql`select 1`.execute(db);
}
