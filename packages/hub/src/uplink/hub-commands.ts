/**
 * Commands from the hub to a site (a CRM-initiated call, a supervisor action), each answered by
 * the gateway with `accepted`, then `done` or `failed`. A command sent while the site is not
 * linked fails at once (UPLINK_ERR_SITE_OFFLINE): a CRM user clicking "call" wants to know now.
 * Once sent, it is re-sent with the same id after every reconnect until its deadline; the
 * gateway runs an id at most once and answers a repeat with the stored result. No final answer
 * by the deadline is UPLINK_ERR_COMMAND_TIMEOUT: it may or may not have run.
 */
import { randomUUID } from 'node:crypto';
import { UplinkErrorCode, type HubCommand, type HubCommandReply, type UplinkCommand } from '@callgate/contracts';

export interface SendCommandOptions {
  /** Idempotency key; a fresh UUID when omitted. Re-using an id returns the first command's result. */
  commandId?: string;
  /** How long to wait for done/failed (default 30 s). */
  timeoutMs?: number;
  /** Called once when the gateway accepted the command. */
  onAccepted?: () => void;
}

interface Pending {
  site: string;
  message: UplinkCommand;
  promise: Promise<HubCommandReply>;
  resolve(reply: HubCommandReply): void;
  timer: NodeJS.Timeout;
  accepted: boolean;
  onAccepted: (() => void) | undefined;
}

export interface CommandLink {
  /** Sends the command on the site's current link; false when the site is not linked. */
  send(site: string, message: UplinkCommand): boolean;
}

const failed = (commandId: string, code: string, message: string): HubCommandReply => ({
  commandId,
  status: 'failed',
  code,
  message,
  callId: null,
  duplicate: false,
});

export class HubCommands {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly link: CommandLink,
    private readonly now: () => number,
  ) {}

  send(site: string, command: HubCommand, options: SendCommandOptions = {}): Promise<HubCommandReply> {
    const commandId = options.commandId ?? randomUUID();
    const existing = this.pending.get(commandId);
    if (existing) return existing.promise;
    const timeoutMs = options.timeoutMs ?? 30_000;
    const message: UplinkCommand = {
      type: 'command',
      commandId,
      command,
      deadline: new Date(this.now() + timeoutMs).toISOString(),
    };
    let resolve!: (reply: HubCommandReply) => void; // assigned by the Promise executor right below
    const promise = new Promise<HubCommandReply>((r) => (resolve = r));
    const entry: Pending = {
      site,
      message,
      promise,
      resolve,
      accepted: false,
      onAccepted: options.onAccepted,
      timer: setTimeout(
        () =>
          this.settle(
            failed(
              commandId,
              UplinkErrorCode.CommandTimeout,
              `no result from site ${site} within ${timeoutMs} ms; the command may or may not have run`,
            ),
          ),
        timeoutMs,
      ),
    };
    this.pending.set(commandId, entry);
    if (!this.link.send(site, message)) {
      this.settle(failed(commandId, UplinkErrorCode.SiteOffline, `site ${site} is not connected to the hub`));
    }
    return promise;
  }

  /** A reply from `site`; replies naming another site's command are ignored (returns false). */
  onReply(site: string, reply: HubCommandReply): boolean {
    const entry = this.pending.get(reply.commandId);
    if (!entry || entry.site !== site) return false;
    if (reply.status === 'accepted') {
      if (!entry.accepted) {
        entry.accepted = true;
        entry.onAccepted?.();
      }
      return true;
    }
    if (!entry.accepted) entry.onAccepted?.();
    this.settle(reply);
    return true;
  }

  /** The site (re)connected: send it every command still waiting. */
  relinked(site: string): void {
    for (const entry of this.pending.values()) if (entry.site === site) this.link.send(site, entry.message);
  }

  /** Fails everything still waiting (hub shutting down). */
  close(): void {
    for (const entry of [...this.pending.values()]) {
      this.settle(
        failed(
          entry.message.commandId,
          UplinkErrorCode.CommandTimeout,
          'the hub shut down before the site answered; the command may or may not have run',
        ),
      );
    }
  }

  private settle(reply: HubCommandReply): void {
    const entry = this.pending.get(reply.commandId);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(reply.commandId);
    entry.resolve(reply);
  }
}
