/**
 * A TCP server on loopback that plays the Asterisk side of a recording to a real client.
 *
 * Each accepted connection plays one recorded connection (`conn` 1, 2, … in order unless told
 * otherwise). The recorded banner is sent on connect; then each action the client sends is
 * matched, by action name and order, to the next action the recorded client sent, and the
 * recorded Asterisk messages that followed it (up to the next recorded action) are sent back,
 * paced by the recorded `t` times × `timeScale`, with recorded ActionIDs rewritten to the
 * client's. When a recorded connection's script ends, the server closes it, as Asterisk did
 * (every `.meta.json` says `closed_by: "server"`).
 *
 * Not in the recordings, so answered as Asterisk's manager.c does: `Challenge` (a random
 * decimal nonce; `Key` must then be the lowercase hex MD5 of nonce + the recorded secret),
 * `Filter` (`Response: Success / Message: Success`), and a `Ping` the recording did not expect.
 * A Login whose credentials do not match the recorded ones is refused like Asterisk refuses it.
 */
import { createHash, randomInt } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { AmiParser, type AmiMessage } from '../../src/index.js';
import type { Recording } from '../fixtures.js';

/** How one accepted connection behaves. */
export type ConnectionPlan =
  | { play: number }
  /** Accept TCP and close at once without a banner (Asterisk exiting, recording 16's note). */
  | { closeAtOnce: true }
  /** Accept and never send a byte (a hung Asterisk, or a half-open path). */
  | { silent: true }
  /** Play `play`, but after `Login` is answered go silent: no replies, no close (half-open). */
  | { play: number; silentAfterLogin: true };

export interface ReplayOptions {
  /** Recorded delays × this; 0 sends as fast as possible. Default 0. */
  timeScale?: number;
  /** Plan for the n-th accepted connection (0-based). Default: play conn n+1. */
  plan?: (index: number) => ConnectionPlan;
  /** Raw events sent one before each replayed message (responses, list items, …). */
  interleave?: readonly string[];
  /** Close the connection instead of answering this action (a drop mid-action). */
  dropOn?: string;
  /**
   * Reorders the recorded messages that answer one action before they are sent (Asterisk's
   * originate thread can race the ack: OriginateResponse may come first).
   */
  reorder?: (action: string, messages: string[]) => string[];
  /** Answer `Filter` as Asterisk does for a user without `write=system`: Permission denied. */
  refuseFilters?: boolean;
  /** Serve TLS with this key and certificate (Asterisk `tlsenable=yes`). */
  tls?: { key: string; cert: string };
}

export interface ReplayConnection {
  index: number;
  /** Every message the client sent, in order. */
  received: AmiMessage[];
  /** The exact bytes the client sent. */
  bytes: Buffer[];
  socket: net.Socket;
}

interface PlayerHooks {
  mismatch: (description: string) => void;
  interleave: () => string | undefined;
}

interface Step {
  t: number;
  dir: 'in' | 'out';
  raw: string;
}

export class ReplayServer {
  readonly #rec: Recording;
  readonly #opts: ReplayOptions;
  #server: net.Server;
  #port = 0;
  readonly connections: ReplayConnection[] = [];
  /** Actions that matched nothing in the recording (a test should expect none). */
  readonly mismatches: string[] = [];
  readonly #sockets = new Set<net.Socket>();
  readonly #interleave: string[];
  /** How many `interleave` events have been sent so far. */
  interleaved = 0;

  constructor(rec: Recording, options: ReplayOptions = {}) {
    this.#rec = rec;
    this.#opts = options;
    this.#interleave = [...(options.interleave ?? [])];
    this.#server = this.#createServer();
  }

  #createServer(): net.Server {
    const tlsOptions = this.#opts.tls;
    if (tlsOptions) return tls.createServer(tlsOptions, (socket) => this.#accept(socket));
    return net.createServer((socket) => this.#accept(socket));
  }

  get port(): number {
    return this.#port;
  }

  /** Listens on an OS-chosen port (or `port`, to come back on the same one after a restart). */
  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    this.#port = address.port;
    return this.#port;
  }

  /** Stops listening (new connects are refused) and drops every open connection. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Listens again on the same port after `close()`, like an Asterisk that came back. */
  async reopen(): Promise<void> {
    this.#server = this.#createServer();
    await this.listen(this.#port);
  }

  /** Resolves when `n` connections have been accepted in total. */
  async waitForConnections(n: number): Promise<void> {
    while (this.connections.length < n) await new Promise((r) => setTimeout(r, 5));
  }

  #accept(socket: net.Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => {});
    const index = this.connections.length;
    const conn: ReplayConnection = { index, received: [], bytes: [], socket };
    this.connections.push(conn);
    const plan = this.#opts.plan?.(index) ?? { play: index + 1 };
    if ('closeAtOnce' in plan) {
      socket.destroy();
      return;
    }
    if ('silent' in plan) return;
    new Player(this.#rec, plan.play, 'silentAfterLogin' in plan, this.#opts, conn, {
      mismatch: (m) => this.mismatches.push(m),
      interleave: () => {
        const raw = this.#interleave.shift();
        if (raw !== undefined) this.interleaved++;
        return raw;
      },
    });
  }
}

class Player {
  readonly #steps: Step[];
  #cursor = 0;
  #lastT = 0;
  readonly #ids = new Map<string, string>();
  readonly #conn: ReplayConnection;
  readonly #opts: ReplayOptions;
  readonly #silentAfterLogin: boolean;
  readonly #hooks: PlayerHooks;
  #silent = false;
  #nonce: string | undefined;
  /** Actions are answered one after another, each after the previous reply was fully sent. */
  #queue: Promise<void> = Promise.resolve();

  constructor(
    rec: Recording,
    play: number,
    silentAfterLogin: boolean,
    opts: ReplayOptions,
    conn: ReplayConnection,
    hooks: PlayerHooks,
  ) {
    this.#steps = rec.lines.filter((l) => l.conn === play).map((l) => ({ t: l.t, dir: l.dir, raw: l.raw }));
    this.#conn = conn;
    this.#opts = opts;
    this.#silentAfterLogin = silentAfterLogin;
    this.#hooks = hooks;
    this.#lastT = this.#steps[0]?.t ?? 0;
    const parser = new AmiParser(
      {
        greeting: () => {},
        message: (m) => {
          conn.received.push(m);
          this.#queue = this.#queue.then(() => this.#onAction(m));
        },
        error: () => {},
      },
      { expectGreeting: false },
    );
    conn.socket.on('data', (chunk: Buffer) => {
      conn.bytes.push(chunk);
      parser.push(chunk);
    });
    this.#queue = this.#sendUntilNextAction();
  }

  async #onAction(action: AmiMessage): Promise<void> {
    if (this.#silent || this.#conn.socket.destroyed) return;
    const name = (action.get('Action') ?? '').toLowerCase();
    const id = action.actionId;
    const next = this.#steps[this.#cursor];
    const expected = next?.dir === 'out' ? recordedAction(next.raw) : undefined;
    if (name === this.#opts.dropOn?.toLowerCase()) {
      this.#conn.socket.destroy();
      return;
    }
    if (name === 'challenge') {
      this.#nonce = String(randomInt(1, 2 ** 31));
      this.#write(`Response: Success\r\n${idLine(id)}Challenge: ${this.#nonce}\r\n\r\n`);
      return;
    }
    if (name === 'filter') {
      this.#write(
        this.#opts.refuseFilters
          ? `Response: Error\r\n${idLine(id)}Message: Permission denied\r\n\r\n`
          : `Response: Success\r\n${idLine(id)}Message: Success\r\n\r\n`,
      );
      return;
    }
    if (!expected || expected.get('Action')?.toLowerCase() !== name) {
      if (name === 'logoff') {
        // A client may always log off (AmiClient.stop()); Asterisk says goodbye and closes.
        this.#write(`Response: Goodbye\r\n${idLine(id)}Message: Thanks for all the fish.\r\n\r\n`);
        this.#conn.socket.end();
        return;
      }
      if (name === 'ping') {
        this.#write(`Response: Success\r\n${idLine(id)}Ping: Pong\r\nTimestamp: ${Date.now() / 1000}\r\n\r\n`);
        return;
      }
      this.#hooks.mismatch(`expected ${expected?.get('Action') ?? 'nothing'}, got ${action.get('Action')}`);
      this.#write(`Response: Error\r\n${idLine(id)}Message: replay: unexpected action\r\n\r\n`);
      return;
    }
    if (name === 'login' && !this.#credentialsMatch(action, expected)) {
      // manager.c: sleep(1), "Authentication failed", then the session ends.
      await delay(1000 * (this.#opts.timeScale ?? 0));
      this.#write(`Response: Error\r\n${idLine(id)}Message: Authentication failed\r\n\r\n`);
      this.#conn.socket.end();
      return;
    }
    const recordedId = expected.actionId;
    if (recordedId !== undefined && id !== undefined) this.#ids.set(recordedId, id);
    this.#cursor++;
    await this.#sendUntilNextAction(recordedId === undefined ? id : undefined, action.get('Action'));
    if (name === 'login' && this.#silentAfterLogin) this.#silent = true;
  }

  #credentialsMatch(action: AmiMessage, recorded: AmiMessage): boolean {
    if (action.get('Username') !== recorded.get('Username')) return false;
    const secret = recorded.get('Secret') ?? '';
    if ((action.get('AuthType') ?? '').toLowerCase() === 'md5') {
      if (this.#nonce === undefined) return false;
      const key = createHash('md5')
        .update(this.#nonce + secret)
        .digest('hex');
      return action.get('Key') === key;
    }
    return action.get('Secret') === secret;
  }

  /**
   * Sends recorded Asterisk messages until the next recorded action (or the end, then closes).
   * `addActionId`: the recorded action had no ActionID but ours has; Asterisk echoes it as the
   * response's second line (astman_start_ack), so it is added there.
   */
  async #sendUntilNextAction(addActionId?: string, action?: string): Promise<void> {
    let responded = false;
    let block: Step[] = [];
    for (let i = this.#cursor; i < this.#steps.length && this.#steps[i]?.dir === 'in'; i++) {
      block.push(this.#steps[i] as Step);
    }
    if (action !== undefined && this.#opts.reorder) {
      const raws = this.#opts.reorder(
        action,
        block.map((b) => b.raw),
      );
      block = raws.map((raw, i) => ({ ...(block[i] as Step), raw }));
    }
    for (const step of block) {
      await delay(Math.max(0, step.t - this.#lastT) * (this.#opts.timeScale ?? 0));
      this.#lastT = step.t;
      this.#cursor++;
      if (this.#conn.socket.destroyed) return;
      let raw = this.#rewriteIds(step.raw);
      if (addActionId !== undefined && !responded && raw.startsWith('Response:')) {
        const eol = raw.indexOf('\r\n') + 2;
        raw = `${raw.slice(0, eol)}ActionID: ${addActionId}\r\n${raw.slice(eol)}`;
        responded = true;
      }
      const extra = raw.endsWith('\r\n\r\n') ? this.#hooks.interleave() : undefined;
      if (extra !== undefined) this.#write(extra);
      this.#write(raw);
    }
    const next = this.#steps[this.#cursor];
    if (next) this.#lastT = next.t;
    else this.#conn.socket.end();
  }

  #rewriteIds(raw: string): string {
    // In a JS regex `.` stops at CR as well as LF, so `id` is the bare value.
    return raw.replace(/^ActionID: (.*)$/m, (line, id: string) => {
      const ours = this.#ids.get(id);
      return ours === undefined ? line : `ActionID: ${ours}`;
    });
  }

  #write(raw: string): void {
    if (!this.#conn.socket.destroyed) this.#conn.socket.write(raw);
  }
}

function recordedAction(raw: string): AmiMessage {
  let message: AmiMessage | undefined;
  new AmiParser({ greeting: () => {}, message: (m) => (message = m), error: () => {} }, { expectGreeting: false }).push(
    Buffer.from(raw, 'utf8'),
  );
  if (!message) throw new Error(`not a recorded action: ${raw}`);
  return message;
}

const idLine = (id: string | undefined): string => (id === undefined ? '' : `ActionID: ${id}\r\n`);
const delay = (ms: number): Promise<void> => (ms <= 0 ? Promise.resolve() : new Promise((r) => setTimeout(r, ms)));
