/**
 * The gateway's outbox: every closed call record, in SQLite, until the hub acknowledges it.
 *
 * `append` commits before it returns and is called in the same step that marks the call ended,
 * before anything else sees the call as ended: from then on a crash or SIGKILL of the gateway
 * loses nothing (the commit is in the operating system). The flush to the disk itself — the
 * fdatasync that `synchronous=FULL` would do inside the commit, 0.2 ms to over 10 ms on a busy
 * disk, during which the whole gateway would wait — runs right after, on libuv's thread pool,
 * covering every commit made meanwhile (group commit). A record is sent to the hub only once
 * that flush has completed (`readAfter` stops at the flushed sequence), so the hub never holds
 * a record the site could still lose to a power cut. An entry leaves only when the
 * hub acks it (`acknowledge`) or refuses it as invalid (`reject`, which keeps it in
 * `outbox_rejected` for an administrator); so a record is delivered at least once, and the
 * hub's ingest, idempotent by record id, makes it exactly once.
 *
 * Memory stays bounded whatever the backlog: the uplink reads the outbox in pages
 * (`readAfter`), the depth is a counter, and the oldest entry is one indexed lookup.
 */
import { closeSync, fdatasync, fdatasyncSync, mkdirSync, openSync } from 'node:fs';
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
  /** Commits the record (flushed to disk right after) and returns its sequence number (the order of closing). */
  append(record: CallRecord): number;
  /**
   * Up to `limit` entries with seq > `afterSeq` that are flushed to disk, oldest first, stopping
   * before `maxBytes` of JSON (but always at least one entry, however large).
   */
  readAfter(afterSeq: number, limit: number, maxBytes: number): StoredEntry[];
  /** Deletes acknowledged entries (one transaction); returns how many were still there. */
  acknowledge(seqs: readonly number[]): number;
  /** Moves an entry the hub refused to `outbox_rejected`, with the reason; false if it was gone. */
  reject(seq: number, reason: string, problems: readonly FieldProblem[]): boolean;
  /** Entries not yet acknowledged. */
  depth(): number;
  /** The highest sequence number flushed to disk (entries above it are committed, not yet flushed). */
  flushedSeq(): number;
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
  /** Entries up to `seq` are flushed to disk and may now be read for sending. */
  onFlushed?: (seq: number) => void;
  /** The flush failed (I/O error); it is retried every second until it succeeds. */
  onFlushError?: (error: Error) => void;
}

const FLUSH_RETRY_MS = 1000;

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
  const path = file === ':memory:' ? file : join(dataDir, file);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL for every transaction on this connection (the uplink's own tables use it too), except
  // appends and acks below: appends are flushed by the group flush, and a lost ack only means a
  // record is sent again (the hub stores by record id).
  db.pragma('synchronous = FULL');
  const deferFlush = db.prepare('PRAGMA synchronous = NORMAL');
  const flushInCommit = db.prepare('PRAGMA synchronous = FULL');
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
  const page = db.prepare<[number, number, number], EntryRow>(
    'SELECT seq, record_id, record_json, created_ms FROM outbox WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
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

  // The group flush: one fdatasync of the WAL file covers every commit written before it
  // started (fsync flushes the file, whichever descriptor wrote it). A previous process may
  // have died between its commit and its flush, so everything found at open is flushed now.
  const walFd = path === ':memory:' ? undefined : openWal(`${path}-wal`);
  if (walFd !== undefined) fdatasyncSync(walFd);
  let committedSeq = db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM outbox').get()?.seq ?? 0;
  let flushedSeq = committedSeq;
  let flushing = false;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (closed || flushing || flushedSeq >= committedSeq) return;
    const target = committedSeq;
    if (walFd === undefined) {
      flushedSeq = target;
      options.onFlushed?.(target);
      return;
    }
    flushing = true;
    fdatasync(walFd, (error) => {
      flushing = false;
      if (closed) return;
      if (error) {
        options.onFlushError?.(error);
        retryTimer = setTimeout(flush, FLUSH_RETRY_MS);
        retryTimer.unref();
        return;
      }
      flushedSeq = target;
      options.onFlushed?.(target);
      flush(); // commits made while this flush ran
    });
  };

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
      deferFlush.run();
      let seq: number;
      try {
        seq = Number(insert.run(record.recordId, json, now()).lastInsertRowid);
      } finally {
        flushInCommit.run();
      }
      depth += 1;
      committedSeq = seq;
      flush();
      return seq;
    },
    readAfter(afterSeq, limit, maxBytes) {
      if (limit <= 0) return [];
      const out: StoredEntry[] = [];
      let bytes = 0;
      for (const row of page.iterate(afterSeq, flushedSeq, limit)) {
        bytes += row.record_json.length;
        if (out.length > 0 && bytes > maxBytes) break;
        out.push({ seq: row.seq, recordId: row.record_id, json: row.record_json, createdMs: row.created_ms });
      }
      return out;
    },
    acknowledge(seqs) {
      if (seqs.length === 0) return 0;
      deferFlush.run();
      let removed: number;
      try {
        removed = acknowledge(seqs);
      } finally {
        flushInCommit.run();
      }
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
    flushedSeq: () => flushedSeq,
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
      if (closed) return;
      closed = true;
      clearTimeout(retryTimer);
      if (walFd !== undefined) {
        // The last commits are flushed before the process goes (SIGTERM loses nothing).
        try {
          fdatasyncSync(walFd);
        } finally {
          closeSync(walFd);
        }
      }
      if (db.open) db.close();
    },
  };
}

/** The WAL file SQLite keeps open while this connection lives; created empty if not there yet. */
function openWal(walPath: string): number {
  try {
    return openSync(walPath, 'r');
  } catch {
    // An empty WAL is a valid, empty log to SQLite.
    return openSync(walPath, 'a+');
  }
}
