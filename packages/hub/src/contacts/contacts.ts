/**
 * Contacts (the CRM card): name, company, email, notes, an optional external CRM id, and any
 * number of phone numbers in E.164. Lookup by number is the hot path (every incoming call's
 * pop-up); it is one indexed equality on contact_phones.number.
 */
import { randomUUID } from 'node:crypto';
import type {
  Contact,
  ContactLookupResponse,
  CreateContactRequest,
  FieldProblem,
  PageOf,
  UpdateContactRequest,
} from '@callgate/contracts';
import { sql, type CompiledQuery, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Actor, AuditLog } from '../audit/audit-log.js';
import { iso, type Clock } from '../clock.js';
import type { ContactPhonesTable, ContactsTable, HubTables } from '../db/schema.js';
import { HubError, HubErrorCode, notFound } from '../errors.js';
import { decodeCursor, encodeCursor } from '../pagination.js';
import { toE164 } from './phone-numbers.js';

type ContactRow = Selectable<ContactsTable>;
type PhoneRow = Selectable<ContactPhonesTable>;
type Db = Kysely<HubTables> | Transaction<HubTables>;

function toContact(r: ContactRow): Contact {
  return {
    id: r.id,
    name: r.name,
    company: r.company,
    email: r.email,
    notes: r.notes,
    externalId: r.external_id,
    phones: [],
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export interface PhoneInput {
  number: string;
  label?: string;
}

export interface ContactInput {
  name: string;
  company: string;
  email: string;
  notes: string;
  externalId: string | null;
  phones: { number: string; label: string }[];
}

function searchText(c: ContactInput): string {
  return [c.name, c.company, c.email, ...c.phones.map((p) => p.number)].join(' ').toLowerCase();
}

/** `%` and `_` typed by a user are literal characters, not wildcards. */
export function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** Normalises every number; problems name the field (`phones[1].number`). */
export function normalisePhones(
  phones: readonly PhoneInput[],
  country: string | undefined,
  path = 'phones',
): { phones: { number: string; label: string }[]; problems: FieldProblem[] } {
  const out: { number: string; label: string }[] = [];
  const problems: FieldProblem[] = [];
  phones.forEach((p, i) => {
    const number = toE164(p.number, country);
    if (number === undefined) {
      problems.push({ path: `${path}[${i}].number`, reason: `"${p.number.slice(0, 40)}" is not a phone number` });
    } else if (!out.some((o) => o.number === number)) {
      out.push({ number, label: (p.label ?? '').trim() });
    }
  });
  return { phones: out, problems };
}

const LOOKUP_PLACEHOLDER = '\u0000number';

export class Contacts {
  private lookupQuery: ReturnType<Contacts['buildLookup']> | undefined;

  constructor(
    private readonly db: Kysely<HubTables>,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    /** HubDatabase.prepared: the lookup runs as a prepared statement on PostgreSQL. */
    private readonly prepared: <R>(name: string, query: CompiledQuery<R>) => Promise<R[]> = async (_name, query) =>
      (await db.executeQuery(query)).rows,
  ) {}

  async get(id: string): Promise<Contact> {
    const row = await this.db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`contact ${id}`);
    return (await this.withPhones([row]))[0] as Contact;
  }

  /** Every contact with this number. `country` is for numbers without a country code. */
  async lookup(number: string, country?: string): Promise<ContactLookupResponse> {
    const e164 = toE164(number, country);
    if (e164 === undefined) {
      throw new HubError(HubErrorCode.BadPhoneNumber, `"${number.slice(0, 40)}" is not a phone number`, {
        problems: [{ path: 'number', reason: 'is not a phone number' }],
      });
    }
    const rows = await this.prepared('callgate_contact_lookup', this.compiledLookup(e164));
    const contacts = new Map<string, Contact>();
    for (const row of rows) {
      let contact = contacts.get(row.id);
      if (!contact) {
        if (contacts.size === 50) break;
        contact = { ...toContact(row), phones: [] };
        contacts.set(row.id, contact);
      }
      contact.phones.push({ number: row.phone_number, label: row.phone_label });
    }
    return { number: e164, contacts: [...contacts.values()] };
  }

  /**
   * The lookup query, compiled once (Kysely would build and compile it on every call, ~0.15 ms
   * here) and run as a prepared statement (PostgreSQL would plan it on every call, ~0.6 ms); see
   * bench/hub-contact-lookup. One round trip: the contacts with this number and all their numbers.
   */
  private buildLookup() {
    return this.db
      .selectFrom('contact_phones as hit')
      .innerJoin('contacts', 'contacts.id', 'hit.contact_id')
      .innerJoin('contact_phones as phone', 'phone.contact_id', 'contacts.id')
      .selectAll('contacts')
      .select(['phone.number as phone_number', 'phone.label as phone_label'])
      .where('hit.number', '=', LOOKUP_PLACEHOLDER)
      .orderBy('contacts.name')
      .orderBy('contacts.id')
      .orderBy('phone.position')
      .limit(1000)
      .compile();
  }

  private compiledLookup(number: string): ReturnType<Contacts['buildLookup']> {
    this.lookupQuery ??= this.buildLookup();
    const template = this.lookupQuery;
    return { ...template, parameters: template.parameters.map((p) => (p === LOOKUP_PLACEHOLDER ? number : p)) };
  }

  /** By name (then id); `q` matches name, company, email or number, case-insensitively. */
  async search(query: { q?: string; limit: number; cursor?: string }): Promise<PageOf<Contact>> {
    let q = this.db
      .selectFrom('contacts')
      .selectAll()
      .orderBy('name')
      .orderBy('id')
      .limit(query.limit + 1);
    if (query.q !== undefined && query.q.trim() !== '') {
      q = q.where(sql<boolean>`search_text like ${likePattern(query.q.trim())} escape '\\'`);
    }
    if (query.cursor !== undefined) {
      const [name, id] = decodeCursor(query.cursor, ['string', 'string']);
      q = q.where((eb) => eb(eb.refTuple('name', 'id'), '>', eb.tuple(name, id)));
    }
    const rows = await q.execute();
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: await this.withPhones(page),
      nextCursor: rows.length > query.limit && last ? encodeCursor([last.name, last.id]) : null,
    };
  }

  async create(actor: Actor, request: CreateContactRequest, country?: string): Promise<Contact> {
    const input = this.prepare(
      {
        name: request.name,
        company: request.company ?? '',
        email: request.email ?? '',
        notes: request.notes ?? '',
        externalId: request.externalId ?? null,
      },
      request.phones ?? [],
      country,
    );
    const id = randomUUID();
    await this.db.transaction().execute(async (trx) => {
      await this.assertExternalIdFree(trx, input.externalId, id);
      await this.insert(trx, id, input, this.clock());
      await this.audit.record(actor, 'contact.create', `contact:${id}`, { name: input.name }, trx);
    });
    return this.get(id);
  }

  async update(actor: Actor, id: string, request: UpdateContactRequest, country?: string): Promise<Contact> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(`contact ${id}`);
      const phones =
        request.phones ??
        (await trx.selectFrom('contact_phones').selectAll().where('contact_id', '=', id).orderBy('position').execute());
      const input = this.prepare(
        {
          name: request.name ?? row.name,
          company: request.company ?? row.company,
          email: request.email ?? row.email,
          notes: request.notes ?? row.notes,
          externalId: request.externalId === undefined ? row.external_id : request.externalId,
        },
        phones,
        country,
      );
      await this.assertExternalIdFree(trx, input.externalId, id);
      await this.replace(trx, id, input, this.clock());
      await this.audit.record(actor, 'contact.update', `contact:${id}`, { fields: Object.keys(request) }, trx);
    });
    return this.get(id);
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('contact_phones').where('contact_id', '=', id).execute();
      const result = await trx.deleteFrom('contacts').where('id', '=', id).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw notFound(`contact ${id}`);
      await this.audit.record(actor, 'contact.delete', `contact:${id}`, {}, trx);
    });
  }

  /** The contact's numbers (for its call history). */
  async numbersOf(id: string): Promise<string[]> {
    const exists = await this.db.selectFrom('contacts').select('id').where('id', '=', id).executeTakeFirst();
    if (!exists) throw notFound(`contact ${id}`);
    const rows = await this.db.selectFrom('contact_phones').select('number').where('contact_id', '=', id).execute();
    return rows.map((r) => r.number);
  }

  /**
   * Inserts or updates (by external id) many contacts in one transaction; used by the CSV import
   * and the benchmark. Inputs must be prepared (normalised) already.
   */
  async upsertMany(
    trx: Transaction<HubTables>,
    inputs: readonly ContactInput[],
  ): Promise<{ created: number; updated: number }> {
    const now = this.clock();
    const externalIds = inputs.flatMap((c) => (c.externalId === null ? [] : [c.externalId]));
    const existing = new Map<string, string>();
    for (let i = 0; i < externalIds.length; i += 500) {
      const rows = await trx
        .selectFrom('contacts')
        .select(['id', 'external_id'])
        .where('external_id', 'in', externalIds.slice(i, i + 500))
        .execute();
      for (const r of rows) if (r.external_id !== null) existing.set(r.external_id, r.id);
    }
    let created = 0;
    let updated = 0;
    const fresh = new Map<string, ContactInput>();
    for (const input of inputs) {
      const id = input.externalId === null ? undefined : existing.get(input.externalId);
      if (id === undefined) {
        const newId = randomUUID();
        fresh.set(newId, input);
        // A later line with the same external id updates this one.
        if (input.externalId !== null) existing.set(input.externalId, newId);
        created++;
      } else if (fresh.has(id)) {
        fresh.set(id, input);
      } else {
        await this.replace(trx, id, input, now);
        updated++;
      }
    }
    const freshList = [...fresh].map(([id, input]) => ({ id, input }));
    for (let i = 0; i < freshList.length; i += 200) {
      const chunk = freshList.slice(i, i + 200);
      await trx
        .insertInto('contacts')
        .values(chunk.map((f) => this.contactValues(f.id, f.input, now)))
        .execute();
      const phones = chunk.flatMap((f) => this.phoneValues(f.id, f.input));
      for (let j = 0; j < phones.length; j += 500) {
        await trx
          .insertInto('contact_phones')
          .values(phones.slice(j, j + 500))
          .execute();
      }
    }
    return { created, updated };
  }

  /** Validates and normalises one contact, or throws HUB_ERR_BAD_PHONE_NUMBER naming the field. */
  prepare(fields: Omit<ContactInput, 'phones'>, phones: readonly PhoneInput[], country?: string): ContactInput {
    const normalised = normalisePhones(phones, country);
    if (normalised.problems.length > 0) {
      throw new HubError(HubErrorCode.BadPhoneNumber, normalised.problems.map((p) => p.reason).join('; '), {
        problems: normalised.problems,
      });
    }
    return { ...fields, name: fields.name.trim(), phones: normalised.phones };
  }

  private async assertExternalIdFree(trx: Db, externalId: string | null, id: string): Promise<void> {
    if (externalId === null) return;
    const other = await trx
      .selectFrom('contacts')
      .select('id')
      .where('external_id', '=', externalId)
      .where('id', '!=', id)
      .executeTakeFirst();
    if (other) throw new HubError(HubErrorCode.Conflict, `external id ${externalId} is already contact ${other.id}'s`);
  }

  private contactValues(id: string, c: ContactInput, now: number) {
    return {
      id,
      name: c.name,
      company: c.company,
      email: c.email,
      notes: c.notes,
      external_id: c.externalId,
      search_text: searchText(c),
      created_at: now,
      updated_at: now,
    };
  }

  private phoneValues(id: string, c: ContactInput): PhoneRow[] {
    return c.phones.map((p, position) => ({ contact_id: id, number: p.number, label: p.label, position }));
  }

  private async insert(trx: Db, id: string, c: ContactInput, now: number): Promise<void> {
    await trx
      .insertInto('contacts')
      .values(this.contactValues(id, c, now))
      .execute();
    if (c.phones.length > 0) await trx.insertInto('contact_phones').values(this.phoneValues(id, c)).execute();
  }

  private async replace(trx: Db, id: string, c: ContactInput, now: number): Promise<void> {
    const { created_at: _created, id: _id, ...values } = this.contactValues(id, c, now);
    await trx.updateTable('contacts').set(values).where('id', '=', id).execute();
    await trx.deleteFrom('contact_phones').where('contact_id', '=', id).execute();
    if (c.phones.length > 0) await trx.insertInto('contact_phones').values(this.phoneValues(id, c)).execute();
  }

  private async withPhones(rows: ContactRow[]): Promise<Contact[]> {
    if (rows.length === 0) return [];
    const phones = await this.db
      .selectFrom('contact_phones')
      .selectAll()
      .where(
        'contact_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('contact_id')
      .orderBy('position')
      .execute();
    return rows.map((r) => ({
      ...toContact(r),
      phones: phones.filter((p) => p.contact_id === r.id).map((p) => ({ number: p.number, label: p.label })),
    }));
  }
}
