/**
 * Typed views of the AMI events a call tracker needs, decoded from `AmiMessage`.
 *
 * Field names follow Asterisk's own (lower camel case), read as recorded from Asterisk 20
 * (chan_sip) and 22 (PJSIP) in fixtures/ami. Everything else stays available through the
 * generic `{ name: 'Other', message }` form, so an event we have not typed is never lost.
 *
 * Snapshots: Asterisk ≥ 12 describes a channel with a fixed block of headers (`Channel`,
 * `ChannelState`, …, `Linkedid`), repeated with a prefix for other channels in the same event
 * (`Dest…` in Dial/Agent events, `Transferer…` in transfers, `LocalOne…` in LocalBridge).
 * `DialBegin` of an originated channel has no caller block at all (recording 06).
 */
import type { AmiMessage } from './message.js';

export interface ChannelSnapshot {
  channel: string;
  state: number;
  stateDesc: string;
  callerIdNum: string;
  callerIdName: string;
  connectedLineNum: string;
  connectedLineName: string;
  accountCode: string;
  context: string;
  exten: string;
  priority: number;
  uniqueid: string;
  linkedid: string;
}

export interface BridgeSnapshot {
  bridgeUniqueid: string;
  bridgeType: string;
  bridgeTechnology: string;
  bridgeNumChannels: number;
}

export interface QueueMemberSnapshot {
  queue: string;
  memberName: string;
  interface: string;
  stateInterface: string;
  membership: string;
  /** Device state number: 1 not in use, 2 in use, 5 unavailable, 6 ringing (see docs). */
  status: number;
  paused: boolean;
  pausedReason: string;
  inCall: boolean;
  callsTaken: number;
}

/** Reads a channel snapshot with an optional header prefix; undefined when it is absent. */
export function channelSnapshot(msg: AmiMessage, prefix = ''): ChannelSnapshot | undefined {
  const uniqueid = msg.get(`${prefix}Uniqueid`);
  const channel = msg.get(`${prefix}Channel`);
  if (uniqueid === undefined || channel === undefined) return undefined;
  return {
    channel,
    state: msg.int(`${prefix}ChannelState`) ?? 0,
    stateDesc: msg.get(`${prefix}ChannelStateDesc`) ?? '',
    callerIdNum: msg.get(`${prefix}CallerIDNum`) ?? '',
    callerIdName: msg.get(`${prefix}CallerIDName`) ?? '',
    connectedLineNum: msg.get(`${prefix}ConnectedLineNum`) ?? '',
    connectedLineName: msg.get(`${prefix}ConnectedLineName`) ?? '',
    accountCode: msg.get(`${prefix}AccountCode`) ?? '',
    context: msg.get(`${prefix}Context`) ?? '',
    exten: msg.get(`${prefix}Exten`) ?? '',
    priority: msg.int(`${prefix}Priority`) ?? 0,
    uniqueid,
    linkedid: msg.get(`${prefix}Linkedid`) ?? uniqueid,
  };
}

export function bridgeSnapshot(msg: AmiMessage, prefix = ''): BridgeSnapshot | undefined {
  const id = msg.get(`${prefix}BridgeUniqueid`);
  if (id === undefined) return undefined;
  return {
    bridgeUniqueid: id,
    bridgeType: msg.get(`${prefix}BridgeType`) ?? '',
    bridgeTechnology: msg.get(`${prefix}BridgeTechnology`) ?? '',
    bridgeNumChannels: msg.int(`${prefix}BridgeNumChannels`) ?? 0,
  };
}

export function queueMemberSnapshot(msg: AmiMessage): QueueMemberSnapshot {
  return {
    queue: msg.get('Queue') ?? '',
    // QueueMember list items say Name/Location; the QueueMember* events say MemberName/Interface.
    memberName: msg.get('MemberName') ?? msg.get('Name') ?? '',
    interface: msg.get('Interface') ?? msg.get('Location') ?? '',
    stateInterface: msg.get('StateInterface') ?? '',
    membership: msg.get('Membership') ?? '',
    status: msg.int('Status') ?? 0,
    paused: msg.get('Paused') === '1',
    pausedReason: msg.get('PausedReason') ?? '',
    inCall: msg.get('InCall') === '1',
    callsTaken: msg.int('CallsTaken') ?? 0,
  };
}

type WithChannel<N extends string, X = object> = { name: N; channel: ChannelSnapshot } & X;
type Agent<N extends string, X = object> = {
  name: N;
  /** The caller (customer) channel. */
  channel: ChannelSnapshot;
  /** The queue member's leg. */
  dest: ChannelSnapshot;
  queue: string;
  interface: string;
  memberName: string;
} & X;

export type AmiEvent =
  | WithChannel<'Newchannel'>
  | WithChannel<'Newstate'>
  | WithChannel<'NewCallerid'>
  | WithChannel<'NewConnectedLine'>
  | WithChannel<'Newexten', { application: string; appData: string }>
  | WithChannel<'Hangup', { cause: number; causeText: string }>
  | WithChannel<'HangupRequest' | 'SoftHangupRequest', { cause: number | undefined }>
  | { name: 'DialBegin'; caller: ChannelSnapshot | undefined; dest: ChannelSnapshot; dialString: string }
  | { name: 'DialState'; caller: ChannelSnapshot | undefined; dest: ChannelSnapshot; dialStatus: string }
  | { name: 'DialEnd'; caller: ChannelSnapshot | undefined; dest: ChannelSnapshot; dialStatus: string }
  | { name: 'BridgeCreate' | 'BridgeDestroy'; bridge: BridgeSnapshot }
  | { name: 'BridgeEnter' | 'BridgeLeave'; bridge: BridgeSnapshot; channel: ChannelSnapshot }
  | { name: 'BridgeMerge'; to: BridgeSnapshot; from: BridgeSnapshot }
  | WithChannel<'QueueCallerJoin' | 'QueueCallerLeave', { queue: string; position: number; count: number }>
  | WithChannel<'QueueCallerAbandon', { queue: string; position: number; originalPosition: number; holdTime: number }>
  | Agent<'AgentCalled'>
  | Agent<'AgentConnect', { holdTime: number; ringTime: number }>
  | Agent<'AgentComplete', { holdTime: number; talkTime: number; reason: string }>
  /** Asterisk reports this RingTime in milliseconds (the others in seconds). */
  | Agent<'AgentRingNoAnswer', { ringTimeMs: number }>
  | WithChannel<'Hold', { musicClass: string | undefined }>
  | WithChannel<'Unhold'>
  | WithChannel<'MusicOnHoldStart' | 'MusicOnHoldStop'>
  | {
      name: 'BlindTransfer';
      result: string;
      transferer: ChannelSnapshot | undefined;
      transferee: ChannelSnapshot | undefined;
      isExternal: boolean;
      context: string;
      extension: string;
      bridgeUniqueid: string | undefined;
    }
  | {
      name: 'AttendedTransfer';
      result: string;
      origTransferer: ChannelSnapshot | undefined;
      secondTransferer: ChannelSnapshot | undefined;
      transferee: ChannelSnapshot | undefined;
      /** Absent in Asterisk 20 (recording 12 of chan_sip): fall back to the bridge. */
      transferTarget: ChannelSnapshot | undefined;
      origBridgeUniqueid: string | undefined;
      secondBridgeUniqueid: string | undefined;
      destType: string;
      destBridgeUniqueid: string | undefined;
    }
  | {
      name: 'LocalBridge';
      localOne: ChannelSnapshot | undefined;
      localTwo: ChannelSnapshot | undefined;
      context: string;
      exten: string;
    }
  | {
      name: 'OriginateResponse';
      actionId: string | undefined;
      response: string;
      /** A channel name on success; the dial string (`PJSIP/1099`) on failure. */
      channel: string;
      /** `<unknown>` on failure, as Asterisk sends it. */
      uniqueid: string;
      /** Asterisk's originate reason: 0 failure, 1 hung up, 3 ringing/no answer, 4 answered, 5 busy, 8 congestion. */
      reason: number;
      context: string;
      exten: string;
      callerIdNum: string;
      callerIdName: string;
    }
  | { name: 'VarSet'; channel: ChannelSnapshot | undefined; variable: string; value: string }
  | WithChannel<'DTMFBegin' | 'DTMFEnd', { digit: string; direction: string; durationMs: number | undefined }>
  | { name: 'FullyBooted'; uptime: number | undefined; lastReload: number | undefined; status: string }
  | { name: 'Shutdown'; shutdown: string; restart: boolean }
  | ({
      name: 'QueueMemberStatus' | 'QueueMemberAdded' | 'QueueMemberRemoved' | 'QueueMemberPause';
    } & QueueMemberSnapshot)
  | { name: 'PeerStatus'; channelType: string; peer: string; peerStatus: string; cause: string; address: string }
  | { name: 'ContactStatus'; aor: string; endpointName: string; uri: string; contactStatus: string }
  | { name: 'DeviceStateChange'; device: string; state: string }
  | {
      name: 'Cdr';
      uniqueId: string;
      source: string;
      destination: string;
      channel: string;
      destinationChannel: string;
      disposition: string;
      duration: number;
      billableSeconds: number;
      startTime: string;
      answerTime: string;
      endTime: string;
      userField: string;
    }
  | WithChannel<
      'CoreShowChannel',
      { actionId: string | undefined; application: string; applicationData: string; bridgeId: string; duration: string }
    >
  | { name: 'Other'; event: string; message: AmiMessage };

const str = (m: AmiMessage, k: string): string => m.get(k) ?? '';
const num = (m: AmiMessage, k: string): number => m.int(k) ?? 0;

function withChannel<T extends object>(
  msg: AmiMessage,
  name: string,
  extra: (m: AmiMessage) => T,
): AmiEvent | undefined {
  const channel = channelSnapshot(msg);
  if (!channel) return undefined;
  return { name, channel, ...extra(msg) } as unknown as AmiEvent;
}

function agent<T extends object>(msg: AmiMessage, name: string, extra: (m: AmiMessage) => T): AmiEvent | undefined {
  const channel = channelSnapshot(msg);
  const dest = channelSnapshot(msg, 'Dest');
  if (!channel || !dest) return undefined;
  return {
    name,
    channel,
    dest,
    queue: str(msg, 'Queue'),
    interface: str(msg, 'Interface'),
    memberName: str(msg, 'MemberName'),
    ...extra(msg),
  } as unknown as AmiEvent;
}

function dial(msg: AmiMessage, name: string, extra: Record<string, string>): AmiEvent | undefined {
  const dest = channelSnapshot(msg, 'Dest');
  if (!dest) return undefined;
  return { name, caller: channelSnapshot(msg), dest, ...extra } as unknown as AmiEvent;
}

const none = (): object => ({});

const DECODERS: Record<string, (m: AmiMessage, name: string) => AmiEvent | undefined> = {
  Newchannel: (m, n) => withChannel(m, n, none),
  Newstate: (m, n) => withChannel(m, n, none),
  NewCallerid: (m, n) => withChannel(m, n, none),
  NewConnectedLine: (m, n) => withChannel(m, n, none),
  Newexten: (m, n) => withChannel(m, n, (x) => ({ application: str(x, 'Application'), appData: str(x, 'AppData') })),
  Hangup: (m, n) => withChannel(m, n, (x) => ({ cause: num(x, 'Cause'), causeText: str(x, 'Cause-txt') })),
  HangupRequest: (m, n) => withChannel(m, n, (x) => ({ cause: x.int('Cause') })),
  SoftHangupRequest: (m, n) => withChannel(m, n, (x) => ({ cause: x.int('Cause') })),
  DialBegin: (m, n) => dial(m, n, { dialString: str(m, 'DialString') }),
  DialState: (m, n) => dial(m, n, { dialStatus: str(m, 'DialStatus') }),
  DialEnd: (m, n) => dial(m, n, { dialStatus: str(m, 'DialStatus') }),
  BridgeCreate: (m, n) => {
    const bridge = bridgeSnapshot(m);
    return bridge && { name: n as 'BridgeCreate', bridge };
  },
  BridgeDestroy: (m, n) => {
    const bridge = bridgeSnapshot(m);
    return bridge && { name: n as 'BridgeDestroy', bridge };
  },
  BridgeEnter: (m, n) => {
    const bridge = bridgeSnapshot(m);
    const channel = channelSnapshot(m);
    return bridge && channel && { name: n as 'BridgeEnter', bridge, channel };
  },
  BridgeLeave: (m, n) => {
    const bridge = bridgeSnapshot(m);
    const channel = channelSnapshot(m);
    return bridge && channel && { name: n as 'BridgeLeave', bridge, channel };
  },
  BridgeMerge: (m) => {
    const to = bridgeSnapshot(m, 'To');
    const from = bridgeSnapshot(m, 'From');
    return to && from && { name: 'BridgeMerge', to, from };
  },
  QueueCallerJoin: (m, n) =>
    withChannel(m, n, (x) => ({ queue: str(x, 'Queue'), position: num(x, 'Position'), count: num(x, 'Count') })),
  QueueCallerLeave: (m, n) =>
    withChannel(m, n, (x) => ({ queue: str(x, 'Queue'), position: num(x, 'Position'), count: num(x, 'Count') })),
  QueueCallerAbandon: (m, n) =>
    withChannel(m, n, (x) => ({
      queue: str(x, 'Queue'),
      position: num(x, 'Position'),
      originalPosition: num(x, 'OriginalPosition'),
      holdTime: num(x, 'HoldTime'),
    })),
  AgentCalled: (m, n) => agent(m, n, none),
  AgentConnect: (m, n) => agent(m, n, (x) => ({ holdTime: num(x, 'HoldTime'), ringTime: num(x, 'RingTime') })),
  AgentComplete: (m, n) =>
    agent(m, n, (x) => ({ holdTime: num(x, 'HoldTime'), talkTime: num(x, 'TalkTime'), reason: str(x, 'Reason') })),
  AgentRingNoAnswer: (m, n) => agent(m, n, (x) => ({ ringTimeMs: num(x, 'RingTime') })),
  Hold: (m, n) => withChannel(m, n, (x) => ({ musicClass: x.get('MusicClass') })),
  Unhold: (m, n) => withChannel(m, n, none),
  MusicOnHoldStart: (m, n) => withChannel(m, n, none),
  MusicOnHoldStop: (m, n) => withChannel(m, n, none),
  BlindTransfer: (m) => ({
    name: 'BlindTransfer',
    result: str(m, 'Result'),
    transferer: channelSnapshot(m, 'Transferer'),
    transferee: channelSnapshot(m, 'Transferee'),
    isExternal: m.get('IsExternal') === 'Yes',
    context: str(m, 'Context'),
    extension: str(m, 'Extension'),
    bridgeUniqueid: m.get('BridgeUniqueid'),
  }),
  AttendedTransfer: (m) => ({
    name: 'AttendedTransfer',
    result: str(m, 'Result'),
    origTransferer: channelSnapshot(m, 'OrigTransferer'),
    secondTransferer: channelSnapshot(m, 'SecondTransferer'),
    transferee: channelSnapshot(m, 'Transferee'),
    transferTarget: channelSnapshot(m, 'TransferTarget'),
    origBridgeUniqueid: m.get('OrigBridgeUniqueid'),
    secondBridgeUniqueid: m.get('SecondBridgeUniqueid'),
    destType: str(m, 'DestType'),
    destBridgeUniqueid: m.get('DestBridgeUniqueid'),
  }),
  LocalBridge: (m) => ({
    name: 'LocalBridge',
    localOne: channelSnapshot(m, 'LocalOne'),
    localTwo: channelSnapshot(m, 'LocalTwo'),
    context: str(m, 'Context'),
    exten: str(m, 'Exten'),
  }),
  OriginateResponse: (m) => ({
    name: 'OriginateResponse',
    actionId: m.get('ActionID'),
    response: str(m, 'Response'),
    channel: str(m, 'Channel'),
    uniqueid: str(m, 'Uniqueid'),
    reason: num(m, 'Reason'),
    context: str(m, 'Context'),
    exten: str(m, 'Exten'),
    callerIdNum: str(m, 'CallerIDNum'),
    callerIdName: str(m, 'CallerIDName'),
  }),
  VarSet: (m) => ({
    name: 'VarSet',
    channel: channelSnapshot(m),
    variable: str(m, 'Variable'),
    value: str(m, 'Value'),
  }),
  DTMFBegin: (m, n) =>
    withChannel(m, n, (x) => ({
      digit: str(x, 'Digit'),
      direction: str(x, 'Direction'),
      durationMs: x.int('DurationMs'),
    })),
  DTMFEnd: (m, n) =>
    withChannel(m, n, (x) => ({
      digit: str(x, 'Digit'),
      direction: str(x, 'Direction'),
      durationMs: x.int('DurationMs'),
    })),
  FullyBooted: (m) => ({
    name: 'FullyBooted',
    uptime: m.int('Uptime'),
    lastReload: m.int('LastReload'),
    status: str(m, 'Status'),
  }),
  Shutdown: (m) => ({ name: 'Shutdown', shutdown: str(m, 'Shutdown'), restart: m.get('Restart') === 'True' }),
  QueueMemberStatus: (m, n) => ({ name: n as 'QueueMemberStatus', ...queueMemberSnapshot(m) }),
  QueueMemberAdded: (m, n) => ({ name: n as 'QueueMemberAdded', ...queueMemberSnapshot(m) }),
  QueueMemberRemoved: (m, n) => ({ name: n as 'QueueMemberRemoved', ...queueMemberSnapshot(m) }),
  QueueMemberPause: (m, n) => ({ name: n as 'QueueMemberPause', ...queueMemberSnapshot(m) }),
  PeerStatus: (m) => ({
    name: 'PeerStatus',
    channelType: str(m, 'ChannelType'),
    peer: str(m, 'Peer'),
    peerStatus: str(m, 'PeerStatus'),
    cause: str(m, 'Cause'),
    address: str(m, 'Address'),
  }),
  ContactStatus: (m) => ({
    name: 'ContactStatus',
    aor: str(m, 'AOR'),
    endpointName: str(m, 'EndpointName'),
    uri: str(m, 'URI'),
    contactStatus: str(m, 'ContactStatus'),
  }),
  DeviceStateChange: (m) => ({ name: 'DeviceStateChange', device: str(m, 'Device'), state: str(m, 'State') }),
  Cdr: (m) => ({
    name: 'Cdr',
    uniqueId: str(m, 'UniqueID'),
    source: str(m, 'Source'),
    destination: str(m, 'Destination'),
    channel: str(m, 'Channel'),
    destinationChannel: str(m, 'DestinationChannel'),
    disposition: str(m, 'Disposition'),
    duration: num(m, 'Duration'),
    billableSeconds: num(m, 'BillableSeconds'),
    startTime: str(m, 'StartTime'),
    answerTime: str(m, 'AnswerTime'),
    endTime: str(m, 'EndTime'),
    userField: str(m, 'UserField'),
  }),
  CoreShowChannel: (m, n) =>
    withChannel(m, n, (x) => ({
      actionId: x.get('ActionID'),
      application: str(x, 'Application'),
      applicationData: str(x, 'ApplicationData'),
      bridgeId: str(x, 'BridgeId'),
      duration: str(x, 'Duration'),
    })),
};

/**
 * Decodes an event message. Unknown events, and known ones missing the headers their type
 * needs (a truncated or foreign message), come back as `Other`: never thrown, never dropped.
 */
export function decodeEvent(msg: AmiMessage): AmiEvent {
  const name = msg.event ?? '';
  const decoder = DECODERS[name];
  const typed = decoder ? decoder(msg, name) : undefined;
  return typed ?? { name: 'Other', event: name, message: msg };
}
