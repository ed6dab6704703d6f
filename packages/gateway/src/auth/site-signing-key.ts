/**
 * The gateway's own Ed25519 signing key, for the tokens and site-only logins it issues while its
 * link to the hub is down (docs/uplink.md, "Working through an outage"). Created on first start
 * in the data directory (`site-token-key.json`, readable by the gateway only) and kept across
 * restarts, so a gateway restarted mid-outage still accepts the tokens it signed before.
 *
 * Only this gateway knows the key: its tokens are worthless at the hub and at other sites.
 */
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK, type SignJWT } from 'jose';
import { readDataFile, writeDataFile, type DataFileShape } from '../config/data-files.js';
import { GatewayError, GatewayErrorCode } from '../errors.js';

export const SITE_KEY_FILE = 'site-token-key.json';

type PrivateKey = Parameters<SignJWT['sign']>[0];

export interface SiteSigningKey {
  readonly kid: string;
  readonly privateKey: PrivateKey;
  /** The public half, as the token verifier takes it. */
  readonly publicJwks: JSONWebKeySet;
}

interface StoredKey {
  kid: string;
  jwk: JWK;
}

/** An Ed25519 private key as the gateway stores it. */
const STORED_KEY: DataFileShape<StoredKey> = {
  parse(value) {
    const v = value as Partial<StoredKey> | null;
    const jwk = typeof v === 'object' && v !== null && typeof v.kid === 'string' ? v.jwk : undefined;
    if (typeof jwk === 'object' && jwk !== null && jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && jwk.d) {
      return { ok: true, value: v as StoredKey };
    }
    return { ok: false, error: { message: 'not an Ed25519 private key with its kid' } };
  },
};

async function fromStored(stored: StoredKey): Promise<SiteSigningKey> {
  const { d: _private, ...publicJwk } = stored.jwk;
  const privateKey = await importJWK({ ...stored.jwk, alg: 'EdDSA' }, 'EdDSA');
  return {
    kid: stored.kid,
    privateKey,
    publicJwks: { keys: [{ ...publicJwk, kid: stored.kid, alg: 'EdDSA', use: 'sig' }] },
  };
}

/** Loads the key from the data directory, creating it (atomically, mode 0600) on first use. */
export async function loadSiteSigningKey(dataDir: string, siteId: string): Promise<SiteSigningKey> {
  const stored = await readDataFile(dataDir, SITE_KEY_FILE, STORED_KEY);
  if (stored.ok) return fromStored(stored.value);
  if (stored.problem === 'damaged') {
    throw new GatewayError(
      GatewayErrorCode.BadSiteKey,
      `${join(dataDir, SITE_KEY_FILE)} is not a usable site signing key (${stored.reason}); restore it from a backup, or move it away and the gateway makes a new one`,
    );
  }
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const created: StoredKey = { kid: `site-${siteId}-${Date.now().toString(36)}`, jwk: await exportJWK(privateKey) };
  await writeDataFile(dataDir, SITE_KEY_FILE, created);
  return fromStored(created);
}
