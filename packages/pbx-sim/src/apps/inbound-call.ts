/**
 * A customer calling a line through the trunk: the inbound channel, the `from-pstn` dialplan
 * and the customer's own behaviour (patience while waiting, talk time once connected). Event
 * order from 02 (22/PJSIP) and the chan_sip differences listed in the 20.20.1 README ("Inbound
 * channel creation", "SuccessfulAuth on every inbound trunk call").
 *
 * A line routes to a queue (NoOp, Answer, Queue, Hangup: the lab's extensions.conf) or straight
 * to one operator's phone (NoOp, Dial, Hangup: a DID-to-desk route with no `Answer()`). The
 * direct route reuses the Dial() of the `internal` context (dial.ts, checked against 06, 07, 11
 * and 12); what differs is that the caller is still in `Ring` when Dial() starts: app_dial
 * indicates ringing to it (a 180 on PJSIP, no state change: chan_pjsip_indicate only sends the
 * provisional response), and the bridge answers it once the phone does (features.c
 * pre_bridge_setup → ast_raw_answer), after `DialEnd ANSWER` — the order 12 shows for the
 * unanswered `Local/…;2` that dials 1002.
 */
import { eventTv } from '../clock/time-format.js';
import { SimError, SimErrorCode } from '../errors.js';
import { ChannelState, type Channel } from '../model/channel.js';
import { event } from '../model/sim-event.js';
import type { LineConfig } from '../model/world-config.js';
import type { World } from '../model/world.js';
import { dialPhone, hangupApp } from './dialplan.js';
import { QueueCall } from './queue-call.js';
import type { SimQueue } from '../model/queues.js';

export interface CustomerCall {
  /** The customer's number as the trunk delivers it (`79161234567`). */
  from: string;
  /** Caller id name (`Иван Петров`); empty for none. */
  name: string;
  /** The DID dialled (`74950000000`); must be a configured line. */
  line: string;
  /**
   * Hang up after this long without an answer: in the queue (abandon), or, on a line to an
   * extension, while the operator's phone rings.
   */
  patienceMs?: number | undefined;
  /** Hang up this long after an operator answers. */
  talkMs?: number | undefined;
}

export function startInboundCall(world: World, call: CustomerCall): Channel {
  const line = world.config.lines.find((l) => l.number === call.line);
  if (!line) throw new SimError(SimErrorCode.NotFound, `no line ${call.line}`, { line: call.line });
  const route = lineRoute(world, line);
  const chansip = world.flavour.inboundVars === 'chansip';
  const ch = world.newChannel({
    tech: world.flavour.tech,
    resource: world.config.trunk.name,
    role: 'inbound',
    context: world.config.contexts.inbound,
    exten: call.line,
    callerNum: call.from,
    callerName: call.name,
    state: world.flavour.inboundStartsDown ? ChannelState.Down : ChannelState.Ring,
    fromFarEnd: true,
  });
  ch.dnid = call.line;
  world.processedCalls++;
  if (world.flavour.trunkSuccessfulAuth) {
    world.emit(
      event('SuccessfulAuth', 'security', [
        'EventTV',
        eventTv(world.now()),
        'Severity',
        'Informational',
        'Service',
        'SIP',
        'EventVersion',
        '1',
        'AccountID',
        call.line,
        'SessionID',
        `0x${(0x7f0000000000 + world.prng.int(0xffffff)).toString(16)}`,
        'LocalAddress',
        `IPV4/UDP/${world.config.sipHost}/5060`,
        'RemoteAddress',
        `IPV4/UDP/${world.config.sipHost}/5080`,
        'UsingPassword',
        '0',
      ]),
    );
  }
  // chan_sip set SIPURI/SIPDOMAIN/SIPCALLID as it created the channel (World.newChannel).
  if (chansip) world.newstate(ch, ChannelState.Ring);
  else world.varSet(ch, 'SIPDOMAIN', world.config.sipHost);
  const callerAll = call.name ? `"${call.name}" <${call.from}>` : `<${call.from}>`;
  if (route.kind === 'extension') {
    dialExtension(world, ch, route.extension, callerAll, call);
    return ch;
  }
  const queue = route.queue;
  world.newexten(ch, { priority: 1, app: 'NoOp', appData: `Inbound call to ${queue.name} from ${callerAll}` });
  world.newexten(ch, { priority: 2, app: 'Answer', appData: '' });
  world.newstate(ch, ChannelState.Up);
  const appData = `${queue.name},tT`;
  const qc = new QueueCall(world, queue, ch, {
    appData,
    talkMs: call.talkMs,
    afterQueue: (caller) => hangupApp(world, caller, 4),
  });
  // Before Queue() starts the customer can only hang up.
  ch.owner = { remoteHangup: (c: Channel) => hangupBeforeQueue(world, c) };
  world.after(
    world.config.timing.answerSettleMs,
    () => {
      world.newexten(ch, { priority: 3, app: 'Queue', appData });
      qc.join();
      if (call.patienceMs !== undefined) {
        world.after(
          call.patienceMs,
          () => {
            if (qc.state === 'waiting') world.remoteHangup(ch);
          },
          ch,
        );
      }
    },
    ch,
  );
  return ch;
}

function hangupBeforeQueue(world: World, ch: Channel): void {
  world.rtpQos(ch);
  world.hangupRequest(ch);
  world.destroyChannel(ch, 16, { hangupSource: ch.name });
}

type LineRoute = { kind: 'queue'; queue: SimQueue } | { kind: 'extension'; extension: string };

function lineRoute(world: World, line: LineConfig): LineRoute {
  if (line.extension !== undefined) {
    if (!world.phones.has(line.extension))
      throw new SimError(SimErrorCode.NotFound, `line ${line.number} routes to unknown extension ${line.extension}`, {
        line: line.number,
        extension: line.extension,
      });
    return { kind: 'extension', extension: line.extension };
  }
  const queue = world.queues.get(line.queue);
  if (!queue) throw new SimError(SimErrorCode.NotFound, `line ${line.number} routes to unknown queue ${line.queue}`);
  return { kind: 'queue', queue };
}

/**
 * `from-pstn,<line>`: `NoOp(Direct call to <ext> from …)`, `Dial(<tech>/<ext>,20,tT)`, `Hangup()`.
 * The customer gives up after `patienceMs` while the phone rings (Dial() sees the caller hang up:
 * `DialEnd CANCEL`) and hangs up `talkMs` after the operator answered.
 */
function dialExtension(world: World, ch: Channel, extension: string, callerAll: string, call: CustomerCall): void {
  world.newexten(ch, { priority: 1, app: 'NoOp', appData: `Direct call to ${extension} from ${callerAll}` });
  const dial = dialPhone(world, ch, extension, {
    onBridged: () => {
      if (call.talkMs !== undefined) world.after(call.talkMs, () => world.remoteHangup(ch), ch);
    },
  });
  // An unregistered phone fails Dial() at once (CHANUNAVAIL) and the call is already over.
  if (call.patienceMs !== undefined && !ch.hungUp) {
    world.after(
      call.patienceMs,
      () => {
        if (dial.state === 'dialing' && !ch.hungUp) world.remoteHangup(ch);
      },
      ch,
    );
  }
}
