import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readDataFile, writeDataFile } from '../../src/config/data-files.js';

describe('files in the data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callgate-data-files-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const asList = (value: unknown): string[] | undefined =>
    Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;

  it('writes whole files only the gateway can read, and reads them back', async () => {
    await writeDataFile(dir, 'list.json', ['a', 'b']);
    await writeDataFile(dir, 'list.json', ['c']);
    assert.deepEqual(await readDataFile(dir, 'list.json', asList), { ok: true, value: ['c'] });
    assert.equal(statSync(join(dir, 'list.json')).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['list.json'], 'no temporary file is left behind');
  });

  it('tells a missing file from a damaged one', async () => {
    assert.deepEqual(await readDataFile(dir, 'none.json', asList), { ok: false, problem: 'missing' });
    writeFileSync(join(dir, 'cut.json'), '["a", "b');
    assert.deepEqual(await readDataFile(dir, 'cut.json', asList), { ok: false, problem: 'damaged' });
    writeFileSync(join(dir, 'shape.json'), '{"a": 1}');
    assert.deepEqual(await readDataFile(dir, 'shape.json', asList), { ok: false, problem: 'damaged' });
  });
});
