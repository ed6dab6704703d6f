/**
 * The scripting API of a running simulator: what the people and phones around the PBX do.
 * "Customer +79990000001 calls line 74950000000", "phone 1001 answers", "phone 1002 puts the
 * call on hold", "number 79990000002 is busy", "Asterisk restarts". Every method acts at once
 * on the world and the resulting AMI events go to the connected clients.
 *
 * Errors are `SimError`s: SIM_ERR_NOT_FOUND for an unknown phone/line/channel,
 * SIM_ERR_BAD_STATE when the action does not apply now (answer a phone that is not ringing).
 */
import { AmiMessage } from '@callgate/ami';
import { isRinging, answerLeg, rejectLeg } from '../apps/far-end.js';
import { hold, unhold } from '../apps/hold.js';
import { startInboundCall } from '../apps/inbound-call.js';
import { setRegistered } from '../apps/registration.js';
import { attendedTransfer, blindTransfer } from '../apps/transfer.js';
import { bridgedCallOf } from '../apps/bridged-call.js';
import { SimError, SimErrorCode } from '../errors.js';
import { stateDesc, type Channel } from '../model/channel.js';
import { addMember, pauseMember, removeMember } from '../model/queue-admin.js';
import type { SimEvent } from '../model/sim-event.js';
import type { NumberBehaviour, PhoneBehaviour } from '../model/world-config.js';
import type { SimulatedAsterisk } from '../simulated-asterisk.js';

/** A call placed by `customerCalls`. */
export interface CustomerCallHandle {
  /** The inbound channel's name (`PJSIP/pstn-00000000`) and Uniqueid (also the call's Linkedid). */
  readonly channel: string;
  readonly uniqueid: string;
  /** The customer hangs up (BYE), whatever the call's state. No-op when already gone. */
  hangup(): void;
  /** Whether the customer's channel still exists. */
  readonly active: boolean;
}

export interface ChannelInfo {
  name: string;
  uniqueid: string;
  linkedid: string;
  state: string;
  callerNum: string;
  callerName: string;
  connectedNum: string;
  connectedName: string;
  context: string;
  exten: string;
  application: string;
  bridgeId: string | undefined;
  onHold: boolean;
  /** DTMF digits Asterisk sent out to this channel's far end (PlayDTMF): what that person heard. */
  digitsHeard: string;
}

export interface PhoneControl {
  readonly extension: string;
  /** Answers the call ringing on this phone (the oldest one if several ring). */
  answer(): void;
  /** Declines the ringing call with 486 Busy Here. */
  reject(): void;
  /** Hangs up (BYE) the phone's answered call, or declines a ringing one. */
  hangup(): void;
  /** Puts the answered call on hold (re-INVITE a=sendonly), and takes it off again. */
  hold(): void;
  unhold(): void;
  /** Transfers the answered call: blind (REFER) or attended (the `*2` feature code). */
  blindTransfer(exten: string, context?: string): void;
  attendedTransfer(exten: string, context?: string): void;
  register(): void;
  unregister(): void;
  /** Changes how the phone reacts to the next calls. */
  setBehaviour(change: Partial<PhoneBehaviour>): void;
  readonly registered: boolean;
  readonly ringing: boolean;
  /** The phone's channels, answered or ringing. */
  channels(): ChannelInfo[];
}

export interface WaitOptions {
  timeoutMs?: number;
}

export class SimControl {
  readonly #pbx: SimulatedAsterisk;

  constructor(pbx: SimulatedAsterisk) {
    this.#pbx = pbx;
  }

  get #world(): SimulatedAsterisk['world'] {
    return this.#pbx.world;
  }

  #running(): void {
    if (this.#pbx.state !== 'running') {
      throw new SimError(SimErrorCode.Stopped, `the simulated Asterisk is ${this.#pbx.state}`);
    }
  }

  /**
   * A customer calls a line through the trunk. `line` defaults to the first configured line;
   * `patienceMs` makes the customer give up while queued; `talkMs` makes them hang up that long
   * after an operator answers.
   */
  customerCalls(call: {
    from: string;
    name?: string;
    line?: string;
    patienceMs?: number;
    talkMs?: number;
  }): CustomerCallHandle {
    this.#running();
    checkText('from', call.from, /^\+?[0-9]{2,20}$/);
    if (call.name !== undefined) checkText('name', call.name, /^[^\u0000-\u001f\u007f"<>]{0,80}$/u);
    const line = call.line ?? this.#world.config.lines[0]?.number;
    if (line === undefined) throw new SimError(SimErrorCode.NotFound, 'no line is configured');
    const ch = startInboundCall(this.#world, {
      from: call.from,
      name: call.name ?? '',
      line,
      patienceMs: call.patienceMs,
      talkMs: call.talkMs,
    });
    const world = this.#world;
    return {
      channel: ch.name,
      uniqueid: ch.uniqueid,
      hangup: () => {
        if (!ch.hungUp) world.remoteHangup(ch);
      },
      get active() {
        return !ch.hungUp;
      },
    };
  }

  phone(extension: string): PhoneControl {
    const world = this.#world;
    const phone = world.phone(extension);
    const own = (): Channel[] => world.channelsOfDevice(phone.device).filter((c) => !c.hungUp && c.role !== 'inbound');
    const ringingLeg = (): Channel => {
      const leg = own().find((c) => isRinging(c));
      if (!leg) throw new SimError(SimErrorCode.BadState, `phone ${extension} is not ringing`, { extension });
      return leg;
    };
    const answeredLeg = (): Channel => {
      const leg = own().find((c) => c.isUp);
      if (!leg) throw new SimError(SimErrorCode.BadState, `phone ${extension} has no answered call`, { extension });
      return leg;
    };
    const context = (c: string | undefined): string => c ?? world.config.contexts.internal;
    return {
      extension,
      answer: () => {
        this.#running();
        answerLeg(world, ringingLeg());
      },
      reject: () => {
        this.#running();
        rejectLeg(ringingLeg());
      },
      hangup: () => {
        this.#running();
        const up = own().find((c) => c.isUp);
        if (up) world.remoteHangup(up);
        else rejectLeg(ringingLeg());
      },
      hold: () => {
        this.#running();
        hold(world, answeredLeg());
      },
      unhold: () => {
        this.#running();
        unhold(world, answeredLeg());
      },
      blindTransfer: (exten, ctx) => {
        this.#running();
        const leg = answeredLeg();
        if (!bridgedCallOf(leg)) throw new SimError(SimErrorCode.BadState, `phone ${extension} is not in a call`);
        blindTransfer(world, leg, context(ctx), exten);
      },
      attendedTransfer: (exten, ctx) => {
        this.#running();
        const leg = answeredLeg();
        if (!bridgedCallOf(leg)) throw new SimError(SimErrorCode.BadState, `phone ${extension} is not in a call`);
        attendedTransfer(world, leg, context(ctx), exten);
      },
      register: () => {
        this.#running();
        setRegistered(world, phone, true);
      },
      unregister: () => {
        this.#running();
        setRegistered(world, phone, false);
      },
      setBehaviour: (change) => {
        phone.behaviour = { ...phone.behaviour, ...change };
      },
      get registered() {
        return phone.registered;
      },
      get ringing() {
        return own().some((c) => isRinging(c));
      },
      channels: () => own().map(channelInfo),
    };
  }

  /** Changes how a number behind the trunk answers click-to-call (answer, busy, never, unavailable). */
  number(number: string): { setBehaviour(change: Partial<NumberBehaviour>): void } {
    checkText('number', number, /^\+?[0-9]{2,20}$/);
    const trunk = this.#world.config.trunk;
    return {
      setBehaviour: (change) => {
        trunk.numbers[number] = { ...(trunk.numbers[number] ?? trunk.defaultNumber), ...change };
      },
    };
  }

  pauseMember(iface: string, reason = '', queue?: string): number {
    return pauseMember(this.#world, iface, true, reason, queue);
  }

  unpauseMember(iface: string, queue?: string): number {
    return pauseMember(this.#world, iface, false, '', queue);
  }

  addMember(queue: string, iface: string, memberName?: string): void {
    const r = addMember(this.#world, queue, { interface: iface, ...(memberName !== undefined ? { memberName } : {}) });
    if (r === 'no-such-queue') throw new SimError(SimErrorCode.NotFound, `no queue ${queue}`);
    if (r === 'exists') throw new SimError(SimErrorCode.BadState, `${iface} is already in ${queue}`);
  }

  removeMember(queue: string, iface: string): void {
    const r = removeMember(this.#world, queue, iface);
    if (r !== 'ok')
      throw new SimError(
        r === 'no-such-queue' ? SimErrorCode.NotFound : SimErrorCode.BadState,
        `cannot remove ${iface} from ${queue}: ${r}`,
      );
  }

  /** Hangs up a channel from the far end (its phone or customer sends BYE). */
  hangupChannel(name: string): void {
    const ch = this.#world.channelByName(name);
    if (!ch) throw new SimError(SimErrorCode.NotFound, `no channel ${name}`, { channel: name });
    this.#world.remoteHangup(ch);
  }

  channels(): ChannelInfo[] {
    return [...this.#world.channels.values()].map(channelInfo);
  }

  /** `core restart now` (recording 16). Resolves when the AMI port accepts connections again. */
  restart(): Promise<void> {
    return this.#pbx.restart();
  }

  /** Cuts every AMI connection (TCP reset), as a network failure would. */
  dropAmiConnections(): void {
    this.#pbx.dropConnections();
  }

  /** Every event the simulated Asterisk raises, whoever is connected. Returns an unsubscribe. */
  onEvent(fn: (event: AmiMessage) => void): () => void {
    return this.#pbx.tap((e) => fn(toMessage(e)));
  }

  /** Resolves with the first event matching `test` (or named `test`) raised from now on. */
  waitForEvent(test: string | ((event: AmiMessage) => boolean), options: WaitOptions = {}): Promise<AmiMessage> {
    const match = typeof test === 'string' ? (e: AmiMessage) => e.event === test : test;
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new SimError(SimErrorCode.BadState, `no matching event within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.#pbx.tap((e) => {
        const m = toMessage(e);
        if (!match(m)) return;
        clearTimeout(timer);
        off();
        resolve(m);
      });
    });
  }
}

function toMessage(e: SimEvent): AmiMessage {
  return new AmiMessage([...e.fields]);
}

function channelInfo(ch: Channel): ChannelInfo {
  return {
    name: ch.name,
    uniqueid: ch.uniqueid,
    linkedid: ch.linkedid,
    state: stateDesc(ch.state),
    callerNum: ch.callerNum,
    callerName: ch.callerName,
    connectedNum: ch.connectedNum,
    connectedName: ch.connectedName,
    context: ch.context,
    exten: ch.exten,
    application: ch.app,
    bridgeId: ch.bridge?.id,
    onHold: ch.onHold,
    digitsHeard: ch.digitsSent,
  };
}

function checkText(field: string, value: string, re: RegExp): void {
  if (typeof value !== 'string' || !re.test(value)) {
    throw new SimError(SimErrorCode.BadRequest, `invalid ${field} ${JSON.stringify(value)}`, { field });
  }
}
