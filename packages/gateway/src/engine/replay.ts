/**
 * Replaying a recorded AMI trace through the engine (`callgate replay`, tests, bench): a loop.
 *
 * The trace holds both directions. Asterisk's side (`in`) feeds the engine; the client's side
 * (`out`) is read only for what the gateway itself would have told the engine:
 * - an `Originate` with a `Channel` and an `Exten` is a click-to-call request (`originate-requested`), its call
 *   id taken from `CALLGATE_CALL_ID` (or the `CRM_CALL_ID` the recordings use), else made from
 *   the ActionID; a `Response: Error` to it is `originate-failed` (09 (c), (d));
 * - the engine follows one AMI client, like the gateway: the first connection, then the next
 *   one opened after it ended (a reconnect: `ami-disconnected` at the last message seen on
 *   the old one, 16). Connections open at the same time as it (the failed login of 01, the
 *   `crm-limited` session of 14) are another client's and are skipped;
 * - the items of a `CoreShowChannels` or `QueueStatus` the client asked for are a resync.
 * Times are the trace's `t` (milliseconds since the scenario began) plus `baseEpochMs`.
 */
import { decodeTrace, type AmiMessage, type TraceLine } from '@callgate/ami';
import type { CallRecord, DomainEvent, SiteConfig } from '@callgate/contracts';
import { step } from './call-engine.js';
import { engineConfig, operatorByDevice } from './engine-config.js';
import type { EngineInput } from './inputs.js';
import { variableName } from './originate.js';
import { createEngineState, type EngineState } from './state.js';

export interface ReplayOptions {
  /** Epoch milliseconds of `t = 0`. */
  baseEpochMs: number;
  /** Re-chunk each trace line's bytes (tests: the result must not depend on it). */
  split?: (bytes: Buffer) => Buffer[];
  /** Called with each input as it is fed (tests, debugging). */
  onInput?: (input: EngineInput, at: number) => void;
}

export interface ReplayResult {
  records: CallRecord[];
  events: DomainEvent[];
  state: EngineState;
}

const LIST_ACTIONS = new Set(['coreshowchannels', 'queuestatus']);

/** Turns a trace into timed engine inputs, in order. */
export function* traceInputs(
  lines: Iterable<TraceLine>,
  site: SiteConfig,
  options: Pick<ReplayOptions, 'split'> = {},
): Generator<{ at: number; input: EngineInput }> {
  const config = engineConfig(site);
  const all = [...lines];
  const followed = followedConnections(all);
  const originates = new Set<string>();
  const lists = new Map<string, { action: string; items: AmiMessage[] }>();
  let currentConn: number | undefined;
  let lastInT = 0;
  for (const item of decodeTrace(all, options.split ? { split: options.split } : {})) {
    if ('error' in item || !followed.has(item.conn)) continue;
    if (currentConn !== undefined && item.conn !== currentConn) {
      yield { at: lastInT, input: { type: 'ami-disconnected' } };
    }
    currentConn = item.conn;
    if (item.dir === 'in') lastInT = item.t;
    if ('greeting' in item) continue;
    const msg = item.message;
    if (item.dir === 'out') {
      const action = (msg.get('Action') ?? '').toLowerCase();
      const actionId = msg.actionId;
      if (actionId === undefined) continue;
      // The gateway's click-to-call shape: the operator's phone as Channel, the customer as Exten.
      if (action === 'originate' && msg.get('Channel') !== undefined && msg.get('Exten') !== undefined) {
        originates.add(actionId);
        yield { at: item.t, input: originateInput(msg, actionId, config) };
      } else if (LIST_ACTIONS.has(action)) {
        lists.set(actionId, { action, items: [] });
      }
      continue;
    }
    const actionId = msg.actionId;
    if (msg.kind === 'response') {
      if (actionId !== undefined && originates.has(actionId) && msg.response === 'Error') {
        yield {
          at: item.t,
          input: { type: 'originate-failed', actionId, reason: msg.get('Message') ?? 'Originate failed' },
        };
      }
      continue;
    }
    const list = actionId === undefined ? undefined : lists.get(actionId);
    if (list && actionId !== undefined) {
      if ((msg.get('EventList') ?? '').toLowerCase() !== 'complete') {
        list.items.push(msg);
        continue;
      }
      lists.delete(actionId);
      yield {
        at: item.t,
        input:
          list.action === 'coreshowchannels'
            ? { type: 'ami-resync', channels: list.items }
            : { type: 'ami-resync', queueStatus: list.items },
      };
      continue;
    }
    yield { at: item.t, input: { type: 'ami-event', message: msg } };
  }
}

/** The connections one client used in turn: the first, then each one opened after the last ended. */
function followedConnections(lines: readonly TraceLine[]): Set<number> {
  const span = new Map<number, { first: number; last: number }>();
  for (const line of lines) {
    const s = span.get(line.conn);
    if (s) s.last = Math.max(s.last, line.t);
    else span.set(line.conn, { first: line.t, last: line.t });
  }
  const followed = new Set<number>();
  let end = -Infinity;
  for (const [conn, s] of [...span].sort((a, b) => a[1].first - b[1].first)) {
    if (s.first < end) continue;
    followed.add(conn);
    end = s.last;
  }
  return followed;
}

function originateInput(msg: AmiMessage, actionId: string, config: ReturnType<typeof engineConfig>): EngineInput {
  const vars = new Map<string, string>();
  for (const v of msg.getAll('Variable')) {
    for (const pair of v.split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) vars.set(variableName(pair.slice(0, eq)), pair.slice(eq + 1));
    }
  }
  const operator = operatorByDevice(config, msg.get('Channel') ?? '');
  return {
    type: 'originate-requested',
    callId: vars.get('CALLGATE_CALL_ID') ?? vars.get('CRM_CALL_ID') ?? `originate-${actionId}`,
    operatorId: operator?.id ?? '',
    customerNumber: msg.get('Exten') ?? '',
    crmRef: vars.get('CALLGATE_CRM_REF') ?? null,
    actionId,
  };
}

/** Runs a whole trace through a fresh engine. */
export function replayTrace(lines: Iterable<TraceLine>, site: SiteConfig, options: ReplayOptions): ReplayResult {
  const state = createEngineState(engineConfig(site), options.baseEpochMs, { amiConnected: true });
  const events: DomainEvent[] = [];
  const records: CallRecord[] = [];
  for (const { at, input } of traceInputs(lines, site, options)) {
    const now = options.baseEpochMs + at;
    options.onInput?.(input, now);
    for (const event of step(state, input, now).events) {
      events.push(event);
      if (event.type === 'call.ended') records.push(event.record);
    }
  }
  return { records, events, state };
}
