/**
 * The hub's token signing keys (Ed25519), kept in the database so every hub instance signs with
 * the same key and publishes the same key set. The schedule (which key signs, which are
 * published) is key-schedule.ts; this file is storage and caching.
 *
 * The private keys are in the database in clear: anyone who can read the database can sign
 * tokens (docs/hub.md, "Security"). Restrict database access accordingly.
 */
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose';
import type { Kysely } from 'kysely';
import type { PublicJwk, PublicJwks, SigningKeyInfo } from '@callgate/contracts';
import type { Clock } from '../clock.js';
import type { HubTables } from '../db/schema.js';
import { currentKey, keyInfo, keyStates, rotationDue, type KeyTimes } from './key-schedule.js';
import type { AuditLog, Actor } from '../audit/audit-log.js';

export interface KeyPolicy {
  tokenTtlMs: number;
  rotationMs: number;
  prepublishMs: number;
}

interface LoadedKey extends KeyTimes {
  publicJwk: PublicJwk;
  privateJwk: JWK;
}

/** How long a cached key list is trusted before re-reading (another instance may have rotated). */
const CACHE_MS = 30_000;

type KeySet = ReturnType<typeof createLocalJWKSet>;

export class SigningKeys {
  private cache: { keys: LoadedKey[]; loadedAt: number } | undefined;
  private readonly privateKeys = new Map<string, CryptoKey>();
  private keySet: { forKids: string; set: KeySet } | undefined;

  constructor(
    private readonly db: Kysely<HubTables>,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly policy: KeyPolicy,
    /** Called after a key was made or revoked (the uplink pushes the new key set). */
    private readonly onChange: () => void = () => undefined,
  ) {}

  /** Makes the first key on a new database, and a scheduled rotation when due. */
  async ensure(): Promise<void> {
    const keys = await this.load(true);
    const now = this.clock();
    if (currentKey(keys, now) === undefined) {
      await this.create(now, 'system', 'keys.create');
      this.onChange();
    } else if (rotationDue(keys, now, this.policy.rotationMs, this.policy.prepublishMs)) {
      await this.create(now + this.policy.prepublishMs, 'system', 'keys.rotate');
      this.onChange();
    }
  }

  /**
   * Makes a new key. Normally it is published now and signs after `prepublish`; `immediate`
   * (after a suspected leak) signs with it at once and revokes every older key, so tokens they
   * signed stop verifying as soon as gateways refresh their key set.
   */
  async rotate(actor: Actor, immediate = false): Promise<SigningKeyInfo> {
    const now = this.clock();
    const kid = await this.create(immediate ? now : now + this.policy.prepublishMs, actor, 'keys.rotate', {
      immediate,
    });
    if (immediate) {
      await this.db
        .updateTable('signing_keys')
        .set({ revoked_at: now })
        .where('kid', '!=', kid)
        .where('revoked_at', 'is', null)
        .execute();
    }
    this.onChange();
    const info = (await this.list(true)).find((k) => k.kid === kid);
    if (info === undefined) throw new Error(`signing key ${kid} vanished after creation`);
    return info;
  }

  async list(fresh = false): Promise<SigningKeyInfo[]> {
    const keys = await this.load(fresh);
    const states = keyStates(keys, this.clock(), this.policy.tokenTtlMs);
    return keys.flatMap((k) => {
      const state = states.get(k.kid);
      return state === undefined ? [] : [keyInfo(k, state)];
    });
  }

  /** The published key set (JWKS), for gateways. */
  async jwks(): Promise<PublicJwks> {
    const keys = await this.load();
    const states = keyStates(keys, this.clock(), this.policy.tokenTtlMs);
    return { keys: keys.filter((k) => states.get(k.kid)?.published === true).map((k) => k.publicJwk) };
  }

  /** The key that signs now. */
  async signingKey(): Promise<{ kid: string; key: CryptoKey }> {
    let key = currentKey(await this.load(), this.clock());
    if (key === undefined) {
      await this.ensure();
      key = currentKey(await this.load(true), this.clock());
    }
    if (key === undefined) throw new Error('no signing key after creating one');
    let privateKey = this.privateKeys.get(key.kid);
    if (privateKey === undefined) {
      privateKey = (await importJWK(key.privateJwk, 'EdDSA')) as CryptoKey;
      this.privateKeys.set(key.kid, privateKey);
    }
    return { kid: key.kid, key: privateKey };
  }

  /** A jose key set of the published keys, for verifying tokens here. */
  async verificationKeySet(fresh = false): Promise<KeySet> {
    const jwks = await (fresh ? this.load(true).then(() => this.jwks()) : this.jwks());
    const forKids = jwks.keys.map((k) => k.kid).join(',');
    if (this.keySet?.forKids !== forKids) this.keySet = { forKids, set: createLocalJWKSet(jwks) };
    return this.keySet.set;
  }

  private async create(activatesAt: number, actor: Actor, action: string, details: Record<string, unknown> = {}) {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const privateJwk = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const now = this.clock();
    const published: PublicJwk = {
      kty: 'OKP',
      crv: 'Ed25519',
      x: publicJwk.x ?? '',
      kid,
      alg: 'EdDSA',
      use: 'sig',
    };
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('signing_keys')
        .values({
          kid,
          public_jwk: JSON.stringify(published),
          private_jwk: JSON.stringify(privateJwk),
          created_at: now,
          activates_at: activatesAt,
          revoked_at: null,
        })
        .execute();
      await this.audit.record(
        actor,
        action,
        `key:${kid}`,
        { ...details, activatesAt: new Date(activatesAt).toISOString() },
        trx,
      );
    });
    this.cache = undefined;
    return kid;
  }

  private async load(fresh = false): Promise<LoadedKey[]> {
    const now = this.clock();
    if (!fresh && this.cache !== undefined && now - this.cache.loadedAt < CACHE_MS) return this.cache.keys;
    const rows = await this.db.selectFrom('signing_keys').selectAll().orderBy('activates_at').execute();
    const keys = rows.map((r) => ({
      kid: r.kid,
      createdAt: r.created_at,
      activatesAt: r.activates_at,
      revokedAt: r.revoked_at,
      publicJwk: JSON.parse(r.public_jwk) as PublicJwk,
      privateJwk: JSON.parse(r.private_jwk) as JWK,
    }));
    this.cache = { keys, loadedAt: now };
    return keys;
  }
}
