/**
 * Operator commands → AMI actions, with the guarantees of ARCHITECTURE.md: every command has a
 * client-chosen id, is answered `accepted` then `done` or `failed` with a reason code, and a
 * re-sent id never runs twice. An operator can only act on their own calls: every call
 * command looks the call up among the operator's calls, so another operator's call id is
 * simply unknown.
 *
 * AMI actions used and the Asterisk behaviour relied on (fixtures/ami, docs/asterisk.md):
 * - dial: async Originate of the operator's endpoint with auto-answer, into the click-to-call
 *   context, carrying `__CALLGATE_CALL_ID` (inherited by the customer leg, recording 07); the
 *   `OriginateResponse` event (by ActionID) says whether the operator's phone answered.
 * - hangup: Hangup of the operator's channel. transfer: BlindTransfer (recording 11).
 * - attended transfer: Atxfer (recording 12); completing it = hanging up the operator's first
 *   leg; cancelling = CancelAtxfer.
 * - dtmf: PlayDTMF on the other party's channel. status: QueuePause without Queue (all of the
 *   operator's queues, recording 13). log in/out: QueueAdd/QueueRemove per queue.
 */
import { randomBytes } from 'node:crypto';
import { AmiError, AmiErrorCode, actions, type AmiAction } from '@callgate/ami';
import type { OperatorCommand, ReplyMessage, SiteConfig, SiteOperator } from '@callgate/contracts';
import { GatewayError, GatewayErrorCode } from '../errors.js';
import type { CommandStore, StoredReply } from './command-store.js';
import { checkDialNumber, type DialTarget } from './dial-number.js';
import type { HoldControl } from './hold-control.js';
import type { RateLimiter } from './rate-limiter.js';
import type { TelephonyPort } from './telephony-port.js';
import { WRAP_UP_REASON } from './operator-view.js';

export interface CommandExecutorDeps {
  config: SiteConfig;
  telephony: TelephonyPort;
  store: CommandStore;
  hold: HoldControl;
  /** All commands, per operator. */
  limiter: RateLimiter;
  /** Click-to-call only, per operator (Originates are expensive and reach customers). */
  dialLimiter: RateLimiter;
  now: () => number;
  /** Sends a reply to every connection of the operator. */
  reply: (operatorId: string, reply: ReplyMessage) => void;
  /** Wrap-up ends early when the operator says so. */
  endWrapUp: (operatorId: string) => void;
  /** Structured log of each command's outcome (never the token). */
  log: (fields: Record<string, unknown>, message: string) => void;
  newCallId?: () => string;
}

type Outcome = { status: 'done' | 'failed'; code: string | null; message: string | null; callId: string | null };

const done = (callId: string | null = null): Outcome => ({ status: 'done', code: null, message: null, callId });
const failed = (code: GatewayErrorCode, message: string, callId: string | null = null): Outcome => ({
  status: 'failed',
  code,
  message,
  callId,
});

/** `cg-<time>-<random>`: unique across restarts and sites, safe in AMI values and URLs. */
export function newCallId(): string {
  return `cg-${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;
}

/** Asterisk's originate reasons (OriginateResponse `Reason`, include/asterisk/frame.h). */
function originateFailure(reason: number): Outcome {
  switch (reason) {
    case 3:
      return failed(GatewayErrorCode.PhoneNoAnswer, 'your phone did not answer');
    case 5:
    case 1:
      return failed(GatewayErrorCode.PhoneBusy, 'your phone rejected the call');
    default:
      // 0: the endpoint is unknown or not registered (recording 09 a/b); 8: congestion.
      return failed(GatewayErrorCode.PhoneUnavailable, 'your phone is not reachable');
  }
}

export function autoAnswerVariables(config: SiteConfig): Record<string, string> {
  const host = config.autoAnswer.callInfoHost;
  switch (config.autoAnswer.method) {
    case 'pjsip-call-info':
      return { 'PJSIP_HEADER(add,Call-Info)': `<sip:${host}>;answer-after=0` };
    case 'pjsip-alert-info':
      return { 'PJSIP_HEADER(add,Alert-Info)': '<http://localhost>;info=alert-autoanswer;delay=0' };
    case 'sip-call-info':
      return { SIPADDHEADER: `Call-Info: <sip:${host}>;answer-after=0` };
    case 'sip-alert-info':
      return { SIPADDHEADER: 'Alert-Info: info=alert-autoanswer' };
    case 'none':
      return {};
  }
}

export class CommandExecutor {
  readonly #d: CommandExecutorDeps;
  readonly #newCallId: () => string;

  constructor(deps: CommandExecutorDeps) {
    this.#d = deps;
    this.#newCallId = deps.newCallId ?? newCallId;
  }

  /** Runs one command to its final reply. Never throws. */
  async handle(operator: SiteOperator, id: string, command: OperatorCommand): Promise<void> {
    const d = this.#d;
    const now = d.now();
    const send = (reply: StoredReply, duplicate = false): void =>
      d.reply(operator.id, { type: 'reply', id, duplicate, ...reply });

    // A repeated id is answered from the store first: re-sending after a reconnect must not
    // count against the rate limit, and never runs anything.
    const begun = d.store.lookup(operator.id, id) ?? d.store.begin(operator.id, id, command.name, now);
    if (begun.fresh && !d.limiter.take(operator.id, now)) {
      // Forgotten again: the same id may be retried once the operator slows down.
      d.store.forget(operator.id, id);
      send({
        status: 'failed',
        code: GatewayErrorCode.RateLimited,
        message: 'too many commands; wait a moment',
        callId: null,
      });
      return;
    }
    if (!begun.fresh) {
      if (begun.interrupted) {
        send(
          {
            status: 'failed',
            code: GatewayErrorCode.Interrupted,
            message: 'the gateway restarted while this command ran; check the call before retrying',
            callId: begun.reply.callId,
          },
          true,
        );
      } else send(begun.reply, true);
      return;
    }

    const finish = (outcome: Outcome): void => {
      d.store.finish(operator.id, id, outcome, d.now());
      send(outcome);
      d.log(
        {
          operatorId: operator.id,
          commandId: id,
          command: command.name,
          status: outcome.status,
          code: outcome.code,
          callId: outcome.callId,
        },
        'operator command',
      );
    };

    let outcome: Outcome;
    try {
      outcome = await this.#run(operator, command, (callId) => {
        d.store.finish(operator.id, id, { status: 'accepted', code: null, message: null, callId }, d.now());
        send({ status: 'accepted', code: null, message: null, callId });
      });
    } catch (error) {
      if (error instanceof GatewayError && error.code === GatewayErrorCode.RateLimited) {
        d.store.forget(operator.id, id);
        send({ status: 'failed', code: error.code, message: error.message, callId: null });
        return;
      }
      outcome = this.#fromError(error);
    }
    finish(outcome);
  }

  #fromError(error: unknown): Outcome {
    if (error instanceof GatewayError) return failed(error.code, error.message);
    if (error instanceof AmiError) {
      switch (error.code) {
        case AmiErrorCode.NotConnected:
        case AmiErrorCode.Closed:
        case AmiErrorCode.Backpressure:
          return failed(GatewayErrorCode.TelephonyDown, 'telephony is not connected; nothing was done');
        case AmiErrorCode.Timeout:
        case AmiErrorCode.Disconnected:
          return failed(GatewayErrorCode.OutcomeUnknown, 'telephony did not confirm; check the call before retrying');
        case AmiErrorCode.ActionFailed:
          return failed(GatewayErrorCode.AsteriskRefused, error.message);
        default:
          return failed(GatewayErrorCode.AsteriskRefused, error.message);
      }
    }
    return failed(GatewayErrorCode.OutcomeUnknown, error instanceof Error ? error.message : String(error));
  }

  async #run(
    operator: SiteOperator,
    command: OperatorCommand,
    accept: (callId: string | null) => void,
  ): Promise<Outcome> {
    const t = this.#d.telephony;
    switch (command.name) {
      case 'dial':
        return this.#dial(operator, command.number, command.crmRef ?? null, accept);
      case 'set-status':
        return this.#setStatus(operator, command.status, command.reason, accept);
      case 'end-wrap-up':
        return this.#endWrapUp(operator, accept);
      case 'log-in':
        return this.#logIn(operator, accept);
      case 'log-out':
        return this.#logOut(operator, accept);
      default:
        break;
    }
    // Everything else acts on one of the operator's own calls.
    const call = t.callsOf(operator.id).find((c) => c.callId === command.callId);
    if (!call) return failed(GatewayErrorCode.UnknownCall, 'no such call of yours is in progress', command.callId);
    const { callId } = call;
    const own = call.channel;
    if (own === null)
      return failed(GatewayErrorCode.InvalidState, 'your phone is not connected to the call yet', callId);
    const connected = (): Outcome | undefined =>
      call.state === 'talking' || call.state === 'on-hold'
        ? undefined
        : failed(GatewayErrorCode.InvalidState, `the call is ${call.state}`, callId);
    switch (command.name) {
      case 'hangup':
        accept(callId);
        t.hangupRequested(callId, operator.id);
        await this.#ami(actions.hangup(own, 16));
        return done(callId);
      case 'hold':
      case 'unhold': {
        const bad = connected();
        if (bad) return bad;
        if ((command.name === 'hold') === (call.state === 'on-hold')) {
          return failed(GatewayErrorCode.InvalidState, `the call is already ${call.state}`, callId);
        }
        if (!this.#d.hold.available) {
          return failed(
            GatewayErrorCode.HoldUnavailable,
            "hold from the browser is not set up here; use your phone's hold key",
            callId,
          );
        }
        const uniqueid = t.channelUniqueid(own);
        if (uniqueid === undefined) return failed(GatewayErrorCode.UnknownCall, 'the call is gone', callId);
        accept(callId);
        const target = { callId, channel: own, uniqueid };
        if (command.name === 'hold') await this.#d.hold.hold(target);
        else await this.#d.hold.unhold(target);
        return done(callId);
      }
      case 'transfer':
      case 'attended-transfer-start': {
        const bad = connected();
        if (bad) return bad;
        const target = this.#transferTarget(operator, command.to);
        if (!target.ok) return { ...target.outcome, callId };
        accept(callId);
        const { context, exten } = target;
        await this.#ami(
          command.name === 'transfer'
            ? actions.blindTransfer(own, context, exten)
            : actions.atxfer(own, context, exten),
        );
        return done(callId);
      }
      case 'attended-transfer-complete':
        if (call.state !== 'consulting')
          return failed(GatewayErrorCode.InvalidState, 'no transfer in progress', callId);
        accept(callId);
        // Asterisk completes an attended transfer when the transferer hangs up (recording 12).
        await this.#ami(actions.hangup(own, 16));
        return done(callId);
      case 'attended-transfer-cancel':
        if (call.state !== 'consulting')
          return failed(GatewayErrorCode.InvalidState, 'no transfer in progress', callId);
        accept(callId);
        await this.#ami(actions.cancelAtxfer(own));
        return done(callId);
      case 'dtmf': {
        const peer = call.peerChannel;
        if (peer === null || call.state !== 'talking') {
          return failed(GatewayErrorCode.InvalidState, 'DTMF needs a connected call', callId);
        }
        accept(callId);
        for (const digit of command.digits) await this.#ami(actions.playDtmf(peer, digit, 250));
        return done(callId);
      }
    }
  }

  #transferTarget(
    operator: SiteOperator,
    to: { operatorId: string } | { number: string },
  ): { ok: true; context: string; exten: string } | { ok: false; outcome: Outcome } {
    const { config } = this.#d;
    if ('operatorId' in to) {
      const colleague = config.operators.find((op) => op.id === to.operatorId);
      if (!colleague || colleague.id === operator.id) {
        return { ok: false, outcome: failed(GatewayErrorCode.InvalidTransferTarget, 'no such colleague') };
      }
      return { ok: true, context: config.dialing.internalContext, exten: colleague.extension };
    }
    const check = checkDialNumber(to.number, config);
    if (!check.ok) return { ok: false, outcome: failed(check.code, check.message) };
    return this.#contextFor(check.target, operator);
  }

  #contextFor(
    target: DialTarget,
    operator: SiteOperator,
  ): { ok: true; context: string; exten: string } | { ok: false; outcome: Outcome } {
    const { config } = this.#d;
    if (target.kind === 'internal') {
      if (target.operatorId === operator.id) {
        return { ok: false, outcome: failed(GatewayErrorCode.InvalidTransferTarget, 'that is your own extension') };
      }
      return { ok: true, context: config.dialing.internalContext, exten: target.extension };
    }
    return { ok: true, context: config.dialing.originateContext, exten: target.dialString };
  }

  async #dial(
    operator: SiteOperator,
    number: string,
    crmRef: string | null,
    accept: (callId: string | null) => void,
  ): Promise<Outcome> {
    const { config, telephony } = this.#d;
    const check = checkDialNumber(number, config);
    if (!check.ok) return failed(check.code, check.message);
    const route = this.#contextFor(check.target, operator);
    if (!route.ok) return route.outcome;
    if (!telephony.connected)
      return failed(GatewayErrorCode.TelephonyDown, 'telephony is not connected; nothing was done');
    if (telephony.callsOf(operator.id).length > 0)
      return failed(GatewayErrorCode.Busy, 'finish your current call first');
    if (telephony.status(operator.id)?.phone === 'unavailable') {
      return failed(GatewayErrorCode.PhoneUnavailable, 'your phone is not registered');
    }
    // Only Originates that would really go out count against the click-to-call limit.
    if (!this.#d.dialLimiter.take(operator.id, this.#d.now())) {
      throw new GatewayError(GatewayErrorCode.RateLimited, 'too many calls in a short time; wait a moment');
    }
    const callId = this.#newCallId();
    const actionId = telephony.nextActionId();
    const customer = check.target.kind === 'external' ? check.target.e164 : check.target.extension;
    telephony.originateRequested({ callId, operatorId: operator.id, customerNumber: customer, crmRef, actionId });
    accept(callId);
    const variables: Record<string, string> = { __CALLGATE_CALL_ID: callId, ...autoAnswerVariables(config) };
    if (crmRef !== null) variables.__CALLGATE_CRM_REF = crmRef;
    const ringMs = config.dialing.operatorRingSeconds * 1000;
    let result;
    try {
      result = await telephony.send(
        actions.originate({
          channel: operator.endpoint,
          context: route.context,
          exten: route.exten,
          priority: 1,
          // What the operator's phone shows while it auto-answers; also the CDR Source (recording 06).
          callerId: `"${customer}" <${route.exten}>`,
          timeoutMs: ringMs,
          async: true,
          variables,
        }),
        { actionId, followUpEvent: 'OriginateResponse', timeoutMs: ringMs + 15_000 },
      );
    } catch (error) {
      // Refused outright (recording 09 c/d) or never sent: no call exists. After a timeout or a
      // drop the call may exist, so the engine is not told it failed.
      if (
        error instanceof AmiError &&
        (error.code === AmiErrorCode.ActionFailed || error.code === AmiErrorCode.NotConnected)
      ) {
        telephony.originateFailed(actionId, error.message);
      }
      throw error;
    }
    const response = result.followUp;
    if (response && response.get('Response') !== 'Success') {
      return { ...originateFailure(response.int('Reason') ?? 0), callId };
    }
    return done(callId);
  }

  async #setStatus(
    operator: SiteOperator,
    status: 'ready' | 'paused',
    reason: string | undefined,
    accept: (callId: string | null) => void,
  ): Promise<Outcome> {
    const { config, telephony } = this.#d;
    if (status === 'paused') {
      if (reason === undefined || !config.pauseReasons.includes(reason)) {
        return failed(
          GatewayErrorCode.InvalidPauseReason,
          `pause reason must be one of: ${config.pauseReasons.join(', ')}`,
        );
      }
    }
    if (telephony.status(operator.id)?.work === 'logged-out') {
      return failed(GatewayErrorCode.InvalidState, 'log in to work first');
    }
    accept(null);
    if (status === 'ready') this.#d.endWrapUp(operator.id);
    await this.#ami(
      actions.queuePause({ interface: operator.endpoint, paused: status === 'paused', ...(reason ? { reason } : {}) }),
    );
    return done();
  }

  async #endWrapUp(operator: SiteOperator, accept: (callId: string | null) => void): Promise<Outcome> {
    const status = this.#d.telephony.status(operator.id);
    if (!status || status.work !== 'paused' || status.pauseReason !== WRAP_UP_REASON) {
      return failed(GatewayErrorCode.InvalidState, 'you are not in wrap-up');
    }
    accept(null);
    this.#d.endWrapUp(operator.id);
    await this.#ami(actions.queuePause({ interface: operator.endpoint, paused: false }));
    return done();
  }

  async #logIn(operator: SiteOperator, accept: (callId: string | null) => void): Promise<Outcome> {
    if (operator.queues.length === 0) return failed(GatewayErrorCode.InvalidState, 'you have no queues to work in');
    accept(null);
    for (const queue of operator.queues) {
      await this.#tolerate(
        actions.queueAdd({
          queue,
          interface: operator.endpoint,
          memberName: operator.name,
          stateInterface: operator.endpoint,
        }),
        // Recording 13: adding a member twice answers "Unable to add interface: Already there".
        /already there/i,
      );
    }
    return done();
  }

  async #logOut(operator: SiteOperator, accept: (callId: string | null) => void): Promise<Outcome> {
    accept(null);
    this.#d.endWrapUp(operator.id);
    for (const queue of operator.queues) {
      // Recording 13: removing a non-member answers "Unable to remove interface: Not there".
      await this.#tolerate(actions.queueRemove(queue, operator.endpoint), /not there/i);
    }
    return done();
  }

  async #ami(action: AmiAction): Promise<void> {
    await this.#d.telephony.send(action);
  }

  /** Sends an action; an Asterisk error matching `harmless` counts as success (idempotent intent). */
  async #tolerate(action: AmiAction, harmless: RegExp): Promise<void> {
    try {
      await this.#d.telephony.send(action);
    } catch (error) {
      if (error instanceof AmiError && error.code === AmiErrorCode.ActionFailed && harmless.test(error.message)) return;
      throw error;
    }
  }
}
