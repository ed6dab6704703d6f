/**
 * Webhook subscriptions and their deliveries. The deliveries table is a durable queue: an event
 * is enqueued in the same transaction as the change it reports (a stored record, a saved
 * disposition), so the hub can crash at any point without a CRM missing an event; the
 * dispatcher (webhook-dispatcher.ts) sends what is due.
 */
import { randomUUID } from 'node:crypto';
import type {
  CreateWebhookRequest,
  PageOf,
  UpdateWebhookRequest,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookEvent,
  WebhookEventType,
  WebhookWithSecret,
} from '@callgate/contracts';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Actor, AuditLog } from '../audit/audit-log.js';
import { iso, isoOrNull, type Clock } from '../clock.js';
import type { HubTables, WebhooksTable } from '../db/schema.js';
import { HubError, HubErrorCode, notFound } from '../errors.js';
import { decodeCursor, encodeCursor } from '../pagination.js';
import { newWebhookSecret } from './webhook-signature.js';

type WebhookRow = Selectable<WebhooksTable>;
type Db = Kysely<HubTables> | Transaction<HubTables>;

function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events_json) as WebhookEventType[],
    active: row.active === 1,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    parsed = new URL('invalid:');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new HubError(HubErrorCode.Validation, `webhook url "${url}" is not an http(s) URL`, {
      problems: [{ path: 'url', reason: 'is not an http(s) URL' }],
    });
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // Credentials in the URL would show in every listing and log line.
    throw new HubError(HubErrorCode.Validation, 'webhook url must not hold a user name or password', {
      problems: [{ path: 'url', reason: 'must not hold credentials; the signature authenticates the hub' }],
    });
  }
}

const WANTED_CACHE_MS = 5_000;

export class Webhooks {
  /** Called after a commit that enqueued deliveries, so the dispatcher sends them promptly. */
  onEnqueued: () => void = () => undefined;
  private wantedCache: { at: number; types: Set<string> } | undefined;

  constructor(
    private readonly db: Kysely<HubTables>,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<Webhook[]> {
    return (await this.db.selectFrom('webhooks').selectAll().orderBy('created_at').execute()).map(toWebhook);
  }

  async get(id: string): Promise<Webhook> {
    const row = await this.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`webhook ${id}`);
    return toWebhook(row);
  }

  async create(actor: Actor, request: CreateWebhookRequest): Promise<WebhookWithSecret> {
    checkUrl(request.url);
    const id = randomUUID();
    const secret = newWebhookSecret();
    const now = this.clock();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhooks')
        .values({
          id,
          url: request.url,
          secret,
          events_json: JSON.stringify(request.events),
          active: request.active === false ? 0 : 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await this.audit.record(
        actor,
        'webhook.create',
        `webhook:${id}`,
        { url: request.url, events: request.events },
        trx,
      );
    });
    this.wantedCache = undefined;
    return { webhook: await this.get(id), secret };
  }

  async update(actor: Actor, id: string, request: UpdateWebhookRequest): Promise<WebhookWithSecret | Webhook> {
    if (request.url !== undefined) checkUrl(request.url);
    const secret = request.rotateSecret === true ? newWebhookSecret() : undefined;
    await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(`webhook ${id}`);
      await trx
        .updateTable('webhooks')
        .set({
          url: request.url ?? row.url,
          events_json: request.events === undefined ? row.events_json : JSON.stringify(request.events),
          active: request.active === undefined ? row.active : request.active ? 1 : 0,
          ...(secret === undefined ? {} : { secret }),
          updated_at: this.clock(),
        })
        .where('id', '=', id)
        .execute();
      const { rotateSecret, ...changed } = request;
      await this.audit.record(
        actor,
        'webhook.update',
        `webhook:${id}`,
        { ...changed, secretRotated: rotateSecret === true },
        trx,
      );
    });
    this.wantedCache = undefined;
    const webhook = await this.get(id);
    return secret === undefined ? webhook : { webhook, secret };
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw notFound(`webhook ${id}`);
      await this.audit.record(actor, 'webhook.delete', `webhook:${id}`, {}, trx);
    });
    this.wantedCache = undefined;
  }

  /** Enqueues one delivery per active webhook subscribed to the event's type; call inside the change's transaction. */
  async enqueue(trx: Db, event: WebhookEvent): Promise<number> {
    // Most records are stored with no webhook wanting them: skip the query (cached list).
    if (!(await this.wanted(trx)).has(event.type)) return 0;
    const hooks = await trx.selectFrom('webhooks').select(['id', 'events_json']).where('active', '=', 1).execute();
    const targets = hooks.filter((h) => (JSON.parse(h.events_json) as string[]).includes(event.type));
    if (targets.length === 0) return 0;
    const now = this.clock();
    const payload = JSON.stringify(event);
    await trx
      .insertInto('webhook_deliveries')
      .values(
        targets.map((h) => ({
          webhook_id: h.id,
          event_id: event.id,
          event_type: event.type,
          payload,
          status: 'pending' as const,
          attempts: 0,
          next_attempt_at: now,
          locked_until: null,
          created_at: now,
          delivered_at: null,
        })),
      )
      .execute();
    return targets.length;
  }

  /**
   * Enqueues outside any other change (live events: call.offered, call.answered, hundreds a
   * minute at a busy site). Skips the database entirely when no active webhook wants the type;
   * the list of wanted types is cached for a few seconds (another hub instance's change to a
   * subscription applies within that time).
   */
  async publish(event: WebhookEvent): Promise<void> {
    if (!(await this.wanted(this.db)).has(event.type)) return;
    const n = await this.db.transaction().execute((trx) => this.enqueue(trx, event));
    if (n > 0) this.onEnqueued();
  }

  /** Read through `db`: inside a transaction, the transaction (SQLite has one connection). */
  private async wanted(db: Db): Promise<Set<string>> {
    const now = this.clock();
    if (this.wantedCache !== undefined && now - this.wantedCache.at < WANTED_CACHE_MS) return this.wantedCache.types;
    const rows = await db.selectFrom('webhooks').select('events_json').where('active', '=', 1).execute();
    const types = new Set(rows.flatMap((r) => JSON.parse(r.events_json) as string[]));
    this.wantedCache = { at: now, types };
    return types;
  }

  async deliveries(query: {
    webhookId?: string;
    status?: WebhookDeliveryStatus;
    limit: number;
    cursor?: string;
  }): Promise<PageOf<WebhookDelivery>> {
    let q = this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(query.limit + 1);
    if (query.webhookId !== undefined) q = q.where('webhook_id', '=', query.webhookId);
    if (query.status !== undefined) q = q.where('status', '=', query.status);
    if (query.cursor !== undefined) q = q.where('id', '<', decodeCursor(query.cursor, ['number'])[0]);
    const rows = await q.execute();
    const page = rows.slice(0, query.limit);
    const attempts =
      page.length === 0
        ? []
        : await this.db
            .selectFrom('webhook_attempts')
            .selectAll()
            .where(
              'delivery_id',
              'in',
              page.map((r) => r.id),
            )
            .orderBy('id', 'desc')
            .execute();
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: r.id,
        webhookId: r.webhook_id,
        eventId: r.event_id,
        eventType: r.event_type as WebhookEventType,
        status: r.status,
        attempts: r.attempts,
        nextAttemptAt: isoOrNull(r.next_attempt_at),
        createdAt: iso(r.created_at),
        deliveredAt: isoOrNull(r.delivered_at),
        log: attempts
          .filter((a) => a.delivery_id === r.id)
          .map((a) => ({ at: iso(a.at), statusCode: a.status_code, error: a.error, durationMs: a.duration_ms })),
      })),
      nextCursor: rows.length > query.limit && last ? encodeCursor([last.id]) : null,
    };
  }

  async delivery(id: number): Promise<WebhookDelivery> {
    const row = await this.db.selectFrom('webhook_deliveries').select('id').where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`delivery ${id}`);
    const page = await this.deliveries({ limit: 1, cursor: encodeCursor([id + 1]) });
    const found = page.items[0];
    if (!found || found.id !== id) throw notFound(`delivery ${id}`);
    return found;
  }

  /** Sends a delivery again from the start of the retry schedule (its log is kept). */
  async replay(actor: Actor, id: number): Promise<WebhookDelivery> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('webhook_deliveries')
        .select(['id', 'status'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw notFound(`delivery ${id}`);
      if (row.status === 'sending') {
        throw new HubError(HubErrorCode.Conflict, `delivery ${id} is being sent right now`);
      }
      await trx
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', attempts: 0, next_attempt_at: this.clock(), locked_until: null })
        .where('id', '=', id)
        .execute();
      await this.audit.record(actor, 'webhook.replay', `delivery:${id}`, { previousStatus: row.status }, trx);
    });
    this.onEnqueued();
    return this.delivery(id);
  }
}
