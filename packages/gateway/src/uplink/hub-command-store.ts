/**
 * Hub command ids and their results, in the outbox database, so a command the hub sends again
 * (after a reconnect, a hub restart, a lost reply) runs at most once and gets its first answer
 * back. The row is committed before the command runs.
 *
 * A command still `accepted` from an earlier gateway process is answered `failed` with
 * UPLINK_ERR_INTERRUPTED: we cannot know whether Asterisk ran it, and running it again could
 * dial a customer twice.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { UplinkErrorCode, type HubCommandReply } from '@callgate/contracts';

export type StoredCommandResult = Omit<HubCommandReply, 'commandId' | 'duplicate'>;

export type CommandBegin = { fresh: true } | { fresh: false; result: StoredCommandResult };

export interface HubCommandStore {
  begin(commandId: string, name: string, nowMs: number): CommandBegin;
  finish(commandId: string, result: StoredCommandResult, nowMs: number): void;
  /** Forgets commands older than the retention; returns how many. */
  prune(nowMs: number): number;
}

interface Row {
  status: HubCommandReply['status'];
  code: string | null;
  message: string | null;
  call_id: string | null;
  run_id: string;
}

/** Kept two days: longer than any hub command deadline, so a late resend is still recognised. */
const RETENTION_MS = 2 * 86_400_000;

export function openHubCommandStore(db: Database.Database, retentionMs = RETENTION_MS): HubCommandStore {
  db.exec(`CREATE TABLE IF NOT EXISTS hub_commands (
    command_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    status TEXT NOT NULL,
    code TEXT,
    message TEXT,
    call_id TEXT,
    run_id TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS hub_commands_created ON hub_commands (created_ms);`);
  const runId = randomUUID();
  const select = db.prepare<[string], Row>(
    'SELECT status, code, message, call_id, run_id FROM hub_commands WHERE command_id = ?',
  );
  const insert = db.prepare<[string, string, number, number, string]>(
    `INSERT INTO hub_commands (command_id, name, created_ms, updated_ms, status, run_id)
     VALUES (?, ?, ?, ?, 'accepted', ?)`,
  );
  const update = db.prepare<[string, string | null, string | null, string | null, number, string]>(
    'UPDATE hub_commands SET status = ?, code = ?, message = ?, call_id = ?, updated_ms = ? WHERE command_id = ?',
  );
  const prune = db.prepare<[number]>('DELETE FROM hub_commands WHERE created_ms < ?');
  const begin = db.transaction((commandId: string, name: string, nowMs: number): CommandBegin => {
    const row = select.get(commandId);
    if (!row) {
      insert.run(commandId, name, nowMs, nowMs, runId);
      return { fresh: true };
    }
    if (row.status === 'accepted' && row.run_id !== runId) {
      return {
        fresh: false,
        result: {
          status: 'failed',
          code: UplinkErrorCode.Interrupted,
          message: 'the gateway restarted while the command ran; it may or may not have run',
          callId: row.call_id,
        },
      };
    }
    return {
      fresh: false,
      result: { status: row.status, code: row.code, message: row.message, callId: row.call_id },
    };
  });
  return {
    begin: (commandId, name, nowMs) => begin(commandId, name, nowMs),
    finish(commandId, result, nowMs) {
      update.run(result.status, result.code, result.message, result.callId, nowMs, commandId);
    },
    prune: (nowMs) => prune.run(nowMs - retentionMs).changes,
  };
}
