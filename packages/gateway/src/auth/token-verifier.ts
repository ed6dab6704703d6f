/**
 * Verifies operator tokens offline with the hub's public keys (EdDSA JWTs, ARCHITECTURE.md
 * "Tokens and trust"): a site keeps authenticating operators while the WAN is down.
 *
 * Checks, in order: signature with a known key (by `kid`), algorithm EdDSA only (no `none`,
 * no HMAC confusion), issuer and audience, expiry (with a small clock tolerance, since the
 * hub's and the gateway's clocks differ), the claims schema, then the site.
 */
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet } from 'jose';
import {
  GATEWAY_AUDIENCE,
  operatorTokenClaimsValidator,
  TOKEN_ISSUER,
  type OperatorTokenClaims,
} from '@callgate/contracts';

export type TokenProblem =
  /** Not a JWT, bad signature, unknown key, wrong algorithm/issuer/audience, bad claims. */
  | 'invalid'
  | 'expired'
  /** A valid token for another site. */
  | 'wrong-site';

export type TokenCheck =
  { ok: true; claims: OperatorTokenClaims } | { ok: false; problem: TokenProblem; detail: string };

export interface TokenVerifier {
  verify(token: string, now?: Date): Promise<TokenCheck>;
  /** Replaces the key set (after the hub rotates keys). */
  setKeys(jwks: JSONWebKeySet): void;
  readonly keyCount: number;
}

export function createTokenVerifier(
  siteId: string,
  initialKeys: JSONWebKeySet,
  clockToleranceSeconds = 30,
): TokenVerifier {
  let keys = initialKeys;
  let keySet = createLocalJWKSet(keys);
  return {
    get keyCount() {
      return keys.keys.length;
    },
    setKeys(jwks) {
      keys = jwks;
      keySet = createLocalJWKSet(jwks);
    },
    async verify(token, now = new Date()) {
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(token, keySet, {
          algorithms: ['EdDSA'],
          issuer: TOKEN_ISSUER,
          audience: GATEWAY_AUDIENCE,
          clockTolerance: clockToleranceSeconds,
          currentDate: now,
        }));
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) return { ok: false, problem: 'expired', detail: 'token expired' };
        const detail = error instanceof Error ? error.message : 'unverifiable token';
        return { ok: false, problem: 'invalid', detail };
      }
      const parsed = operatorTokenClaimsValidator.parse(payload);
      if (!parsed.ok) return { ok: false, problem: 'invalid', detail: parsed.error.message };
      if (parsed.value.site !== siteId) {
        return { ok: false, problem: 'wrong-site', detail: `token is for site ${parsed.value.site}` };
      }
      return { ok: true, claims: parsed.value };
    },
  };
}
