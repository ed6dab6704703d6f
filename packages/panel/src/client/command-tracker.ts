/**
 * Every command the panel sent, from the click to the gateway's last word: `sending` (written,
 * no reply yet), `accepted`, then `done` or `failed` with a code (docs/protocol.md,
 * "Commands"). Buttons show the latest entry for their action.
 *
 * Commands are never queued while the gateway is unreachable (a click-to-call that runs a
 * minute late is worse than one that fails now). A command already sent when the connection
 * dropped is sent again with the same id after the reconnect: the gateway never runs an id twice
 * and answers with the stored result, so the button learns what really happened.
 */
import type { OperatorCommand, ReplyMessage } from '@callgate/contracts';
import { PanelErrorCode } from '../errors.js';

export type CommandPhase = 'sending' | 'accepted' | 'done' | 'failed';

export interface CommandEntry {
  readonly id: string;
  readonly command: OperatorCommand;
  readonly phase: CommandPhase;
  /** With `failed`: a `GW_ERR_…` or `PANEL_ERR_…` code. */
  readonly code: string | null;
  readonly message: string | null;
  readonly callId: string | null;
  readonly sentAt: number;
  readonly settledAt: number | null;
}

/** The gateway remembers command ids for at least 10 minutes (docs/protocol.md). */
export const RESEND_WINDOW_MS = 10 * 60_000;
/** Settled entries kept (the newest); buttons only look at the latest per action. */
const MAX_SETTLED = 50;

export class CommandTracker {
  #entries = new Map<string, CommandEntry>();

  get entries(): readonly CommandEntry[] {
    return [...this.#entries.values()];
  }

  get(id: string): CommandEntry | undefined {
    return this.#entries.get(id);
  }

  /** A command that was written to the socket. */
  sent(id: string, command: OperatorCommand, now: number): CommandEntry {
    return this.#put({
      id,
      command,
      phase: 'sending',
      code: null,
      message: null,
      callId: 'callId' in command ? command.callId : null,
      sentAt: now,
      settledAt: null,
    });
  }

  /** A command refused before it was sent (not connected, invalid number). */
  refused(id: string, command: OperatorCommand, code: string, message: string, now: number): CommandEntry {
    return this.#put({
      id,
      command,
      phase: 'failed',
      code,
      message,
      callId: 'callId' in command ? command.callId : null,
      sentAt: now,
      settledAt: now,
    });
  }

  /**
   * A reply from the gateway; replies to commands of another tab (replies go to every
   * connection of the operator) are ignored. Returns the updated entry.
   */
  reply(reply: ReplyMessage, now: number): CommandEntry | undefined {
    const entry = this.#entries.get(reply.id);
    if (!entry) return undefined;
    // A late `accepted` never undoes a final answer (a duplicate reply can repeat either).
    if (reply.status === 'accepted' && (entry.phase === 'done' || entry.phase === 'failed')) return entry;
    return this.#put({
      ...entry,
      phase: reply.status,
      code: reply.code,
      message: reply.message,
      callId: reply.callId ?? entry.callId,
      settledAt: reply.status === 'accepted' ? null : now,
    });
  }

  /**
   * After a reconnect: the commands to send again (same id), oldest first. Those too old for
   * the gateway to remember fail with PANEL_ERR_OUTCOME_UNKNOWN instead.
   */
  unsettled(now: number): CommandEntry[] {
    const resend: CommandEntry[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.phase !== 'sending' && entry.phase !== 'accepted') continue;
      if (now - entry.sentAt < RESEND_WINDOW_MS) {
        resend.push(entry);
      } else {
        this.#put({
          ...entry,
          phase: 'failed',
          code: PanelErrorCode.OutcomeUnknown,
          message: 'the connection dropped after the command was sent; check the call',
          settledAt: now,
        });
      }
    }
    return resend.sort((a, b) => a.sentAt - b.sentAt);
  }

  /** The connection is gone for good (logged out, stopped): nothing is pending any more. */
  abandonAll(now: number): void {
    for (const entry of this.#entries.values()) {
      if (entry.phase === 'sending' || entry.phase === 'accepted') {
        this.#put({
          ...entry,
          phase: 'failed',
          code: PanelErrorCode.OutcomeUnknown,
          message: 'the connection ended before the gateway answered',
          settledAt: now,
        });
      }
    }
  }

  #put(entry: CommandEntry): CommandEntry {
    this.#entries.delete(entry.id);
    this.#entries.set(entry.id, entry);
    this.#prune();
    return entry;
  }

  #prune(): void {
    let settled = 0;
    for (const entry of this.#entries.values()) if (entry.settledAt !== null) settled++;
    for (const [id, entry] of this.#entries) {
      if (settled <= MAX_SETTLED) break;
      if (entry.settledAt !== null) {
        this.#entries.delete(id);
        settled--;
      }
    }
  }
}
