/** A bare AMI connection for tests that need exact bytes: raw writes, every message read in order. */
import net from 'node:net';
import { AmiParser, type AmiMessage } from '@callgate/ami';

export interface RawAmi {
  banner: string;
  send(text: string): void;
  /** Sends `Action: …` with the given headers (in order) and a blank line. */
  action(headers: Array<[string, string]>): void;
  /** The next message, waiting up to `timeoutMs`. */
  next(timeoutMs?: number): Promise<AmiMessage>;
  /** Messages until `test` matches (inclusive). */
  until(test: (m: AmiMessage) => boolean, timeoutMs?: number): Promise<AmiMessage[]>;
  closed: Promise<void>;
  close(): void;
}

export async function connectRaw(port: number, host = '127.0.0.1'): Promise<RawAmi> {
  const socket = net.connect({ port, host });
  const queue: AmiMessage[] = [];
  let waiter: (() => void) | undefined;
  let banner = '';
  let bannerResolve: (() => void) | undefined;
  const bannerSeen = new Promise<void>((resolve) => (bannerResolve = resolve));
  const parser = new AmiParser({
    greeting: (g) => {
      banner = g;
      bannerResolve?.();
    },
    message: (m) => {
      queue.push(m);
      waiter?.();
    },
    error: () => undefined,
  });
  socket.on('data', (chunk: Buffer) => parser.push(chunk));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  await bannerSeen;
  const next = (timeoutMs = 5000): Promise<AmiMessage> => {
    const m = queue.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiter = undefined;
        reject(new Error(`no AMI message within ${timeoutMs} ms`));
      }, timeoutMs);
      waiter = () => {
        const got = queue.shift();
        if (!got) return;
        clearTimeout(timer);
        waiter = undefined;
        resolve(got);
      };
    });
  };
  return {
    get banner() {
      return banner;
    },
    send: (text) => socket.write(text),
    action: (headers) => socket.write(headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n'),
    next,
    async until(test, timeoutMs = 5000) {
      const out: AmiMessage[] = [];
      for (;;) {
        const m = await next(timeoutMs);
        out.push(m);
        if (test(m)) return out;
      }
    },
    closed,
    close: () => socket.destroy(),
  };
}

/** A raw session of the lab user `crm` logged in with `Events: off`: only responses arrive. */
export async function connectQuietRaw(port: number): Promise<RawAmi> {
  const raw = await connectRaw(port);
  raw.action([
    ['Action', 'Login'],
    ['Username', 'crm'],
    ['Secret', 'crm-secret'],
    ['Events', 'off'],
  ]);
  const reply = await raw.next();
  if (reply.response !== 'Success') throw new Error(`login refused: ${reply.get('Message') ?? ''}`);
  return raw;
}
