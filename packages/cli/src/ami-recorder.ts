/**
 * Taps a live AMI into trace lines. Works on raw sockets rather than AmiClient because the
 * trace must hold the exact bytes, banner and login included (with secrets masked).
 *
 * UTF-8: a TCP read may end inside a multi-byte character. `raw` is JSON text, so each line
 * holds what decodes completely and the trailing partial bytes move to the next line; the
 * concatenation of a stream's lines is still its exact byte stream.
 *
 * Connections are numbered as they are established (`conn` 1, 2, …): refused attempts while
 * Asterisk restarts (recording 16) take no number, so a restart shows as conn 1 then conn 2.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { AmiParser, serializeAction, type AmiAction, type AmiMessage } from '@callgate/ami';

export interface RecordOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  auth: 'md5' | 'plain';
  events: string;
  signal: AbortSignal;
  write: (jsonLine: string) => void;
  log: (message: string) => void;
  /** Wait before reconnecting after a drop or a failed connect. Default 1 s. */
  reconnectDelayMs?: number;
}

export interface RecordSummary {
  /** Trace lines written. */
  lines: number;
  /** Connections established (the highest `conn` written). */
  connections: number;
  /** Asterisk refused the credentials; recording stopped. */
  loginRefused: boolean;
}

// `[^\r\n]*` keeps the CR: the masked line must still end in CRLF for decoders.
const MASKED = /^(Secret|Key): [^\r\n]*/gim;

/** The wire text with `Secret:` and `Key:` values replaced; nothing else changes. */
export function maskSecrets(wire: string): string {
  return wire.replace(MASKED, (_line, key: string) => `${key}: ********`);
}

export async function recordTrace(options: RecordOptions): Promise<RecordSummary> {
  const started = Date.now();
  const summary: RecordSummary = { lines: 0, connections: 0, loginRefused: false };
  const emit = (dir: 'in' | 'out', raw: string, conn: number): void => {
    if (raw === '') return;
    summary.lines++;
    options.write(JSON.stringify({ t: Date.now() - started, dir, raw, conn }));
  };
  while (!options.signal.aborted) {
    const result = await recordConnection(options, () => ++summary.connections, emit);
    if (result === 'login-refused') {
      summary.loginRefused = true;
      break;
    }
    if (options.signal.aborted) break;
    options.log(
      result === 'not-connected'
        ? `AMI connect to ${options.host}:${options.port} failed; retrying`
        : `AMI connection ${summary.connections} closed; reconnecting`,
    );
    await abortableDelay(options.reconnectDelayMs ?? 1000, options.signal);
  }
  return summary;
}

function recordConnection(
  options: RecordOptions,
  nextConn: () => number,
  emit: (dir: 'in' | 'out', raw: string, conn: number) => void,
): Promise<'closed' | 'not-connected' | 'login-refused'> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: options.host, port: options.port });
    const decoder = new StringDecoder('utf8');
    let conn = 0;
    let loginRefused = false;
    let loggedIn = false;
    const send = (action: AmiAction): void => {
      const wire = serializeAction(action);
      emit('out', maskSecrets(wire), conn);
      socket.write(wire);
    };
    const login = (challenge: string | undefined): void => {
      const headers: Record<string, string> = { Username: options.username, Events: options.events };
      if (challenge === undefined) headers.Secret = options.secret;
      else {
        headers.AuthType = 'MD5';
        headers.Key = createHash('md5')
          .update(challenge + options.secret)
          .digest('hex');
      }
      send({ action: 'Login', actionId: 'rec-login', headers });
    };
    const parser = new AmiParser({
      greeting: () => {
        if (options.auth === 'md5')
          send({ action: 'Challenge', actionId: 'rec-challenge', headers: { AuthType: 'MD5' } });
        else login(undefined);
      },
      message: (m: AmiMessage) => {
        if (m.actionId === 'rec-challenge') login(m.get('Challenge') ?? '');
        else if (m.actionId === 'rec-login') {
          if (m.response === 'Success') loggedIn = true;
          else loginRefused = true;
        }
      },
      // The trace keeps the bytes whatever they are; only login needs parsing here.
      error: () => {},
    });
    const onAbort = (): void => {
      if (!loggedIn || socket.destroyed) {
        socket.destroy();
        return;
      }
      send({ action: 'Logoff', actionId: 'rec-logoff' });
      // Asterisk answers Goodbye and closes; do not wait long for a server that does not.
      setTimeout(() => socket.destroy(), 500).unref();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      conn = nextConn();
    });
    socket.on('data', (chunk: Buffer) => {
      emit('in', decoder.write(chunk), conn);
      parser.push(chunk);
    });
    socket.on('error', (error) => options.log(`AMI connection to ${options.host}:${options.port}: ${error.message}`));
    socket.on('close', () => {
      if (conn > 0) emit('in', decoder.end(), conn);
      options.signal.removeEventListener('abort', onAbort);
      if (loginRefused) resolve('login-refused');
      else resolve(conn > 0 ? 'closed' : 'not-connected');
    });
  });
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
