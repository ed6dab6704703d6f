import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readDataFile, writeDataFile, type DataFileShape } from '../../src/config/data-files.js';

describe('files in the data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callgate-data-files-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const asList: DataFileShape<string[]> = {
    parse: (value) =>
      Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? { ok: true, value: value }
        : { ok: false, error: { message: 'not a list of strings' } },
  };

  it('writes whole files only the gateway can read, and reads them back', async () => {
    await writeDataFile(dir, 'list.json', ['a', 'b']);
    await writeDataFile(dir, 'list.json', ['c']);
    assert.deepEqual(await readDataFile(dir, 'list.json', asList), { ok: true, value: ['c'] });
    assert.equal(statSync(join(dir, 'list.json')).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['list.json'], 'no temporary file is left behind');
  });

  it('tells a missing file from a damaged one, and says what is wrong with it', async () => {
    assert.deepEqual(await readDataFile(dir, 'none.json', asList), { ok: false, problem: 'missing' });
    writeFileSync(join(dir, 'cut.json'), '["a", "b');
    assert.deepEqual(await readDataFile(dir, 'cut.json', asList), {
      ok: false,
      problem: 'damaged',
      reason: 'not JSON',
    });
    writeFileSync(join(dir, 'shape.json'), '{"a": 1}');
    assert.deepEqual(await readDataFile(dir, 'shape.json', asList), {
      ok: false,
      problem: 'damaged',
      reason: 'not a list of strings',
    });
    mkdirSync(join(dir, 'folder.json'));
    assert.deepEqual(await readDataFile(dir, 'folder.json', asList), {
      ok: false,
      problem: 'damaged',
      reason: 'unreadable (EISDIR)',
    });
  });

  it('leaves no temporary file when a write fails', async () => {
    mkdirSync(join(dir, 'taken'));
    mkdirSync(join(dir, 'taken', 'target.json'));
    await assert.rejects(writeDataFile(join(dir, 'taken'), 'target.json', ['x']));
    assert.deepEqual(readdirSync(join(dir, 'taken')), ['target.json']);
  });
});
