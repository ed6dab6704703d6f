/**
 * The hub API's few routes the panel needs at the site during a WAN outage, on the hub's paths
 * and with its shapes (contracts hub-api.ts), so the same panel bundle served by the gateway
 * works here: the site-only login (`/api/v1/auth/login|session|token|logout`), the disposition
 * list (`GET /api/v1/dispositions`, from the hub's cached directory) and saving a disposition
 * (`PUT /api/v1/calls/{recordId}/disposition`: kept at the site and forwarded over the uplink,
 * answered 202). Every other `/api/v1` path answers 503 GW_ERR_CRM_NOT_HERE: the panel treats
 * that as "CRM unreachable" and keeps telephony going.
 *
 * A thin edge: parsing, cookies, CSRF header and status codes; the decisions are SiteLogin's.
 * Changes need `content-type: application/json` (a cross-site form cannot send it without a
 * CORS preflight, which this server never grants) and, once logged in, the session's CSRF token.
 */
import type http from 'node:http';
import {
  loginRequestValidator,
  saveDispositionRequestValidator,
  type DispositionOption,
  type DispositionQueued,
} from '@callgate/contracts';
import { GatewayErrorCode } from '../errors.js';
import { SITE_SESSION_COOKIE, type SiteLogin } from '../auth/site-login.js';

const API_PREFIX = '/api/v1/';
/** A disposition's notes may hold 10,000 characters, up to 4 bytes each in UTF-8. */
const MAX_BODY_BYTES = 64 * 1024;
const DISPOSITION_PATH = /^calls\/([^/]+)\/disposition$/;

const STATUS: Record<string, number> = {
  [GatewayErrorCode.LoginFailed]: 401,
  [GatewayErrorCode.NotLoggedIn]: 401,
  [GatewayErrorCode.SiteLoginUnavailable]: 403,
  [GatewayErrorCode.LoginRateLimited]: 429,
  [GatewayErrorCode.BadRequest]: 400,
  [GatewayErrorCode.CrmNotHere]: 503,
};

export interface SiteApiRouteDeps {
  login: SiteLogin;
  siteId: string;
  /** The hub's disposition list as last cached (empty before the first link). */
  dispositions: () => readonly DispositionOption[];
  /** Keeps a disposition for the hub (durably) and returns when it was queued. */
  queueDisposition: (d: { recordId: string; operatorId: string; code: string; notes: string }) => string;
  /** Secure cookies (the gateway is reached over https: listen.publicUrl). */
  secureCookie: boolean;
  log: {
    info(fields: Record<string, unknown>, message: string): void;
    error(fields: Record<string, unknown>, message: string): void;
  };
  onLogin?: (result: 'ok' | 'failed' | 'refused' | 'rate-limited') => void;
  /** A token was signed for a site session (a login, a reload, a renewal). */
  onToken?: () => void;
}

class BadBody extends Error {}

interface RouteError {
  code: GatewayErrorCode;
  message: string;
  retryAfterSeconds?: number;
}

function readCookie(req: http.IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * The browser's address, for the per-address login limit. Behind the TLS proxy on the same host
 * (deploy/nginx/callgate-gateway.conf sets X-Forwarded-For to the peer it saw) every request
 * comes from loopback, so the header's last entry is the browser; from anywhere else the
 * header is ignored (a browser could forge it).
 */
export function clientAddress(req: http.IncomingMessage): string {
  const peer = req.socket.remoteAddress ?? '';
  const forwarded = req.headers['x-forwarded-for'];
  if (!LOOPBACK.has(peer) || typeof forwarded !== 'string') return peer;
  const last = forwarded.split(',').at(-1)?.trim();
  return last === undefined || last === '' ? peer : last;
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    throw new BadBody('send the body as application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadBody('the body is too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadBody('the body is not JSON');
  }
}

export function siteApiRoutes(
  deps: SiteApiRouteDeps,
): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  const cookie = (value: string, expires: Date): string =>
    `${SITE_SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Expires=${expires.toUTCString()}` +
    (deps.secureCookie ? '; Secure' : '');
  const send = (res: http.ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const fail = (res: http.ServerResponse, error: RouteError, headers: Record<string, string> = {}) => {
    const retry = error.retryAfterSeconds;
    send(
      res,
      STATUS[error.code] ?? 400,
      { error: retry === undefined ? error : { ...error, retryAfterSeconds: retry } },
      {
        ...headers,
        ...(retry === undefined ? {} : { 'retry-after': String(retry) }),
      },
    );
  };
  const csrf = (req: http.IncomingMessage): string | undefined => {
    const value = req.headers['x-csrf-token'];
    return typeof value === 'string' ? value : undefined;
  };

  const route = async (method: string, path: string, req: http.IncomingMessage, res: http.ServerResponse) => {
    const session = readCookie(req, SITE_SESSION_COOKIE);
    if (method === 'POST' && path === 'auth/login') {
      const body = loginRequestValidator.parse(await readJson(req));
      if (!body.ok) return fail(res, { code: GatewayErrorCode.BadRequest, message: body.error.message });
      const address = clientAddress(req);
      const outcome = await deps.login.loginWithToken(body.value.username, body.value.password, address);
      if (!outcome.ok) {
        const code = outcome.error.code;
        deps.onLogin?.(
          code === GatewayErrorCode.LoginFailed
            ? 'failed'
            : code === GatewayErrorCode.LoginRateLimited
              ? 'rate-limited'
              : 'refused',
        );
        deps.log.info({ user: body.value.username, remote: address, code }, 'site login refused');
        return fail(res, outcome.error);
      }
      deps.onLogin?.('ok');
      deps.onToken?.();
      deps.log.info({ user: body.value.username, remote: address }, 'site login (the hub is out of reach)');
      const { session: s, response } = outcome.value;
      return send(res, 200, response, { 'set-cookie': cookie(s.cookie.value, s.cookie.expires) });
    }
    if (method === 'GET' && path === 'auth/session') {
      const info = await deps.login.session(session);
      return info === undefined ? send(res, 204) : send(res, 200, info);
    }
    if (method === 'POST' && path === 'auth/token') {
      const token = await deps.login.token(session, csrf(req));
      if (token.ok) deps.onToken?.();
      return token.ok ? send(res, 200, token.value) : fail(res, token.error);
    }
    if (method === 'GET' && path === 'dispositions') {
      if ((await deps.login.session(session)) === undefined) {
        return fail(res, { code: GatewayErrorCode.NotLoggedIn, message: 'log in first' });
      }
      return send(res, 200, deps.dispositions());
    }
    const disposition = method === 'PUT' ? DISPOSITION_PATH.exec(path) : null;
    if (disposition) {
      const user = await deps.login.authorize(session, csrf(req));
      if (user === undefined) return fail(res, { code: GatewayErrorCode.NotLoggedIn, message: 'log in again' });
      const recordId = decodeURIComponent(disposition[1] ?? '');
      const body = saveDispositionRequestValidator.parse(await readJson(req));
      if (!body.ok) return fail(res, { code: GatewayErrorCode.BadRequest, message: body.error.message });
      if (!recordId.startsWith(`${deps.siteId}:`) || recordId.length > 200) {
        return fail(res, { code: GatewayErrorCode.BadRequest, message: `${recordId} is not a call of this site` });
      }
      const known = deps.dispositions();
      if (known.length > 0 && !known.some((d) => d.code === body.value.code)) {
        return fail(res, {
          code: GatewayErrorCode.BadRequest,
          message: `disposition "${body.value.code}" is not in the list`,
        });
      }
      const queuedAt = deps.queueDisposition({
        recordId,
        operatorId: user,
        code: body.value.code,
        notes: body.value.notes ?? '',
      });
      deps.log.info({ recordId, operatorId: user, code: body.value.code }, 'disposition kept at the site for the hub');
      const queued: DispositionQueued = { recordId, code: body.value.code, queuedAt, forwardedBy: 'site' };
      return send(res, 202, queued);
    }
    if (method === 'POST' && path === 'auth/logout') {
      await deps.login.logout(session, csrf(req));
      return send(res, 204, undefined, { 'set-cookie': cookie('', new Date(0)) });
    }
    return fail(res, {
      code: GatewayErrorCode.CrmNotHere,
      message: 'this is the site gateway: contacts, history and call records are at the hub',
    });
  };

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!path.startsWith(API_PREFIX)) return false;
    route(req.method ?? 'GET', path.slice(API_PREFIX.length), req, res).catch((error: unknown) => {
      if (res.headersSent) return res.end();
      if (error instanceof BadBody) return fail(res, { code: GatewayErrorCode.BadRequest, message: error.message });
      // The answer says only that it failed; the log has what (docs/errors.md, GW_ERR_INTERNAL).
      deps.log.error({ err: error, path }, 'site API request failed');
      send(res, 500, { error: { code: GatewayErrorCode.Internal, message: 'internal error' } });
    });
    return true;
  };
}
