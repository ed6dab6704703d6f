/**
 * What each site closed, independently of what was delivered: a trigger in the site's outbox
 * database copies every appended record into `chaos_ledger` in the same transaction, and acks
 * never delete from it. So the ledger is exactly the set of records the gateway committed to
 * deliver, even across SIGKILLs at any moment.
 */
import { openOutbox } from '@callgate/gateway';

export interface LedgerEntry {
  seq: number;
  recordId: string;
  json: string;
}

/** Creates the outbox with the ledger trigger before the gateway first opens it. */
export function installLedger(dataDir: string): void {
  const outbox = openOutbox(dataDir);
  outbox.database.exec(`CREATE TABLE IF NOT EXISTS chaos_ledger (
    seq INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL,
    record_json TEXT NOT NULL
  );
  CREATE TRIGGER IF NOT EXISTS chaos_ledger_copy AFTER INSERT ON outbox BEGIN
    INSERT INTO chaos_ledger (seq, record_id, record_json) VALUES (new.seq, new.record_id, new.record_json);
  END;`);
  outbox.close();
}

export interface SiteOutboxState {
  ledger: LedgerEntry[];
  depth: number;
  rejected: { recordId: string; reason: string; problems: unknown[] }[];
}

/** Reads the ledger, the outbox depth and the refused records (the gateway may be running). */
export function readSiteOutbox(dataDir: string): SiteOutboxState {
  const outbox = openOutbox(dataDir);
  try {
    const ledger = outbox.database
      .prepare<[], { seq: number; record_id: string; record_json: string }>(
        'SELECT seq, record_id, record_json FROM chaos_ledger ORDER BY seq',
      )
      .all()
      .map((r) => ({ seq: r.seq, recordId: r.record_id, json: r.record_json }));
    return {
      ledger,
      depth: outbox.depth(),
      rejected: outbox.rejected(10_000).map((r) => ({ recordId: r.recordId, reason: r.reason, problems: r.problems })),
    };
  } finally {
    outbox.close();
  }
}

/** Records waiting in the outbox (cheap enough to poll). */
export function outboxDepth(dataDir: string): number {
  const outbox = openOutbox(dataDir);
  try {
    return outbox.depth();
  } finally {
    outbox.close();
  }
}
