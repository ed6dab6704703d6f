import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openOutbox, OUTBOX_FILE, type Outbox } from '../../src/uplink/outbox.js';
import { callRecord } from './records.js';

/** Resolves once every record appended so far is flushed to disk (and so may be sent). */
async function flushed(outbox: Outbox, seq: number): Promise<void> {
  while (outbox.flushedSeq() < seq) await new Promise((resolve) => setTimeout(resolve, 1));
}

describe('the outbox keeps every closed call until the hub acknowledges it', () => {
  const root = mkdtempSync(join(tmpdir(), 'callgate-outbox-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  let n = 0;
  const freshDir = (): string => join(root, `d${++n}`);

  it('a record is committed when append returns: another connection reads it at once', () => {
    const dir = freshDir();
    const outbox = openOutbox(dir);
    const seq = outbox.append(callRecord(1));
    const reader = new Database(join(dir, OUTBOX_FILE), { readonly: true });
    const row = reader.prepare('SELECT record_id, record_json FROM outbox WHERE seq = ?').get(seq) as
      { record_id: string; record_json: string } | undefined;
    reader.close();
    outbox.close();
    assert.equal(row?.record_id, 'moscow-rec-1');
    assert.deepEqual(JSON.parse(row?.record_json ?? 'null'), callRecord(1));
  });

  it('a gateway killed with SIGKILL mid-stream loses none of the records whose append had returned', async () => {
    const dir = freshDir();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'support/append-until-killed.ts'), dir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const confirmed: { seq: number; recordId: string }[] = [];
    let buffer = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          const [seq, recordId] = line.split(' ');
          confirmed.push({ seq: Number(seq), recordId: recordId ?? '' });
        }
        if (confirmed.length >= 300 && child.exitCode === null && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    const outbox = openOutbox(dir);
    const stored = new Map(outbox.readAfter(0, 1_000_000, Number.MAX_SAFE_INTEGER).map((e) => [e.seq, e.recordId]));
    outbox.close();
    assert.ok(confirmed.length >= 300);
    for (const { seq, recordId } of confirmed) assert.equal(stored.get(seq), recordId, `seq ${seq} lost`);
  });

  it('a record is sent only once it is flushed to disk; one flush covers the commits made meanwhile', async () => {
    const flushes: number[] = [];
    const outbox = openOutbox(freshDir(), { onFlushed: (seq) => flushes.push(seq) });
    const first = outbox.append(callRecord(1));
    assert.deepEqual(outbox.readAfter(0, 10, Number.MAX_SAFE_INTEGER), [], 'committed, not yet flushed');
    assert.equal(outbox.depth(), 1, 'but counted as waiting');
    const third = [2, 3].map((i) => outbox.append(callRecord(i)))[1] ?? 0;
    await flushed(outbox, third);
    assert.deepEqual(
      outbox.readAfter(0, 10, Number.MAX_SAFE_INTEGER).map((e) => e.seq),
      [first, first + 1, third],
    );
    assert.deepEqual(flushes, [first, third], 'the two appends made during the first flush share the next one');
    outbox.close();
  });

  it('close flushes the last commits: a record appended just before SIGTERM is there after the restart', () => {
    const dir = freshDir();
    const outbox = openOutbox(dir);
    const seq = outbox.append(callRecord(1));
    outbox.close();
    const reopened = openOutbox(dir);
    assert.equal(reopened.flushedSeq(), seq);
    assert.deepEqual(
      reopened.readAfter(0, 10, Number.MAX_SAFE_INTEGER).map((e) => e.recordId),
      ['moscow-rec-1'],
    );
    reopened.close();
  });

  it('pages come out in the order the calls closed, limited by count and by bytes but never empty', async () => {
    const outbox = openOutbox(freshDir());
    for (let i = 1; i <= 10; i++) outbox.append(callRecord(i));
    await flushed(outbox, 10);
    const firstThree = outbox.readAfter(0, 3, Number.MAX_SAFE_INTEGER);
    assert.deepEqual(
      firstThree.map((e) => e.recordId),
      ['moscow-rec-1', 'moscow-rec-2', 'moscow-rec-3'],
    );
    const next = outbox.readAfter(firstThree[2]?.seq ?? 0, 100, Number.MAX_SAFE_INTEGER);
    assert.equal(next.length, 7);
    assert.equal(next[0]?.recordId, 'moscow-rec-4');
    const oneRecordBytes = JSON.stringify(callRecord(1)).length;
    assert.equal(outbox.readAfter(0, 100, oneRecordBytes * 2.5).length, 2);
    assert.equal(outbox.readAfter(0, 100, 1).length, 1, 'a record larger than the byte limit still goes out alone');
    outbox.close();
  });

  it('acknowledged records leave the outbox; a repeated ack changes nothing', async () => {
    const outbox = openOutbox(freshDir());
    const seqs = [1, 2, 3, 4].map((i) => outbox.append(callRecord(i)));
    await flushed(outbox, seqs[3] ?? 0);
    assert.equal(outbox.depth(), 4);
    assert.equal(outbox.acknowledge([seqs[0] ?? 0, seqs[2] ?? 0]), 2);
    assert.equal(outbox.acknowledge([seqs[0] ?? 0]), 0);
    assert.equal(outbox.depth(), 2);
    assert.deepEqual(
      outbox.readAfter(0, 10, Number.MAX_SAFE_INTEGER).map((e) => e.recordId),
      ['moscow-rec-2', 'moscow-rec-4'],
    );
    outbox.close();
  });

  it('the depth and the oldest undelivered record survive a restart', () => {
    const dir = freshDir();
    let clock = 1_000;
    const first = openOutbox(dir, { now: () => clock });
    first.append(callRecord(1));
    clock = 2_000;
    first.append(callRecord(2));
    first.close();
    const second = openOutbox(dir, { now: () => clock });
    assert.equal(second.depth(), 2);
    assert.equal(second.oldestCreatedMs(), 1_000);
    second.acknowledge([1]);
    assert.equal(second.oldestCreatedMs(), 2_000);
    second.acknowledge([2]);
    assert.equal(second.oldestCreatedMs(), null);
    second.close();
  });

  it('sequence numbers keep growing after the newest records were acked and the gateway restarted', () => {
    const dir = freshDir();
    const first = openOutbox(dir);
    const a = first.append(callRecord(1));
    const b = first.append(callRecord(2));
    first.acknowledge([a, b]);
    first.close();
    const second = openOutbox(dir);
    assert.ok(second.append(callRecord(3)) > b);
    second.close();
  });

  it('a record the hub refused is kept aside with the reason, out of the delivery queue', () => {
    const dir = freshDir();
    const outbox = openOutbox(dir, { now: () => 5_000 });
    const bad = outbox.append(callRecord(1));
    outbox.append(callRecord(2));
    assert.equal(
      outbox.reject(bad, 'dead-lettered by the hub', [{ path: 'endedAt', reason: 'is before startedAt' }]),
      true,
    );
    assert.equal(outbox.reject(bad, 'again', []), false);
    assert.equal(outbox.depth(), 1);
    outbox.close();
    const reopened = openOutbox(dir);
    assert.equal(reopened.rejectedCount(), 1);
    const [kept] = reopened.rejected();
    assert.equal(kept?.recordId, 'moscow-rec-1');
    assert.deepEqual(JSON.parse(kept?.json ?? 'null'), callRecord(1));
    assert.deepEqual(kept?.problems, [{ path: 'endedAt', reason: 'is before startedAt' }]);
    assert.equal(kept?.rejectedMs, 5_000);
    assert.deepEqual(
      reopened.readAfter(0, 10, Number.MAX_SAFE_INTEGER).map((e) => e.recordId),
      ['moscow-rec-2'],
    );
    reopened.close();
  });

  it('two versions of one call (incomplete, then complete) are both kept, in order', async () => {
    const outbox = openOutbox(freshDir());
    outbox.append(callRecord(7, 'moscow', { incomplete: true }));
    await flushed(outbox, outbox.append(callRecord(7)));
    const entries = outbox.readAfter(0, 10, Number.MAX_SAFE_INTEGER);
    assert.deepEqual(
      entries.map((e) => (JSON.parse(e.json) as { incomplete: boolean }).incomplete),
      [true, false],
    );
    outbox.close();
  });
});
