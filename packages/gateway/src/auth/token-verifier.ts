/**
 * Verifies operator tokens offline with the hub's public keys (EdDSA JWTs, ARCHITECTURE.md
 * "Tokens and trust"): a site keeps authenticating operators while the WAN is down. Tokens this
 * gateway signed itself during an outage (issuer `callgate-site`) are checked against its own
 * key only; a hub-issued token can never pass as a site token or the other way round, because
 * the issuer picks the key set and is then verified too.
 *
 * Checks, in order: signature with a known key (by `kid`), algorithm EdDSA only (no `none`,
 * no HMAC confusion), issuer and audience, expiry (with a small clock tolerance, since the
 * hub's and the gateway's clocks differ), the claims schema, then the site.
 */
import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JSONWebKeySet } from 'jose';
import {
  GATEWAY_AUDIENCE,
  operatorTokenClaimsValidator,
  SITE_TOKEN_ISSUER,
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

/** The issuer a token claims, before any check (it only chooses which keys to check it with). */
function claimedIssuer(token: string): string | undefined {
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

export function createTokenVerifier(
  siteId: string,
  initialKeys: JSONWebKeySet,
  clockToleranceSeconds = 30,
  /** This gateway's own public key, for the tokens it signs during an outage. */
  siteKeys?: JSONWebKeySet,
): TokenVerifier {
  let keys = initialKeys;
  let keySet = createLocalJWKSet(keys);
  const siteKeySet = siteKeys ? createLocalJWKSet(siteKeys) : undefined;
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
      const bySite = siteKeySet !== undefined && claimedIssuer(token) === SITE_TOKEN_ISSUER;
      const keysToTry = bySite ? siteKeySet : keySet;
      try {
        ({ payload } = await jwtVerify(token, keysToTry, {
          algorithms: ['EdDSA'],
          issuer: bySite ? SITE_TOKEN_ISSUER : TOKEN_ISSUER,
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
