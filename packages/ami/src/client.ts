/**
 * AMI client over TCP (optionally TLS): login, ActionID correlation, EventList collection,
 * timeouts, keepalive, reconnect. It knows sockets and actions, never calls.
 *
 * Promises this client keeps:
 * - every action settles: with its response, or with a typed `AmiError` on timeout,
 *   disconnect or stop — nothing hangs;
 * - actions are never queued across a reconnect: an action sent while disconnected fails at
 *   once with `AMI_ERR_NOT_CONNECTED` (a click-to-call replayed minutes late is worse than
 *   a clear failure);
 * - memory is bounded: the parser caps message size, in-flight actions and unwritten bytes
 *   are capped, and `events()` pauses the socket when its consumer falls behind.
 *
 * Asterisk behaviour relied on (fixtures/ami): the banner comes first and alone; the ActionID
 * is echoed in the response, in every EventList item and in the `…Complete` event;
 * `OriginateResponse` is an event carrying the Originate's ActionID; `FullyBooted` follows a
 * successful login when the user can read `system`; a failed login is answered after about
 * a second and the server then closes; the server may accept TCP and close without a banner
 * while it shuts down.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { actions, type AmiFilter } from './actions.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { AmiError, AmiErrorCode } from './errors.js';
import { Listeners } from './listeners.js';
import type { AmiMessage } from './message.js';
import { AmiParser, DEFAULT_MAX_MESSAGE_BYTES } from './parser.js';
import { serializeAction, type AmiAction } from './serializer.js';

export type AmiConnectionState = 'connecting' | 'connected' | 'booted' | 'disconnected' | 'stopped';

export interface AmiClientOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** `true` or TLS options to connect with TLS (Asterisk `tlsenable=yes`, port 5039). */
  tls?: boolean | tls.ConnectionOptions;
  /** `md5` (challenge/response, the secret never crosses the wire) or `plain`. Default md5. */
  auth?: 'md5' | 'plain';
  /** The Login `Events` mask: `on`, `off`, or classes such as `call,agent,system`. Default `on`. */
  events?: string;
  /**
   * Filters sent right after login (`Action: Filter`, Operation Add; the AMI user needs `write`
   * permission `system`). A string is a legacy regex filter (`!Event: RTCPSent`); an object
   * may carry Asterisk 20.x/22's `MatchCriteria` (`name(VarSet),action(exclude)`), which
   * Asterisk evaluates without a regex over the whole event. A refused filter is reported as
   * an `error` event; the session stays up, unfiltered.
   */
  filters?: ReadonlyArray<string | AmiFilter>;
  actionTimeoutMs?: number;
  connectTimeoutMs?: number;
  greetingTimeoutMs?: number;
  /** Ping interval; 0 disables keepalive. */
  keepaliveIntervalMs?: number;
  keepaliveTimeoutMs?: number;
  /** `false` disables reconnecting. */
  reconnect?: Partial<BackoffOptions> | false;
  maxMessageBytes?: number;
  /** Actions awaiting a response, beyond which `send` fails with AMI_ERR_BACKPRESSURE. */
  maxInFlight?: number;
  /** Unwritten bytes in the socket beyond which `send` fails with AMI_ERR_BACKPRESSURE. */
  maxWriteBufferBytes?: number;
  /** Prefix of generated ActionIDs. */
  actionIdPrefix?: string;
  /** For deterministic jitter in tests. */
  random?: () => number;
}

export interface AmiResult {
  /** The response message (`Response: Success`, `Goodbye`, `Follows`). */
  response: AmiMessage;
  /** EventList items, in order (empty for plain actions). */
  items: AmiMessage[];
  /** The `…Complete` event of an EventList. */
  complete: AmiMessage | undefined;
  /** The follow-up event asked for with `followUpEvent` (e.g. `OriginateResponse`). */
  followUp: AmiMessage | undefined;
}

export interface SendOptions {
  timeoutMs?: number;
  /**
   * Resolve only when an event of this name with our ActionID arrives (async Originate's
   * `OriginateResponse`). The timeout covers the whole wait.
   */
  followUpEvent?: string;
  /**
   * Use this ActionID instead of a generated one (so a caller can correlate before the answer
   * arrives). Must be unique among actions in flight.
   */
  actionId?: string;
}

export interface ConnectionInfo {
  /** The banner, e.g. `Asterisk Call Manager/11.0.0`. */
  greeting: string;
  /** AMI version from the banner (`11.0.0` on Asterisk 22, `9.0.0` on 20). */
  amiVersion: string;
  /** Increments with each successful login: a new value means state may have been missed. */
  generation: number;
}

export interface AmiClientEvents {
  /** `error`: why a connection ended (`disconnected` only); always an `AmiError`. */
  state: (state: AmiConnectionState, error: AmiError | undefined) => void;
  /** Every event not consumed by an EventList of ours. */
  event: (event: AmiMessage) => void;
  connected: (info: ConnectionInfo) => void;
  /** Non-fatal problems: oversize messages, failed logins, failed filters, listener errors. */
  error: (error: AmiError | Error) => void;
}

interface Pending {
  actionId: string;
  action: string;
  resolve: (result: AmiResult) => void;
  reject: (error: AmiError) => void;
  timer: NodeJS.Timeout;
  response: AmiMessage | undefined;
  items: AmiMessage[];
  /** Events with our ActionID that arrived before the response (keeps them in order). */
  early: AmiMessage[];
  isList: boolean;
  followUpEvent: string | undefined;
  followUp: AmiMessage | undefined;
  complete: AmiMessage | undefined;
}

const GREETING = /Call Manager\/(\S+)/;

export class AmiClient {
  readonly #opts: Required<Omit<AmiClientOptions, 'tls' | 'reconnect' | 'filters' | 'random'>> & {
    tls: AmiClientOptions['tls'];
    reconnect: BackoffOptions | false;
    filters: ReadonlyArray<string | AmiFilter>;
    random: () => number;
  };
  readonly #listeners = new Listeners<AmiClientEvents>((e) =>
    this.#listeners.emit('error', e instanceof Error ? e : new Error(String(e))),
  );
  #state: AmiConnectionState = 'disconnected';
  #socket: net.Socket | undefined;
  #parser: AmiParser;
  #pending = new Map<string, Pending>();
  #nextId = 0;
  #generation = 0;
  #attempt = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #keepaliveTimer: NodeJS.Timeout | undefined;
  #greetingTimer: NodeJS.Timeout | undefined;
  #info: ConnectionInfo | undefined;
  #loggedIn = false;
  #bootedSeen = false;
  #greetingWaiter: { resolve: (g: string) => void; reject: (e: AmiError) => void } | undefined;
  #pauseHolds = 0;
  /** Bytes read from Asterisk so far: any byte after a Ping proves the connection alive. */
  #bytesIn = 0;
  #started = false;
  #lastError: AmiError | Error | undefined;
  /** Why the current connection failed, reported with its `disconnected` state. */
  #connError: AmiError | Error | undefined;

  constructor(options: AmiClientOptions) {
    const reconnect = options.reconnect === false ? false : { ...DEFAULT_BACKOFF, ...options.reconnect };
    this.#opts = {
      host: options.host,
      port: options.port,
      username: options.username,
      secret: options.secret,
      tls: options.tls,
      auth: options.auth ?? 'md5',
      events: options.events ?? 'on',
      filters: options.filters ?? [],
      actionTimeoutMs: options.actionTimeoutMs ?? 10_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      greetingTimeoutMs: options.greetingTimeoutMs ?? 5_000,
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? 15_000,
      keepaliveTimeoutMs: options.keepaliveTimeoutMs ?? 5_000,
      reconnect,
      maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      maxInFlight: options.maxInFlight ?? 1_000,
      maxWriteBufferBytes: options.maxWriteBufferBytes ?? 1024 * 1024,
      actionIdPrefix: options.actionIdPrefix ?? `cg${process.pid.toString(36)}`,
      random: options.random ?? Math.random,
    };
    this.#parser = this.#newParser();
  }

  get state(): AmiConnectionState {
    return this.#state;
  }

  /** The current connection's banner and generation, while logged in. */
  get connection(): ConnectionInfo | undefined {
    return this.#loggedIn ? this.#info : undefined;
  }

  /** The last connection or login error, for status pages and `callgate doctor`. */
  get lastError(): AmiError | Error | undefined {
    return this.#lastError;
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  on<K extends keyof AmiClientEvents>(name: K, fn: AmiClientEvents[K]): () => void {
    return this.#listeners.on(name, fn);
  }

  /** Starts connecting (and reconnecting, unless disabled). Idempotent. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#connect();
  }

  /** Resolves when logged in (`connected` or `booted`), rejects on stop or after `timeoutMs`. */
  ready(timeoutMs = 10_000): Promise<ConnectionInfo> {
    if (this.#loggedIn && this.#info) return Promise.resolve(this.#info);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(
          new AmiError(AmiErrorCode.NotConnected, `AMI not connected after ${timeoutMs} ms`, {
            lastError: this.#lastError?.message ?? '',
          }),
        );
      }, timeoutMs);
      const offConnected = this.on('connected', (info) => {
        off();
        resolve(info);
      });
      const offState = this.on('state', (state, error) => {
        if (state === 'stopped') {
          off();
          reject(new AmiError(AmiErrorCode.Closed, 'AMI client stopped'));
        } else if (error instanceof AmiError && error.code === AmiErrorCode.LoginFailed) {
          // Wrong credentials will not fix themselves within `timeoutMs`: say so at once.
          // The client keeps retrying with backoff in case manager.conf is corrected.
          off();
          reject(error);
        }
      });
      const off = (): void => {
        clearTimeout(timer);
        offConnected();
        offState();
      };
    });
  }

  /**
   * Sends an action and resolves with its response (and EventList items). Rejects with
   * `AMI_ERR_ACTION_FAILED` when Asterisk answers `Response: Error`, with Asterisk's message.
   */
  send(action: AmiAction, options: SendOptions = {}): Promise<AmiResult> {
    if (this.#state === 'stopped') return Promise.reject(new AmiError(AmiErrorCode.Closed, 'AMI client stopped'));
    if (!this.#loggedIn) {
      return Promise.reject(
        new AmiError(AmiErrorCode.NotConnected, `AMI not connected; ${action.action} not sent`, {
          action: action.action,
        }),
      );
    }
    return this.#sendRaw(action, options);
  }

  #sendRaw(action: AmiAction, options: SendOptions): Promise<AmiResult> {
    const socket = this.#socket;
    if (!socket || socket.destroyed) {
      return Promise.reject(
        new AmiError(AmiErrorCode.NotConnected, `AMI not connected; ${action.action} not sent`, {
          action: action.action,
        }),
      );
    }
    const tooMany = this.#pending.size >= this.#opts.maxInFlight;
    if (tooMany || socket.writableLength > this.#opts.maxWriteBufferBytes) {
      const why = tooMany ? 'too many AMI actions in flight' : 'Asterisk is not reading what we sent';
      return Promise.reject(
        new AmiError(AmiErrorCode.Backpressure, `${why}; ${action.action} not sent`, {
          action: action.action,
          inFlight: this.#pending.size,
          unwrittenBytes: socket.writableLength,
        }),
      );
    }
    const actionId = options.actionId ?? this.nextActionId();
    if (this.#pending.has(actionId)) {
      return Promise.reject(
        new AmiError(AmiErrorCode.BadKey, `ActionID ${actionId} is already in flight`, { action: action.action }),
      );
    }
    let wire: string;
    try {
      wire = serializeAction({ ...action, actionId });
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise<AmiResult>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.#opts.actionTimeoutMs;
      const pending: Pending = {
        actionId,
        action: action.action,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#pending.delete(actionId);
          reject(
            new AmiError(AmiErrorCode.Timeout, `no answer to ${action.action} within ${timeoutMs} ms`, {
              action: action.action,
              actionId,
            }),
          );
        }, timeoutMs),
        response: undefined,
        items: [],
        early: [],
        isList: false,
        followUpEvent: options.followUpEvent,
        followUp: undefined,
        complete: undefined,
      };
      this.#pending.set(actionId, pending);
      socket.write(wire);
    });
  }

  /** A fresh ActionID of this client's form, for callers that pass `actionId` to `send`. */
  nextActionId(): string {
    return `${this.#opts.actionIdPrefix}-${this.#generation}-${++this.#nextId}`;
  }

  /**
   * Stops reading from the socket until `resume()`; TCP flow control then slows Asterisk down
   * (its own per-session queue is bounded). Holds nest.
   */
  pause(): void {
    this.#pauseHolds++;
    this.#socket?.pause();
  }

  resume(): void {
    if (this.#pauseHolds > 0) this.#pauseHolds--;
    if (this.#pauseHolds === 0) this.#socket?.resume();
  }

  /**
   * Events as an async iterator with back-pressure: when `highWaterMark` events are waiting
   * for the consumer, the socket is paused until the consumer drains half of them.
   */
  events(highWaterMark = 1_000): AsyncIterableIterator<AmiMessage> {
    const queue: AmiMessage[] = [];
    let waiter: ((r: IteratorResult<AmiMessage>) => void) | undefined;
    let paused = false;
    let done = false;
    const finish = (): void => {
      done = true;
      offEvent();
      offState();
      if (paused) {
        paused = false;
        this.resume();
      }
      if (waiter) {
        const w = waiter;
        waiter = undefined;
        w({ value: undefined, done: true });
      }
    };
    const offEvent = this.on('event', (event) => {
      if (waiter) {
        const w = waiter;
        waiter = undefined;
        w({ value: event, done: false });
        return;
      }
      queue.push(event);
      if (!paused && queue.length >= highWaterMark) {
        paused = true;
        this.pause();
      }
    });
    const offState = this.on('state', (state) => {
      if (state === 'stopped') finish();
    });
    const iterator: AsyncIterableIterator<AmiMessage> = {
      next: () => {
        const event = queue.shift();
        if (event) {
          if (paused && queue.length <= highWaterMark / 2) {
            paused = false;
            this.resume();
          }
          return Promise.resolve({ value: event, done: false });
        }
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          waiter = resolve;
        });
      },
      return: () => {
        finish();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Logs off (briefly waiting for Goodbye), closes the socket and stops reconnecting. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#started = false;
    clearTimeout(this.#reconnectTimer);
    if (this.#loggedIn) {
      try {
        await this.#sendRaw({ action: 'Logoff' }, { timeoutMs: 1_000 });
      } catch {
        // Closing anyway; Asterisk drops the session when the socket goes.
      }
    }
    this.#teardown(new AmiError(AmiErrorCode.Closed, 'AMI client stopped'));
    this.#setState('stopped', undefined);
  }

  // ---- connection lifecycle -------------------------------------------------------------

  #newParser(): AmiParser {
    return new AmiParser(
      {
        greeting: (banner) => this.#onGreeting(banner),
        message: (message) => this.#onMessage(message),
        error: (error) => this.#listeners.emit('error', error),
      },
      { maxMessageBytes: this.#opts.maxMessageBytes },
    );
  }

  #connect(): void {
    if (!this.#started) return;
    this.#setState('connecting', undefined);
    this.#parser = this.#newParser();
    this.#loggedIn = false;
    this.#bootedSeen = false;
    this.#connError = undefined;
    const { host, port } = this.#opts;
    const socket = this.#opts.tls
      ? tls.connect({ host, port, ...(typeof this.#opts.tls === 'object' ? this.#opts.tls : {}) })
      : net.connect({ host, port });
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    let connected = false;
    socket.setTimeout(this.#opts.connectTimeoutMs, () => {
      socket.destroy(
        new AmiError(AmiErrorCode.ConnectFailed, `connect to ${host}:${port} timed out`, { cause: 'ETIMEDOUT' }),
      );
    });
    socket.once(this.#opts.tls ? 'secureConnect' : 'connect', () => {
      connected = true;
      socket.setTimeout(0);
      void this.#handshake(socket);
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.#socket !== socket) return;
      this.#bytesIn += chunk.length;
      try {
        this.#parser.push(chunk);
      } catch (error) {
        // Never reached by design (listeners are isolated); a bug here must not kill the process.
        this.#listeners.emit('error', error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.on('error', (error: Error) => {
      if (this.#socket !== socket) return;
      if (connected || error instanceof AmiError) {
        this.#fail(error);
        return;
      }
      // Refused, unreachable, DNS, TLS handshake: the connect itself failed (recording 16:
      // connects are refused for about half a second while Asterisk restarts).
      const cause = (error as NodeJS.ErrnoException).code ?? 'ERROR';
      this.#fail(
        new AmiError(AmiErrorCode.ConnectFailed, `connect to ${host}:${port} failed: ${error.message}`, { cause }),
      );
    });
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#onClose();
    });
    if (this.#pauseHolds > 0) socket.pause();
  }

  async #handshake(socket: net.Socket): Promise<void> {
    try {
      const greeting = await this.#waitGreeting();
      const match = GREETING.exec(greeting);
      if (!match) throw new AmiError(AmiErrorCode.NoGreeting, `not an AMI banner: ${greeting.slice(0, 80)}`);
      const generation = this.#generation + 1;
      await this.#login(socket);
      this.#generation = generation;
      this.#info = { greeting, amiVersion: match[1] as string, generation };
      this.#loggedIn = true;
      this.#attempt = 0;
      for (const filter of this.#opts.filters) {
        const action =
          typeof filter === 'string' ? actions.filter(filter) : actions.filter(filter.filter, filter.matchCriteria);
        this.#sendRaw(action, {}).catch((error: unknown) => this.#listeners.emit('error', error as AmiError));
      }
      this.#setState('connected', undefined);
      this.#listeners.emit('connected', this.#info);
      if (this.#bootedSeen) this.#setState('booted', undefined);
      this.#scheduleKeepalive();
    } catch (error) {
      const err = error instanceof AmiError ? error : new AmiError(AmiErrorCode.NoGreeting, String(error));
      if (this.#socket === socket) this.#fail(err);
      if (err.code === AmiErrorCode.LoginFailed) this.#listeners.emit('error', err);
      if (this.#socket === socket) socket.destroy();
    }
  }

  #waitGreeting(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#greetingTimer = setTimeout(() => {
        this.#greetingWaiter = undefined;
        reject(new AmiError(AmiErrorCode.NoGreeting, `no AMI banner within ${this.#opts.greetingTimeoutMs} ms`));
      }, this.#opts.greetingTimeoutMs);
      this.#greetingWaiter = {
        resolve: (g) => {
          clearTimeout(this.#greetingTimer);
          resolve(g);
        },
        reject: (e) => {
          clearTimeout(this.#greetingTimer);
          reject(e);
        },
      };
    });
  }

  async #login(socket: net.Socket): Promise<void> {
    const { username, secret, events } = this.#opts;
    const base = { Username: username, Events: events };
    try {
      if (this.#opts.auth === 'md5') {
        const challenge = await this.#sendRaw({ action: 'Challenge', headers: { AuthType: 'MD5' } }, {});
        const nonce = challenge.response.get('Challenge') ?? '';
        const key = createHash('md5')
          .update(nonce + secret)
          .digest('hex');
        await this.#sendRaw({ action: 'Login', headers: { AuthType: 'MD5', ...base, Key: key } }, {});
      } else {
        await this.#sendRaw({ action: 'Login', headers: { ...base, Secret: secret } }, {});
      }
    } catch (error) {
      if (error instanceof AmiError && error.code === AmiErrorCode.ActionFailed) {
        throw new AmiError(AmiErrorCode.LoginFailed, `AMI login refused for user ${username}: ${error.message}`, {
          username,
        });
      }
      throw error;
    }
    if (socket.destroyed) throw new AmiError(AmiErrorCode.Disconnected, 'connection closed during login');
  }

  #onGreeting(banner: string): void {
    const waiter = this.#greetingWaiter;
    this.#greetingWaiter = undefined;
    waiter?.resolve(banner);
  }

  #onClose(): void {
    if (this.#greetingWaiter) {
      // Recording 16: while Asterisk exits, TCP may be accepted and closed without a banner.
      this.#fail(new AmiError(AmiErrorCode.NoGreeting, 'connection closed before the AMI banner'));
    }
    const cause = this.#connError;
    const reason =
      cause instanceof AmiError
        ? cause
        : new AmiError(AmiErrorCode.Disconnected, `AMI connection closed${cause ? `: ${cause.message}` : ''}`);
    this.#greetingWaiter?.reject(new AmiError(AmiErrorCode.NoGreeting, 'connection closed before the AMI banner'));
    this.#teardown(new AmiError(AmiErrorCode.Disconnected, 'AMI connection lost before the answer'));
    if (this.#state === 'stopped') return;
    // Without reconnect this connection was the last: `start()` may be called again.
    if (!this.#opts.reconnect) this.#started = false;
    this.#setState('disconnected', reason);
    if (this.#started && this.#opts.reconnect) {
      const delay = backoffDelay(this.#attempt++, this.#opts.reconnect, this.#opts.random);
      this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
    }
  }

  /** Fails every in-flight action and drops the socket. */
  #teardown(error: AmiError): void {
    clearTimeout(this.#keepaliveTimer);
    clearTimeout(this.#greetingTimer);
    const greetingWaiter = this.#greetingWaiter;
    this.#greetingWaiter = undefined;
    greetingWaiter?.reject(new AmiError(error.code, 'connection ended before the AMI banner'));
    this.#loggedIn = false;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(new AmiError(error.code, `${p.action}: ${error.message}`, { action: p.action, actionId: p.actionId }));
    }
    const socket = this.#socket;
    if (socket && !socket.destroyed) socket.destroy();
  }

  #scheduleKeepalive(): void {
    const interval = this.#opts.keepaliveIntervalMs;
    if (interval <= 0) return;
    clearTimeout(this.#keepaliveTimer);
    this.#keepaliveTimer = setTimeout(() => {
      const socket = this.#socket;
      if (!this.#loggedIn || !socket) return;
      if (this.#pauseHolds > 0) {
        // Our own consumer paused reading: a Pong could not be read, so a missing one would
        // prove nothing. Check again later instead of dropping a healthy connection.
        this.#scheduleKeepalive();
        return;
      }
      const bytesBefore = this.#bytesIn;
      this.#sendRaw({ action: 'Ping' }, { timeoutMs: this.#opts.keepaliveTimeoutMs }).then(
        () => {
          if (this.#socket === socket) this.#scheduleKeepalive();
        },
        (error: unknown) => {
          if (this.#socket !== socket || !this.#loggedIn) return;
          // Under an event flood the Pong queues behind megabytes of events; bytes arriving
          // meanwhile prove the path alive. Only total silence means a dead connection.
          const silent = this.#bytesIn === bytesBefore && this.#pauseHolds === 0;
          if (error instanceof AmiError && error.code === AmiErrorCode.Timeout && silent) {
            // A half-open TCP connection: nothing will ever arrive. Drop it and reconnect.
            this.#fail(new AmiError(AmiErrorCode.Timeout, 'AMI keepalive Ping unanswered; connection presumed dead'));
            socket.destroy();
            return;
          }
          // Back-pressure, or a Ping refused by a proxy: the connection itself is alive.
          this.#scheduleKeepalive();
        },
      );
    }, interval);
  }

  /** Records the first failure of the current connection (later ones are consequences). */
  #fail(error: AmiError | Error): void {
    this.#connError ??= error;
    this.#lastError = error;
  }

  #setState(state: AmiConnectionState, error: AmiError | undefined): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#listeners.emit('state', state, error);
  }

  // ---- message routing -----------------------------------------------------------------

  #onMessage(message: AmiMessage): void {
    const actionId = message.actionId;
    const pending = actionId === undefined ? undefined : this.#pending.get(actionId);
    if (message.kind === 'response') {
      if (pending) this.#onResponse(pending, message);
      return; // a response to nothing of ours (a timed-out action): nothing to do
    }
    if (message.kind === 'event') {
      if (message.event === 'FullyBooted') {
        this.#bootedSeen = true;
        if (this.#loggedIn) this.#setState('booted', undefined);
      }
      if (pending && this.#onActionEvent(pending, message)) return;
      this.#listeners.emit('event', message);
    }
  }

  #onResponse(p: Pending, response: AmiMessage): void {
    if (p.response) return; // duplicate response; ignore
    p.response = response;
    const status = (response.response ?? '').toLowerCase();
    if (status === 'error') {
      this.#settle(p);
      for (const event of p.early) this.#listeners.emit('event', event);
      p.early = [];
      p.reject(
        new AmiError(
          AmiErrorCode.ActionFailed,
          response.get('Message') ?? `${p.action} failed`,
          { action: p.action, actionId: p.actionId },
          response,
        ),
      );
      return;
    }
    p.isList = (response.get('EventList') ?? '').toLowerCase() === 'start';
    const early = p.early;
    p.early = [];
    // Events carrying our ActionID that arrived before the response were held to keep list
    // items in order; those that turn out not to belong to the action are ordinary events.
    for (const event of early) {
      if (!this.#onActionEvent(p, event)) this.#listeners.emit('event', event);
    }
    this.#maybeResolve(p);
  }

  /** Returns true when the event belonged to the pending action and was consumed. */
  #onActionEvent(p: Pending, event: AmiMessage): boolean {
    if (!p.response) {
      p.early.push(event);
      return true;
    }
    if (p.followUpEvent !== undefined && event.event === p.followUpEvent) {
      p.followUp = event;
      this.#listeners.emit('event', event);
      this.#maybeResolve(p);
      return true;
    }
    if (!p.isList) return false;
    if (isListComplete(event)) {
      p.complete = event;
    } else {
      p.items.push(event);
    }
    this.#maybeResolve(p);
    return true;
  }

  #maybeResolve(p: Pending): void {
    if (!p.response) return;
    if (p.isList && !p.complete) return;
    if (p.followUpEvent !== undefined && !p.followUp) return;
    this.#settle(p);
    p.resolve({ response: p.response, items: p.items, complete: p.complete, followUp: p.followUp });
  }

  #settle(p: Pending): void {
    clearTimeout(p.timer);
    this.#pending.delete(p.actionId);
  }
}

/**
 * Asterisk ≥ 12 closes every list with `EventList: Complete` (all recordings); older ones sent
 * some `…Complete` events without that header, so the name alone also ends the list.
 */
function isListComplete(event: AmiMessage): boolean {
  const marker = event.get('EventList');
  if (marker !== undefined) return marker.toLowerCase() === 'complete';
  return (event.event ?? '').endsWith('Complete');
}
