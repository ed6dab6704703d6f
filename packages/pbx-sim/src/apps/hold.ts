/**
 * Hold and unhold from the phone (a re-INVITE with a=sendonly / a=sendrecv), recording 10:
 * `Hold` on the channel whose phone sent it, the bridge peer variables set again, then
 * `MusicOnHoldStart` and device state ONHOLD on the *other* party.
 */
import { SimError, SimErrorCode } from '../errors.js';
import type { Channel } from '../model/channel.js';
import { channelFields, event } from '../model/sim-event.js';
import type { World } from '../model/world.js';
import { bridgedCallOf, peerIn } from './bridged-call.js';

export function hold(world: World, ch: Channel): void {
  const call = bridgedCallOf(ch);
  if (!call) throw new SimError(SimErrorCode.BadState, `${ch.name} is not in a call`, { channel: ch.name });
  const peer = peerIn(call, ch);
  if (peer.onHold) return;
  const fields = channelFields(ch);
  if (world.flavour.holdHasMusicClass) fields.push('MusicClass', 'default');
  world.emit(event('Hold', 'call', fields));
  world.setBridgePeers(call.bridge);
  peer.onHold = true;
  world.updateDevice(peer.device);
  world.startMoh(peer);
}

export function unhold(world: World, ch: Channel): void {
  const call = bridgedCallOf(ch);
  if (!call) throw new SimError(SimErrorCode.BadState, `${ch.name} is not in a call`, { channel: ch.name });
  const peer = peerIn(call, ch);
  if (!peer.onHold) return;
  world.emit(event('Unhold', 'call', channelFields(ch)));
  world.setBridgePeers(call.bridge);
  world.stopMoh(peer);
  peer.onHold = false;
  world.updateDevice(peer.device);
}
