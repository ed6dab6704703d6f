/**
 * Users, sites, queues and memberships, site credentials, what gateways get (directory,
 * verifiers), and the audit log. Changes are admin-only; supervisors read their sites.
 */
import {
  ApiErrorBody,
  AuditEntry,
  CreateSiteRequest,
  CreateUserRequest,
  HubQueue,
  HubSite,
  HubUser,
  Page,
  PageQuery,
  PutQueueRequest,
  Role,
  SafeId,
  SiteCredentialResponse,
  SiteCredentialVerifiers,
  SiteDirectory,
  SiteQueue,
  UpdateSiteRequest,
  UpdateUserRequest,
} from '@callgate/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actorOf, canSeeSite, requireRole, requireSite } from '../../accounts/access.js';
import { toHubUser } from '../../accounts/users.js';
import { forbidden, notFound } from '../../errors.js';
import type { HubCore } from '../../hub-core.js';
import { toHubSite } from '../../sites/sites.js';
import { principalOf, userOf } from '../authenticate.js';

const errors = { default: ApiErrorBody };
const SiteParams = Type.Object({ site: SafeId }, { additionalProperties: false });
const QueueParams = Type.Object({ site: SafeId, queue: SiteQueue.properties.name }, { additionalProperties: false });
const MemberParams = Type.Object(
  { site: SafeId, queue: SiteQueue.properties.name, user: SafeId },
  { additionalProperties: false },
);
const NoContent = { 204: Type.Null(), ...errors };

export function adminRoutes(core: HubCore): FastifyPluginAsyncTypebox {
  // eslint-disable-next-line @typescript-eslint/require-await
  return async (app) => {
    // ---- users --------------------------------------------------------------------------
    app.get(
      '/users',
      {
        schema: {
          tags: ['users'],
          summary: 'Users (admins: all; supervisors: their site)',
          querystring: Type.Object(
            { site: Type.Optional(Type.String({ maxLength: 64 })), role: Type.Optional(Role), ...PageQuery },
            { additionalProperties: false },
          ),
          response: { 200: Page(HubUser), ...errors },
        },
      },
      async (request) => {
        const principal = requireRole(userOf(request), 'admin', 'supervisor');
        const q = request.query;
        let site = q.site;
        if (principal.role === 'supervisor' && principal.site !== '*') {
          if (site !== undefined && site !== principal.site) throw forbidden(`no access to site ${site}`);
          site = principal.site;
        }
        return core.users.list({
          limit: q.limit ?? 50,
          ...(site === undefined ? {} : { site }),
          ...(q.role === undefined ? {} : { role: q.role }),
          ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
        });
      },
    );

    app.post(
      '/users',
      {
        schema: {
          tags: ['users'],
          summary: 'Create a user (admin)',
          body: CreateUserRequest,
          response: { 201: HubUser, ...errors },
        },
      },
      async (request, reply) => {
        const principal = requireRole(userOf(request), 'admin');
        return reply.code(201).send(await core.users.create(actorOf(principal), request.body));
      },
    );

    app.get(
      '/users/:user',
      {
        schema: {
          tags: ['users'],
          summary: 'One user (yourself, admins, supervisors of the user’s site)',
          params: Type.Object({ user: SafeId }, { additionalProperties: false }),
          response: { 200: HubUser, ...errors },
        },
      },
      async (request) => {
        const principal = userOf(request);
        const row = await core.users.get(request.params.user);
        const self = row?.id === principal.userId;
        const allowed =
          row !== undefined &&
          (self || principal.role === 'admin' || (principal.role === 'supervisor' && canSeeSite(principal, row.site)));
        if (!row || !allowed) throw notFound(`user ${request.params.user}`);
        return toHubUser(row);
      },
    );

    app.patch(
      '/users/:user',
      {
        schema: {
          tags: ['users'],
          summary: 'Change a user: name, role, site, extension, password, disabled (admin)',
          params: Type.Object({ user: SafeId }, { additionalProperties: false }),
          body: UpdateUserRequest,
          response: { 200: HubUser, ...errors },
        },
      },
      async (request) => {
        const principal = requireRole(userOf(request), 'admin');
        return core.users.update(actorOf(principal), request.params.user, request.body);
      },
    );

    // ---- sites --------------------------------------------------------------------------
    app.get(
      '/sites',
      {
        schema: {
          tags: ['sites'],
          summary: 'The sites you can see',
          response: { 200: Type.Array(HubSite), ...errors },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        return (await core.sites.list()).filter((s) => canSeeSite(principal, s.id));
      },
    );

    app.post(
      '/sites',
      {
        schema: {
          tags: ['sites'],
          summary: 'Create a site (admin)',
          body: CreateSiteRequest,
          response: { 201: HubSite, ...errors },
        },
      },
      async (request, reply) => {
        const principal = requireRole(userOf(request), 'admin');
        return reply.code(201).send(await core.sites.create(actorOf(principal), request.body));
      },
    );

    app.get(
      '/sites/:site',
      { schema: { tags: ['sites'], summary: 'One site', params: SiteParams, response: { 200: HubSite, ...errors } } },
      async (request) => {
        const principal = principalOf(request);
        if (!canSeeSite(principal, request.params.site)) throw notFound(`site ${request.params.site}`);
        return toHubSite(await core.sites.require(request.params.site));
      },
    );

    app.patch(
      '/sites/:site',
      {
        schema: {
          tags: ['sites'],
          summary: 'Change a site (admin)',
          params: SiteParams,
          body: UpdateSiteRequest,
          response: { 200: HubSite, ...errors },
        },
      },
      async (request) => {
        const principal = requireRole(userOf(request), 'admin');
        return core.sites.update(actorOf(principal), request.params.site, request.body);
      },
    );

    app.post(
      '/sites/:site/credential',
      {
        schema: {
          tags: ['sites'],
          summary: 'Issue or rotate the site credential for the uplink (admin); shown once',
          params: SiteParams,
          response: { 200: SiteCredentialResponse, ...errors },
        },
      },
      async (request, reply) => {
        const principal = requireRole(userOf(request), 'admin');
        void reply.header('cache-control', 'no-store');
        return core.sites.issueCredential(actorOf(principal), request.params.site);
      },
    );

    app.get(
      '/sites/:site/directory',
      {
        config: { siteCredential: true },
        schema: {
          tags: ['sites'],
          summary: 'Operators and queues as the site gateway gets them (admin, supervisor, the site itself)',
          params: SiteParams,
          response: { 200: SiteDirectory, ...errors },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        if (principal.kind === 'user') requireRole(principal, 'admin', 'supervisor');
        requireSite(principal, request.params.site);
        return core.sites.directory(request.params.site);
      },
    );

    app.get(
      '/sites/:site/verifiers',
      {
        config: { siteCredential: true },
        schema: {
          tags: ['sites'],
          summary: 'Password verifiers (scrypt hashes) for the site-only login (the site itself, admin)',
          params: SiteParams,
          response: { 200: SiteCredentialVerifiers, ...errors },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        if (principal.kind === 'user') requireRole(principal, 'admin');
        requireSite(principal, request.params.site);
        void reply.header('cache-control', 'no-store');
        return core.sites.credentialVerifiers(request.params.site);
      },
    );

    // ---- queues -------------------------------------------------------------------------
    app.get(
      '/sites/:site/queues',
      {
        schema: {
          tags: ['queues'],
          summary: 'Queues of a site with their labels and members (admin, supervisor)',
          params: SiteParams,
          response: { 200: Type.Array(HubQueue), ...errors },
        },
      },
      async (request) => {
        const principal = requireRole(userOf(request), 'admin', 'supervisor');
        requireSite(principal, request.params.site);
        return core.sites.queues(request.params.site);
      },
    );

    app.put(
      '/sites/:site/queues/:queue',
      {
        schema: {
          tags: ['queues'],
          summary: 'Create a queue or change its operator-facing label (admin)',
          params: QueueParams,
          body: PutQueueRequest,
          response: { 200: HubQueue, ...errors },
        },
      },
      async (request) => {
        const principal = requireRole(userOf(request), 'admin');
        const { site, queue } = request.params;
        return core.sites.putQueue(actorOf(principal), site, queue, request.body.label);
      },
    );

    app.delete(
      '/sites/:site/queues/:queue',
      { schema: { tags: ['queues'], summary: 'Delete a queue (admin)', params: QueueParams, response: NoContent } },
      async (request, reply) => {
        const principal = requireRole(userOf(request), 'admin');
        await core.sites.deleteQueue(actorOf(principal), request.params.site, request.params.queue);
        return reply.code(204).send(null);
      },
    );

    app.put(
      '/sites/:site/queues/:queue/members/:user',
      {
        schema: {
          tags: ['queues'],
          summary: 'Put an operator in a queue (admin)',
          params: MemberParams,
          response: { 200: HubQueue, ...errors },
        },
      },
      async (request) => {
        const principal = requireRole(userOf(request), 'admin');
        const { site, queue, user } = request.params;
        return core.sites.addMember(actorOf(principal), site, queue, user);
      },
    );

    app.delete(
      '/sites/:site/queues/:queue/members/:user',
      {
        schema: {
          tags: ['queues'],
          summary: 'Take an operator out of a queue (admin)',
          params: MemberParams,
          response: { 200: HubQueue, ...errors },
        },
      },
      async (request) => {
        const principal = requireRole(userOf(request), 'admin');
        const { site, queue, user } = request.params;
        return core.sites.removeMember(actorOf(principal), site, queue, user);
      },
    );

    // ---- audit --------------------------------------------------------------------------
    app.get(
      '/audit',
      {
        schema: {
          tags: ['audit'],
          summary: 'Who changed what, when (admin), newest first',
          querystring: Type.Object(
            {
              action: Type.Optional(Type.String({ maxLength: 100 })),
              actor: Type.Optional(Type.String({ maxLength: 200 })),
              ...PageQuery,
            },
            { additionalProperties: false },
          ),
          response: { 200: Page(AuditEntry), ...errors },
        },
      },
      async (request) => {
        requireRole(userOf(request), 'admin');
        const q = request.query;
        return core.audit.list({
          limit: q.limit ?? 50,
          ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
          ...(q.action === undefined ? {} : { action: q.action }),
          ...(q.actor === undefined ? {} : { actor: q.actor }),
        });
      },
    );
  };
}
