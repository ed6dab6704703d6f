/**
 * The one thing the connection state machines need from a WebSocket, so they run against the
 * browser's WebSocket in the panel and a small fake in unit tests.
 */
export interface ClientSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
}

export interface SocketListener {
  onOpen(): void;
  onMessage(text: string): void;
  /** Called once, whatever ended the socket (close frame, network error, failed connect). */
  onClose(code: number, reason: string): void;
}

export type OpenSocket = (url: string, listener: SocketListener) => ClientSocket;

/** The browser's WebSocket behind `OpenSocket`. Binary frames are not part of any protocol here. */
export const openBrowserSocket: OpenSocket = (url, listener) => {
  const ws = new WebSocket(url);
  let closed = false;
  ws.onopen = () => listener.onOpen();
  ws.onmessage = (event: MessageEvent) => {
    if (typeof event.data === 'string') listener.onMessage(event.data);
  };
  ws.onclose = (event: CloseEvent) => {
    if (closed) return;
    closed = true;
    listener.onClose(event.code, event.reason);
  };
  return {
    send: (text) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
    },
    close: (code, reason) => {
      closed = true;
      try {
        ws.close(code, reason);
      } catch {
        ws.close();
      }
    },
  };
};

/**
 * `https://gw.example.com` + `/operator` → `wss://gw.example.com/operator`; a base with a path
 * (`https://proxy.example.com/moscow/`) keeps it (`…/moscow/operator`).
 */
export function webSocketUrl(base: string, path: string): string {
  const url = new URL(path.replace(/^\/+/, ''), base.endsWith('/') ? base : `${base}/`);
  if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol === 'http:') url.protocol = 'ws:';
  return url.toString();
}
