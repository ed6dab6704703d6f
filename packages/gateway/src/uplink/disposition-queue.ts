/**
 * Wrap-up dispositions saved at the gateway during a WAN outage (site-only login), kept in the
 * outbox database until the hub has them (`disposition` → `disposition-ack`, docs/uplink.md).
 *
 * One row per call and operator: saving again replaces the row (the latest words count), with a
 * new id, so an ack for the replaced save does not delete the newer one. A row is `due` when its
 * `next_ms` has passed: after a send it waits for the ack (or a retry time), after `waiting`
 * (the record is not at the hub yet) it backs off. Refused ones move to `dispositions_refused`,
 * kept for an operator to look at. Pure SQLite, the caller passes the time.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';

export interface QueuedDisposition {
  id: string;
  recordId: string;
  operatorId: string;
  code: string;
  notes: string;
  savedAt: string;
  attempts: number;
}

export interface DispositionQueue {
  /** Keeps a save (replacing an earlier one of the same operator for the same call); returns its id. */
  add(d: { recordId: string; operatorId: string; code: string; notes: string }, nowMs: number): QueuedDisposition;
  /** Rows to send now, oldest first; each is then not due again until `resendAfterMs` passes. */
  takeDue(nowMs: number, limit: number, resendAfterMs: number): QueuedDisposition[];
  /** All rows due at once (after a reconnect). */
  makeAllDue(): void;
  saved(id: string): void;
  waiting(id: string, nowMs: number): void;
  refused(id: string, reason: string, nowMs: number): void;
  depth(): number;
  refusedCount(): number;
}

interface Row {
  id: string;
  record_id: string;
  operator_id: string;
  code: string;
  notes: string;
  saved_ms: number;
  attempts: number;
}

/** Backoff after `waiting`: the record usually follows within seconds; then up to 5 minutes. */
export function waitingDelayMs(attempts: number): number {
  return Math.min(300_000, 5_000 * 2 ** Math.max(0, attempts - 1));
}

export function openDispositionQueue(db: Database.Database): DispositionQueue {
  db.exec(`CREATE TABLE IF NOT EXISTS dispositions (
    record_id TEXT NOT NULL,
    operator_id TEXT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    code TEXT NOT NULL,
    notes TEXT NOT NULL,
    saved_ms INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_ms INTEGER NOT NULL,
    PRIMARY KEY (record_id, operator_id)
  );
  CREATE TABLE IF NOT EXISTS dispositions_refused (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL,
    operator_id TEXT NOT NULL,
    code TEXT NOT NULL,
    notes TEXT NOT NULL,
    saved_ms INTEGER NOT NULL,
    reason TEXT NOT NULL,
    refused_ms INTEGER NOT NULL
  );`);
  const upsert = db.prepare<[string, string, string, string, string, number, number]>(
    `INSERT INTO dispositions (record_id, operator_id, id, code, notes, saved_ms, attempts, next_ms)
     VALUES (?, ?, ?, ?, ?, ?, 0, ?)
     ON CONFLICT (record_id, operator_id) DO UPDATE SET
       id = excluded.id, code = excluded.code, notes = excluded.notes, saved_ms = excluded.saved_ms,
       attempts = 0, next_ms = excluded.next_ms`,
  );
  const due = db.prepare<[number, number], Row>(
    `SELECT id, record_id, operator_id, code, notes, saved_ms, attempts FROM dispositions
     WHERE next_ms <= ? ORDER BY saved_ms LIMIT ?`,
  );
  const sent = db.prepare<[number, string]>(
    'UPDATE dispositions SET attempts = attempts + 1, next_ms = ? WHERE id = ?',
  );
  const allDue = db.prepare('UPDATE dispositions SET next_ms = 0');
  const remove = db.prepare<[string]>('DELETE FROM dispositions WHERE id = ?');
  const byId = db.prepare<[string], Row>(
    'SELECT id, record_id, operator_id, code, notes, saved_ms, attempts FROM dispositions WHERE id = ?',
  );
  const later = db.prepare<[number, string]>('UPDATE dispositions SET next_ms = ? WHERE id = ?');
  const keepRefused = db.prepare<[string, string, string, string, string, number, string, number]>(
    `INSERT OR REPLACE INTO dispositions_refused (id, record_id, operator_id, code, notes, saved_ms, reason, refused_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM dispositions');
  const countRefused = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM dispositions_refused');
  const toQueued = (r: Row): QueuedDisposition => ({
    id: r.id,
    recordId: r.record_id,
    operatorId: r.operator_id,
    code: r.code,
    notes: r.notes,
    savedAt: new Date(r.saved_ms).toISOString(),
    attempts: r.attempts,
  });
  const take = db.transaction((nowMs: number, limit: number, resendAfterMs: number) => {
    const rows = due.all(nowMs, limit);
    for (const r of rows) sent.run(nowMs + resendAfterMs, r.id);
    return rows.map((r) => ({ ...toQueued(r), attempts: r.attempts + 1 }));
  });
  const refuse = db.transaction((id: string, reason: string, nowMs: number) => {
    const r = byId.get(id);
    if (!r) return;
    keepRefused.run(r.id, r.record_id, r.operator_id, r.code, r.notes, r.saved_ms, reason, nowMs);
    remove.run(id);
  });
  return {
    add(d, nowMs) {
      const id = randomUUID();
      upsert.run(d.recordId, d.operatorId, id, d.code, d.notes, nowMs, 0);
      return { ...d, id, savedAt: new Date(nowMs).toISOString(), attempts: 0 };
    },
    takeDue: (nowMs, limit, resendAfterMs) => take(nowMs, limit, resendAfterMs),
    makeAllDue: () => void allDue.run(),
    saved: (id) => void remove.run(id),
    waiting(id, nowMs) {
      const r = byId.get(id);
      if (r) later.run(nowMs + waitingDelayMs(r.attempts), id);
    },
    refused: (id, reason, nowMs) => refuse(id, reason, nowMs),
    depth: () => count.get()?.n ?? 0,
    refusedCount: () => countRefused.get()?.n ?? 0,
  };
}
