// The hub's configuration from environment variables: every setting has one, they win over the
// file and lose to flags, and a bad value names the field and the variable.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { HubConfig } from '@callgate/contracts';
import { HUB_CONFIG_VARIABLES, loadHubConfig } from '../src/hub-config-file.js';
import { HubError } from '../src/errors.js';

const docs = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'configuration.md'),
  'utf8',
);

/** Every setting of the schema a variable can carry: scalars and lists of scalars. */
function settingsOf(schema: unknown, prefix = ''): string[] {
  const node = schema as { type?: string; properties?: Record<string, unknown>; items?: { type?: string } };
  if (node.type === 'object' && node.properties) {
    return Object.entries(node.properties).flatMap(([key, child]) =>
      settingsOf(child, prefix === '' ? key : `${prefix}.${key}`),
    );
  }
  if (node.type === 'array' && node.items?.type === 'object') return [];
  return [prefix];
}

describe('hub configuration from environment variables', () => {
  let dir = '';
  let file = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'callgate-hub-env-'));
    file = join(dir, 'hub.yaml');
    await writeFile(file, 'listen: { port: 8080 }\ntokens: { ttlSeconds: 900 }\ntrustProxy: false\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('variables win over the file, flags over variables; numbers, lists and booleans are converted', () => {
    const config = loadHubConfig({
      file,
      env: {
        CALLGATE_HUB_PORT: '9090',
        CALLGATE_HUB_TOKENS_TTL_SECONDS: '600',
        CALLGATE_HUB_TRUST_PROXY: 'true',
        CALLGATE_HUB_WEBHOOKS_BACKOFF_SECONDS: '5, 60,300',
        CALLGATE_HUB_WEBHOOKS_TIMEOUT_SECONDS: '2.5',
        CALLGATE_HUB_DATABASE_SCHEMA: 'callgate',
        CALLGATE_HUB_CONTACTS_DEFAULT_COUNTRY: '',
      },
      overrides: { port: 0 },
    });
    assert.equal(config.listen.port, 0, 'the flag wins');
    assert.equal(config.tokens.ttlSeconds, 600);
    assert.equal(config.trustProxy, true);
    assert.deepEqual(config.webhooks.backoffSeconds, [5, 60, 300]);
    assert.equal(config.webhooks.timeoutSeconds, 2.5);
    assert.equal(config.database.schema, 'callgate');
    assert.equal(config.contacts.defaultCountry, undefined, 'an empty variable is not set');
  });

  it('a bad value names the field and the variable it came from', () => {
    assert.throws(
      () => loadHubConfig({ file, env: { CALLGATE_HUB_TOKENS_TTL_SECONDS: 'soon', CALLGATE_HUB_PORT: '8080' } }),
      (error: unknown) => {
        assert.ok(error instanceof HubError);
        assert.equal(error.code, 'HUB_ERR_BAD_CONFIG');
        assert.match(error.message, /tokens\.ttlSeconds/);
        assert.match(error.message, /tokens\.ttlSeconds \(from CALLGATE_HUB_TOKENS_TTL_SECONDS\)/);
        return true;
      },
    );
  });

  it('every setting of the schema has a variable, and docs/configuration.md lists each in the row of its field', () => {
    assert.deepEqual(HUB_CONFIG_VARIABLES.map((s) => s.field).sort(), settingsOf(HubConfig).sort());
    const hubSection = docs.slice(docs.indexOf('## Hub ('));
    for (const { variable, field } of HUB_CONFIG_VARIABLES) {
      const row = hubSection.split('\n').find((line) => line.startsWith(`| \`${field}\``));
      assert.ok(row, `docs/configuration.md has a row for ${field}`);
      assert.ok(row.includes(`\`${variable}\``), `docs/configuration.md names ${variable} in the row of ${field}`);
    }
  });
});
