// `callgate admin …` and `callgate hub`: a site, users, queues, a site credential and contacts
// made from the shell are what the running hub serves; the hub stops cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { main } from '../src/main.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'callgate.js');

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    text: () => chunks.join(''),
  };
}

describe('callgate admin and callgate hub', () => {
  let dir: string;
  const admin = async (...args: string[]) => {
    const out = sink();
    const err = sink();
    const code = await main(['admin', ...args, '--data-dir', join(dir, 'data')], {
      stdout: out.stream,
      stderr: err.stream,
    });
    return { code, out: out.text(), err: err.text() };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'callgate-cli-hub-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('creates a site, an admin, an operator in a queue, a site credential file and contacts', async () => {
    await writeFile(join(dir, 'pw'), 'the admin password\n');
    const site = await admin(
      'create-site',
      '--id',
      'tallinn',
      '--name',
      'Tallinn',
      '--gateway-url',
      'https://gw.tallinn.example',
      '--country',
      'EE',
    );
    assert.equal(site.code, 0, site.err);
    assert.equal((JSON.parse(site.out) as { id: string }).id, 'tallinn');
    assert.equal(
      (
        await admin(
          'create-user',
          '--id',
          'admin',
          '--name',
          'Admin',
          '--role',
          'admin',
          '--password-file',
          join(dir, 'pw'),
        )
      ).code,
      0,
    );
    const anna = await admin(
      'create-user',
      '--id',
      'anna',
      '--name',
      'Anna',
      '--role',
      'operator',
      '--site',
      'tallinn',
      '--extension',
      '1001',
    );
    assert.equal(anna.code, 0);
    assert.match(anna.err, /password for anna \(shown once\): \S{20}/);
    assert.equal(
      (await admin('put-queue', '--site', 'tallinn', '--name', 'support', '--label', 'Support line')).code,
      0,
    );
    const member = await admin('add-member', '--site', 'tallinn', '--queue', 'support', '--user', 'anna');
    assert.deepEqual((JSON.parse(member.out) as { members: string[] }).members, ['anna']);
    const cred = await admin('site-credential', '--site', 'tallinn', '--out', join(dir, 'site.credential'));
    assert.equal(cred.code, 0);
    assert.equal((await stat(join(dir, 'site.credential'))).mode & 0o777, 0o600);
    await writeFile(join(dir, 'contacts.csv'), 'name,phone\nKati Kask,5123 4567\nNobody,12\n');
    const imported = await admin('import-contacts', join(dir, 'contacts.csv'), '--country', 'EE');
    assert.equal(imported.code, 1, 'a rejected line makes the exit code 1');
    assert.match(imported.err, /line 3: phones\[0\]\.number/);
    assert.match(imported.err, /1 created, 0 updated, 1 rejected/);
  });

  it('refuses mistakes with a clear message and a non-zero exit code', async () => {
    const dup = await admin(
      'create-user',
      '--id',
      'anna',
      '--name',
      'Anna',
      '--role',
      'operator',
      '--site',
      'tallinn',
      '--extension',
      '1009',
    );
    assert.equal(dup.code, 1);
    assert.match(dup.err, /HUB_ERR_CONFLICT: user anna already exists/);
    const badRole = await admin('create-user', '--id', 'x', '--name', 'X', '--role', 'root');
    assert.equal(badRole.code, 2);
    assert.match(badRole.err, /--role must be operator, supervisor or admin/);
    const unknown = await admin('drop-everything');
    assert.equal(unknown.code, 2);
    const noSite = await admin(
      'create-user',
      '--id',
      'y',
      '--name',
      'Y',
      '--role',
      'operator',
      '--site',
      'riga',
      '--extension',
      '1',
    );
    assert.match(noSite.err, /HUB_ERR_INVALID_CHANGE: site riga does not exist/);
  });

  it('runs the hub on that database until its signal is aborted, serving what admin made', async () => {
    const out = sink();
    const err = sink();
    const controller = new AbortController();
    const running = main(['hub', '--data-dir', join(dir, 'data'), '--host', '127.0.0.1', '--port', '0'], {
      stdout: out.stream,
      stderr: err.stream,
      signal: controller.signal,
    });
    let url: string | undefined;
    for (let i = 0; i < 500 && url === undefined; i++) {
      url = /callgate hub: listening on (http:\/\/\S+)/.exec(out.text())?.[1];
      if (url === undefined) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(url, `no listening line in: ${out.text()} ${err.text()}`);
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'the admin password' }),
    });
    assert.equal(login.status, 200);
    const credential = (await readFile(join(dir, 'site.credential'), 'utf8')).trim();
    const directory = await fetch(`${url}/api/v1/sites/tallinn/directory`, {
      headers: { authorization: `Site ${credential}` },
    });
    const body = (await directory.json()) as { operators: { id: string; queues: string[] }[] };
    assert.deepEqual(body.operators, [
      { id: 'anna', name: 'Anna', extension: '1001', endpoint: 'PJSIP/1001', queues: ['support'] },
    ]);
    controller.abort();
    assert.equal(await running, 0);
    assert.match(out.text(), /callgate hub: stopped/);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const child = spawn(
      process.execPath,
      [bin, 'hub', '--data-dir', join(dir, 'data'), '--host', '127.0.0.1', '--port', '0'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, CALLGATE_LOG_LEVEL: 'warn' },
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 1500 && !stdout.includes('listening on'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.match(stdout, /listening on http/);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(stdout, /callgate hub: stopped/);
  });
});
