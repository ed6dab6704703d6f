/**
 * A customer calling a line through the trunk: the inbound channel, the `from-pstn` dialplan
 * (NoOp, Answer, Queue, Hangup) and the customer's own behaviour (patience while queued,
 * talk time once connected). Event order from 02 (22/PJSIP) and the chan_sip differences
 * listed in the 20.20.1 README ("Inbound channel creation", "SuccessfulAuth on every inbound
 * trunk call").
 */
import { eventTv } from '../clock/time-format.js';
import { SimError, SimErrorCode } from '../errors.js';
import { ChannelState, type Channel } from '../model/channel.js';
import { event } from '../model/sim-event.js';
import type { World } from '../model/world.js';
import { hangupApp } from './dialplan.js';
import { QueueCall } from './queue-call.js';

export interface CustomerCall {
  /** The customer's number as the trunk delivers it (`79161234567`). */
  from: string;
  /** Caller id name (`Иван Петров`); empty for none. */
  name: string;
  /** The DID dialled (`74950000000`); must be a configured line. */
  line: string;
  /** Hang up after this long in the queue without an answer (abandon). */
  patienceMs?: number | undefined;
  /** Hang up this long after an operator answers. */
  talkMs?: number | undefined;
}

export function startInboundCall(world: World, call: CustomerCall): Channel {
  const line = world.config.lines.find((l) => l.number === call.line);
  if (!line) throw new SimError(SimErrorCode.NotFound, `no line ${call.line}`, { line: call.line });
  const queue = world.queues.get(line.queue);
  if (!queue) throw new SimError(SimErrorCode.NotFound, `line ${call.line} routes to unknown queue ${line.queue}`);
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
