/**
 * The Dial() application run by a channel: one outgoing leg to a phone or to a number behind
 * the trunk, its ringing, answer (a basic bridge), refusal (busy), no-answer timeout, and the
 * end of the bridged call from either side. Event order from recordings 06 (click-to-call
 * answered, operator hangs up), 07 (busy) and 11 (transfer target answers, customer hangs up).
 */
import type { Bridge } from '../model/bridge.js';
import type { CdrRecord } from '../model/call-group.js';
import { ChannelState, type Channel } from '../model/channel.js';
import { channelFields, event } from '../model/sim-event.js';
import type { ChannelOwner, World } from '../model/world.js';
import { placeCall, type FarEnd, type LegListener } from './far-end.js';

export interface DialTarget {
  /** The leg's endpoint: a phone extension or the trunk name. */
  resource: string;
  /** The endpoint's own context and caller id, as the leg's Newchannel shows them. */
  context: string;
  callerNum: string;
  callerName: string;
  /** `79990000001@pstn` or `1003`: DialString and DIALEDPEERNUMBER. */
  dialString: string;
  /** The number dialled, the leg's extension once the call is set up. */
  exten: string;
  farEnd: FarEnd;
  /** Trunk legs take the caller's caller id (NewCallerid); phone legs keep their own. */
  takesCallerId: boolean;
}

export interface DialOptions {
  /** Dial()'s data as the dialplan wrote it (`PJSIP/79990000001@pstn,30,tT`). */
  appData: string;
  timeoutSeconds: number;
  /** Continues the caller's dialplan when Dial() returns without a bridged call to end it. */
  afterDial: (caller: Channel, dialStatus: string) => void;
  /** Called once the leg is answered and bridged. */
  onBridged?: (dial: DialCall) => void;
  /** Called when the leg rings (a Local `;1` mirrors its `;2`'s progress, 12). */
  onRinging?: (dial: DialCall) => void;
  /** Extra events right after the caller enters the bridge (11: `BLINDTRANSFER` cleared). */
  afterBridgeEnter?: (caller: Channel) => void;
}

/** Variables Dial() resets on the caller before dialling (06, 07, 11, 12). */
const DIAL_VARS = [
  'DIALSTATUS',
  'DIALEDPEERNUMBER',
  'DIALEDPEERNAME',
  'ANSWEREDTIME',
  'ANSWEREDTIME_MS',
  'DIALEDTIME',
  'DIALEDTIME_MS',
  'RINGTIME',
  'RINGTIME_MS',
  'PROGRESSTIME',
  'PROGRESSTIME_MS',
];

export class DialCall implements ChannelOwner, LegListener {
  readonly world: World;
  readonly caller: Channel;
  readonly target: DialTarget;
  readonly options: DialOptions;
  leg: Channel | undefined;
  bridge: Bridge | undefined;
  readonly startedAt: number;
  #state: 'dialing' | 'bridged' | 'done' = 'dialing';
  #cdr: CdrRecord | undefined;
  #timeout: ReturnType<World['after']> | undefined;

  constructor(world: World, caller: Channel, target: DialTarget, options: DialOptions) {
    this.world = world;
    this.caller = caller;
    this.target = target;
    this.options = options;
    this.startedAt = world.now();
  }

  get state(): 'dialing' | 'bridged' | 'done' {
    return this.#state;
  }

  /** Ends this Dial's CDR now (the call left Dial() by a transfer). */
  closeCdr(): void {
    this.world.closeCdr(this.#cdr);
  }

  start(): void {
    const { world, caller, target } = this;
    caller.owner = this;
    for (const v of DIAL_VARS) world.varSet(caller, v, '');
    const leg = world.newChannel({
      tech: world.flavour.tech,
      resource: target.resource,
      role: 'dialed',
      context: target.context,
      exten: 's',
      callerNum: target.callerNum,
      callerName: target.callerName,
      linkTo: caller,
    });
    this.leg = leg;
    leg.owner = this;
    world.varSet(leg, 'DIALEDPEERNUMBER', target.dialString);
    // Variables set with a `__` prefix are inherited by every channel the call creates (07).
    for (const [name, value] of caller.vars) if (name.startsWith('__')) world.varSet(leg, name, value);
    leg.exten = target.exten;
    leg.connectedNum = caller.callerNum;
    leg.connectedName = caller.callerName;
    if (target.takesCallerId) {
      leg.ani = '';
      leg.callerNum = caller.callerNum;
      leg.callerName = caller.callerName;
    }
    world.newexten(leg, { app: 'AppDial', appData: '(Outgoing Line)' });
    if (target.takesCallerId) world.newCallerid(leg, caller.callerNum, caller.callerName);
    world.emit(event('NewConnectedLine', 'call', channelFields(leg)));
    world.emit(
      event('DialBegin', 'call', [
        ...channelFields(caller),
        ...channelFields(leg, 'Dest'),
        'DialString',
        target.dialString,
      ]),
    );
    if (caller.connectedNum !== leg.callerNum || caller.connectedName !== leg.callerName) {
      world.newConnectedLine(caller, leg.callerNum, leg.callerName);
    }
    this.#cdr = world.addCdr({
      owner: caller,
      destination: caller.exten,
      destinationContext: caller.context,
      destinationChannel: leg.name,
      lastApplication: 'Dial',
      lastData: this.options.appData,
      start: caller.createdAt,
      answer: caller.answeredAt,
      disposition: 'NO ANSWER',
      peer: leg,
    });
    this.#timeout = world.after(this.options.timeoutSeconds * 1000, () => this.#noAnswer(), caller);
    placeCall(world, leg, target.farEnd, this);
  }

  ringing(leg: Channel): void {
    const { world, caller } = this;
    if (this.#state !== 'dialing') return;
    world.newstate(leg, ChannelState.Ringing);
    const ringMs = world.now() - this.startedAt;
    world.varSet(caller, 'RINGTIME', String(Math.floor(ringMs / 1000)));
    world.varSet(caller, 'RINGTIME_MS', String(ringMs));
    world.emit(
      event('DialState', 'call', [...channelFields(caller), ...channelFields(leg, 'Dest'), 'DialStatus', 'RINGING']),
    );
    this.options.onRinging?.(this);
  }

  answered(leg: Channel): void {
    const { world, caller } = this;
    if (this.#state !== 'dialing') return;
    this.#state = 'bridged';
    world.cancel(this.#timeout, caller);
    world.newstate(leg, ChannelState.Up);
    // The answered leg leaves its dialplan position: its Exten is empty from here on (06).
    leg.exten = '';
    world.varSet(caller, 'DIALSTATUS', 'ANSWER');
    world.varSet(caller, 'DIALEDPEERNAME', leg.name);
    world.varSet(caller, 'DIALEDPEERNUMBER', this.target.dialString);
    world.emit(
      event('DialEnd', 'call', [...channelFields(caller), ...channelFields(leg, 'Dest'), 'DialStatus', 'ANSWER']),
    );
    if (this.#cdr) {
      this.#cdr.disposition = 'ANSWERED';
      this.#cdr.answer ??= world.now();
    }
    // A caller not yet answered (the `;2` half of a Local channel) answers with its leg (12).
    if (caller.state !== ChannelState.Up) world.newstate(caller, ChannelState.Up);
    const bridge = world.createBridge();
    this.bridge = bridge;
    world.newexten(leg, { exten: '', app: 'AppDial', appData: '(Outgoing Line)' });
    world.bridgeEnter(bridge, leg);
    world.bridgeEnter(bridge, caller);
    this.options.afterBridgeEnter?.(caller);
    world.setBridgePeers(bridge);
    this.options.onBridged?.(this);
  }

  refused(leg: Channel, cause: number, sipCode: number): void {
    const { world, caller } = this;
    if (this.#state !== 'dialing') return;
    this.#state = 'done';
    world.cancel(this.#timeout, caller);
    const status = cause === 17 ? 'BUSY' : 'CONGESTION';
    // chan_sip raises no HangupRequest for the refused leg (20.20.1 README, "Hangup causes").
    if (world.flavour.techCause) world.hangupRequest(leg, cause, sipCode);
    world.emit(
      event('DialEnd', 'call', [...channelFields(caller), ...channelFields(leg, 'Dest'), 'DialStatus', status]),
    );
    world.varSet(caller, 'DIALSTATUS', status);
    if (this.#cdr) {
      this.#cdr.disposition = cause === 17 ? 'BUSY' : 'FAILED';
      this.#cdr.end = world.now();
    }
    caller.hangupCause = cause;
    caller.techCause = sipCode;
    world.destroyChannel(leg, cause, { techCause: sipCode });
    this.options.afterDial(caller, status);
  }

  #noAnswer(): void {
    const { world, caller } = this;
    const leg = this.leg;
    if (this.#state !== 'dialing' || !leg) return;
    this.#state = 'done';
    world.emit(
      event('DialEnd', 'call', [...channelFields(caller), ...channelFields(leg, 'Dest'), 'DialStatus', 'NOANSWER']),
    );
    world.varSet(caller, 'DIALSTATUS', 'NOANSWER');
    world.closeCdr(this.#cdr);
    world.destroyChannel(leg, 0);
    this.options.afterDial(caller, 'NOANSWER');
  }

  remoteHangup(ch: Channel): void {
    if (this.#state === 'dialing') {
      if (ch === this.caller) this.#callerCancelled();
      return;
    }
    if (this.#state !== 'bridged') return;
    if (ch === this.caller) this.callerHungUp();
    else if (ch === this.leg) this.calleeHungUp();
  }

  /** The caller hung up before the leg answered: the leg is cancelled. */
  #callerCancelled(): void {
    const { world, caller } = this;
    const leg = this.leg;
    this.#state = 'done';
    world.cancel(this.#timeout, caller);
    world.rtpQos(caller);
    world.endRequest(caller, 16);
    if (leg) {
      world.emit(
        event('DialEnd', 'call', [...channelFields(caller), ...channelFields(leg, 'Dest'), 'DialStatus', 'CANCEL']),
      );
      world.closeCdr(this.#cdr);
      world.destroyChannel(leg, 16);
    }
    world.varSet(caller, 'DIALSTATUS', 'CANCEL');
    world.destroyChannel(caller, world.endCause(caller, 16), { hangupSource: caller.name, dialStatus: 'CANCEL' });
  }

  #times(): { answeredMs: number; dialedMs: number } {
    const now = this.world.now();
    return {
      answeredMs: this.leg?.answeredAt === undefined ? 0 : now - this.leg.answeredAt,
      dialedMs: now - this.startedAt,
    };
  }

  /** The channel that ran Dial() hung up on the bridged call (06: operator BYE; 11: customer BYE). */
  callerHungUp(): void {
    const { world, caller } = this;
    const leg = this.leg;
    const bridge = this.bridge;
    if (!leg || !bridge) return;
    this.#state = 'done';
    world.rtpQos(caller, leg);
    world.endRequest(caller, 16);
    world.clearBridgePeers([caller, leg]);
    world.bridgeLeave(bridge, caller);
    const t = this.#times();
    world.varSet(caller, 'ANSWEREDTIME', String(Math.floor(t.answeredMs / 1000)));
    world.varSet(caller, 'ANSWEREDTIME_MS', String(t.answeredMs));
    world.varSet(caller, 'DIALEDTIME', String(Math.floor(t.dialedMs / 1000)));
    world.bridgeLeave(bridge, leg);
    world.destroyBridge(bridge);
    world.rtpQos(leg);
    world.closeCdr(this.#cdr);
    world.destroyChannel(leg, 16, { hangupSource: caller.name });
    world.varSet(caller, 'DIALEDTIME_MS', String(t.dialedMs));
    world.varSet(caller, 'DIALSTATUS', 'ANSWER');
    world.softHangupRequest(caller, 16);
    world.destroyChannel(caller, world.endCause(caller, 16), { hangupSource: caller.name, dialStatus: 'ANSWER' });
  }

  /** The dialled party hung up: Dial() returns and the caller's dialplan goes on. */
  calleeHungUp(): void {
    const { world, caller } = this;
    const leg = this.leg;
    const bridge = this.bridge;
    if (!leg || !bridge) return;
    this.#state = 'done';
    world.rtpQos(leg, caller);
    world.endRequest(leg);
    world.clearBridgePeers([leg, caller]);
    world.bridgeLeave(bridge, leg);
    world.closeCdr(this.#cdr);
    world.destroyChannel(leg, world.endCause(leg, 16), { hangupSource: leg.name });
    world.bridgeLeave(bridge, caller);
    world.destroyBridge(bridge);
    const t = this.#times();
    world.varSet(caller, 'ANSWEREDTIME', String(Math.floor(t.answeredMs / 1000)));
    world.varSet(caller, 'ANSWEREDTIME_MS', String(t.answeredMs));
    world.varSet(caller, 'DIALEDTIME', String(Math.floor(t.dialedMs / 1000)));
    world.varSet(caller, 'DIALEDTIME_MS', String(t.dialedMs));
    world.varSet(caller, 'DIALSTATUS', 'ANSWER');
    this.options.afterDial(caller, 'ANSWER');
  }

  /** Asterisk shuts down with the call up. */
  shutdown(): void {
    const { world, caller } = this;
    const leg = this.leg;
    this.#state = 'done';
    if (leg && !leg.hungUp) world.softHangupRequest(leg, 4);
    world.softHangupRequest(caller, 4);
    if (this.bridge && leg) {
      world.clearBridgePeers([caller, leg]);
      world.bridgeLeave(this.bridge, caller);
      world.bridgeLeave(this.bridge, leg);
      world.destroyBridge(this.bridge);
    }
    world.closeCdr(this.#cdr);
    if (leg && !leg.hungUp) {
      world.rtpQos(leg);
      world.destroyChannel(leg, 16);
    }
    world.rtpQos(caller);
    world.destroyChannel(caller, 16);
  }
}
