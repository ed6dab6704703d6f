/**
 * Transfers and Redirect of a bridged call.
 *
 * Blind (AMI BlindTransfer, or a phone's REFER), recording 11: the transferee leaves the bridge
 * and runs `context,exten` (its first Newexten still names the old application), the
 * transferer is hung up; a queue call completes with `AgentComplete Reason: transfer`.
 *
 * Attended (AMI Atxfer), recording 12: Asterisk plays the `atxfer` feature code and the digits
 * into the transferer's channel (DTMFEnd `*`,`2`, then the extension), holds the transferee,
 * and calls the target through `Local/<exten>@<context>` in a second bridge. When the
 * transferer hangs up, the two bridges merge: the transferee talks to the target through the
 * Local pair, with the call's Linkedid kept throughout.
 *
 * Cancelled (AMI CancelAtxfer, main/manager.c action_cancel_atxfer): Asterisk queues the
 * `atxferabort` feature code (features.conf, default `*1`; the lab leaves it at the default) into
 * the transferer's channel. bridge_basic.c's attended transfer takes it as "abort": the target is
 * removed from the consultation bridge and hung up (a colleague still ringing stops ringing), the
 * transferer moves back into the customer's bridge and the customer is taken off hold (`Unhold`
 * on the transferer, as `Hold` was, then `MusicOnHoldStop` on the customer). No recording has a
 * cancelled transfer: the order of these events follows bridge_basic.c, not a trace.
 */
import { SimError, SimErrorCode } from '../errors.js';
import type { Bridge } from '../model/bridge.js';
import { ChannelState, snapshot, type Channel } from '../model/channel.js';
import { bridgeFields, channelFields, event } from '../model/sim-event.js';
import type { ChannelOwner, World } from '../model/world.js';
import { bridgedCallOf, peerIn, type BridgedCall } from './bridged-call.js';
import type { DialCall } from './dial.js';
import { dialNumber, dialPhone, extensionExists, hangupApp, isExternalNumber } from './dialplan.js';
import { receiveDigit } from './dtmf.js';

/** features.conf `atxfer => *2` (the lab's featuremap). */
export const ATXFER_CODE = '*2';

/** features.conf `atxferabort`: the lab does not set it, so Asterisk's default `*1`. */
export const ATXFER_ABORT_CODE = '*1';

/** Attended transfers in progress, by transferer channel (CancelAtxfer finds them here). */
const ACTIVE_TRANSFERS = new WeakMap<Channel, AttendedTransfer>();

function requireBridged(ch: Channel): BridgedCall {
  const call = bridgedCallOf(ch);
  if (!call) throw new SimError(SimErrorCode.BadState, 'Invalid transfer', { channel: ch.name });
  return call;
}

/** Sends the transferee to `context,exten` at priority 2 after the stale priority-1 Newexten (11). */
function runTransferTarget(world: World, transferee: Channel, context: string, exten: string): void {
  world.newexten(transferee, {
    context,
    exten,
    priority: 1,
    app: transferee.app,
    appData: transferee.appData,
    stale: true,
  });
}

function dialTarget(world: World, transferee: Channel, exten: string, clearVar?: string): void {
  const afterBridgeEnter = clearVar ? (c: Channel): void => world.varSet(c, clearVar, '') : undefined;
  if (world.phones.has(exten)) dialPhone(world, transferee, exten, afterBridgeEnter ? { afterBridgeEnter } : {});
  else if (isExternalNumber(world, exten)) dialNumber(world, transferee, exten);
  else hangupApp(world, transferee, 2);
}

function queueReturnVars(world: World, ch: Channel): void {
  const dialedMs = world.now() - ch.createdAt;
  world.varSet(ch, 'DIALEDTIME', String(Math.floor(dialedMs / 1000)));
  world.varSet(ch, 'DIALEDTIME_MS', String(dialedMs));
  world.varSet(ch, 'ANSWEREDTIME', '0');
  world.varSet(ch, 'ANSWEREDTIME_MS', '0');
}

/** The transferer leaves the bridge; a queue call completes with Reason transfer. */
function releaseTransferer(world: World, call: BridgedCall, transferer: Channel, bridge: Bridge): void {
  world.bridgeLeave(bridge, transferer);
  if (call.kind === 'queue') {
    const agent = call.call.completeForTransfer();
    if (agent) world.closeCdr(agent.cdr);
  }
}

export function blindTransfer(world: World, transferer: Channel, context: string, exten: string): void {
  const call = requireBridged(transferer);
  if (!extensionExists(world, context, exten)) throw new SimError(SimErrorCode.BadState, 'Transfer failed');
  const transferee = peerIn(call, transferer);
  const bridge = call.bridge;
  world.emit(event('Unhold', 'call', channelFields(transferer)));
  world.varSet(transferer, 'BLINDTRANSFER', transferee.name);
  world.varSet(transferee, 'BLINDTRANSFER', transferer.name);
  world.clearBridgePeers([transferer, transferee]);
  // The event shows the transferee where it was; the Newexten before it already shows where it goes.
  const before = snapshot(transferee);
  runTransferTarget(world, transferee, context, exten);
  world.emit(
    event('BlindTransfer', 'call', [
      'Result',
      'Success',
      ...channelFields(transferer, 'Transferer'),
      ...channelFields(before, 'Transferee'),
      ...bridgeFields(bridge),
      'IsExternal',
      'Yes',
      'Context',
      context,
      'Extension',
      exten,
    ]),
  );
  world.cel(
    transferer,
    'BLINDTRANSFER',
    JSON.stringify({
      extension: exten,
      context,
      bridge_id: bridge.id,
      transferee_channel_name: transferee.name,
      transferee_channel_uniqueid: transferee.uniqueid,
    }),
  );
  releaseTransferer(world, call, transferer, bridge);
  world.bridgeLeave(bridge, transferee);
  world.destroyBridge(bridge);
  if (call.kind === 'queue' && transferee === call.a) queueReturnVars(world, transferee);
  if (call.kind === 'dial') call.call.closeCdr();
  dialTarget(world, transferee, exten, 'BLINDTRANSFER');
  world.rtpQos(transferer);
  world.destroyChannel(transferer, 16, { hangupSource: transferer.name });
}

/** AMI Redirect of one bridged channel: it runs `context,exten,priority`, its peer is hung up. */
export function redirect(world: World, ch: Channel, context: string, exten: string): void {
  const call = requireBridged(ch);
  const peer = peerIn(call, ch);
  const bridge = call.bridge;
  world.clearBridgePeers([ch, peer]);
  runTransferTarget(world, ch, context, exten);
  releaseTransferer(world, call, peer, bridge);
  world.bridgeLeave(bridge, ch);
  world.destroyBridge(bridge);
  if (call.kind === 'queue' && ch === call.a) queueReturnVars(world, ch);
  if (call.kind === 'dial') call.call.closeCdr();
  dialTarget(world, ch, exten);
  world.rtpQos(peer);
  world.destroyChannel(peer, 16, { hangupSource: ch.name });
}

/** Milliseconds between the DTMF digits Asterisk queues for Atxfer (12). */
const DIGIT_GAPS = [0, 160, 163, 60, 61, 60, 60];

export function attendedTransfer(world: World, transferer: Channel, context: string, exten: string): void {
  const call = requireBridged(transferer);
  const transfer = new AttendedTransfer(world, call, transferer, context, exten);
  ACTIVE_TRANSFERS.set(transferer, transfer);
  transfer.start();
}

/**
 * AMI CancelAtxfer: the `atxferabort` digits arrive on `ch` (DTMFEnd, as Atxfer's do, 12); when
 * `ch` is the transferer of a transfer in progress it is abandoned, else the digits pass to
 * whoever `ch` talks to, as any DTMF would.
 */
export function cancelAttendedTransfer(world: World, ch: Channel): void {
  const transfer = ACTIVE_TRANSFERS.get(ch);
  let at = 0;
  [...ATXFER_ABORT_CODE].forEach((digit, i) => {
    at += DIGIT_GAPS[Math.min(i, DIGIT_GAPS.length - 1)] ?? 60;
    world.after(
      at,
      () => {
        if (ch.hungUp) return;
        const live = transfer !== undefined && ACTIVE_TRANSFERS.get(ch) === transfer;
        receiveDigit(world, ch, digit, 0, !live);
        if (live && i === ATXFER_ABORT_CODE.length - 1) transfer.abort();
      },
      ch,
    );
  });
}

class AttendedTransfer implements ChannelOwner {
  readonly world: World;
  readonly call: BridgedCall;
  readonly transferer: Channel;
  readonly transferee: Channel;
  readonly context: string;
  readonly exten: string;
  one: Channel | undefined;
  two: Channel | undefined;
  consult: Bridge | undefined;
  dial: DialCall | undefined;
  #done = false;
  #aborted = false;
  /** Who ran the transferer before the consultation took it over (its queue call or Dial). */
  #transfererOwner: unknown;

  constructor(world: World, call: BridgedCall, transferer: Channel, context: string, exten: string) {
    this.world = world;
    this.call = call;
    this.transferer = transferer;
    this.transferee = peerIn(call, transferer);
    this.context = context;
    this.exten = exten;
  }

  start(): void {
    const { world, transferer } = this;
    world.varSet(transferer, 'TRANSFER_CONTEXT', this.context);
    const digits = [...ATXFER_CODE, ...this.exten];
    let at = 0;
    digits.forEach((digit, i) => {
      at += DIGIT_GAPS[Math.min(i, DIGIT_GAPS.length - 1)] ?? 60;
      world.after(
        at,
        () => {
          if (transferer.hungUp || this.#aborted) return;
          world.emit(
            event('DTMFEnd', 'dtmf', [
              ...channelFields(transferer),
              'Digit',
              digit,
              'DurationMs',
              '0',
              'Direction',
              'Received',
            ]),
          );
          world.cel(transferer, 'DTMF', JSON.stringify({ digit, duration_ms: 0 }));
          // After the feature code the transferee is put on hold and the transferer hears the
          // pbx-transfer prompt until the next digit (12).
          if (i === ATXFER_CODE.length - 1) world.after(100, () => !this.#aborted && this.#hold(), transferer);
          if (i === ATXFER_CODE.length) world.cel(transferer, 'STREAM_END');
          if (i === digits.length - 1) this.#consult();
        },
        transferer,
      );
    });
  }

  #hold(): void {
    const { world, transferer, transferee } = this;
    world.emit(event('Hold', 'call', channelFields(transferer)));
    transferee.onHold = true;
    world.startMoh(transferee);
    world.updateDevice(transferee.device);
    world.cel(transferer, 'STREAM_BEGIN', JSON.stringify({ sound: 'pbx-transfer', format: 'ulaw', language: 'en' }));
  }

  #consult(): void {
    const { world, transferer } = this;
    if (!extensionExists(world, this.context, this.exten) || !world.phones.has(this.exten)) {
      // The pbx-invalid prompt plays and the transfer is abandoned: back to the call.
      ACTIVE_TRANSFERS.delete(transferer);
      world.emit(event('Unhold', 'call', channelFields(transferer)));
      world.stopMoh(this.transferee);
      this.transferee.onHold = false;
      world.updateDevice(this.transferee.device);
      return;
    }
    const [one, two] = world.newLocalPair(this.exten, this.context, transferer);
    this.one = one;
    this.two = two;
    one.owner = this;
    world.varSet(one, 'TRANSFERERNAME', transferer.name);
    world.varSet(one, 'ATTENDEDTRANSFER', transferer.name);
    const consult = world.createBridge();
    this.consult = consult;
    world.varSet(two, 'ATTENDEDTRANSFER', transferer.name);
    world.varSet(two, 'TRANSFERERNAME', transferer.name);
    world.newCallerid(two, transferer.callerNum, transferer.callerName);
    // The `;2` half keeps the transferer's number as its ANI whatever its caller id becomes (12).
    two.ani = transferer.callerNum;
    world.emit(
      event('LocalBridge', 'call', [
        ...channelFields(one, 'LocalOne'),
        ...channelFields(two, 'LocalTwo'),
        'Context',
        this.context,
        'Exten',
        this.exten,
        'LocalOptimization',
        'Yes',
      ]),
    );
    world.newConnectedLine(one, transferer.callerNum, transferer.callerName);
    world.bridgeEnter(consult, one);
    world.varSet(one, 'ATTENDEDTRANSFER', '');
    world.newexten(two, { priority: 1, app: 'NoOp', appData: `Internal call to ${this.exten}` });
    world.bridgeLeave(this.call.bridge, transferer);
    world.bridgeEnter(consult, transferer);
    world.setBridgePeers(consult);
    world.newConnectedLine(transferer, '', '');
    this.#transfererOwner = transferer.owner;
    transferer.owner = this;
    const phone = world.phone(this.exten);
    this.dial = dialPhone(world, two, this.exten, {
      afterBridgeEnter: (c) => world.varSet(c, 'ATTENDEDTRANSFER', ''),
    });
    world.newConnectedLine(transferer, this.exten, phone.config.name);
    const dial = this.dial;
    const options = dial.options as { onRinging?: (d: DialCall) => void; onBridged?: (d: DialCall) => void };
    options.onRinging = () => {
      // The `;1` half already carries the target's caller id when it reports Ringing (12).
      one.callerNum = this.exten;
      one.callerName = phone.config.name;
      world.newstate(one, ChannelState.Ringing);
      world.newCallerid(one, this.exten, phone.config.name);
      world.emit(event('DialState', 'call', [...channelFields(one, 'Dest'), 'DialStatus', 'RINGING']));
    };
    options.onBridged = (d) => {
      world.newstate(one, ChannelState.Up);
      world.emit(event('DialEnd', 'call', [...channelFields(one, 'Dest'), 'DialStatus', 'ANSWER']));
      world.varSet(one, 'BRIDGEPEER', transferer.name);
      world.varSet(one, 'BRIDGEPVTCALLID', transferer.sipCallId);
      world.varSet(transferer, 'BRIDGEPEER', one.name);
      if (d.leg) d.leg.owner = this;
      two.owner = this;
    };
  }

  /** CancelAtxfer: the consultation ends and the transferer is back with the customer. */
  abort(): void {
    if (this.#done || this.#aborted) return;
    this.#aborted = true;
    ACTIVE_TRANSFERS.delete(this.transferer);
    const { world, transferer, transferee } = this;
    const main = this.call.bridge;
    const { one, two, consult, dial } = this;
    if (one && two && consult) {
      // calling_target_exit: ast_bridge_remove(target_bridge, transfer_target), which hangs the
      // Local `;1` up; its `;2` half then ends the Dial() to the colleague (CANCEL while ringing).
      world.bridgeLeave(consult, one);
      world.softHangupRequest(one, 16);
      world.destroyChannel(one, 16);
      if (dial && dial.state !== 'done') dial.remoteHangup(two);
      else if (!two.hungUp) world.destroyChannel(two, 16);
      // rebridge_enter: the transferer moves back into the customer's bridge.
      world.bridgeLeave(consult, transferer);
      world.destroyBridge(consult);
      world.bridgeEnter(main, transferer);
      transferer.owner = this.#transfererOwner;
    }
    if (transferee.onHold) {
      world.emit(event('Unhold', 'call', channelFields(transferer)));
      world.stopMoh(transferee);
      transferee.onHold = false;
      world.updateDevice(transferee.device);
    }
    world.setBridgePeers(main);
    world.newConnectedLine(transferer, transferee.callerNum, transferee.callerName);
  }

  remoteHangup(ch: Channel): void {
    if (this.#aborted) {
      // Back in the customer's call: the call's own owner handles hangups again.
      const owner = this.#transfererOwner as { remoteHangup?: (c: Channel) => void } | undefined;
      owner?.remoteHangup?.(ch);
      return;
    }
    if (ch === this.transferer && !this.#done) this.#complete();
    else if (this.#done && ch === this.transferee) this.#transfereeHangup();
    else if (this.#done && ch === this.dial?.leg) this.#targetHangup();
  }

  /** The transferer hangs up: the bridges merge and the transfer is done (12). */
  #complete(): void {
    const { world, transferer, transferee } = this;
    const one = this.one;
    const consult = this.consult;
    if (!one || !consult) return;
    this.#done = true;
    ACTIVE_TRANSFERS.delete(transferer);
    const main = this.call.bridge;
    world.rtpQos(transferer, one);
    world.hangupRequest(transferer);
    world.varSet(transferer, 'BRIDGEPEER', '');
    world.bridgeLeave(consult, transferer);
    world.emit(
      event('BridgeMerge', 'call', [...bridgeFields(main, 'ToBridge'), ...bridgeFields(consult, 'FromBridge')]),
    );
    world.bridgeLeave(consult, one);
    world.bridgeEnter(main, one);
    world.stopMoh(transferee);
    transferee.onHold = false;
    world.updateDevice(transferee.device);
    world.varSet(transferee, 'BRIDGEPEER', one.name);
    world.varSet(transferee, 'BRIDGEPVTCALLID', '');
    world.varSet(one, 'BRIDGEPEER', transferee.name);
    world.varSet(one, 'BRIDGEPVTCALLID', transferee.sipCallId);
    world.newConnectedLine(one, transferee.callerNum, transferee.callerName);
    world.newConnectedLine(transferee, this.exten, world.phone(this.exten).config.name);
    const fields = [
      'Result',
      'Success',
      ...channelFields(transferer, 'OrigTransferer'),
      ...bridgeFields(main, 'OrigBridge'),
      ...channelFields(transferer, 'SecondTransferer'),
      ...bridgeFields(consult, 'SecondBridge', 0),
      ...channelFields(transferee, 'Transferee'),
    ];
    if (world.flavour.transferTargetBlock) fields.push(...channelFields(one, 'TransferTarget'));
    fields.push('IsExternal', 'No', 'DestType', 'Bridge', 'DestBridgeUniqueid', main.id);
    world.emit(event('AttendedTransfer', 'call', fields));
    world.cel(
      transferer,
      'ATTENDEDTRANSFER',
      JSON.stringify({
        bridge1_id: main.id,
        channel2_name: transferer.name,
        channel2_uniqueid: transferer.uniqueid,
        bridge2_id: consult.id,
        transferee_channel_name: transferee.name,
        transferee_channel_uniqueid: transferee.uniqueid,
        transfer_target_channel_name: one.name,
        transfer_target_channel_uniqueid: one.uniqueid,
      }),
    );
    world.destroyBridge(consult);
    // The transferer's own CDR (12: Channel PJSIP/1001…, DestinationChannel the Local ;1).
    world.addCdr({
      owner: transferer,
      destination: transferee.exten,
      destinationContext: transferer.context,
      destinationChannel: one.name,
      lastApplication: transferer.app,
      lastData: transferer.appData,
      start: world.now(),
      answer: world.now(),
      disposition: 'ANSWERED',
      peer: one,
    });
    if (this.call.kind === 'queue') {
      const agent = this.call.call.completeForTransfer();
      if (agent) world.closeCdr(agent.cdr);
      // The customer's queue CDR continues towards the Local channel (12: third record).
      world.addCdr({
        owner: transferee,
        destination: transferee.exten,
        destinationContext: transferee.context,
        destinationChannel: one.name,
        lastApplication: transferee.app,
        lastData: transferee.appData,
        start: world.now(),
        answer: world.now(),
        disposition: 'ANSWERED',
        peer: one,
      });
    }
    world.destroyChannel(transferer, 16, { hangupSource: transferer.name });
    const leg = this.dial?.leg;
    if (leg) world.newConnectedLine(leg, transferee.callerNum, transferee.callerName);
    transferee.owner = this;
    // The target side hears a beep as the transfer completes (12: STREAM_BEGIN "beep" on `;1`).
    world.cel(one, 'STREAM_BEGIN', JSON.stringify({ sound: 'beep', format: 'ulaw', language: 'en' }));
    world.after(250, () => world.cel(one, 'STREAM_END'), one);
    world.addCdr({
      owner: one,
      destination: this.exten,
      destinationContext: this.context,
      destinationChannel: '',
      lastApplication: '',
      lastData: '',
      start: world.now(),
      answer: world.now(),
      disposition: 'ANSWERED',
      peer: undefined,
    });
  }

  /** After the transfer, the customer hangs up: both bridges and the Local pair go (12). */
  #transfereeHangup(): void {
    const { world, transferee } = this;
    const one = this.one;
    const two = this.two;
    const dial = this.dial;
    if (!one || !two || !dial) return;
    const main = this.call.bridge;
    world.rtpQos(transferee);
    world.hangupRequest(transferee);
    world.varSet(transferee, 'BRIDGEPEER', '');
    world.varSet(one, 'BRIDGEPEER', '');
    world.varSet(one, 'BRIDGEPVTCALLID', '');
    world.bridgeLeave(main, transferee);
    const answeredMs = transferee.answeredAt === undefined ? 0 : world.now() - transferee.answeredAt;
    const dialedMs = world.now() - transferee.createdAt;
    world.varSet(transferee, 'ANSWEREDTIME', String(Math.floor(answeredMs / 1000)));
    world.varSet(transferee, 'ANSWEREDTIME_MS', String(answeredMs));
    world.varSet(transferee, 'DIALEDTIME', String(Math.floor(dialedMs / 1000)));
    world.varSet(transferee, 'DIALEDTIME_MS', String(dialedMs));
    world.softHangupRequest(transferee, 16);
    world.destroyChannel(transferee, 16, { hangupSource: transferee.name, dialStatus: 'ANSWER', cdrsBefore: true });
    this.#teardownLocal(main, one, two, dial);
  }

  /** After the transfer, the target hangs up: the Local pair and the customer go. */
  #targetHangup(): void {
    const { world, transferee } = this;
    const one = this.one;
    const two = this.two;
    const dial = this.dial;
    const leg = dial?.leg;
    if (!one || !two || !dial || !leg || !dial.bridge) return;
    world.rtpQos(leg, two);
    world.hangupRequest(leg);
    world.clearBridgePeers([leg, two]);
    world.bridgeLeave(dial.bridge, leg);
    world.destroyChannel(leg, 16, { hangupSource: leg.name });
    world.bridgeLeave(dial.bridge, two);
    world.destroyBridge(dial.bridge);
    world.softHangupRequest(two, 16);
    world.destroyChannel(two, 16);
    const main = this.call.bridge;
    world.clearBridgePeers([one, transferee]);
    world.bridgeLeave(main, one);
    world.destroyChannel(one, 16);
    world.bridgeLeave(main, transferee);
    world.destroyBridge(main);
    hangupApp(world, transferee, 4);
  }

  #teardownLocal(main: Bridge, one: Channel, two: Channel, dial: DialCall): void {
    const world = this.world;
    world.bridgeLeave(main, one);
    world.destroyBridge(main);
    world.hangupRequest(two, 16);
    world.destroyChannel(one, 16);
    world.varSet(two, 'BRIDGEPEER', '');
    world.varSet(two, 'BRIDGEPVTCALLID', '');
    world.newCallerid(two, this.transferee.callerNum, this.transferee.callerName);
    const leg = dial.leg;
    if (leg) world.varSet(leg, 'BRIDGEPEER', '');
    if (dial.bridge) world.bridgeLeave(dial.bridge, two);
    const answeredMs = leg?.answeredAt === undefined ? 0 : world.now() - leg.answeredAt;
    const dialedMs = world.now() - dial.startedAt;
    world.varSet(two, 'ANSWEREDTIME', String(Math.floor(answeredMs / 1000)));
    world.varSet(two, 'ANSWEREDTIME_MS', String(answeredMs));
    world.varSet(two, 'DIALEDTIME', String(Math.floor(dialedMs / 1000)));
    world.varSet(two, 'DIALEDTIME_MS', String(dialedMs));
    world.varSet(two, 'DIALSTATUS', 'ANSWER');
    world.softHangupRequest(two, 16);
    dial.closeCdr();
    world.destroyChannel(two, 16, { cdrsBefore: true });
    if (leg && dial.bridge) {
      world.bridgeLeave(dial.bridge, leg);
      world.destroyBridge(dial.bridge);
      world.rtpQos(leg);
      world.destroyChannel(leg, 16);
    }
  }
}
