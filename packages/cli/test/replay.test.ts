import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { callRecordValidator, domainEventValidator } from '@callgate/contracts';
import { callIdForLinkedid } from '@callgate/gateway';
import { main } from '../src/main.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const fixtures = join(root, 'fixtures', 'ami');
const sites = join(root, 'packages', 'gateway', 'test', 'fixtures', 'sites');
const siteFor = (version: string): string =>
  join(sites, version.includes('chansip') ? 'lab-chansip.yaml' : 'lab-pjsip.yaml');

/** Calls per scenario, counted by hand from the recordings' READMEs (09: four failed click-to-calls). */
const CALLS: Record<string, number> = {
  '01': 0,
  '02': 1,
  '04': 1,
  '06': 1,
  '07': 1,
  '09': 4,
  '10': 1,
  '11': 1,
  '12': 1,
  '13': 0,
  '14': 0,
  '15': 1,
  '16': 1,
  '18': 0,
};

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    text: () => chunks.join(''),
  };
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = sink();
  const err = sink();
  const code = await main(args, { stdout: out.stream, stderr: err.stream, signal: new AbortController().signal });
  return { code, out: out.text(), err: err.text() };
}

describe('callgate replay', async () => {
  const recordings: Array<{ version: string; file: string }> = [];
  for (const version of (await readdir(fixtures)).sort()) {
    if (!version.startsWith('asterisk-')) continue;
    for (const file of (await readdir(join(fixtures, version))).sort()) {
      if (file.endsWith('.jsonl')) recordings.push({ version, file });
    }
  }

  for (const { version, file } of recordings) {
    it(`prints one valid record line per call of ${version}/${file}`, async () => {
      const { code, out, err } = await run(['replay', join(fixtures, version, file), '--config', siteFor(version)]);
      assert.equal(code, 0, err);
      const lines = out.split('\n').filter((l) => l !== '');
      const expected = CALLS[file.slice(0, 2)];
      assert.equal(lines.length, expected, `record lines of ${file}`);
      const ids = new Set<string>();
      for (const line of lines) {
        const { kind, ...record } = JSON.parse(line) as { kind: string; recordId: string };
        assert.equal(kind, 'record');
        assert.ok(callRecordValidator.check(record), line);
        assert.ok(!ids.has(record.recordId), 'each record once');
        ids.add(record.recordId);
      }
    });
  }

  it('with --events prints every domain event in order, each record right after its call.ended', async () => {
    const trace = join(fixtures, 'asterisk-22.10.1', '11-blind-transfer.jsonl');
    const { code, out } = await run(['replay', trace, '--config', siteFor('asterisk-22.10.1'), '--events']);
    assert.equal(code, 0);
    const lines = out
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { kind: string; event?: { type: string; at: string }; callId?: string });
    const events = lines.flatMap((l) => (l.kind === 'event' && l.event ? [l.event] : []));
    const types = events.map((e) => e.type);
    for (const t of ['call.queued', 'call.offered', 'call.answered', 'call.transferred', 'call.ended']) {
      assert.ok(types.includes(t), `${t} printed`);
    }
    const at = events.map((e) => Date.parse(e.at));
    assert.deepEqual(
      at,
      [...at].sort((a, b) => a - b),
      'events in time order',
    );
    for (const event of events) assert.ok(domainEventValidator.check(event), JSON.stringify(event));
    const ended = lines.findIndex((l) => l.event?.type === 'call.ended');
    assert.equal(lines[ended + 1]?.kind, 'record');
    // The customer's Linkedid in 11 is 1795795786.22; the call id is derived from it.
    assert.equal(lines[ended + 1]?.callId, callIdForLinkedid('lab-22', '1795795786.22'));
  });

  it('--start sets the wall-clock time of t = 0', async () => {
    const trace = join(fixtures, 'asterisk-22.10.1', '02-inbound-queue-answered-customer-hangup.jsonl');
    const { out } = await run([
      'replay',
      trace,
      '--config',
      siteFor('asterisk-22.10.1'),
      '--start',
      '2030-01-01T00:00:00Z',
    ]);
    const record = JSON.parse(out.trim()) as { startedAt: string };
    // The customer's Newchannel is at t = 670 ms.
    assert.equal(record.startedAt, '2030-01-01T00:00:00.670Z');
  });

  it('refuses a missing --config with the usage (exit 2)', async () => {
    const { code, err } = await run([
      'replay',
      join(fixtures, 'asterisk-22.10.1', '02-inbound-queue-answered-customer-hangup.jsonl'),
    ]);
    assert.equal(code, 2);
    assert.match(err, /missing required flag --config/);
  });

  it('names the bad field of a broken site config (GW_ERR_CONFIG, exit 1)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'callgate-replay-'));
    try {
      const bad = join(dir, 'site.yaml');
      await writeFile(
        bad,
        'site: { id: s1, name: S }\nami: { username: u, secretFile: x }\noperators: [{ id: a, name: A, extension: "1x", endpoint: PJSIP/1 }]\ndialing: { defaultCountry: RU, originateContext: o, internalContext: i }\n',
      );
      const { code, err } = await run([
        'replay',
        join(fixtures, 'asterisk-22.10.1', '02-inbound-queue-answered-customer-hangup.jsonl'),
        '--config',
        bad,
      ]);
      assert.equal(code, 1);
      assert.match(err, /GW_ERR_CONFIG/);
      assert.match(err, /operators\[0\]\.extension/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a malformed trace line with AMI_ERR_BAD_TRACE (exit 1)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'callgate-replay-'));
    try {
      const trace = join(dir, 'bad.jsonl');
      await writeFile(trace, '{"t": 1, "dir": "in", "raw": "Event: X\\r\\n\\r\\n", "conn": 1}\nnot json\n');
      const { code, err } = await run(['replay', trace, '--config', siteFor('asterisk-22.10.1')]);
      assert.equal(code, 1);
      assert.match(err, /AMI_ERR_BAD_TRACE: trace line 2/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs as the real callgate binary', async () => {
    const trace = join(fixtures, 'asterisk-22.10.1', '07-click-to-call-busy.jsonl');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(root, 'packages', 'cli', 'bin', 'callgate.js'), 'replay', trace, '--config', siteFor('asterisk-22.10.1')],
      { timeout: 30_000 },
    );
    const record = JSON.parse(stdout.trim()) as { kind: string; callId: string; outcome: string };
    assert.deepEqual([record.kind, record.callId, record.outcome], ['record', 'abc124', 'busy']);
  });
});
