/**
 * Which version of each hub config push (directory, keys, verifiers) this gateway has applied,
 * in the outbox database. Sent in every hello, so the hub resends only what changed.
 */
import type Database from 'better-sqlite3';
import type { ConfigKind } from '@callgate/contracts';

export interface ConfigVersions {
  all(): Partial<Record<ConfigKind, string>>;
  set(kind: ConfigKind, version: string, nowMs: number): void;
}

const KINDS: ReadonlySet<string> = new Set<ConfigKind>(['directory', 'keys', 'verifiers']);

export function openConfigVersions(db: Database.Database): ConfigVersions {
  db.exec(`CREATE TABLE IF NOT EXISTS uplink_config (
    kind TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    applied_ms INTEGER NOT NULL
  ) WITHOUT ROWID;`);
  const select = db.prepare<[], { kind: string; version: string }>('SELECT kind, version FROM uplink_config');
  const upsert = db.prepare<[string, string, number]>(
    `INSERT INTO uplink_config (kind, version, applied_ms) VALUES (?, ?, ?)
     ON CONFLICT (kind) DO UPDATE SET version = excluded.version, applied_ms = excluded.applied_ms`,
  );
  return {
    all() {
      const out: Partial<Record<ConfigKind, string>> = {};
      for (const row of select.all()) if (KINDS.has(row.kind)) out[row.kind as ConfigKind] = row.version;
      return out;
    },
    set: (kind, version, nowMs) => void upsert.run(kind, version, nowMs),
  };
}
