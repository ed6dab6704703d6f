/**
 * `callgate ami decode` and `callgate ami record` as a user runs them: the real bin
 * (packages/cli/bin/callgate.js) where process behaviour matters (exit codes, stdout, SIGINT,
 * a closed pipe), `main()` with injected streams elsewhere. Recording runs against a real AMI
 * server on loopback.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { recordTrace } from '../src/ami-recorder.js';
import { main } from '../src/main.js';
import { AmiServer, type ScriptStep } from './support/ami-server.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BIN = join(root, 'packages', 'cli', 'bin', 'callgate.js');
const FIXTURES = join(root, 'fixtures', 'ami');

const tmp = mkdtempSync(join(tmpdir(), 'callgate-cli-ami-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let fileNo = 0;
const tmpFile = (name: string, content?: string): string => {
  const path = join(tmp, `${++fileNo}-${name}`);
  if (content !== undefined) writeFileSync(path, content);
  return path;
};

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(Buffer.from(chunk));
        cb();
      },
    }),
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

async function run(argv: string[], signal?: AbortSignal): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = sink();
  const err = sink();
  const code = await main(argv, { stdout: out.stream, stderr: err.stream, ...(signal ? { signal } : {}) });
  return { code, stdout: out.text(), stderr: err.text() };
}

interface Spawned {
  code: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
  kill: (signal: NodeJS.Signals) => void;
  child: ReturnType<typeof spawn>;
}

function spawnBin(args: string[]): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  return { code, stdout: () => stdout, stderr: () => stderr, kill: (s) => child.kill(s), child };
}

function recordings(): Array<{
  id: string;
  path: string;
  lines: Array<{ t: number; dir: string; raw: string; conn: number }>;
}> {
  return readdirSync(FIXTURES)
    .filter((v) => v.startsWith('asterisk-'))
    .flatMap((v) =>
      readdirSync(join(FIXTURES, v))
        .filter((f) => f.endsWith('.jsonl'))
        .map((f) => {
          const path = join(FIXTURES, v, f);
          const lines = readFileSync(path, 'utf8')
            .split('\n')
            .filter((l) => l.trim() !== '')
            .map((l) => JSON.parse(l) as { t: number; dir: string; raw: string; conn: number });
          return { id: `${v}/${f}`, path, lines };
        }),
    );
}

/**
 * What the issue says decode prints for a recording whose lines each hold one message:
 * `{"t","dir","conn","headers":[[k,v],…]}`, values after the single space after the colon,
 * the banner as `{"t","dir","conn","greeting"}`. Built here from the raw text, independently.
 */
function expectedDecode(lines: Array<{ t: number; dir: string; raw: string; conn: number }>): string {
  return lines
    .map((l) => {
      if (!l.raw.endsWith('\r\n\r\n'))
        return JSON.stringify({ t: l.t, dir: l.dir, conn: l.conn, greeting: l.raw.replace(/\r\n$/, '') });
      const headers = l.raw
        .slice(0, -4)
        .split('\r\n')
        .map((h) => [h.slice(0, h.indexOf(':')), h.slice(h.indexOf(':') + 1).replace(/^ /, '')]);
      return JSON.stringify({ t: l.t, dir: l.dir, conn: l.conn, headers });
    })
    .map((line) => `${line}\n`)
    .join('');
}

describe('callgate ami decode', { timeout: 60_000 }, () => {
  it('prints every message of every recording exactly in the documented form', async () => {
    for (const rec of recordings()) {
      const r = await run(['ami', 'decode', rec.path]);
      assert.equal(r.code, 0, rec.id);
      assert.equal(r.stderr, '');
      assert.equal(r.stdout, expectedDecode(rec.lines), rec.id);
    }
  });

  it('the real bin prints the same to stdout, Cyrillic intact, and exits 0', async () => {
    const rec = recordings().find((r) => r.id === 'asterisk-22.10.1/02-inbound-queue-answered-customer-hangup.jsonl');
    assert.ok(rec);
    const p = spawnBin(['ami', 'decode', rec.path]);
    assert.equal(await p.code, 0, p.stderr());
    assert.equal(p.stdout(), expectedDecode(rec.lines));
    assert.ok(p.stdout().includes('["CallerIDName","Иван Петров"]'));
  });

  it('stops quietly when the reader goes away (callgate ami decode … | head)', async () => {
    const rec = recordings().find((r) => r.id.includes('12-attended-transfer'));
    assert.ok(rec);
    const p = spawnBin(['ami', 'decode', rec.path]);
    await new Promise<void>((resolve) => p.child.stdout?.once('data', () => resolve()));
    p.child.stdout?.destroy();
    assert.equal(await p.code, 0);
    assert.doesNotMatch(p.stderr(), /EPIPE|Error|at /);
  });

  it('decodes a tap’s trace (partial and several messages per line) like the one-message-per-line original', async () => {
    for (const rec of recordings().filter((r) => /0[12]-/.test(r.id))) {
      // Re-cut each (conn, dir) stream into 37-character lines, as TCP reads would cut it.
      const retapped: string[] = [];
      const keys = [...new Set(rec.lines.map((l) => `${l.conn}:${l.dir}`))];
      for (const key of keys) {
        const [conn, dir] = key.split(':');
        const text = rec.lines
          .filter((l) => `${l.conn}:${l.dir}` === key)
          .map((l) => l.raw)
          .join('');
        for (let i = 0; i < text.length; i += 37) {
          retapped.push(JSON.stringify({ t: 0, dir, raw: text.slice(i, i + 37), conn: Number(conn) }));
        }
      }
      const file = tmpFile('retapped.jsonl', `${retapped.join('\n')}\n`);
      const r = await run(['ami', 'decode', file]);
      const sortNoT = (s: string): string[] =>
        s
          .trim()
          .split('\n')
          .map((l) => l.replace(/^\{"t":\d+,/, '{'))
          .sort();
      assert.deepEqual(sortNoT(r.stdout), sortNoT(expectedDecode(rec.lines)), rec.id);
    }
  });

  it('names the bad line of a malformed trace and exits 1; a missing file is one clear line', async () => {
    const bad = tmpFile(
      'bad.jsonl',
      '{"t":1,"dir":"in","raw":"Asterisk Call Manager/11.0.0\\r\\n","conn":1}\n{"t":2,"dir":"sideways"}\n',
    );
    const r = await run(['ami', 'decode', bad]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'callgate ami: AMI_ERR_BAD_TRACE: trace line 2: "dir" must be "in" or "out"\n');
    const missing = await run(['ami', 'decode', join(tmp, 'nope.jsonl')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^callgate ami: cannot open trace file .*nope\.jsonl: no such file or directory\n$/);
  });

  it('prints a message over the limit and a cut-off stream as error lines, and goes on', async () => {
    const big = `Event: Big\r\nData: ${'x'.repeat(1024 * 1024 + 10)}\r\n\r\n`;
    const lines = [
      { t: 1, dir: 'in', raw: 'Asterisk Call Manager/11.0.0\r\n', conn: 1 },
      { t: 2, dir: 'in', raw: big, conn: 1 },
      { t: 3, dir: 'in', raw: 'Event: After\r\n\r\nEvent: Cut\r\nChan', conn: 1 },
    ];
    const file = tmpFile('errors.jsonl', lines.map((l) => JSON.stringify(l)).join('\n'));
    const r = await run(['ami', 'decode', file]);
    assert.equal(r.code, 0);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      out.map((o) => ('error' in o ? (o.error as { code: string }).code : 'headers' in o ? 'message' : 'greeting')),
      ['greeting', 'AMI_ERR_MESSAGE_TOO_LARGE', 'message', 'AMI_ERR_BAD_TRACE'],
    );
  });
});

// ---- record ----------------------------------------------------------------------------------

/** Recorded events of 02 (Cyrillic caller), cut so that a TCP read ends inside "И". */
function cyrillicScript(): { script: ScriptStep[]; text: string } {
  const rec = recordings().find((r) => r.id === 'asterisk-22.10.1/02-inbound-queue-answered-customer-hangup.jsonl');
  assert.ok(rec);
  const text = rec.lines
    .filter((l) => l.dir === 'in' && l.raw.startsWith('Event: '))
    .slice(0, 12)
    .map((l) => l.raw)
    .join('');
  const bytes = Buffer.from(text, 'utf8');
  const at = bytes.indexOf(Buffer.from('Иван', 'utf8')) + 1; // after the first byte of "И"
  assert.ok(at > 1);
  return { script: [bytes.subarray(0, at), { pauseMs: 60 }, bytes.subarray(at)], text };
}

interface TraceLine {
  t: number;
  dir: 'in' | 'out';
  raw: string;
  conn: number;
}

const readTrace = (file: string): TraceLine[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const parsed = JSON.parse(l) as TraceLine;
      assert.deepEqual(Object.keys(parsed), ['t', 'dir', 'raw', 'conn'], 'trace format {t, dir, raw, conn}');
      return parsed;
    });

const stream = (lines: TraceLine[], conn: number, dir: 'in' | 'out'): string =>
  lines
    .filter((l) => l.conn === conn && l.dir === dir)
    .map((l) => l.raw)
    .join('');

describe('callgate ami record', { timeout: 60_000 }, () => {
  const servers: AmiServer[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });
  async function server(afterLogin: (i: number) => ScriptStep[] = () => []): Promise<AmiServer> {
    const s = new AmiServer({ username: 'crm', secret: 'crm-secret', afterLogin });
    await s.listen();
    servers.push(s);
    return s;
  }
  const secretFile = tmpFile('ami.secret', 'crm-secret\n');

  it('taps a live AMI with an MD5 login until Ctrl-C: exact bytes, split UTF-8 intact, secret and key never written', async () => {
    const { script, text } = cyrillicScript();
    const s = await server(() => script);
    const out = tmpFile('field.jsonl');
    const p = spawnBin([
      'ami',
      'record',
      '--host',
      '127.0.0.1',
      '--port',
      String(s.port),
      '--user',
      'crm',
      '--secret-file',
      secretFile,
      '--out',
      out,
    ]);
    await s.waitFor('the events to be sent', () => s.sentText(0).endsWith(text), 30_000);
    // The file is written as reads come; wait until the last event is in it, then press Ctrl-C.
    await s.waitFor('the trace to hold them', () => {
      try {
        return stream(readTrace(out), 1, 'in').endsWith(text);
      } catch {
        return false;
      }
    });
    p.kill('SIGINT');
    assert.equal(await p.code, 0, p.stderr());
    assert.match(p.stderr(), /recorded \d+ chunks over 1 connection\(s\)/);
    const lines = readTrace(out);
    assert.deepEqual([...new Set(lines.map((l) => l.conn))], [1]);
    assert.equal(stream(lines, 1, 'in'), s.sentText(0), 'the in stream is byte for byte what the server sent');
    assert.ok(
      lines.some((l) => l.raw.startsWith('Иван Петров')),
      'the read that ended inside "И" left the whole character to the next line',
    );
    const file = readFileSync(out, 'utf8');
    assert.ok(!file.includes('\\ufffd') && !file.includes('\ufffd'), 'no character was cut');
    assert.ok(!file.includes('crm-secret'), 'the secret is never written');
    const key = s.connections[0]?.received.find((m) => m.get('Action') === 'Login')?.get('Key') ?? 'none';
    assert.ok(!file.includes(key), 'nor the MD5 key');
    const sent = stream(lines, 1, 'out');
    assert.match(sent, /^Action: Challenge\r\n[^]*Action: Login\r\n[^]*Key: \*{8}\r\n[^]*Action: Logoff\r\n/);
    assert.ok(
      stream(lines, 1, 'in').endsWith(
        'Response: Goodbye\r\nActionID: rec-logoff\r\nMessage: Thanks for all the fish.\r\n\r\n',
      ),
    );
    // And the trace decodes with the caller's name whole.
    const decoded = await run(['ami', 'decode', out]);
    assert.ok(decoded.stdout.includes('["CallerIDName","Иван Петров"]'));
  });

  it('with --auth plain and --duration: masks Secret keeping the line intact, stops by itself', async () => {
    const s = await server();
    const out = tmpFile('plain.jsonl');
    const r = await run([
      'ami',
      'record',
      '--host',
      '127.0.0.1',
      '--port',
      String(s.port),
      '--user',
      'crm',
      '--secret-file',
      secretFile,
      '--out',
      out,
      '--auth',
      'plain',
      '--duration',
      '1',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(s.connections[0]?.received.find((m) => m.get('Action') === 'Login')?.get('Secret'), 'crm-secret');
    const decoded = (await run(['ami', 'decode', out])).stdout.split('\n').filter((l) => l.includes('"Login"'));
    assert.deepEqual(
      decoded.map((l) => (JSON.parse(l) as { headers: unknown }).headers),
      [
        [
          ['Action', 'Login'],
          ['ActionID', 'rec-login'],
          ['Username', 'crm'],
          ['Events', 'on'],
          ['Secret', '********'],
        ],
      ],
    );
    assert.ok(!readFileSync(out, 'utf8').includes('crm-secret'));
  });

  it('after the server drops the connection it reconnects, and the new connection is conn 2', async () => {
    const s = await server((i) =>
      i === 0 ? [Buffer.from('Event: Shutdown\r\nShutdown: Cleanly\r\nRestart: True\r\n\r\n'), 'close'] : [],
    );
    const out = tmpFile('restart.jsonl');
    const stop = new AbortController();
    const done = run(
      [
        'ami',
        'record',
        '--host',
        '127.0.0.1',
        '--port',
        String(s.port),
        '--user',
        'crm',
        '--secret-file',
        secretFile,
        '--out',
        out,
      ],
      stop.signal,
    );
    await s.waitFor('the second login', () => s.connections[1]?.loggedIn === true);
    stop.abort();
    const r = await done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /AMI connection 1 closed; reconnecting/);
    const lines = readTrace(out);
    assert.deepEqual([...new Set(lines.map((l) => l.conn))], [1, 2]);
    for (const conn of [1, 2]) assert.ok(stream(lines, conn, 'in').startsWith('Asterisk Call Manager/11.0.0\r\n'));
    assert.equal(stream(lines, 1, 'in'), s.sentText(0));
  });

  it('refused connects while Asterisk restarts take no connection number', async () => {
    const s = await server((i) => (i === 0 ? ['close'] : []));
    const port = s.port;
    const lines: string[] = [];
    const logs: string[] = [];
    const stop = new AbortController();
    let reopened = false;
    const done = recordTrace({
      host: '127.0.0.1',
      port,
      username: 'crm',
      secret: 'crm-secret',
      auth: 'md5',
      events: 'on',
      signal: stop.signal,
      reconnectDelayMs: 20,
      write: (l) => lines.push(l),
      log: (m) => {
        logs.push(m);
        if (m.includes('closed; reconnecting')) void s.close();
        // Asterisk is back after two refused attempts.
        if (!reopened && logs.filter((x) => x.includes('failed; retrying')).length === 2) {
          reopened = true;
          void s.listen(port);
        }
      },
    });
    await s.waitFor('the login after the restart', () => s.connections[1]?.loggedIn === true);
    stop.abort();
    const summary = await done;
    assert.equal(summary.connections, 2);
    const conns = [...new Set(lines.map((l) => (JSON.parse(l) as TraceLine).conn))];
    assert.deepEqual(conns, [1, 2]);
  });

  it('a refused login ends the recording with exit 1 and a clear message', async () => {
    const s = await server();
    const out = tmpFile('refused.jsonl');
    const wrong = tmpFile('wrong.secret', 'not-the-secret');
    const r = await run([
      'ami',
      'record',
      '--host',
      '127.0.0.1',
      '--port',
      String(s.port),
      '--user',
      'crm',
      '--secret-file',
      wrong,
      '--out',
      out,
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /AMI login refused for user crm; check manager.conf and the secret/);
    assert.ok(stream(readTrace(out), 1, 'in').includes('Message: Authentication failed'));
    assert.ok(!readFileSync(out, 'utf8').includes('not-the-secret'));
  });

  it('refuses bad flags with exit 2 before creating anything, and unreadable files with exit 1', async () => {
    const base = [
      'ami',
      'record',
      '--host',
      '127.0.0.1',
      '--port',
      '5038',
      '--user',
      'crm',
      '--secret-file',
      secretFile,
    ];
    const out = join(tmp, 'never-created.jsonl');
    const cases: Array<[string[], RegExp]> = [
      [
        ['ami', 'record', '--port', '5038', '--user', 'crm', '--secret-file', secretFile, '--out', out],
        /missing required flag --host/,
      ],
      [[...base], /missing required flag --out/],
      [[...base, '--out', out, '--port', '70000'], /--port must be an integer between 1 and 65535, got "70000"/],
      [[...base, '--out', out, '--auth', 'sha1'], /--auth must be md5 or plain, got "sha1"/],
      [[...base, '--out', out, '--duration', 'soon'], /--duration must be an integer/],
      [[...base, '--out', out, '--verbose'], /Unknown option '--verbose'/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.stderr, message);
      assert.match(r.stderr, /Usage:/, 'the help follows');
    }
    assert.throws(() => readFileSync(out), /ENOENT/, 'no output file was created');
    const noDir = await run([...base, '--out', join(tmp, 'no', 'such', 'dir.jsonl')]);
    assert.equal(noDir.code, 1);
    assert.match(noDir.stderr, /cannot open output file .*: no such file or directory/);
    const noSecret = await run([
      'ami',
      'record',
      '--host',
      '127.0.0.1',
      '--port',
      '5038',
      '--user',
      'crm',
      '--secret-file',
      join(tmp, 'absent'),
      '--out',
      out,
    ]);
    assert.equal(noSecret.code, 1);
    assert.match(noSecret.stderr, /cannot open secret file .*absent: no such file or directory/);
  });
});

describe('callgate command line', { timeout: 60_000 }, () => {
  it('unknown commands, sub-commands and flags exit 2 with a clear message', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /^callgate: unknown command "frobnicate"/],
      [['ami'], /^callgate ami: missing sub-command \(record or decode\)/],
      [['ami', 'play'], /^callgate ami: unknown sub-command "play"/],
      [['ami', 'decode'], /^callgate ami: decode takes exactly one trace file/],
      [['ami', 'decode', '--pretty', 'x.jsonl'], /^callgate ami: Unknown option '--pretty'/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.stderr, message);
    }
    const help = await run(['ami', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /callgate ami decode FILE/);
    assert.match(help.stdout, /callgate ami record --host H --port P --user U --secret-file F --out FILE/);
  });

  it('the real bin exits 2 on an unknown command and lists the commands', async () => {
    const p = spawnBin(['frobnicate']);
    assert.equal(await p.code, 2);
    assert.match(p.stderr(), /unknown command "frobnicate"/);
    assert.match(p.stderr(), /\n {2}ami {2,}record a live AMI session/);
  });
});
