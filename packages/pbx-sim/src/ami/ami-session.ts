/**
 * One AMI connection as Asterisk's manager keeps it: who logged in, which event classes it
 * reads (the user's `read` narrowed by the Login/Events mask), its filters, and a write path
 * that drops a client that stops reading instead of buffering without bound.
 */
import type net from 'node:net';
import type { AmiUser } from './ami-users.js';
import type { EventClass, SimEvent } from '../model/sim-event.js';
import { formatMessage } from './wire.js';

/** A client that leaves this much unread is disconnected (Asterisk drops sessions whose writes time out). */
export const MAX_SESSION_BACKLOG_BYTES = 16 * 1024 * 1024;

export class AmiSession {
  readonly id: number;
  readonly socket: net.Socket;
  readonly openedAt: number;
  /** `0x7f…`: Asterisk prints the session's address; ours is stable per session. */
  readonly sessionId: string;
  user: AmiUser | undefined;
  /** Classes the session asked for (Login `Events:`, `Events` action); undefined = all its user reads. */
  mask: Set<EventClass> | 'off' | undefined;
  challenge: string | undefined;
  readonly allowFilters: RegExp[] = [];
  readonly denyFilters: RegExp[] = [];
  /** Actions of one session run one after another, as in Asterisk's per-session thread. */
  queue: Promise<void> = Promise.resolve();
  closing = false;
  /** Why the session was dropped, for logs. */
  dropReason: string | undefined;

  constructor(id: number, socket: net.Socket, openedAt: number) {
    this.id = id;
    this.socket = socket;
    this.openedAt = openedAt;
    this.sessionId = `0x7f4c${(0xd0000000 + id * 0x1460).toString(16).padStart(8, '0')}`;
  }

  get authenticated(): boolean {
    return this.user !== undefined;
  }

  get localAddress(): string {
    return `IPV4/TCP/${this.socket.localAddress ?? '127.0.0.1'}/${this.socket.localPort ?? 0}`;
  }

  get remoteAddress(): string {
    return `IPV4/TCP/${stripV6(this.socket.remoteAddress ?? '127.0.0.1')}/${this.socket.remotePort ?? 0}`;
  }

  /** Whether an event of this class goes to this session. */
  reads(eventClass: EventClass): boolean {
    if (!this.user || this.mask === 'off') return false;
    if (!this.user.read.has(eventClass)) return false;
    return this.mask === undefined || this.mask.has(eventClass);
  }

  wants(e: SimEvent, text: string): boolean {
    if (!this.reads(e.eventClass)) return false;
    if (this.allowFilters.length > 0 && !this.allowFilters.some((r) => r.test(text))) return false;
    return !this.denyFilters.some((r) => r.test(text));
  }

  send(fields: readonly string[]): void {
    this.write(formatMessage(fields));
  }

  write(text: string | Buffer): void {
    if (this.closing || this.socket.destroyed) return;
    if (this.socket.writableLength > MAX_SESSION_BACKLOG_BYTES) {
      this.dropReason = 'client stopped reading (backlog over 16 MiB)';
      this.closing = true;
      this.socket.destroy();
      return;
    }
    this.socket.write(text);
  }

  /** Sends what is queued, then closes (Logoff, failed login, shutdown). */
  end(): void {
    if (this.closing) return;
    this.closing = true;
    this.socket.end();
  }
}

function stripV6(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
