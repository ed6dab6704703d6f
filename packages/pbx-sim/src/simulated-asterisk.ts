/**
 * One simulated Asterisk: the world, its AMI listener, and the process-level behaviour —
 * restart (16: calls hung up with Cause 4, `Shutdown`, connection closed, connects refused,
 * then a fresh boot with counters reset) and dropped connections.
 */
import type { Scheduler } from './clock/scheduler.js';
import { dispatch } from './ami/dispatcher.js';
import { AmiServer } from './ami/ami-server.js';
import type { AmiUser } from './ami/ami-users.js';
import { DialCall } from './apps/dial.js';
import { QueueCall } from './apps/queue-call.js';
import { SimError, SimErrorCode } from './errors.js';
import type { Channel } from './model/channel.js';
import { event, type SimEvent } from './model/sim-event.js';
import { World } from './model/world.js';
import type { WorldConfig } from './model/world-config.js';

export interface SimulatedAsteriskOptions {
  world: WorldConfig;
  users: AmiUser[];
  host: string;
  port: number;
  scheduler: Scheduler;
  seed: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export type PbxState = 'running' | 'shutting-down' | 'down' | 'stopped';

export class SimulatedAsterisk {
  readonly world: World;
  readonly server: AmiServer;
  readonly users: AmiUser[];
  readonly scheduler: Scheduler;
  /** Dialplan globals (Setvar/Getvar without Channel). */
  readonly globals = new Map<string, string>();
  #state: PbxState = 'running';
  readonly #taps = new Set<(e: SimEvent) => void>();
  readonly #log: (message: string, fields?: Record<string, unknown>) => void;
  #restarting: Promise<void> | undefined;

  private constructor(options: SimulatedAsteriskOptions) {
    this.users = options.users;
    this.scheduler = options.scheduler;
    this.#log = options.log ?? (() => undefined);
    this.world = new World({
      config: options.world,
      scheduler: options.scheduler,
      seed: options.seed,
      emit: (e) => this.emitEvent(e),
      onError: (error) =>
        this.#log('simulator step failed', {
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
    });
    this.server = new AmiServer({
      host: options.host,
      port: options.port,
      banner: () => this.world.flavour.banner,
      handle: (session, message) => dispatch(this, session, message),
      onSessionClosed: (session) => {
        if (session.dropReason)
          this.#log('AMI client disconnected', { session: session.id, reason: session.dropReason });
      },
      log: (message, fields) => this.#log(message, fields),
      now: () => this.now(),
    });
  }

  static async start(options: SimulatedAsteriskOptions): Promise<SimulatedAsterisk> {
    const pbx = new SimulatedAsterisk(options);
    await pbx.server.listen();
    return pbx;
  }

  get state(): PbxState {
    return this.#state;
  }

  get port(): number {
    return this.server.port;
  }

  now(): number {
    return this.scheduler.now();
  }

  log(message: string, fields?: Record<string, unknown>): void {
    this.#log(message, fields);
  }

  /** Every event goes to the AMI sessions that read it, and to taps (control API, traces). */
  emitEvent(e: SimEvent): void {
    this.server.broadcast(e);
    for (const tap of this.#taps) {
      try {
        tap(e);
      } catch (error) {
        this.#log('event listener failed', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  tap(fn: (e: SimEvent) => void): () => void {
    this.#taps.add(fn);
    return () => this.#taps.delete(fn);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.scheduler.setTimer(ms, resolve));
  }

  /** Closes every AMI connection at once (a network cut, or the process dying). */
  dropConnections(): void {
    this.server.dropAll();
  }

  /**
   * `core restart now`: calls end (SoftHangupRequest Cause 4), `Shutdown` follows after
   * `timing.shutdownAfterMs`, the server closes every connection and refuses new ones for
   * `timing.restartDownMs`, then boots fresh (Uptime 0, Uniqueid and channel counters at 0).
   * Resolves when the listener accepts connections again.
   */
  restart(): Promise<void> {
    if (this.#restarting) return this.#restarting;
    if (this.#state !== 'running') return Promise.reject(new SimError(SimErrorCode.Stopped, 'not running'));
    this.#state = 'shutting-down';
    this.#restarting = this.#doRestart().finally(() => {
      this.#restarting = undefined;
    });
    return this.#restarting;
  }

  async #doRestart(): Promise<void> {
    const timing = this.world.config.timing;
    this.hangupEverything();
    await this.sleep(timing.shutdownAfterMs);
    if (this.#state === 'stopped') return;
    this.emitEvent(event('Shutdown', 'system', ['Shutdown', 'Cleanly', 'Restart', 'True']));
    this.server.endAll();
    // A client that never closes its side must not hold the restart: cut it after a moment.
    const cut = setTimeout(() => this.server.dropAll(), 200);
    await this.server.stopListening();
    clearTimeout(cut);
    this.#state = 'down';
    this.scheduler.cancelAll();
    await this.#sleepReal(timing.restartDownMs);
    if (this.#isStopped()) return;
    this.world.reset();
    this.globals.clear();
    await this.server.listen();
    this.#state = 'running';
  }

  #isStopped(): boolean {
    return this.#state === 'stopped';
  }

  /** The scheduler's timers were cancelled; wait on a fresh one. */
  #sleepReal(ms: number): Promise<void> {
    return new Promise((resolve) => this.scheduler.setTimer(ms, resolve));
  }

  /** Ends every call the way a shutdown does (16). */
  hangupEverything(): void {
    const done = new Set<unknown>();
    for (const ch of [...this.world.channels.values()]) {
      if (ch.hungUp) continue;
      const owner = ch.owner;
      if ((owner instanceof QueueCall || owner instanceof DialCall) && !done.has(owner)) {
        done.add(owner);
        owner.shutdown();
        continue;
      }
      if (!ch.hungUp) this.#forceHangup(ch);
    }
  }

  #forceHangup(ch: Channel): void {
    this.world.softHangupRequest(ch, 4);
    this.world.destroyChannel(ch, 16);
  }

  async stop(): Promise<void> {
    this.#state = 'stopped';
    this.scheduler.cancelAll();
    await this.server.close();
  }
}
