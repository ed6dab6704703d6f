/**
 * A minimal Asterisk REST Interface on HTTP (res/res_ari.c, res/ari/resource_channels.c), for
 * `callgate doctor` and the gateway's hold from the browser:
 *
 * - `GET /ari/asterisk/info`: 200 with the AsteriskInfo object (build, system.version, config,
 *   status);
 * - `POST /ari/channels/{channelId}/hold`, `DELETE …/hold`: 204, the channel held / taken off
 *   hold exactly as the phone's hold key does (../apps/hold.ts: `Hold` on it, music on hold and
 *   ONHOLD for the other party, recording 10). `channelId` is the Uniqueid (or the name, as
 *   ast_channel_get_by_name takes both).
 *
 * As Asterisk answers: 401 `Authentication required` with a Basic challenge unless the request
 * carries the ari.conf user's password (Basic auth or `?api_key=user:password`); 404 `Channel not
 * found`; and 409 `Channel not in Stasis application` for a channel that exists but is not
 * controlled by an ARI application (find_control): real Asterisk holds only Stasis channels.
 * `holdAnyChannel` lifts that last rule, for a gateway that holds ordinary calls over ARI.
 * Everything else is 404 `Resource not found` or 405 `Invalid method`.
 */
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { hold, unhold } from '../apps/hold.js';
import { eventTv } from '../clock/time-format.js';
import { isSimError, SimError, SimErrorCode } from '../errors.js';
import type { SimulatedAsterisk } from '../simulated-asterisk.js';

export interface AriOptions {
  /** Default 127.0.0.1 (http.conf `bindaddr`). */
  host?: string;
  /** 0 lets the OS pick (read `port`). */
  port: number;
  /** The ari.conf user and its password. */
  username: string;
  password: string;
  /** Let hold/unhold act on channels outside any Stasis application (real Asterisk: 409). */
  holdAnyChannel?: boolean;
}

export interface AriServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port`, what `hold.ariUrl` names. */
  readonly url: string;
  close(): Promise<void>;
}

const REALM = 'Basic realm="Asterisk REST Interface"';

interface AriReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const error = (status: number, message: string, headers?: Record<string, string>): AriReply => ({
  status,
  body: { message },
  ...(headers ? { headers } : {}),
});

export async function startAriServer(pbx: SimulatedAsterisk, options: AriOptions): Promise<AriServer> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer((req, res) => {
    let reply: AriReply;
    try {
      reply = handle(pbx, options, req);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      reply = isSimError(e, SimErrorCode.BadState) ? error(409, message) : error(500, message);
    }
    // The Date header tells the simulated Asterisk's clock, skew included.
    const headers: Record<string, string> = {
      date: new Date(pbx.world.asteriskNow()).toUTCString(),
      server: `Asterisk/${pbx.world.asteriskVersion}`,
      ...reply.headers,
    };
    // Requests are small and never read: drain them so keep-alive connections stay usable.
    req.resume();
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers).end();
      return;
    }
    const text = JSON.stringify(reply.body);
    res
      .writeHead(reply.status, {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(text)),
      })
      .end(text);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new SimError(SimErrorCode.Listen, `ARI port ${options.port}: ${e.message}`)));
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : options.port;
  return {
    host,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function authenticated(req: http.IncomingMessage, url: URL, options: AriOptions): boolean {
  let given: string | undefined;
  const header = req.headers.authorization ?? '';
  if (header.toLowerCase().startsWith('basic ')) given = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  else given = url.searchParams.get('api_key') ?? undefined;
  if (given === undefined) return false;
  const colon = given.indexOf(':');
  if (colon < 0) return false;
  return sameText(given.slice(0, colon), options.username) && sameText(given.slice(colon + 1), options.password);
}

function handle(pbx: SimulatedAsterisk, options: AriOptions, req: http.IncomingMessage): AriReply {
  const url = new URL(req.url ?? '/', 'http://ari');
  const method = req.method ?? 'GET';
  if (!authenticated(req, url, options)) return error(401, 'Authentication required', { 'www-authenticate': REALM });
  if (pbx.state !== 'running') return error(503, 'Asterisk is not running');
  const parts = url.pathname
    .split('/')
    .filter((p) => p !== '')
    .map((p) => decodeURIComponent(p));
  if (parts[0] !== 'ari') return error(404, 'Resource not found');
  if (parts[1] === 'asterisk' && parts[2] === 'info' && parts.length === 3) {
    return method === 'GET' ? { status: 200, body: asteriskInfo(pbx) } : error(405, 'Invalid method');
  }
  if (parts[1] === 'channels' && parts[3] === 'hold' && parts.length === 4) {
    if (method !== 'POST' && method !== 'DELETE') return error(405, 'Invalid method');
    const id = parts[2] ?? '';
    const world = pbx.world;
    const ch = world.channels.get(id) ?? world.channelByName(id);
    if (!ch) return error(404, 'Channel not found');
    if (!options.holdAnyChannel) return error(409, 'Channel not in Stasis application');
    if (method === 'POST') hold(world, ch);
    else unhold(world, ch);
    return { status: 204 };
  }
  return error(404, 'Resource not found');
}

/** The AsteriskInfo model of ARI (rest-api/api-docs/asterisk.json). */
function asteriskInfo(pbx: SimulatedAsterisk): unknown {
  const world = pbx.world;
  const offset = world.config.clockOffsetMs ?? 0;
  return {
    build: {
      os: 'Linux',
      kernel: '6.1.0',
      machine: 'x86_64',
      options: 'BUILD_NATIVE, OPTIONAL_API',
      date: '2026-11-27 15:45:35 UTC',
      user: 'root',
    },
    system: { version: world.asteriskVersion, entity_id: '02:42:ac:11:00:02' },
    config: { name: '', default_language: 'en', setid: { user: '', group: '' } },
    status: {
      startup_time: eventTv(world.bootedAt + offset),
      last_reload_time: eventTv(world.reloadedAt + offset),
    },
  };
}
