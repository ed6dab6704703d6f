/**
 * The hub's HTTP server: Fastify with TypeBox schemas from contracts (validated by TypeBox's
 * compiler, documented as OpenAPI at /api/docs), one authentication hook, one error body, the
 * live WebSocket, health/readiness/metrics, and the operator panel's static bundle at /.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fastifyWebsocket from '@fastify/websocket';
import { LIVE_WS_PATH, ReadinessResponse } from '@callgate/contracts';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import type { Logger } from 'pino';
import Type from 'typebox';
import type { Kysely } from 'kysely';
import { pendingMigrations, ping } from '../db/migrations.js';
import { HubError, HubErrorCode } from '../errors.js';
import type { HubCore } from '../hub-core.js';
import { LiveSocketServer, type LiveSocketOptions } from '../live/live-socket.js';
import { authenticationHook } from './authenticate.js';
import { errorBody, sendError } from './error-body.js';
import { adminRoutes } from './routes/admin-routes.js';
import { authRoutes, wellKnownRoutes } from './routes/auth-routes.js';
import { crmRoutes } from './routes/crm-routes.js';
import { webhookRoutes } from './routes/webhook-routes.js';

function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => holdsNul(v, depth + 1));
  return Object.entries(value as Record<string, unknown>).some(
    ([k, v]) => k.includes('\u0000') || holdsNul(v, depth + 1),
  );
}

/**
 * PostgreSQL text cannot hold NUL: one in a field would fail the query as an internal error.
 * Refused at the door instead, in JSON bodies and in URLs (the only ways in), as a validation
 * error naming the reason.
 */
function rejectNulCharacters(app: HubApp): void {
  const nul = (): HubError =>
    new HubError(HubErrorCode.Validation, 'NUL characters are not allowed in any field', {
      problems: [{ path: '', reason: 'holds a NUL character' }],
    });
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // The default parser answers through the callback; its return value carries nothing.
    void json(request, typeof body === 'string' ? body : body.toString('utf8'), (error, parsed) => {
      if (error) done(error, undefined);
      else if (holdsNul(parsed)) done(nul(), undefined);
      else done(null, parsed);
    });
  });
  app.addHook('onRequest', (request, _reply, done) => {
    done(/%00/i.test(request.url) ? nul() : undefined);
  });
}

/** packages/panel/dist, found from this file (packages/hub/src/http/server.ts). */
export const DEFAULT_PANEL_DIR = resolve(fileURLToPath(new URL('../../../panel/dist', import.meta.url)));

/**
 * A part mounted on the hub's server and core from outside this package's HTTP routes: the site
 * uplink (issue 7) is one. `register` runs before the server listens; `close` runs first on
 * shutdown, before requests in flight finish and before the database closes.
 */
export interface HubPlugin {
  name: string;
  register(app: HubApp, core: HubCore): Promise<void> | void;
  close?(): Promise<void>;
}

export interface ServerOptions {
  logger: Logger;
  plugins?: readonly HubPlugin[];
  live: LiveSocketOptions;
  /** Set while shutting down: /ready answers 503 so load balancers stop sending. */
  isClosing: () => boolean;
}

export type HubApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface HubServer {
  app: HubApp;
  live: LiveSocketServer;
}

export async function buildServer(core: HubCore, options: ServerOptions): Promise<HubServer> {
  const config = core.config;
  const publicOrigin = config.publicUrl === undefined ? undefined : new URL(config.publicUrl).origin;
  const secureCookie = config.sessions.secureCookie ?? publicOrigin?.startsWith('https:') === true;
  // Typed as Fastify's base logger so the instance type does not depend on pino's version.
  const fastifyLogger: FastifyBaseLogger = options.logger;
  const app = Fastify({
    loggerInstance: fastifyLogger,
    bodyLimit: config.limits.bodyBytes,
    trustProxy: config.trustProxy,
    // Both rejected with HUB_ERR_BAD_JSON: prototype pollution through JSON bodies.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    requestIdHeader: false,
    // On close: idle keep-alive connections are closed, requests in flight finish (Fastify's default).
    forceCloseConnections: 'idle',
  })
    .setValidatorCompiler(TypeBoxValidatorCompiler)
    .withTypeProvider<TypeBoxTypeProvider>();
  rejectNulCharacters(app);
  app.decorateRequest('principal', null);
  app.decorateRequest('csrfToken', null);

  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      new HubError(HubErrorCode.NotFound, `no route ${request.method} ${request.url.split('?')[0] ?? ''}`),
    ),
  );

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unknown';
    core.metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    core.metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    // A response finishing while the hub stops ends its keep-alive connection: otherwise the
    // connection idles until keepAliveTimeout (72 s) and shutdown waits for it.
    if (options.isClosing()) void reply.header('connection', 'close');
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'same-origin');
    done(null, payload);
  });

  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, { options: { maxPayload: 16 * 1024 } });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'callgate hub API',
        version: '1',
        description:
          'Accounts and tokens, CRM data, call records, webhooks. Errors: one body with a HUB_ERR_… code (docs/errors.md).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (EdDSA operator token)' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'callgate_session' },
          site: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Site <site credential>' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });

  const authenticate = authenticationHook(core, publicOrigin);
  app.addHook('preValidation', authenticate);

  const live = new LiveSocketServer(core, options.live);

  await app.register(
    async (api) => {
      await api.register(authRoutes({ core, secureCookie }));
      await api.register(adminRoutes(core));
      await api.register(crmRoutes({ core, importBytes: config.limits.importBytes }));
      await api.register(webhookRoutes(core));
      api.get(
        LIVE_WS_PATH.replace('/api/v1', ''),
        {
          websocket: true,
          config: { auth: 'optional' },
          schema: { tags: ['live'], summary: 'Supervisor live view (WebSocket; docs/hub.md)' },
        },
        (socket, request) => {
          const principal = request.principal;
          if (principal !== null && principal.kind === 'user') {
            live.accept(socket, principal, principal.tokenExpiresAt, request.url);
          } else {
            live.accept(socket, null, undefined, request.url);
          }
        },
      );
    },
    { prefix: '/api/v1' },
  );
  await app.register(wellKnownRoutes(core));
  for (const plugin of options.plugins ?? []) await plugin.register(app, core);

  // ---- operations -------------------------------------------------------------------------
  app.get(
    '/health',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['ops'],
        summary: 'Liveness: the process answers',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    () => ({ status: 'ok' as const }),
  );
  app.get(
    '/ready',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['ops'],
        summary: 'Readiness: database answers, schema current, not shutting down',
        response: { 200: ReadinessResponse, 503: ReadinessResponse },
      },
    },
    async (_request, reply) => {
      const checks: Record<string, string> = {};
      const raw = core.database.db as unknown as Kysely<unknown>;
      try {
        await ping(raw);
        checks.database = 'ok';
        const pending = await pendingMigrations(raw, core.database.engine, core.database.schema);
        checks.migrations = pending.length === 0 ? 'ok' : `pending: ${pending.join(', ')}`;
      } catch (error) {
        checks.database = error instanceof Error ? error.message.slice(0, 200) : 'unreachable';
      }
      checks.shutdown = options.isClosing() ? 'in progress' : 'ok';
      const ready = Object.values(checks).every((v) => v === 'ok');
      return reply.code(ready ? 200 : 503).send({ ready, database: core.database.engine, checks });
    },
  );
  if (config.metrics.enabled) {
    app.get('/metrics', { config: { auth: 'public' }, schema: { hide: true } }, async (_request, reply) => {
      void reply.header('content-type', core.metrics.registry.contentType);
      return core.metrics.registry.metrics();
    });
  }

  // ---- the operator panel -------------------------------------------------------------------
  const panelDir = config.panelDir === undefined ? DEFAULT_PANEL_DIR : resolve(config.panelDir);
  if (existsSync(join(panelDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: panelDir, prefix: '/', wildcard: false, index: ['index.html'] });
    // Client-side routes (/calls/123) get the app; unknown /api paths keep their JSON 404.
    app.get('/*', { config: { auth: 'public' }, schema: { hide: true } }, (request, reply) => {
      if (request.url.startsWith('/api/')) {
        return reply.code(404).send(errorBody(new HubError(HubErrorCode.NotFound, 'no such API route')));
      }
      return reply.sendFile('index.html');
    });
  } else {
    app.get('/', { config: { auth: 'public' }, schema: { hide: true } }, (request, reply) =>
      sendError(
        request,
        reply,
        new HubError(
          HubErrorCode.PanelNotBuilt,
          `the operator panel is not built (no ${join(panelDir, 'index.html')}); run: npm run build -w @callgate/panel. The API is at /api/v1, its documentation at /api/docs.`,
        ),
      ),
    );
  }

  return { app, live };
}
