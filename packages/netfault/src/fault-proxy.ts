/**
 * A TCP proxy that behaves like a bad WAN, for tests and benchmarks. Everything is real TCP:
 * the endpoints see exactly what they would see on a broken network.
 *
 * - latency: every chunk is delivered `ms ± jitter` later, in order (per direction);
 * - blackhole: nothing gets through, in either direction, and nobody is told — data, FINs and
 *   RSTs wait, as TCP retransmissions would, and are delivered when the blackhole ends (if the
 *   endpoints have not given up by then). New connections are accepted but reach the target
 *   only once it ends, so a client sees a handshake that hangs;
 * - refuse: new connections are reset at once (the target's port looks closed);
 * - reset: every open connection gets an RST on both sides;
 * - drop: every open connection gets a FIN on both sides (a middlebox closing it);
 * - half-open: connections whose traffic silently vanishes from now on, in one direction or
 *   both, while each endpoint still believes the connection is open (a NAT or firewall that
 *   forgot the flow; a peer that died without a FIN). Only a heartbeat detects it.
 *
 * The proxy holds per-direction queues in memory; a source is paused while more than
 * `maxQueuedBytes` wait, so a fast sender behind a slow or blocked link sees back-pressure.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface FaultProxyOptions {
  target: { host: string; port: number };
  host?: string;
  /** 0 (default) lets the OS choose. */
  port?: number;
  /** Randomness for latency jitter (seeded in chaos runs). */
  random?: () => number;
  maxQueuedBytes?: number;
}

export type HalfOpenDirection = 'both' | 'to-target' | 'to-client';

export interface FaultProxyStats {
  accepted: number;
  refused: number;
  resets: number;
  drops: number;
  halfOpened: number;
  bytesToTarget: number;
  bytesToClient: number;
}

export interface FaultProxy {
  readonly host: string;
  readonly port: number;
  /** Open proxied connections. */
  readonly connections: number;
  readonly stats: FaultProxyStats;
  setLatency(ms: number, jitterMs?: number): void;
  setBlackhole(on: boolean): void;
  setRefuse(on: boolean): void;
  /** New connections go to this target from now on (a restarted server on another port). */
  retarget(target: { host: string; port: number }): void;
  resetAll(): number;
  dropAll(): number;
  halfOpenAll(direction?: HalfOpenDirection): number;
  /** Back to a healthy link: no latency, no blackhole, no refusing (open connections stay as they are). */
  heal(): void;
  close(): Promise<void>;
}

type Item = { kind: 'data'; chunk: Buffer } | { kind: 'end' } | { kind: 'reset' };

/** One direction of one connection: source → queue → destination. */
class Flow {
  private readonly queue: { at: number; item: Item }[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastAt = 0;
  /** Half-open in this direction: everything vanishes. */
  dead = false;
  finished = false;

  constructor(
    private readonly proxy: ProxyState,
    private readonly source: () => net.Socket | undefined,
    private readonly destination: () => net.Socket | undefined,
    private readonly onBytes: (n: number) => void,
  ) {}

  push(item: Item): void {
    if (this.dead || this.finished) return;
    const delay = this.proxy.latencyMs + (this.proxy.jitterMs > 0 ? this.proxy.random() * this.proxy.jitterMs : 0);
    const at = Math.max(Date.now() + delay, this.lastAt);
    this.lastAt = at;
    if (item.kind === 'data') {
      this.queuedBytes += item.chunk.length;
      if (this.queuedBytes > this.proxy.maxQueuedBytes) this.source()?.pause();
    }
    this.queue.push({ at, item });
    this.pump();
  }

  pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.dead) {
      this.queue.length = 0;
      this.queuedBytes = 0;
      this.source()?.resume();
      return;
    }
    const dest = this.destination();
    if (this.proxy.blackhole || dest === undefined || dest.connecting) return;
    const now = Date.now();
    while (this.queue.length > 0) {
      const head = this.queue[0];
      if (!head) break;
      if (head.at > now) {
        this.timer = setTimeout(() => this.pump(), head.at - now);
        return;
      }
      this.queue.shift();
      const { item } = head;
      if (item.kind === 'data') {
        this.queuedBytes -= item.chunk.length;
        this.onBytes(item.chunk.length);
        if (!dest.destroyed) dest.write(item.chunk);
      } else if (item.kind === 'end') {
        this.finished = true;
        if (!dest.destroyed) dest.end();
      } else {
        this.finished = true;
        if (!dest.destroyed) dest.resetAndDestroy();
      }
    }
    const source = this.source();
    if (source && this.queuedBytes <= this.proxy.maxQueuedBytes / 2 && source.isPaused()) source.resume();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    this.queuedBytes = 0;
  }
}

interface ProxyState {
  latencyMs: number;
  jitterMs: number;
  blackhole: boolean;
  refuse: boolean;
  random: () => number;
  maxQueuedBytes: number;
}

class Pipe {
  upstream: net.Socket | undefined;
  readonly toTarget: Flow;
  readonly toClient: Flow;
  private closed = false;

  constructor(
    readonly client: net.Socket,
    private readonly state: ProxyState,
    private readonly target: () => { host: string; port: number },
    stats: FaultProxyStats,
    private readonly onClosed: (pipe: Pipe) => void,
  ) {
    this.toTarget = new Flow(
      state,
      () => client,
      () => this.upstream,
      (n) => (stats.bytesToTarget += n),
    );
    this.toClient = new Flow(
      state,
      () => this.upstream,
      () => client,
      (n) => (stats.bytesToClient += n),
    );
    client.on('data', (chunk) => this.toTarget.push({ kind: 'data', chunk }));
    client.on('end', () => this.toTarget.push({ kind: 'end' }));
    client.on('error', () => this.toTarget.push({ kind: 'reset' }));
    client.on('close', () => this.maybeClosed());
    if (!state.blackhole) this.connectUpstream();
  }

  /** Connects to the target (deferred while blackholed: the SYN is lost too). */
  connectUpstream(): void {
    if (this.upstream || this.closed || this.client.destroyed) return;
    const upstream = net.connect(this.target());
    this.upstream = upstream;
    upstream.setNoDelay(true);
    upstream.on('connect', () => this.toTarget.pump());
    upstream.on('data', (chunk) => this.toClient.push({ kind: 'data', chunk }));
    upstream.on('end', () => this.toClient.push({ kind: 'end' }));
    upstream.on('error', () => this.toClient.push({ kind: 'reset' }));
    upstream.on('close', () => this.maybeClosed());
  }

  kick(): void {
    if (!this.state.blackhole) this.connectUpstream();
    this.toTarget.pump();
    this.toClient.pump();
  }

  reset(): void {
    this.toTarget.stop();
    this.toClient.stop();
    if (!this.client.destroyed) this.client.resetAndDestroy();
    if (this.upstream && !this.upstream.destroyed) this.upstream.resetAndDestroy();
  }

  drop(): void {
    this.toTarget.stop();
    this.toClient.stop();
    this.client.end();
    this.upstream?.end();
    // A peer that ignores the FIN is cut after a moment.
    setTimeout(() => {
      this.client.destroy();
      this.upstream?.destroy();
    }, 1000).unref();
  }

  halfOpen(direction: HalfOpenDirection): void {
    if (direction !== 'to-client') this.toTarget.dead = true;
    if (direction !== 'to-target') this.toClient.dead = true;
    this.toTarget.pump();
    this.toClient.pump();
  }

  destroy(): void {
    this.toTarget.stop();
    this.toClient.stop();
    this.client.destroy();
    this.upstream?.destroy();
  }

  /**
   * Forgotten once both sockets are gone. A close on one side travels to the other through the
   * flow's queue (an `end` or `reset` item); in a dead (half-open) direction it vanishes, and the
   * other side stays open until its own heartbeat gives up.
   */
  private maybeClosed(): void {
    if (this.closed) return;
    if (!this.client.destroyed || (this.upstream !== undefined && !this.upstream.destroyed)) return;
    this.closed = true;
    this.toTarget.stop();
    this.toClient.stop();
    this.onClosed(this);
  }
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const state: ProxyState = {
    latencyMs: 0,
    jitterMs: 0,
    blackhole: false,
    refuse: false,
    random: options.random ?? Math.random,
    maxQueuedBytes: options.maxQueuedBytes ?? 4 * 1024 * 1024,
  };
  const stats: FaultProxyStats = {
    accepted: 0,
    refused: 0,
    resets: 0,
    drops: 0,
    halfOpened: 0,
    bytesToTarget: 0,
    bytesToClient: 0,
  };
  const pipes = new Set<Pipe>();
  let target = options.target;
  const server = net.createServer((client) => {
    client.setNoDelay(true);
    if (state.refuse) {
      stats.refused += 1;
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    stats.accepted += 1;
    pipes.add(
      new Pipe(
        client,
        state,
        () => target,
        stats,
        (p) => pipes.delete(p),
      ),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const kickAll = (): void => {
    for (const p of pipes) p.kick();
  };
  return {
    host: address.address,
    port: address.port,
    stats,
    get connections() {
      return pipes.size;
    },
    setLatency(ms, jitterMs = 0) {
      state.latencyMs = Math.max(0, ms);
      state.jitterMs = Math.max(0, jitterMs);
    },
    setBlackhole(on) {
      state.blackhole = on;
      if (!on) kickAll();
    },
    setRefuse(on) {
      state.refuse = on;
    },
    retarget(next) {
      target = next;
    },
    resetAll() {
      const n = pipes.size;
      stats.resets += n;
      for (const p of [...pipes]) {
        p.reset();
        pipes.delete(p);
      }
      return n;
    },
    dropAll() {
      const n = pipes.size;
      stats.drops += n;
      for (const p of [...pipes]) {
        p.drop();
        pipes.delete(p);
      }
      return n;
    },
    halfOpenAll(direction = 'both') {
      stats.halfOpened += pipes.size;
      for (const p of pipes) p.halfOpen(direction);
      return pipes.size;
    },
    heal() {
      state.latencyMs = 0;
      state.jitterMs = 0;
      state.refuse = false;
      if (state.blackhole) {
        state.blackhole = false;
        kickAll();
      }
    },
    async close() {
      for (const p of pipes) p.destroy();
      pipes.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
