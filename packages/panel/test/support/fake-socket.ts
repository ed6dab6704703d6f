/** A stand-in for the browser's WebSocket behind `OpenSocket`: the test plays the server. */
import type { ClientSocket, OpenSocket, SocketListener } from '../../src/client/client-socket.js';

export class FakeSocket implements ClientSocket {
  readonly sent: unknown[] = [];
  closedWith: { code: number; reason: string } | null = null;

  constructor(
    readonly url: string,
    readonly listener: SocketListener,
  ) {}

  send(text: string): void {
    this.sent.push(JSON.parse(text));
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }

  // ---- the server's side ----

  open(): void {
    this.listener.onOpen();
  }

  /** One server frame: a JSON array of messages. */
  receive(...messages: unknown[]): void {
    this.listener.onMessage(JSON.stringify(messages));
  }

  receiveRaw(text: string): void {
    this.listener.onMessage(text);
  }

  drop(code = 1006, reason = ''): void {
    this.listener.onClose(code, reason);
  }
}

export class FakeNetwork {
  readonly sockets: FakeSocket[] = [];
  readonly open: OpenSocket = (url, listener) => {
    const socket = new FakeSocket(url, listener);
    this.sockets.push(socket);
    return socket;
  };

  get last(): FakeSocket {
    const socket = this.sockets[this.sockets.length - 1];
    if (!socket) throw new Error('no socket was opened');
    return socket;
  }
}
