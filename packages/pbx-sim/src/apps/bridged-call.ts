/**
 * What a channel in a two-party bridge is part of: a queue call (customer + agent leg) or a
 * Dial() call (caller + dialled leg). Hold and transfers work on either.
 */
import type { Bridge } from '../model/bridge.js';
import type { Channel } from '../model/channel.js';
import { DialCall } from './dial.js';
import { QueueCall } from './queue-call.js';

export type BridgedCall =
  | { kind: 'queue'; call: QueueCall; bridge: Bridge; a: Channel; b: Channel }
  | { kind: 'dial'; call: DialCall; bridge: Bridge; a: Channel; b: Channel };

export function bridgedCallOf(ch: Channel): BridgedCall | undefined {
  const owner = ch.owner;
  if (owner instanceof QueueCall && owner.state === 'connected' && owner.bridge && owner.agent) {
    return { kind: 'queue', call: owner, bridge: owner.bridge, a: owner.caller, b: owner.agent.leg };
  }
  if (owner instanceof DialCall && owner.state === 'bridged' && owner.bridge && owner.leg) {
    return { kind: 'dial', call: owner, bridge: owner.bridge, a: owner.caller, b: owner.leg };
  }
  return undefined;
}

export function peerIn(call: BridgedCall, ch: Channel): Channel {
  return call.a === ch ? call.b : call.a;
}
