/**
 * Splits the messages a client received in a trace into comparable streams.
 *
 * Real Asterisk runs one thread per channel, so two channels' events interleave differently
 * from run to run (02 vs 12: the second member's DialBegin before or after the first one's
 * DialState), and so do Cdr and CEL relative to Hangup (02 vs 15). Order is therefore compared
 * per stream, where a stream is:
 * - one channel's own events (`PJSIP/pstn#1`);
 * - one channel's events about one other channel (`PJSIP/pstn#1 → PJSIP/1001#1`: AgentCalled,
 *   DialBegin, DialState, DialEnd, AgentConnect, AgentComplete, AgentRingNoAnswer);
 * - the CEL records and the CDRs of one channel;
 * - one device's states, one queue member's status, one bridge's life;
 * - the responses and list items of one action (by ActionID), security and system events;
 * each per AMI connection, since every session gets its own copy.
 */
import { decodeTrace, type AmiMessage, type TraceLine } from '@callgate/ami';
import { IdCanon } from './canonical-ids.js';

export interface StreamEvent {
  /** Event name plus what distinguishes its kind (`VarSet BRIDGEPEER`, `DialEnd CANCEL`). */
  token: string;
  message: AmiMessage;
  /** Milliseconds since the trace began. */
  t: number;
  conn: number;
}

export interface TraceStreams {
  streams: Map<string, StreamEvent[]>;
  canon: IdCanon;
  /** Canonical channel → canonical channel named by its Linkedid. */
  linkedids: Map<string, string>;
  /** Canonical bridge → channels that entered it, in order. */
  bridgeMembers: Map<string, string[]>;
  greetings: Map<number, string>;
  /** Events deliberately left out, by name: why (documented in docs/pbx-sim.md). */
  ignored: Map<string, number>;
}

/** Periodic or history-dependent events that no staged run can reproduce exactly. */
export const IGNORED_EVENTS: Readonly<Record<string, string>> = {
  RTCPSent: 'periodic RTCP reports depend on media timing',
};

/** Devices whose state events depend on the device-state cache's history across calls (06 vs 07). */
export function ignoredDevice(device: string): boolean {
  return device.startsWith('Queue:');
}

const DEST_EVENTS = new Set([
  'AgentCalled',
  'AgentConnect',
  'AgentComplete',
  'AgentRingNoAnswer',
  'DialBegin',
  'DialState',
  'DialEnd',
]);

const DISCRIMINATOR: Readonly<Record<string, string>> = {
  VarSet: 'Variable',
  Newstate: 'ChannelStateDesc',
  Newexten: 'Application',
  DialBegin: '',
  DialState: 'DialStatus',
  DialEnd: 'DialStatus',
  Hangup: 'Cause',
  HangupRequest: 'Cause',
  SoftHangupRequest: 'Cause',
  AgentComplete: 'Reason',
  DeviceStateChange: 'State',
  QueueMemberStatus: 'Status',
  QueueMemberPause: 'Paused',
  CEL: 'EventName',
  Cdr: 'Disposition',
  PeerStatus: 'PeerStatus',
  ContactStatus: 'ContactStatus',
  DTMFEnd: 'Digit',
  OriginateResponse: 'Response',
};

function tokenOf(m: AmiMessage): string {
  if (m.kind === 'response') return `Response ${m.response ?? ''}`;
  const name = m.event ?? '?';
  const key = DISCRIMINATOR[name];
  if (!key) return name;
  const v = m.get(key);
  return v === undefined ? name : `${name} ${v}`;
}

export function traceStreams(lines: readonly TraceLine[]): TraceStreams {
  const canon = new IdCanon();
  const streams = new Map<string, StreamEvent[]>();
  const linkedids = new Map<string, string>();
  const bridgeMembers = new Map<string, string[]>();
  const greetings = new Map<number, string>();
  const ignored = new Map<string, number>();
  const pendingLinks: Array<[string, string]> = [];
  const counters = new Map<number, number>();
  const push = (key: string, e: StreamEvent): void => {
    const k = `c${e.conn} ${key}`;
    let list = streams.get(k);
    if (!list) streams.set(k, (list = []));
    list.push(e);
  };
  for (const item of decodeTrace(lines)) {
    if (item.dir !== 'in') continue;
    if ('greeting' in item) {
      greetings.set(item.conn, item.greeting);
      continue;
    }
    if ('error' in item) continue;
    const m = item.message;
    const name = m.event;
    if (name === 'Newchannel') {
      const ch = canon.channel(m.get('Channel') ?? '', m.get('Uniqueid'));
      const linked = m.get('Linkedid') ?? '';
      pendingLinks.push([ch, linked]);
    }
    if (name !== undefined && IGNORED_EVENTS[name] !== undefined) {
      ignored.set(name, (ignored.get(name) ?? 0) + 1);
      continue;
    }
    const e: StreamEvent = { token: tokenOf(m), message: m, t: item.t, conn: item.conn };
    if (m.kind === 'response' || (m.actionId !== undefined && name !== undefined)) {
      const id = m.actionId ?? `#${(counters.get(item.conn) ?? 0) + 1}`;
      if (m.actionId === undefined) counters.set(item.conn, (counters.get(item.conn) ?? 0) + 1);
      push(`action ${id}`, e);
      continue;
    }
    const key = streamKey(m, canon, item.conn);
    if (key === undefined) {
      ignored.set(`${name ?? '?'} (history-dependent)`, (ignored.get(`${name ?? '?'} (history-dependent)`) ?? 0) + 1);
      continue;
    }
    if (name === 'BridgeEnter') {
      const b = canon.bridge(m.get('BridgeUniqueid') ?? '');
      const list = bridgeMembers.get(b) ?? [];
      list.push(canon.channel(m.get('Channel') ?? ''));
      bridgeMembers.set(b, list);
    }
    push(key, e);
  }
  for (const [ch, linked] of pendingLinks) linkedids.set(ch, canon.uniqueid(linked) ?? `unknown(${linked})`);
  return { streams, canon, linkedids, bridgeMembers, greetings, ignored };
}

function streamKey(m: AmiMessage, canon: IdCanon, conn: number): string | undefined {
  const name = m.event ?? '';
  const ch = (field: string): string => canon.channel(m.get(field) ?? '', m.get(field.replace(/Channel$/, 'Uniqueid')));
  switch (name) {
    case 'CEL':
      // LINKEDID_END goes on whichever channel of the call happens to end last (02 vs 10).
      if (m.get('EventName') === 'LINKEDID_END') return `linkedid-end ${canon.uniqueid(m.get('LinkedID') ?? '') ?? ''}`;
      return `cel ${canon.uniqueid(m.get('UniqueID') ?? '') ?? canon.channel(m.get('Channel') ?? '')}`;
    case 'Cdr':
      return `cdr ${canon.uniqueid(m.get('UniqueID') ?? '') ?? m.get('Channel') ?? ''}`;
    case 'DeviceStateChange': {
      const device = m.get('Device') ?? '';
      return ignoredDevice(device) ? undefined : `device ${device}`;
    }
    case 'QueueMemberStatus':
    case 'QueueMemberPause':
    case 'QueueMemberAdded':
    case 'QueueMemberRemoved':
      return `member ${m.get('Queue') ?? ''} ${m.get('Interface') ?? ''}`;
    case 'BridgeCreate':
    case 'BridgeDestroy':
      return `bridge ${canon.bridge(m.get('BridgeUniqueid') ?? '')}`;
    case 'BridgeMerge':
      return `bridge ${canon.bridge(m.get('ToBridgeUniqueid') ?? '')}`;
    case 'BlindTransfer':
      return `channel ${ch('TransfererChannel')}`;
    case 'AttendedTransfer':
      return `channel ${ch('OrigTransfererChannel')}`;
    case 'LocalBridge':
      return `channel ${ch('LocalOneChannel')}`;
    case 'PeerStatus':
      return `peer ${m.get('Peer') ?? ''}`;
    case 'ContactStatus':
      return `peer ${m.get('EndpointName') ?? ''}`;
    case 'FullyBooted':
    case 'Shutdown':
      return 'system';
    case 'SuccessfulAuth':
    case 'InvalidPassword':
    case 'InvalidAccountID':
    case 'ChallengeSent':
    case 'RequestBadFormat':
    case 'RequestNotAllowed':
      return `security ${m.get('Service') ?? ''}`;
    default:
      break;
  }
  if (DEST_EVENTS.has(name) && m.has('DestChannel')) {
    const dest = ch('DestChannel');
    return m.has('Channel') ? `channel ${ch('Channel')} -> ${dest}` : `channel ${dest}`;
  }
  if (m.has('Channel')) return `channel ${ch('Channel')}`;
  return `conn ${conn}`;
}
