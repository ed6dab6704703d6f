/**
 * Remembers every operator command id with its result, in SQLite, so that re-sending the same
 * id never runs a command twice — across reconnects, tabs and gateway restarts (kept at least
 * 10 minutes). The row is committed (WAL, synchronous=FULL) before the action goes to Asterisk.
 *
 * A command still `accepted` when the gateway restarted is reported as interrupted: we cannot
 * know whether Asterisk ran it, and running it again could dial a customer twice.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { ReplyMessage } from '@callgate/contracts';

export type StoredReply = Pick<ReplyMessage, 'status' | 'code' | 'message' | 'callId'>;

export type BeginResult = { fresh: true } | { fresh: false; reply: StoredReply; interrupted: boolean };

export interface CommandStore {
  /** What an earlier command with this id answered, if there was one (read only). */
  lookup(operatorId: string, commandId: string): Extract<BeginResult, { fresh: false }> | undefined;
  /** Records a new command id, or returns what the earlier one with that id answered. */
  begin(operatorId: string, commandId: string, name: string, nowMs: number): BeginResult;
  finish(operatorId: string, commandId: string, reply: StoredReply, nowMs: number): void;
  /** Drops an id that was begun but refused before running (rate limit), so it may be retried. */
  forget(operatorId: string, commandId: string): void;
  /** Deletes entries older than the retention; returns how many. */
  prune(nowMs: number): number;
  close(): void;
}

interface Row {
  status: StoredReply['status'];
  code: string | null;
  message: string | null;
  call_id: string | null;
  run_id: string;
}

export function openCommandStore(path: string, retentionMs = 15 * 60_000): CommandStore {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS operator_commands (
    operator_id TEXT NOT NULL,
    command_id TEXT NOT NULL,
    name TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    status TEXT NOT NULL,
    code TEXT,
    message TEXT,
    call_id TEXT,
    run_id TEXT NOT NULL,
    PRIMARY KEY (operator_id, command_id)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS operator_commands_created ON operator_commands (created_ms);`);
  const runId = randomUUID();
  const select = db.prepare<[string, string], Row>(
    'SELECT status, code, message, call_id, run_id FROM operator_commands WHERE operator_id = ? AND command_id = ?',
  );
  const insert = db.prepare(
    `INSERT INTO operator_commands (operator_id, command_id, name, created_ms, updated_ms, status, run_id)
     VALUES (?, ?, ?, ?, ?, 'accepted', ?)`,
  );
  const update = db.prepare(
    `UPDATE operator_commands SET status = ?, code = ?, message = ?, call_id = ?, updated_ms = ?
     WHERE operator_id = ? AND command_id = ?`,
  );
  const prune = db.prepare('DELETE FROM operator_commands WHERE created_ms < ?');
  const remove = db.prepare('DELETE FROM operator_commands WHERE operator_id = ? AND command_id = ?');
  const begin = db.transaction((operatorId: string, commandId: string, name: string, nowMs: number): BeginResult => {
    const row = select.get(operatorId, commandId);
    if (!row) {
      insert.run(operatorId, commandId, name, nowMs, nowMs, runId);
      return { fresh: true };
    }
    const interrupted = row.status === 'accepted' && row.run_id !== runId;
    return {
      fresh: false,
      interrupted,
      reply: { status: row.status, code: row.code, message: row.message, callId: row.call_id },
    };
  });
  return {
    lookup(operatorId, commandId) {
      const row = select.get(operatorId, commandId);
      if (!row) return undefined;
      return {
        fresh: false,
        interrupted: row.status === 'accepted' && row.run_id !== runId,
        reply: { status: row.status, code: row.code, message: row.message, callId: row.call_id },
      };
    },
    begin: (operatorId, commandId, name, nowMs) => begin(operatorId, commandId, name, nowMs),
    finish(operatorId, commandId, reply, nowMs) {
      update.run(reply.status, reply.code, reply.message, reply.callId, nowMs, operatorId, commandId);
    },
    forget(operatorId, commandId) {
      remove.run(operatorId, commandId);
    },
    prune: (nowMs) => prune.run(nowMs - retentionMs).changes,
    close: () => db.close(),
  };
}
