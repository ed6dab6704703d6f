import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { SiteConfig } from '@callgate/contracts';
import { loadSiteConfig, SITE_CONFIG_VARIABLES } from '../../src/config/index.js';
import { GatewayError } from '../../src/errors.js';

const FILE = `site: { id: msk-1, name: Moscow }
ami: { username: callgate, secretFile: ami.secret }
operators:
  - { id: op-1, name: Anna, extension: '1001', endpoint: PJSIP/1001, queues: [support] }
queues: [{ name: support, label: Support line }]
dialing: { defaultCountry: RU, originateContext: outbound, internalContext: internal }
listen: { port: 8081 }
`;

const docs = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'docs', 'configuration.md'),
  'utf8',
);

let dir = '';
let path = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callgate-config-env-'));
  path = join(dir, 'site.yaml');
  await writeFile(path, FILE);
  await writeFile(join(dir, 'ami.secret'), 'from-the-file\n', { mode: 0o600 });
});
after(() => rm(dir, { recursive: true, force: true }));

async function refused(env: Record<string, string>, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(loadSiteConfig(path, { env, cwd: dir }), (error: unknown) => {
    assert.ok(error instanceof GatewayError, String(error));
    assert.equal(error.code, 'GW_ERR_CONFIG');
    for (const p of patterns) assert.match(error.message, p);
    return true;
  });
}

/** Every setting of the schema a variable can carry: scalars and lists of words. */
function settingsOf(schema: unknown, prefix = ''): string[] {
  const node = schema as { type?: string; properties?: Record<string, unknown>; items?: { type?: string } };
  if (node.type === 'object' && node.properties) {
    return Object.entries(node.properties).flatMap(([key, child]) =>
      settingsOf(child, prefix === '' ? key : `${prefix}.${key}`),
    );
  }
  // Lists of objects (operators, queues, lines) are structured: they live in the file only.
  if (node.type === 'array' && node.items?.type !== 'string') return [];
  return [prefix];
}

describe('site configuration from environment variables', () => {
  it('overrides the file: listen, AMI and hub settings, lists, booleans and paths relative to where it started', async () => {
    await writeFile(join(dir, 'other.secret'), 'from-the-variable\n', { mode: 0o600 });
    const { config, amiSecret } = await loadSiteConfig(path, {
      cwd: dir,
      env: {
        CALLGATE_GATEWAY_HOST: '127.0.0.1',
        CALLGATE_GATEWAY_PORT: '0',
        CALLGATE_GATEWAY_AMI_HOST: 'pbx.lan',
        CALLGATE_GATEWAY_AMI_PORT: '5039',
        CALLGATE_GATEWAY_AMI_TLS: 'true',
        CALLGATE_GATEWAY_AMI_SECRET_FILE: 'other.secret',
        CALLGATE_GATEWAY_HUB_URL: 'wss://hub.example.com/uplink',
        CALLGATE_GATEWAY_HUB_CREDENTIAL_FILE: 'site.credential',
        CALLGATE_GATEWAY_DATA_DIR: '/var/lib/callgate/gateway',
        CALLGATE_GATEWAY_PAUSE_REASONS: 'break, lunch ,,coaching',
        CALLGATE_GATEWAY_DIALING_ALLOWED_PREFIXES: '+7,+372',
        CALLGATE_LOG_LEVEL: 'warn',
        CALLGATE_GATEWAY_SITE_NAME: '',
        UNRELATED: 'x',
      },
    });
    assert.deepEqual(config.listen, { host: '127.0.0.1', port: 0 });
    assert.deepEqual(
      [config.ami.host, config.ami.port, config.ami.tls, config.ami.secretFile],
      ['pbx.lan', 5039, true, join(dir, 'other.secret')],
    );
    assert.equal(amiSecret, 'from-the-variable');
    assert.equal(config.hub.url, 'wss://hub.example.com/uplink');
    assert.equal(config.hub.credentialFile, join(dir, 'site.credential'));
    assert.equal(config.dataDir, '/var/lib/callgate/gateway');
    assert.deepEqual(config.pauseReasons, ['break', 'lunch', 'coaching']);
    assert.deepEqual(config.dialing.allowedPrefixes, ['+7', '+372']);
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.site.name, 'Moscow', 'an empty variable is not set');
    assert.equal(config.operators.length, 1, 'the lists of the file stay');
  });

  it('without an environment passed in, only the file counts (embedded gateways, tests)', async () => {
    process.env.CALLGATE_GATEWAY_PORT = '1234';
    try {
      const { config } = await loadSiteConfig(path);
      assert.equal(config.listen.port, 8081);
    } finally {
      delete process.env.CALLGATE_GATEWAY_PORT;
    }
  });

  it('a bad value names the field and the variable it came from', async () => {
    await refused(
      { CALLGATE_GATEWAY_PORT: 'eighty', CALLGATE_GATEWAY_AMI_TLS: 'maybe', CALLGATE_LOG_LEVEL: 'loud' },
      /listen\.port: .* \(from CALLGATE_GATEWAY_PORT\)/,
      /ami\.tls: .* \(from CALLGATE_GATEWAY_AMI_TLS\)/,
      /logLevel: .* \(from CALLGATE_LOG_LEVEL\)/,
    );
    await refused(
      { CALLGATE_GATEWAY_PAUSE_REASONS: 'break,two words' },
      /pauseReasons\[1\]: .* \(from CALLGATE_GATEWAY_PAUSE_REASONS\)/,
    );
    await refused(
      { CALLGATE_GATEWAY_AMI_SECRET_FILE: 'missing.secret' },
      /ami\.secretFile \(from CALLGATE_GATEWAY_AMI_SECRET_FILE\): cannot read .*missing\.secret/,
    );
  });

  it('every setting of the schema has a variable, and docs/configuration.md lists each with its field', () => {
    const fields = SITE_CONFIG_VARIABLES.map((s) => s.field);
    assert.deepEqual([...fields].sort(), settingsOf(SiteConfig).sort());
    assert.equal(new Set(SITE_CONFIG_VARIABLES.map((s) => s.variable)).size, SITE_CONFIG_VARIABLES.length);
    for (const { variable, field } of SITE_CONFIG_VARIABLES) {
      const row = docs.split('\n').find((line) => line.startsWith(`| \`${field}\``));
      assert.ok(row, `docs/configuration.md has a row for ${field}`);
      assert.ok(row.includes(`\`${variable}\``), `docs/configuration.md names ${variable} in the row of ${field}`);
    }
    assert.ok(docs.includes('`CALLGATE_GATEWAY_CONFIG`'));
  });
});
