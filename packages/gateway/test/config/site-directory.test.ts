import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { SiteDirectory } from '@callgate/contracts';
import { applyDirectory, directoryChanges } from '../../src/config/site-directory.js';
import { OperatorClient } from '../support/operator-client.js';
import { OPERATORS, startHarness } from '../support/gateway-harness.js';
import { testSiteConfig } from '../support/site-config.js';

const directory = (operators: SiteDirectory['operators']): SiteDirectory => ({
  site: 'moscow',
  name: 'Moscow',
  operators,
  queues: [{ name: 'support', label: 'Support line' }],
  dispositions: [],
  generatedAt: '2026-11-27T10:00:00.000Z',
});

describe("the hub's directory of the site", () => {
  it("replaces the file's operators and queues, and keeps everything else", () => {
    const config = testSiteConfig();
    const dan = { id: 'op-1004', name: 'Dan', extension: '1004', endpoint: 'PJSIP/1004', queues: ['support'] };
    const result = applyDirectory(config, directory([dan]));
    assert.ok(result.applied);
    assert.deepEqual(
      result.config.operators.map((o) => o.id),
      ['op-1004'],
    );
    assert.equal(result.config.dialing.originateContext, config.dialing.originateContext);
  });

  it('counts as a change only when who is served changes, not the order the hub lists them in', () => {
    const config = testSiteConfig();
    const same = { ...directory([...config.operators].reverse()), queues: [...config.queues].reverse() };
    assert.equal(directoryChanges(config, same), false, 'the same people in another order');
    const [first, ...rest] = config.operators;
    assert.ok(first);
    const moved = directory([{ ...first, extension: '1099' }, ...rest]);
    assert.equal(directoryChanges(config, { ...moved, queues: config.queues }), true, 'a new extension');
    const relabelled = { ...same, queues: config.queues.map((q) => ({ ...q, label: `${q.label} (new)` })) };
    assert.equal(directoryChanges(config, relabelled), true, 'a queue label');
  });

  it('is not applied when it is for another site, empty, or inconsistent — the file stays in force', () => {
    const config = testSiteConfig();
    assert.equal(applyDirectory(config, { ...directory([]), site: 'tallinn' }).applied, false);
    assert.equal(applyDirectory(config, directory([])).applied, false);
    const bad = applyDirectory(
      config,
      directory([{ id: 'op-x', name: 'X', extension: '1009', endpoint: 'PJSIP/1009', queues: ['no-such-queue'] }]),
    );
    assert.equal(bad.applied, false);
    assert.equal(bad.config, config);
  });

  it('cached from the uplink, it decides who may log in at the next start', async () => {
    const dan = { id: 'op-1004', name: 'Dan Orlov', extension: '1004', endpoint: 'PJSIP/1004', queues: ['support'] };
    const h = await startHarness(
      // A hub URL nobody answers: the gateway keeps working from its caches.
      { hub: { url: 'ws://127.0.0.1:9/uplink', credentialFile: 'site.credential', publicKeyFile: 'hub-keys.json' } },
      {
        prepare: (dir) => {
          writeFileSync(join(dir, 'site.credential'), `cgs1.moscow.${'a'.repeat(43)}\n`, {
            mode: 0o600,
          });
          mkdirSync(join(dir, 'data'), { recursive: true });
          writeFileSync(
            join(dir, 'data', 'hub-directory.json'),
            JSON.stringify(directory([...OPERATORS.slice(0, 1), dan])),
          );
        },
      },
    );
    try {
      const { welcome, client } = await OperatorClient.login(
        h.gateway.url,
        await h.issuer.sign({ sub: 'op-1004', ext: '1004' }),
      );
      assert.equal(welcome.operator.name, 'Dan Orlov');
      client.close();
      const gone = await OperatorClient.connect(h.gateway.url);
      gone.sendRaw(JSON.stringify({ type: 'hello', v: 1, token: await h.token('op-1002') }));
      assert.equal(await gone.waitClose(), 4003, 'an operator the hub removed is refused');
    } finally {
      await h.stop();
    }
  });
});
