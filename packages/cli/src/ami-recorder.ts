/**
 * Taps a live AMI into trace lines. Works on raw sockets rather than AmiClient because the
 * trace must hold the exact bytes, banner and login included (with secrets masked).
 *
 * UTF-8: a TCP read may end inside a multi-byte character. `raw` is JSON text, so each line
 * holds what decodes completely and the trailing partial bytes move to the next line; the
 * concatenation of a stream's lines is still its exact byte stream.
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
  reconnectDelayMs?: number;
}

const MASKED = /^(Secret|Key): .*$/gim;

export async function recordTrace(options: RecordOptions): Promise<{ lines: number; connections: number }> {
  const started = Date.now();
  let lines = 0;
  let conn = 0;
  const emit = (dir: 'in' | 'out', raw: string, connNo: number): void => {
    if (raw === '') return;
    lines++;
    options.write(JSON.stringify({ t: Date.now() - started, dir, raw, conn: connNo }));
  };
  while (!options.signal.aborted) {
    conn++;
    const result = await recordConnection(options, conn, emit);
    if (result === 'login-failed') {
      options.log('AMI login refused; check the user and secret');
      break;
    }
    if (options.signal.aborted) break;
    options.log(`AMI connection ${conn} closed; reconnecting`);
    await new Promise((r) => setTimeout(r, options.reconnectDelayMs ?? 1000));
  }
  return { lines, connections: conn };
}

function recordConnection(
  options: RecordOptions,
  conn: number,
  emit: (dir: 'in' | 'out', raw: string, conn: number) => void,
): Promise<'closed' | 'login-failed'> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: options.host, port: options.port });
    const decoder = new StringDecoder('utf8');
    let loginFailed = false;
    let loggedIn = false;
    const send = (action: AmiAction): void => {
      const wire = serializeAction(action);
      emit(
        'out',
        wire.replace(MASKED, (line) => `${line.slice(0, line.indexOf(':'))}: ********`),
        conn,
      );
      socket.write(wire);
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
          else loginFailed = true;
        }
      },
      error: () => {},
    });
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
    const onAbort = (): void => {
      if (loggedIn && !socket.destroyed) send({ action: 'Logoff', actionId: 'rec-logoff' });
      setTimeout(() => socket.destroy(), 500).unref();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    socket.on('data', (chunk: Buffer) => {
      emit('in', decoder.write(chunk), conn);
      parser.push(chunk);
    });
    socket.on('error', (error) => options.log(`AMI connection ${conn}: ${error.message}`));
    socket.on('close', () => {
      emit('in', decoder.end(), conn);
      options.signal.removeEventListener('abort', onAbort);
      resolve(loginFailed ? 'login-failed' : 'closed');
    });
  });
}
