/**
 * A phone registering or unregistering (REGISTER with digest auth), recording 18 and its
 * chan_sip counterpart: the security events of the challenge, the peer and contact status,
 * then the device state (UNAVAILABLE / NOT_INUSE) and the queue members that follow it.
 */
import { eventTv } from '../clock/time-format.js';
import { event } from '../model/sim-event.js';
import type { PhoneState, World } from '../model/world.js';

/** Each phone registers from its own SIP port, 6001 for 1001 as in the lab. */
function phonePort(extension: string): number {
  const n = Number(extension);
  return Number.isInteger(n) ? 5000 + (n % 10000) : 6000;
}

export function setRegistered(world: World, phone: PhoneState, registered: boolean): void {
  if (phone.registered === registered) return;
  const ext = phone.config.extension;
  const host = world.config.sipHost;
  const pjsip = world.flavour.registration === 'pjsip';
  const sessionId = pjsip ? world.newCallId(true) : `0x55e63e${world.prng.int(0xffffff).toString(16).padStart(6, '0')}`;
  const security = (name: string, severity: string, extra: string[]): void =>
    world.emit(
      event(name, 'security', [
        'EventTV',
        eventTv(world.now()),
        'Severity',
        severity,
        'Service',
        pjsip ? 'PJSIP' : 'SIP',
        'EventVersion',
        '1',
        'AccountID',
        ext,
        'SessionID',
        sessionId,
        'LocalAddress',
        `IPV4/UDP/${host}/5060`,
        'RemoteAddress',
        `IPV4/UDP/${host}/7000`,
        ...extra,
      ]),
    );
  const challenge = pjsip ? '' : world.prng.int(0xffffffff).toString(16).padStart(8, '0');
  security('ChallengeSent', 'Informational', ['Challenge', challenge]);
  const peer = `${world.flavour.tech}/${ext}`;
  const contact = `sip:${ext}@${host}:${phonePort(ext)};transport=udp`;
  phone.registered = registered;
  if (pjsip) {
    security('SuccessfulAuth', 'Informational', ['UsingPassword', '1']);
    world.emit(
      event('PeerStatus', 'system', [
        'ChannelType',
        'PJSIP',
        'Peer',
        peer,
        'PeerStatus',
        registered ? 'Reachable' : 'Unreachable',
      ]),
    );
    world.emit(
      event('ContactStatus', 'system', [
        'URI',
        contact,
        'ContactStatus',
        registered ? 'NonQualified' : 'Removed',
        'AOR',
        ext,
        'EndpointName',
        ext,
        'RoundtripUsec',
        '0',
      ]),
    );
  } else if (registered) {
    world.emit(
      event('PeerStatus', 'system', [
        'ChannelType',
        'SIP',
        'Peer',
        peer,
        'PeerStatus',
        'Registered',
        'Address',
        `${host}:${phonePort(ext)}`,
      ]),
    );
    // chan_sip: SuccessfulAuth after PeerStatus Registered (20.20.1 README, "Registration").
    security('SuccessfulAuth', 'Informational', ['UsingPassword', '1']);
  } else {
    security('SuccessfulAuth', 'Informational', ['UsingPassword', '1']);
    world.emit(
      event('PeerStatus', 'system', [
        'ChannelType',
        'SIP',
        'Peer',
        peer,
        'PeerStatus',
        'Unregistered',
        'Cause',
        'Expired',
      ]),
    );
  }
  world.updateDevice(phone.device);
}
