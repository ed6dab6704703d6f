/**
 * A simulated Asterisk channel: the fields Asterisk puts in its channel snapshot (the 14
 * headers every call event carries), plus what the world needs to drive it.
 *
 * Identity follows the recordings: `Uniqueid` is `<epoch>.<seq>` with one sequence for all
 * channels; the name suffix is a per-technology counter in hex (`PJSIP/1001-0000000c`,
 * `Local/1002@internal-00000000;1`); `Linkedid` is the Uniqueid of the call's first channel.
 */
import type { TimerHandle } from '../clock/scheduler.js';
import type { Bridge } from './bridge.js';
import type { CallGroup } from './call-group.js';

export const ChannelState = {
  Down: 0,
  Ring: 4,
  Ringing: 5,
  Up: 6,
  Busy: 7,
} as const;
export type ChannelState = (typeof ChannelState)[keyof typeof ChannelState];

const STATE_DESC: Record<number, string> = {
  0: 'Down',
  1: 'Rsrvd',
  2: 'OffHook',
  3: 'Dialing',
  4: 'Ring',
  5: 'Ringing',
  6: 'Up',
  7: 'Busy',
};

export function stateDesc(state: number): string {
  return STATE_DESC[state] ?? 'Unknown';
}

/** What a channel is in its call, which decides how the world treats its hangup. */
export type ChannelRole =
  /** A customer calling in on the trunk. */
  | 'inbound'
  /** A leg the queue rings towards a member. */
  | 'member'
  /** The first leg of an AMI Originate (the operator's phone on click-to-call). */
  | 'originated'
  /** A leg created by the Dial() application (trunk leg, transfer target). */
  | 'dialed'
  /** The two halves of a Local channel (attended transfer). */
  | 'local-one'
  | 'local-two';

export class Channel {
  readonly name: string;
  readonly uniqueid: string;
  linkedid: string;
  /** `PJSIP`, `SIP` or `Local`. */
  readonly tech: string;
  /** Endpoint or peer (`1001`, `pstn`), or the Local target (`1002@internal`). */
  readonly resource: string;
  /** Device whose state this channel counts towards (`PJSIP/1001`, `Local/1002@internal`). */
  readonly device: string;
  readonly role: ChannelRole;
  readonly createdAt: number;
  state: ChannelState = ChannelState.Down;
  callerNum = '';
  callerName = '';
  connectedNum = '';
  connectedName = '';
  language = 'en';
  accountCode = '';
  context: string;
  exten: string;
  priority = 1;
  /** Current application and its data (CoreShowChannel, Status, CEL). */
  app = '';
  appData = '';
  /**
   * What `app` returns to when an application run by the dialplan ends: pbx_exec() restores the
   * channel's previous application (06: the originated channel's CEL HANGUP says AppDial2).
   */
  baseApp = '';
  baseAppData = '';
  /** CEL `CallerIDdnid`. */
  dnid = '';
  /**
   * CEL `CallerIDani` when it is not the caller id number: a trunk leg that only copied the
   * caller's id keeps an empty ANI (06, 07).
   */
  ani: string | undefined;
  readonly vars = new Map<string, string>();
  answeredAt: number | undefined;
  bridge: Bridge | undefined;
  /** The SIP Call-ID of this leg (peers see it as BRIDGEPVTCALLID). */
  readonly sipCallId: string;
  call: CallGroup;
  onHold = false;
  mohPlaying = false;
  /** DTMF digits Asterisk sent out to this channel's far end (PlayDTMF), in order. */
  digitsSent = '';
  hungUp = false;
  /** chan_sip: this leg's RTP statistics were already reported (see World.rtpQos). */
  qosReported = false;
  /** The far end ended this channel (BYE), as opposed to Asterisk hanging it up. */
  byeSent = false;
  /** Why the channel is going away, once decided (`Cause`). */
  hangupCause: number | undefined;
  /** Set when Asterisk itself ends the channel (AMI Hangup, restart): the cause it uses. */
  softHangupCause: number | undefined;
  /** The SIP response behind `hangupCause` (`TechCause: 486`), when a refused Dial() set it. */
  techCause: number | undefined;
  /** Timers owned by this channel (ring timeout, answer delay…), cancelled at hangup. */
  readonly timers = new Set<TimerHandle>();
  /** Free-form per-role state (the queue caller, the Dial in progress…). */
  owner: unknown;

  constructor(init: {
    name: string;
    uniqueid: string;
    linkedid: string;
    tech: string;
    resource: string;
    device: string;
    role: ChannelRole;
    createdAt: number;
    context: string;
    exten: string;
    sipCallId: string;
    call: CallGroup;
  }) {
    this.name = init.name;
    this.uniqueid = init.uniqueid;
    this.linkedid = init.linkedid;
    this.tech = init.tech;
    this.resource = init.resource;
    this.device = init.device;
    this.role = init.role;
    this.createdAt = init.createdAt;
    this.context = init.context;
    this.exten = init.exten;
    this.sipCallId = init.sipCallId;
    this.call = init.call;
  }

  get isUp(): boolean {
    return this.state === ChannelState.Up;
  }
}

/** Asterisk prints an empty caller id number or name as `<unknown>` in snapshots. */
export function orUnknown(value: string): string {
  return value === '' ? '<unknown>' : value;
}

/**
 * A frozen copy of the snapshot fields, for events that show a channel as it was a moment
 * earlier (DialBegin carries the leg before the queue set its connected line).
 */
export interface ChannelSnapshot {
  name: string;
  state: number;
  callerNum: string;
  callerName: string;
  connectedNum: string;
  connectedName: string;
  language: string;
  accountCode: string;
  context: string;
  exten: string;
  priority: number;
  uniqueid: string;
  linkedid: string;
}

export function snapshot(ch: Channel, override: Partial<ChannelSnapshot> = {}): ChannelSnapshot {
  return {
    name: ch.name,
    state: ch.state,
    callerNum: ch.callerNum,
    callerName: ch.callerName,
    connectedNum: ch.connectedNum,
    connectedName: ch.connectedName,
    language: ch.language,
    accountCode: ch.accountCode,
    context: ch.context,
    exten: ch.exten,
    priority: ch.priority,
    uniqueid: ch.uniqueid,
    linkedid: ch.linkedid,
    ...override,
  };
}
