import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildPanel, inputsHash } from '../../src/build/build-panel.js';

describe('panel bundle', () => {
  let dir = '';
  after(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

  it('builds a page with relative asset links, no typebox compiler and no eval', async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'callgate-panel-build-')), 'dist');
    const info = await buildPanel({ outDir: dir });
    assert.equal(info.inputsHash, await inputsHash());
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    assert.match(html, /<script type="module" crossorigin src="\.\/assets\/[^"]+\.js"><\/script>/);
    const assets = await readdir(join(dir, 'assets'));
    const js = assets.filter((f) => f.endsWith('.js'));
    assert.equal(js.length, 1);
    const code = await readFile(join(dir, 'assets', js[0] ?? ''), 'utf8');
    assert.doesNotMatch(code, /new Function\(|\beval\(/);
    assert.doesNotMatch(code, /Compile|TypeCompiler/);
    assert.ok(info.files.some((f) => f.file.endsWith('.css')));
  });
});
