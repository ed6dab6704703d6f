/**
 * AMI Originate as Asterisk runs it: a channel to the first party (normally the operator's
 * phone, with the auto-answer header), and once it answers, the dialplan at
 * `Context,Exten,Priority` (or an application) on that channel — recordings 06, 07 and 09.
 *
 * The originated channel has no caller, so its DialBegin/DialState/DialEnd carry only the
 * `Dest*` block; variables become VarSets on it, except `PJSIP_HEADER(add,…)`, which only
 * adds a SIP header (no AMI event; chan_sip's SIPADDHEADER is an ordinary variable and shows).
 */
import { ChannelState, type Channel } from '../model/channel.js';
import { channelFields, event } from '../model/sim-event.js';
import type { ChannelOwner, World } from '../model/world.js';
import { extensionExists, runExtension } from './dialplan.js';
import { placeCall, type FarEnd, type LegListener } from './far-end.js';

export interface OriginateRequest {
  /** `PJSIP/1001`, or `PJSIP/79990000001@pstn` for a customer first. */
  channel: string;
  context: string | undefined;
  exten: string | undefined;
  priority: number | undefined;
  application: string | undefined;
  data: string | undefined;
  callerId: { num: string; name: string } | undefined;
  timeoutMs: number;
  variables: Array<[string, string]>;
  /** The new channel's Uniqueid (`ChannelId:`). */
  channelId: string | undefined;
  actionId: string | undefined;
  async: boolean;
}

/** OriginateResponse `Reason`: Asterisk's control frame that ended the attempt. */
export const OriginateReason = { Failed: 0, Hangup: 1, Ringing: 3, Answered: 4, Busy: 5, Congestion: 8 } as const;

export type OriginateOutcome = { ok: true; channel: Channel } | { ok: false; reason: number };

/** `"Name" <number>`, `Name <number>` or a bare number, as ast_callerid_parse reads them. */
export function parseCallerId(text: string): { num: string; name: string } {
  const m = /^\s*(?:"([^"]*)"|([^<]*?))\s*<([^>]*)>\s*$/.exec(text);
  if (m) return { name: (m[1] ?? m[2] ?? '').trim(), num: (m[3] ?? '').trim() };
  const t = text.trim();
  return /^[+\d*#]+$/.test(t) ? { num: t, name: '' } : { num: '', name: t };
}

/** True when the INVITE to the phone would carry an auto-answer header the deploy docs use. */
export function hasAutoAnswerHeader(variables: ReadonlyArray<[string, string]>): boolean {
  for (const [name, value] of variables) {
    const n = name.toUpperCase();
    const isHeader = n.startsWith('PJSIP_HEADER(ADD,') || n === 'SIPADDHEADER' || /^SIPADDHEADER\d+$/.test(n);
    if (!isHeader) continue;
    const text = `${name}=${value}`.toLowerCase();
    if (text.includes('call-info') && text.includes('answer-after')) return true;
    if (text.includes('alert-info') && text.includes('auto')) return true;
  }
  return false;
}

/** The phone or trunk number an Originate `Channel:` names, or undefined when it cannot be dialled. */
export function resolveOriginateTarget(
  world: World,
  dial: string,
  autoAnswerHeader: boolean,
): { resource: string; farEnd: FarEnd; callerNum: string; callerName: string; context: string } | undefined {
  const slash = dial.indexOf('/');
  if (slash < 0) return undefined;
  const tech = dial.slice(0, slash);
  const rest = dial.slice(slash + 1);
  if (tech.toUpperCase() !== world.flavour.tech.toUpperCase()) return undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const number = rest.slice(0, at);
    if (rest.slice(at + 1) !== world.config.trunk.name || !/^\+?\d+$/.test(number)) return undefined;
    return {
      resource: world.config.trunk.name,
      farEnd: { kind: 'number', number, behaviour: world.numberBehaviour(number) },
      callerNum: '',
      callerName: '',
      context: world.config.contexts.inbound,
    };
  }
  const phone = world.phones.get(rest);
  if (!phone || !phone.registered) return undefined;
  return {
    resource: rest,
    farEnd: { kind: 'phone', extension: rest, behaviour: phone.behaviour, autoAnswerHeader },
    callerNum: rest,
    callerName: phone.config.name,
    context: world.config.contexts.internal,
  };
}

export function originateExtensionMissing(world: World, req: OriginateRequest): boolean {
  return (
    req.exten !== undefined &&
    req.application === undefined &&
    !extensionExists(world, req.context ?? 'default', req.exten)
  );
}

class Originate implements ChannelOwner, LegListener {
  readonly world: World;
  readonly req: OriginateRequest;
  readonly done: (outcome: OriginateOutcome) => void;
  ch: Channel | undefined;
  #settled = false;

  constructor(world: World, req: OriginateRequest, done: (outcome: OriginateOutcome) => void) {
    this.world = world;
    this.req = req;
    this.done = done;
  }

  start(): void {
    const { world, req } = this;
    const autoAnswer = hasAutoAnswerHeader(req.variables);
    const target = resolveOriginateTarget(world, req.channel, autoAnswer);
    if (!target) {
      // Unknown or unregistered endpoint: fails at once, no Newchannel (09 a, b).
      world.after(1, () => this.#fail(OriginateReason.Failed));
      return;
    }
    const ch = world.newChannel({
      tech: world.flavour.tech,
      resource: target.resource,
      role: 'originated',
      context: target.context,
      exten: 's',
      callerNum: target.callerNum,
      callerName: target.callerName,
      ...(req.channelId !== undefined ? { uniqueid: req.channelId } : {}),
    });
    this.ch = ch;
    ch.owner = this;
    world.newexten(ch, { app: 'AppDial2', appData: '(Outgoing Line)' });
    // Asterisk builds the variable list by prepending, so they are set last-first (20.20.1 06).
    for (const [name, value] of [...req.variables].reverse()) {
      if (name.toUpperCase().startsWith('PJSIP_HEADER(')) continue;
      world.varSet(ch, name, value);
    }
    if (req.callerId) {
      world.newCallerid(ch, req.callerId.num, req.callerId.name);
      world.newConnectedLine(ch, req.callerId.num, req.callerId.name);
    }
    const dialString = req.channel.slice(req.channel.indexOf('/') + 1);
    world.emit(event('DialBegin', 'call', [...channelFields(ch, 'Dest'), 'DialString', dialString]));
    world.after(req.timeoutMs, () => this.#noAnswer(), ch);
    placeCall(world, ch, target.farEnd, this);
  }

  ringing(ch: Channel): void {
    this.world.newstate(ch, ChannelState.Ringing);
    this.world.emit(event('DialState', 'call', [...channelFields(ch, 'Dest'), 'DialStatus', 'RINGING']));
  }

  answered(ch: Channel): void {
    const { world, req } = this;
    if (this.#settled) return;
    for (const t of ch.timers) world.cancel(t, ch);
    world.newstate(ch, ChannelState.Up);
    world.emit(event('DialEnd', 'call', [...channelFields(ch, 'Dest'), 'DialStatus', 'ANSWER']));
    this.#settle({ ok: true, channel: ch });
    ch.owner = undefined;
    if (req.exten !== undefined && req.application === undefined) {
      runExtension(world, ch, req.context ?? 'default', req.exten);
      return;
    }
    if (req.application !== undefined) {
      world.newexten(ch, { context: '', exten: '', priority: 1, app: req.application, appData: req.data ?? '' });
    }
    // Nothing to run (09 e) or an application we only show: the channel is hung up at once.
    world.addCdr({
      owner: ch,
      destination: 's',
      destinationContext: ch.context,
      destinationChannel: '',
      lastApplication: req.application ?? 'AppDial2',
      lastData: req.application !== undefined ? (req.data ?? '') : '(Outgoing Line)',
      start: ch.createdAt,
      answer: ch.answeredAt,
      disposition: 'ANSWERED',
      peer: undefined,
    });
    world.softHangupRequest(ch, 16);
    world.rtpQos(ch);
    if (world.flavour.tech === 'SIP') {
      // chan_sip runs the originated channel's own `s` once more as it hangs up (20.20.1 09 e).
      world.newexten(ch, { exten: 's', app: 'AppDial2', appData: '(Outgoing Line)' });
      world.rtpQos(ch);
    }
    world.destroyChannel(ch, world.flavour.id === 'asterisk-22' ? 0 : 16, { cdrsBefore: true });
  }

  refused(ch: Channel, cause: number): void {
    this.#settle({ ok: false, reason: cause === 17 ? OriginateReason.Busy : OriginateReason.Congestion });
    this.world.emit(
      event('DialEnd', 'call', [...channelFields(ch, 'Dest'), 'DialStatus', cause === 17 ? 'BUSY' : 'CONGESTION']),
    );
    this.world.destroyChannel(ch, cause);
  }

  #noAnswer(): void {
    const ch = this.ch;
    if (!ch || this.#settled) return;
    this.#settle({ ok: false, reason: OriginateReason.Ringing });
    this.world.emit(event('DialEnd', 'call', [...channelFields(ch, 'Dest'), 'DialStatus', 'NOANSWER']));
    this.world.destroyChannel(ch, 0);
  }

  remoteHangup(ch: Channel): void {
    // The phone declined while ringing.
    if (this.#settled) return;
    this.#settle({ ok: false, reason: OriginateReason.Hangup });
    this.world.emit(event('DialEnd', 'call', [...channelFields(ch, 'Dest'), 'DialStatus', 'CANCEL']));
    this.world.destroyChannel(ch, 21);
  }

  #fail(reason: number): void {
    this.#settle({ ok: false, reason });
  }

  #settle(outcome: OriginateOutcome): void {
    if (this.#settled) return;
    this.#settled = true;
    const { world, req } = this;
    if (req.async) {
      const ch = outcome.ok ? outcome.channel : undefined;
      const fields: string[] = [];
      if (req.actionId !== undefined) fields.push('ActionID', req.actionId);
      fields.push(
        'Response',
        outcome.ok ? 'Success' : 'Failure',
        // On failure Asterisk names the dial string, not a channel (09).
        'Channel',
        ch ? ch.name : req.channel,
        'Context',
        req.context ?? '',
        'Exten',
        req.exten ?? '',
        'Reason',
        String(outcome.ok ? OriginateReason.Answered : outcome.reason),
        'Uniqueid',
        ch ? ch.uniqueid : '<unknown>',
        'CallerIDNum',
        req.callerId?.num || '<unknown>',
        'CallerIDName',
        req.callerId?.name || '<unknown>',
      );
      world.emit(event('OriginateResponse', 'call', fields));
    }
    this.done(outcome);
  }
}

/** Starts an Originate; `done` is called once with its outcome (answered or why not). */
export function originate(world: World, req: OriginateRequest, done: (outcome: OriginateOutcome) => void): void {
  new Originate(world, req, done).start();
}
