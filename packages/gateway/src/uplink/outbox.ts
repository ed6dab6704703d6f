/**
 * The gateway's outbox: every closed call record, in SQLite, until the hub acknowledges it.
 *
 * `append` commits before it returns (WAL, synchronous=FULL: the commit is on disk, so a
 * SIGKILL or power cut right after it loses nothing) and is called in the same step that marks
 * the call ended, before anything else sees the call as ended. An entry leaves only when the
 * hub acks it (`acknowledge`) or refuses it as invalid (`reject`, which keeps it in
 * `outbox_rejected` for an administrator); so a record is delivered at least once, and the
 * hub's ingest, idempotent by record id, makes it exactly once.
 *
 * Memory stays bounded whatever the backlog: the uplink reads the outbox in pages
 * (`readAfter`), the depth is a counter, and the oldest entry is one indexed lookup.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CallRecord, FieldProblem } from '@callgate/contracts';

export const OUTBOX_FILE = 'outbox.sqlite';

/** An entry as stored: the record stays JSON text, so sending it never re-serialises it. */
export interface StoredEntry {
  seq: number;
  recordId: string;
  json: string;
  createdMs: number;
}

export interface RejectedEntry extends StoredEntry {
  rejectedMs: number;
  reason: string;
  problems: FieldProblem[];
}

export interface Outbox {
  /** Durably stores the record and returns its sequence number (the order of closing). */
  append(record: CallRecord): number;
  /**
   * Up to `limit` entries with seq > `afterSeq`, oldest first, stopping before `maxBytes` of
   * JSON (but always at least one entry, however large).
   */
  readAfter(afterSeq: number, limit: number, maxBytes: number): StoredEntry[];
  /** Deletes acknowledged entries (one transaction); returns how many were still there. */
  acknowledge(seqs: readonly number[]): number;
  /** Moves an entry the hub refused to `outbox_rejected`, with the reason; false if it was gone. */
  reject(seq: number, reason: string, problems: readonly FieldProblem[]): boolean;
  /** Entries not yet acknowledged. */
  depth(): number;
  /** When the oldest unacknowledged entry was written (epoch ms), or null when empty. */
  oldestCreatedMs(): number | null;
  /** Entries the hub refused, kept for an administrator (newest first). */
  rejected(limit?: number): RejectedEntry[];
  rejectedCount(): number;
  /** The SQLite connection, for the uplink's own small tables (hub commands, config versions). */
  readonly database: Database.Database;
  close(): void;
}

export interface OutboxOptions {
  /** Epoch milliseconds; injected for tests. */
  now?: () => number;
  /** File name inside the data directory (default `outbox.sqlite`), or `:memory:` in unit tests. */
  file?: string;
}

interface EntryRow {
  seq: number;
  record_id: string;
  record_json: string;
  created_ms: number;
}

interface RejectedRow extends EntryRow {
  rejected_ms: number;
  reason: string;
  problems_json: string;
}

/** Opens (creating if needed) the outbox in `dataDir`. */
export function openOutbox(dataDir: string, options: OutboxOptions = {}): Outbox {
  const now = options.now ?? Date.now;
  const file = options.file ?? OUTBOX_FILE;
  if (file !== ':memory:') mkdirSync(dataDir, { recursive: true });
  const db = new Database(file === ':memory:' ? file : join(dataDir, file));
  db.pragma('journal_mode = WAL');
  // FULL: the WAL is fsynced at every commit. NORMAL would survive a process crash but could
  // lose the last records on power loss, and a record is a customer interaction.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  // AUTOINCREMENT: a seq is never reused, even after the newest entries were acked and deleted;
  // the hub may have seen it, and the order of closing must keep growing across restarts.
  db.exec(`CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id TEXT NOT NULL,
    record_json TEXT NOT NULL,
    created_ms INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS outbox_rejected (
    seq INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL,
    record_json TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    rejected_ms INTEGER NOT NULL,
    reason TEXT NOT NULL,
    problems_json TEXT NOT NULL
  );`);

  const insert = db.prepare<[string, string, number]>(
    'INSERT INTO outbox (record_id, record_json, created_ms) VALUES (?, ?, ?)',
  );
  const page = db.prepare<[number, number], EntryRow>(
    'SELECT seq, record_id, record_json, created_ms FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?',
  );
  const remove = db.prepare<[number]>('DELETE FROM outbox WHERE seq = ?');
  const one = db.prepare<[number], EntryRow>(
    'SELECT seq, record_id, record_json, created_ms FROM outbox WHERE seq = ?',
  );
  const keepRejected = db.prepare<[number, string, string, number, number, string, string]>(
    `INSERT OR REPLACE INTO outbox_rejected
       (seq, record_id, record_json, created_ms, rejected_ms, reason, problems_json) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const oldest = db.prepare<[], { created_ms: number }>('SELECT created_ms FROM outbox ORDER BY seq LIMIT 1');
  const rejectedPage = db.prepare<[number], RejectedRow>('SELECT * FROM outbox_rejected ORDER BY seq DESC LIMIT ?');
  const countRejected = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox_rejected');

  let depth = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox').get()?.n ?? 0;
  let rejectedTotal = countRejected.get()?.n ?? 0;

  const acknowledge = db.transaction((seqs: readonly number[]): number => {
    let removed = 0;
    for (const seq of seqs) removed += remove.run(seq).changes;
    return removed;
  });
  const reject = db.transaction((seq: number, reason: string, problems: readonly FieldProblem[]): boolean => {
    const row = one.get(seq);
    if (!row) return false;
    keepRejected.run(seq, row.record_id, row.record_json, row.created_ms, now(), reason, JSON.stringify(problems));
    remove.run(seq);
    return true;
  });

  return {
    database: db,
    append(record) {
      const json = JSON.stringify(record);
      const seq = Number(insert.run(record.recordId, json, now()).lastInsertRowid);
      depth += 1;
      return seq;
    },
    readAfter(afterSeq, limit, maxBytes) {
      if (limit <= 0) return [];
      const out: StoredEntry[] = [];
      let bytes = 0;
      for (const row of page.iterate(afterSeq, limit)) {
        bytes += row.record_json.length;
        if (out.length > 0 && bytes > maxBytes) break;
        out.push({ seq: row.seq, recordId: row.record_id, json: row.record_json, createdMs: row.created_ms });
      }
      return out;
    },
    acknowledge(seqs) {
      if (seqs.length === 0) return 0;
      const removed = acknowledge(seqs);
      depth -= removed;
      return removed;
    },
    reject(seq, reason, problems) {
      const moved = reject(seq, reason, problems);
      if (moved) {
        depth -= 1;
        rejectedTotal += 1;
      }
      return moved;
    },
    depth: () => depth,
    oldestCreatedMs: () => oldest.get()?.created_ms ?? null,
    rejected(limit = 100) {
      return rejectedPage.all(limit).map((r) => ({
        seq: r.seq,
        recordId: r.record_id,
        json: r.record_json,
        createdMs: r.created_ms,
        rejectedMs: r.rejected_ms,
        reason: r.reason,
        problems: JSON.parse(r.problems_json) as FieldProblem[],
      }));
    },
    rejectedCount: () => rejectedTotal,
    close() {
      if (db.open) db.close();
    },
  };
}
