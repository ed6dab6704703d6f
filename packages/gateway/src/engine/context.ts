/**
 * One step's working set: the state, the time of the input, the domain events produced so far
 * and what must be re-examined before the step ends (calls whose bridges changed, operators
 * whose status may have changed).
 */
import type { DomainEvent } from '@callgate/contracts';
import type { Call, EngineState } from './state.js';

export interface StepContext {
  state: EngineState;
  now: number;
  events: DomainEvent[];
  /** Calls whose connectivity or end must be re-checked at the end of the step. */
  dirtyCalls: Set<Call>;
  dirtyOperators: Set<string>;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** The `CallInfo` block of call.queued / call.offered / call.answered. */
export function callInfo(call: Call): {
  callId: string;
  direction: Call['direction'];
  customerNumber: string | null;
  line: string | null;
  queue: string | null;
  crmRef: string | null;
} {
  return {
    callId: call.callId,
    direction: call.direction,
    customerNumber: call.customerNumber,
    line: call.line,
    queue: call.queue,
    crmRef: call.crmRef,
  };
}

export function emitBase(ctx: StepContext): { site: string; at: string } {
  return { site: ctx.state.config.siteId, at: isoTime(ctx.now) };
}
