import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startFaultProxy, type FaultProxy } from '../src/index.js';

/** A target that records what each connection sent and can answer. */
async function startTarget() {
  const sockets: net.Socket[] = [];
  const received: Buffer[][] = [];
  const ended: boolean[] = [];
  const errors: string[] = [];
  const server = net.createServer((socket) => {
    const i = sockets.push(socket) - 1;
    received[i] = [];
    ended[i] = false;
    socket.on('data', (chunk) => received[i]?.push(chunk));
    socket.on('end', () => (ended[i] = true));
    socket.on('error', (e: NodeJS.ErrnoException) => errors.push(e.code ?? e.message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    sockets,
    text: (i: number) => Buffer.concat(received[i] ?? []).toString(),
    ended,
    errors,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Client {
  socket: net.Socket;
  text(): string;
  ended: boolean;
  error: string | undefined;
  closed: Promise<void>;
}

function connect(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const client: Client = {
      socket,
      text: () => Buffer.concat(chunks).toString(),
      ended: false,
      error: undefined,
      closed: new Promise((r) => socket.on('close', () => r())),
    };
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => (client.ended = true));
    socket.on('error', (e: NodeJS.ErrnoException) => (client.error = e.code ?? e.message));
    socket.once('connect', () => resolve(client));
    socket.once('error', reject);
  });
}

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Lets the event loop turn a few times (for "nothing arrived" checks). */
const settle = () => new Promise((r) => setTimeout(r, 150));

describe('fault proxy', () => {
  let target: Awaited<ReturnType<typeof startTarget>>;
  let proxy: FaultProxy;
  before(async () => {
    target = await startTarget();
    proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: target.port } });
  });
  after(async () => {
    await proxy.close();
    await target.close();
  });

  /** A client through the proxy and the index of its connection at the target. */
  async function pair(): Promise<{ c: Client; i: number; peer: net.Socket }> {
    const i = target.sockets.length;
    const c = await connect(proxy.port);
    await until(() => target.sockets.length === i + 1, 'the target connection');
    const peer = target.sockets[i];
    if (!peer) throw new Error('no target socket');
    return { c, i, peer };
  }

  it('a healthy link carries bytes both ways unchanged', async () => {
    const { c, i, peer } = await pair();
    c.socket.write('hello ');
    c.socket.write('hub');
    peer.write('ack');
    await until(() => target.text(i) === 'hello hub' && c.text() === 'ack', 'both directions');
    c.socket.end();
    await until(() => target.ended[i] === true, 'the FIN to reach the target');
  });

  it('latency with jitter delays chunks but never reorders them', async () => {
    const { c, i } = await pair();
    proxy.setLatency(30, 30);
    const expected = Array.from({ length: 50 }, (_, k) => `<${k}>`).join('');
    for (let k = 0; k < 50; k++) c.socket.write(`<${k}>`);
    await until(() => target.text(i) === expected, 'all chunks in order');
    proxy.setLatency(0);
    c.socket.destroy();
  });

  it('a blackhole swallows traffic silently and delivers it, in order, when it ends', async () => {
    const { c, i } = await pair();
    proxy.setBlackhole(true);
    c.socket.write('lost');
    c.socket.write('?');
    await settle();
    assert.equal(target.text(i), '', 'nothing gets through during the blackhole');
    assert.equal(c.error, undefined, 'and the sender is not told');
    proxy.setBlackhole(false);
    await until(() => target.text(i) === 'lost?', 'delivery after the blackhole');
    c.socket.destroy();
  });

  it('a connection opened during a blackhole reaches the target only when it ends', async () => {
    proxy.setBlackhole(true);
    const count = target.sockets.length;
    const c = await connect(proxy.port);
    c.socket.write('GET');
    await settle();
    assert.equal(target.sockets.length, count, 'the target saw no connection yet');
    proxy.setBlackhole(false);
    await until(() => target.sockets.length === count + 1 && target.text(count) === 'GET', 'late connection');
    c.socket.destroy();
  });

  it('refuse resets new connections while open ones keep working', async () => {
    const { c: open, i } = await pair();
    proxy.setRefuse(true);
    try {
      const refused = net.connect(proxy.port, '127.0.0.1');
      const error = await new Promise<string>((resolve) =>
        refused.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message)),
      );
      assert.equal(error, 'ECONNRESET');
    } finally {
      proxy.setRefuse(false);
    }
    open.socket.write('still here');
    await until(() => target.text(i) === 'still here', 'the open one');
    open.socket.destroy();
  });

  it('reset sends an RST to both ends', async () => {
    const { c } = await pair();
    const errorsBefore = target.errors.length;
    assert.equal(proxy.resetAll(), 1);
    await c.closed;
    assert.equal(c.error, 'ECONNRESET');
    await until(() => target.errors.length > errorsBefore, 'the target to see the reset');
    assert.equal(target.errors.at(-1), 'ECONNRESET');
  });

  it('drop closes both ends with a FIN', async () => {
    const { c, i } = await pair();
    proxy.dropAll();
    await c.closed;
    assert.equal(c.ended, true);
    assert.equal(c.error, undefined);
    await until(() => target.ended[i] === true, 'the target to see the FIN');
  });

  it('half-open: traffic vanishes both ways and a close on one side never reaches the other', async () => {
    const { c, i, peer } = await pair();
    c.socket.write('x');
    await until(() => target.text(i) === 'x', 'first byte');
    proxy.halfOpenAll('both');
    c.socket.write('y');
    peer.write('z');
    c.socket.end();
    await settle();
    assert.equal(target.text(i), 'x');
    assert.equal(target.ended[i], false, 'the target still believes the connection is open');
    assert.equal(c.text(), '');
    peer.destroy();
  });

  it('one-way: the client still reaches the target, but nothing comes back', async () => {
    const { c, i, peer } = await pair();
    proxy.halfOpenAll('to-client');
    c.socket.write('ping');
    await until(() => target.text(i) === 'ping', 'client to target still flows');
    peer.write('pong');
    await settle();
    assert.equal(c.text(), '');
    c.socket.destroy();
    peer.destroy();
  });
});
