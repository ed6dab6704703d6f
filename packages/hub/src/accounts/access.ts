/**
 * Who is asking, and the rules for what they may see. Pure; every endpoint calls these, so the
 * rules are in one place (the role/site matrix is in docs/hub.md):
 * - admins: everything;
 * - supervisors: everything of their site (or every site for `*`), no admin changes;
 * - operators: their own calls, contacts (the CRM card), nothing of other operators or sites;
 * - a site (uplink credential): only records of that site.
 */
import type { Role } from '@callgate/contracts';
import type { Actor } from '../audit/audit-log.js';
import { forbidden } from '../errors.js';

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  role: Role;
  /** A site id, or `*`. */
  site: string;
  extension: string;
  sessionId: string;
  sessionExpiresAt: number;
  /** How the request authenticated: cookie changes need the CSRF token, bearer ones do not. */
  via: 'cookie' | 'bearer';
  /** Bearer only: when the token ends (a live socket on it is closed then unless renewed). */
  tokenExpiresAt?: number;
}

export interface SitePrincipal {
  kind: 'site';
  site: string;
}

export type Principal = UserPrincipal | SitePrincipal;

/**
 * An operator acting through their site's gateway while the gateway logged them in itself (a WAN
 * outage, docs/uplink.md): the site's authenticated link vouches for the operator's site session,
 * which the hub never saw. Good for one request, at `nowMs`.
 */
export function operatorVouchedBySite(
  user: { id: string; role: Role; extension: string },
  site: string,
  nowMs: number,
): UserPrincipal {
  return {
    kind: 'user',
    userId: user.id,
    role: user.role,
    site,
    extension: user.extension,
    sessionId: `site:${site}`,
    sessionExpiresAt: nowMs + 60_000,
    via: 'bearer',
  };
}

export function actorOf(principal: Principal): Actor {
  return principal.kind === 'user' ? `user:${principal.userId}` : `site:${principal.site}`;
}

/** The principal as a user with one of the roles, or HUB_ERR_FORBIDDEN. */
export function requireRole(principal: Principal, ...roles: Role[]): UserPrincipal {
  if (principal.kind !== 'user' || !roles.includes(principal.role)) throw forbidden();
  return principal;
}

export function canSeeSite(principal: Principal, site: string): boolean {
  if (principal.kind === 'site') return principal.site === site;
  return principal.role === 'admin' || principal.site === '*' || principal.site === site;
}

export function requireSite(principal: Principal, site: string): void {
  if (!canSeeSite(principal, site)) throw forbidden(`no access to site ${site}`);
}

/**
 * The restriction to put on a list query: `sites` undefined = every site; `operator` set = only
 * calls that operator handled.
 */
export function callScope(principal: UserPrincipal): { site?: string; operator?: string } {
  if (principal.role === 'operator') return { site: principal.site, operator: principal.userId };
  if (principal.role === 'supervisor' && principal.site !== '*') return { site: principal.site };
  return {};
}
