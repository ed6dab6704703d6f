/**
 * Offers: every operator phone that rang for a call, and how the ringing ended. Supervisors use
 * them to see missed calls.
 *
 * Asterisk facts relied on (fixtures/ami, both versions):
 * - a queue member leg, a direct `Dial` of an operator and the first leg of an `Originate` all
 *   start with `DialBegin` whose `Dest*` is the operator's leg (the originate one has no caller
 *   block, recording 06);
 * - a cancelled member gets `DialEnd CANCEL` twice, and a ring timeout may give `DialEnd
 *   NOANSWER` then `DialEnd CANCEL`: only the first `DialEnd` of a leg counts (02, 04);
 * - `AgentRingNoAnswer` reports its `RingTime` in milliseconds: we use our own clock instead;
 * - `Hangup Cause: 26` (answered elsewhere) ends the other members' ringing.
 */
import { callInfo, emitBase, type StepContext } from './context.js';
import type { Call, Channel, Offer } from './state.js';

export function openOffer(ctx: StepContext, call: Call, dest: Channel): void {
  if (dest.operatorId === undefined) return;
  if (call.offers.some((o) => o.channel === dest.uniqueid)) return;
  const operator = ctx.state.config.byId.get(dest.operatorId);
  if (!operator) return;
  call.offers.push({
    operatorId: operator.id,
    extension: operator.extension,
    channel: dest.uniqueid,
    startedAt: ctx.now,
    endedAt: undefined,
    result: undefined,
    rang: dest.state === 5,
  });
  ctx.dirtyOperators.add(operator.id);
  ctx.events.push({ type: 'call.offered', ...emitBase(ctx), ...callInfo(call), operatorId: operator.id });
}

export function findOpenOffer(call: Call, channel: string): Offer | undefined {
  for (const o of call.offers) if (o.channel === channel && o.result === undefined) return o;
  return undefined;
}

export function offerRang(call: Call, channel: string): void {
  const offer = findOpenOffer(call, channel);
  if (offer) offer.rang = true;
}

export function endOffer(
  ctx: StepContext,
  call: Call,
  offer: Offer,
  result: NonNullable<Offer['result']>,
  at = ctx.now,
): void {
  if (offer.result !== undefined) return;
  offer.result = result;
  offer.endedAt = Math.max(at, offer.startedAt);
  if (result === 'answered') offer.rang = true;
  ctx.dirtyOperators.add(offer.operatorId);
  // call.offered was sent at DialBegin, so the popup it opened is always closed again.
  if (result !== 'answered') {
    ctx.events.push({
      type: 'call.offer-ended',
      ...emitBase(ctx),
      callId: call.callId,
      operatorId: offer.operatorId,
      result,
    });
  }
}

/**
 * `DialEnd DialStatus` → offer result; `unreachable` when the phone could not be rung at all
 * (such offers are left out of the record: the phone never rang).
 */
export function offerResultForDialStatus(status: string): Offer['result'] | 'unreachable' {
  switch (status) {
    case 'ANSWER':
      return 'answered';
    case 'BUSY':
      return 'declined';
    case 'NOANSWER':
      return 'no-answer';
    case 'CANCEL':
      return 'cancelled';
    case 'CONGESTION':
    case 'CHANUNAVAIL':
      return 'unreachable';
    default:
      return undefined;
  }
}

/** Offer result for a ringing leg hung up without a `DialEnd` (Q.850 cause). */
export function offerResultForCause(cause: number): NonNullable<Offer['result']> {
  switch (cause) {
    case 17: // user busy
    case 21: // call rejected
      return 'declined';
    case 18: // no user responding
    case 19: // no answer
      return 'no-answer';
    default:
      return 'cancelled';
  }
}
