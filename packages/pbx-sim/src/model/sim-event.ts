/**
 * Events the simulated Asterisk raises, and builders for the header blocks Asterisk repeats
 * across events: the channel snapshot (14 headers, optionally prefixed `Dest`, `Transferer`…),
 * the bridge snapshot (7 headers) and the queue member block.
 *
 * An event is a flat `[key, value, key, value, …]` list in wire order, like `AmiMessage`,
 * because the load generator builds tens of thousands per second.
 */
import type { Bridge } from './bridge.js';
import { orUnknown, stateDesc, type Channel, type ChannelSnapshot } from './channel.js';

/**
 * manager.conf read classes. A session receives an event when its user's `read` and the
 * session's event mask both include the event's class (fixtures/ami README, "Privilege").
 */
export type EventClass =
  | 'system'
  | 'call'
  | 'log'
  | 'verbose'
  | 'command'
  | 'agent'
  | 'user'
  | 'config'
  | 'dtmf'
  | 'reporting'
  | 'cdr'
  | 'dialplan'
  | 'originate'
  | 'agi'
  | 'cc'
  | 'aoc'
  | 'test'
  | 'security'
  | 'message';

export interface SimEvent {
  readonly name: string;
  readonly eventClass: EventClass;
  readonly fields: readonly string[];
}

export function event(name: string, eventClass: EventClass, fields: readonly string[]): SimEvent {
  return { name, eventClass, fields: ['Event', name, 'Privilege', `${eventClass},all`, ...fields] };
}

export function channelFields(ch: Channel | ChannelSnapshot, prefix = ''): string[] {
  return [
    `${prefix}Channel`,
    ch.name,
    `${prefix}ChannelState`,
    String(ch.state),
    `${prefix}ChannelStateDesc`,
    stateDesc(ch.state),
    `${prefix}CallerIDNum`,
    orUnknown(ch.callerNum),
    `${prefix}CallerIDName`,
    orUnknown(ch.callerName),
    `${prefix}ConnectedLineNum`,
    orUnknown(ch.connectedNum),
    `${prefix}ConnectedLineName`,
    orUnknown(ch.connectedName),
    `${prefix}Language`,
    ch.language,
    `${prefix}AccountCode`,
    ch.accountCode,
    `${prefix}Context`,
    ch.context,
    `${prefix}Exten`,
    ch.exten,
    `${prefix}Priority`,
    String(ch.priority),
    `${prefix}Uniqueid`,
    ch.uniqueid,
    `${prefix}Linkedid`,
    ch.linkedid,
  ];
}

export function bridgeFields(b: Bridge, prefix = 'Bridge', numChannels = b.channels.length): string[] {
  return [
    `${prefix}Uniqueid`,
    b.id,
    `${prefix}Type`,
    b.type,
    `${prefix}Technology`,
    b.technology,
    `${prefix}Creator`,
    b.creator,
    `${prefix}Name`,
    b.bridgeName,
    `${prefix}NumChannels`,
    String(numChannels),
    `${prefix}VideoSourceMode`,
    b.videoSourceMode,
  ];
}
