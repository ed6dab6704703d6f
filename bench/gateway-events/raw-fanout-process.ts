/**
 * The baseline of gateway-events: the same frames to the same operator sockets, sent by a
 * bare ws server (node:http + ws 8, the gateway's own stack and options) that does nothing
 * else — no AMI, no call engine, no validation. It replays what the operators received from the
 * gateway, each frame at the moment (relative to the run's start) it arrived there, and
 * records when it sent each one. The operators' process is the same, so the difference between
 * this and the gateway run is what the gateway adds between the AMI event and the socket.
 *
 * Requests (ipc.ts): `listen` → `{ url }`; `replay` → send times and CPU; `stop`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { serveRequests } from './ipc.js';
import { monotonicMicros } from './monotonic-clock.js';

const sockets = new Map<number, WebSocket>();
let server: http.Server | undefined;
let wss: WebSocketServer | undefined;

async function listen(): Promise<{ url: string }> {
  wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const srv = http.createServer((_req, res) => res.writeHead(404).end());
  server = srv;
  srv.on('upgrade', (req, socket, head) => {
    const index = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('client'));
    wss?.handleUpgrade(req, socket, head, (ws) => sockets.set(index, ws));
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}` };
}

/** Sends `[client, offsetUs, text]` frames (sorted by offset) on schedule; returns `[client, n, sentUs]`. */
async function replay(schedule: Array<[number, number, string]>): Promise<{
  sent: Array<[number, number, number]>;
  cpuPercent: number;
}> {
  const sent: Array<[number, number, number]> = [];
  const counts = new Map<number, number>();
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const startUs = monotonicMicros();
  let i = 0;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      const now = monotonicMicros() - startUs;
      for (; i < schedule.length; i++) {
        const item = schedule[i];
        if (!item) continue;
        const [client, offsetUs, text] = item;
        if (offsetUs > now) break;
        const ws = sockets.get(client);
        if (!ws) continue;
        const n = counts.get(client) ?? 0;
        counts.set(client, n + 1);
        ws.send(text);
        sent.push([client, n, monotonicMicros()]);
      }
      const next = schedule[i];
      if (!next) return resolve();
      setTimeout(pump, Math.max(0, (next[1] - (monotonicMicros() - startUs)) / 1000 - 0.5));
    };
    pump();
  });
  const cpu = process.cpuUsage(cpuStart);
  return { sent, cpuPercent: ((cpu.user + cpu.system) / 1000 / (performance.now() - wallStart)) * 100 };
}

serveRequests(
  async (message) => {
    if (message.type === 'listen') return listen();
    if (message.type === 'replay') return replay(message.schedule as Array<[number, number, string]>);
    throw new Error(`unknown request ${String(message.type)}`);
  },
  async () => {
    for (const ws of sockets.values()) ws.terminate();
    wss?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  },
);
