/**
 * The hub's token public keys at a site: read from the configured file (a JWKS JSON, or one
 * PEM public key), and cached in the gateway's data directory whenever the hub sends new ones
 * over the uplink, so a gateway restarted during a WAN outage still knows them.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, importSPKI, type JSONWebKeySet } from 'jose';
import { readDataFile, writeDataFile, type DataFileShape } from '../config/data-files.js';
import { GatewayError, GatewayErrorCode } from '../errors.js';

const CACHE_FILE = 'hub-keys.json';

function isJwks(value: unknown): value is JSONWebKeySet {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { keys?: unknown }).keys) &&
    (value as { keys: unknown[] }).keys.every((k) => typeof k === 'object' && k !== null)
  );
}

/** The cache as the gateway writes it: a JWKS. */
const JWKS: DataFileShape<JSONWebKeySet> = {
  parse: (value) => (isJwks(value) ? { ok: true, value } : { ok: false, error: { message: 'no "keys" array' } }),
};

/** Parses a JWKS JSON text or a PEM SPKI public key (given the kid `hub-pem`). */
export async function parseHubKeys(text: string, source: string): Promise<JSONWebKeySet> {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN PUBLIC KEY-----')) {
    const key = await importSPKI(trimmed, 'EdDSA', { extractable: true });
    const jwk = await exportJWK(key);
    return { keys: [{ ...jwk, kid: 'hub-pem', alg: 'EdDSA', use: 'sig' }] };
  }
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    throw new GatewayError(GatewayErrorCode.NoHubKey, `${source} is neither a JWKS JSON file nor a PEM public key`);
  }
  if (!isJwks(value)) throw new GatewayError(GatewayErrorCode.NoHubKey, `${source} has no "keys" array`);
  return value;
}

/**
 * The keys to start with: the cache (newest, from the hub) if present, else the configured
 * file. Fails with GW_ERR_NO_HUB_KEY when neither exists.
 */
export async function loadHubKeys(dataDir: string, publicKeyFile: string | undefined): Promise<JSONWebKeySet> {
  const cached = await readDataFile(dataDir, CACHE_FILE, JWKS);
  if (cached.ok) return cached.value;
  if (cached.problem === 'damaged') {
    throw new GatewayError(GatewayErrorCode.NoHubKey, `${join(dataDir, CACHE_FILE)}: ${cached.reason}`);
  }
  if (publicKeyFile) return parseHubKeys(await readFile(publicKeyFile, 'utf8'), publicKeyFile);
  throw new GatewayError(
    GatewayErrorCode.NoHubKey,
    'no hub public key: set hub.publicKeyFile or link the gateway to the hub once (hub.url)',
  );
}

/** Caches the keys the hub sent (atomically: a crash never leaves half a file). */
export async function saveHubKeys(dataDir: string, jwks: JSONWebKeySet): Promise<void> {
  await writeDataFile(dataDir, CACHE_FILE, jwks);
}
