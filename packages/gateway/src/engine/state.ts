/**
 * The call engine's state: channels by Uniqueid, bridges by BridgeUniqueid, calls by Linkedid,
 * operators by id. Owned by one engine; `step` updates it in place (a call center produces a
 * few hundred events a second, and copying the whole state per event would cost more than the
 * events themselves). Nothing here is a wire format: records and events leave through the
 * contracts' types.
 */
import type { CallDirection, HangupCause, OperatorStatus } from '@callgate/contracts';
import type { EngineConfig, EngineOperator, LegKind } from './engine-config.js';

/** Asterisk channel states (`ChannelState`): 0 Down, 4 Ring, 5 Ringing, 6 Up, 7 Busy. */
export const ChannelStateCode = { Down: 0, Ring: 4, Ringing: 5, Up: 6, Busy: 7 } as const;

export interface Channel {
  uniqueid: string;
  name: string;
  /** The Linkedid it had when first seen: the call it belongs to. */
  callKey: string;
  kind: LegKind;
  operatorId: string | undefined;
  state: number;
  callerIdNum: string;
  callerIdName: string;
  /** Exten and context when the channel was created (the DID for an inbound leg). */
  firstExten: string;
  createdAt: number;
  answeredAt: number | undefined;
  bridgeId: string | undefined;
  /** `Hold` seen and no `Unhold` since. */
  held: boolean;
  hungUp: boolean;
  /** Set by `HangupRequest` (the far end hung up this leg) or by the gateway's own hangup. */
  hangupRequested: boolean;
  dialString: string | undefined;
  /** The first `DialEnd` status for this leg as dialled (`DialEnd` of a cancelled leg comes twice, 02/04). */
  dialStatus: string | undefined;
  dialBeganAt: number | undefined;
  dialEndedAt: number | undefined;
  hangupCause: HangupCause | undefined;
  /** A transfer named this channel as the transferer: its segment ends as `transfer`. */
  transferring: boolean;
  /**
   * First seen in a resync's `CoreShowChannels` (the gateway was not watching when it was made):
   * `createdAt` and `answeredAt` are estimates from its `Duration`, and so is the start of the
   * first segment opened on it.
   */
  adopted: boolean;
}

export interface Bridge {
  id: string;
  channels: Set<string>;
}

export interface Offer {
  operatorId: string;
  extension: string;
  channel: string;
  startedAt: number;
  endedAt: number | undefined;
  result: 'answered' | 'no-answer' | 'declined' | 'cancelled' | undefined;
  /** The phone actually rang (Newstate Ringing / DialState RINGING / answered). */
  rang: boolean;
}

export interface Segment {
  operatorId: string;
  extension: string;
  channel: string;
  answeredAt: number;
  endedAt: number | undefined;
  endedBy: 'hangup' | 'transfer' | undefined;
  holdMs: number;
  /** Start of the hold in progress. */
  heldSince: number | undefined;
  /** Not bridged to the customer right now but still holding them (attended transfer consult, 12). */
  away: boolean;
  /** The consultation last reported in `call.consulting`: the colleague, and whether they answered. */
  consultation: { colleague: string | null; answered: boolean } | undefined;
}

export interface PendingOriginate {
  callId: string;
  operatorId: string;
  customerNumber: string;
  crmRef: string | null;
  actionId: string;
  requestedAt: number;
  /** The call it became, once a channel carried its call id or the OriginateResponse named one. */
  callKey: string | undefined;
  failed: { reason: number; at: number } | undefined;
}

export interface Call {
  /** The Linkedid shared by its channels (or `originate:<actionId>` before any channel exists). */
  key: string;
  callId: string;
  /** The gateway chose the call id (click-to-call): never replaced by a channel's variable. */
  callIdFixed: boolean;
  /** Every leg ever seen in the call, live or hung up. */
  channels: Map<string, Channel>;
  firstLeg: string | undefined;
  /** The customer's leg: the record is keyed by it. */
  customerLeg: string | undefined;
  /** How the call started: decides direction. */
  origin: 'external' | 'operator' | 'unknown';
  direction: CallDirection;
  customerNumber: string | null;
  line: string | null;
  queue: string | null;
  startedAt: number;
  queueJoinedAt: number | undefined;
  waitMs: number;
  queued: boolean;
  abandoned: boolean;
  offers: Offer[];
  segments: Segment[];
  /** Operator channels bridged to the customer right now. */
  connected: Set<string>;
  crmRef: string | null;
  recording: string | null;
  incomplete: boolean;
  originate: PendingOriginate | undefined;
  /** Who asked for the hang-up that ended the conversation, if someone did. */
  hangupBy: 'customer' | 'operator' | undefined;
  /** The leg whose hang-up request set `hangupBy` (cleared if that leg only transferred). */
  hangupByLeg: string | undefined;
  ended: boolean;
  endedAt: number | undefined;
  /** Set when a resync found the customer gone: the last moment the call was seen alive. */
  lostAt: number | undefined;
  /** `call.dialing` was sent (once per call). */
  dialingReported: boolean;
}

export interface QueueMembership {
  paused: boolean;
  reason: string;
}

export interface OperatorState {
  operator: EngineOperator;
  /** Registration as last reported (DeviceStateChange, PeerStatus, ContactStatus, QueueMemberStatus). */
  registered: boolean | undefined;
  memberships: Map<string, QueueMembership>;
  /** Live channels of this operator's phone. */
  channels: Set<string>;
  workSince: number;
  work: OperatorStatus['work'] | undefined;
  pauseReason: string | null;
  lastStatus: OperatorStatus | undefined;
  /** `workSince` when `lastStatus` was reported. */
  lastSince: number;
}

export interface EngineState {
  config: EngineConfig;
  channels: Map<string, Channel>;
  bridges: Map<string, Bridge>;
  calls: Map<string, Call>;
  /** Calls already recorded whose channels are still up: their events are ignored. */
  endedCalls: Map<string, Call>;
  originatesByAction: Map<string, PendingOriginate>;
  originatesByCallId: Map<string, PendingOriginate>;
  operators: Map<string, OperatorState>;
  /** Local channel name → Uniqueid, to find the other half of a pair (recording 12). */
  localByName: Map<string, string>;
  /** Operator channel → its open segment, wherever the customer's call is. */
  segmentsByChannel: Map<string, { call: Call; segment: Segment }>;
  /** Recently hung-up Uniqueids: late events about them must not bring them back. */
  hungUp: Set<string>;
  /** Call id → open call (the gateway's commands name calls by it). */
  callsById: Map<string, Call>;
  amiConnected: boolean;
  disconnectedAt: number | undefined;
  /** When the engine started (operators' "since" until something changes). */
  startedAt: number;
}

export function createEngineState(
  config: EngineConfig,
  now: number,
  options: { amiConnected?: boolean } = {},
): EngineState {
  const operators = new Map<string, OperatorState>();
  for (const operator of config.operators) {
    operators.set(operator.id, {
      operator,
      registered: undefined,
      memberships: new Map(),
      channels: new Set(),
      workSince: now,
      work: undefined,
      pauseReason: null,
      lastSince: now,
      // What a fresh engine assumes; only changes from it are reported.
      lastStatus: {
        operatorId: operator.id,
        phone: 'idle',
        work: 'logged-out',
        pauseReason: null,
        since: new Date(now).toISOString(),
        callId: null,
      },
    });
  }
  return {
    config,
    channels: new Map(),
    bridges: new Map(),
    calls: new Map(),
    endedCalls: new Map(),
    originatesByAction: new Map(),
    originatesByCallId: new Map(),
    operators,
    callsById: new Map(),
    localByName: new Map(),
    hungUp: new Set(),
    segmentsByChannel: new Map(),
    amiConnected: options.amiConnected ?? false,
    disconnectedAt: undefined,
    startedAt: now,
  };
}
