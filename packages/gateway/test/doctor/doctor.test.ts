/**
 * `callgate doctor` against a real (simulated) Asterisk over real AMI and ARI, a real hub key
 * endpoint over HTTP, configured wrong in each way a site gets wrong, and right. Each test
 * asserts the plain-words verdict of the check that should catch the mistake.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import type { JSONWebKeySet } from 'jose';
import { stringify } from 'yaml';
import { startPbxSim, type PbxSim, type PbxSimOptions } from '@callgate/pbx-sim';
import { loadSiteConfig } from '../../src/config/index.js';
import { runDoctor, type CheckResult, type DoctorReport } from '../../src/doctor/doctor.js';
import { LAB_SITE } from '../support/site-config.js';
import { testIssuer } from '../support/tokens.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const BIN = join(root, 'packages', 'cli', 'bin', 'callgate.js');

/** What callgate needs and nothing more (docs/asterisk.md). */
const RIGHT_USER = {
  username: 'callgate',
  secret: 'callgate-secret',
  read: 'call,agent,system,dialplan',
  write: 'originate,call,agent,reporting',
};
const ARI = { port: 0, username: 'callgate', password: 'ari-secret', holdAnyChannel: true };

/** A TCP port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address !== 'object') throw new Error('no port');
  return address.port;
}

/** The hub's public key endpoint (GET /.well-known/jwks.json), as the hub serves it. */
async function jwksServer(jwks: JSONWebKeySet): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  return {
    url: `ws://127.0.0.1:${port}/uplink`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Site {
  sim: PbxSim | undefined;
  dir: string;
  configFile: string;
  report: () => Promise<DoctorReport>;
  stop(): Promise<void>;
}

interface SiteSetup {
  sim?: PbxSimOptions | false;
  /** AMI secret the gateway has (default: the right one). */
  secret?: string;
  amiPort?: number;
  overrides?: Record<string, unknown>;
  ariPassword?: string;
  /** The keys the gateway knows (default: the hub's). */
  localJwks?: JSONWebKeySet;
}

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function stageSite(setup: SiteSetup = {}): Promise<Site> {
  const sim = setup.sim === false ? undefined : await startPbxSim({ users: [RIGHT_USER], ari: ARI, ...setup.sim });
  const issuer = await testIssuer();
  const dir = mkdtempSync(join(tmpdir(), 'callgate-doctor-'));
  writeFileSync(join(dir, 'ami.secret'), `${setup.secret ?? RIGHT_USER.secret}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'ari.secret'), `${setup.ariPassword ?? ARI.password}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'hub-keys.json'), JSON.stringify(setup.localJwks ?? issuer.jwks));
  const config = {
    ...LAB_SITE,
    ami: {
      host: '127.0.0.1',
      port: setup.amiPort ?? sim?.port ?? (await closedPort()),
      username: RIGHT_USER.username,
      secretFile: 'ami.secret',
    },
    listen: { host: '127.0.0.1', port: 0 },
    hold: {
      method: 'ari',
      ariUrl: sim?.ari?.url ?? 'http://127.0.0.1:1',
      ariUsername: ARI.username,
      ariPasswordFile: 'ari.secret',
    },
    hub: { publicKeyFile: 'hub-keys.json' },
    dataDir: 'data',
    logLevel: 'warn',
    ...setup.overrides,
  };
  const configFile = join(dir, 'gateway.yaml');
  writeFileSync(configFile, stringify(config));
  const site: Site = {
    sim,
    dir,
    configFile,
    async report() {
      const loaded = await loadSiteConfig(configFile);
      return runDoctor(loaded, {
        timeoutMs: 3000,
        ...(loaded.ariPassword !== undefined ? { ariPassword: loaded.ariPassword } : {}),
      });
    },
    async stop() {
      await sim?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cleanups.push(() => site.stop());
  return site;
}

function check(report: DoctorReport, id: string): CheckResult {
  const found = report.checks.find((c) => c.id === id);
  assert.ok(found, `no ${id} check in ${report.checks.map((c) => c.id).join(', ')}`);
  return found;
}

describe('callgate doctor against a real AMI, ARI and hub endpoint', () => {
  it('passes a site set up as docs/asterisk.md says, hub keys known', async () => {
    const issuer = await testIssuer();
    const hub = await jwksServer(issuer.jwks);
    cleanups.push(() => hub.close());
    const site = await stageSite({
      localJwks: issuer.jwks,
      overrides: { hub: { url: hub.url, publicKeyFile: 'hub-keys.json' } },
    });
    const report = await site.report();
    const bad = report.checks.filter((c) => c.status !== 'ok');
    assert.deepEqual(bad, [], 'every check is ok');
    assert.equal(report.ok, true);
    assert.match(check(report, 'ami-write').detail, /nothing more/);
    assert.match(check(report, 'hub').detail, /1 key\(s\) are known here/);
  });

  it('says AMI is unreachable when nothing listens on the port, and stops there', async () => {
    const port = await closedPort();
    const site = await stageSite({ sim: false, amiPort: port });
    const report = await site.report();
    const c = check(report, 'ami-reachable');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, new RegExp(`cannot connect to AMI at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
    assert.match(c.fix ?? '', /manager\.conf \[general\] needs enabled = yes/);
    assert.equal(report.ok, false);
    assert.equal(
      report.checks.some((x) => x.id === 'ami-login'),
      false,
    );
  });

  it('says Asterisk refused the login when the secret is wrong', async () => {
    const site = await stageSite({ secret: 'not-the-secret' });
    const c = check(await site.report(), 'ami-login');
    assert.equal(c.status, 'fail');
    assert.equal(c.detail, 'Asterisk refused the login of user callgate');
    assert.match(c.fix ?? '', /must equal "secret" in manager\.conf section \[callgate\]/);
  });

  it('names the missing write privileges of a user with write = reporting', async () => {
    const site = await stageSite({ sim: { users: [{ ...RIGHT_USER, write: 'reporting' }] } });
    const report = await site.report();
    const c = check(report, 'ami-write');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /^the AMI user lacks originate, call, agent: originate \(click-to-call\)/);
    assert.equal(c.fix, "In manager.conf, in the user's section: write = originate,call,agent,reporting");
    assert.equal(report.ok, false);
  });

  it('warns about write = all with the exact manager.conf line to use instead', async () => {
    const site = await stageSite({ sim: { users: [{ ...RIGHT_USER, write: 'all' }] } });
    const report = await site.report();
    const c = check(report, 'ami-write');
    assert.equal(c.status, 'warn');
    assert.match(c.detail, /command \(any CLI command\)/);
    assert.match(c.detail, /system \(Reload, ModuleLoad, Restart\)/);
    assert.match(c.detail, /config \(read and write every config file, secrets included\)/);
    assert.equal(c.fix, "In manager.conf, in the user's section: write = originate,call,agent,reporting");
    assert.equal(report.ok, true, 'too many rights is a warning, not a blocker');
  });

  it('asks for write = system (PJSIPNotify) where phones are told to hold, and accepts it there', async () => {
    const overrides = { hold: { method: 'phone-notify' } };
    const withoutReport = await (await stageSite({ overrides })).report();
    const without = check(withoutReport, 'ami-write');
    assert.equal(without.status, 'fail');
    assert.match(without.detail, /lacks system: system \(PJSIPNotify, for hold from the browser/);
    assert.equal(without.fix, "In manager.conf, in the user's section: write = originate,call,agent,reporting,system");
    const refused = check(withoutReport, 'phone-hold');
    assert.equal(refused.status, 'fail');
    assert.match(refused.detail, /may not send PJSIPNotify/);
    const withSystem = await stageSite({
      overrides,
      sim: { users: [{ ...RIGHT_USER, write: 'originate,call,agent,reporting,system' }] },
    });
    const ok = check(await withSystem.report(), 'ami-write');
    assert.equal(ok.status, 'ok', ok.detail);
    assert.match(ok.detail, /system \(for hold from the browser\)/);
    const report = await withSystem.report();
    assert.equal(check(report, 'ari').status, 'skipped');
    const hold = check(report, 'phone-hold');
    assert.equal(hold.status, 'ok', hold.detail);
    assert.match(hold.detail, /each phone must allow remote control/);
  });

  it('fails an Asterisk 20.9.1, affected by CVE-2024-42365, and names the fixed release', async () => {
    const site = await stageSite({ sim: { asteriskVersion: '20.9.1' } });
    const c = check(await site.report(), 'asterisk-version');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /^Asterisk 20\.9\.1 has AMI security advisories: CVE-2024-42365/);
    assert.match(c.fix ?? '', /20\.9\.2/);
  });

  it('says which dialplan contexts are missing', async () => {
    const site = await stageSite({
      overrides: {
        dialing: { defaultCountry: 'RU', originateContext: 'callgate-outbound', internalContext: 'internal' },
      },
    });
    const c = check(await site.report(), 'dialplan');
    assert.equal(c.status, 'fail');
    assert.equal(c.detail, 'context(s) callgate-outbound do not exist in the dialplan');
  });

  it('lists the operators whose phones are not registered', async () => {
    const site = await stageSite();
    site.sim?.control.phone('1002').unregister();
    const c = check(await site.report(), 'endpoints');
    assert.equal(c.status, 'warn');
    assert.equal(c.detail, '1 of 3 phones not registered: 1002 (PJSIP/1002)');
  });

  it('fails when the hub does not answer on hub.url', async () => {
    const port = await closedPort();
    const site = await stageSite({
      overrides: { hub: { url: `wss://127.0.0.1:${port}/uplink`, publicKeyFile: 'hub-keys.json' } },
    });
    const c = check(await site.report(), 'hub');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, new RegExp(`^cannot reach the hub at https://127\\.0\\.0\\.1:${port}`));
  });

  it('warns when the hub signs with a key this gateway does not know', async () => {
    const hubIssuer = await testIssuer('hub-key-2031');
    const hub = await jwksServer(hubIssuer.jwks);
    cleanups.push(() => hub.close());
    const site = await stageSite({ overrides: { hub: { url: hub.url, publicKeyFile: 'hub-keys.json' } } });
    const c = check(await site.report(), 'hub');
    assert.equal(c.status, 'warn');
    assert.equal(c.detail, 'the hub signs with key(s) this gateway does not know yet: hub-key-2031');
  });

  it('warns when Asterisk’s clock is off this host’s', async () => {
    const site = await stageSite({ sim: { clockOffsetMs: 45_000 } });
    const c = check(await site.report(), 'clock-asterisk');
    assert.equal(c.status, 'warn');
    assert.match(c.detail, /^Asterisk's clock is 45\.\d s off this host's$/);
    assert.match(c.fix ?? '', /NTP/);
  });

  it('fails hold from the browser when ARI does not listen, or refuses the password', async () => {
    const port = await closedPort();
    const unreachable = await stageSite({
      overrides: {
        hold: {
          method: 'ari',
          ariUrl: `http://127.0.0.1:${port}`,
          ariUsername: 'callgate',
          ariPasswordFile: 'ari.secret',
        },
      },
    });
    const down = check(await unreachable.report(), 'ari');
    assert.equal(down.status, 'fail');
    assert.match(down.detail, new RegExp(`^ARI unreachable at http://127\\.0\\.0\\.1:${port}`));
    const refused = await stageSite({ ariPassword: 'wrong-password' });
    const no = check(await refused.report(), 'ari');
    assert.equal(no.status, 'fail');
    assert.equal(no.detail, 'ARI answered 401');
  });

  it('exits 0 from the callgate doctor command on a good site and 1 on a broken one; CALLGATE_GATEWAY_* apply', async () => {
    const good = await stageSite();
    const run = (
      configFile: string,
      env: Record<string, string> = {},
    ): Promise<{ code: number | null; stdout: string }> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, 'doctor', '--config', configFile, '--timeout', '3'], {
          cwd: root,
          env: { ...process.env, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.once('error', reject);
        child.once('close', (code) => resolve({ code, stdout }));
      });
    const ok = await run(good.configFile);
    assert.equal(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, /No blocking problem found\./);
    const broken = await stageSite({ sim: false });
    const failed = await run(broken.configFile);
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /FAIL {2}AMI reachable: cannot connect to AMI/);
    // The same broken file, pointed at the live Asterisk by the variable the gateway unit sets.
    const fixedByEnv = await run(broken.configFile, {
      CALLGATE_GATEWAY_AMI_PORT: String(good.sim?.port ?? 0),
      CALLGATE_GATEWAY_HOLD_ARI_URL: good.sim?.ari?.url ?? '',
    });
    assert.match(fixedByEnv.stdout, new RegExp(`ok {4}AMI reachable: 127\\.0\\.0\\.1:${good.sim?.port ?? 0} accepts`));
    assert.equal(fixedByEnv.code, 0, fixedByEnv.stdout);
  });
});
