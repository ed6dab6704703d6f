/**
 * Sites and what their gateways get from the hub: the directory (operators, queues with their
 * operator-facing labels, dispositions), the site credential the uplink authenticates with, and
 * the password verifiers for the site-only login when the WAN is down.
 */
import {
  SiteQueue,
  validator,
  type CreateSiteRequest,
  type DispositionOption,
  type HubQueue,
  type HubSite,
  type Result,
  type SiteCredentialResponse,
  type SiteCredentialVerifiers,
  type SiteDirectory,
  type UpdateSiteRequest,
} from '@callgate/contracts';
import type { Kysely, Selectable } from 'kysely';
import type { Actor, AuditLog } from '../audit/audit-log.js';
import { iso, isoOrNull, type Clock } from '../clock.js';
import type { HubTables, SitesTable } from '../db/schema.js';
import { HubError, HubErrorCode, notFound } from '../errors.js';
import type { HubEvents } from '../hub-events.js';
import { newSiteCredential, parseSiteCredential, secretMatches } from './site-credential.js';

export type SiteRow = Selectable<SitesTable>;

const siteQueueValidator = validator<SiteQueue>('queue', SiteQueue);

export function toHubSite(row: SiteRow): HubSite {
  return {
    id: row.id,
    name: row.name,
    gatewayUrl: row.gateway_url,
    timeZone: row.time_zone,
    defaultCountry: row.default_country,
    hasCredential: row.credential_hash !== null,
    credentialIssuedAt: isoOrNull(row.credential_issued_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function checkTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new HubError(HubErrorCode.Validation, `unknown time zone "${timeZone}"`, {
      problems: [{ path: 'timeZone', reason: 'is not an IANA time zone' }],
    });
  }
}

export class Sites {
  constructor(
    private readonly db: Kysely<HubTables>,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly events: HubEvents,
    private readonly dispositions: readonly DispositionOption[],
  ) {}

  async list(): Promise<HubSite[]> {
    const rows = await this.db.selectFrom('sites').selectAll().orderBy('id').execute();
    return rows.map(toHubSite);
  }

  async get(id: string): Promise<SiteRow | undefined> {
    return this.db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async require(id: string): Promise<SiteRow> {
    const row = await this.get(id);
    if (!row) throw notFound(`site ${id}`);
    return row;
  }

  async create(actor: Actor, request: CreateSiteRequest): Promise<HubSite> {
    const timeZone = request.timeZone ?? 'UTC';
    checkTimeZone(timeZone);
    const now = this.clock();
    await this.db.transaction().execute(async (trx) => {
      if (await trx.selectFrom('sites').select('id').where('id', '=', request.id).executeTakeFirst()) {
        throw new HubError(HubErrorCode.Conflict, `site ${request.id} already exists`);
      }
      await trx
        .insertInto('sites')
        .values({
          id: request.id,
          name: request.name,
          gateway_url: request.gatewayUrl,
          time_zone: timeZone,
          default_country: request.defaultCountry ?? null,
          credential_hash: null,
          credential_issued_at: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await this.audit.record(actor, 'site.create', `site:${request.id}`, { ...request, timeZone }, trx);
    });
    this.events.emit('directory-changed', { site: request.id });
    return toHubSite(await this.require(request.id));
  }

  async update(actor: Actor, id: string, request: UpdateSiteRequest): Promise<HubSite> {
    if (request.timeZone !== undefined) checkTimeZone(request.timeZone);
    await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(`site ${id}`);
      await trx
        .updateTable('sites')
        .set({
          name: request.name ?? row.name,
          gateway_url: request.gatewayUrl ?? row.gateway_url,
          time_zone: request.timeZone ?? row.time_zone,
          default_country: request.defaultCountry === undefined ? row.default_country : request.defaultCountry,
          updated_at: this.clock(),
        })
        .where('id', '=', id)
        .execute();
      await this.audit.record(actor, 'site.update', `site:${id}`, { ...request }, trx);
    });
    this.events.emit('directory-changed', { site: id });
    return toHubSite(await this.require(id));
  }

  /**
   * Issues a new site credential, replacing any earlier one at once (the gateway holding the old
   * one is refused at its next connect). The credential is returned here only.
   */
  async issueCredential(actor: Actor, id: string): Promise<SiteCredentialResponse> {
    const { credential, hash } = newSiteCredential(id);
    const now = this.clock();
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('sites')
        .select(['id', 'credential_hash'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw notFound(`site ${id}`);
      await trx
        .updateTable('sites')
        .set({ credential_hash: hash, credential_issued_at: now, updated_at: now })
        .where('id', '=', id)
        .execute();
      await this.audit.record(
        actor,
        row.credential_hash === null ? 'site.credential.issue' : 'site.credential.rotate',
        `site:${id}`,
        {},
        trx,
      );
    });
    this.events.emit('site-credential-rotated', { site: id });
    return { site: id, credential, issuedAt: iso(now) };
  }

  /** Checks a gateway's site credential; the error never says which part was wrong. */
  async verifyCredential(credential: string): Promise<Result<{ site: string }, HubError>> {
    const refused = {
      ok: false as const,
      error: new HubError(HubErrorCode.BadSiteCredential, 'site credential is not valid'),
    };
    const parsed = parseSiteCredential(credential);
    if (!parsed) return refused;
    const row = await this.db
      .selectFrom('sites')
      .select(['id', 'credential_hash'])
      .where('id', '=', parsed.site)
      .executeTakeFirst();
    if (!row || row.credential_hash === null || !secretMatches(parsed.secret, row.credential_hash)) return refused;
    return { ok: true, value: { site: row.id } };
  }

  // ---- queues ---------------------------------------------------------------------------

  async queues(site: string): Promise<HubQueue[]> {
    await this.require(site);
    const [queues, members] = await Promise.all([
      this.db.selectFrom('queues').selectAll().where('site', '=', site).orderBy('name').execute(),
      this.db.selectFrom('queue_members').selectAll().where('site', '=', site).orderBy('user_id').execute(),
    ]);
    return queues.map((q) => ({
      site,
      name: q.name,
      label: q.label,
      members: members.filter((m) => m.queue === q.name).map((m) => m.user_id),
    }));
  }

  /** Creates the queue or changes its label. */
  async putQueue(actor: Actor, site: string, name: string, label: string): Promise<HubQueue> {
    const checked = siteQueueValidator.parse({ name, label });
    if (!checked.ok) {
      throw new HubError(HubErrorCode.Validation, checked.error.message, { problems: checked.error.problems });
    }
    await this.db.transaction().execute(async (trx) => {
      if (!(await trx.selectFrom('sites').select('id').where('id', '=', site).executeTakeFirst())) {
        throw notFound(`site ${site}`);
      }
      await trx
        .insertInto('queues')
        .values({ site, name, label, created_at: this.clock() })
        .onConflict((oc) => oc.columns(['site', 'name']).doUpdateSet({ label }))
        .execute();
      await this.audit.record(actor, 'queue.put', `queue:${site}/${name}`, { label }, trx);
    });
    this.events.emit('directory-changed', { site });
    return this.requireQueue(site, name);
  }

  async deleteQueue(actor: Actor, site: string, name: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('queue_members').where('site', '=', site).where('queue', '=', name).execute();
      const result = await trx
        .deleteFrom('queues')
        .where('site', '=', site)
        .where('name', '=', name)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw notFound(`queue ${name} at site ${site}`);
      await this.audit.record(actor, 'queue.delete', `queue:${site}/${name}`, {}, trx);
    });
    this.events.emit('directory-changed', { site });
  }

  async addMember(actor: Actor, site: string, queue: string, userId: string): Promise<HubQueue> {
    const user = userId.toLowerCase();
    await this.db.transaction().execute(async (trx) => {
      const q = await trx
        .selectFrom('queues')
        .select('name')
        .where('site', '=', site)
        .where('name', '=', queue)
        .executeTakeFirst();
      if (!q) throw notFound(`queue ${queue} at site ${site}`);
      const u = await trx.selectFrom('users').select(['id', 'role', 'site']).where('id', '=', user).executeTakeFirst();
      if (!u) throw notFound(`user ${user}`);
      if (u.role !== 'operator' || u.site !== site) {
        throw new HubError(HubErrorCode.InvalidChange, `only operators of site ${site} can be in its queues`);
      }
      await trx
        .insertInto('queue_members')
        .values({ site, queue, user_id: user })
        .onConflict((oc) => oc.columns(['site', 'queue', 'user_id']).doNothing())
        .execute();
      await this.audit.record(actor, 'queue.member.add', `queue:${site}/${queue}`, { user }, trx);
    });
    this.events.emit('directory-changed', { site });
    return this.requireQueue(site, queue);
  }

  async removeMember(actor: Actor, site: string, queue: string, userId: string): Promise<HubQueue> {
    const user = userId.toLowerCase();
    await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .deleteFrom('queue_members')
        .where('site', '=', site)
        .where('queue', '=', queue)
        .where('user_id', '=', user)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw notFound(`member ${user} of queue ${queue} at site ${site}`);
      await this.audit.record(actor, 'queue.member.remove', `queue:${site}/${queue}`, { user }, trx);
    });
    this.events.emit('directory-changed', { site });
    return this.requireQueue(site, queue);
  }

  private async requireQueue(site: string, name: string): Promise<HubQueue> {
    const queue = (await this.queues(site)).find((q) => q.name === name);
    if (!queue) throw notFound(`queue ${name} at site ${site}`);
    return queue;
  }

  // ---- what gateways get ----------------------------------------------------------------

  /** The site's operators (enabled, with a phone) and queues, as its gateway uses them. */
  async directory(site: string): Promise<SiteDirectory> {
    const row = await this.require(site);
    const [operators, queues, members] = await Promise.all([
      this.db
        .selectFrom('users')
        .select(['id', 'name', 'extension', 'endpoint'])
        .where('site', '=', site)
        .where('role', '=', 'operator')
        .where('disabled', '=', 0)
        .orderBy('id')
        .execute(),
      this.db.selectFrom('queues').select(['name', 'label']).where('site', '=', site).orderBy('name').execute(),
      this.db.selectFrom('queue_members').select(['queue', 'user_id']).where('site', '=', site).execute(),
    ]);
    return {
      site,
      name: row.name,
      operators: operators.flatMap((o) =>
        o.endpoint === null
          ? []
          : [
              {
                id: o.id,
                name: o.name,
                extension: o.extension,
                endpoint: o.endpoint,
                queues: members
                  .filter((m) => m.user_id === o.id)
                  .map((m) => m.queue)
                  .sort(),
              },
            ],
      ),
      queues: queues.map((q) => ({ name: q.name, label: q.label })),
      dispositions: [...this.dispositions],
      generatedAt: iso(this.clock()),
    };
  }

  /**
   * Password verifiers (scrypt hashes, never passwords) of everyone who may log in at the site
   * while the WAN is down: its enabled operators and supervisors, and supervisors of every site.
   * Admins are left out on purpose: site-only login is for telephony work.
   */
  async credentialVerifiers(site: string): Promise<SiteCredentialVerifiers> {
    await this.require(site);
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'name', 'role', 'site', 'extension', 'password_hash', 'password_changed_at'])
      .where('disabled', '=', 0)
      .where((eb) =>
        eb.or([
          eb.and([eb('site', '=', site), eb('role', 'in', ['operator', 'supervisor'])]),
          eb.and([eb('site', '=', '*'), eb('role', '=', 'supervisor')]),
        ]),
      )
      .orderBy('id')
      .execute();
    return {
      site,
      generatedAt: iso(this.clock()),
      users: rows.map((r) => ({
        userId: r.id,
        name: r.name,
        role: r.role,
        site: r.site,
        extension: r.extension,
        verifier: r.password_hash,
        passwordChangedAt: iso(r.password_changed_at),
      })),
    };
  }
}
