/**
 * /api/v1/auth (login, logout, session, token renewal, password change) and the published token
 * keys (/api/v1/keys and /.well-known/jwks.json).
 */
import {
  ApiErrorBody,
  ChangePasswordRequest,
  LoginRequest,
  LoginResponse,
  OperatorToken,
  PublicJwks,
  RotateKeysRequest,
  SessionInfo,
  SigningKeyInfo,
} from '@callgate/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { requireRole } from '../../accounts/access.js';
import type { HubCore } from '../../hub-core.js';
import { SESSION_COOKIE, userOf } from '../authenticate.js';

export interface AuthRoutesOptions {
  core: HubCore;
  secureCookie: boolean;
}

const errors = { default: ApiErrorBody };

export function authRoutes({ core, secureCookie }: AuthRoutesOptions): FastifyPluginAsyncTypebox {
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: secureCookie };
  // eslint-disable-next-line @typescript-eslint/require-await
  return async (app) => {
    app.post(
      '/auth/login',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'Log in: sets the session cookie and returns an operator token',
          body: LoginRequest,
          response: { 200: LoginResponse, ...errors },
        },
      },
      async (request, reply) => {
        const { username, password } = request.body;
        const outcome = await core.auth.login(username, password, request.ip, request.headers['user-agent'] ?? '');
        void reply.setCookie(SESSION_COOKIE, outcome.session.cookieValue, {
          ...cookieOptions,
          expires: new Date(outcome.session.expiresAt),
        });
        return { session: outcome.info, token: outcome.token };
      },
    );

    app.post(
      '/auth/logout',
      {
        schema: {
          tags: ['auth'],
          summary: 'End the session (its tokens can no longer be renewed)',
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await core.auth.logout(userOf(request));
        void reply.clearCookie(SESSION_COOKIE, cookieOptions);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/auth/session',
      {
        // "Nobody is logged in" is an answer here, not an error: the panel asks on every page
        // load, and a 401 would be a console error on every visit to the login page. A bad or
        // expired Authorization header is still refused (only a missing or stale cookie is
        // "nobody").
        config: { auth: 'optional' },
        schema: {
          tags: ['auth'],
          summary: 'Who is logged in, and the CSRF token for cookie requests',
          description:
            '200 with the session when the cookie (or bearer token) belongs to an open session; ' +
            '204 with no body when nobody is logged in (no cookie, or the session ended).',
          response: {
            200: SessionInfo,
            204: Type.Null({ description: 'Nobody is logged in' }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        if (request.principal === null) return reply.code(204).send(null);
        const principal = userOf(request);
        const session = await core.sessions.fromId(principal.sessionId);
        // Ended between the authentication hook and here (a logout racing this request).
        if (!session) return reply.code(204).send(null);
        return core.auth.info(session, request.csrfToken ?? '');
      },
    );

    app.post(
      '/auth/token',
      {
        schema: {
          tags: ['auth'],
          summary: 'A fresh operator token for the current session (renew before expiry)',
          response: { 200: OperatorToken, ...errors },
        },
      },
      async (request) => core.auth.renew(userOf(request)),
    );

    app.post(
      '/auth/password',
      {
        schema: {
          tags: ['auth'],
          summary: 'Change your own password (ends all your sessions, this one included)',
          body: ChangePasswordRequest,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        const principal = userOf(request);
        await core.users.changeOwnPassword(principal.userId, request.body.currentPassword, request.body.newPassword);
        void reply.clearCookie(SESSION_COOKIE, cookieOptions);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/keys',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['keys'],
          summary: 'The published token keys (JWKS): cache it, verify with jose createLocalJWKSet',
          response: { 200: PublicJwks },
        },
      },
      async (_request, reply) => {
        // Short cache: a rotation's new key must reach gateways well within prepublishHours.
        void reply.header('cache-control', 'public, max-age=300');
        return core.keys.jwks();
      },
    );

    app.get(
      '/keys/signing',
      {
        schema: {
          tags: ['keys'],
          summary: 'Every signing key and its state (admin)',
          response: { 200: Type.Array(SigningKeyInfo), ...errors },
        },
      },
      async (request) => {
        requireRole(userOf(request), 'admin');
        return core.keys.list(true);
      },
    );

    app.post(
      '/keys/rotate',
      {
        schema: {
          tags: ['keys'],
          summary: 'Make a new signing key (published now, signing after prepublishHours, or at once with immediate)',
          body: Type.Optional(RotateKeysRequest),
          response: { 200: SigningKeyInfo, ...errors },
        },
      },
      async (request) => {
        const principal = requireRole(userOf(request), 'admin');
        return core.keys.rotate(`user:${principal.userId}`, request.body?.immediate === true);
      },
    );
  };
}

/** The same key set at the well-known path (RFC 8615), outside /api/v1. */
export function wellKnownRoutes(core: HubCore): FastifyPluginAsyncTypebox {
  // eslint-disable-next-line @typescript-eslint/require-await
  return async (app) => {
    app.get(
      '/.well-known/jwks.json',
      {
        config: { auth: 'public' },
        schema: { tags: ['keys'], summary: 'Same as /api/v1/keys', response: { 200: PublicJwks } },
      },
      async (_request, reply) => {
        void reply.header('cache-control', 'public, max-age=300');
        return core.keys.jwks();
      },
    );
  };
}
