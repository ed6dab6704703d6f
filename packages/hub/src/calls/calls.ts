/**
 * Call records from every site: idempotent ingest (stored | duplicate | replaced |
 * dead-lettered), the call log with filters and keyset pagination, and after-call dispositions.
 *
 * Ingest never loses a record: an invalid one goes to the dead-letter table with the reason and
 * the payload exactly as received, and the caller is told (the uplink acks it either way, so a
 * bad record does not block the outbox behind it forever).
 */
import {
  callRecordValidator,
  type CallListQuery,
  type CallRecord,
  type DeadLetter,
  type DispositionOption,
  type FieldProblem,
  type HubCall,
  type IngestResult,
  type PageOf,
} from '@callgate/contracts';
import { sql, type Kysely, type Transaction } from 'kysely';
import { callScope, canSeeSite, type UserPrincipal } from '../accounts/access.js';
import type { Actor, AuditLog } from '../audit/audit-log.js';
import { iso, type Clock } from '../clock.js';
import type { HubTables } from '../db/schema.js';
import { forbidden, HubError, HubErrorCode, notFound } from '../errors.js';
import { decodeCursor, encodeCursor } from '../pagination.js';
import { operatorsOf, rankOf, semanticProblems } from './record-rank.js';

export interface IngestOutcome extends IngestResult {
  /** The record as stored, for `stored` and `replaced`. */
  record?: CallRecord;
}

export interface CallsHooks {
  /**
   * Inside the transaction that stored or replaced the record: webhook deliveries are enqueued
   * here, so they commit with the record or not at all (a crash between the two loses nothing).
   */
  onStored?(trx: Transaction<HubTables>, record: CallRecord, result: 'stored' | 'replaced'): Promise<void>;
  onDispositionSaved?(trx: Transaction<HubTables>, call: HubCall): Promise<void>;
  /** After commit (live counters, metrics). */
  afterIngest?(result: IngestResult['result'], record: CallRecord | undefined): void;
}

/** Bytes of a dead-lettered payload kept; the rest is cut (and the reason says so). */
const MAX_PAYLOAD_CHARS = 1_000_000;

function recordIdOf(raw: unknown): string | null {
  if (typeof raw === 'object' && raw !== null && 'recordId' in raw) {
    const id = raw.recordId;
    if (typeof id === 'string' && id.length > 0) return id.replace(/[\u0000-\u001f]/g, '').slice(0, 200);
  }
  return null;
}

function stringify(raw: unknown): string {
  try {
    const text = JSON.stringify(raw) ?? String(raw);
    return text.length > MAX_PAYLOAD_CHARS ? text.slice(0, MAX_PAYLOAD_CHARS) : text;
  } catch {
    return String(raw);
  }
}

export class Calls {
  constructor(
    private readonly db: Kysely<HubTables>,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly dispositions: readonly DispositionOption[],
    private readonly hooks: CallsHooks = {},
  ) {}

  /**
   * Stores a record idempotently. `source` is who delivered it; a site may deliver only its own
   * site's records. Never throws for a bad record (that is a dead letter); throws only when the
   * database fails, in which case nothing was stored and the caller must not ack.
   */
  async ingest(raw: unknown, source: Actor): Promise<IngestOutcome> {
    const [outcome] = await this.ingestMany([raw], source);
    if (outcome === undefined) throw new Error('ingestMany returned no outcome for one record');
    return outcome;
  }

  /**
   * Stores a batch in one transaction (one commit, one WAL flush on PostgreSQL): every record
   * gets its own outcome, a bad one is dead-lettered without failing the others, and a database
   * failure stores none of them (the sender re-sends them all; ingest is idempotent).
   */
  async ingestMany(raws: readonly unknown[], source: Actor): Promise<IngestOutcome[]> {
    const checked = raws.map((raw) => this.check(raw, source));
    const outcomes = await this.db.transaction().execute(async (trx) => {
      const out: IngestOutcome[] = [];
      for (const c of checked) {
        out.push(
          c.ok ? await this.store(trx, c.record) : await this.deadLetter(trx, c.raw, source, c.reason, c.problems),
        );
      }
      return out;
    });
    for (const outcome of outcomes) this.hooks.afterIngest?.(outcome.result, outcome.record);
    return outcomes;
  }

  private check(
    raw: unknown,
    source: Actor,
  ): { ok: true; record: CallRecord } | { ok: false; raw: unknown; reason: string; problems: readonly FieldProblem[] } {
    const parsed = callRecordValidator.parse(raw);
    if (!parsed.ok) {
      return {
        ok: false,
        raw,
        reason: 'the record does not match the call record schema',
        problems: parsed.error.problems,
      };
    }
    const record = parsed.value;
    const problems = semanticProblems(record);
    if (source.startsWith('site:') && source !== `site:${record.site}`) {
      problems.push({ path: 'site', reason: `is "${record.site}" but the record came from ${source}` });
    }
    if (problems.length > 0) return { ok: false, raw, reason: 'the record is inconsistent', problems };
    return { ok: true, record };
  }

  private async store(trx: Transaction<HubTables>, record: CallRecord): Promise<IngestOutcome> {
    const rank = rankOf(record);
    const now = this.clock();
    const columns = {
      call_id: record.callId,
      site: record.site,
      direction: record.direction,
      customer_number: record.customerNumber,
      queue: record.queue,
      outcome: record.outcome,
      started_at: Date.parse(record.startedAt),
      answered_at: record.answeredAt === null ? null : Date.parse(record.answeredAt),
      ended_at: rank.endedAt,
      wait_seconds: record.waitSeconds,
      talk_seconds: record.talkSeconds,
      duration_seconds: record.durationSeconds,
      complete: rank.complete,
      detail_count: rank.detailCount,
      record_json: JSON.stringify(record),
      updated_at: now,
    };
    const inserted = await trx
      .insertInto('calls')
      .values({ record_id: record.recordId, ...columns, received_at: now })
      .onConflict((oc) => oc.column('record_id').doNothing())
      .returning('record_id')
      .executeTakeFirst();
    if (inserted) {
      await this.writeOperators(trx, record);
      await this.hooks.onStored?.(trx, record, 'stored');
      return { recordId: record.recordId, result: 'stored', record };
    }
    // One conditional statement: safe with several hub instances ingesting the same record.
    const replaced = await trx
      .updateTable('calls')
      .set(columns)
      .where('record_id', '=', record.recordId)
      .where(
        sql<boolean>`(complete, ended_at, detail_count) < (${rank.complete}, ${rank.endedAt}, ${rank.detailCount})`,
      )
      .executeTakeFirst();
    if (Number(replaced.numUpdatedRows) === 0) return { recordId: record.recordId, result: 'duplicate' };
    await trx.deleteFrom('call_operators').where('record_id', '=', record.recordId).execute();
    await this.writeOperators(trx, record);
    await this.hooks.onStored?.(trx, record, 'replaced');
    return { recordId: record.recordId, result: 'replaced', record };
  }

  private async writeOperators(trx: Transaction<HubTables>, record: CallRecord): Promise<void> {
    const operators = [...operatorsOf(record)];
    if (operators.length === 0) return;
    await trx
      .insertInto('call_operators')
      .values(
        operators.map(([operatorId, { handled }]) => ({
          record_id: record.recordId,
          operator_id: operatorId,
          site: record.site,
          started_at: Date.parse(record.startedAt),
          handled: handled ? 1 : 0,
        })),
      )
      .execute();
  }

  private async deadLetter(
    trx: Transaction<HubTables>,
    raw: unknown,
    source: Actor,
    reason: string,
    problems: readonly FieldProblem[],
  ): Promise<IngestOutcome> {
    const recordId = recordIdOf(raw);
    const row = await trx
      .insertInto('dead_letters')
      .values({
        received_at: this.clock(),
        source,
        record_id: recordId,
        reason,
        problems_json: JSON.stringify(problems),
        payload: stringify(raw),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { recordId, result: 'dead-lettered', deadLetterId: row.id, problems: [...problems] };
  }

  async deadLetters(query: { limit: number; cursor?: string }): Promise<PageOf<DeadLetter>> {
    let q = this.db
      .selectFrom('dead_letters')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(query.limit + 1);
    if (query.cursor !== undefined) q = q.where('id', '<', decodeCursor(query.cursor, ['number'])[0]);
    const rows = await q.execute();
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: r.id,
        receivedAt: iso(r.received_at),
        source: r.source,
        recordId: r.record_id,
        reason: r.reason,
        problems: JSON.parse(r.problems_json) as FieldProblem[],
        payload: r.payload,
      })),
      nextCursor: rows.length > query.limit && last ? encodeCursor([last.id]) : null,
    };
  }

  /**
   * The call log, newest first, restricted to what the principal may see. Asking for another
   * site or (as an operator) another operator is HUB_ERR_FORBIDDEN, not an empty page, so a
   * wrong filter is not mistaken for "no calls".
   */
  async list(principal: UserPrincipal, query: CallListQuery & { numbers?: string[] }): Promise<PageOf<HubCall>> {
    const scope = callScope(principal);
    if (query.site !== undefined && !canSeeSite(principal, query.site))
      throw forbidden(`no access to site ${query.site}`);
    if (scope.operator !== undefined && query.operator !== undefined && query.operator !== scope.operator) {
      throw forbidden('operators see only their own calls');
    }
    const limit = query.limit ?? 50;
    let q = this.db
      .selectFrom('calls')
      .leftJoin('call_dispositions', 'call_dispositions.record_id', 'calls.record_id')
      .select([
        'calls.record_id',
        'calls.started_at',
        'calls.record_json',
        'calls.received_at',
        'calls.updated_at',
        'call_dispositions.code',
        'call_dispositions.notes',
        'call_dispositions.saved_by',
        'call_dispositions.saved_at',
      ])
      .orderBy('calls.started_at', 'desc')
      .orderBy('calls.record_id', 'desc')
      .limit(limit + 1);
    const site = query.site ?? scope.site;
    if (site !== undefined) q = q.where('calls.site', '=', site);
    const operator = query.operator ?? scope.operator;
    if (operator !== undefined) {
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('call_operators')
            .select('call_operators.record_id')
            .whereRef('call_operators.record_id', '=', 'calls.record_id')
            .where('call_operators.operator_id', '=', operator),
        ),
      );
    }
    if (query.direction !== undefined) q = q.where('calls.direction', '=', query.direction);
    if (query.outcome !== undefined) q = q.where('calls.outcome', '=', query.outcome);
    if (query.from !== undefined) q = q.where('calls.started_at', '>=', Date.parse(query.from));
    if (query.to !== undefined) q = q.where('calls.started_at', '<', Date.parse(query.to));
    if (query.numbers !== undefined) {
      if (query.numbers.length === 0) return { items: [], nextCursor: null };
      q = q.where('calls.customer_number', 'in', query.numbers);
    }
    if (query.cursor !== undefined) {
      const [startedAt, recordId] = decodeCursor(query.cursor, ['number', 'string']);
      q = q.where((eb) => eb(eb.refTuple('calls.started_at', 'calls.record_id'), '<', eb.tuple(startedAt, recordId)));
    }
    const rows = await q.execute();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => this.toHubCall(r)),
      nextCursor: rows.length > limit && last ? encodeCursor([last.started_at, last.record_id]) : null,
    };
  }

  /** One call, if the principal may see it; otherwise HUB_ERR_NOT_FOUND (its existence is not revealed). */
  async get(principal: UserPrincipal, recordId: string): Promise<HubCall> {
    const row = await this.db
      .selectFrom('calls')
      .leftJoin('call_dispositions', 'call_dispositions.record_id', 'calls.record_id')
      .select([
        'calls.record_id',
        'calls.site',
        'calls.record_json',
        'calls.received_at',
        'calls.updated_at',
        'call_dispositions.code',
        'call_dispositions.notes',
        'call_dispositions.saved_by',
        'call_dispositions.saved_at',
      ])
      .where('calls.record_id', '=', recordId)
      .executeTakeFirst();
    if (!row || !canSeeSite(principal, row.site)) throw notFound(`call ${recordId}`);
    if (principal.role === 'operator' && (await this.involvement(recordId, principal.userId)) === undefined) {
      throw notFound(`call ${recordId}`);
    }
    return this.toHubCall(row);
  }

  /**
   * Saves the after-call disposition. Allowed to the operator who talked on the call and to
   * supervisors and admins who see its site.
   */
  async saveDisposition(principal: UserPrincipal, recordId: string, code: string, notes: string): Promise<HubCall> {
    const option = this.dispositions.find((d) => d.code === code);
    if (!option) {
      throw new HubError(HubErrorCode.UnknownDisposition, `disposition "${code}" is not in the configured list`, {
        problems: [{ path: 'code', reason: `must be one of ${this.dispositions.map((d) => d.code).join(', ')}` }],
      });
    }
    const call = await this.get(principal, recordId);
    if (principal.role === 'operator' && (await this.involvement(recordId, principal.userId)) !== 'handled') {
      throw forbidden('only the operator who handled the call can save its disposition');
    }
    const actor: Actor = `user:${principal.userId}`;
    const now = this.clock();
    const saved: HubCall = {
      ...call,
      disposition: { code, label: option.label, notes, savedBy: principal.userId, savedAt: iso(now) },
    };
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('call_dispositions')
        .values({ record_id: recordId, code, notes, saved_by: principal.userId, saved_at: now })
        .onConflict((oc) =>
          oc.column('record_id').doUpdateSet({ code, notes, saved_by: principal.userId, saved_at: now }),
        )
        .execute();
      await this.audit.record(actor, 'call.disposition', `call:${recordId}`, { code }, trx);
      await this.hooks.onDispositionSaved?.(trx, saved);
    });
    return saved;
  }

  private async involvement(recordId: string, operatorId: string): Promise<'handled' | 'offered' | undefined> {
    const row = await this.db
      .selectFrom('call_operators')
      .select('handled')
      .where('record_id', '=', recordId)
      .where('operator_id', '=', operatorId)
      .executeTakeFirst();
    return row === undefined ? undefined : row.handled === 1 ? 'handled' : 'offered';
  }

  private toHubCall(row: {
    record_json: string;
    received_at: number;
    updated_at: number;
    code: string | null;
    notes: string | null;
    saved_by: string | null;
    saved_at: number | null;
  }): HubCall {
    const disposition =
      row.code === null || row.saved_at === null
        ? null
        : {
            code: row.code,
            label: this.dispositions.find((d) => d.code === row.code)?.label ?? row.code,
            notes: row.notes ?? '',
            savedBy: row.saved_by ?? '',
            savedAt: iso(row.saved_at),
          };
    return {
      record: JSON.parse(row.record_json) as CallRecord,
      disposition,
      receivedAt: iso(row.received_at),
      updatedAt: iso(row.updated_at),
    };
  }
}
