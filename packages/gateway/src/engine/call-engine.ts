/**
 * The call engine: `(state, input, now) → (state, domain events)`. Pure logic, no I/O: the
 * gateway's telephony shell and `callgate replay` feed it, and a test is a list of inputs and
 * the events that come out.
 *
 * One step: apply the input, then re-examine every call it touched (who is connected to the
 * customer now, is an operator consulting a colleague, is an operator's own call dialling out,
 * has the call ended), then report operators whose status changed. The state is
 * updated in place and returned; treat the previous reference as consumed.
 */
import type { DomainEvent } from '@callgate/contracts';
import { applyAmiEvent, engineReads } from './ami-events.js';
import { checkCallEnd, openCallOf } from './calls.js';
import { reportConsultations } from './consultation.js';
import type { StepContext } from './context.js';
import { reportDialing } from './dialing.js';
import type { EngineInput } from './inputs.js';
import { flushOperatorStatus } from './operators.js';
import { originateFailed, originateRequested } from './originate.js';
import { amiDisconnected, amiResync } from './resync.js';
import { reconcileSegments } from './segments.js';
import type { EngineState } from './state.js';

export interface StepResult {
  state: EngineState;
  events: readonly DomainEvent[];
}

/** What a step that changes nothing returns (shared: it is never written to). */
const NOTHING: readonly DomainEvent[] = Object.freeze([]);

/** Applies one input at time `now` (epoch milliseconds). Never throws on bad AMI data. */
export function step(state: EngineState, input: EngineInput, now: number): StepResult {
  // About half of a call's AMI events are nothing the engine reads (VarSet of other variables,
  // Newexten, AgentCalled, …): answer those without building a step's working set.
  if (input.type === 'ami-event' && !engineReads(input.message)) return { state, events: NOTHING };
  const ctx: StepContext = { state, now, events: [], dirtyCalls: new Set(), dirtyOperators: new Set() };
  switch (input.type) {
    case 'ami-event':
      applyAmiEvent(ctx, input.message);
      break;
    case 'originate-requested':
      originateRequested(ctx, input);
      break;
    case 'originate-failed':
      originateFailed(ctx, input);
      break;
    case 'hangup-requested':
      hangupRequestedByGateway(ctx, input.callId, input.operatorId);
      break;
    case 'ami-disconnected':
      amiDisconnected(ctx);
      break;
    case 'ami-resync':
      amiResync(ctx, input);
      break;
  }
  settle(ctx);
  return { state, events: ctx.events };
}

function settle(ctx: StepContext): void {
  // Re-checking a call can touch others (segments live in the customer's call): loop until calm.
  for (let round = 0; ctx.dirtyCalls.size > 0 && round < 8; round++) {
    const calls = [...ctx.dirtyCalls];
    ctx.dirtyCalls.clear();
    for (const call of calls) {
      if (call.ended) continue;
      reconcileSegments(ctx, call);
      reportConsultations(ctx, call);
      reportDialing(ctx, call);
      checkCallEnd(ctx, call);
    }
  }
  ctx.dirtyCalls.clear();
  flushOperatorStatus(ctx);
}

/** The gateway hung up this operator's leg at their request (AMI `Hangup` shows only as soft). */
function hangupRequestedByGateway(ctx: StepContext, callId: string, operatorId: string): void {
  const call = ctx.state.callsById.get(callId);
  if (!call || call.ended) return;
  for (const ch of call.channels.values()) {
    if (ch.hungUp || ch.operatorId !== operatorId) continue;
    ch.hangupRequested = true;
    const open = ctx.state.segmentsByChannel.get(ch.uniqueid);
    if (open) {
      open.call.hangupBy = 'operator';
      open.call.hangupByLeg = ch.uniqueid;
    }
  }
  // The operator's leg may sit in the customer's call under another Linkedid (a transfer target).
  for (const { call: c, segment } of ctx.state.segmentsByChannel.values()) {
    if (c !== call || segment.operatorId !== operatorId) continue;
    const ch = ctx.state.channels.get(segment.channel);
    if (ch && openCallOf(ctx.state, ch) !== call) {
      ch.hangupRequested = true;
      call.hangupBy = 'operator';
      call.hangupByLeg = ch.uniqueid;
    }
  }
}
