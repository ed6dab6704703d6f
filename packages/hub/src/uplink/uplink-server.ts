/**
 * The hub's uplink endpoint (docs/uplink.md): every site gateway's WebSocket, one link per
 * site. It authenticates sites, feeds records to ingest and live traffic to the live view,
 * keeps each site's delivery health (outbox depth, oldest undelivered record, delivery rate,
 * link state) for metrics and supervisors, pushes config (directory, token keys, credential
 * verifiers) down each link, and carries hub commands to sites.
 *
 * Framework-free: `accept(ws, request)` takes any `ws` WebSocket, so it plugs into the hub's
 * Fastify server (@fastify/websocket route at UPLINK_WS_PATH) or a bare node:http server.
 */
import type { IncomingMessage } from 'node:http';
import type { Registry } from 'prom-client';
import type WebSocket from 'ws';
import {
  UplinkCloseCode,
  UplinkErrorCode,
  type ConfigKind,
  type HubCommand,
  type HubCommandReply,
  type UplinkConfig,
  type UplinkHello,
  type UplinkSiteStatus,
} from '@callgate/contracts';
import { configVersion } from './config-version.js';
import { HubCommands, type SendCommandOptions } from './hub-commands.js';
import { UplinkConnection, type ConnectionOwner, type UplinkSettings } from './uplink-connection.js';
import type { UplinkHubPort } from './uplink-hub-port.js';
import { HubUplinkMetrics, type SiteUplinkView } from './uplink-metrics.js';

/** The logging the uplink does: pino's interface (the hub's logger, or Fastify's, which is the same pino). */
export interface UplinkLogger {
  child(bindings: Record<string, unknown>): UplinkLogger;
  trace(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface UplinkServerOptions {
  port: UplinkHubPort;
  logger: UplinkLogger;
  registry: Registry;
  now?: () => number;
  /** Gateways ping this often; a link silent for 3 intervals is closed (default 5 s). */
  heartbeatSeconds?: number;
  /**
   * Records stored per transaction (default: 32 on SQLite, 256 on PostgreSQL). Larger is faster
   * (fewer commits); smaller keeps live events moving on SQLite, where a transaction holds the
   * event loop.
   */
  ingestChunk?: number;
  /** Records a gateway may have in flight (default 1024). */
  window?: number;
  /** How often gateways report their outbox (default 5 s). */
  statusSeconds?: number;
  /** Time to answer the challenge (default 10 s). */
  helloTimeoutMs?: number;
  /** How often the token key set is checked for changes to push (default 60 s). */
  keysCheckMs?: number;
  /**
   * Connections still authenticating at once (default 256); more are refused with 1013 (try
   * again later), so a flood of unauthenticated sockets cannot hold much memory.
   */
  maxPendingConnections?: number;
}

export interface SiteUplinkState extends SiteUplinkView {
  site: string;
  /** When the current link was authenticated, or null while down. */
  linkedSince: string | null;
}

export interface UplinkServer {
  /** Takes a new WebSocket on UPLINK_WS_PATH. */
  accept(ws: WebSocket, request: IncomingMessage): void;
  /** Sends a command to a site's gateway; resolves with its final reply (never rejects). */
  sendCommand(site: string, command: HubCommand, options?: SendCommandOptions): Promise<HubCommandReply>;
  /** Delivery health of every site that has connected since the hub started. */
  sites(): SiteUplinkState[];
  site(site: string): SiteUplinkState | undefined;
  /** Listens for status reports (the live view shows them to supervisors). */
  onStatus(listener: (site: string, status: UplinkSiteStatus, linked: boolean) => void): () => void;
  readonly metrics: HubUplinkMetrics;
  /** Stops accepting, finishes ingesting what was received, closes every link (1001). */
  close(): Promise<void>;
}

interface SiteEntry {
  connection: UplinkConnection | undefined;
  linkedAt: number | undefined;
  status: UplinkSiteStatus | undefined;
}

/** A refused connection is audited at most this often per site and address (a misconfigured gateway retries forever). */
const AUDIT_INTERVAL_MS = 10 * 60_000;

export function createUplinkServer(options: UplinkServerOptions): UplinkServer {
  const now = options.now ?? Date.now;
  const port = options.port;
  const log = options.logger.child({ component: 'uplink' });
  const settings: UplinkSettings = {
    heartbeatSeconds: options.heartbeatSeconds ?? 5,
    window: options.window ?? 1024,
    statusSeconds: options.statusSeconds ?? 5,
    helloTimeoutMs: options.helloTimeoutMs ?? 10_000,
    maxProtocolErrors: 20,
    ingestChunk: options.ingestChunk ?? port.ingestChunk,
  };
  const siteEntries = new Map<string, SiteEntry>();
  const connections = new Set<UplinkConnection>();
  const statusListeners = new Set<(site: string, status: UplinkSiteStatus, linked: boolean) => void>();
  const lastAudit = new Map<string, number>();
  let closing = false;

  const views = (): ReadonlyMap<string, SiteUplinkView> => {
    const out = new Map<string, SiteUplinkView>();
    for (const [site, e] of siteEntries) out.set(site, { linked: e.connection !== undefined, status: e.status });
    return out;
  };
  const metrics = new HubUplinkMetrics(options.registry, views, now);

  const entry = (site: string): SiteEntry => {
    let e = siteEntries.get(site);
    if (!e) {
      e = { connection: undefined, linkedAt: undefined, status: undefined };
      siteEntries.set(site, e);
    }
    return e;
  };

  const commands = new HubCommands(
    {
      send(site, message) {
        const conn = siteEntries.get(site)?.connection;
        if (!conn) return false;
        conn.send(message);
        return true;
      },
    },
    now,
  );

  // ---- config pushes --------------------------------------------------------------------

  const loaders: Record<ConfigKind, (site: string) => Promise<UplinkConfig>> = {
    async directory(site) {
      const directory = await port.siteDirectory(site);
      return { type: 'config', kind: 'directory', version: configVersion(directory), directory };
    },
    async keys() {
      const jwks = await port.jwks();
      return { type: 'config', kind: 'keys', version: configVersion(jwks), jwks };
    },
    async verifiers(site) {
      const verifiers = await port.credentialVerifiers(site);
      return { type: 'config', kind: 'verifiers', version: configVersion(verifiers), verifiers };
    },
  };

  /** Sends the site's current config of `kind` unless the gateway already has that version. */
  const push = async (conn: UplinkConnection, kind: ConfigKind): Promise<void> => {
    const site = conn.site;
    if (site === undefined) return;
    try {
      const message = await loaders[kind](site);
      if (conn.state !== 'linked' || conn.configVersions[kind] === message.version) return;
      conn.sendConfig(message);
      log.info({ site, kind, version: message.version }, 'config pushed to site');
    } catch (error) {
      log.error({ site, kind, err: error }, 'cannot build a config push; the site keeps its current one');
    }
  };
  const pushToSite = (site: string, kind: ConfigKind): void => {
    const conn = siteEntries.get(site)?.connection;
    if (conn) void push(conn, kind);
  };
  const pushToAll = (kind: ConfigKind): void => {
    for (const e of siteEntries.values()) if (e.connection) void push(e.connection, kind);
  };

  const unsubscribe = [
    port.on('directory-changed', ({ site }) => (site === '*' ? pushToAll('directory') : pushToSite(site, 'directory'))),
    port.on('verifiers-changed', ({ site }) => (site === '*' ? pushToAll('verifiers') : pushToSite(site, 'verifiers'))),
    port.on('site-credential-rotated', ({ site }) => {
      const conn = siteEntries.get(site)?.connection;
      if (!conn) return;
      log.warn({ site }, 'site credential rotated: closing the link that used the old one');
      conn.close(UplinkCloseCode.CredentialRotated, UplinkErrorCode.CredentialRotated);
    }),
  ];
  // Keys rotate on the hub's own schedule (and are published ahead of use): check, push if new.
  const keysTimer = setInterval(() => pushToAll('keys'), options.keysCheckMs ?? 60_000);
  keysTimer.unref();

  // ---- connections ------------------------------------------------------------------------

  const owner: ConnectionOwner = {
    linked(conn: UplinkConnection, hello: UplinkHello) {
      if (closing) {
        conn.close(1001, 'hub shutting down');
        return;
      }
      const e = entry(hello.site);
      const previous = e.connection;
      if (previous && previous !== conn) {
        log.warn(
          { site: hello.site, previous: previous.id, previousAddress: previous.address, address: conn.address },
          'a new uplink for the site replaces the old one (a reconnect, or two gateways with one credential)',
        );
        previous.close(UplinkCloseCode.Superseded, UplinkErrorCode.Superseded);
      }
      e.connection = conn;
      e.linkedAt = now();
      metrics.connections.inc();
      port.setSiteLinked(hello.site, true);
      conn.welcome();
      for (const kind of ['keys', 'directory', 'verifiers'] as const) void push(conn, kind);
      commands.relinked(hello.site);
    },
    closed(conn: UplinkConnection, code: number) {
      connections.delete(conn);
      const site = conn.site;
      if (site === undefined) return;
      const e = siteEntries.get(site);
      if (e?.connection !== conn) return; // an older, superseded link
      e.connection = undefined;
      e.linkedAt = undefined;
      port.setSiteLinked(site, false);
      // A gateway that stops says so (1000) and a stopping hub closes its links itself: neither
      // is a WAN fault worth a warning.
      if (closing || code === 1000) log.info({ site, code }, 'uplink closed');
      else log.warn({ site, code }, 'uplink down');
      if (e.status) for (const l of statusListeners) l(site, e.status, false);
    },
    status(conn: UplinkConnection, status: UplinkSiteStatus) {
      const site = conn.site;
      if (site === undefined) return;
      const e = entry(site);
      if (e.connection !== conn) return;
      e.status = status;
      port.reportUplinkStatus(site, status);
      for (const l of statusListeners) l(site, status, true);
    },
    configAcked(conn, kind, version, applied) {
      if (applied) conn.configVersions[kind] = version;
    },
    commandReply(conn, reply) {
      const site = conn.site;
      if (site === undefined) return;
      if (!commands.onReply(site, reply)) {
        log.debug({ site, commandId: reply.commandId }, 'reply to a command not waiting (late or foreign); ignored');
      }
    },
    refused(site, address, reason) {
      log.warn({ claimedSite: site, address, reason }, 'uplink connection refused');
      const key = `${site ?? '?'}|${address}|${reason}`;
      const last = lastAudit.get(key);
      if (last !== undefined && now() - last < AUDIT_INTERVAL_MS) return;
      lastAudit.set(key, now());
      if (lastAudit.size > 10_000) lastAudit.clear();
      port
        .auditRefused(site ?? '?', { address, reason })
        .catch((error: unknown) => log.error({ err: error }, 'cannot audit a refused uplink'));
    },
  };

  const siteState = (site: string): SiteUplinkState | undefined => {
    const e = siteEntries.get(site);
    if (!e) return undefined;
    return {
      site,
      linked: e.connection !== undefined,
      linkedSince: e.linkedAt === undefined ? null : new Date(e.linkedAt).toISOString(),
      status: e.status,
    };
  };

  return {
    metrics,
    accept(ws, request) {
      const address = request.socket.remoteAddress ?? '';
      if (closing) {
        ws.close(1001, 'hub shutting down');
        return;
      }
      let pending = 0;
      for (const c of connections) if (c.state === 'challenged' || c.state === 'verifying') pending += 1;
      if (pending >= (options.maxPendingConnections ?? 256)) {
        metrics.refused.inc({ reason: UplinkErrorCode.HubUnavailable });
        ws.close(1013, UplinkErrorCode.HubUnavailable);
        return;
      }
      const conn = new UplinkConnection(ws, address, port, owner, settings, metrics, log, now, request.socket);
      connections.add(conn);
      ws.once('close', () => connections.delete(conn));
    },
    sendCommand: (site, command, sendOptions) => commands.send(site, command, sendOptions),
    sites: () => [...siteEntries.keys()].sort().flatMap((site) => siteState(site) ?? []),
    site: siteState,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    async close() {
      closing = true;
      clearInterval(keysTimer);
      for (const u of unsubscribe) u();
      commands.close();
      const open = [...connections];
      // Records already received are committed and acked before the link closes.
      await Promise.race([
        Promise.all(open.map((c) => c.drained())),
        new Promise((resolve) => setTimeout(resolve, 5000).unref()),
      ]);
      await Promise.all(
        open.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.state === 'closed') return resolve();
              c.onceClosed(resolve);
              c.close(1001, 'hub shutting down');
            }),
        ),
      );
    },
  };
}
