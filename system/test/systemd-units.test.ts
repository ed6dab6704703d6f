// The systemd units in deploy/ as systemd itself reads them: no error or warning from
// `systemd-analyze verify`, and the hardening that docs/deploy.md promises (exposure "OK").
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';

const run = promisify(execFile);
const deploy = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'deploy');

describe('the systemd units of deploy/', () => {
  let dir = '';
  const units: string[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'callgate-units-'));
    // A template is checked as the instance docs/deploy.md enables.
    for (const [from, to] of [
      ['callgate-hub.service', 'callgate-hub.service'],
      ['callgate-gateway@.service', 'callgate-gateway@moscow.service'],
    ] as const) {
      await copyFile(join(deploy, from), join(dir, to));
      units.push(join(dir, to));
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('systemd-analyze verify finds nothing to say about them', async () => {
    const { stdout, stderr } = await run('systemd-analyze', ['verify', ...units]);
    assert.equal(`${stdout}${stderr}`.trim(), '');
  });

  it('each runs unprivileged and locked down: exposure below 2 ("OK") in systemd-analyze security', async () => {
    for (const unit of units) {
      const { stdout } = await run('systemd-analyze', ['security', '--offline=true', '--no-pager', unit]);
      const level = /Overall exposure level for \S+: ([0-9.]+)/.exec(stdout);
      assert.ok(level, stdout);
      assert.ok(Number(level[1]) < 2, `${unit}: exposure ${level[1]}`);
      for (const setting of ['User=', 'NoNewPrivileges=', 'ProtectSystem=', 'CapabilityBoundingSet=']) {
        assert.doesNotMatch(stdout, new RegExp(`✗ ${setting}`), `${unit} sets ${setting}`);
      }
    }
  });
});
