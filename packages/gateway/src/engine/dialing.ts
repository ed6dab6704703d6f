/**
 * `call.dialing`: the operator's own call now rings at the other end.
 *
 * A click-to-call first rings the operator's own phone (`call.offered` to them, `DialBegin`
 * without a caller, recording 06); the phone auto-answers, `OriginateResponse` says so, and the
 * dialplan dials the customer (`DialBegin` of the PSTN leg, 06/07) or a colleague. Nothing of
 * that second half is a `call.offered` (no operator's phone rings for the customer) nor a
 * `call.answered` (nobody is connected yet), so without this event an operator's panel would
 * show "connecting" until the customer picks up. It is sent once per call, in the step in which
 * both are true: the call's first leg is an operator's phone that is up, and another leg of the
 * call has been dialled. Calls dialled from the phone itself do not get it: their first leg is
 * not up before the other party answers (it is `Ring`), which is when `call.answered` comes.
 */
import { callInfo, emitBase, type StepContext } from './context.js';
import { ChannelStateCode, type Call } from './state.js';

export function reportDialing(ctx: StepContext, call: Call): void {
  if (call.dialingReported || call.direction === 'inbound' || call.segments.length > 0) return;
  const first = call.firstLeg === undefined ? undefined : call.channels.get(call.firstLeg);
  if (!first || first.hungUp || first.operatorId === undefined || first.state !== ChannelStateCode.Up) return;
  let dialled = false;
  for (const ch of call.channels.values()) {
    if (ch !== first && !ch.hungUp && ch.dialBeganAt !== undefined) {
      dialled = true;
      break;
    }
  }
  if (!dialled) return;
  call.dialingReported = true;
  ctx.events.push({ type: 'call.dialing', ...emitBase(ctx), ...callInfo(call), operatorId: first.operatorId });
}
