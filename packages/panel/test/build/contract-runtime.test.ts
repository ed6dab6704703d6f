import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { generateContractRuntime } from '../../src/build/contract-runtime-plugin.js';
import * as node from '../../src/client/contract-runtime.js';
import { call, event, reply, status, T0, welcome } from '../support/operator-messages.js';
import { liveCall, operator, site } from '../support/live-messages.js';

type Checks = Record<string, (value: unknown) => boolean>;

/** Samples per check: valid ones and near-misses (one field wrong) that both sides must refuse. */
const samples: Record<string, unknown[]> = {
  serverMessage: [
    welcome(),
    welcome({ resumed: true, snapshot: null }),
    event(1, { kind: 'call.offered', call: call() }),
    event(2, { kind: 'status', status: status({ work: 'wrap-up', wrapUpEndsAt: T0 }) }),
    reply('c1', 'failed', { code: 'GW_ERR_BUSY', message: 'busy' }),
    { type: 'heartbeat', at: T0, seq: 3 },
    { type: 'error', code: 'GW_ERR_BAD_JSON', message: 'x' },
    // near misses
    event(1, { kind: 'call.offered', call: { ...call(), queue: 'vip-support' } as never }),
    event(1, { kind: 'call.offered', call: call({ startedAt: 'yesterday' }) }),
    event(0, { kind: 'call.offered', call: call() }),
    reply('bad id with spaces', 'done'),
    { ...welcome(), v: 2 },
    { type: 'heartbeat', at: T0 },
    { type: 'event', seq: 1, at: T0, event: { kind: 'call.offered', call: call({ callId: 'a\nb' }) } },
    { type: 'event', seq: 1, at: T0, event: { kind: 'status', status: status({ pauseReason: 'x'.repeat(41) }) } },
    null,
    'welcome',
    [],
  ],
  liveServerMessage: [
    { type: 'snapshot', seq: 1, sites: [site('moscow', { operators: [operator('anna')], calls: [liveCall('c1')] })] },
    { type: 'changes', seq: 2, changes: [{ kind: 'call-ended', site: 'moscow', callId: 'c1' }] },
    { type: 'welcome', v: 2, user: 'sue', scope: '*', expiresAt: T0, heartbeatSeconds: 15 },
    { type: 'welcome', v: 1, user: 'sue', scope: '*', expiresAt: T0 },
    { type: 'heartbeat', at: T0, seq: 7 },
    { type: 'snapshot', seq: 1, sites: [site('moscow', { updatedAt: 'soon' })] },
    { type: 'welcome', v: 2, user: 'sue', scope: '*', expiresAt: T0, heartbeatSeconds: 0 },
    { type: 'heartbeat', at: T0, seq: -1 },
    { type: 'heartbeat', at: 'now', seq: 7 },
    { type: 'changes', seq: 2, changes: [{ kind: 'counters', site: 'moscow', counters: { day: '27.11.2026' } }] },
  ],
  operatorToken: [{ token: 'jwt', expiresAt: T0 }, { token: 'jwt', expiresAt: T0, extra: true }, { token: 'jwt' }],
};

describe('contract checks compiled ahead of time for the browser', () => {
  let dir = '';
  let browser: { checks: Checks } & Record<string, unknown>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'callgate-panel-contracts-'));
    // The generated module imports typebox's small helpers by name; point them at this install.
    const code = generateContractRuntime().replace(
      /from '(typebox\/[a-z]+)'/g,
      (_m, spec: string) => `from '${import.meta.resolve(spec)}'`,
    );
    const file = join(dir, 'contract-runtime.mjs');
    await writeFile(file, code);
    browser = (await import(pathToFileURL(file).href)) as typeof browser;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('give the same verdict as the run-time compiled contracts on valid messages and near misses', () => {
    for (const [name, values] of Object.entries(samples)) {
      const nodeCheck = (node.checks as unknown as Checks)[name];
      const browserCheck = browser.checks[name];
      assert.ok(nodeCheck && browserCheck, `check ${name} exists on both sides`);
      const verdicts = values.map((v) => nodeCheck(v));
      assert.ok(verdicts.includes(true) && verdicts.includes(false), `${name}: samples must hold both kinds`);
      values.forEach((value, i) => assert.equal(browserCheck(value), verdicts[i], `${name} sample ${i}`));
    }
  });

  it('cover every schema the panel checks and carry the same protocol constants', () => {
    assert.deepEqual(Object.keys(browser.checks).sort(), Object.keys(node.checks).sort());
    assert.deepEqual(browser.CloseCode, node.CloseCode);
    assert.deepEqual(browser.LiveCloseCode, node.LiveCloseCode);
    assert.equal(browser.OPERATOR_WS_PATH, node.OPERATOR_WS_PATH);
    assert.equal(browser.LIVE_WS_PATH, node.LIVE_WS_PATH);
    assert.equal(browser.OPERATOR_PROTOCOL_VERSION, node.OPERATOR_PROTOCOL_VERSION);
    assert.equal(browser.LIVE_PROTOCOL_VERSION, node.LIVE_PROTOCOL_VERSION);
    assert.equal(browser.LIVE_VERSION_PARAM, node.LIVE_VERSION_PARAM);
  });

  it('need no eval in the browser', () => {
    const code = generateContractRuntime();
    assert.doesNotMatch(code, /new Function|\beval\(/);
  });
});
