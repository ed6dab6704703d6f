/**
 * CRM data: contacts (search, lookup by number, CRUD, CSV import, call history) and calls (the
 * log with filters, one call, dispositions), plus record ingest and dead letters.
 */
import {
  ApiErrorBody,
  CallListQuery,
  Contact,
  ContactLookupResponse,
  CreateContactRequest,
  DeadLetter,
  DispositionOption,
  HubCall,
  ImportContactsResponse,
  IngestRequest,
  IngestResponse,
  Page,
  PageQuery,
  SaveDispositionRequest,
  UpdateContactRequest,
} from '@callgate/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actorOf, requireRole, type Principal, type UserPrincipal } from '../../accounts/access.js';
import { importContactsCsv } from '../../contacts/contact-import.js';
import { HubError, HubErrorCode } from '../../errors.js';
import type { HubCore } from '../../hub-core.js';
import { principalOf, userOf } from '../authenticate.js';

const errors = { default: ApiErrorBody };
const ContactParams = Type.Object(
  { contact: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
const RecordParams = Type.Object(
  { record: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
const Country = Type.String({ pattern: '^[A-Z]{2}$' });

export interface CrmRoutesOptions {
  core: HubCore;
  importBytes: number;
}

export function crmRoutes({ core, importBytes }: CrmRoutesOptions): FastifyPluginAsyncTypebox {
  /** Country for numbers typed without a country code: the request's, the user's site's, the hub's. */
  async function countryFor(principal: UserPrincipal, explicit?: string): Promise<string | undefined> {
    if (explicit !== undefined) return explicit;
    if (principal.site !== '*') {
      const site = await core.sites.get(principal.site);
      if (site?.default_country) return site.default_country;
    }
    return core.config.contacts.defaultCountry;
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  return async (app) => {
    app.addContentTypeParser(
      ['text/csv', 'application/csv'],
      { parseAs: 'string', bodyLimit: importBytes },
      (_req, body, done) => done(null, body),
    );

    // ---- contacts -----------------------------------------------------------------------
    app.get(
      '/contacts',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Contacts by name; q matches name, company, email or number',
          querystring: Type.Object(
            { q: Type.Optional(Type.String({ maxLength: 200 })), ...PageQuery },
            { additionalProperties: false },
          ),
          response: { 200: Page(Contact), ...errors },
        },
      },
      async (request) => {
        userOf(request);
        const q = request.query;
        return core.contacts.search({
          limit: q.limit ?? 50,
          ...(q.q === undefined ? {} : { q: q.q }),
          ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
        });
      },
    );

    app.get(
      '/contacts/lookup',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Contacts with this phone number (the incoming-call pop-up)',
          querystring: Type.Object(
            { number: Type.String({ minLength: 1, maxLength: 40 }), country: Type.Optional(Country) },
            { additionalProperties: false },
          ),
          response: { 200: ContactLookupResponse, ...errors },
        },
      },
      async (request) => {
        const principal = userOf(request);
        return core.contacts.lookup(request.query.number, await countryFor(principal, request.query.country));
      },
    );

    app.post(
      '/contacts',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Create a contact',
          querystring: Type.Object({ country: Type.Optional(Country) }, { additionalProperties: false }),
          body: CreateContactRequest,
          response: { 201: Contact, ...errors },
        },
      },
      async (request, reply) => {
        const principal = userOf(request);
        const country = await countryFor(principal, request.query.country);
        return reply.code(201).send(await core.contacts.create(actorOf(principal), request.body, country));
      },
    );

    app.post(
      '/contacts/import',
      {
        bodyLimit: importBytes,
        schema: {
          tags: ['contacts'],
          summary: 'Import contacts from CSV (admin): columns name, company, email, notes, external_id, phone…',
          consumes: ['text/csv'],
          querystring: Type.Object({ country: Type.Optional(Country) }, { additionalProperties: false }),
          response: { 200: ImportContactsResponse, ...errors },
        },
      },
      async (request) => {
        const principal = requireRole(userOf(request), 'admin');
        if (typeof request.body !== 'string') {
          throw new HubError(HubErrorCode.UnsupportedMediaType, 'send the CSV with Content-Type: text/csv');
        }
        const country = await countryFor(principal, request.query.country);
        return importContactsCsv(core, actorOf(principal), request.body, country);
      },
    );

    app.get(
      '/contacts/:contact',
      {
        schema: {
          tags: ['contacts'],
          summary: 'One contact',
          params: ContactParams,
          response: { 200: Contact, ...errors },
        },
      },
      async (request) => {
        userOf(request);
        return core.contacts.get(request.params.contact);
      },
    );

    app.patch(
      '/contacts/:contact',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Change a contact (phones, when given, replace the list)',
          params: ContactParams,
          querystring: Type.Object({ country: Type.Optional(Country) }, { additionalProperties: false }),
          body: UpdateContactRequest,
          response: { 200: Contact, ...errors },
        },
      },
      async (request) => {
        const principal = userOf(request);
        const country = await countryFor(principal, request.query.country);
        return core.contacts.update(actorOf(principal), request.params.contact, request.body, country);
      },
    );

    app.delete(
      '/contacts/:contact',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Delete a contact (supervisor, admin)',
          params: ContactParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        const principal = requireRole(userOf(request), 'admin', 'supervisor');
        await core.contacts.delete(actorOf(principal), request.params.contact);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/contacts/:contact/calls',
      {
        schema: {
          tags: ['contacts'],
          summary: "The contact's call history (the calls you may see)",
          params: ContactParams,
          querystring: Type.Object(PageQuery, { additionalProperties: false }),
          response: { 200: Page(HubCall), ...errors },
        },
      },
      async (request) => {
        const principal = userOf(request);
        const numbers = await core.contacts.numbersOf(request.params.contact);
        const q = request.query;
        return core.calls.list(principal, {
          numbers,
          ...(q.limit === undefined ? {} : { limit: q.limit }),
          ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
        });
      },
    );

    // ---- calls --------------------------------------------------------------------------
    app.get(
      '/calls',
      {
        schema: {
          tags: ['calls'],
          summary: 'The call log, newest first (operators: their own calls; supervisors: their site)',
          querystring: CallListQuery,
          response: { 200: Page(HubCall), ...errors },
        },
      },
      async (request) => {
        const principal = userOf(request);
        const { contact, ...query } = request.query;
        const numbers = contact === undefined ? undefined : await core.contacts.numbersOf(contact);
        return core.calls.list(principal, { ...query, ...(numbers === undefined ? {} : { numbers }) });
      },
    );

    app.get(
      '/calls/:record',
      {
        schema: {
          tags: ['calls'],
          summary: 'One call, by record id',
          params: RecordParams,
          response: { 200: HubCall, ...errors },
        },
      },
      async (request) => core.calls.get(userOf(request), request.params.record),
    );

    app.put(
      '/calls/:record/disposition',
      {
        schema: {
          tags: ['calls'],
          summary: 'Save the after-call disposition (the operator who handled it, supervisors, admins)',
          params: RecordParams,
          body: SaveDispositionRequest,
          response: { 200: HubCall, ...errors },
        },
      },
      async (request) =>
        core.calls.saveDisposition(userOf(request), request.params.record, request.body.code, request.body.notes ?? ''),
    );

    app.get(
      '/dispositions',
      {
        schema: {
          tags: ['calls'],
          summary: 'The configured disposition list',
          response: { 200: Type.Array(DispositionOption), ...errors },
        },
      },
      (request) => {
        userOf(request);
        return core.config.dispositions;
      },
    );

    // ---- records ------------------------------------------------------------------------
    app.post(
      '/records',
      {
        config: { siteCredential: true },
        schema: {
          tags: ['records'],
          summary: 'Ingest call records (admin, or a site with its credential for its own records)',
          body: IngestRequest,
          response: { 200: IngestResponse, ...errors },
        },
      },
      async (request) => {
        const principal: Principal = principalOf(request);
        if (principal.kind === 'user') requireRole(principal, 'admin');
        const outcomes = await core.ingestRecords(request.body.records, actorOf(principal));
        return { results: outcomes.map(({ record: _stored, ...result }) => result) };
      },
    );

    app.get(
      '/dead-letters',
      {
        schema: {
          tags: ['records'],
          summary: 'Records refused at ingest, with the reason and the payload as received (admin)',
          querystring: Type.Object(PageQuery, { additionalProperties: false }),
          response: { 200: Page(DeadLetter), ...errors },
        },
      },
      async (request) => {
        requireRole(userOf(request), 'admin');
        const q = request.query;
        return core.calls.deadLetters({
          limit: q.limit ?? 50,
          ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
        });
      },
    );
  };
}
