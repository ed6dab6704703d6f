/**
 * The simulated Asterisk's core: channels, bridges, device state, queues' member state, CDR
 * and CEL — the primitives every application (Queue, Dial, Originate, transfers) is built
 * from, each emitting the events real Asterisk emits for that step, in its order.
 *
 * The world is a state machine driven by method calls and by timers from the injected
 * `Scheduler`; it writes events to the injected sink and does no I/O, so tests run it on
 * virtual time and read the events it produced.
 */
import type { Scheduler, TimerHandle } from '../clock/scheduler.js';
import { epochSeconds, localDateTime } from '../clock/time-format.js';
import { SimError, SimErrorCode } from '../errors.js';
import { Bridge } from './bridge.js';
import { CallGroup, type CdrRecord } from './call-group.js';
import { Channel, ChannelState, type ChannelRole } from './channel.js';
import { aggregate, DEVICE_STATE_NUMBER, DeviceStateCache, type DeviceState } from './device-states.js';
import { FLAVOURS, type Flavour } from './flavour.js';
import { Prng } from './prng.js';
import { memberAvailable, memberEvent, QueueMember, SimQueue } from './queues.js';
import { bridgeFields, channelFields, event, type SimEvent } from './sim-event.js';
import type { NumberBehaviour, PhoneBehaviour, PhoneConfig, WorldConfig } from './world-config.js';

/** Someone who must hear about a channel's far end hanging up (the app running it). */
export interface ChannelOwner {
  /** The phone, customer or far end sent BYE/CANCEL on `ch`. */
  remoteHangup(ch: Channel): void;
}

export interface PhoneState {
  readonly config: PhoneConfig;
  readonly device: string;
  registered: boolean;
  behaviour: PhoneBehaviour;
}

export interface WorldOptions {
  config: WorldConfig;
  scheduler: Scheduler;
  seed?: number;
  /** Every event the simulated Asterisk raises, in order. */
  emit: (event: SimEvent) => void;
  /**
   * A step of the world failed (a bug, not bad input: input is checked before it gets here).
   * The simulator reports it and keeps running rather than crashing its process.
   */
  onError?: (error: unknown) => void;
}

const CALLING_PRES = '0 (Presentation Allowed, Not Screened)';

export const CAUSE_TEXT: Readonly<Record<number, string>> = {
  0: 'Unknown',
  1: 'Unallocated (unassigned) number',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  20: 'Subscriber absent',
  21: 'Call Rejected',
  26: 'Answered elsewhere',
  34: 'Circuit/channel congestion',
  38: 'Network out of order',
  41: 'Temporary failure',
};

export class World {
  readonly config: WorldConfig;
  readonly flavour: Flavour;
  readonly scheduler: Scheduler;
  readonly prng: Prng;
  readonly channels = new Map<string, Channel>();
  readonly byName = new Map<string, Channel>();
  readonly bridges = new Map<string, Bridge>();
  readonly phones = new Map<string, PhoneState>();
  readonly queues = new Map<string, SimQueue>();
  readonly devices = new DeviceStateCache();
  readonly #deviceChannels = new Map<string, Set<Channel>>();
  readonly #phoneByInterface = new Map<string, PhoneState | undefined>();
  readonly #emit: (event: SimEvent) => void;
  readonly #onError: (error: unknown) => void;
  #seq = 0;
  readonly #techSeq = new Map<string, number>();
  #localSeq = 0;
  #callIdSeq = 0;
  bootedAt: number;
  reloadedAt: number;
  processedCalls = 0;
  /**
   * Overrides how long a phone in `answer` mode rings before answering (the load generator's
   * random operator reaction time); undefined: each phone's `answerAfterMs`.
   */
  phoneAnswerDelay: ((extension: string) => number) | undefined;
  /** Channel observers (the control API waits on these). */
  readonly #listeners = new Set<(event: SimEvent) => void>();

  constructor(options: WorldOptions) {
    this.config = options.config;
    this.flavour = FLAVOURS[options.config.flavour];
    this.scheduler = options.scheduler;
    this.prng = new Prng(options.seed ?? 1);
    this.#emit = options.emit;
    this.#onError =
      options.onError ??
      ((error) => {
        throw error;
      });
    this.bootedAt = this.scheduler.now();
    this.reloadedAt = this.bootedAt;
    this.#loadConfig();
    this.#seedDevices();
  }

  /**
   * Devices start in the state Asterisk's cache holds for an idle system, silently: the first
   * call of a recording does not announce `PJSIP/pstn NOT_INUSE` out of nowhere (07).
   */
  #seedDevices(): void {
    for (const p of this.phones.values()) this.devices.publish(p.device, p.registered ? 'NOT_INUSE' : 'UNAVAILABLE');
    // chan_sip's trunk peer (no call-limit) is announced NOT_INUSE on the first call after a
    // boot (20.20.1 02, 06), so its cache entry starts empty there.
    if (this.flavour.trunkDeviceState)
      this.devices.publish(`${this.flavour.tech}/${this.config.trunk.name}`, 'NOT_INUSE');
  }

  /** Builds phones and queues from the configuration (start and restart). */
  #loadConfig(): void {
    this.phones.clear();
    this.#phoneByInterface.clear();
    this.queues.clear();
    for (const p of this.config.phones) {
      this.phones.set(p.extension, {
        config: p,
        device: `${this.flavour.tech}/${p.extension}`,
        registered: p.registered,
        behaviour: { ...p.behaviour },
      });
    }
    const now = this.scheduler.now();
    for (const qc of this.config.queues) {
      const q = new SimQueue(qc);
      for (const mc of qc.members) {
        const m = new QueueMember({
          interface: mc.interface,
          name: mc.name,
          membership: 'static',
          penalty: mc.penalty,
          loginTime: epochSeconds(now),
        });
        m.status = this.#deviceNumber(m.stateInterface);
        q.members.push(m);
      }
      this.queues.set(qc.name, q);
    }
  }

  /** Forgets every channel, bridge and counter and reloads the configuration: `core restart`. */
  reset(): void {
    this.channels.clear();
    this.byName.clear();
    this.bridges.clear();
    this.#deviceChannels.clear();
    this.devices.clear();
    this.#seq = 0;
    this.#techSeq.clear();
    this.#localSeq = 0;
    this.processedCalls = 0;
    this.bootedAt = this.scheduler.now();
    this.reloadedAt = this.bootedAt;
    const registrations = new Map([...this.phones].map(([ext, p]) => [ext, p.registered]));
    this.#loadConfig();
    // Registrations survive a restart (chan_sip restores them from astdb; phones re-register
    // within their expiry on PJSIP), so the restarted world keeps who was registered.
    for (const [ext, registered] of registrations) {
      const p = this.phones.get(ext);
      if (p) p.registered = registered;
    }
    for (const q of this.queues.values()) for (const m of q.members) m.status = this.#deviceNumber(m.stateInterface);
    this.#seedDevices();
  }

  // ---- events -----------------------------------------------------------------------------

  emit(e: SimEvent): void {
    this.#emit(e);
    for (const fn of this.#listeners) {
      try {
        fn(e);
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  onEvent(fn: (event: SimEvent) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  now(): number {
    return this.scheduler.now();
  }

  /** The simulated Asterisk's own wall clock: the scheduler's time plus `clockOffsetMs`. */
  asteriskNow(): number {
    return this.scheduler.now() + (this.config.clockOffsetMs ?? 0);
  }

  /** The version CoreSettings reports: the configured one, else the flavour's. */
  get asteriskVersion(): string {
    return this.config.asteriskVersion ?? this.flavour.asteriskVersion;
  }

  /** Runs `fn` after `ms`, owned by `ch` (cancelled when it hangs up). */
  after(ms: number, fn: () => void, ch?: Channel): TimerHandle {
    const handle = this.scheduler.setTimer(ms, () => {
      ch?.timers.delete(handle);
      try {
        fn();
      } catch (error) {
        this.#onError(error);
      }
    });
    ch?.timers.add(handle);
    return handle;
  }

  cancel(handle: TimerHandle | undefined, ch?: Channel): void {
    if (!handle) return;
    this.scheduler.clearTimer(handle);
    ch?.timers.delete(handle);
  }

  // ---- lookup ------------------------------------------------------------------------------

  phone(extension: string): PhoneState {
    const p = this.phones.get(extension);
    if (!p) throw new SimError(SimErrorCode.NotFound, `no phone ${extension}`, { extension });
    return p;
  }

  /** The phone behind an interface (`PJSIP/1001`), if it is one of ours. */
  phoneByInterface(iface: string): PhoneState | undefined {
    // Called for every queue member on every ring round and device change: cache the lookup.
    let phone = this.#phoneByInterface.get(iface);
    if (phone === undefined && !this.#phoneByInterface.has(iface)) {
      const slash = iface.indexOf('/');
      const tech = slash < 0 ? '' : iface.slice(0, slash).toUpperCase();
      phone = tech === this.flavour.tech.toUpperCase() ? this.phones.get(iface.slice(slash + 1)) : undefined;
      this.#phoneByInterface.set(iface, phone);
    }
    return phone;
  }

  numberBehaviour(number: string): NumberBehaviour {
    return this.config.trunk.numbers[number] ?? this.config.trunk.defaultNumber;
  }

  channelsOfDevice(device: string): Channel[] {
    return [...(this.#deviceChannels.get(device) ?? [])];
  }

  channelByName(name: string): Channel | undefined {
    return this.byName.get(name);
  }

  // ---- channels ----------------------------------------------------------------------------

  #nextUniqueid(): string {
    return `${epochSeconds(this.now())}.${this.#seq++}`;
  }

  #nextSuffix(tech: string): string {
    const n = this.#techSeq.get(tech) ?? 0;
    this.#techSeq.set(tech, n + 1);
    return n.toString(16).padStart(8, '0');
  }

  /** A SIP Call-ID: SIPp-style for calls the far end starts, a UUID for calls Asterisk starts. */
  newCallId(fromFarEnd: boolean): string {
    return fromFarEnd
      ? `${++this.#callIdSeq}-${20000 + this.prng.int(10000)}@${this.config.sipHost}`
      : this.prng.uuid();
  }

  /**
   * Creates a channel and emits `Newchannel` (and CEL `CHAN_START`). `linkTo` is a channel of
   * the same call (the new one inherits its Linkedid); without it the channel starts a call.
   */
  newChannel(init: {
    tech: string;
    resource: string;
    role: ChannelRole;
    context: string;
    exten: string;
    callerNum: string;
    callerName: string;
    state?: ChannelState;
    linkTo?: Channel;
    uniqueid?: string;
    fromFarEnd?: boolean;
    /** Local channels only: the pair shares one suffix. */
    localSuffix?: string;
  }): Channel {
    const uniqueid = init.uniqueid ?? this.#nextUniqueid();
    const linkedid = init.linkTo?.linkedid ?? uniqueid;
    const call = init.linkTo?.call ?? new CallGroup(linkedid);
    const name =
      init.tech === 'Local'
        ? `Local/${init.resource}-${init.localSuffix ?? ''}`
        : `${init.tech}/${init.resource}-${this.#nextSuffix(init.tech)}`;
    const device =
      init.tech === 'Local' ? `Local/${init.resource.replace(/;[12]$/, '')}` : `${init.tech}/${init.resource}`;
    const ch = new Channel({
      name,
      uniqueid,
      linkedid,
      tech: init.tech,
      resource: init.resource,
      device,
      role: init.role,
      createdAt: this.now(),
      context: init.context,
      exten: init.exten,
      sipCallId: this.newCallId(init.fromFarEnd ?? false),
      call,
    });
    ch.callerNum = init.callerNum;
    ch.callerName = init.callerName;
    ch.state = init.state ?? ChannelState.Down;
    call.channels.add(ch);
    this.channels.set(uniqueid, ch);
    this.byName.set(name, ch);
    let set = this.#deviceChannels.get(device);
    if (!set) this.#deviceChannels.set(device, (set = new Set()));
    set.add(ch);
    this.emit(event('Newchannel', 'call', channelFields(ch)));
    this.cel(ch, 'CHAN_START');
    if (init.tech === 'SIP') {
      // chan_sip exposes the SIP dialog on every channel it creates (20.20.1 README, "Extra VarSets").
      if (init.role === 'inbound') {
        this.varSet(ch, 'SIPURI', `sip:${ch.callerNum}@${this.config.sipHost}:5080`);
        this.varSet(ch, 'SIPDOMAIN', this.config.sipHost);
      }
      this.varSet(ch, 'SIPCALLID', ch.sipCallId);
      // …and an outgoing chan_sip channel has no extension until the dialplan gives it one (02, 06).
      if (init.role !== 'inbound') ch.exten = '';
    }
    return ch;
  }

  /** `Local/<exten>@<context>-XXXXXXXX;1` and `;2`, linked to `linkTo`'s call. */
  newLocalPair(exten: string, context: string, linkTo: Channel): [Channel, Channel] {
    const suffix = (this.#localSeq++).toString(16).padStart(8, '0');
    const one = this.newChannel({
      tech: 'Local',
      resource: `${exten}@${context}`,
      localSuffix: `${suffix};1`,
      role: 'local-one',
      context,
      exten,
      callerNum: '',
      callerName: '',
      linkTo,
    });
    const two = this.newChannel({
      tech: 'Local',
      resource: `${exten}@${context}`,
      localSuffix: `${suffix};2`,
      role: 'local-two',
      context,
      exten,
      callerNum: '',
      callerName: '',
      state: ChannelState.Ring,
      linkTo,
    });
    // Local channels get no ANI from their caller id (12: `;1` keeps an empty CallerIDani).
    one.ani = '';
    two.ani = '';
    return [one, two];
  }

  cel(ch: Channel, name: string, extra = '', peer = ''): void {
    const chanStart = name === 'CHAN_START';
    this.emit(
      event('CEL', 'call', [
        'EventName',
        name,
        'AccountCode',
        ch.accountCode,
        'CallerIDnum',
        ch.callerNum,
        'CallerIDname',
        ch.callerName,
        'CallerIDani',
        chanStart ? '' : (ch.ani ?? ch.callerNum),
        'CallerIDrdnis',
        '',
        'CallerIDdnid',
        chanStart ? '' : ch.dnid,
        'Exten',
        ch.exten,
        'Context',
        ch.context,
        'Channel',
        ch.name,
        'Application',
        ch.app,
        'AppData',
        ch.appData,
        'EventTime',
        localDateTime(this.now()),
        'AMAFlags',
        'DOCUMENTATION',
        'UniqueID',
        ch.uniqueid,
        'LinkedID',
        ch.linkedid,
        'Userfield',
        '',
        'Peer',
        peer,
        'PeerAccount',
        '',
        'Extra',
        extra,
      ]),
    );
  }

  varSet(ch: Channel, name: string, value: string): void {
    if (value === '') ch.vars.delete(name);
    else ch.vars.set(name, value);
    this.emit(event('VarSet', 'dialplan', [...channelFields(ch), 'Variable', name, 'Value', value]));
  }

  /** Runs one dialplan priority: `Newexten`, and CEL `APP_START` for the apps CEL tracks. */
  newexten(
    ch: Channel,
    step: { app: string; appData: string; priority?: number; exten?: string; context?: string; stale?: boolean },
  ): void {
    if (step.stale) {
      // An async goto (transfer) reports the new location with the old application: no CEL,
      // and the application keeps running until the channel leaves it (11).
      if (step.context !== undefined) ch.context = step.context;
      if (step.exten !== undefined) ch.exten = step.exten;
      if (step.priority !== undefined) ch.priority = step.priority;
      this.emit(
        event('Newexten', 'dialplan', [
          ...channelFields(ch),
          'Extension',
          ch.exten,
          'Application',
          step.app,
          'AppData',
          step.appData,
        ]),
      );
      return;
    }
    this.#appEnd(ch);
    if (step.context !== undefined) ch.context = step.context;
    if (step.exten !== undefined) ch.exten = step.exten;
    if (step.priority !== undefined) ch.priority = step.priority;
    ch.app = step.app;
    ch.appData = step.appData;
    // The apps a channel is created running (not started by pbx_exec) are what it falls back to.
    if (step.app === 'AppDial' || step.app === 'AppDial2' || step.app === 'AppQueue') {
      ch.baseApp = step.app;
      ch.baseAppData = step.appData;
    }
    this.emit(
      event('Newexten', 'dialplan', [
        ...channelFields(ch),
        'Extension',
        ch.exten,
        'Application',
        step.app,
        'AppData',
        step.appData,
      ]),
    );
    // cel.conf apps=dial,queue (fixtures/ami README "CEL events").
    if (step.app === 'Dial' || step.app === 'Queue') this.cel(ch, 'APP_START');
  }

  /** CEL `APP_END` when a tracked application (Dial, Queue) stops running on `ch`. */
  #appEnd(ch: Channel): boolean {
    if (ch.app !== 'Dial' && ch.app !== 'Queue') return false;
    this.cel(ch, 'APP_END');
    return true;
  }

  newstate(ch: Channel, state: ChannelState): void {
    ch.state = state;
    if (state === ChannelState.Up && ch.answeredAt === undefined) ch.answeredAt = this.now();
    this.emit(event('Newstate', 'call', channelFields(ch)));
    if (state === ChannelState.Up) this.cel(ch, 'ANSWER');
    this.updateDevice(ch.device);
  }

  newCallerid(ch: Channel, num: string, name: string): void {
    ch.callerNum = num;
    ch.callerName = name;
    this.emit(event('NewCallerid', 'call', [...channelFields(ch), 'CID-CallingPres', CALLING_PRES]));
  }

  newConnectedLine(ch: Channel, num: string, name: string): void {
    ch.connectedNum = num;
    ch.connectedName = name;
    this.emit(event('NewConnectedLine', 'call', channelFields(ch)));
  }

  hangupRequest(ch: Channel, cause?: number, techCause?: number): void {
    const fields = channelFields(ch);
    if (cause !== undefined) fields.push('Cause', String(cause));
    if (techCause !== undefined && this.flavour.techCause) fields.push('TechCause', String(techCause));
    this.emit(event('HangupRequest', 'call', fields));
  }

  /**
   * The first event of a channel's hangup: `HangupRequest` when its far end hung up,
   * `SoftHangupRequest` when Asterisk did (AMI Hangup).
   */
  endRequest(ch: Channel, cause?: number): void {
    if (ch.softHangupCause !== undefined) this.softHangupRequest(ch, ch.softHangupCause);
    else this.hangupRequest(ch, cause);
  }

  /** The Hangup cause of the channel that ended the call. */
  endCause(ch: Channel, normal: number): number {
    return ch.softHangupCause ?? normal;
  }

  /** AMI `Hangup`: Asterisk ends the channel; the app running it tears the call down. */
  amiHangup(ch: Channel, cause: number | undefined): void {
    if (ch.hungUp) return;
    ch.softHangupCause = cause ?? (ch.bridge ? 16 : 0);
    this.remoteHangup(ch);
  }

  softHangupRequest(ch: Channel, cause: number): void {
    this.emit(event('SoftHangupRequest', 'call', [...channelFields(ch), 'Cause', String(cause)]));
  }

  /**
   * RTP statistics Asterisk sets when an answered SIP channel ends; a bridged peer gets the
   * same values as `…BRIDGED` (02, 06: the pairs interleave).
   */
  rtpQos(ch: Channel, bridgedPeer?: Channel): void {
    if (ch.tech === 'Local' || ch.answeredAt === undefined) return;
    if (ch.tech === 'SIP') {
      this.#sipRtpQos(ch, bridgedPeer);
      return;
    }
    this.#rtpQosPairs(ch, bridgedPeer);
  }

  /**
   * chan_sip: when a bridged call ends both legs report their statistics at once, each
   * mirrored as `…BRIDGED` on the other (20.20.1 README). A leg Asterisk hangs up (not by BYE)
   * adds a lone `RTPAUDIOQOS` as it goes (02, 06, 09 e, 16): see destroyChannel.
   */
  #sipRtpQos(ch: Channel, bridgedPeer: Channel | undefined): void {
    if (bridgedPeer && !bridgedPeer.hungUp) {
      this.#rtpQosPairs(ch, bridgedPeer);
      if (bridgedPeer.answeredAt !== undefined) this.#rtpQosPairs(bridgedPeer, ch);
      ch.qosReported = true;
      bridgedPeer.qosReported = true;
      return;
    }
    if (ch.qosReported) return;
    ch.qosReported = true;
    this.#rtpQosPairs(ch, undefined);
  }

  #rtpQosPairs(ch: Channel, bridgedPeer: Channel | undefined): void {
    if (ch.answeredAt === undefined) return;
    const ssrc = String(1_000_000 + this.prng.int(2_000_000_000));
    const packets = Math.max(0, Math.floor((this.now() - ch.answeredAt) / 20));
    const values: Array<[string, string]> = [
      ['RTPAUDIOQOS', rtpSummary(ssrc, packets)],
      [
        'RTPAUDIOQOSJITTER',
        'minrxjitter=000.000000;maxrxjitter=000.000000;avgrxjitter=000.000000;stdevrxjitter=000.000000;mintxjitter=000.000000;maxtxjitter=000.000000;avgtxjitter=000.000000;stdevtxjitter=000.000000;',
      ],
      [
        'RTPAUDIOQOSLOSS',
        '  minrxlost=000.000000;  maxrxlost=000.000000;  avgrxlost=000.000000;  stdevrxlost=000.000000;  mintxlost=000.000000;  maxtxlost=000.000000;  avgtxlost=000.000000;  stdevtxlost=000.000000;',
      ],
      [
        'RTPAUDIOQOSRTT',
        '     minrtt=000.000000;     maxrtt=000.000000;     avgrtt=000.000000;     stdevrtt=000.000000;',
      ],
      [
        'RTPAUDIOQOSMES',
        '   minrxmes=000.000000;   maxrxmes=000.000000;   avgrxmes=000.000000;   stdevrxmes=000.000000;   mintxmes=000.000000;   maxtxmes=000.000000;   avgtxmes=000.000000;   stdevtxmes=000.000000;',
      ],
    ];
    for (const [name, value] of values) {
      this.varSet(ch, name, value);
      if (bridgedPeer && !bridgedPeer.hungUp) this.varSet(bridgedPeer, `${name}BRIDGED`, value);
    }
  }

  /**
   * Removes a channel: `Hangup`, CEL `HANGUP`/`CHAN_END`, the CDRs it owns, its device's new
   * state, and CEL `LINKEDID_END` when it was the call's last channel.
   */
  destroyChannel(
    ch: Channel,
    cause: number,
    opts: { hangupSource?: string; dialStatus?: string; techCause?: number; cdrsBefore?: boolean } = {},
  ): void {
    if (ch.hungUp) return;
    ch.hungUp = true;
    ch.hangupCause = cause;
    for (const t of ch.timers) this.scheduler.clearTimer(t);
    ch.timers.clear();
    if (opts.cdrsBefore) this.#emitCdrs(ch);
    if (ch.tech === 'SIP' && ch.answeredAt !== undefined && !ch.byeSent) {
      this.varSet(ch, 'RTPAUDIOQOS', rtpSummary(String(1_000_000 + this.prng.int(2_000_000_000)), 0));
    }
    const fields = [...channelFields(ch), 'Cause', String(cause), 'Cause-txt', CAUSE_TEXT[cause] ?? 'Unknown'];
    if (opts.techCause !== undefined && this.flavour.techCause) fields.push('TechCause', String(opts.techCause));
    this.emit(event('Hangup', 'call', fields));
    this.#appEnd(ch);
    ch.app = ch.baseApp;
    ch.appData = ch.baseAppData;
    this.cel(
      ch,
      'HANGUP',
      JSON.stringify({ hangupcause: cause, hangupsource: opts.hangupSource ?? '', dialstatus: opts.dialStatus ?? '' }),
    );
    this.cel(ch, 'CHAN_END');
    if (!opts.cdrsBefore) this.#emitCdrs(ch);
    this.channels.delete(ch.uniqueid);
    this.byName.delete(ch.name);
    this.#deviceChannels.get(ch.device)?.delete(ch);
    ch.call.channels.delete(ch);
    this.updateDevice(ch.device);
    if (ch.call.channels.size === 0) {
      this.cel(ch, 'LINKEDID_END');
    }
  }

  /** The far end of `ch` hung up: its owner (the app running it) decides what follows. */
  remoteHangup(ch: Channel): void {
    if (ch.hungUp) return;
    if (ch.softHangupCause === undefined) ch.byeSent = true;
    const owner = ch.owner as ChannelOwner | undefined;
    if (owner) owner.remoteHangup(ch);
    else this.destroyChannel(ch, 16, { hangupSource: ch.name });
  }

  // ---- CDR ---------------------------------------------------------------------------------

  addCdr(record: Omit<CdrRecord, 'end' | 'uniqueid' | 'channel' | 'answer'> & { answer?: number }): CdrRecord {
    const full: CdrRecord = {
      ...record,
      answer: record.answer,
      end: undefined,
      channel: record.owner.name,
      uniqueid: record.owner.uniqueid,
    };
    record.owner.call.cdrs.push(full);
    return full;
  }

  /**
   * Ends a CDR now. Its destination is the owner's dialplan location at that moment: 11's
   * queue record, closed by the blind transfer, names the transfer target `1003@internal`.
   */
  closeCdr(record: CdrRecord | undefined): void {
    if (!record || record.end !== undefined) return;
    record.end = this.now();
    record.destination = record.owner.exten;
    record.destinationContext = record.owner.context;
  }

  #emitCdrs(ch: Channel): void {
    const mine = ch.call.cdrs.filter((r) => r.owner === ch);
    if (mine.length === 0) return;
    for (const r of mine) {
      const end = r.end ?? this.now();
      const duration = Math.floor((end - r.start) / 1000);
      const billable = r.answer === undefined ? 0 : Math.floor((end - r.answer) / 1000);
      this.emit(
        event('Cdr', 'cdr', [
          'AccountCode',
          '',
          'Source',
          r.owner.callerNum,
          'Destination',
          r.destination,
          'DestinationContext',
          r.destinationContext,
          'CallerID',
          `"${r.owner.callerName}" <${r.owner.callerNum}>`,
          'Channel',
          r.channel,
          'DestinationChannel',
          r.destinationChannel,
          'LastApplication',
          r.lastApplication,
          'LastData',
          r.lastData,
          'StartTime',
          localDateTime(r.start),
          'AnswerTime',
          r.answer === undefined ? '' : localDateTime(r.answer),
          'EndTime',
          localDateTime(end),
          'Duration',
          String(duration),
          'BillableSeconds',
          String(billable),
          'Disposition',
          r.disposition,
          'AMAFlags',
          'DOCUMENTATION',
          'UniqueID',
          r.uniqueid,
          'UserField',
          '',
        ]),
      );
    }
    const rest = ch.call.cdrs.filter((r) => r.owner !== ch);
    ch.call.cdrs.length = 0;
    ch.call.cdrs.push(...rest);
  }

  // ---- bridges -----------------------------------------------------------------------------

  createBridge(): Bridge {
    const b = new Bridge(this.prng.uuid(), this.now());
    this.bridges.set(b.id, b);
    this.emit(event('BridgeCreate', 'call', bridgeFields(b)));
    return b;
  }

  bridgeEnter(b: Bridge, ch: Channel): void {
    const peer = b.channels[0];
    b.channels.push(ch);
    ch.bridge = b;
    this.emit(event('BridgeEnter', 'call', [...bridgeFields(b), ...channelFields(ch)]));
    this.cel(ch, 'BRIDGE_ENTER', bridgeExtra(b), peer?.name ?? '');
  }

  /** `BRIDGEPEER`/`BRIDGEPVTCALLID` on each channel of a two-party bridge, first entrant first. */
  setBridgePeers(b: Bridge): void {
    for (const ch of b.channels) {
      const peer = b.peerOf(ch);
      if (!peer) continue;
      this.varSet(ch, 'BRIDGEPEER', peer.name);
      // A Local peer has no SIP Call-ID; clearing a variable that was never set raises nothing (12).
      if (peer.tech !== 'Local') this.varSet(ch, 'BRIDGEPVTCALLID', peer.sipCallId);
      else if (ch.vars.has('BRIDGEPVTCALLID')) this.varSet(ch, 'BRIDGEPVTCALLID', '');
    }
  }

  clearBridgePeers(channels: readonly Channel[]): void {
    for (const ch of channels) {
      if (ch.hungUp) continue;
      this.varSet(ch, 'BRIDGEPEER', '');
      this.varSet(ch, 'BRIDGEPVTCALLID', '');
    }
  }

  bridgeLeave(b: Bridge, ch: Channel): void {
    const i = b.channels.indexOf(ch);
    if (i < 0) return;
    b.channels.splice(i, 1);
    ch.bridge = undefined;
    this.emit(event('BridgeLeave', 'call', [...bridgeFields(b), ...channelFields(ch)]));
    this.cel(ch, 'BRIDGE_EXIT', bridgeExtra(b), b.channels[0]?.name ?? '');
  }

  destroyBridge(b: Bridge): void {
    if (b.destroyed) return;
    b.destroyed = true;
    this.bridges.delete(b.id);
    this.emit(event('BridgeDestroy', 'call', bridgeFields(b)));
  }

  // ---- music on hold -----------------------------------------------------------------------

  startMoh(ch: Channel): void {
    ch.mohPlaying = true;
    this.emit(event('MusicOnHoldStart', 'call', [...channelFields(ch), 'Class', 'default']));
    this.cel(ch, 'STREAM_BEGIN', JSON.stringify({ class: 'default' }));
  }

  stopMoh(ch: Channel): void {
    if (!ch.mohPlaying) return;
    ch.mohPlaying = false;
    this.emit(event('MusicOnHoldStop', 'call', channelFields(ch)));
    this.cel(ch, 'STREAM_END');
  }

  // ---- device state and queue members ------------------------------------------------------

  /** The aggregate state of a device from its channels (and, for phones, registration). */
  deviceState(device: string): DeviceState {
    const phone = this.phoneByInterface(device);
    if (phone && !phone.registered) return 'UNAVAILABLE';
    let ringing = 0;
    let inUse = 0;
    let onHold = 0;
    for (const ch of this.#deviceChannels.get(device) ?? []) {
      if (ch.hungUp) continue;
      if (ch.state === ChannelState.Ringing) ringing++;
      else if (ch.state === ChannelState.Up || ch.state === ChannelState.Ring) {
        if (ch.onHold) onHold++;
        else inUse++;
      }
    }
    return aggregate({ ringing, inUse, onHold });
  }

  #deviceNumber(device: string): number {
    return DEVICE_STATE_NUMBER[this.deviceState(device)];
  }

  /** Publishes a device's state and, when it changed, the queue members that watch it. */
  updateDevice(device: string): void {
    if (device.startsWith('Local/')) {
      // A Local device follows its `;1` half and is reported on every change of either half,
      // repeats included (12: INUSE ×3, NOT_INUSE ×2).
      const one = [...(this.#deviceChannels.get(device) ?? [])].find((c) => c.role === 'local-one' && !c.hungUp);
      const busy = one !== undefined && one.state !== ChannelState.Down;
      this.emit(event('DeviceStateChange', 'call', ['Device', device, 'State', busy ? 'INUSE' : 'NOT_INUSE']));
      return;
    }
    const trunk = `${this.flavour.tech}/${this.config.trunk.name}`;
    if (device === trunk && !this.flavour.trunkDeviceState) {
      const e = this.devices.publish(device, 'NOT_INUSE');
      if (e) this.emit(e);
      return;
    }
    const state = this.deviceState(device);
    const e = this.devices.publish(device, state);
    if (!e) return;
    this.emit(e);
    if (this.flavour.doubleRingingState && state === 'RINGING') this.emit(e);
    this.#updateMembers(device, DEVICE_STATE_NUMBER[state]);
  }

  #updateMembers(device: string, status: number): void {
    for (const q of this.queues.values()) {
      const m = q.members.find((x) => x.stateInterface === device);
      if (!m || m.status === status) continue;
      m.status = status;
      this.emit(memberEvent('QueueMemberStatus', q, m));
      this.publishQueueAvail(q);
    }
  }

  /** `Queue:<name>_avail`: NOT_INUSE while some member could take a call, else INUSE. */
  publishQueueAvail(q: SimQueue): void {
    const now = this.now();
    const avail = q.members.some((m) => memberAvailable(q, m, now));
    const e = this.devices.publish(`Queue:${q.name}_avail`, avail ? 'NOT_INUSE' : 'INUSE');
    if (e) this.emit(e);
  }

  /** `Queue:<name>`: RINGING while callers wait, NOT_INUSE when none. */
  publishQueueCallers(q: SimQueue): void {
    const e = this.devices.publish(`Queue:${q.name}`, q.callers.length > 0 ? 'RINGING' : 'NOT_INUSE');
    if (e) this.emit(e);
  }
}

function rtpSummary(ssrc: string, packets: number): string {
  return `ssrc=${ssrc};themssrc=0;lp=0;rxjitter=0.000000;rxcount=${packets};txjitter=0.000000;txcount=${packets};rlp=0;rtt=0.000000;rxmes=0.000000;txmes=0.000000`;
}

function bridgeExtra(b: Bridge): string {
  return JSON.stringify({ bridge_id: b.id, bridge_technology: b.technology });
}
