/**
 * Click-to-call correlation. The gateway announces each Originate (`originate-requested`) and
 * sets `__CALLGATE_CALL_ID` / `__CALLGATE_CRM_REF` on the operator's leg; Asterisk echoes them
 * as `VarSet` (with the `__` prefix, on the operator leg and, inherited, on the PSTN leg,
 * recording 07) and answers with `OriginateResponse` carrying the ActionID — after the
 * operator's leg is up, or on chan_sip sometimes just before (20.20.1 README). Either one links
 * the request to its call; a `Failure` with no channel (09 (a), (b)) and a refused action
 * (09 (c), (d)) end it as `failed`.
 *
 * `CRM_CALL_ID`, the variable used in the recordings 06/07/09, is accepted as an alias.
 */
import type { OriginateFailedInput, OriginateRequestedInput } from './inputs.js';
import { CALL_ID_VARIABLE, CRM_REF_VARIABLE } from './inputs.js';
import { createChannelLessCall, endCall, isCallId, openCallOf, setCallId } from './calls.js';
import type { StepContext } from './context.js';
import { normalizeNumber } from './phone-number.js';
import type { Call, Channel, PendingOriginate } from './state.js';

const CALL_ID_ALIASES = new Set([CALL_ID_VARIABLE, 'CRM_CALL_ID']);
const RECORDING_VARIABLE = 'MIXMONITOR_FILENAME';
const CONTROL = /[\u0000-\u001f\u007f]/;

/** `__CALLGATE_CALL_ID` → `CALLGATE_CALL_ID`: the inheritance prefix is not part of the name. */
export function variableName(raw: string): string {
  let i = 0;
  while (i < raw.length && raw.charCodeAt(i) === 95 /* _ */) i++;
  return raw.slice(i).toUpperCase();
}

/** Variables the engine reads; every other `VarSet` (40% of all AMI traffic) is skipped unread. */
export function isInterestingVariable(raw: string): boolean {
  const name = variableName(raw);
  return CALL_ID_ALIASES.has(name) || name === CRM_REF_VARIABLE || name === RECORDING_VARIABLE;
}

export function originateRequested(ctx: StepContext, input: OriginateRequestedInput): void {
  const pending: PendingOriginate = {
    callId: input.callId,
    operatorId: input.operatorId,
    customerNumber: input.customerNumber,
    crmRef: input.crmRef,
    actionId: input.actionId,
    requestedAt: ctx.now,
    callKey: undefined,
    failed: undefined,
  };
  ctx.state.originatesByAction.set(input.actionId, pending);
  ctx.state.originatesByCallId.set(input.callId, pending);
}

export function attachOriginate(ctx: StepContext, pending: PendingOriginate, call: Call): void {
  if (pending.callKey !== undefined || call.originate !== undefined) return;
  pending.callKey = call.key;
  call.originate = pending;
  setCallId(ctx.state, call, pending.callId, true);
  call.crmRef = pending.crmRef ?? call.crmRef;
  call.startedAt = Math.min(call.startedAt, pending.requestedAt);
  call.origin = 'operator';
  // A click-to-call to a colleague's extension is an internal call, not a customer's.
  const colleague = ctx.state.config.byExtension.has(pending.customerNumber);
  call.direction = colleague ? 'internal' : 'outbound';
  call.customerNumber = colleague ? null : normalizeNumber(pending.customerNumber, ctx.state.config.defaultCountry);
  ctx.dirtyCalls.add(call);
}

/** `OriginateResponse`: links the request to its channel, or fails it. */
export function originateResponse(
  ctx: StepContext,
  actionId: string | undefined,
  success: boolean,
  uniqueid: string,
  reason: number,
): void {
  const pending = actionId === undefined ? undefined : ctx.state.originatesByAction.get(actionId);
  if (!pending) return;
  if (success) {
    const ch = ctx.state.channels.get(uniqueid);
    const call = ch ? openCallOf(ctx.state, ch) : undefined;
    if (call) attachOriginate(ctx, pending, call);
    return;
  }
  pending.failed = { reason, at: ctx.now };
  failIfChannelLess(ctx, pending);
}

export function originateFailed(ctx: StepContext, input: OriginateFailedInput): void {
  const pending = ctx.state.originatesByAction.get(input.actionId);
  if (!pending) return;
  pending.failed = { reason: 0, at: ctx.now };
  failIfChannelLess(ctx, pending);
}

/** A request no channel ever came of is recorded at once as `failed`. */
export function failIfChannelLess(ctx: StepContext, pending: PendingOriginate, incomplete = false): void {
  if (pending.callKey !== undefined) return;
  const call = createChannelLessCall(ctx, pending);
  call.incomplete = incomplete;
  endCall(ctx, call, ctx.now);
}

/** `VarSet` of one of our variables on a channel. */
export function variableSet(ctx: StepContext, ch: Channel, rawName: string, value: string): void {
  const call = openCallOf(ctx.state, ch);
  if (!call) return;
  const name = variableName(rawName);
  if (CALL_ID_ALIASES.has(name)) {
    if (!isCallId(value)) return;
    const pending = ctx.state.originatesByCallId.get(value);
    if (pending && pending.callKey === undefined) attachOriginate(ctx, pending, call);
    else if (!call.callIdFixed) setCallId(ctx.state, call, value, true);
  } else if (name === CRM_REF_VARIABLE) {
    // Set by our own Originate; anything with control characters was not (and could not be shown).
    if (call.crmRef === null && value !== '' && !CONTROL.test(value)) call.crmRef = value.slice(0, 200);
  } else if (name === RECORDING_VARIABLE) {
    if (value !== '' && !CONTROL.test(value)) call.recording = value.slice(0, 1000);
  }
}
