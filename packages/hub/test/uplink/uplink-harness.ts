/**
 * A real hub core (real database) with the uplink endpoint on a real HTTP server, and a
 * scriptable gateway-side socket that speaks the uplink protocol frame by frame, so tests can
 * also send what a well-behaved gateway never would (forged proofs, replays, junk).
 */
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import WebSocket, { WebSocketServer } from 'ws';
import {
  parseHubConfig,
  uplinkProofInput,
  UPLINK_PROTOCOL_VERSION,
  UPLINK_WS_PATH,
  type CallRecord,
  type UplinkClientMessage,
  type UplinkServerMessage,
} from '@callgate/contracts';
import { HubCore } from '../../src/hub-core.js';
import type { Engine } from '../../src/db/open-database.js';
import {
  createUplinkServer,
  hubCorePort,
  type UplinkServer,
  type UplinkServerOptions,
} from '../../src/uplink/index.js';
import { openTestDatabase } from '../support/engines.js';

export interface Harness {
  core: HubCore;
  uplink: UplinkServer;
  url: string;
  /** Creates a site and returns its credential. */
  addSite(id: string): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(engine: Engine, options: Partial<UplinkServerOptions> = {}): Promise<Harness> {
  const database = await openTestDatabase(engine);
  const config = parseHubConfig({});
  if (!config.ok) throw config.error;
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const core = new HubCore(database, { config: config.value, logger, passwordCost: { log2N: 4, r: 1, p: 1 } });
  await core.start();
  const uplink = createUplinkServer({
    port: hubCorePort(core),
    logger,
    registry: core.metrics.registry,
    heartbeatSeconds: 1,
    statusSeconds: 1,
    ...options,
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => {
    if (req.url !== UPLINK_WS_PATH) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => uplink.accept(ws, req));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${UPLINK_WS_PATH}`;
  return {
    core,
    uplink,
    url,
    async addSite(id) {
      await core.sites.create('system', { id, name: id, gatewayUrl: `http://${id}.example:8081` });
      return (await core.sites.issueCredential('system', id)).credential;
    },
    async close() {
      await uplink.close();
      for (const ws of wss.clients) ws.terminate();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await core.stop();
      await database.close();
    },
  };
}

/** HMAC proof for a `cgs1.<site>.<secret>` credential, claiming `site`. */
export function proofFor(credential: string, site: string, nonce: string): string {
  const secret = credential.slice(credential.lastIndexOf('.') + 1);
  const key = createHash('sha256').update(secret).digest();
  return createHmac('sha256', key).update(uplinkProofInput(site, nonce)).digest('base64url');
}

/** One gateway-side socket: every frame the hub sends is queued for `next`. */
export class TestGateway {
  readonly received: UplinkServerMessage[] = [];
  private waiters: (() => void)[] = [];
  closed: { code: number; reason: string } | undefined;
  private readonly closedPromise: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.received.push(JSON.parse((data as Buffer).toString('utf8')) as UplinkServerMessage);
      this.wake();
    });
    this.closedPromise = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.closed = { code, reason: reason.toString() };
        this.wake();
        resolve(this.closed);
      }),
    );
    ws.on('error', () => undefined);
  }

  static async open(url: string): Promise<TestGateway> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const gw = new TestGateway(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return gw;
  }

  /** Opens, answers the challenge for `site` with `credential`, and waits for the welcome. */
  static async link(url: string, site: string, credential: string): Promise<TestGateway> {
    const gw = await TestGateway.open(url);
    const challenge = await gw.next('challenge');
    gw.send({
      type: 'hello',
      v: UPLINK_PROTOCOL_VERSION,
      site,
      nonce: challenge.nonce,
      proof: proofFor(credential, site, challenge.nonce),
      agent: 'test',
      configVersions: {},
    });
    await gw.next('welcome');
    return gw;
  }

  send(message: UplinkClientMessage): void {
    this.ws.send(JSON.stringify(message));
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  sendRecords(entries: { seq: number; record: unknown; recordId?: string }[]): void {
    this.send({
      type: 'records',
      records: entries.map((e) => ({
        seq: e.seq,
        recordId: e.recordId ?? (e.record as CallRecord).recordId,
        record: e.record,
      })),
    });
  }

  /** The next message of `type` (earlier ones of other types are skipped, not lost). */
  async next<T extends UplinkServerMessage['type']>(
    type: T,
    timeoutMs = 5000,
  ): Promise<Extract<UplinkServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.received.findIndex((m) => m.type === type);
      if (i >= 0) return this.received.splice(i, 1)[0] as Extract<UplinkServerMessage, { type: T }>;
      if (this.closed) throw new Error(`closed (${this.closed.code} ${this.closed.reason}) while waiting for ${type}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits for acks covering `count` records. */
  async acks(count: number): Promise<Extract<UplinkServerMessage, { type: 'acks' }>['acks']> {
    const out: Extract<UplinkServerMessage, { type: 'acks' }>['acks'] = [];
    while (out.length < count) out.push(...(await this.next('acks')).acks);
    return out;
  }

  whenClosed(): Promise<{ code: number; reason: string }> {
    return this.closedPromise;
  }

  close(): void {
    this.ws.terminate();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
