/**
 * The site-only login: while the gateway's link to the hub is down, an operator of this site
 * logs in at the gateway with the password verifiers the hub sent (scrypt hashes, cached in
 * `hub-verifiers.json`), and gets tokens the gateway signs itself (docs/uplink.md, "Working
 * through an outage"). Also decides whether a panel may renew its token over its socket.
 *
 * Policy, in the order checked:
 * - `siteLogin.mode` `off` refuses everything; `outage` opens logins and socket renewals only
 *   while the uplink is not linked (the hub stays the authority whenever it can be reached);
 *   a site login made during the outage keeps working to its end after the link is back.
 * - Only users with role operator, for this site, present in the site's operators, may log in
 *   or renew here. A user the hub removes or disables is dropped from the verifiers it sends,
 *   which ends their renewals here too.
 * - Failed attempts are limited per user and per address (token buckets); an unknown user costs
 *   the same scrypt time as a known one, and both get the same answer.
 *
 * The session is a cookie holding a JWT signed with the gateway's key (audience
 * `callgate-site-session`, so it can never pass as an operator token), with the CSRF token
 * inside: nothing to store, and a restarted gateway keeps its logins. Logging out forgets the
 * session id until the session would have ended anyway.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import {
  SITE_TOKEN_ISSUER,
  type CredentialVerifier,
  type LoginResponse,
  type OperatorToken,
  type OperatorTokenClaims,
  type SessionInfo,
  type SiteConfig,
  type SiteCredentialVerifiers,
  type SiteOperator,
} from '@callgate/contracts';
import { GatewayErrorCode } from '../errors.js';
import { RateLimiter } from '../operators/rate-limiter.js';
import type { SiteSigningKey } from './site-signing-key.js';
import type { SiteTokenIssuer } from './site-token-issuer.js';

export const SITE_SESSION_COOKIE = 'callgate_site_session';
const SESSION_AUDIENCE = 'callgate-site-session';

export interface PasswordCheck {
  verify(password: string, stored: string): Promise<boolean>;
  verifyDummy(password: string): Promise<false>;
}

export interface SiteLoginDeps {
  site: Pick<SiteConfig, 'site' | 'siteLogin'>;
  operators: () => readonly SiteOperator[];
  /** Is the uplink linked to the hub right now? */
  linked: () => boolean;
  key: SiteSigningKey;
  tokens: SiteTokenIssuer;
  passwords: PasswordCheck;
  now: () => number;
}

export type SiteLoginError = {
  code:
    | typeof GatewayErrorCode.LoginFailed
    | typeof GatewayErrorCode.SiteLoginUnavailable
    | typeof GatewayErrorCode.LoginRateLimited
    | typeof GatewayErrorCode.NotLoggedIn
    | typeof GatewayErrorCode.SiteTokenRefused;
  message: string;
  retryAfterSeconds?: number;
};

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: SiteLoginError };

export interface SiteSession {
  info: SessionInfo;
  /** The cookie's value (a signed JWT) and when it ends. */
  cookie: { value: string; expires: Date };
}

interface SessionClaims {
  sub: string;
  sid: string;
  csrf: string;
  exp: number;
}

const fail = <T>(code: SiteLoginError['code'], message: string, retryAfterSeconds?: number): Outcome<T> => ({
  ok: false,
  error: retryAfterSeconds === undefined ? { code, message } : { code, message, retryAfterSeconds },
});

export class SiteLogin {
  readonly #d: SiteLoginDeps;
  #verifiers = new Map<string, CredentialVerifier>();
  #verifiersKnown = false;
  readonly #byUser = new RateLimiter({ burst: 5, perSecond: 1 / 60 });
  readonly #byAddress = new RateLimiter({ burst: 20, perSecond: 1 / 6 });
  /** Logged-out session ids, until the session would have ended (epoch seconds). */
  readonly #loggedOut = new Map<string, number>();

  constructor(deps: SiteLoginDeps) {
    this.#d = deps;
  }

  /** The hub's verifiers for this site (from the cache at start, then from each push). */
  setVerifiers(verifiers: SiteCredentialVerifiers): void {
    this.#verifiers = new Map(verifiers.users.map((u) => [u.userId, u]));
    this.#verifiersKnown = true;
  }

  get userCount(): number {
    return this.#verifiers.size;
  }

  /** Why a new login or a socket renewal is refused now, or undefined when it is open. */
  closedBecause(): string | undefined {
    const { mode } = this.#d.site.siteLogin;
    if (mode === 'off') return 'site login is off at this gateway (siteLogin.mode)';
    if (mode === 'outage' && this.#d.linked()) return 'the hub is reachable: log in at the hub';
    if (!this.#verifiersKnown) return 'this gateway has no password verifiers from the hub yet';
    return undefined;
  }

  async login(username: string, password: string, address: string): Promise<Outcome<SiteSession>> {
    const closed = this.closedBecause();
    if (closed !== undefined) return fail(GatewayErrorCode.SiteLoginUnavailable, closed);
    const now = this.#d.now();
    this.#sweep(now);
    if (!this.#byAddress.take(address, now)) {
      return fail(GatewayErrorCode.LoginRateLimited, 'too many login attempts from this address', 6);
    }
    if (!this.#byUser.take(username.toLowerCase(), now)) {
      return fail(GatewayErrorCode.LoginRateLimited, 'too many login attempts for this user', 60);
    }
    const verifier = this.#verifiers.get(username);
    const matches = verifier
      ? await this.#d.passwords.verify(password, verifier.verifier)
      : await this.#d.passwords.verifyDummy(password);
    if (!verifier || !matches) return fail(GatewayErrorCode.LoginFailed, 'wrong user name or password');
    const operator = this.#operatorOf(verifier);
    if (operator === undefined) {
      return fail(GatewayErrorCode.SiteLoginUnavailable, 'site login is for the operators of this site');
    }
    const sxp = Math.floor(now / 1000) + this.#d.site.siteLogin.sessionHours * 3600;
    const claims: SessionClaims = {
      sub: verifier.userId,
      sid: `site-${randomUUID()}`,
      csrf: randomBytes(24).toString('base64url'),
      exp: sxp,
    };
    const value = await new SignJWT({ sid: claims.sid, csrf: claims.csrf })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.#d.key.kid, typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(SITE_TOKEN_ISSUER)
      .setAudience(SESSION_AUDIENCE)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(sxp)
      .sign(this.#d.key.privateKey);
    return {
      ok: true,
      value: { info: this.#info(verifier, operator, claims), cookie: { value, expires: new Date(sxp * 1000) } },
    };
  }

  /** The session behind a cookie, or undefined (none, expired, logged out, user gone). */
  async session(cookie: string | undefined): Promise<SessionInfo | undefined> {
    const found = await this.#sessionOf(cookie);
    return found && this.#info(found.verifier, found.operator, found.claims);
  }

  /** A fresh operator token for a site session; the CSRF header must match the session's. */
  async token(cookie: string | undefined, csrf: string | undefined): Promise<Outcome<OperatorToken>> {
    const found = await this.#sessionOf(cookie);
    if (!found || csrf !== found.claims.csrf) {
      return fail(GatewayErrorCode.NotLoggedIn, 'no site login session; log in again');
    }
    const issued = await this.#d.tokens.issue(
      {
        sub: found.verifier.userId,
        role: 'operator',
        site: this.#d.site.site.id,
        ext: found.operator.extension,
        sid: found.claims.sid,
        sxp: found.claims.exp,
      },
      this.#d.now(),
    );
    if (!issued.ok) return fail(GatewayErrorCode.NotLoggedIn, issued.reason);
    return { ok: true, value: issued.token };
  }

  /** Both halves of a login: the session and its first token. */
  async loginWithToken(
    username: string,
    password: string,
    address: string,
  ): Promise<Outcome<{ session: SiteSession; response: LoginResponse }>> {
    const login = await this.login(username, password, address);
    if (!login.ok) return login;
    const token = await this.token(login.value.cookie.value, login.value.info.csrfToken);
    if (!token.ok) return token;
    return { ok: true, value: { session: login.value, response: { session: login.value.info, token: token.value } } };
  }

  /** The user of a site session whose CSRF token matches: for changes made with the cookie. */
  async authorize(cookie: string | undefined, csrf: string | undefined): Promise<string | undefined> {
    const found = await this.#sessionOf(cookie);
    return found && csrf === found.claims.csrf ? found.verifier.userId : undefined;
  }

  async logout(cookie: string | undefined, csrf: string | undefined): Promise<boolean> {
    const found = await this.#sessionOf(cookie);
    if (!found || csrf !== found.claims.csrf) return false;
    this.#loggedOut.set(found.claims.sid, found.claims.exp);
    return true;
  }

  /**
   * May the holder of this (valid, verified) token get a token from the gateway over its
   * socket? Tokens of a site login may always be renewed to their end; hub tokens only while
   * the site login is open (the hub is out of reach under `outage`).
   */
  async renewForSocket(claims: OperatorTokenClaims): Promise<Outcome<OperatorToken>> {
    const fromSite = claims.iss === SITE_TOKEN_ISSUER;
    const closed = fromSite ? this.#offBecause() : this.closedBecause();
    if (closed !== undefined) return fail(GatewayErrorCode.SiteTokenRefused, closed);
    if (this.#loggedOut.has(claims.sid)) return fail(GatewayErrorCode.SiteTokenRefused, 'logged out');
    const verifier = this.#verifiers.get(claims.sub);
    if (claims.role !== 'operator' || !verifier || this.#operatorOf(verifier) === undefined) {
      return fail(GatewayErrorCode.SiteTokenRefused, 'this user may not work at this site without the hub');
    }
    const renewed = await this.#d.tokens.renew(claims, this.#d.now());
    if (!renewed.ok) return fail(GatewayErrorCode.SiteTokenRefused, renewed.reason);
    return { ok: true, value: renewed.token };
  }

  #offBecause(): string | undefined {
    return this.#d.site.siteLogin.mode === 'off' ? 'site login is off at this gateway (siteLogin.mode)' : undefined;
  }

  #operatorOf(verifier: CredentialVerifier): SiteOperator | undefined {
    if (verifier.role !== 'operator' || verifier.site !== this.#d.site.site.id) return undefined;
    return this.#d.operators().find((o) => o.id === verifier.userId);
  }

  async #sessionOf(
    cookie: string | undefined,
  ): Promise<{ claims: SessionClaims; verifier: CredentialVerifier; operator: SiteOperator } | undefined> {
    if (cookie === undefined || cookie === '' || this.#offBecause() !== undefined) return undefined;
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(cookie, this.#d.key.publicJwks.keys[0] ?? {}, {
        algorithms: ['EdDSA'],
        issuer: SITE_TOKEN_ISSUER,
        audience: SESSION_AUDIENCE,
        currentDate: new Date(this.#d.now()),
      }));
    } catch {
      return undefined;
    }
    const { sub, sid, csrf, exp } = payload;
    if (typeof sub !== 'string' || typeof sid !== 'string' || typeof csrf !== 'string' || typeof exp !== 'number') {
      return undefined;
    }
    if (this.#loggedOut.has(sid)) return undefined;
    const verifier = this.#verifiers.get(sub);
    const operator = verifier && this.#operatorOf(verifier);
    if (!verifier || !operator) return undefined;
    return { claims: { sub, sid, csrf, exp }, verifier, operator };
  }

  #info(verifier: CredentialVerifier, operator: SiteOperator, claims: SessionClaims): SessionInfo {
    return {
      user: {
        id: verifier.userId,
        name: verifier.name,
        role: 'operator',
        site: this.#d.site.site.id,
        extension: operator.extension,
        endpoint: operator.endpoint,
        disabled: false,
        createdAt: verifier.passwordChangedAt,
        updatedAt: verifier.passwordChangedAt,
      },
      // An empty gateway URL tells the panel to open the WebSocket on the page's own origin.
      site: { id: this.#d.site.site.id, name: this.#d.site.site.name, gatewayUrl: '' },
      csrfToken: claims.csrf,
      sessionExpiresAt: new Date(claims.exp * 1000).toISOString(),
      issuedBy: 'site',
    };
  }

  #sweep(nowMs: number): void {
    this.#byUser.sweep(nowMs);
    this.#byAddress.sweep(nowMs);
    const nowSeconds = nowMs / 1000;
    for (const [sid, exp] of this.#loggedOut) if (exp <= nowSeconds) this.#loggedOut.delete(sid);
  }
}
