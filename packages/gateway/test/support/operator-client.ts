/**
 * A real WebSocket client speaking the operator protocol, for end-to-end tests: it keeps every
 * message the gateway sent (to assert on what an operator may see) and waits for messages.
 */
import WebSocket from 'ws';
import type {
  EventMessage,
  OperatorCall,
  OperatorCommand,
  ReplyMessage,
  ServerMessage,
  WelcomeMessage,
} from '@callgate/contracts';

export class OperatorClient {
  readonly received: ServerMessage[] = [];
  readonly frames: string[] = [];
  closeCode: number | undefined;
  #ws: WebSocket;
  #waiters: Array<{ test: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }> = [];
  #closeWaiters: Array<(code: number) => void> = [];
  #nextId = 0;
  /** Command ids are per operator across tabs: each client gets its own prefix. */
  readonly #idPrefix = `t${Math.random().toString(36).slice(2, 8)}`;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data) => {
      const text = (data as Buffer).toString('utf8');
      this.frames.push(text);
      const batch = JSON.parse(text) as ServerMessage[];
      for (const message of batch) {
        this.received.push(message);
        for (const w of [...this.#waiters]) {
          if (w.test(message)) {
            this.#waiters.splice(this.#waiters.indexOf(w), 1);
            w.resolve(message);
          }
        }
      }
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      for (const w of this.#closeWaiters.splice(0)) w(code);
    });
  }

  static async connect(url: string): Promise<OperatorClient> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/operator`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new OperatorClient(ws);
  }

  /** Connects and completes the hello; resolves with the welcome. */
  static async login(
    url: string,
    token: string,
    resume?: { streamId: string; lastSeq: number },
  ): Promise<{ client: OperatorClient; welcome: WelcomeMessage }> {
    const client = await OperatorClient.connect(url);
    const welcome = client.waitFor((m) => m.type === 'welcome');
    client.sendRaw(JSON.stringify({ type: 'hello', v: 1, token, ...(resume ? { resume } : {}) }));
    return { client, welcome: (await welcome) as WelcomeMessage };
  }

  sendRaw(text: string | Buffer): void {
    this.#ws.send(text);
  }

  /**
   * Sends frames in one TCP write (the socket corked around them), so the gateway reads them
   * together, as from a client that sends faster than it answers.
   */
  sendRawTogether(texts: string[]): void {
    // ws keeps its net.Socket in `_socket`; corking it is the only way to batch frames.
    const socket = (this.#ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
    socket.cork();
    for (const text of texts) this.#ws.send(text);
    socket.uncork();
  }

  /** Sends a command and resolves with its final reply (done or failed). */
  async command(command: OperatorCommand, id = `${this.#idPrefix}-${++this.#nextId}`): Promise<ReplyMessage> {
    const final = this.next((m) => m.type === 'reply' && m.id === id && m.status !== 'accepted', 30_000);
    this.sendRaw(JSON.stringify({ type: 'command', id, command }));
    return (await final) as ReplyMessage;
  }

  waitFor(test: (m: ServerMessage) => boolean, timeoutMs = 15_000): Promise<ServerMessage> {
    const already = this.received.find(test);
    if (already) return Promise.resolve(already);
    return this.#wait(test, timeoutMs);
  }

  /** Waits for a message that arrives after now (ignores what was already received). */
  next(test: (m: ServerMessage) => boolean, timeoutMs = 15_000): Promise<ServerMessage> {
    return this.#wait(test, timeoutMs);
  }

  #wait(test: (m: ServerMessage) => boolean, timeoutMs: number): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const waiter = {
        test,
        resolve: (m: ServerMessage) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for a message; got: ${JSON.stringify(this.received.slice(-5))}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  waitClose(timeoutMs = 10_000): Promise<number> {
    if (this.closeCode !== undefined) return Promise.resolve(this.closeCode);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
      this.#closeWaiters.push((code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  close(): void {
    this.#ws.close();
  }
}

/** Matches an operator event of `kind` about a call that passes `test`. */
export const isEvent =
  (kind: string, test: (call: OperatorCall) => boolean = () => true) =>
  (m: ServerMessage): boolean =>
    m.type === 'event' && m.event.kind === kind && 'call' in m.event && test(m.event.call);

/** The call an operator event is about (throws on any other message). */
export function callOf(m: ServerMessage): OperatorCall {
  if (m.type !== 'event' || !('call' in m.event)) throw new Error(`not a call event: ${JSON.stringify(m)}`);
  return (m as EventMessage & { event: { call: OperatorCall } }).event.call;
}
