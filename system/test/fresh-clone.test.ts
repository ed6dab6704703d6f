// The README's first command as a new user runs it: a fresh `git clone` of this repository,
// `npm ci && npm start` in the background, wait for the printed URLs and logins, log in through
// the hub's HTTP API as the demo operator, see a simulated call offered to her on her site
// gateway's operator WebSocket (with the token the hub issued), then Ctrl-C — SIGINT to the
// whole foreground job, as a terminal sends it — and nothing is left: no process, no listener.
// Then the production install of docs/deploy.md in the same clone: `npm run build` (the panel
// and the `callgate` bundle) and `npm prune --omit=dev` leave everything the hub and the gateway
// need, and they run from the bundle, without tsx.
//
// Cost: the clone is of the committed HEAD (what a user gets); `npm ci --prefer-offline` takes
// the packages from npm's cache, which the checkout's own `npm ci` filled, so the time is the
// install itself — above all the build of better-sqlite3 from source — not the network.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import type { LoginResponse, ServerMessage } from '@callgate/contracts';
import { leftoverProcesses, listening, OsProcess, waitUntil } from '../support/os-process.js';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Three free consecutive ports: the demo's hub takes PORT, its gateways PORT+1 and PORT+2. */
async function freePortTriple(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const ok = await Promise.all(
      [0, 1, 2].map(
        (i) =>
          new Promise<boolean>((resolve) => {
            const server = createServer();
            server.once('error', () => resolve(false));
            server.listen(base + i, '127.0.0.1', () => server.close(() => resolve(true)));
          }),
      ),
    );
    if (ok.every(Boolean)) return base;
  }
  throw new Error('no three free consecutive ports');
}

/** Child environment without the developer's callgate and npm-run settings. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('CALLGATE_') && !key.startsWith('npm_') && key !== 'DATABASE_URL') env[key] = value;
  }
  return env;
}

describe('the README quick start from a fresh clone: npm ci && npm start', () => {
  let dir = '';
  let clone = '';
  let port = 0;
  let demo: OsProcess | undefined;
  let hubUrl = '';
  let operator = { username: '', password: '' };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'callgate-fresh-clone-'));
    clone = join(dir, 'callgate');
    await run('git', ['clone', '--quiet', root, clone]);
    const started = Date.now();
    await run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: clone,
      env: userEnv(),
      maxBuffer: 64 * 1024 * 1024,
    });
    process.stderr.write(`fresh clone: npm ci --prefer-offline took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });

  after(async () => {
    demo?.kill(true);
    await rm(dir, { recursive: true, force: true });
  });

  it('npm start prints the URLs and the demo logins', async () => {
    port = await freePortTriple();
    // `-- --port`: a test never takes a fixed port (8080 may be in use); everything else is as typed.
    demo = new OsProcess('npm start', 'npm', ['start', '--', '--port', String(port)], {
      cwd: clone,
      env: userEnv(),
      group: true,
    });
    await demo.waitForLine(/callgate demo is running/, 'the demo is ready', 180_000);
    hubUrl = (await demo.waitForLine(/Open (http:\/\/\S+)\/ and log in/, 'the hub URL'))[1] ?? '';
    assert.equal(hubUrl, `http://127.0.0.1:${port}`);
    const login = await demo.waitForLine(/operator \(Anna Ivanova\)\s+(\S+)\s+password: (\S+)/, "Anna's login");
    operator = { username: login[1] ?? '', password: login[2] ?? '' };
    assert.deepEqual(operator, { username: 'anna', password: 'callgate-demo' });
    await demo.waitForLine(/Moscow\s+gateway http:\/\/\S+/, 'the Moscow gateway URL');
  });

  it('the demo operator logs in through the HTTP API and a simulated call is offered to her on her gateway', async () => {
    const res = await fetch(`${hubUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(operator),
    });
    assert.equal(res.status, 200);
    const login = (await res.json()) as LoginResponse;
    assert.equal(login.session.site?.id, 'moscow');
    const gatewayUrl = login.session.site?.gatewayUrl ?? '';
    assert.equal(gatewayUrl, `http://127.0.0.1:${port + 1}`);

    const ws = new WebSocket(`${gatewayUrl.replace(/^http/, 'ws')}/operator`);
    const received: ServerMessage[] = [];
    ws.on('message', (data: Buffer) => received.push(...(JSON.parse(data.toString('utf8')) as ServerMessage[])));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ type: 'hello', v: 1, token: login.token.token }));
    try {
      await waitUntil(() => received.some((m) => m.type === 'welcome'), 'the gateway welcomes Anna');
      const welcome = received.find((m) => m.type === 'welcome');
      assert.ok(welcome?.type === 'welcome');
      assert.equal(welcome.operator.operatorId, 'anna');
      // The demo's customers call every few seconds; the queue rings one operator at a time.
      await waitUntil(
        () => received.some((m) => m.type === 'event' && m.event.kind === 'call.offered'),
        'a call is offered to Anna',
        180_000,
      );
      const offered = received.find((m) => m.type === 'event' && m.event.kind === 'call.offered');
      assert.ok(offered?.type === 'event' && offered.event.kind === 'call.offered');
      assert.equal(offered.event.call.direction, 'inbound');
      assert.equal(offered.event.call.lineLabel, 'Customer service');
      assert.match(offered.event.call.number ?? '', /^\+/);
    } finally {
      ws.close();
    }
  });

  it('Ctrl-C stops everything: npm and the demo exit, no process is left, nothing listens on its ports', async () => {
    assert.ok(demo);
    const group = demo.pid;
    await demo.stop('SIGINT', 60_000, true);
    await demo.waitForLine(/callgate demo: stopped/, 'the demo says it stopped');
    await waitUntil(
      () => leftoverProcesses(group, clone).length === 0,
      'no process of the run is left',
      10_000,
      () => leftoverProcesses(group, clone).join('\n'),
    );
    for (const p of [port, port + 1, port + 2]) assert.equal(await listening(p), false, `nothing listens on ${p}`);
  });

  it('the production install of docs/deploy.md: after npm run build and npm prune --omit=dev the hub and the gateway start, from the bundle', async () => {
    await run('npm', ['run', 'build', '--loglevel=error'], { cwd: clone, env: userEnv() });
    await run('npm', ['prune', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: clone,
      env: userEnv(),
    });
    const bin = join(clone, 'packages', 'cli', 'bin', 'callgate.js');
    const version = await run(process.execPath, [bin, '--version'], { cwd: clone, env: userEnv() });
    assert.match(version.stdout, /^callgate 0\.1\.0 \(bundle built /, 'the daemons run the bundle, not tsx');
    assert.equal(version.stderr, '');
    const hub = new OsProcess('hub', process.execPath, [bin, 'hub', '--host', '127.0.0.1', '--port', '0'], {
      cwd: clone,
      env: { ...userEnv(), CALLGATE_HUB_DATA_DIR: join(dir, 'hub') },
    });
    try {
      const url = (await hub.waitForLine(/listening on (http:\/\/\S+) \(sqlite\)/, 'the hub listens'))[1] ?? '';
      const ready = await fetch(`${url}/ready`);
      assert.equal(ready.status, 200);
      assert.match(await (await fetch(`${url}/`)).text(), /<html/i, 'the panel built before the prune is served');
      // The gateway's code and native modules load (it stops at its missing config, exit 1).
      const gateway = await run(process.execPath, [bin, 'gateway', '--config', join(dir, 'none.yaml')], {
        cwd: clone,
        env: userEnv(),
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? '' }),
      );
      assert.equal(gateway.code, 1);
      assert.match(gateway.stderr, /GW_ERR_CONFIG: .*cannot read the file: no such file/);
    } finally {
      assert.deepEqual(await hub.stop('SIGTERM'), { code: 0, signal: null });
    }
  });
});
