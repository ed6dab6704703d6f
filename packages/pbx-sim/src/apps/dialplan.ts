/**
 * The lab's dialplan (fixtures/ami/asterisk-22.10.1/config/extensions.conf), generalised to the
 * configured world:
 *
 *   [from-pstn]  <line DID> => NoOp(Inbound call to <queue> from ${CALLERID(all)}), Answer(), Queue(<queue>,tT), Hangup()
 *                <direct DID> => NoOp(Direct call to <ext> from ${CALLERID(all)}), Dial(<tech>/<ext>,20,tT), Hangup()
 *   [internal]   <phone extension> => NoOp(Internal call to ${EXTEN}), Dial(<tech>/${EXTEN},20,tT), Hangup()
 *                <external number> => Goto(outbound,${EXTEN},1)
 *   [outbound]   <external number> => NoOp(Click-to-call to ${EXTEN} CRM_CALL_ID=${CRM_CALL_ID}),
 *                                     Dial(<tech>/${EXTEN}@<trunk>,30,tT), Hangup()
 *
 * "External number" is 5 to 15 digits (the lab's `_7XXXXXXXXXX`, widened for other countries).
 */
import type { Channel } from '../model/channel.js';
import type { World } from '../model/world.js';
import { DialCall } from './dial.js';

const EXTERNAL = /^\+?\d{5,15}$/;

export function isExternalNumber(world: World, exten: string): boolean {
  return EXTERNAL.test(exten) && !world.phones.has(exten);
}

export function extensionExists(world: World, context: string, exten: string): boolean {
  const c = world.config.contexts;
  if (context === c.inbound) return world.config.lines.some((l) => l.number === exten);
  if (context === c.internal) return world.phones.has(exten) || isExternalNumber(world, exten);
  if (context === c.outbound) return isExternalNumber(world, exten);
  return false;
}

/** `${NAME}` the way Asterisk reads it: inherited variables are stored with their `_`/`__` prefix. */
export function getVar(ch: Channel, name: string): string {
  return ch.vars.get(name) ?? ch.vars.get(`_${name}`) ?? ch.vars.get(`__${name}`) ?? '';
}

export interface DialplanHooks {
  onDial?: (dial: DialCall) => void;
}

/** Runs `context,exten,priority` on `ch` (answered or originated channels). */
export function runExtension(
  world: World,
  ch: Channel,
  context: string,
  exten: string,
  hooks: DialplanHooks = {},
): void {
  const c = world.config.contexts;
  if (context === c.internal && isExternalNumber(world, exten)) {
    world.newexten(ch, { context, exten, priority: 1, app: 'Goto', appData: `${c.outbound},${exten},1` });
    runExtension(world, ch, c.outbound, exten, hooks);
    return;
  }
  if (context === c.outbound) {
    world.newexten(ch, {
      context,
      exten,
      priority: 1,
      app: 'NoOp',
      appData: `Click-to-call to ${exten} CRM_CALL_ID=${getVar(ch, 'CRM_CALL_ID')}`,
    });
    dialNumber(world, ch, exten, hooks);
    return;
  }
  if (context === c.internal && world.phones.has(exten)) {
    world.newexten(ch, { context, exten, priority: 1, app: 'NoOp', appData: `Internal call to ${exten}` });
    dialPhone(world, ch, exten, hooks);
    return;
  }
  hangupApp(world, ch, 1);
}

/** `Dial(<tech>/<number>@<trunk>,30,tT)` at priority 2, then `Hangup()`. */
export function dialNumber(world: World, ch: Channel, number: string, hooks: DialplanHooks = {}): DialCall {
  const tech = world.flavour.tech;
  const trunk = world.config.trunk.name;
  const appData = `${tech}/${number}@${trunk},${world.config.outboundDialTimeoutSeconds},tT`;
  world.newexten(ch, { priority: 2, app: 'Dial', appData });
  const dial = new DialCall(
    world,
    ch,
    {
      resource: trunk,
      context: world.config.contexts.inbound,
      callerNum: '',
      callerName: '',
      dialString: `${number}@${trunk}`,
      exten: number,
      farEnd: { kind: 'number', number, behaviour: world.numberBehaviour(number) },
      takesCallerId: true,
    },
    {
      appData,
      timeoutSeconds: world.config.outboundDialTimeoutSeconds,
      afterDial: (caller) => hangupApp(world, caller, 3),
    },
  );
  hooks.onDial?.(dial);
  dial.start();
  return dial;
}

/** `Dial(<tech>/<ext>,20,tT)` at priority 2, then `Hangup()`. */
export function dialPhone(
  world: World,
  ch: Channel,
  extension: string,
  hooks: DialplanHooks & {
    afterBridgeEnter?: (caller: Channel) => void;
    onBridged?: (dial: DialCall) => void;
  } = {},
): DialCall {
  const phone = world.phone(extension);
  const tech = world.flavour.tech;
  const appData = `${tech}/${extension},${world.config.internalDialTimeoutSeconds},tT`;
  world.newexten(ch, { priority: 2, app: 'Dial', appData });
  const dial = new DialCall(
    world,
    ch,
    {
      resource: extension,
      context: world.config.contexts.internal,
      callerNum: extension,
      callerName: phone.config.name,
      dialString: extension,
      exten: extension,
      farEnd: { kind: 'phone', extension, behaviour: phone.behaviour, autoAnswerHeader: false },
      takesCallerId: false,
    },
    {
      appData,
      timeoutSeconds: world.config.internalDialTimeoutSeconds,
      afterDial: (caller) => hangupApp(world, caller, 3),
      ...(hooks.afterBridgeEnter ? { afterBridgeEnter: hooks.afterBridgeEnter } : {}),
      ...(hooks.onBridged ? { onBridged: hooks.onBridged } : {}),
    },
  );
  hooks.onDial?.(dial);
  if (!phone.registered) {
    // CHANUNAVAIL: Dial() fails at once and the dialplan goes on.
    world.varSet(ch, 'DIALSTATUS', 'CHANUNAVAIL');
    hangupApp(world, ch, 3);
    return dial;
  }
  dial.start();
  return dial;
}

/**
 * `Hangup()` after an application returned (07: after a busy Dial). The channel gets a new CDR
 * for the Hangup application, as in 07's second record.
 */
export function hangupApp(world: World, ch: Channel, priority: number): void {
  if (ch.hungUp) return;
  world.newexten(ch, { priority, app: 'Hangup', appData: '' });
  world.addCdr({
    owner: ch,
    destination: ch.exten,
    destinationContext: ch.context,
    destinationChannel: '',
    lastApplication: 'Hangup',
    lastData: '',
    start: world.now(),
    answer: ch.answeredAt === undefined ? undefined : world.now(),
    disposition: ch.answeredAt === undefined ? 'NO ANSWER' : 'ANSWERED',
    peer: undefined,
  });
  world.softHangupRequest(ch, 16);
  world.rtpQos(ch);
  world.destroyChannel(ch, ch.hangupCause ?? 16, {
    hangupSource: ch.name,
    ...(ch.techCause !== undefined ? { techCause: ch.techCause } : {}),
  });
}
