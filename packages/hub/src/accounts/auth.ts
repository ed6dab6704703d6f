/**
 * Login, logout, token renewal, and turning a cookie or a bearer token into a principal.
 *
 * Login failures all say the same thing (HUB_ERR_LOGIN_FAILED) and take the same time whether
 * the account exists, is disabled or the password is wrong, so nobody learns which names are
 * real. Refusals by the rate limiter come before any password work, so a flood costs no scrypt.
 */
import type { HubSiteRef, OperatorToken, Result, SessionInfo } from '@callgate/contracts';
import type { AuditLog } from '../audit/audit-log.js';
import { iso } from '../clock.js';
import { HubError, HubErrorCode } from '../errors.js';
import type { Sites } from '../sites/sites.js';
import type { TokenIssuer } from '../tokens/token-issuer.js';
import type { UserPrincipal } from './access.js';
import type { LoginLimiter } from './login-limiter.js';
import type { PasswordHasher } from '@callgate/contracts/passwords';
import type { NewSession, OpenSession, Sessions } from './sessions.js';
import { toHubUser, type UserRow, type Users } from './users.js';

export interface LoginOutcome {
  session: NewSession;
  info: SessionInfo;
  token: OperatorToken;
}

export interface AuthMetrics {
  loginSucceeded(): void;
  loginFailed(reason: 'credentials' | 'rate-limited'): void;
}

const unauthenticated = (message = 'not logged in'): HubError => new HubError(HubErrorCode.Unauthenticated, message);

export class Auth {
  constructor(
    private readonly users: Users,
    private readonly sessions: Sessions,
    private readonly tokens: TokenIssuer,
    private readonly limiter: LoginLimiter,
    private readonly hasher: PasswordHasher,
    private readonly sites: Sites,
    private readonly audit: AuditLog,
    private readonly metrics: AuthMetrics,
  ) {}

  async login(username: string, password: string, address: string, userAgent: string): Promise<LoginOutcome> {
    const decision = this.limiter.check(username, address);
    if (!decision.allowed) {
      this.metrics.loginFailed('rate-limited');
      const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      throw new HubError(HubErrorCode.RateLimited, 'too many failed logins; try again later', { retryAfterSeconds });
    }
    const user = await this.users.get(username.trim());
    const ok =
      user !== undefined && user.disabled === 0
        ? await this.hasher.verify(password, user.password_hash)
        : await this.hasher.verifyDummy(password);
    if (!ok || user === undefined) {
      this.limiter.recordFailure(username, address);
      this.metrics.loginFailed('credentials');
      await this.audit.record('system', 'login.failed', `user:${username.trim().toLowerCase().slice(0, 64)}`, {
        address,
      });
      throw new HubError(HubErrorCode.LoginFailed, 'wrong user name or password');
    }
    this.limiter.recordSuccess(username);
    const session = await this.sessions.create(user, address, userAgent);
    const token = await this.tokens.issue(user, session.id, session.expiresAt);
    await this.audit.record(`user:${user.id}`, 'login', `session:${session.id}`, { address });
    this.metrics.loginSucceeded();
    return { session, token, info: await this.info(session, session.csrfToken) };
  }

  async info(session: OpenSession, csrfToken: string): Promise<SessionInfo> {
    return {
      user: toHubUser(session.user),
      site: await this.siteRef(session.user),
      csrfToken,
      sessionExpiresAt: iso(session.expiresAt),
    };
  }

  /** A fresh token for an open session (the panel calls this before its token expires). */
  async renew(principal: UserPrincipal): Promise<OperatorToken> {
    const session = await this.sessions.fromId(principal.sessionId);
    if (!session) throw unauthenticated('session ended');
    return this.tokens.issue(session.user, session.id, session.expiresAt);
  }

  async logout(principal: UserPrincipal): Promise<void> {
    await this.sessions.end(principal.sessionId);
    await this.audit.record(`user:${principal.userId}`, 'logout', `session:${principal.sessionId}`);
  }

  async fromCookie(value: string): Promise<(UserPrincipal & { csrfToken: string }) | undefined> {
    const session = await this.sessions.fromCookie(value);
    if (!session) return undefined;
    return { ...principalOf(session, 'cookie'), csrfToken: session.csrfToken };
  }

  /** A bearer token: valid signature and claims, and its session still open. */
  async fromBearer(token: string): Promise<Result<UserPrincipal & { tokenExpiresAt: number }, HubError>> {
    const claims = await this.tokens.verify(token);
    if (!claims.ok) return claims;
    const session = await this.sessions.fromId(claims.value.sid);
    if (!session || session.user.id !== claims.value.sub) return { ok: false, error: unauthenticated('session ended') };
    return { ok: true, value: { ...principalOf(session, 'bearer'), tokenExpiresAt: claims.value.exp * 1000 } };
  }

  private async siteRef(user: UserRow): Promise<HubSiteRef | null> {
    if (user.site === '*') return null;
    const site = await this.sites.get(user.site);
    return site ? { id: site.id, name: site.name, gatewayUrl: site.gateway_url } : null;
  }
}

/** Role and site come from the database, not the token, so a change applies at once. */
function principalOf(session: OpenSession, via: 'cookie' | 'bearer'): UserPrincipal {
  return {
    kind: 'user',
    userId: session.user.id,
    role: session.user.role,
    site: session.user.site,
    extension: session.user.extension,
    sessionId: session.id,
    sessionExpiresAt: session.expiresAt,
    via,
  };
}
