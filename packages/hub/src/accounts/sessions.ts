/**
 * Hub sessions: what a login creates. The browser holds `<session id>.<secret>` in an httpOnly,
 * SameSite=Strict cookie; the database holds only the SHA-256 of the secret. The session id (not
 * the secret) is the token's `sid` claim, so ending a session stops its token renewals and its
 * bearer use at the hub.
 *
 * CSRF: a change made with the cookie must carry `X-CSRF-Token`, an HMAC of the secret that only
 * the page that logged in (or read /auth/session) knows. Stateless: nothing more is stored.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import type { HubTables } from '../db/schema.js';
import type { UserRow } from './users.js';

export interface OpenSession {
  id: string;
  expiresAt: number;
  user: UserRow;
}

export interface NewSession extends OpenSession {
  cookieValue: string;
  csrfToken: string;
}

/** Writing last_seen_at on every request would be a write per read; once a minute is enough. */
const TOUCH_EVERY_MS = 60_000;

const sha256 = (value: string): string => createHash('sha256').update(value).digest('base64url');

export function csrfTokenFor(secret: string): string {
  return createHmac('sha256', secret).update('callgate-csrf').digest('base64url');
}

export function splitCookie(value: string): { id: string; secret: string } | undefined {
  const m = /^([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{32,128})$/.exec(value);
  return m ? { id: m[1] as string, secret: m[2] as string } : undefined;
}

export function sameSecret(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export class Sessions {
  constructor(
    private readonly db: Kysely<HubTables>,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async create(user: UserRow, address: string, userAgent: string): Promise<NewSession> {
    const id = randomBytes(18).toString('base64url');
    const secret = randomBytes(32).toString('base64url');
    const now = this.clock();
    const expiresAt = now + this.ttlMs;
    await this.db
      .insertInto('sessions')
      .values({
        id,
        user_id: user.id,
        secret_hash: sha256(secret),
        created_at: now,
        expires_at: expiresAt,
        last_seen_at: now,
        revoked_at: null,
        address: address.slice(0, 100),
        user_agent: userAgent.slice(0, 300),
      })
      .execute();
    return { id, expiresAt, user, cookieValue: `${id}.${secret}`, csrfToken: csrfTokenFor(secret) };
  }

  /** The open session behind a cookie value, or undefined (unknown, wrong secret, ended, expired, user disabled). */
  async fromCookie(cookieValue: string): Promise<(OpenSession & { csrfToken: string }) | undefined> {
    const parts = splitCookie(cookieValue);
    if (!parts) return undefined;
    const found = await this.find(parts.id);
    if (!found || !sameSecret(found.secretHash, sha256(parts.secret))) return undefined;
    return { id: found.id, expiresAt: found.expiresAt, user: found.user, csrfToken: csrfTokenFor(parts.secret) };
  }

  /** The open session with this id (a token's `sid`), or undefined. */
  async fromId(id: string): Promise<OpenSession | undefined> {
    const found = await this.find(id);
    return found ? { id: found.id, expiresAt: found.expiresAt, user: found.user } : undefined;
  }

  async end(id: string): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ revoked_at: this.clock() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async endAllOf(userId: string, trx: Kysely<HubTables> | Transaction<HubTables> = this.db): Promise<void> {
    await trx
      .updateTable('sessions')
      .set({ revoked_at: this.clock() })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Deletes sessions that ended more than a day ago (housekeeping). */
  async prune(): Promise<number> {
    const cutoff = this.clock() - 86_400_000;
    const result = await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<', cutoff), eb('revoked_at', '<', cutoff)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private async find(id: string) {
    const now = this.clock();
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .select([
        'sessions.id as session_id',
        'sessions.secret_hash',
        'sessions.expires_at',
        'sessions.revoked_at',
        'sessions.last_seen_at',
      ])
      .where('sessions.id', '=', id)
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || row.expires_at <= now || row.disabled === 1) return undefined;
    if (now - row.last_seen_at > TOUCH_EVERY_MS) {
      await this.db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
    }
    const { session_id, secret_hash, expires_at, revoked_at: _r, last_seen_at: _l, ...user } = row;
    return { id: session_id, secretHash: secret_hash, expiresAt: expires_at, user: user };
  }
}
