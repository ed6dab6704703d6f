import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSiteConfig } from '../../src/config/index.js';
import { GatewayError } from '../../src/errors.js';

const MINIMAL = `site: { id: msk-1, name: Moscow }
ami: { username: callgate, secretFile: ami.secret }
operators:
  - { id: op-1, name: Anna, extension: '1001', endpoint: PJSIP/1001, queues: [support] }
queues: [{ name: support, label: Support line }]
dialing: { defaultCountry: RU, originateContext: outbound, internalContext: internal }
`;

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callgate-config-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string, mode = 0o600): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  await chmod(path, mode);
  return path;
}

async function rejects(path: string, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(loadSiteConfig(path), (error: unknown) => {
    assert.ok(error instanceof GatewayError, String(error));
    assert.equal(error.code, 'GW_ERR_CONFIG');
    for (const p of patterns) assert.match(error.message, p);
    return true;
  });
}

describe('site configuration file', () => {
  it('loads YAML, fills the documented defaults and reads the AMI secret (first line only)', async () => {
    await file('ami.secret', 's3cret\nsecond line ignored\n');
    const path = await file('site.yaml', MINIMAL);
    const { config, amiSecret, warnings } = await loadSiteConfig(path);
    assert.equal(amiSecret, 's3cret');
    assert.deepEqual(warnings, []);
    assert.equal(config.ami.host, '127.0.0.1');
    assert.equal(config.ami.port, 5038);
    assert.equal(config.ami.auth, 'md5');
    assert.equal(config.listen.port, 8081);
    assert.equal(config.wrapUp.timeoutSeconds, 30);
    assert.equal(config.autoAnswer.method, 'pjsip-call-info');
    assert.equal(config.dialing.dialFormat, 'e164-digits');
    assert.deepEqual(config.pauseReasons, ['break', 'lunch', 'training', 'meeting']);
    assert.equal(config.ami.secretFile, join(dir, 'ami.secret'), 'relative to the config file');
    assert.equal(config.dataDir, join(dir, 'data', 'gateway'));
  });

  it('loads the same settings from JSON', async () => {
    await file('ami.secret', 's3cret\n');
    const path = await file(
      'site.json',
      JSON.stringify({
        site: { id: 'tln-1', name: 'Tallinn' },
        ami: { username: 'callgate', secretFile: 'ami.secret', port: 5039, tls: true },
        dialing: { defaultCountry: 'EE', originateContext: 'outbound', internalContext: 'internal' },
      }),
    );
    const { config } = await loadSiteConfig(path);
    assert.deepEqual([config.site.id, config.ami.port, config.ami.tls, config.operators], ['tln-1', 5039, true, []]);
  });

  it('names every bad field and the reason, all at once', async () => {
    const path = await file(
      'bad.yaml',
      `site: { id: 'msk 1', name: Moscow }
ami: { username: callgate, secretFile: ami.secret, port: 70000, pasword: x }
operators:
  - { id: op-1, name: Anna, extension: '1001', endpoint: 'PJSIP 1001', queues: [support] }
  - { id: op-2, name: Boris, extension: '1001', endpoint: PJSIP/1002, queues: [sales] }
queues: [{ name: support, label: Support line }]
dialing: { defaultCountry: Russia, originateContext: outbound, internalContext: internal }
`,
    );
    await rejects(
      path,
      /site\.id: must match/,
      /ami\.port: /,
      /ami\.pasword: is not a known field/,
      /operators\[0\]\.endpoint: must match/,
      /dialing\.defaultCountry/,
    );
  });

  it('finds what a schema cannot: duplicate extensions and queues that do not exist', async () => {
    const path = await file(
      'dup.yaml',
      MINIMAL.replace(
        'queues: [{ name: support',
        "  - { id: op-2, name: Boris, extension: '1001', endpoint: PJSIP/1002, queues: [sales] }\nqueues: [{ name: support",
      ),
    );
    await rejects(
      path,
      /operators\[1\]\.extension: duplicates operators\[0\]\.extension "1001"/,
      /operators\[1\]\.queues\[0\]: queue "sales" is not in queues/,
    );
  });

  it('reports a YAML syntax error with its line and column', async () => {
    const path = await file('syntax.yaml', 'site:\n  id: x\n  name: [unclosed\n');
    await rejects(path, /line \d+, column \d+/);
  });

  it('refuses a key given twice rather than silently taking the last', async () => {
    const path = await file('twice.yaml', `${MINIMAL}site: { id: other, name: Other }\n`);
    await rejects(path, /unique|duplicate/i);
  });

  it('refuses a file that is not a mapping', async () => {
    await rejects(await file('list.yaml', '- a\n- b\n'), /must be a mapping/);
    await rejects(await file('broken.json', '{"site": '), /not valid JSON/);
  });

  it('says which file is missing: the config itself, or the secret it points to', async () => {
    await rejects(join(dir, 'nope.yaml'), /cannot read the file: no such file/);
    const path = await file('nosecret.yaml', MINIMAL.replace('ami.secret', 'missing.secret'));
    await rejects(path, /ami\.secretFile: cannot read .*missing\.secret: no such file/);
  });

  it('refuses an empty secret and one with a control character (it would reach AMI)', async () => {
    await file('empty.secret', '\n');
    await rejects(
      await file('empty.yaml', MINIMAL.replace('ami.secret', 'empty.secret')),
      /ami\.secretFile: .* is empty/,
    );
    await file('bell.secret', 'se\u0007cret\n');
    await rejects(await file('bell.yaml', MINIMAL.replace('ami.secret', 'bell.secret')), /control character/);
  });

  it('warns when other users can read the secret, and never puts the secret in a message', async () => {
    await file('open.secret', 'topsecret\n', 0o644);
    const path = await file('open.yaml', MINIMAL.replace('ami.secret', 'open.secret'));
    const { warnings } = await loadSiteConfig(path);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /ami\.secretFile: .* can be read by other users/);
    assert.doesNotMatch(warnings[0] ?? '', /topsecret/);
  });

  it('reads the ARI password when hold goes through ARI, naming its field when it is missing', async () => {
    await file('ami.secret', 's3cret\n');
    await file('ari.secret', 'ari-pass\n');
    const ari = `${MINIMAL}hold: { method: ari, ariUsername: callgate, ariPasswordFile: ari.secret }\n`;
    const loaded = await loadSiteConfig(await file('ari.yaml', ari));
    assert.equal(loaded.ariPassword, 'ari-pass');
    assert.equal(loaded.config.hold.ariPasswordFile, join(dir, 'ari.secret'));
    await rejects(
      await file('ari-missing.yaml', ari.replace('ari.secret', 'nope.secret')),
      /hold\.ariPasswordFile: cannot read/,
    );
  });

  it('does not read secrets when told not to (callgate replay)', async () => {
    const path = await file('nosecret2.yaml', MINIMAL.replace('ami.secret', 'missing.secret'));
    const { amiSecret } = await loadSiteConfig(path, { readSecrets: false });
    assert.equal(amiSecret, '');
  });
});
