/**
 * Typed constructors for the AMI actions callgate uses, with the header names Asterisk 20 and
 * 22 expect (see fixtures/ami). They only build `AmiAction` values; the serializer checks them.
 */
import type { AmiAction, AmiValue } from './serializer.js';

/** One session filter: see `actions.filter`. */
export interface AmiFilter {
  filter?: string;
  matchCriteria?: string;
}

export interface OriginateParams {
  /** The first leg, e.g. `PJSIP/1001`. */
  channel: string;
  context?: string;
  exten?: string;
  priority?: number;
  application?: string;
  data?: string;
  /** Milliseconds to wait for the first leg to answer. */
  timeoutMs?: number;
  callerId?: string;
  /** Pick the new channel's Uniqueid (Asterisk ≥ 12 `ChannelId`). */
  channelId?: string;
  otherChannelId?: string;
  async?: boolean;
  account?: string;
  variables?: Record<string, AmiValue>;
}

export const actions = {
  ping: (): AmiAction => ({ action: 'Ping' }),
  logoff: (): AmiAction => ({ action: 'Logoff' }),
  coreSettings: (): AmiAction => ({ action: 'CoreSettings' }),
  coreStatus: (): AmiAction => ({ action: 'CoreStatus' }),
  coreShowChannels: (): AmiAction => ({ action: 'CoreShowChannels' }),
  /** Asterisk ≥ 14: output comes back as `Output` headers. */
  command: (command: string): AmiAction => ({ action: 'Command', headers: { Command: command } }),
  status: (channel?: string, variables?: readonly string[]): AmiAction => ({
    action: 'Status',
    headers: { Channel: channel, Variables: variables?.join(',') },
  }),
  getvar: (variable: string, channel?: string): AmiAction => ({
    action: 'Getvar',
    headers: { Channel: channel, Variable: variable },
  }),
  setvar: (variable: string, value: string, channel?: string): AmiAction => ({
    action: 'Setvar',
    headers: { Channel: channel, Variable: variable, Value: value },
  }),
  originate: (p: OriginateParams): AmiAction => ({
    action: 'Originate',
    headers: {
      Channel: p.channel,
      Context: p.context,
      Exten: p.exten,
      Priority: p.priority ?? (p.exten !== undefined ? 1 : undefined),
      Application: p.application,
      Data: p.data,
      Timeout: p.timeoutMs,
      CallerID: p.callerId,
      ChannelId: p.channelId,
      OtherChannelId: p.otherChannelId,
      Account: p.account,
      // Async by default: a sync Originate blocks the AMI session until the phone answers.
      // A sync one is sent as Asterisk's default (no header), as in recording 09 (c).
      Async: p.async === false ? undefined : true,
    },
    ...(p.variables ? { variables: p.variables } : {}),
  }),
  hangup: (channel: string, cause?: number): AmiAction => ({
    action: 'Hangup',
    headers: { Channel: channel, Cause: cause },
  }),
  redirect: (p: {
    channel: string;
    context: string;
    exten: string;
    priority?: number;
    extraChannel?: string;
    extraContext?: string;
    extraExten?: string;
    extraPriority?: number;
  }): AmiAction => ({
    action: 'Redirect',
    headers: {
      Channel: p.channel,
      ExtraChannel: p.extraChannel,
      Exten: p.exten,
      ExtraExten: p.extraExten,
      Context: p.context,
      ExtraContext: p.extraContext,
      Priority: p.priority ?? 1,
      ExtraPriority: p.extraChannel ? (p.extraPriority ?? 1) : undefined,
    },
  }),
  blindTransfer: (channel: string, context: string, exten: string): AmiAction => ({
    action: 'BlindTransfer',
    headers: { Channel: channel, Context: context, Exten: exten },
  }),
  atxfer: (channel: string, context: string, exten: string): AmiAction => ({
    action: 'Atxfer',
    headers: { Channel: channel, Context: context, Exten: exten },
  }),
  cancelAtxfer: (channel: string): AmiAction => ({ action: 'CancelAtxfer', headers: { Channel: channel } }),
  /**
   * A SIP NOTIFY inside the dialog of a PJSIP channel (res_pjsip_notify, documented for Asterisk 18+; needs
   * `write = system`). `headers` become the NOTIFY's headers, e.g. `{ Event: 'hold' }`.
   */
  pjsipNotifyChannel: (channel: string, headers: Record<string, string>): AmiAction => ({
    action: 'PJSIPNotify',
    headers: { Channel: channel },
    variables: headers,
  }),
  playDtmf: (channel: string, digit: string, durationMs?: number): AmiAction => ({
    action: 'PlayDTMF',
    headers: { Channel: channel, Digit: digit, Duration: durationMs },
  }),
  queueAdd: (p: {
    queue: string;
    interface: string;
    memberName?: string;
    stateInterface?: string;
    penalty?: number;
    paused?: boolean;
    reason?: string;
  }): AmiAction => ({
    action: 'QueueAdd',
    headers: {
      Queue: p.queue,
      Interface: p.interface,
      Penalty: p.penalty,
      Paused: p.paused,
      MemberName: p.memberName,
      StateInterface: p.stateInterface,
      Reason: p.reason,
    },
  }),
  queueRemove: (queue: string, iface: string): AmiAction => ({
    action: 'QueueRemove',
    headers: { Queue: queue, Interface: iface },
  }),
  /** Without `queue`, pauses the interface in every queue it is a member of. */
  queuePause: (p: { interface: string; paused: boolean; queue?: string; reason?: string }): AmiAction => ({
    action: 'QueuePause',
    headers: { Interface: p.interface, Paused: p.paused, Queue: p.queue, Reason: p.reason },
  }),
  queueStatus: (queue?: string, member?: string): AmiAction => ({
    action: 'QueueStatus',
    headers: { Queue: queue, Member: member },
  }),
  queueSummary: (queue?: string): AmiAction => ({ action: 'QueueSummary', headers: { Queue: queue } }),
  bridgeList: (): AmiAction => ({ action: 'BridgeList' }),
  /** The session's event mask (`on`, `off`, or classes). */
  events: (mask: string): AmiAction => ({ action: 'Events', headers: { EventMask: mask } }),
  /**
   * Adds a session event filter. `filter` alone is a regex over the event (`!` excludes);
   * `matchCriteria` (Asterisk 20.x/22: `name(VarSet),action(exclude)`) narrows by event name or
   * header without a regex, and `filter` may then be left out.
   */
  filter: (filter?: string, matchCriteria?: string): AmiAction => ({
    action: 'Filter',
    headers: { Operation: 'Add', MatchCriteria: matchCriteria, Filter: filter },
  }),
} as const;
