/**
 * Authentication for every request, in one hook, before validation and the handler:
 * - `Authorization: Bearer <operator token>` (panel, API clients): signature, expiry and an open session;
 * - `Authorization: Site <site credential>` (a gateway, on routes that allow it);
 * - the session cookie (the panel in the browser): changes additionally need `X-CSRF-Token`,
 *   and a request whose Origin is another site is refused (CSRF), whatever it carries.
 * A present but bad Authorization header is refused; it never falls back to the cookie.
 *
 * Routes say what they need in `config.auth`: `public`, `optional`, or `required` (the default
 * under /api/v1; elsewhere — API docs, panel files — the default is `public`);
 * `config.siteCredential: true` lets a site credential in. Role and site checks are the handlers'
 * (accounts/access.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HubCore } from '../hub-core.js';
import type { Principal, UserPrincipal } from '../accounts/access.js';
import { sameSecret } from '../accounts/sessions.js';
import { HubError, HubErrorCode } from '../errors.js';

export const SESSION_COOKIE = 'callgate_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** For cookie sessions: the CSRF token (returned by /auth/session). */
    csrfToken: string | null;
  }
  interface FastifyContextConfig {
    auth?: 'public' | 'optional' | 'required';
    siteCredential?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True when the request's Origin (if any) is this hub: the public URL's origin or the Host it was sent to. */
export function sameOrigin(request: FastifyRequest, publicOrigin: string | undefined): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true; // not a browser cross-site request (curl, server-to-server)
  if (publicOrigin !== undefined && origin === publicOrigin) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

const unauthenticated = (message: string): HubError => new HubError(HubErrorCode.Unauthenticated, message);

export function authenticationHook(core: HubCore, publicOrigin: string | undefined) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    request.principal = null;
    request.csrfToken = null;
    // Secure by default for the API; routes of plugins outside it (API docs, panel files) are public.
    const inApi = (request.routeOptions.url ?? '').startsWith('/api/v1');
    const mode = request.routeOptions.config.auth ?? (inApi ? 'required' : 'public');
    if (mode === 'public') return;

    const unsafe = !SAFE_METHODS.has(request.method);
    // Only cookies ride along on cross-site requests by themselves; a bearer token never does.
    if (request.headers.cookie !== undefined && !sameOrigin(request, publicOrigin)) {
      throw new HubError(HubErrorCode.Csrf, 'request with the session cookie from another origin refused');
    }

    const header = request.headers.authorization;
    if (header !== undefined) {
      const [scheme, value] = header.split(' ', 2);
      if (scheme?.toLowerCase() === 'bearer' && value) {
        const result = await core.auth.fromBearer(value.trim());
        if (!result.ok) throw result.error;
        request.principal = result.value;
        return;
      }
      if (scheme?.toLowerCase() === 'site' && value && request.routeOptions.config.siteCredential === true) {
        const result = await core.verifySiteCredential(value.trim());
        if (!result.ok) throw result.error;
        request.principal = { kind: 'site', site: result.value.site };
        return;
      }
      throw unauthenticated('unsupported Authorization header');
    }

    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie !== undefined && cookie !== '') {
      const principal = await core.auth.fromCookie(cookie);
      if (principal) {
        if (unsafe) {
          const given = request.headers[CSRF_HEADER];
          if (typeof given !== 'string' || !sameSecret(given, principal.csrfToken)) {
            throw new HubError(HubErrorCode.Csrf, `missing or wrong ${CSRF_HEADER} header`);
          }
        }
        const { csrfToken, ...rest } = principal;
        request.principal = rest;
        request.csrfToken = csrfToken;
        return;
      }
    }
    if (mode === 'required') throw unauthenticated('not logged in');
  };
}

/** The request's user principal, or HUB_ERR_UNAUTHENTICATED/FORBIDDEN. */
export function userOf(request: FastifyRequest): UserPrincipal {
  const p = request.principal;
  if (p === null) throw unauthenticated('not logged in');
  if (p.kind !== 'user') throw new HubError(HubErrorCode.Forbidden, 'a site credential cannot do this');
  return p;
}

export function principalOf(request: FastifyRequest): Principal {
  const p = request.principal;
  if (p === null) throw unauthenticated('not logged in');
  return p;
}
