/**
 * The AMI TCP listener: banner on connect, actions parsed with the `ami` package's parser and
 * handed to the action dispatcher one at a time per session, events serialised once and
 * written to every session that reads their class.
 *
 * A restart closes the listener so connects are refused while "Asterisk" is down (16: two
 * refused connects), then listens on the same port again.
 */
import net from 'node:net';
import { AmiParser, type AmiMessage } from '@callgate/ami';
import { SimError, SimErrorCode } from '../errors.js';
import type { SimEvent } from '../model/sim-event.js';
import { AmiSession } from './ami-session.js';
import { formatMessage } from './wire.js';

export interface AmiServerOptions {
  host: string;
  port: number;
  /** The banner line, without CRLF. */
  banner: () => string;
  /** Runs one action; the session's actions are serialised. */
  handle: (session: AmiSession, message: AmiMessage) => void | Promise<void>;
  onSessionClosed?: (session: AmiSession) => void;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Wall clock for session open times. */
  now: () => number;
}

/** Largest action accepted from a client (Asterisk's own limit is smaller still). */
const MAX_ACTION_BYTES = 64 * 1024;

export class AmiServer {
  readonly #opts: AmiServerOptions;
  #server: net.Server | undefined;
  readonly sessions = new Set<AmiSession>();
  #nextId = 1;
  #port = 0;
  #host: string;

  constructor(options: AmiServerOptions) {
    this.#opts = options;
    this.#host = options.host;
    this.#port = options.port;
  }

  get port(): number {
    return this.#port;
  }

  get host(): string {
    return this.#host;
  }

  get listening(): boolean {
    return this.#server?.listening ?? false;
  }

  async listen(): Promise<void> {
    const server = net.createServer((socket) => this.#accept(socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        reject(new SimError(SimErrorCode.Listen, `cannot listen on ${this.#host}:${this.#port}: ${error.message}`));
      };
      server.once('error', onError);
      server.listen(this.#port, this.#host, () => {
        server.off('error', onError);
        const address = server.address();
        if (address && typeof address === 'object') this.#port = address.port;
        resolve();
      });
    });
    server.on('error', (error) => this.#opts.log?.('AMI listener error', { error: error.message }));
  }

  /** Stops accepting connections (existing ones stay). */
  async stopListening(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Drops every connection at once, as when the Asterisk process exits. */
  dropAll(): void {
    for (const s of this.sessions) {
      s.closing = true;
      s.socket.destroy();
    }
  }

  /** Sends what is queued on every connection and closes them (server-side close, 16). */
  endAll(): void {
    for (const s of this.sessions) s.end();
  }

  async close(): Promise<void> {
    // Drop connections first: net.Server#close waits for every open connection to end.
    this.dropAll();
    await this.stopListening();
  }

  broadcast(e: SimEvent): void {
    if (this.sessions.size === 0) return;
    let text: string | undefined;
    let bytes: Buffer | undefined;
    for (const s of this.sessions) {
      if (!s.authenticated || !s.reads(e.eventClass)) continue;
      text ??= formatMessage(e.fields);
      if (!s.wants(e, text)) continue;
      bytes ??= Buffer.from(text, 'utf8');
      s.write(bytes);
    }
  }

  #accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const session = new AmiSession(this.#nextId++, socket, this.#opts.now());
    this.sessions.add(session);
    const parser = new AmiParser(
      {
        greeting: () => undefined,
        message: (message) => {
          session.queue = session.queue
            .then(() => (session.closing ? undefined : this.#opts.handle(session, message)))
            .catch((error: unknown) =>
              this.#opts.log?.('AMI action failed', { error: error instanceof Error ? error.message : String(error) }),
            );
        },
        error: (error) => {
          this.#opts.log?.('AMI client sent an oversized action; dropped', { code: error.code, session: session.id });
          session.closing = true;
          socket.destroy();
        },
      },
      { expectGreeting: false, maxMessageBytes: MAX_ACTION_BYTES },
    );
    socket.on('data', (chunk: Buffer) => parser.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sessions.delete(session);
      this.#opts.onSessionClosed?.(session);
    });
    socket.write(`${this.#opts.banner()}\r\n`);
  }
}
