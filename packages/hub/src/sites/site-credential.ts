/**
 * The site credential a gateway presents on its uplink: `cgs1.<site id>.<secret>`, with 32
 * random bytes of secret. The hub stores only SHA-256 of the secret. A fast hash is right here
 * (unlike passwords): the secret is random and long, so there is nothing to guess, and the
 * uplink may reconnect often.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'cgs1';
const SITE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export interface ParsedSiteCredential {
  site: string;
  secret: string;
}

export function newSiteCredential(site: string): { credential: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { credential: `${PREFIX}.${site}.${secret}`, hash: hashSecret(secret) };
}

export function parseSiteCredential(credential: string): ParsedSiteCredential | undefined {
  const trimmed = credential.trim();
  if (!trimmed.startsWith(`${PREFIX}.`)) return undefined;
  const last = trimmed.lastIndexOf('.');
  const site = trimmed.slice(PREFIX.length + 1, last);
  const secret = trimmed.slice(last + 1);
  return SITE.test(site) && SECRET.test(secret) ? { site, secret } : undefined;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
