/**
 * The two Asterisk builds callgate supports, and what differs between them on AMI, as
 * recorded in fixtures/ami/asterisk-22.10.1 and fixtures/ami/asterisk-20.20.1-chansip (see
 * that folder's README, "Differences from 22.10.1 + PJSIP").
 */
export type FlavourId = 'asterisk-22' | 'asterisk-20-chansip';

export interface Flavour {
  readonly id: FlavourId;
  /** The banner line; its version is the AMI version, not Asterisk's. */
  readonly banner: string;
  readonly amiVersion: string;
  readonly asteriskVersion: string;
  /** Channel technology of phones and the trunk: `PJSIP` or `SIP`. */
  readonly tech: 'PJSIP' | 'SIP';
  /** chan_sip creates inbound channels Down, then `Newstate Ring` (22: Newchannel already Ring). */
  readonly inboundStartsDown: boolean;
  /** chan_sip sets SIPURI/SIPCALLID on inbound channels; PJSIP sets SIPDOMAIN. */
  readonly inboundVars: 'pjsip' | 'chansip';
  /** `Hold` carries `MusicClass:` (22 only). */
  readonly holdHasMusicClass: boolean;
  /** `Hangup`/`HangupRequest` carry `TechCause` (22 only). */
  readonly techCause: boolean;
  /** Registration events (18): PJSIP Reachable/ContactStatus vs chan_sip Registered/Address. */
  readonly registration: 'pjsip' | 'chansip';
  /** `AttendedTransfer` has the `TransferTarget*` block (22 only). */
  readonly transferTargetBlock: boolean;
  /** Ringing member legs torn down by an abandon hang up with this cause (22: 0, 20: 16). */
  readonly abandonedLegCause: number;
  /** `SuccessfulAuth` for every inbound trunk INVITE (chan_sip `insecure=invite`). */
  readonly trunkSuccessfulAuth: boolean;
  /** The trunk device's state follows its channels (22) or stays NOT_INUSE (chan_sip peer without call-limit). */
  readonly trunkDeviceState: boolean;
  /** DeviceStateChange RINGING is emitted twice per ringing operator leg (chan_sip). */
  readonly doubleRingingState: boolean;
}

export const FLAVOURS: Readonly<Record<FlavourId, Flavour>> = {
  'asterisk-22': {
    id: 'asterisk-22',
    banner: 'Asterisk Call Manager/11.0.0',
    amiVersion: '11.0.0',
    asteriskVersion: '22.10.1',
    tech: 'PJSIP',
    inboundStartsDown: false,
    inboundVars: 'pjsip',
    holdHasMusicClass: true,
    techCause: true,
    registration: 'pjsip',
    transferTargetBlock: true,
    abandonedLegCause: 0,
    trunkSuccessfulAuth: false,
    trunkDeviceState: true,
    doubleRingingState: false,
  },
  'asterisk-20-chansip': {
    id: 'asterisk-20-chansip',
    banner: 'Asterisk Call Manager/9.0.0',
    amiVersion: '9.0.0',
    asteriskVersion: '20.20.1',
    tech: 'SIP',
    inboundStartsDown: true,
    inboundVars: 'chansip',
    holdHasMusicClass: false,
    techCause: false,
    registration: 'chansip',
    transferTargetBlock: false,
    abandonedLegCause: 16,
    trunkSuccessfulAuth: true,
    trunkDeviceState: false,
    doubleRingingState: true,
  },
};
