// docs/deploy.md followed step by step on this machine (systemd aside): the blocks it marks
// `tested` run word for word, the hub and a site gateway start with the ExecStart and
// Environment of the units in deploy/ on the example configs, on PostgreSQL and against a
// simulated Asterisk (`callgate sim`), and a call becomes a record at the hub. Then each
// process is stopped with SIGTERM (what `systemctl stop` and an upgrade do) right after a call
// ended: exit code 0, and every record reaches the hub exactly once.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import WebSocket from 'ws';
import { stringify } from 'yaml';
import type { HubCall, LoginResponse } from '@callgate/contracts';
import {
  commandShims,
  rewrite,
  runCommand,
  testedBlocks,
  unitCommand,
  type CommandResult,
} from '../support/deploy-guide.js';
import { listening, OsProcess, waitUntil } from '../support/os-process.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const guide = readFileSync(join(root, 'docs', 'deploy.md'), 'utf8');
const hubUnit = readFileSync(join(root, 'deploy', 'callgate-hub.service'), 'utf8');
const gatewayUnit = readFileSync(join(root, 'deploy', 'callgate-gateway@.service'), 'utf8');
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const AMI_SECRET = 'a-long-random-ami-secret-for-the-lab-0123456789';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** The environment of a child: this one's, without callgate settings a developer may have set. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('CALLGATE_') && key !== 'DATABASE_URL') env[key] = value;
  }
  return { ...env, ...extra };
}

describe('docs/deploy.md on this machine: a hub on PostgreSQL and a site gateway against pbx-sim', () => {
  const blocks = testedBlocks(guide);
  const replacements = new Map<string, string>();
  const passwords = new Map<string, string>();
  let dir = '';
  let database = '';
  let databaseUrl = '';
  let hubPort = 0;
  let amiPort = 0;
  let hubUrl = '';
  /** The hub as browsers and gateways reach it: nginx with deploy/nginx/callgate-hub.conf, TLS. */
  let publicUrl = '';
  let tlsPort = 0;
  let redirectPort = 0;
  let nginx: OsProcess | undefined;
  let controlUrl = '';
  let gatewayUrl = '';
  let shellEnv: NodeJS.ProcessEnv = {};
  let hub: OsProcess | undefined;
  let gateway: OsProcess | undefined;
  let sim: OsProcess | undefined;
  const processes: OsProcess[] = [];
  let supervisorToken = '';
  let callsMade = 0;

  const etc = (): string => join(dir, 'etc', 'callgate');
  const gatewayData = (): string => join(dir, 'var', 'lib', 'callgate', 'gateway-moscow');

  /** Runs a tested block of the guide, one command at a time, each of which must succeed. */
  const runBlock = async (name: string): Promise<CommandResult[]> => {
    const commands = blocks.get(name);
    assert.ok(commands, `docs/deploy.md has the block marked "tested: ${name}"`);
    const results: CommandResult[] = [];
    for (const command of commands) {
      const result = await runCommand(rewrite(command, replacements), shellEnv, dir);
      assert.equal(result.code, 0, `${command}\nexit ${result.code}\n${result.stdout}\n${result.stderr}`);
      results.push(result);
    }
    return results;
  };

  const startSim = async (): Promise<OsProcess> => {
    const process = new OsProcess('sim', globalThis.process.execPath, [
      join(root, 'packages', 'cli', 'bin', 'callgate.js'),
      'sim',
      '--config',
      join(dir, 'sim.yaml'),
    ]);
    processes.push(process);
    const control = await process.waitForLine(/control on (http:\/\/\S+)\/sites/, 'the control interface');
    controlUrl = control[1] ?? '';
    return process;
  };

  const startHub = async (): Promise<OsProcess> => {
    const { argv, environment } = unitCommand(hubUnit);
    const [command = '', ...args] = argv.map((word) => rewrite(word, replacements));
    const process = new OsProcess('hub', command, args, {
      cwd: root,
      env: {
        ...shellEnv,
        ...environment,
        CALLGATE_HUB_HOST: '127.0.0.1',
        CALLGATE_HUB_PORT: String(hubPort),
        CALLGATE_HUB_DATA_DIR: join(dir, 'var', 'lib', 'callgate', 'hub'),
      },
    });
    processes.push(process);
    await process.waitForLine(/callgate hub: listening on http:\/\/\S+ \(postgres\)/, 'listening');
    return process;
  };

  const startGateway = async (): Promise<OsProcess> => {
    const { argv, environment } = unitCommand(gatewayUnit, 'moscow');
    const [command = '', ...args] = argv.map((word) => rewrite(word, replacements));
    const process = new OsProcess('gateway', command, args, {
      cwd: root,
      env: {
        ...shellEnv,
        ...environment,
        // What /etc/callgate/moscow/gateway.env would say on a machine with these ports.
        CALLGATE_GATEWAY_AMI_PORT: String(amiPort),
        CALLGATE_GATEWAY_PORT: '0',
        // Through the TLS proxy, as wss://crm.example.com/uplink; the test's CA is trusted.
        CALLGATE_GATEWAY_HUB_URL: `${publicUrl.replace(/^https/, 'wss')}/uplink`,
        NODE_EXTRA_CA_CERTS: join(dir, 'tls', 'cert.pem'),
        CALLGATE_GATEWAY_DATA_DIR: gatewayData(),
        // No wrap-up pause between the test's calls (operators get 30 s in the example).
        CALLGATE_GATEWAY_WRAP_UP_TIMEOUT_SECONDS: '0',
      },
    });
    processes.push(process);
    const listen = await process.waitForLine(/callgate gateway moscow: listening on (http:\/\/\S+)/, 'listening');
    gatewayUrl = listen[1] ?? '';
    replacements.set('http://127.0.0.1:8081', gatewayUrl);
    return process;
  };

  const hubGet = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${hubUrl}${path}`, { headers: { authorization: `Bearer ${supervisorToken}` } });
    return { status: res.status, body: (await res.json()) as T };
  };

  const callsAtHub = async (): Promise<HubCall[]> => {
    const { status, body } = await hubGet<{ items: HubCall[] }>('/api/v1/calls?site=moscow&limit=100');
    assert.equal(status, 200);
    return body.items;
  };

  const control = async (path: string, body?: unknown): Promise<number> => {
    const res = await fetch(`${controlUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    await res.arrayBuffer();
    return res.status;
  };

  /** A customer calls the support line; Anna's phone rings and she answers. */
  const answeredCall = async (from: string): Promise<void> => {
    callsMade += 1;
    assert.equal(
      await control('/sites/moscow/calls', { from, line: '74950000000', talkSeconds: 600, patienceSeconds: 600 }),
      201,
    );
    await waitUntil(async () => (await control('/sites/moscow/phones/1001/answer')) === 204, 'Anna answers');
  };

  /** …and hangs up; resolves with the record id the gateway logged when the call ended. */
  const hangUp = async (target: OsProcess): Promise<string> => {
    const ended = (): string[] => target.lines.filter((line) => line.includes('"msg":"call ended"'));
    const before = ended().length;
    assert.equal(await control('/sites/moscow/phones/1001/hangup'), 204);
    await waitUntil(
      () => ended().length > before,
      'the gateway closes the call',
      15_000,
      () => target.output(),
    );
    const line = ended()[before] ?? '';
    return (JSON.parse(line) as { recordId: string }).recordId;
  };

  const atHubOnce = async (recordId: string): Promise<HubCall> => {
    await waitUntil(
      async () => (await callsAtHub()).some((c) => c.record.recordId === recordId),
      `record ${recordId} is at the hub`,
    );
    const copies = (await callsAtHub()).filter((c) => c.record.recordId === recordId);
    assert.equal(copies.length, 1, `record ${recordId} is at the hub exactly once`);
    return copies[0] as HubCall;
  };

  const inOutbox = async (file: string): Promise<string[]> => {
    const result = await runCommand(`sqlite3 '${file}' 'SELECT record_id FROM outbox ORDER BY seq'`, shellEnv, dir);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout.split('\n').filter((line) => line !== '');
  };

  /**
   * nginx with deploy/nginx/callgate-hub.conf as shipped, but for the test's ports and a
   * certificate made for 127.0.0.1 (what certbot would have put in place).
   */
  const startProxy = async (): Promise<OsProcess> => {
    const tls = join(dir, 'tls');
    await mkdir(tls, { recursive: true });
    const cert = await runCommand(
      `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 ` +
        `-addext subjectAltName=IP:127.0.0.1 -keyout '${tls}/key.pem' -out '${tls}/cert.pem'`,
      shellEnv,
      dir,
    );
    assert.equal(cert.code, 0, cert.stderr);
    const site = rewrite(
      readFileSync(join(root, 'deploy', 'nginx', 'callgate-hub.conf'), 'utf8'),
      new Map([
        ['listen [::]:80;', ''],
        ['listen [::]:443 ssl;', ''],
        ['listen 80;', `listen 127.0.0.1:${redirectPort};`],
        ['listen 443 ssl;', `listen 127.0.0.1:${tlsPort} ssl;`],
        ['server 127.0.0.1:8080;', `server 127.0.0.1:${hubPort};`],
        ['/etc/letsencrypt/live/crm.example.com/fullchain.pem', `${tls}/cert.pem`],
        ['/etc/letsencrypt/live/crm.example.com/privkey.pem', `${tls}/key.pem`],
      ]),
    );
    const prefix = join(dir, 'nginx');
    await mkdir(prefix, { recursive: true });
    await writeFile(join(prefix, 'callgate-hub.conf'), site);
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
      .map((kind) => `  ${kind}_temp_path ${join(prefix, kind)};`)
      .join('\n');
    await writeFile(
      join(prefix, 'nginx.conf'),
      [
        'daemon off;',
        // Workers as root only because the test's directory is private to its (root) user.
        ...(process.getuid?.() === 0 ? ['user root;'] : []),
        'worker_processes 1;',
        `pid ${join(prefix, 'nginx.pid')};`,
        'error_log stderr warn;',
        'events { worker_connections 256; }',
        'http {',
        '  access_log off;',
        temp,
        `  include ${join(prefix, 'callgate-hub.conf')};`,
        '}',
        '',
      ].join('\n'),
    );
    const test = await runCommand(`nginx -t -q -p '${prefix}' -c '${prefix}/nginx.conf'`, shellEnv, dir);
    assert.equal(test.code, 0, `nginx -t:\n${test.stderr}`);
    const proxy = new OsProcess('nginx', 'nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf')]);
    processes.push(proxy);
    await waitUntil(
      () => listening(tlsPort),
      'nginx listens',
      10_000,
      () => proxy.output(),
    );
    return proxy;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'callgate-deploy-guide-'));
    await mkdir(etc(), { recursive: true });
    database = `callgate_guide_${process.pid}_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${database}`;
    databaseUrl = url.toString();
    hubPort = await freePort();
    amiPort = await freePort();
    hubUrl = `http://127.0.0.1:${hubPort}`;
    tlsPort = await freePort();
    redirectPort = await freePort();
    publicUrl = `https://127.0.0.1:${tlsPort}`;
    const shims = await commandShims(join(dir, 'bin'), join(root, 'packages', 'cli', 'bin', 'callgate.js'));
    shellEnv = cleanEnv({
      PATH: `${shims}:${process.env.PATH ?? ''}`,
      DATABASE_URL: databaseUrl,
      // curl in the guide's blocks trusts the test's certificate authority, as a site trusts its own.
      CURL_CA_BUNDLE: join(dir, 'tls', 'cert.pem'),
    });
    for (const [from, to] of [
      ['/etc/callgate', etc()],
      ['/var/lib/callgate', join(dir, 'var', 'lib', 'callgate')],
      ['/var/backups/callgate', join(dir, 'var', 'backups', 'callgate')],
      ['/opt/callgate', root],
      ['/tmp/contacts.csv', join(dir, 'contacts.csv')],
      ['/usr/bin/node', process.execPath],
      ['https://crm.example.com', publicUrl],
      ['http://127.0.0.1:8080', hubUrl],
    ] as const) {
      replacements.set(from, to);
    }
    // The site's Asterisk: the recordings' lab (phones 1001–1003, queue support → 1001, 1002)
    // with the AMI user docs/asterisk.md asks for, on a port that stays the same across restarts.
    await writeFile(join(dir, 'ami.secret'), `${AMI_SECRET}\n`, { mode: 0o600 });
    await writeFile(
      join(dir, 'sim.yaml'),
      stringify({
        control: { host: '127.0.0.1', port: 0 },
        logLevel: 'warn',
        sites: [
          {
            id: 'moscow',
            flavour: 'asterisk-22',
            lab: true,
            ami: {
              host: '127.0.0.1',
              port: amiPort,
              users: [
                {
                  username: 'callgate',
                  secretFile: 'ami.secret',
                  read: 'call,agent,system,dialplan',
                  write: 'originate,call,agent,reporting',
                },
              ],
            },
          },
        ],
      }),
    );
    sim = await startSim();
    nginx = await startProxy();
  });

  after(async () => {
    // nginx first and by its own signal: its master passes it on to the workers (a SIGKILL
    // would leave them behind).
    if (nginx?.running) await nginx.stop('SIGTERM').catch(() => undefined);
    for (const p of processes) p.kill();
    await Promise.all(processes.map((p) => p.exited));
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  });

  it('marks the blocks this test runs, and every one of them is here', () => {
    assert.deepEqual(
      [...blocks.keys()].sort(),
      [
        'admin',
        'backup',
        'contacts',
        'gateway-config',
        'gateway-ready',
        'hub-config',
        'hub-ready',
        'site-credential',
      ].sort(),
    );
  });

  it('the admin steps make the first admin, the sites, a queue with an operator, contacts (with progress) and a site credential, migrating the database first', async () => {
    await runBlock('hub-config');
    const admin = await runBlock('admin');
    assert.match(admin[0]?.stderr ?? '', /migrating database: 1 migration to apply \(001-initial\)/);
    assert.match(admin[0]?.stderr ?? '', /database migrated in [0-9.]+ s/);
    assert.doesNotMatch(admin[1]?.stderr ?? '', /migrat/, 'the second command finds the schema current');
    for (const result of admin) {
      const shown = /password for (\S+) \(shown once\): (\S+)/.exec(result.stderr);
      if (shown) passwords.set(shown[1] ?? '', shown[2] ?? '');
    }
    assert.deepEqual([...passwords.keys()].sort(), ['admin', 'anna', 'svetlana']);
    const users = (admin.at(-1)?.stdout ?? '')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { id: string; role: string; site: string });
    assert.deepEqual(users.map((u) => `${u.id}:${u.role}:${u.site}`).sort(), [
      'admin:admin:*',
      'anna:operator:moscow',
      'svetlana:supervisor:*',
    ]);
    // A CSV export from a CRM: 2,500 customers, a few thousand more would only take longer.
    const rows = Array.from(
      { length: 2500 },
      (_, i) => `Customer ${i},ACME ${i % 40},+7916${String(i).padStart(7, '0')}`,
    );
    await writeFile(join(dir, 'contacts.csv'), `name,company,phone\n${rows.join('\n')}\n`);
    const [imported] = await runBlock('contacts');
    assert.match(imported?.stderr ?? '', /1000 of 2500 contacts stored \(40 %\)/);
    assert.match(imported?.stderr ?? '', /2500 of 2500 contacts stored \(100 %\)/);
    assert.match(imported?.stderr ?? '', /2500 created, 0 updated, 0 rejected/);
    await runBlock('site-credential');
    assert.match(readFileSync(join(etc(), 'moscow', 'site.credential'), 'utf8'), /^cgs1\.moscow\.\S+\n$/);
  });

  it('the hub started by its unit is ready; behind the TLS proxy of deploy/nginx supervisors log in over https, plain http redirects, and a forged X-Forwarded-For never reaches the hub', async () => {
    hub = await startHub();
    const [ready] = await runBlock('hub-ready');
    assert.match(ready?.stdout ?? '', /"ready":true/);

    const body = JSON.stringify({ username: 'svetlana', password: passwords.get('svetlana') });
    const login = await runCommand(
      `curl -fsS ${publicUrl}/api/v1/auth/login -H 'content-type: application/json' -H 'X-Forwarded-For: 203.0.113.9' -d '${body}'`,
      shellEnv,
      dir,
    );
    assert.equal(login.code, 0, login.stderr);
    supervisorToken = (JSON.parse(login.stdout) as LoginResponse).token.token;
    const seen = hub.lines.filter((line) => line.includes('"path":"/api/v1/auth/login"'));
    assert.ok(seen.length > 0);
    for (const line of seen)
      assert.match(line, /"remoteAddress":"127\.0\.0\.1"/, 'the address nginx saw, not the forged one');

    const redirect = await runCommand(
      `curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' http://127.0.0.1:${redirectPort}/api/v1/keys`,
      shellEnv,
      dir,
    );
    assert.match(redirect.stdout, /^301 https:\/\/127\.0\.0\.1\/api\/v1\/keys$/);
  });

  it('the gateway started by its unit is ready, links to the hub, and a simulated call becomes a record at the hub', async () => {
    await writeFile(join(etc(), 'moscow', 'ami.secret'), `${AMI_SECRET}\n`, { mode: 0o600 });
    await runBlock('gateway-config');
    gateway = await startGateway();
    await waitUntil(
      async () =>
        (await runCommand(rewrite('curl -fsS http://127.0.0.1:8081/readyz', replacements), shellEnv, dir)).code === 0,
      'the gateway is ready',
      20_000,
    );
    const [ready] = await runBlock('gateway-ready');
    assert.match(ready?.stdout ?? '', /"ami":true,"hubKeys":true/);
    await gateway.waitForLine(/"msg":"uplink linked"/, 'the uplink links');

    await answeredCall('79161234567');
    const recordId = await hangUp(gateway);
    const call = await atHubOnce(recordId);
    assert.equal(call.record.site, 'moscow');
    assert.equal(call.record.direction, 'inbound');
    assert.equal(call.record.customerNumber, '+79161234567');
    assert.equal(call.record.line, '74950000000');
    assert.equal(call.record.incomplete, false);
    assert.deepEqual(
      call.record.segments.map((s) => s.operatorId),
      ['anna'],
    );
  });

  it("the supervisors' live view opens over wss through the proxy and shows the site linked", async () => {
    const ws = new WebSocket(`${publicUrl.replace(/^https/, 'wss')}/api/v1/live`, {
      ca: readFileSync(join(dir, 'tls', 'cert.pem')),
      headers: { authorization: `Bearer ${supervisorToken}` },
    });
    const frames: string[] = [];
    ws.on('message', (data: Buffer) => frames.push(data.toString('utf8')));
    try {
      await waitUntil(
        () => frames.some((f) => f.includes('"type":"snapshot"') && /"site":"moscow","linked":true/.test(f)),
        'a snapshot with Moscow linked',
        15_000,
        () => frames.join('\n'),
      );
    } finally {
      ws.close();
    }
  });

  it('SIGTERM to the gateway right after a call ends: exit 0, the record is kept, and reaches the hub once after the restart', async () => {
    assert.ok(gateway);
    await answeredCall('79162345678');
    const recordId = await hangUp(gateway);
    assert.deepEqual(await gateway.stop('SIGTERM'), { code: 0, signal: null });
    const kept =
      (await inOutbox(join(gatewayData(), 'outbox.sqlite'))).includes(recordId) ||
      (await hubGet(`/api/v1/calls/${recordId}`)).status === 200;
    assert.ok(kept, 'the record is in the outbox on disk or already at the hub');
    gateway = await startGateway();
    await atHubOnce(recordId);
  });

  it('SIGTERM to the hub right after a call ends: exit 0; records of calls ended while it is down wait in the outbox, the backup of the guide copies them, and the restarted hub has each once', async () => {
    assert.ok(hub && gateway);
    await answeredCall('79163456789');
    const endedAsTheHubStops = await hangUp(gateway);
    assert.deepEqual(await hub.stop('SIGTERM'), { code: 0, signal: null });
    assert.equal(await listening(hubPort), false);

    await answeredCall('79164567890');
    const endedWhileDown = await hangUp(gateway);
    assert.ok((await inOutbox(join(gatewayData(), 'outbox.sqlite'))).includes(endedWhileDown));
    const backup = await runBlock('backup');
    assert.match(backup.at(-1)?.stdout ?? '', /^ok\n[1-9][0-9]*\n$/, 'integrity_check ok, records in the copy');
    const backups = join(dir, 'var', 'backups', 'callgate');
    assert.ok((await inOutbox(join(backups, 'outbox-moscow.sqlite'))).includes(endedWhileDown));
    assert.ok((await inOutbox(join(backups, 'outbox-moscow-compact.sqlite'))).includes(endedWhileDown));

    hub = await startHub();
    await atHubOnce(endedAsTheHubStops);
    await atHubOnce(endedWhileDown);
  });

  it('SIGTERM to callgate sim with a call in progress: exit 0; after its restart the call reaches the hub marked incomplete', async () => {
    assert.ok(sim && gateway);
    const before = (await callsAtHub()).length;
    await answeredCall('79165678901');
    assert.deepEqual(await sim.stop('SIGTERM'), { code: 0, signal: null });
    assert.equal(await listening(amiPort), false);
    await gateway.waitForLine(/AMI connection lost/, 'the gateway notices');
    sim = await startSim();
    await waitUntil(async () => (await callsAtHub()).length > before, 'the interrupted call is at the hub');
    const interrupted = (await callsAtHub()).find((c) => c.record.customerNumber === '+79165678901');
    assert.ok(interrupted, 'the call in progress when Asterisk stopped has a record');
    assert.equal(interrupted.record.incomplete, true);
    assert.equal((await callsAtHub()).length, callsMade, 'one record per call, none lost, none doubled');
  });

  it('all three stop on SIGTERM with exit code 0 and leave nothing listening', async () => {
    assert.ok(sim && gateway && hub);
    const gatewayPort = Number(new URL(gatewayUrl).port);
    for (const p of [gateway, hub, sim]) assert.deepEqual(await p.stop('SIGTERM'), { code: 0, signal: null });
    await nginx?.stop('SIGQUIT');
    for (const port of [gatewayPort, hubPort, amiPort, Number(new URL(controlUrl).port)]) {
      assert.equal(await listening(port), false, `nothing listens on ${port}`);
    }
  });
});
