/**
 * A small script language for AMI event sequences, for engine tests of situations the
 * recordings do not show (ring-no-answer, direct dial, internal calls, lost connections). The
 * messages have the header layout of the recorded ones (channel snapshot blocks, `Dest…`
 * prefixes, `DialBegin` without a caller for an originated leg), so the engine reads them
 * exactly as it reads Asterisk's.
 */
import { AmiMessage } from '@callgate/ami';
import type { CallRecord, DomainEvent, SiteConfig } from '@callgate/contracts';
import { createEngineState, engineConfig, step, type EngineInput, type EngineState } from '../../src/engine/index.js';

const STATE_DESC: Record<number, string> = { 0: 'Down', 4: 'Ring', 5: 'Ringing', 6: 'Up', 7: 'Busy' };

export interface Leg {
  name: string;
  uniqueid: string;
  linkedid: string;
  state: number;
  callerIdNum: string;
  exten: string;
  context: string;
}

type Fields = Array<[string, string]>;

function block(leg: Leg, prefix = ''): Fields {
  return [
    [`${prefix}Channel`, leg.name],
    [`${prefix}ChannelState`, String(leg.state)],
    [`${prefix}ChannelStateDesc`, STATE_DESC[leg.state] ?? 'Unknown'],
    [`${prefix}CallerIDNum`, leg.callerIdNum],
    [`${prefix}CallerIDName`, '<unknown>'],
    [`${prefix}ConnectedLineNum`, '<unknown>'],
    [`${prefix}ConnectedLineName`, '<unknown>'],
    [`${prefix}Language`, 'en'],
    [`${prefix}AccountCode`, ''],
    [`${prefix}Context`, leg.context],
    [`${prefix}Exten`, leg.exten],
    [`${prefix}Priority`, '1'],
    [`${prefix}Uniqueid`, leg.uniqueid],
    [`${prefix}Linkedid`, leg.linkedid],
  ];
}

export class AmiScript {
  /** Epoch ms of t = 0. */
  readonly base: number;
  readonly inputs: Array<{ at: number; input: EngineInput }> = [];
  #t = 0;
  #seq = 0;
  readonly #prefix: string;

  constructor(options: { base?: number; prefix?: string } = {}) {
    this.base = options.base ?? Date.parse('2030-01-01T10:00:00Z');
    this.#prefix = options.prefix ?? '1900000000';
  }

  /** Moves the clock to `t` ms after the start. */
  at(t: number): this {
    this.#t = t;
    return this;
  }

  get t(): number {
    return this.#t;
  }

  /** A new leg: `PJSIP/1001` → `PJSIP/1001-0000000a`, Uniqueid `<prefix>.<n>`. */
  leg(
    device: string,
    options: { linkedid?: string; callerIdNum?: string; exten?: string; context?: string; state?: number } = {},
  ): Leg {
    const n = this.#seq++;
    const uniqueid = `${this.#prefix}.${n}`;
    const local = device.startsWith('Local/');
    const name = local ? device : `${device}-${n.toString(16).padStart(8, '0')}`;
    return {
      name,
      uniqueid,
      linkedid: options.linkedid ?? uniqueid,
      state: options.state ?? 0,
      callerIdNum: options.callerIdNum ?? device.split('/')[1] ?? '',
      exten: options.exten ?? 's',
      context: options.context ?? 'internal',
    };
  }

  raw(event: string, fields: Fields): this {
    this.inputs.push({
      at: this.#t,
      input: {
        type: 'ami-event',
        message: AmiMessage.fromHeaders([['Event', event], ['Privilege', 'call,all'], ...fields]),
      },
    });
    return this;
  }

  input(input: EngineInput): this {
    this.inputs.push({ at: this.#t, input });
    return this;
  }

  newchannel(leg: Leg): this {
    return this.raw('Newchannel', block(leg));
  }
  newstate(leg: Leg, state: number): this {
    leg.state = state;
    return this.raw('Newstate', block(leg));
  }
  dialBegin(caller: Leg | undefined, dest: Leg, dialString: string): this {
    return this.raw('DialBegin', [
      ...(caller ? block(caller) : []),
      ...block(dest, 'Dest'),
      ['DialString', dialString],
    ]);
  }
  dialState(caller: Leg | undefined, dest: Leg, status = 'RINGING'): this {
    return this.raw('DialState', [...(caller ? block(caller) : []), ...block(dest, 'Dest'), ['DialStatus', status]]);
  }
  dialEnd(caller: Leg | undefined, dest: Leg, status: string): this {
    return this.raw('DialEnd', [...(caller ? block(caller) : []), ...block(dest, 'Dest'), ['DialStatus', status]]);
  }
  /** DialBegin + Newstate Ringing + DialState RINGING, as Asterisk sends them for a ringing leg. */
  ring(caller: Leg | undefined, dest: Leg, dialString: string): this {
    this.newchannel(dest).dialBegin(caller, dest, dialString);
    return this.newstate(dest, 5).dialState(caller, dest);
  }
  answer(caller: Leg | undefined, dest: Leg): this {
    return this.newstate(dest, 6).dialEnd(caller, dest, 'ANSWER');
  }
  bridge(id: string, ...legs: Leg[]): this {
    this.raw('BridgeCreate', [
      ['BridgeUniqueid', id],
      ['BridgeType', 'basic'],
    ]);
    for (const leg of legs) this.enter(id, leg);
    return this;
  }
  enter(id: string, leg: Leg): this {
    return this.raw('BridgeEnter', [['BridgeUniqueid', id], ['BridgeType', 'basic'], ...block(leg)]);
  }
  leave(id: string, leg: Leg): this {
    return this.raw('BridgeLeave', [['BridgeUniqueid', id], ['BridgeType', 'basic'], ...block(leg)]);
  }
  hangupRequest(leg: Leg, cause?: number): this {
    return this.raw('HangupRequest', [
      ...block(leg),
      ...(cause === undefined ? [] : ([['Cause', String(cause)]] as Fields)),
    ]);
  }
  softHangup(leg: Leg, cause: number): this {
    return this.raw('SoftHangupRequest', [...block(leg), ['Cause', String(cause)]]);
  }
  hangup(leg: Leg, cause = 16, text = 'Normal Clearing'): this {
    return this.raw('Hangup', [...block(leg), ['Cause', String(cause)], ['Cause-txt', text]]);
  }
  queueJoin(leg: Leg, queue: string): this {
    return this.raw('QueueCallerJoin', [...block(leg), ['Queue', queue], ['Position', '1'], ['Count', '1']]);
  }
  queueLeave(leg: Leg, queue: string): this {
    return this.raw('QueueCallerLeave', [...block(leg), ['Queue', queue], ['Position', '1'], ['Count', '0']]);
  }
  abandon(leg: Leg, queue: string, holdTime: number): this {
    return this.raw('QueueCallerAbandon', [
      ...block(leg),
      ['Queue', queue],
      ['Position', '1'],
      ['OriginalPosition', '1'],
      ['HoldTime', String(holdTime)],
    ]);
  }
  agentRingNoAnswer(customer: Leg, member: Leg, queue: string, iface: string, ringMs: number): this {
    return this.raw('AgentRingNoAnswer', [
      ...block(customer),
      ...block(member, 'Dest'),
      ['Queue', queue],
      ['Interface', iface],
      ['MemberName', iface],
      ['RingTime', String(ringMs)],
    ]);
  }
  hold(leg: Leg): this {
    return this.raw('Hold', [...block(leg), ['MusicClass', 'default']]);
  }
  unhold(leg: Leg): this {
    return this.raw('Unhold', block(leg));
  }
  varSet(leg: Leg, variable: string, value: string): this {
    return this.raw('VarSet', [...block(leg), ['Variable', variable], ['Value', value]]);
  }
  originateResponse(actionId: string, success: boolean, leg: Leg | undefined, reason: number): this {
    return this.raw('OriginateResponse', [
      ['ActionID', actionId],
      ['Response', success ? 'Success' : 'Failure'],
      ['Channel', leg?.name ?? 'PJSIP/1099'],
      ['Context', 'outbound'],
      ['Exten', '79990000001'],
      ['Application', ''],
      ['Data', ''],
      ['Reason', String(reason)],
      ['Uniqueid', leg?.uniqueid ?? '<unknown>'],
      ['CallerIDNum', '79990000001'],
      ['CallerIDName', '<unknown>'],
    ]);
  }

  /** A `CoreShowChannels` list item for `leg` as it is now (recording 15's layout). */
  coreShowChannel(
    leg: Leg,
    options: { application: string; applicationData?: string; duration: string; bridgeId?: string },
  ): AmiMessage {
    return AmiMessage.fromHeaders([
      ['Event', 'CoreShowChannel'],
      ['ActionID', 'resync'],
      ...block(leg),
      ['Application', options.application],
      ['ApplicationData', options.applicationData ?? ''],
      ['Duration', options.duration],
      ['BridgeId', options.bridgeId ?? ''],
    ]);
  }

  /** Runs every input through a fresh engine (or `state`). */
  run(site: SiteConfig, state?: EngineState): { records: CallRecord[]; events: DomainEvent[]; state: EngineState } {
    const s = state ?? createEngineState(engineConfig(site), this.base, { amiConnected: true });
    const events: DomainEvent[] = [];
    for (const { at, input } of this.inputs) events.push(...step(s, input, this.base + at).events);
    const records = events.flatMap((e) => (e.type === 'call.ended' ? [e.record] : []));
    return { records, events, state: s };
  }
}

/** Seconds between two ISO times of a record. */
export function secondsBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 1000;
}
