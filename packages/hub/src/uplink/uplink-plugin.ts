/**
 * Mounts the uplink endpoint on the hub's HTTP server (`startHub({ plugins: [uplinkPlugin()] })`)
 * at UPLINK_WS_PATH, on the same port as the API (wss behind the same TLS terminator).
 *
 * Uplink upgrades are taken before @fastify/websocket sees them and given a WebSocket server of
 * their own: the supervisors' sockets are limited to 16 KiB frames, while a records frame may
 * hold up to MAX_RECORDS_FRAME_BYTES of call records. Every other upgrade goes on to Fastify
 * unchanged.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { MAX_UPLINK_FRAME_BYTES, UPLINK_WS_PATH } from '@callgate/contracts';
import type { HubPlugin } from '../http/server.js';
import { hubCorePort } from './uplink-hub-port.js';
import { createUplinkServer, type UplinkServer, type UplinkServerOptions } from './uplink-server.js';

export type UplinkPluginOptions = Omit<UplinkServerOptions, 'port' | 'logger' | 'registry'> & {
  /** Receives the running endpoint once the hub is built (to send commands, read site health). */
  onReady?: (uplink: UplinkServer) => void;
};

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface UplinkPlugin extends HubPlugin {
  /** The endpoint, once registered. */
  readonly server: UplinkServer | undefined;
}

export function uplinkPlugin(options: UplinkPluginOptions = {}): UplinkPlugin {
  let uplink: UplinkServer | undefined;
  let restore: (() => void) | undefined;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_UPLINK_FRAME_BYTES, perMessageDeflate: false });
  return {
    name: 'uplink',
    get server() {
      return uplink;
    },
    register(app, core) {
      const { onReady, ...serverOptions } = options;
      const server = createUplinkServer({
        ...serverOptions,
        port: hubCorePort(core),
        logger: app.log,
        registry: core.metrics.registry,
      });
      uplink = server;
      const http = app.server;
      const others = http.listeners('upgrade') as UpgradeListener[];
      const dispatch: UpgradeListener = (request, socket, head) => {
        const path = (request.url ?? '').split('?')[0];
        if (path !== UPLINK_WS_PATH) {
          for (const listener of others) listener.call(http, request, socket, head);
          return;
        }
        socket.on('error', () => socket.destroy());
        wss.handleUpgrade(request, socket, head, (ws) => server.accept(ws, request));
      };
      http.removeAllListeners('upgrade');
      http.on('upgrade', dispatch);
      restore = () => {
        http.removeListener('upgrade', dispatch);
        for (const listener of others) http.on('upgrade', listener);
      };
      onReady?.(server);
    },
    async close() {
      await uplink?.close();
      restore?.();
      restore = undefined;
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
