/**
 * Users: operators (one site, an extension and a phone), supervisors (one site or `*`) and
 * admins (`*`). The user id is the login name and the operator id everywhere else (site
 * configs, call records, token `sub`); it is stored lower-case so logins are case-insensitive.
 */
import type { CreateUserRequest, HubUser, PageOf, Role, UpdateUserRequest } from '@callgate/contracts';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Actor, AuditLog } from '../audit/audit-log.js';
import { iso, type Clock } from '../clock.js';
import type { HubTables, UsersTable } from '../db/schema.js';
import { HubError, HubErrorCode, notFound } from '../errors.js';
import { decodeCursor, encodeCursor } from '../pagination.js';
import type { HubEvents } from '../hub-events.js';
import type { PasswordHasher } from '@callgate/contracts/passwords';

export type UserRow = Selectable<UsersTable>;

export function toHubUser(row: UserRow): HubUser {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    site: row.site,
    extension: row.extension,
    endpoint: row.endpoint,
    disabled: row.disabled === 1,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

const invalid = (message: string): HubError => new HubError(HubErrorCode.InvalidChange, message);

export interface UsersOptions {
  minPasswordLength: number;
}

/** Called after any change that ends the user's sessions (password set, disabled, role/site moved). */
export type SessionRevoker = (userId: string, trx: Transaction<HubTables>) => Promise<void>;

export class Users {
  constructor(
    private readonly db: Kysely<HubTables>,
    private readonly audit: AuditLog,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    private readonly options: UsersOptions,
    private readonly revokeSessions: SessionRevoker,
    private readonly events: HubEvents,
  ) {}

  async get(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id.toLowerCase()).executeTakeFirst();
  }

  async list(query: { site?: string; role?: Role; limit: number; cursor?: string }): Promise<PageOf<HubUser>> {
    let q = this.db
      .selectFrom('users')
      .selectAll()
      .orderBy('id')
      .limit(query.limit + 1);
    if (query.site !== undefined) q = q.where('site', '=', query.site);
    if (query.role !== undefined) q = q.where('role', '=', query.role);
    if (query.cursor !== undefined) q = q.where('id', '>', decodeCursor(query.cursor, ['string'])[0]);
    const rows = await q.execute();
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toHubUser),
      nextCursor: rows.length > query.limit && last ? encodeCursor([last.id]) : null,
    };
  }

  async create(actor: Actor, request: CreateUserRequest): Promise<HubUser> {
    const id = request.id.toLowerCase();
    this.checkPassword(request.password);
    const extension = request.extension ?? '';
    const fields = {
      role: request.role,
      site: request.site,
      extension,
      endpoint: request.endpoint ?? (request.role === 'operator' && extension !== '' ? `PJSIP/${extension}` : null),
    };
    const passwordHash = await this.hasher.hash(request.password);
    const now = this.clock();
    await this.db.transaction().execute(async (trx) => {
      if (await trx.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()) {
        throw new HubError(HubErrorCode.Conflict, `user ${id} already exists`);
      }
      await this.checkRules(trx, id, fields);
      await trx
        .insertInto('users')
        .values({
          id,
          name: request.name,
          ...fields,
          password_hash: passwordHash,
          disabled: 0,
          password_changed_at: now,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await this.audit.record(actor, 'user.create', `user:${id}`, { name: request.name, ...fields }, trx);
    });
    this.changed([fields.site]);
    const row = await this.get(id);
    if (!row) throw notFound(`user ${id}`);
    return toHubUser(row);
  }

  async update(actor: Actor, rawId: string, request: UpdateUserRequest): Promise<HubUser> {
    const id = rawId.toLowerCase();
    if (request.password !== undefined) this.checkPassword(request.password);
    const passwordHash = request.password === undefined ? undefined : await this.hasher.hash(request.password);
    const now = this.clock();
    const sites = new Set<string>();
    await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(`user ${id}`);
      const role = request.role ?? row.role;
      const extension = request.extension ?? row.extension;
      const endpoint =
        request.endpoint !== undefined
          ? request.endpoint
          : request.extension !== undefined && row.endpoint === `PJSIP/${row.extension}`
            ? extension === ''
              ? null
              : `PJSIP/${extension}`
            : row.endpoint;
      const fields = { role, site: request.site ?? row.site, extension, endpoint };
      await this.checkRules(trx, id, fields);
      sites.add(row.site).add(fields.site);
      const disabled = request.disabled === undefined ? row.disabled : request.disabled ? 1 : 0;
      await trx
        .updateTable('users')
        .set({
          name: request.name ?? row.name,
          ...fields,
          disabled,
          ...(passwordHash === undefined ? {} : { password_hash: passwordHash, password_changed_at: now }),
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
      const { password: _password, ...changed } = request;
      const endsSessions =
        passwordHash !== undefined ||
        (disabled === 1 && row.disabled === 0) ||
        fields.role !== row.role ||
        fields.site !== row.site;
      if (endsSessions) await this.revokeSessions(id, trx);
      await this.audit.record(
        actor,
        'user.update',
        `user:${id}`,
        { ...changed, ...(passwordHash === undefined ? {} : { passwordChanged: true }), sessionsEnded: endsSessions },
        trx,
      );
    });
    this.changed([...sites]);
    const row = await this.get(id);
    if (!row) throw notFound(`user ${id}`);
    return toHubUser(row);
  }

  /** Sites whose directory and verifiers changed; `*` stands for every site. */
  private changed(sites: string[]): void {
    for (const site of sites) {
      if (site !== '*') this.events.emit('directory-changed', { site });
      this.events.emit('verifiers-changed', { site });
    }
  }

  /** Sets a password after checking the current one (a user changing their own). */
  async changeOwnPassword(userId: string, currentPassword: string, newPassword: string): Promise<void> {
    const row = await this.get(userId);
    if (!row || !(await this.hasher.verify(currentPassword, row.password_hash))) {
      throw new HubError(HubErrorCode.LoginFailed, 'the current password is wrong');
    }
    await this.update(`user:${row.id}`, row.id, { password: newPassword });
  }

  private checkPassword(password: string): void {
    if ([...password].length < this.options.minPasswordLength) {
      throw new HubError(
        HubErrorCode.WeakPassword,
        `a password needs at least ${this.options.minPasswordLength} characters`,
      );
    }
  }

  private async checkRules(
    trx: Transaction<HubTables>,
    id: string,
    user: { role: Role; site: string; extension: string; endpoint: string | null },
  ): Promise<void> {
    if (user.role === 'admin' && user.site !== '*') throw invalid('an admin has site "*"');
    if (user.role === 'operator') {
      if (user.site === '*') throw invalid('an operator belongs to one site, not "*"');
      if (user.extension === '' || user.endpoint === null) throw invalid('an operator needs an extension');
    }
    if (user.site !== '*') {
      const site = await trx.selectFrom('sites').select('id').where('id', '=', user.site).executeTakeFirst();
      if (!site) throw invalid(`site ${user.site} does not exist`);
    }
    if (user.extension !== '' && user.site !== '*') {
      const clash = await trx
        .selectFrom('users')
        .select('id')
        .where('site', '=', user.site)
        .where('id', '!=', id)
        .where((eb) =>
          eb.or([
            eb('extension', '=', user.extension),
            ...(user.endpoint === null ? [] : [eb('endpoint', '=', user.endpoint)]),
          ]),
        )
        .executeTakeFirst();
      if (clash) {
        throw new HubError(
          HubErrorCode.Conflict,
          `extension ${user.extension} or its phone is already ${clash.id}'s at site ${user.site}`,
        );
      }
    }
  }
}
