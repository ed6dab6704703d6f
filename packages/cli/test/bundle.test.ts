/**
 * The `callgate` bundle (packages/cli/src/build/build-bundle.ts): built here into a directory of
 * its own at the real bundle's depth, so the real one and the tests running the bin are left
 * alone.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshBundle } from '../bin/bundle-check.js';
import { buildBundle, cliRoot } from '../src/build/build-bundle.js';

const dir = join(cliRoot, 'dist', `test-${process.pid}`, 'bundle');

describe('the callgate bundle', () => {
  before(async () => {
    await buildBundle(dir);
  });
  after(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('holds callgate’s own sources only, and runs the command without tsx', () => {
    const info = JSON.parse(readFileSync(join(dir, 'build-info.json'), 'utf8')) as { inputs: Record<string, string> };
    const inputs = Object.keys(info.inputs);
    assert.ok(inputs.includes('packages/gateway/src/gateway.ts'));
    assert.ok(inputs.includes('packages/hub/src/hub.ts'));
    assert.ok(!inputs.some((p) => p.includes('node_modules')), 'npm packages stay external');
    const fresh = freshBundle(dir);
    assert.equal(fresh.reason, null);
    assert.ok(fresh.entry);
    // A plain Node process, no tsx anywhere: the bundle is all JavaScript.
    const script = `const { main } = await import(${JSON.stringify(fresh.entry)}); process.exitCode = await main(['--help']);`;
    const printed = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, NODE_OPTIONS: '' },
      encoding: 'utf8',
    });
    assert.match(printed, /gateway\s+run a site gateway next to an Asterisk/);
    const version = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', script.replace("'--help'", "'--version'")],
      { env: { ...process.env, NODE_OPTIONS: '' }, encoding: 'utf8' },
    );
    assert.match(version, /^callgate 0\.1\.0 \(bundle built \d{4}-\d\d-\d\dT/);
  });

  it('is not used once a source file differs from the one it was built from', () => {
    const file = join(dir, 'build-info.json');
    const info = JSON.parse(readFileSync(file, 'utf8')) as { inputs: Record<string, string> };
    info.inputs['packages/gateway/src/gateway.ts'] = '0'.repeat(64);
    writeFileSync(file, JSON.stringify(info));
    assert.deepEqual(freshBundle(dir), {
      entry: null,
      reason: 'packages/gateway/src/gateway.ts changed since the build (npm run build)',
    });
    info.inputs['packages/gateway/src/no-such-file.ts'] = '0'.repeat(64);
    delete info.inputs['packages/gateway/src/gateway.ts'];
    writeFileSync(file, JSON.stringify(info));
    assert.match(freshBundle(dir).reason ?? '', /no-such-file\.ts is gone since the build/);
    assert.deepEqual(freshBundle(join(dir, 'nowhere')), { entry: null, reason: 'no build (npm run build)' });
  });
});
