/**
 * Who changed what, when: every admin change (HTTP or CLI), login, logout, key rotation and
 * credential issue. Details never hold a password, token or credential; callers pass only
 * the fields that changed, and `redactDetails` drops secret-looking keys as a second guard.
 */
import type { AuditEntry, PageOf } from '@callgate/contracts';
import type { Kysely, Transaction } from 'kysely';
import { iso, type Clock } from '../clock.js';
import type { HubTables } from '../db/schema.js';
import { decodeCursor, encodeCursor } from '../pagination.js';

/** Who did it: `user:<id>`, `cli:<os user>`, `site:<id>` or `system`. */
export type Actor = `user:${string}` | `cli:${string}` | `site:${string}` | 'system';

const SECRET_KEY = /^(password|currentPassword|newPassword|passwordHash|secret|token|credential|privateKey)$/i;

export function redactDetails(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(details)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : v;
  return out;
}

export class AuditLog {
  constructor(
    private readonly db: Kysely<HubTables>,
    private readonly clock: Clock,
  ) {}

  /** Records one change; pass the transaction that made it, so both commit or neither. */
  async record(
    actor: Actor,
    action: string,
    target: string,
    details: Record<string, unknown> = {},
    trx: Kysely<HubTables> | Transaction<HubTables> = this.db,
  ): Promise<void> {
    await trx
      .insertInto('audit_log')
      .values({
        at: this.clock(),
        actor,
        action,
        target,
        details_json: JSON.stringify(redactDetails(details)),
      })
      .execute();
  }

  /** Newest first. */
  async list(query: { limit: number; cursor?: string; action?: string; actor?: string }): Promise<PageOf<AuditEntry>> {
    let q = this.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(query.limit + 1);
    if (query.cursor !== undefined) {
      const [id] = decodeCursor(query.cursor, ['number']);
      q = q.where('id', '<', id);
    }
    if (query.action !== undefined) q = q.where('action', '=', query.action);
    if (query.actor !== undefined) q = q.where('actor', '=', query.actor);
    const rows = await q.execute();
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: r.id,
        at: iso(r.at),
        actor: r.actor,
        action: r.action,
        target: r.target,
        details: JSON.parse(r.details_json) as Record<string, unknown>,
      })),
      nextCursor: rows.length > query.limit && last !== undefined ? encodeCursor([last.id]) : null,
    };
  }
}
