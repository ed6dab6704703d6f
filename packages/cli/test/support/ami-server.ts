/**
 * A small AMI server on loopback for the `callgate ami record` tests: it speaks AMI as Asterisk
 * does (banner, `Challenge` with a decimal nonce, `Login` by MD5 key or plain secret, refusal
 * as `Response: Error / Message: Authentication failed` then close, `Logoff` → Goodbye then
 * close) and, after a login, sends a script of byte chunks — so a test can make a TCP read end
 * inside a multi-byte UTF-8 character. Every byte it sends is kept for comparison.
 */
import { createHash, randomInt } from 'node:crypto';
import net from 'node:net';
import { AmiParser, type AmiMessage } from '@callgate/ami';

export type ScriptStep = Buffer | { pauseMs: number } | 'close';

export interface AmiServerOptions {
  username: string;
  secret: string;
  /** What connection `index` (0-based) sends after a successful login. */
  afterLogin?: (index: number) => ScriptStep[];
}

export interface ServedConnection {
  index: number;
  sent: Buffer[];
  received: AmiMessage[];
  loggedIn: boolean;
  socket: net.Socket;
}

export class AmiServer {
  readonly #opts: AmiServerOptions;
  #server: net.Server | undefined;
  #port = 0;
  readonly connections: ServedConnection[] = [];

  constructor(options: AmiServerOptions) {
    this.#opts = options;
  }

  get port(): number {
    return this.#port;
  }

  async listen(port = 0): Promise<number> {
    const server = net.createServer((socket) => this.#accept(socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as net.AddressInfo).port;
    return this.#port;
  }

  /** Stops listening (connects are refused) and drops open connections. */
  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    const server = this.#server;
    if (server?.listening) await new Promise<void>((r) => server.close(() => r()));
  }

  async waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const started = Date.now();
    while (!predicate()) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Every byte sent on connection `index`, as text. */
  sentText(index: number): string {
    return Buffer.concat(this.connections[index]?.sent ?? []).toString('utf8');
  }

  #accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    socket.on('error', () => {});
    const conn: ServedConnection = { index: this.connections.length, sent: [], received: [], loggedIn: false, socket };
    this.connections.push(conn);
    const send = (bytes: Buffer | string): void => {
      const b = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
      conn.sent.push(b);
      socket.write(b);
    };
    let nonce: string | undefined;
    const parser = new AmiParser(
      {
        greeting: () => {},
        error: () => {},
        message: (m) => {
          conn.received.push(m);
          const id = m.actionId === undefined ? '' : `ActionID: ${m.actionId}\r\n`;
          switch ((m.get('Action') ?? '').toLowerCase()) {
            case 'challenge':
              nonce = String(randomInt(1, 2 ** 31));
              send(`Response: Success\r\n${id}Challenge: ${nonce}\r\n\r\n`);
              return;
            case 'login': {
              const md5 = (m.get('AuthType') ?? '').toLowerCase() === 'md5';
              const expectedKey = createHash('md5')
                .update((nonce ?? '') + this.#opts.secret)
                .digest('hex');
              const ok =
                m.get('Username') === this.#opts.username &&
                (md5 ? nonce !== undefined && m.get('Key') === expectedKey : m.get('Secret') === this.#opts.secret);
              if (!ok) {
                send(`Response: Error\r\n${id}Message: Authentication failed\r\n\r\n`);
                socket.end();
                return;
              }
              conn.loggedIn = true;
              send(`Response: Success\r\n${id}Message: Authentication accepted\r\n\r\n`);
              void this.#play(this.#opts.afterLogin?.(conn.index) ?? [], send, socket);
              return;
            }
            case 'logoff':
              send(`Response: Goodbye\r\n${id}Message: Thanks for all the fish.\r\n\r\n`);
              socket.end();
              return;
            default:
              send(`Response: Error\r\n${id}Message: Invalid/unknown command\r\n\r\n`);
          }
        },
      },
      { expectGreeting: false },
    );
    socket.on('data', (chunk: Buffer) => parser.push(chunk));
    send('Asterisk Call Manager/11.0.0\r\n');
  }

  async #play(script: ScriptStep[], send: (b: Buffer) => void, socket: net.Socket): Promise<void> {
    for (const step of script) {
      if (socket.destroyed) return;
      if (step === 'close') socket.end();
      else if (Buffer.isBuffer(step)) send(step);
      else await new Promise((r) => setTimeout(r, step.pauseMs));
    }
  }
}
