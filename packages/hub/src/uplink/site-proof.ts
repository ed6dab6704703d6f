/**
 * Checks a gateway's answer to the uplink challenge (uplink-protocol.ts): HMAC-SHA256 of
 * `uplinkProofInput(site, nonce)` keyed by the SHA-256 of the site credential's secret, which
 * is exactly the verifier the hub stores (sites/site-credential.ts). The credential never
 * crosses the wire, and a proof is good for one nonce, i.e. one connection.
 *
 * Trade-off (docs/uplink.md): whoever can read the hub's `sites` table could answer challenges
 * for a site until its credential is rotated. A stolen database already holds every record, and
 * rotation (`callgate admin site-credential`) ends it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { uplinkProofInput } from '@callgate/contracts';

const HEX_SHA256 = /^[0-9a-f]{64}$/;

export function expectedProof(storedHashHex: string, site: string, nonce: string): string {
  return createHmac('sha256', Buffer.from(storedHashHex, 'hex'))
    .update(uplinkProofInput(site, nonce))
    .digest('base64url');
}

/** Constant-time comparison; false for a malformed stored hash or proof. */
export function proofMatches(storedHashHex: string | null, site: string, nonce: string, proof: string): boolean {
  if (storedHashHex === null || !HEX_SHA256.test(storedHashHex)) return false;
  const expected = Buffer.from(expectedProof(storedHashHex, site, nonce));
  const given = Buffer.from(proof);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
