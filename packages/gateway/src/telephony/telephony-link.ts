/**
 * The thin I/O shell around the call engine: AMI events in (with their arrival time), domain
 * events out, and the resynchronisation after every (re)connect.
 *
 * After each login (a first start, a dropped connection, an Asterisk restart — recording 16:
 * `Shutdown`, TCP close, refused connects, a new banner and `FullyBooted Uptime: 0`) the link
 * asks for `CoreShowChannels` and `QueueStatus` and feeds both to the engine as one resync.
 * Events that arrive meanwhile are held back and applied after it, in order, so a snapshot is
 * never applied over newer news. Until the resync is done `connected` stays false.
 *
 * It also implements what the operator side needs from telephony (operators/telephony-port.ts):
 * queries on the engine state, actions sent through the same AMI client, and the gateway's own
 * facts for the engine (click-to-call requested or refused, hang-up asked by an operator).
 */
import {
  actions,
  AmiErrorCode,
  isAmiError,
  type AmiAction,
  type AmiClient,
  type AmiMessage,
  type AmiResult,
  type SendOptions,
} from '@callgate/ami';
import type { DomainEvent, OperatorStatus, SiteConfig, SiteLiveSnapshot } from '@callgate/contracts';
import {
  channelUniqueid,
  createEngineState,
  engineConfig,
  liveSnapshot,
  operatorCalls,
  operatorStatusOf,
  step,
  type EngineInput,
  type EngineState,
  type OperatorCallView,
  type OriginateRequestedInput,
} from '../engine/index.js';

/** The subset of a pino logger the link uses (fields first, then the message). */
export interface LinkLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface TelephonyLinkOptions {
  client: AmiClient;
  site: SiteConfig;
  /** Epoch milliseconds; injected so tests control time. */
  now?: () => number;
  logger?: LinkLogger;
  /** How long the resync may take before it is retried. Default 15 s. */
  resyncTimeoutMs?: number;
  /** Delay before retrying a failed resync on the same connection. Default 2 s. */
  resyncRetryMs?: number;
  /** Events held during a resync beyond which the connection is dropped and redone. Default 100 000. */
  maxHeldEvents?: number;
}

const silent: LinkLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export class TelephonyLink {
  readonly #client: AmiClient;
  readonly #now: () => number;
  readonly #log: LinkLogger;
  readonly #resyncTimeoutMs: number;
  readonly #resyncRetryMs: number;
  readonly #maxHeld: number;
  readonly #state: EngineState;
  readonly #eventListeners = new Set<(event: DomainEvent) => void>();
  readonly #connectionListeners = new Set<(connected: boolean) => void>();
  readonly #unsubscribe: Array<() => void> = [];
  /** Events that arrived while a resync was running, with their arrival times. */
  #held: Array<{ message: AmiMessage; at: number }> | undefined;
  #connected = false;
  /** Bumped on every (re)connect, so a late resync answer of an old connection is dropped. */
  #generation = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: TelephonyLinkOptions) {
    this.#client = options.client;
    this.#now = options.now ?? Date.now;
    this.#log = options.logger ?? silent;
    this.#resyncTimeoutMs = options.resyncTimeoutMs ?? 15_000;
    this.#resyncRetryMs = options.resyncRetryMs ?? 2_000;
    this.#maxHeld = options.maxHeldEvents ?? 100_000;
    this.#state = createEngineState(engineConfig(options.site), this.#now());
  }

  /** True once logged in to AMI and resynchronised: commands can be sent, state is current. */
  get connected(): boolean {
    return this.#connected;
  }

  /** The engine state, for the queries in ../engine (read only). */
  get state(): EngineState {
    return this.#state;
  }

  /** Subscribes to the AMI client and starts it (it reconnects by itself). */
  start(): void {
    if (this.#unsubscribe.length > 0) return;
    this.#stopped = false;
    this.#unsubscribe.push(
      this.#client.on('connected', () => this.#onLogin()),
      this.#client.on('state', (state) => {
        if (state === 'disconnected' || state === 'connecting' || state === 'stopped') this.#onLost();
      }),
      this.#client.on('event', (message) => this.#onEvent(message)),
    );
    this.#client.start();
  }

  /** Stops the AMI client; no more events are produced. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    for (const off of this.#unsubscribe.splice(0)) off();
    await this.#client.stop();
    this.#onLost();
  }

  // ---- queries (operators/telephony-port.ts) -------------------------------------------

  callsOf(operatorId: string): OperatorCallView[] {
    return operatorCalls(this.#state, operatorId);
  }

  status(operatorId: string): OperatorStatus | undefined {
    return operatorStatusOf(this.#state, operatorId, this.#now());
  }

  snapshot(): SiteLiveSnapshot {
    return liveSnapshot(this.#state, this.#now());
  }

  channelUniqueid(channelName: string): string | undefined {
    return channelUniqueid(this.#state, channelName);
  }

  // ---- commands --------------------------------------------------------------------------

  send(action: AmiAction, options?: SendOptions): Promise<AmiResult> {
    return this.#client.send(action, options);
  }

  nextActionId(): string {
    return this.#client.nextActionId();
  }

  originateRequested(request: Omit<OriginateRequestedInput, 'type'>): void {
    this.#feed({ type: 'originate-requested', ...request }, this.#now());
  }

  originateFailed(actionId: string, reason: string): void {
    this.#feed({ type: 'originate-failed', actionId, reason }, this.#now());
  }

  hangupRequested(callId: string, operatorId: string): void {
    this.#feed({ type: 'hangup-requested', callId, operatorId }, this.#now());
  }

  onDomainEvent(listener: (event: DomainEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.#connectionListeners.add(listener);
    return () => this.#connectionListeners.delete(listener);
  }

  // ---- the loop --------------------------------------------------------------------------

  #feed(input: EngineInput, at: number): void {
    let events: readonly DomainEvent[];
    try {
      events = step(this.#state, input, at).events;
    } catch (error) {
      // The engine is written never to throw on AMI data; if it does, one event is lost, not the gateway.
      this.#log.error({ err: error, input: input.type }, 'call engine failed on an input; it was skipped');
      return;
    }
    for (const event of events) {
      for (const listener of this.#eventListeners) {
        try {
          listener(event);
        } catch (error) {
          this.#log.error({ err: error, event: event.type }, 'domain event listener failed');
        }
      }
    }
  }

  #onEvent(message: AmiMessage): void {
    const at = this.#now();
    if (this.#held) {
      this.#held.push({ message, at });
      if (this.#held.length > this.#maxHeld) {
        this.#log.error({ held: this.#held.length }, 'too many AMI events during the resync; starting it again');
        this.#held = [];
        this.#scheduleResync(this.#generation, 0);
      }
      return;
    }
    if (!this.#state.amiConnected) return; // before the first resync: the snapshot will cover it
    this.#feed({ type: 'ami-event', message }, at);
  }

  #onLogin(): void {
    this.#generation++;
    this.#held = [];
    this.#scheduleResync(this.#generation, 0);
  }

  #onLost(): void {
    clearTimeout(this.#retryTimer);
    this.#held = undefined;
    const wasConnected = this.#connected || this.#state.amiConnected;
    this.#generation++;
    if (this.#state.amiConnected) this.#feed({ type: 'ami-disconnected' }, this.#now());
    if (this.#connected) {
      this.#connected = false;
      this.#notifyConnection(false);
    }
    if (!wasConnected) return;
    // A stop is asked for (SIGTERM): not a fault worth a warning in the operator's day log.
    if (this.#stopped) this.#log.info({}, 'AMI connection closed (stopping)');
    else this.#log.warn({}, 'AMI connection lost; calls in progress will be marked incomplete');
  }

  #scheduleResync(generation: number, delayMs: number): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      this.#resync(generation).catch((error: unknown) => {
        if (generation !== this.#generation || this.#stopped) return;
        this.#log.warn({ err: error }, 'AMI resync failed; retrying');
        this.#scheduleResync(generation, this.#resyncRetryMs);
      });
    }, delayMs);
  }

  async #resync(generation: number): Promise<void> {
    const options = { timeoutMs: this.#resyncTimeoutMs };
    const [channels, queues] = await Promise.all([
      this.#client.send(actions.coreShowChannels(), options),
      // Without QueueStatus (an AMI user without the right) calls still resync; memberships are
      // then learnt from the QueueMember* events as they come.
      this.#client.send(actions.queueStatus(), options).catch((error: unknown) => {
        if (!isAmiError(error, AmiErrorCode.ActionFailed)) throw error;
        this.#log.warn({ err: error }, 'QueueStatus refused; operator work states come from queue events only');
        return undefined;
      }),
    ]);
    if (generation !== this.#generation || this.#stopped) return;
    const held = this.#held ?? [];
    this.#held = undefined;
    const resyncAt = this.#now();
    this.#feed(
      queues
        ? { type: 'ami-resync', channels: channels.items, queueStatus: queues.items }
        : { type: 'ami-resync', channels: channels.items },
      resyncAt,
    );
    // Held events are applied after the snapshot; their clock must not run backwards past it.
    for (const { message, at } of held) this.#feed({ type: 'ami-event', message }, Math.max(at, resyncAt));
    this.#log.info(
      { channels: channels.items.length, queueItems: queues?.items.length ?? 0, heldEvents: held.length },
      'AMI resynchronised',
    );
    if (!this.#connected) {
      this.#connected = true;
      this.#notifyConnection(true);
    }
  }

  #notifyConnection(connected: boolean): void {
    for (const listener of this.#connectionListeners) {
      try {
        listener(connected);
      } catch (error) {
        this.#log.error({ err: error }, 'connection listener failed');
      }
    }
  }
}
