/**
 * Which AMI event made the gateway send each operator event — so latency is measured from
 * the moment *that* event left the simulator, not from a guess.
 *
 * The call engine is deterministic: the same AMI events in the same order give the same domain
 * events. So after a run, the simulator's log of what it sent (each event with its send time)
 * is fed through the same engine with the same site configuration, and each domain event is
 * turned into the operator events the gateway's operator hub sends for it
 * (operators/operator-hub.ts: an offer is `call.offered` — `call.dialing` for click-to-call —,
 * `call.answered`, `call.held`/`call.resumed`, a transfer or a lost offer ends the call for that
 * operator, `call.ended` ends it for everyone still showing it; an event is only sent while the
 * operator's calls include it). Every operator event then has a key
 * (operator, call id, kind, n-th time) and the send time of the AMI event that caused it; the
 * operators' process reports the same keys with receive times.
 *
 * Status events (`kind: status`) are left out: the gateway also sends them on its own timers
 * (wrap-up), so they cannot all be tied to one AMI event.
 */
import { AmiMessage } from '@callgate/ami';
import type { SiteConfig } from '@callgate/contracts';
import { createEngineState, engineConfig, operatorCalls, step, type EngineState } from '@callgate/gateway';

/** An operator event kind that concerns a call (operator-protocol.ts `OperatorEvent`). */
export type CallEventKind =
  'call.offered' | 'call.dialing' | 'call.answered' | 'call.held' | 'call.resumed' | 'call.transferred' | 'call.ended';

/** `operatorId callId kind #n`: the n-th (from 1) such event of that operator and call. */
export function eventKey(operatorId: string, callId: string, kind: string, occurrence: number): string {
  return `${operatorId} ${callId} ${kind} #${occurrence}`;
}

/** Numbers repeated keys 1, 2, 3… in the order they are seen. */
export class KeyCounter {
  readonly #seen = new Map<string, number>();

  next(operatorId: string, callId: string, kind: string): string {
    const base = `${operatorId} ${callId} ${kind}`;
    const n = (this.#seen.get(base) ?? 0) + 1;
    this.#seen.set(base, n);
    return eventKey(operatorId, callId, kind, n);
  }
}

export interface SentEvent {
  /** Monotonic microseconds when the simulator wrote it (monotonic-clock.ts). */
  sentUs: number;
  /** The AMI event as `[key, value, …]`. */
  fields: readonly string[];
}

export interface Attribution {
  /** Operator event key → send time of the AMI event that caused it. */
  causes: Map<string, number>;
  /** AMI events the engine was fed. */
  events: number;
}

export function attributeOperatorEvents(site: SiteConfig, sent: readonly SentEvent[], epochMs: number): Attribution {
  const state: EngineState = createEngineState(engineConfig(site), epochMs, { amiConnected: true });
  const counter = new KeyCounter();
  const causes = new Map<string, number>();
  /** Call id → operators currently shown that call. */
  const shown = new Map<string, Set<string>>();
  const show = (operatorId: string, callId: string): void => {
    let set = shown.get(callId);
    if (!set) shown.set(callId, (set = new Set()));
    set.add(operatorId);
  };
  const visible = (operatorId: string, callId: string): boolean =>
    operatorCalls(state, operatorId).some((c) => c.callId === callId);
  const first = sent[0]?.sentUs ?? 0;
  for (const { sentUs, fields } of sent) {
    const emit = (operatorId: string, callId: string, kind: CallEventKind): void => {
      causes.set(counter.next(operatorId, callId, kind), sentUs);
    };
    const at = epochMs + (sentUs - first) / 1000;
    const { events } = step(state, { type: 'ami-event', message: new AmiMessage([...fields]) }, at);
    for (const event of events) {
      switch (event.type) {
        case 'call.offered':
        case 'call.answered':
        case 'call.held':
        case 'call.resumed': {
          if (!visible(event.operatorId, event.callId)) break;
          const kind = event.type === 'call.offered' && event.direction === 'outbound' ? 'call.dialing' : event.type;
          emit(event.operatorId, event.callId, kind);
          show(event.operatorId, event.callId);
          break;
        }
        case 'call.transferred':
        case 'call.offer-ended': {
          const operatorId = event.type === 'call.transferred' ? event.fromOperatorId : event.operatorId;
          const set = shown.get(event.callId);
          if (!set?.has(operatorId)) break;
          set.delete(operatorId);
          emit(operatorId, event.callId, event.type === 'call.transferred' ? 'call.transferred' : 'call.ended');
          break;
        }
        case 'call.ended': {
          for (const operatorId of shown.get(event.callId) ?? []) emit(operatorId, event.callId, 'call.ended');
          shown.delete(event.callId);
          break;
        }
        case 'call.queued':
        case 'operator.status':
          break;
      }
    }
  }
  return { causes, events: sent.length };
}
