/**
 * Tokens the gateway signs itself (issuer `callgate-site`) with the same claims as the hub's, so
 * operators keep working while the hub is out of reach: a panel whose hub token is about to end
 * asks over its socket (`renew`), and a site-only login gets its first token here.
 *
 * A token never outlives the login behind it: `sxp` (the login's end, from the hub's token or
 * from the site login) is carried from token to token, and renewals stop there. Pure apart
 * from signing: the caller passes the time.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  GATEWAY_AUDIENCE,
  SITE_TOKEN_ISSUER,
  type OperatorToken,
  type OperatorTokenClaims,
  type Role,
} from '@callgate/contracts';
import type { SiteSigningKey } from './site-signing-key.js';

/** Tokens from hubs that did not yet send `sxp` are renewed this long after they were issued, at most. */
export const LEGACY_LOGIN_SECONDS = 12 * 3600;

export interface SiteTokenSubject {
  sub: string;
  role: Role;
  site: string;
  ext: string;
  sid: string;
  /** End of the login (epoch seconds). */
  sxp: number;
}

export type SiteTokenResult =
  { ok: true; token: OperatorToken; claims: OperatorTokenClaims } | { ok: false; reason: string };

export class SiteTokenIssuer {
  constructor(
    private readonly key: SiteSigningKey,
    private readonly ttlSeconds: number,
  ) {}

  async issue(subject: SiteTokenSubject, nowMs: number): Promise<SiteTokenResult> {
    const iat = Math.floor(nowMs / 1000);
    if (iat >= subject.sxp) return { ok: false, reason: 'the login has ended; log in again' };
    const exp = Math.min(iat + this.ttlSeconds, subject.sxp);
    const jti = randomUUID();
    const token = await new SignJWT({
      role: subject.role,
      site: subject.site,
      ext: subject.ext,
      sid: subject.sid,
      sxp: subject.sxp,
    })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.key.kid, typ: 'JWT' })
      .setSubject(subject.sub)
      .setIssuer(SITE_TOKEN_ISSUER)
      .setAudience(GATEWAY_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(jti)
      .sign(this.key.privateKey);
    const claims: OperatorTokenClaims = {
      ...subject,
      iat,
      exp,
      iss: SITE_TOKEN_ISSUER,
      aud: GATEWAY_AUDIENCE,
      jti,
    };
    return { ok: true, token: { token, expiresAt: new Date(exp * 1000).toISOString() }, claims };
  }

  /** A fresh token for the holder of a valid one (hub's or ours), up to the login's end. */
  renew(current: OperatorTokenClaims, nowMs: number): Promise<SiteTokenResult> {
    return this.issue(
      {
        sub: current.sub,
        role: current.role,
        site: current.site,
        ext: current.ext,
        sid: current.sid,
        sxp: current.sxp ?? current.iat + LEGACY_LOGIN_SECONDS,
      },
      nowMs,
    );
  }
}
