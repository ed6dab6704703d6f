/**
 * Operator tokens: short-lived EdDSA JWTs with the claims of contracts' OperatorTokenClaims,
 * signed by the current key. Site gateways verify them offline against the published key set
 * (jose `createLocalJWKSet` over a cached GET /api/v1/keys); the hub verifies them the same way
 * and, in addition, checks that the session (`sid`) is still open.
 */
import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import {
  GATEWAY_AUDIENCE,
  operatorTokenClaimsValidator,
  TOKEN_ISSUER,
  type OperatorToken,
  type OperatorTokenClaims,
  type Result,
  type Role,
} from '@callgate/contracts';
import { iso, type Clock } from '../clock.js';
import { HubError, HubErrorCode } from '../errors.js';
import type { SigningKeys } from './signing-keys.js';
import { CLOCK_SKEW_MS } from './key-schedule.js';

export interface TokenSubject {
  id: string;
  role: Role;
  site: string;
  extension: string;
}

export class TokenIssuer {
  constructor(
    private readonly keys: SigningKeys,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async issue(user: TokenSubject, sessionId: string, notAfter?: number): Promise<OperatorToken> {
    const { kid, key } = await this.keys.signingKey();
    const now = this.clock();
    const iat = Math.floor(now / 1000);
    // A token never outlives the session it was issued for.
    const exp = Math.floor(Math.min(now + this.ttlMs, notAfter ?? Infinity) / 1000);
    // `sxp` tells a gateway renewing the token during a WAN outage where the login ends.
    const claims = { role: user.role, site: user.site, ext: user.extension, sid: sessionId };
    const token = await new SignJWT(notAfter === undefined ? claims : { ...claims, sxp: Math.floor(notAfter / 1000) })
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(GATEWAY_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(key);
    return { token, expiresAt: iso(exp * 1000) };
  }

  /** Signature, issuer, audience, expiry and claim shapes; not whether the session is open. */
  async verify(token: string): Promise<Result<OperatorTokenClaims, HubError>> {
    const attempt = async (fresh: boolean) =>
      jwtVerify(token, await this.keys.verificationKeySet(fresh), {
        issuer: TOKEN_ISSUER,
        audience: GATEWAY_AUDIENCE,
        algorithms: ['EdDSA'],
        currentDate: new Date(this.clock()),
        clockTolerance: CLOCK_SKEW_MS / 1000,
      });
    let payload: unknown;
    try {
      try {
        payload = (await attempt(false)).payload;
      } catch (error) {
        // Another hub instance may have rotated keys since our cache was filled.
        if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
        payload = (await attempt(true)).payload;
      }
    } catch (error) {
      const expired = error instanceof joseErrors.JWTExpired;
      return {
        ok: false,
        error: new HubError(HubErrorCode.Unauthenticated, expired ? 'token expired' : 'token is not valid'),
      };
    }
    const claims = operatorTokenClaimsValidator.parse(payload);
    if (!claims.ok) {
      return { ok: false, error: new HubError(HubErrorCode.Unauthenticated, 'token claims are not valid') };
    }
    return claims;
  }
}
