/**
 * The site credential the hub issues (`callgate admin site-credential`): `cgs1.<site>.<secret>`
 * with 43 base64url characters of secret (the hub's format, packages/hub/src/sites). The
 * gateway never sends it: it proves it holds it by answering the hub's challenge with
 * HMAC-SHA256 keyed by SHA-256(secret), the verifier the hub stores (uplink-protocol.ts).
 */
import { createHash, createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { uplinkProofInput, UplinkErrorCode } from '@callgate/contracts';

const CREDENTIAL = /^cgs1\.([A-Za-z0-9][A-Za-z0-9_.-]{0,63})\.([A-Za-z0-9_-]{43})$/;

export class UplinkCredentialError extends Error {
  override readonly name = 'UplinkCredentialError';
  readonly code = UplinkErrorCode.CredentialFile;
}

/** A parsed credential; `toString` hides the secret so it cannot reach a log by accident. */
export interface SiteCredential {
  readonly site: string;
  /** The HMAC key: SHA-256 of the secret. */
  readonly key: Buffer;
  toString(): string;
  toJSON(): string;
}

export function parseSiteCredential(
  text: string,
  expectedSite: string,
  source = 'the site credential',
): SiteCredential {
  const match = CREDENTIAL.exec(text.trim());
  if (!match) {
    throw new UplinkCredentialError(`${source} is not a site credential (expected cgs1.<site>.<secret>)`);
  }
  const [, site = '', secret = ''] = match;
  if (site !== expectedSite) {
    throw new UplinkCredentialError(`${source} is for site "${site}", but this gateway is site "${expectedSite}"`);
  }
  const key = createHash('sha256').update(secret).digest();
  const hidden = `cgs1.${site}.***`;
  return { site, key, toString: () => hidden, toJSON: () => hidden };
}

/** Reads the credential file (first non-empty line). */
export async function readSiteCredential(file: string, expectedSite: string): Promise<SiteCredential> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    throw new UplinkCredentialError(`cannot read hub.credentialFile ${file}: ${reason}`);
  }
  return parseSiteCredential(text.split('\n').find((l) => l.trim() !== '') ?? '', expectedSite, file);
}

/** The hello's proof for the hub's challenge nonce. */
export function proveSiteCredential(credential: SiteCredential, nonce: string): string {
  return createHmac('sha256', credential.key).update(uplinkProofInput(credential.site, nonce)).digest('base64url');
}
