/**
 * The gateway's HTTP surface on the LAN: the operator WebSocket (`/operator`), health
 * (`/healthz`: the process answers; `/readyz`: AMI logged in and hub keys loaded) and
 * Prometheus metrics (`/metrics`). Plain node:http + ws: nothing here needs a framework, and
 * ws on node:http is the fastest WebSocket server that installs here (ARCHITECTURE.md).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { OPERATOR_WS_PATH } from '@callgate/contracts';
import type { Registry } from 'prom-client';

export interface ReadinessCheck {
  ready: boolean;
  checks: Record<string, boolean>;
}

export interface GatewayHttpDeps {
  host: string;
  port: number;
  registry: Registry;
  readiness: () => ReadinessCheck;
  onOperatorSocket: (ws: WebSocket, remoteAddress: string) => void;
  /** Largest operator frame accepted; bigger frames close the socket with 1009. */
  maxFrameBytes: number;
  /** Optional extra routes (static panel bundle, site login) tried before the 404. */
  extraRoutes?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
}

export interface GatewayHttpServer {
  readonly port: number;
  readonly url: string;
  /** Stops accepting, closes every WebSocket with 1001 and waits for the server to close. */
  close(): Promise<void>;
}

export async function startGatewayHttp(deps: GatewayHttpDeps): Promise<GatewayHttpServer> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.maxFrameBytes, perMessageDeflate: false });
  const server = http.createServer((req, res) => {
    void route(req, res);
  });
  const json = (res: http.ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return json(res, 200, { status: 'ok' });
    if (req.method === 'GET' && path === '/readyz') {
      const r = deps.readiness();
      return json(res, r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not-ready', checks: r.checks });
    }
    if (req.method === 'GET' && path === '/metrics') {
      res.writeHead(200, { 'content-type': deps.registry.contentType });
      res.end(await deps.registry.metrics());
      return;
    }
    if (deps.extraRoutes?.(req, res)) return;
    json(res, 404, { error: { code: 'GW_ERR_NOT_FOUND', message: `no route ${req.method} ${path}` } });
  };
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== OPERATOR_WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => deps.onOperatorSocket(ws, req.socket.remoteAddress ?? ''));
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, deps.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = deps.host === '0.0.0.0' || deps.host === '::' ? '127.0.0.1' : deps.host;
  return {
    port,
    url: `http://${host}:${port}`,
    async close() {
      for (const ws of wss.clients) ws.close(1001, 'gateway shutting down');
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
          server.closeAllConnections();
        }, 2000).unref();
      });
      wss.close();
    },
  };
}
