import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildPanel, readBuildInfo } from '../../src/build/build-panel.js';

describe('panel bundle', () => {
  let dir = '';
  after(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

  it('builds a page with relative asset links, no typebox compiler and no eval', async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'callgate-panel-build-')), 'dist');
    const info = await buildPanel({ outDir: dir });
    // What it was built from, so ensurePanelBuilt() can tell when dist is stale.
    assert.match(info.inputsHash, /^[0-9a-f]{64}$/);
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    assert.match(html, /<script type="module" crossorigin src="\.\/assets\/[^"]+\.js"><\/script>/);
    const assets = await readdir(join(dir, 'assets'));
    const js = assets.filter((f) => f.endsWith('.js'));
    // The entry and its shared chunk, Russian and the supervisor dashboard on demand.
    assert.ok(js.some((f) => f.startsWith('ru-')));
    assert.ok(js.some((f) => f.startsWith('supervisor-screen-')));
    for (const file of js) {
      const code = await readFile(join(dir, 'assets', file), 'utf8');
      assert.doesNotMatch(code, /new Function\(|\beval\(/, file);
      assert.doesNotMatch(code, /TypeCompiler|Compile\(/, file);
    }
    assert.ok(info.files.some((f) => f.file.endsWith('.css')));
    assert.deepEqual(await readBuildInfo(dir), info);
  });
});
