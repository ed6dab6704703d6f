/**
 * Hub commands (a CRM-initiated call, a supervisor pausing or logging out an operator) run
 * through the same command executor as the operator's own commands — same number checks, rate
 * limits, AMI actions and idempotency — on behalf of the named operator, under the command id
 * `hub:<commandId>`. The executor's final reply for such an id is caught here and becomes the
 * uplink's `done`/`failed`; it is not sent to the operator's browser (the call itself shows up
 * there as any call does).
 */
import {
  UplinkErrorCode,
  type HubCommand,
  type OperatorCommand,
  type ReplyMessage,
  type SiteOperator,
} from '@callgate/contracts';
import type { HubCommandOutcome } from './uplink-client.js';

const PREFIX = 'hub:';

export type RunOperatorCommand = (operator: SiteOperator, id: string, command: OperatorCommand) => Promise<void>;

export class HubCommandBridge {
  private readonly waiting = new Map<string, (outcome: HubCommandOutcome) => void>();

  constructor(
    private readonly operators: () => readonly SiteOperator[],
    private readonly run: RunOperatorCommand,
  ) {}

  /** The uplink's `onCommand`. */
  handle(command: HubCommand, commandId: string): Promise<HubCommandOutcome> {
    const operator = this.operators().find((o) => o.id === command.operatorId);
    if (!operator) {
      return Promise.resolve({
        status: 'failed',
        code: UplinkErrorCode.UnknownOperator,
        message: `operator ${command.operatorId} is not configured at this site`,
      });
    }
    const id = `${PREFIX}${commandId}`;
    const key = `${operator.id}|${id}`;
    const outcome = new Promise<HubCommandOutcome>((resolve) => this.waiting.set(key, resolve));
    this.run(operator, id, toOperatorCommand(command)).catch((error: unknown) =>
      this.settle(operator.id, {
        type: 'reply',
        id,
        status: 'failed',
        code: 'GW_ERR_OUTCOME_UNKNOWN',
        message: error instanceof Error ? error.message : String(error),
        callId: null,
        duplicate: false,
      }),
    );
    return outcome;
  }

  /**
   * Give every executor reply here first: true when it answered a hub command (and must not go
   * to the operator's sockets).
   */
  settle(operatorId: string, reply: ReplyMessage): boolean {
    if (!reply.id.startsWith(PREFIX)) return false;
    if (reply.status === 'accepted') return true;
    const key = `${operatorId}|${reply.id}`;
    const resolve = this.waiting.get(key);
    if (resolve) {
      this.waiting.delete(key);
      resolve({ status: reply.status, code: reply.code, message: reply.message, callId: reply.callId });
    }
    return true;
  }
}

function toOperatorCommand(command: HubCommand): OperatorCommand {
  switch (command.name) {
    case 'dial':
      return command.crmRef === undefined
        ? { name: 'dial', number: command.number }
        : { name: 'dial', number: command.number, crmRef: command.crmRef };
    case 'set-status':
      return command.reason === undefined
        ? { name: 'set-status', status: command.status }
        : { name: 'set-status', status: command.status, reason: command.reason };
    case 'log-out':
      return { name: 'log-out' };
  }
}
