/**
 * The operators' side of the gateway: one sequenced event stream per operator (shared by all
 * of their tabs), fed by the engine's domain events through the per-operator view, and the
 * registry of open connections. Knows no sockets: a connection is anything with `send`.
 *
 * Routing rule (ARCHITECTURE.md invariants): an operator receives only events naming them —
 * the offer to their phone, their answered call, their hold, their status. `call.queued` and
 * other operators' events are never routed to them.
 */
import type {
  Colleague,
  DomainEvent,
  EventMessage,
  OperatorCall,
  OperatorEvent,
  OperatorSnapshot,
  ReplyMessage,
  ServerMessage,
  SiteConfig,
  SiteOperator,
  WelcomeMessage,
} from '@callgate/contracts';
import { OPERATOR_PROTOCOL_VERSION } from '@callgate/contracts';
import { OperatorEventStream } from './event-stream.js';
import { endedCallView, liveCallView, statusView } from './operator-view.js';
import type { TelephonyPort } from './telephony-port.js';

export interface OperatorConnection {
  send(messages: ServerMessage[]): void;
}

interface OperatorState {
  operator: SiteOperator;
  stream: OperatorEventStream;
  connections: Set<OperatorConnection>;
  /** The operator's calls as last shown, for hold times and for the final view. */
  calls: Map<string, OperatorCall>;
}

export interface OperatorHubDeps {
  config: SiteConfig;
  telephony: TelephonyPort;
  /** Wrap-up end time for the status view. */
  wrapUpEndsAt: (operatorId: string) => string | null;
  now: () => Date;
  streamId: string;
  heartbeatSeconds: number;
  replayCapacity?: number;
  /** Events older than this are not replayed (a snapshot is sent instead); default 15 minutes. */
  replayMaxAgeMs?: number;
}

export class OperatorHub {
  readonly #d: OperatorHubDeps;
  readonly #operators = new Map<string, OperatorState>();
  readonly #colleagues: Colleague[];
  /**
   * Call id → operators whose view holds that call (the keys of their `calls`), so the end of a
   * call touches the few operators who saw it, not every operator of the site (bench/RESULTS.md,
   * gateway-events: a loop over 1,000 operators per ended call showed in the profile).
   */
  readonly #shownTo = new Map<string, Set<string>>();

  constructor(deps: OperatorHubDeps) {
    this.#d = deps;
    for (const operator of deps.config.operators) {
      this.#operators.set(operator.id, {
        operator,
        stream: new OperatorEventStream(deps.replayCapacity, deps.replayMaxAgeMs),
        connections: new Set(),
        calls: new Map(),
      });
    }
    this.#colleagues = deps.config.operators.map((op) => ({
      operatorId: op.id,
      name: op.name,
      extension: op.extension,
    }));
  }

  operator(operatorId: string): SiteOperator | undefined {
    return this.#operators.get(operatorId)?.operator;
  }

  /** Open connections, all operators. */
  get connectionCount(): number {
    let n = 0;
    for (const s of this.#operators.values()) n += s.connections.size;
    return n;
  }

  /** Operators with at least one open connection. */
  get onlineOperatorCount(): number {
    let n = 0;
    for (const s of this.#operators.values()) if (s.connections.size > 0) n++;
    return n;
  }

  /**
   * Registers a connection and returns what it must receive first: the welcome, then either
   * the missed events (resume) or nothing more (the welcome carries a snapshot).
   */
  attach(
    operatorId: string,
    connection: OperatorConnection,
    resume: { streamId: string; lastSeq: number } | undefined,
    tokenExpiresAt: string,
  ): ServerMessage[] {
    const state = this.#state(operatorId);
    state.connections.add(connection);
    const replay = resume && resume.streamId === this.#d.streamId ? state.stream.since(resume.lastSeq) : undefined;
    const { config, streamId, heartbeatSeconds } = this.#d;
    const welcome: WelcomeMessage = {
      type: 'welcome',
      v: OPERATOR_PROTOCOL_VERSION,
      operator: { operatorId, name: state.operator.name, extension: state.operator.extension },
      site: { id: config.site.id, name: config.site.name },
      streamId,
      seq: replay ? (resume?.lastSeq ?? 0) : state.stream.seq,
      resumed: replay !== undefined,
      snapshot: replay ? null : this.snapshot(operatorId),
      pauseReasons: config.pauseReasons,
      holdFromBrowser: config.hold.method !== 'none',
      wrapUpSeconds: config.wrapUp.timeoutSeconds,
      colleagues: this.#colleagues.filter((c) => c.operatorId !== operatorId),
      heartbeatSeconds,
      tokenExpiresAt,
    };
    return [welcome, ...(replay ?? [])];
  }

  detach(operatorId: string, connection: OperatorConnection): void {
    this.#operators.get(operatorId)?.connections.delete(connection);
  }

  /** The operator's current status and calls, as after a page reload. */
  snapshot(operatorId: string): OperatorSnapshot {
    const state = this.#state(operatorId);
    const t = this.#d.telephony;
    const calls = t.callsOf(operatorId).map((live) => {
      const view = liveCallView(this.#d.config, operatorId, live);
      this.#show(state, live.callId, view);
      return view;
    });
    return { status: this.#status(operatorId), calls };
  }

  /** Current sequence number of the operator's stream (for heartbeats). */
  seq(operatorId: string): number {
    return this.#state(operatorId).stream.seq;
  }

  reply(operatorId: string, reply: ReplyMessage): void {
    const state = this.#operators.get(operatorId);
    if (!state) return;
    for (const c of state.connections) c.send([reply]);
  }

  /** Sends the operator's status again (telephony link up/down, wrap-up timer changes). */
  refreshStatus(operatorId: string): void {
    this.#emit(operatorId, { kind: 'status', status: this.#status(operatorId) });
  }

  refreshAllStatuses(): void {
    for (const id of this.#operators.keys()) this.refreshStatus(id);
  }

  /** Re-sends the operator's view of a call (after a command changed it without an engine event). */
  refreshCall(operatorId: string, callId: string, kind: Extract<OperatorEvent, { call: OperatorCall }>['kind']): void {
    const view = this.#liveView(operatorId, callId);
    if (view) this.#emit(operatorId, { kind, call: view });
  }

  onDomainEvent(event: DomainEvent): void {
    switch (event.type) {
      case 'call.queued':
        return; // a supervisor matter; operators never see queues
      case 'call.offered':
        return this.#callEvent(
          event.operatorId,
          event.callId,
          event.direction === 'outbound' ? 'call.dialing' : 'call.offered',
        );
      case 'call.dialing':
        // Click-to-call: the operator's phone answered and the customer's phone is being rung.
        return this.#callEvent(event.operatorId, event.callId, 'call.dialing');
      case 'call.answered':
        return this.#callEvent(event.operatorId, event.callId, 'call.answered');
      case 'call.consulting':
        this.#callEvent(event.operatorId, event.callId, 'call.consulting');
        // The colleague being consulted: their view of the call changes too (ringing → talking).
        if (event.colleagueOperatorId !== null) {
          const view = this.#liveView(event.colleagueOperatorId, event.callId);
          if (view) {
            this.#emit(event.colleagueOperatorId, {
              kind: view.state === 'ringing' ? 'call.offered' : 'call.answered',
              call: view,
            });
          }
        }
        return;
      case 'call.held':
        return this.#callEvent(event.operatorId, event.callId, 'call.held');
      case 'call.resumed':
        return this.#callEvent(event.operatorId, event.callId, 'call.resumed');
      case 'call.transferred':
        return this.#endFor(event.fromOperatorId, event.callId, 'call.transferred', event.at, 'transferred');
      case 'call.offer-ended':
        return this.#endFor(
          event.operatorId,
          event.callId,
          'call.ended',
          event.at,
          event.result === 'cancelled' ? 'cancelled' : 'missed',
        );
      case 'call.ended': {
        for (const operatorId of [...(this.#shownTo.get(event.callId) ?? [])]) {
          const state = this.#operators.get(operatorId);
          const previous = state?.calls.get(event.callId);
          if (!state || !previous) continue;
          this.#unshow(state, event.callId);
          this.#emit(operatorId, {
            kind: 'call.ended',
            call: endedCallView(this.#d.config, operatorId, event.record, previous),
          });
        }
        return;
      }
      case 'operator.status':
        return this.refreshStatus(event.status.operatorId);
      default: {
        // A new domain event type must be routed (or deliberately ignored) here.
        const unrouted: never = event;
        return unrouted;
      }
    }
  }

  #callEvent(operatorId: string, callId: string, kind: Extract<OperatorEvent, { call: OperatorCall }>['kind']): void {
    const view = this.#liveView(operatorId, callId);
    if (view) this.#emit(operatorId, { kind, call: view });
  }

  #liveView(operatorId: string, callId: string): OperatorCall | undefined {
    const state = this.#operators.get(operatorId);
    const live = this.#d.telephony.callsOf(operatorId).find((c) => c.callId === callId);
    if (!state || !live) return undefined;
    const view = liveCallView(this.#d.config, operatorId, live);
    this.#show(state, callId, view);
    return view;
  }

  #show(state: OperatorState, callId: string, view: OperatorCall): void {
    state.calls.set(callId, view);
    let operators = this.#shownTo.get(callId);
    if (!operators) this.#shownTo.set(callId, (operators = new Set()));
    operators.add(state.operator.id);
  }

  #unshow(state: OperatorState, callId: string): void {
    state.calls.delete(callId);
    const operators = this.#shownTo.get(callId);
    operators?.delete(state.operator.id);
    if (operators?.size === 0) this.#shownTo.delete(callId);
  }

  #endFor(
    operatorId: string,
    callId: string,
    kind: 'call.transferred' | 'call.ended',
    at: string,
    outcome: NonNullable<OperatorCall['outcome']>,
  ): void {
    const state = this.#operators.get(operatorId);
    const previous = state?.calls.get(callId);
    if (!state || !previous) return;
    this.#unshow(state, callId);
    this.#emit(operatorId, { kind, call: { ...previous, state: 'ended', heldSince: null, endedAt: at, outcome } });
  }

  #status(operatorId: string) {
    const t = this.#d.telephony;
    return statusView(t.status(operatorId), this.#d.wrapUpEndsAt(operatorId), t.connected, this.#d.now().toISOString());
  }

  #emit(operatorId: string, event: OperatorEvent): void {
    const state = this.#operators.get(operatorId);
    if (!state) return;
    const now = this.#d.now();
    const message: EventMessage = state.stream.append(event, now.toISOString(), now.getTime());
    for (const c of state.connections) c.send([message]);
  }

  #state(operatorId: string): OperatorState {
    const state = this.#operators.get(operatorId);
    if (!state) throw new Error(`unknown operator ${operatorId}`);
    return state;
  }
}
