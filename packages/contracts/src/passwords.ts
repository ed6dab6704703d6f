/**
 * Password hashing with scrypt (memory-hard; node:crypto, no native build), stored as a
 * self-describing string so cost can rise later without breaking old hashes, and so site
 * gateways can check the same string offline (CredentialVerifier in contracts):
 *
 *   $scrypt$ln=15,r=8,p=1$<salt, base64>$<32-byte key, base64>
 *
 * The hub hashes and verifies; a gateway verifies the same strings for the site-only login during
 * a WAN outage. Hence here, next to the CredentialVerifier schema, as a subpath of its own
 * (`@callgate/contracts/passwords`): it needs node:crypto, and the browser bundle imports the
 * package's main entry.
 *
 * N = 2^15, r = 8, p = 1 is OWASP's scrypt minimum; it needs 32 MiB per hash, so Node's default
 * 32 MiB `maxmem` is raised.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptCost {
  /** log2 of N. */
  log2N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT_COST: ScryptCost = { log2N: 15, r: 8, p: 1 };
/** Refuse to verify against a hash whose cost could exhaust memory (a tampered row). */
const MAX_LOG2N = 20;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = {
    N: 2 ** cost.log2N,
    r: cost.r,
    p: cost.p,
    maxmem: 128 * cost.r * 2 ** cost.log2N * 2 + 1024 * 1024,
  };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

const FORMAT = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | undefined {
  const m = FORMAT.exec(stored);
  if (!m) return undefined;
  const cost = { log2N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (cost.log2N < 1 || cost.log2N > MAX_LOG2N || cost.r < 1 || cost.r > 32 || cost.p < 1 || cost.p > 16) {
    return undefined;
  }
  return { cost, salt: Buffer.from(m[4] as string, 'base64'), key: Buffer.from(m[5] as string, 'base64') };
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Constant-time; false for a wrong password and for a malformed stored hash. */
  verify(password: string, stored: string): Promise<boolean>;
  /** Burns the same time as a verify, for unknown users (no user enumeration by timing). */
  verifyDummy(password: string): Promise<false>;
}

export function scryptHasher(cost: ScryptCost = DEFAULT_SCRYPT_COST): PasswordHasher {
  let dummy: Promise<string> | undefined;
  const hash = async (password: string): Promise<string> => {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, cost);
    return `$scrypt$ln=${cost.log2N},r=${cost.r},p=${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
  };
  const verify = async (password: string, stored: string): Promise<boolean> => {
    const parsed = parseHash(stored);
    if (!parsed || parsed.key.length !== KEY_BYTES) return false;
    const key = await derive(password, parsed.salt, parsed.cost);
    return timingSafeEqual(key, parsed.key);
  };
  return {
    hash,
    verify,
    async verifyDummy(password) {
      dummy ??= hash(randomBytes(16).toString('hex'));
      await verify(password, await dummy);
      return false;
    },
  };
}
