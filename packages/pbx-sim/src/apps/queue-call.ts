/**
 * app_queue for one caller: join, ring members (ringall or rrmemory, member timeout, retry,
 * ringinuse=no), connect the member who answers, and end the call — caller hangs up, agent
 * hangs up, transfer, restart or abandon — with the events, in the order, of recordings
 * 02 (answered, caller hangs up), 04 (abandoned), 10 (hold), 11/12 (transfers) and 16 (restart).
 *
 * The caller channel stays owned by this object from `Queue()` until it hangs up; member legs
 * are owned by it from creation.
 */
import type { Bridge } from '../model/bridge.js';
import type { CdrRecord } from '../model/call-group.js';
import { ChannelState, snapshot, type Channel } from '../model/channel.js';
import { memberAvailable, type QueuedCaller, type QueueMember, type SimQueue } from '../model/queues.js';
import { channelFields, event } from '../model/sim-event.js';
import type { ChannelOwner, World } from '../model/world.js';
import { answerLeg, placeCall, type LegListener } from './far-end.js';

interface MemberLeg {
  leg: Channel;
  member: QueueMember;
  calledAt: number;
  cdr: CdrRecord;
}

export interface QueueCallOptions {
  /** `Queue()` data as the dialplan wrote it (`support,tT`). */
  appData: string;
  /** The customer hangs up this long after an agent answers. */
  talkMs?: number | undefined;
  /** Continues the caller's dialplan after Queue() returns (agent hung up). */
  afterQueue: (caller: Channel) => void;
}

export class QueueCall implements ChannelOwner, LegListener, QueuedCaller {
  readonly world: World;
  readonly queue: SimQueue;
  readonly caller: Channel;
  joinedAt: number;
  readonly options: QueueCallOptions;
  position = 0;
  originalPosition = 0;
  readonly #legs = new Map<Channel, MemberLeg>();
  #state: 'waiting' | 'connected' | 'done' = 'waiting';
  agent: MemberLeg | undefined;
  connectedAt = 0;
  bridge: Bridge | undefined;
  #roundTimer: ReturnType<World['after']> | undefined;
  #firstCdr = true;

  constructor(world: World, queue: SimQueue, caller: Channel, options: QueueCallOptions) {
    this.world = world;
    this.queue = queue;
    this.caller = caller;
    this.options = options;
    this.joinedAt = world.now();
  }

  ringingMembers(): QueueMember[] {
    return [...this.#legs.values()].map((l) => l.member);
  }

  get state(): 'waiting' | 'connected' | 'done' {
    return this.#state;
  }

  /** The caller's seconds in the queue so far. */
  waitSeconds(): number {
    return Math.floor((this.world.now() - this.joinedAt) / 1000);
  }

  /** `Queue()` starts: the variables it resets, the join, MOH, and the first ring round. */
  join(): void {
    const { world, caller, queue } = this;
    caller.owner = this;
    this.joinedAt = world.now();
    for (const v of ['ANSWEREDTIME', 'ANSWEREDTIME_MS', 'DIALEDTIME', 'DIALEDTIME_MS', 'QUEUEWAIT', 'QUEUEWAIT_MS']) {
      world.varSet(caller, v, '');
    }
    queue.callers.push(this);
    this.position = queue.callers.length;
    this.originalPosition = this.position;
    world.publishQueueCallers(queue);
    world.emit(
      event('QueueCallerJoin', 'agent', [
        ...channelFields(caller),
        'Queue',
        queue.name,
        'Position',
        String(this.position),
        'Count',
        String(queue.callers.length),
      ]),
    );
    world.startMoh(caller);
    world.after(2, () => this.#ringRound(), caller);
  }

  // ---- ringing -----------------------------------------------------------------------------

  #ringRound(): void {
    if (this.#state !== 'waiting') return;
    const { world, queue } = this;
    // Only the caller at the head of the queue is offered to members (app_queue's is_our_turn
    // with autofill=yes lets as many callers ring as there are free members).
    const members = this.#pickMembers();
    if (members.length === 0) {
      this.#roundTimer = world.after(queue.config.retrySeconds * 1000, () => this.#ringRound(), this.caller);
      return;
    }
    for (const m of members) this.#callMember(m);
    this.#roundTimer = world.after(queue.config.timeoutSeconds * 1000, () => this.#roundTimedOut(), this.caller);
  }

  #pickMembers(): QueueMember[] {
    const { world, queue } = this;
    const now = world.now();
    const busy = new Set<QueueMember>();
    // A member already rung for another waiting caller is not free (ringinuse=no).
    for (const other of queue.callers) {
      if (other === this) continue;
      for (const m of other.ringingMembers()) busy.add(m);
    }
    const free = queue.members.filter((m) => !busy.has(m) && this.#canRing(m, now));
    if (queue.config.strategy === 'ringall') return free.reverse();
    // rrmemory: the first free member at or after the one following the last answerer.
    const n = queue.members.length;
    for (let i = 0; i < n; i++) {
      const m = queue.members[(queue.rrNext + i) % n] as QueueMember;
      if (free.includes(m)) {
        queue.rrNext = (queue.rrNext + i + 1) % n;
        return [m];
      }
    }
    return [];
  }

  #canRing(m: QueueMember, now: number): boolean {
    if (!memberAvailable(this.queue, m, now)) return false;
    const phone = this.world.phoneByInterface(m.interface);
    return phone !== undefined && phone.registered;
  }

  #callMember(member: QueueMember): void {
    const { world, caller } = this;
    const phone = world.phoneByInterface(member.interface);
    if (!phone) return;
    const leg = world.newChannel({
      tech: world.flavour.tech,
      resource: phone.config.extension,
      role: 'member',
      context: world.config.contexts.internal,
      exten: 's',
      callerNum: phone.config.extension,
      callerName: phone.config.name,
      linkTo: caller,
    });
    leg.owner = this;
    world.varSet(leg, 'DIALEDPEERNUMBER', phone.config.extension);
    // DialBegin shows the leg before app_queue set its connected line and extension; AgentCalled
    // (sent first) already shows them (02: DestExten s vs 74950000000).
    const before = snapshot(leg);
    leg.connectedNum = caller.callerNum;
    leg.connectedName = caller.callerName;
    leg.exten = caller.exten;
    world.emit(
      event('AgentCalled', 'agent', [
        ...channelFields(caller),
        ...channelFields(leg, 'Dest'),
        'Queue',
        this.queue.name,
        'Interface',
        member.interface,
        'MemberName',
        member.name,
      ]),
    );
    world.emit(
      event('DialBegin', 'call', [
        ...channelFields(caller),
        ...channelFields(before, 'Dest'),
        'DialString',
        member.interface,
      ]),
    );
    const start = this.#firstCdr ? caller.createdAt : world.now();
    this.#firstCdr = false;
    const cdr = world.addCdr({
      owner: caller,
      destination: caller.exten,
      destinationContext: caller.context,
      destinationChannel: leg.name,
      lastApplication: 'Queue',
      lastData: this.options.appData,
      start,
      answer: caller.answeredAt === undefined ? undefined : Math.max(caller.answeredAt, start),
      disposition: 'NO ANSWER',
      peer: leg,
    });
    this.#legs.set(leg, { leg, member, calledAt: world.now(), cdr });
    placeCall(
      world,
      leg,
      { kind: 'phone', extension: phone.config.extension, behaviour: phone.behaviour, autoAnswerHeader: false },
      this,
    );
  }

  ringing(leg: Channel): void {
    const { world, caller } = this;
    if (!this.#legs.has(leg)) return;
    world.newstate(leg, ChannelState.Ringing);
    world.newexten(leg, { app: 'AppQueue', appData: '(Outgoing Line)' });
    world.emit(event('NewConnectedLine', 'call', channelFields(leg)));
    world.emit(
      event('DialState', 'call', [...channelFields(caller), ...channelFields(leg, 'Dest'), 'DialStatus', 'RINGING']),
    );
  }

  refused(leg: Channel, cause: number, sipCode: number): void {
    const { world, caller } = this;
    const ml = this.#legs.get(leg);
    if (!ml) return;
    this.#legs.delete(leg);
    world.hangupRequest(leg, cause, sipCode);
    world.emit(
      event('DialEnd', 'call', [...channelFields(caller), ...channelFields(leg, 'Dest'), 'DialStatus', 'BUSY']),
    );
    world.closeCdr(ml.cdr);
    world.destroyChannel(leg, cause, { techCause: sipCode });
    this.#roundEndedIfEmpty();
  }

  #roundEndedIfEmpty(): void {
    if (this.#state !== 'waiting' || this.#legs.size > 0) return;
    this.world.cancel(this.#roundTimer, this.caller);
    this.#roundTimer = this.world.after(this.queue.config.retrySeconds * 1000, () => this.#ringRound(), this.caller);
  }

  /** `timeout` passed with nobody answering: every ringing member gets RingNoAnswer. */
  #roundTimedOut(): void {
    const { world, caller } = this;
    if (this.#state !== 'waiting') return;
    for (const ml of [...this.#legs.values()]) {
      const leg = ml.leg;
      world.emit(
        event('DialEnd', 'call', [...channelFields(caller), ...channelFields(leg, 'Dest'), 'DialStatus', 'NOANSWER']),
      );
      world.emit(
        event('AgentRingNoAnswer', 'agent', [
          ...channelFields(caller),
          ...channelFields(leg, 'Dest'),
          'Queue',
          this.queue.name,
          'Interface',
          ml.member.interface,
          'MemberName',
          ml.member.name,
          // Milliseconds, unlike AgentConnect's RingTime (fixtures/ami README "Unit trap").
          'RingTime',
          String(world.now() - ml.calledAt),
        ]),
      );
      world.emit(
        event('DialEnd', 'call', [...channelFields(caller), ...channelFields(leg, 'Dest'), 'DialStatus', 'CANCEL']),
      );
      this.#legs.delete(leg);
      world.closeCdr(ml.cdr);
      world.destroyChannel(leg, 0);
    }
    this.#roundTimer = world.after(this.queue.config.retrySeconds * 1000, () => this.#ringRound(), caller);
  }

  // ---- answer ------------------------------------------------------------------------------

  answered(leg: Channel): void {
    const { world, caller, queue } = this;
    const ml = this.#legs.get(leg);
    if (!ml || this.#state !== 'waiting') return;
    this.#state = 'connected';
    world.cancel(this.#roundTimer, caller);
    this.#legs.delete(leg);
    const others = [...this.#legs.values()];
    this.#legs.clear();
    world.newstate(leg, ChannelState.Up);
    world.emit(
      event('DialEnd', 'call', [...channelFields(caller), ...channelFields(leg, 'Dest'), 'DialStatus', 'ANSWER']),
    );
    const cancel = (o: MemberLeg): void =>
      world.emit(
        event('DialEnd', 'call', [...channelFields(caller), ...channelFields(o.leg, 'Dest'), 'DialStatus', 'CANCEL']),
      );
    // The cancelled legs' DialEnd CANCEL comes twice, around the caller's NewConnectedLine (02, 04).
    for (const o of others) cancel(o);
    world.newConnectedLine(caller, leg.callerNum, leg.callerName);
    for (const o of others) cancel(o);
    for (const o of others) {
      world.closeCdr(o.cdr);
      world.destroyChannel(o.leg, 26);
    }
    world.stopMoh(caller);
    this.#leaveQueue();
    world.varSet(caller, 'QUEUEPOSITION', String(this.originalPosition));
    const wait = this.waitSeconds();
    world.varSet(caller, 'QUEUEWAIT', String(wait));
    world.varSet(caller, 'QUEUEWAIT_MS', String(wait * 1000));
    const ringSeconds = Math.floor((world.now() - ml.calledAt) / 1000);
    world.emit(
      event('AgentConnect', 'agent', [
        ...channelFields(caller),
        ...channelFields(leg, 'Dest'),
        'Queue',
        queue.name,
        'Interface',
        ml.member.interface,
        'MemberName',
        ml.member.name,
        'HoldTime',
        String(wait),
        'RingTime',
        String(ringSeconds),
      ]),
    );
    ml.member.inCall = true;
    queue.recordHoldtime(wait);
    ml.cdr.disposition = 'ANSWERED';
    this.agent = ml;
    this.connectedAt = world.now();
    const bridge = world.createBridge();
    this.bridge = bridge;
    world.bridgeEnter(bridge, leg);
    world.bridgeEnter(bridge, caller);
    world.setBridgePeers(bridge);
    if (this.options.talkMs !== undefined) world.after(this.options.talkMs, () => world.remoteHangup(caller), caller);
  }

  #leaveQueue(): void {
    const { world, caller, queue } = this;
    const i = queue.callers.indexOf(this);
    if (i >= 0) queue.callers.splice(i, 1);
    for (const [n, c] of queue.callers.entries()) c.position = n + 1;
    world.publishQueueCallers(queue);
    world.emit(
      event('QueueCallerLeave', 'agent', [
        ...channelFields(caller),
        'Queue',
        queue.name,
        'Position',
        String(this.position),
        'Count',
        String(queue.callers.length),
      ]),
    );
  }

  // ---- hangups -----------------------------------------------------------------------------

  remoteHangup(ch: Channel): void {
    if (this.#state === 'waiting') {
      if (ch === this.caller) this.#abandon();
      else this.#legGone(ch);
      return;
    }
    if (this.#state !== 'connected' || !this.agent) return;
    if (ch === this.caller) this.callerHungUp();
    else if (ch === this.agent.leg) this.agentHungUp();
  }

  /** A ringing member leg vanished (phone sent 603/CANCEL): drop it and keep ringing the rest. */
  #legGone(leg: Channel): void {
    const ml = this.#legs.get(leg);
    if (!ml) return;
    this.#legs.delete(leg);
    this.world.emit(
      event('DialEnd', 'call', [...channelFields(this.caller), ...channelFields(leg, 'Dest'), 'DialStatus', 'CANCEL']),
    );
    this.world.closeCdr(ml.cdr);
    this.world.destroyChannel(leg, this.world.endCause(leg, 21));
    this.#roundEndedIfEmpty();
  }

  /** The customer hung up while waiting (04). */
  #abandon(): void {
    const { world, caller, queue } = this;
    this.#state = 'done';
    world.cancel(this.#roundTimer, caller);
    world.rtpQos(caller);
    world.endRequest(caller);
    world.stopMoh(caller);
    const legs = [...this.#legs.values()];
    this.#legs.clear();
    const cancel = (o: MemberLeg): void =>
      world.emit(
        event('DialEnd', 'call', [...channelFields(caller), ...channelFields(o.leg, 'Dest'), 'DialStatus', 'CANCEL']),
      );
    for (const o of legs) cancel(o);
    for (const o of legs) {
      cancel(o);
      world.closeCdr(o.cdr);
      world.destroyChannel(o.leg, world.flavour.abandonedLegCause);
    }
    const wait = this.waitSeconds();
    const dialedMs = world.now() - caller.createdAt;
    world.varSet(caller, 'QUEUEWAIT', String(wait));
    world.varSet(caller, 'QUEUEWAIT_MS', String(wait * 1000));
    world.varSet(caller, 'DIALEDTIME', String(Math.floor(dialedMs / 1000)));
    world.varSet(caller, 'DIALEDTIME_MS', String(dialedMs));
    world.varSet(caller, 'ANSWEREDTIME', '0');
    world.varSet(caller, 'ANSWEREDTIME_MS', '0');
    world.varSet(caller, 'ABANDONED', 'TRUE');
    world.emit(
      event('QueueCallerAbandon', 'agent', [
        ...channelFields(caller),
        'Queue',
        queue.name,
        'Position',
        String(this.position),
        'OriginalPosition',
        String(this.originalPosition),
        'HoldTime',
        String(wait),
      ]),
    );
    queue.abandoned++;
    if (wait <= queue.config.serviceLevelSeconds) queue.abandonedInSl++;
    this.#leaveQueue();
    world.varSet(caller, 'QUEUEPOSITION', String(this.originalPosition));
    world.softHangupRequest(caller, 16);
    world.destroyChannel(caller, world.endCause(caller, 0), { hangupSource: caller.name, dialStatus: 'CANCEL' });
  }

  #complete(reason: 'caller' | 'agent' | 'transfer'): void {
    const { world, caller, queue } = this;
    const agent = this.agent;
    if (!agent) return;
    const talk = Math.floor((world.now() - this.connectedAt) / 1000);
    world.emit(
      event('AgentComplete', 'agent', [
        ...channelFields(caller),
        ...channelFields(agent.leg, 'Dest'),
        'Queue',
        queue.name,
        'Interface',
        agent.member.interface,
        'MemberName',
        agent.member.name,
        'HoldTime',
        String(Math.floor((this.connectedAt - this.joinedAt) / 1000)),
        'TalkTime',
        String(talk),
        'Reason',
        reason,
      ]),
    );
    queue.completed++;
    if (this.connectedAt - this.joinedAt <= queue.config.serviceLevelSeconds * 1000) queue.completedInSl++;
    queue.recordTalktime(talk);
    agent.member.callsTaken++;
    agent.member.lastCall = Math.floor(world.now() / 1000);
    agent.member.lastCallEndedAt = world.now();
    agent.member.inCall = false;
  }

  #callerTimes(): void {
    const { world, caller } = this;
    const answeredMs = caller.answeredAt === undefined ? 0 : world.now() - caller.answeredAt;
    const dialedMs = world.now() - caller.createdAt;
    world.varSet(caller, 'ANSWEREDTIME', String(Math.floor(answeredMs / 1000)));
    world.varSet(caller, 'ANSWEREDTIME_MS', String(answeredMs));
    world.varSet(caller, 'DIALEDTIME', String(Math.floor(dialedMs / 1000)));
    world.varSet(caller, 'DIALEDTIME_MS', String(dialedMs));
  }

  /** The customer hung up on the agent (02, 10, 15). */
  callerHungUp(): void {
    const { world, caller } = this;
    const agent = this.agent;
    const bridge = this.bridge;
    if (!agent || !bridge) return;
    this.#state = 'done';
    world.rtpQos(caller, agent.leg);
    world.endRequest(caller);
    this.#complete('caller');
    world.clearBridgePeers([caller, agent.leg]);
    world.bridgeLeave(bridge, caller);
    this.#callerTimes();
    world.bridgeLeave(bridge, agent.leg);
    world.softHangupRequest(caller, 16);
    world.destroyBridge(bridge);
    world.rtpQos(agent.leg);
    world.closeCdr(agent.cdr);
    world.destroyChannel(agent.leg, 16, { hangupSource: caller.name });
    world.destroyChannel(caller, world.endCause(caller, 16), { hangupSource: caller.name, dialStatus: 'ANSWER' });
  }

  /** The operator hung up: Queue() returns and the caller's dialplan goes on (`Hangup()`). */
  agentHungUp(): void {
    const { world, caller } = this;
    const agent = this.agent;
    const bridge = this.bridge;
    if (!agent || !bridge) return;
    this.#state = 'done';
    world.rtpQos(agent.leg, caller);
    world.endRequest(agent.leg);
    this.#complete('agent');
    world.clearBridgePeers([agent.leg, caller]);
    world.bridgeLeave(bridge, agent.leg);
    world.closeCdr(agent.cdr);
    world.destroyChannel(agent.leg, world.endCause(agent.leg, 16), { hangupSource: agent.leg.name });
    world.bridgeLeave(bridge, caller);
    world.destroyBridge(bridge);
    this.#callerTimes();
    this.options.afterQueue(caller);
  }

  /** Asterisk is shutting down with the call up (16: SoftHangupRequest Cause 4 on both). */
  shutdown(): void {
    const { world, caller } = this;
    if (this.#state === 'waiting') {
      this.#state = 'done';
      world.softHangupRequest(caller, 4);
      for (const o of this.#legs.values()) {
        world.closeCdr(o.cdr);
        world.destroyChannel(o.leg, 16);
      }
      this.#legs.clear();
      world.stopMoh(caller);
      this.#leaveQueue();
      world.destroyChannel(caller, 16);
      return;
    }
    const agent = this.agent;
    const bridge = this.bridge;
    if (this.#state !== 'connected' || !agent || !bridge) return;
    this.#state = 'done';
    world.softHangupRequest(agent.leg, 4);
    world.softHangupRequest(caller, 4);
    world.clearBridgePeers([agent.leg, caller]);
    this.#complete('agent');
    world.bridgeLeave(bridge, caller);
    this.#callerTimes();
    world.softHangupRequest(caller, 16);
    world.bridgeLeave(bridge, agent.leg);
    world.destroyBridge(bridge);
    world.rtpQos(caller);
    world.closeCdr(agent.cdr);
    world.destroyChannel(caller, 16, { hangupSource: caller.name, dialStatus: 'ANSWER', cdrsBefore: true });
    world.rtpQos(agent.leg);
    world.destroyChannel(agent.leg, 16, { hangupSource: caller.name });
  }

  /** The control API answers a ringing member leg of this call. */
  answerLeg(leg: Channel): boolean {
    return answerLeg(this.world, leg);
  }

  /** Ends the queue part for a transfer; the caller (transferee) is handed to someone else. */
  completeForTransfer(): MemberLeg | undefined {
    const agent = this.agent;
    this.#complete('transfer');
    this.#state = 'done';
    return agent;
  }
}
