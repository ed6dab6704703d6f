/**
 * The call engine's public surface (issue 4). Pure: `step(state, input, now)` returns the
 * domain events; the telephony shell (../telephony) feeds it from a live AmiClient and
 * `replayTrace` from a recorded trace. See docs/call-record.md for what the records mean.
 *
 * Typical use:
 *   const state = createEngineState(engineConfig(siteConfig), Date.now());
 *   const { events } = step(state, { type: 'ami-event', message }, Date.now());
 *   operatorCalls(state, 'op-1001')   // → the operator's calls, channels, bridge, hold
 */
export { step, type StepResult } from './call-engine.js';
export { createEngineState, type EngineState } from './state.js';
export { engineConfig, type EngineConfig, type EngineOperator } from './engine-config.js';
export {
  CALL_ID_VARIABLE,
  CRM_REF_VARIABLE,
  type AmiDisconnectedInput,
  type AmiEventInput,
  type AmiResyncInput,
  type EngineInput,
  type HangupRequestedInput,
  type OriginateFailedInput,
  type OriginateRequestedInput,
} from './inputs.js';
export {
  channelUniqueid,
  findLiveCall,
  liveCalls,
  liveSnapshot,
  operatorCall,
  operatorCalls,
  operatorStatusOf,
  type OperatorCallState,
  type OperatorCallView,
} from './queries.js';
export { normalizeNumber } from './phone-number.js';
export { callIdForLinkedid, isCallId } from './calls.js';
export { replayTrace, traceInputs, type ReplayOptions, type ReplayResult } from './replay.js';
