/**
 * Properties of the engine over the recordings (fast-check): the records do not depend on how
 * the byte stream was cut into reads, nor on unrelated events interleaved with the call's own
 * (RTCPSent, VarSet of other variables, CEL, Cdr, device states, unknown events, and the
 * events of another call), and a gateway (re)started at any moment of a call records it once,
 * as the call it is.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AmiMessage, decodeTrace, type TraceLine } from '@callgate/ami';
import { domainEventValidator, type CallRecord } from '@callgate/contracts';
import {
  createEngineState,
  engineConfig,
  replayTrace,
  step,
  traceInputs,
  type EngineInput,
  type EngineState,
} from '../../src/engine/index.js';
import { CHANSIP, loadSite, loadTrace, PJSIP } from './support.js';

const WITH_CALLS = [
  [PJSIP, '02-inbound-queue-answered-customer-hangup'],
  [PJSIP, '04-inbound-queue-abandoned'],
  [PJSIP, '06-click-to-call-answered'],
  [PJSIP, '07-click-to-call-busy'],
  [PJSIP, '09-originate-failure'],
  [PJSIP, '10-hold-unhold'],
  [PJSIP, '11-blind-transfer'],
  [PJSIP, '12-attended-transfer'],
  [PJSIP, '15-channel-snapshot-mid-call'],
  [PJSIP, '16-ami-restart'],
  [CHANSIP, '02-inbound-queue-answered-customer-hangup'],
  [CHANSIP, '06-click-to-call-answered'],
  [CHANSIP, '16-ami-restart'],
] as const;

/** Inbound calls on one connection: their events can be mixed into another recording's stream. */
const OTHER_CALLS = [
  '02-inbound-queue-answered-customer-hangup',
  '04-inbound-queue-abandoned',
  '10-hold-unhold',
  '11-blind-transfer',
  '12-attended-transfer',
] as const;

const site = { [PJSIP]: loadSite(PJSIP), [CHANSIP]: loadSite(CHANSIP) };
const traces = new Map<string, TraceLine[]>();
function trace(version: string, scenario: string): TraceLine[] {
  const key = `${version}/${scenario}`;
  let lines = traces.get(key);
  if (!lines) {
    lines = loadTrace(version, scenario);
    traces.set(key, lines);
  }
  return lines;
}

function records(version: keyof typeof site, lines: TraceLine[], split?: (b: Buffer) => Buffer[]): CallRecord[] {
  return replayTrace(lines, site[version], split ? { baseEpochMs: 0, split } : { baseEpochMs: 0 }).records;
}

const baselines = new Map<string, CallRecord[]>();
function baseline(version: keyof typeof site, scenario: string): CallRecord[] {
  const key = `${version}/${scenario}`;
  let r = baselines.get(key);
  if (!r) {
    r = records(version, trace(version, scenario));
    baselines.set(key, r);
  }
  return r;
}

/** Consecutive lines of the same connection, direction and time, joined into one read. */
function mergeSameTime(lines: TraceLine[], joins: boolean[]): TraceLine[] {
  const out: TraceLine[] = [];
  lines.forEach((line, i) => {
    const last = out.at(-1);
    if (last && joins[i % joins.length] && last.conn === line.conn && last.dir === line.dir && last.t === line.t) {
      out[out.length - 1] = { ...last, raw: last.raw + line.raw };
    } else out.push({ ...line });
  });
  return out;
}

function serialize(msg: AmiMessage): string {
  return `${msg
    .headers()
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}

/** Renames a call's identities so it is another call: Uniqueids, channel names, bridges. */
function renamed(msg: AmiMessage): AmiMessage {
  return AmiMessage.fromHeaders(
    msg.headers().map(([k, v]): [string, string] => {
      if (/(uniqueid|linkedid)$/i.test(k) && !/bridge/i.test(k))
        return [k, v === '' || v === '<unknown>' ? v : `b${v}`];
      if (/bridgeuniqueid$/i.test(k) || k === 'BridgeId') return [k, v === '' ? v : `b-${v}`];
      if (/channel$/i.test(k))
        return [
          k,
          v.replace(
            /-([0-9a-f])([0-9a-f]{7})(;[12])?$/,
            (_m, _a: string, rest: string, half?: string) => `-b${rest}${half ?? ''}`,
          ),
        ];
      return [k, v];
    }),
  );
}

function otherCallMessages(scenario: string): Array<{ t: number; raw: string }> {
  const out: Array<{ t: number; raw: string }> = [];
  for (const item of decodeTrace(trace(PJSIP, scenario))) {
    if (item.dir !== 'in' || !('message' in item) || item.message.kind !== 'event') continue;
    if (item.message.event === 'FullyBooted' || item.message.event === 'SuccessfulAuth') continue;
    out.push({ t: item.t, raw: serialize(renamed(item.message)) });
  }
  return out;
}

const noise = fc.oneof(
  fc
    .constantFrom('BRIDGEPEER', 'DIALSTATUS', 'RTPAUDIOQOS', 'QUEUEPOSITION', 'CRM_TICKET', 'SIPCALLID')
    .map(
      (v) => (ch: { name: string; uniqueid: string }) =>
        `Event: VarSet\r\nPrivilege: dialplan,all\r\nChannel: ${ch.name}\r\nChannelState: 6\r\nChannelStateDesc: Up\r\nUniqueid: ${ch.uniqueid}\r\nLinkedid: ${ch.uniqueid}\r\nVariable: ${v}\r\nValue: x\r\n\r\n`,
    ),
  fc
    .constantFrom('CHAN_START', 'ANSWER', 'BRIDGE_ENTER', 'HANGUP', 'LINKEDID_END')
    .map(
      (e) => (ch: { name: string; uniqueid: string }) =>
        `Event: CEL\r\nPrivilege: call,all\r\nEventName: ${e}\r\nChannel: ${ch.name}\r\nUniqueID: ${ch.uniqueid}\r\nLinkedID: ${ch.uniqueid}\r\n\r\n`,
    ),
  fc.constant(
    (ch: { name: string; uniqueid: string }) =>
      `Event: RTCPSent\r\nPrivilege: reporting,all\r\nChannel: ${ch.name}\r\nUniqueid: ${ch.uniqueid}\r\nSSRC: 0x1\r\nPT: 200(SR)\r\n\r\n`,
  ),
  fc
    .constantFrom('PJSIP/pstn', 'Queue:support_avail', 'Queue:support')
    .map((d) => () => `Event: DeviceStateChange\r\nPrivilege: call,all\r\nDevice: ${d}\r\nState: INUSE\r\n\r\n`),
  fc.constant(
    (ch: { name: string; uniqueid: string }) =>
      `Event: Cdr\r\nPrivilege: cdr,all\r\nChannel: ${ch.name}\r\nUniqueID: ${ch.uniqueid}\r\nDisposition: ANSWERED\r\n\r\n`,
  ),
  fc.constant(() => 'Event: SomethingNewInAsterisk23\r\nPrivilege: call,all\r\nFoo: bar\r\n\r\n'),
);

function channelsOf(lines: TraceLine[]): Array<{ name: string; uniqueid: string }> {
  const out: Array<{ name: string; uniqueid: string }> = [{ name: 'PJSIP/pstn-0000ffff', uniqueid: '1.999' }];
  for (const item of decodeTrace(lines)) {
    if ('message' in item && item.message.event === 'Newchannel') {
      out.push({ name: item.message.get('Channel') ?? '', uniqueid: item.message.get('Uniqueid') ?? '' });
    }
  }
  return out;
}

/** A record without its ids (a renamed call has other ids, everything else the same). */
function withoutIds(record: CallRecord): Omit<CallRecord, 'callId' | 'recordId'> {
  const { callId: _callId, recordId: _recordId, ...rest } = record;
  return rest;
}

/** What `CoreShowChannels` would list at this moment, from an engine that saw everything. */
function coreShowChannels(state: EngineState, now: number): AmiMessage[] {
  const hms = (ms: number): string => {
    const s = Math.max(0, Math.floor(ms / 1000));
    const two = (n: number): string => String(n).padStart(2, '0');
    return `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
  };
  // Asterisk lists channels by name (recording 15).
  return [...state.channels.values()]
    .filter((ch) => !ch.hungUp)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((ch) => {
      const call = state.calls.get(ch.callKey);
      const queue = call?.queue ?? null;
      const inQueue = call?.customerLeg === ch.uniqueid && queue !== null;
      return AmiMessage.fromHeaders([
        ['Event', 'CoreShowChannel'],
        ['ActionID', 'resync'],
        ['Channel', ch.name],
        ['ChannelState', String(ch.state)],
        ['CallerIDNum', ch.callerIdNum],
        ['CallerIDName', ch.callerIdName],
        ['Context', ''],
        ['Exten', ch.firstExten],
        ['Uniqueid', ch.uniqueid],
        ['Linkedid', ch.callKey],
        ['Application', inQueue ? 'Queue' : ''],
        ['ApplicationData', inQueue ? `${queue},tT` : ''],
        ['Duration', hms(now - ch.createdAt)],
        ['BridgeId', ch.bridgeId ?? ''],
      ]);
    });
}

describe('engine properties', () => {
  it('a gateway started at any moment of a call records it once, as the call it is', () => {
    // Not 09 (channel-less failures) and 16 (Asterisk restarts: its own resyncs).
    const scenarios = WITH_CALLS.filter(([, s]) => !s.startsWith('09') && !s.startsWith('16'));
    fc.assert(
      fc.property(
        fc.constantFrom(...scenarios),
        fc.double({ min: 0, max: 1, noNaN: true }),
        ([version, scenario], cut) => {
          const cfg = engineConfig(site[version]);
          const inputs = [...traceInputs(trace(version, scenario), site[version])];
          const at = Math.floor(cut * inputs.length);
          const watcher = createEngineState(cfg, 0, { amiConnected: true });
          const seen: CallRecord[] = [];
          const late = createEngineState(cfg, 0);
          const fromCut: CallRecord[] = [];
          const run = (state: EngineState, input: EngineInput, t: number, into: CallRecord[]): void => {
            for (const e of step(state, input, t).events) {
              assert.ok(domainEventValidator.check(e), JSON.stringify(e));
              if (e.type === 'call.ended') into.push(e.record);
            }
          };
          inputs.forEach(({ at: t, input }, i) => {
            if (i === at) run(late, { type: 'ami-resync', channels: coreShowChannels(watcher, t) }, t, fromCut);
            run(watcher, input, t, seen);
            // A gateway starting now knows nothing of click-to-calls asked for before it.
            if (i >= at) run(late, input, t, fromCut);
          });
          const ids = fromCut.map((r) => r.callId);
          assert.equal(new Set(ids).size, ids.length, `a call recorded twice: ${ids.join(', ')}`);
          for (const r of fromCut) {
            // A click-to-call whose id variable came before the cut has the derived id instead.
            const same =
              seen.find((w) => w.callId === r.callId) ??
              seen.find((w) => w.direction === r.direction && w.customerNumber === r.customerNumber);
            assert.ok(same, `${r.callId} is a call the full stream recorded`);
            assert.deepEqual(
              [r.direction, r.customerNumber, r.line],
              [same.direction, same.customerNumber, same.line],
              `${scenario} cut at ${at}: ${r.callId}`,
            );
            // Cut while the customer is already out of the bridge, nobody is seen talking: the
            // record may miss the answer, but never invents one.
            if (r.outcome === 'answered') assert.equal(same.outcome, 'answered');
            if (r.incomplete && r.queue !== null) assert.equal(r.queue, same.queue);
            // The operators who talked after the cut are the last ones who talked.
            const ops = r.segments.map((x) => x.operatorId);
            assert.deepEqual(
              ops,
              same.segments.slice(same.segments.length - ops.length).map((x) => x.operatorId),
            );
          }
          assert.ok(fromCut.length <= seen.length);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('gives the same records however the byte stream is cut into reads', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...WITH_CALLS),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
        ([version, scenario], sizes, joins) => {
          const split = (bytes: Buffer): Buffer[] => {
            const parts: Buffer[] = [];
            let at = 0;
            for (let i = 0; at < bytes.length; i++) {
              const n = sizes[i % sizes.length] as number;
              parts.push(bytes.subarray(at, at + n));
              at += n;
            }
            return parts;
          };
          const lines = mergeSameTime(trace(version, scenario), joins);
          assert.deepEqual(records(version, lines, split), baseline(version, scenario));
        },
      ),
      { numRuns: 80 },
    );
  });

  it("gives the same records with unrelated events and another call's events mixed in", () => {
    fc.assert(
      fc.property(
        // Not 15 and 16: their CoreShowChannels snapshots speak for every channel Asterisk has,
        // and the mixed-in call (which Asterisk never had) is rightly closed by them.
        fc.constantFrom(...WITH_CALLS.filter(([v, s]) => v === PJSIP && !s.startsWith('15') && !s.startsWith('16'))),
        fc.constantFrom(...OTHER_CALLS),
        fc.array(fc.tuple(fc.nat({ max: 3 }), noise, fc.nat()), { minLength: 0, maxLength: 300 }),
        ([version, scenario], other, mix) => {
          const own = trace(version, scenario);
          const ownChannels = channelsOf(own);
          const foreign = otherCallMessages(other);
          const merged: TraceLine[] = [];
          let i = 0;
          let j = 0;
          let lastT = 0;
          const conn = own.find((l) => l.dir === 'in')?.conn ?? 1;
          // Each step: 0 = the recording's next line, 1 = the other call's next event, 2-3 = noise.
          for (const [pick, make, which] of mix) {
            if (pick === 0 && i < own.length) {
              const line = own[i++] as TraceLine;
              lastT = line.t;
              merged.push(line);
            } else if (pick === 1 && j < foreign.length) {
              const m = foreign[j++] as { t: number; raw: string };
              merged.push({ t: m.t, dir: 'in', raw: m.raw, conn });
            } else if (i > 0) {
              // Noise only after the banner (the stream begins with it).
              const ch = ownChannels[which % ownChannels.length] as { name: string; uniqueid: string };
              merged.push({ t: lastT, dir: 'in', raw: make(ch), conn });
            }
          }
          while (i < own.length) merged.push(own[i++] as TraceLine);
          while (j < foreign.length) {
            const m = foreign[j++] as { t: number; raw: string };
            merged.push({ t: m.t, dir: 'in', raw: m.raw, conn });
          }
          const got = records(version, merged);
          const mine = new Set(baseline(version, scenario).map((r) => r.callId));
          assert.deepEqual(
            got.filter((r) => mine.has(r.callId)),
            baseline(version, scenario),
            'the recording’s own records',
          );
          assert.deepEqual(
            got.filter((r) => !mine.has(r.callId)).map(withoutIds),
            baseline(PJSIP, other).map(withoutIds),
            'the other call’s records',
          );
        },
      ),
      { numRuns: 80 },
    );
  });

  it('never throws on arbitrary AMI events, and everything it emits is a valid domain event', () => {
    const names = [
      'Newchannel',
      'Newstate',
      'NewCallerid',
      'Hangup',
      'HangupRequest',
      'DialBegin',
      'DialState',
      'DialEnd',
      'BridgeCreate',
      'BridgeDestroy',
      'BridgeEnter',
      'BridgeLeave',
      'BridgeMerge',
      'QueueCallerJoin',
      'QueueCallerLeave',
      'QueueCallerAbandon',
      'AgentRingNoAnswer',
      'AgentComplete',
      'Hold',
      'Unhold',
      'BlindTransfer',
      'AttendedTransfer',
      'OriginateResponse',
      'VarSet',
      'QueueMemberStatus',
      'QueueMemberPause',
      'QueueMemberRemoved',
      'PeerStatus',
      'ContactStatus',
      'DeviceStateChange',
      'Whatever',
    ];
    const keys = [
      'Channel',
      'Uniqueid',
      'Linkedid',
      'ChannelState',
      'CallerIDNum',
      'Exten',
      'DestChannel',
      'DestUniqueid',
      'DestLinkedid',
      'DestChannelState',
      'DialString',
      'DialStatus',
      'BridgeUniqueid',
      'ToBridgeUniqueid',
      'FromBridgeUniqueid',
      'Queue',
      'Cause',
      'Cause-txt',
      'Variable',
      'Value',
      'Interface',
      'Status',
      'Paused',
      'PausedReason',
      'Device',
      'State',
      'Peer',
      'PeerStatus',
      'ActionID',
      'Response',
      'Reason',
      'Result',
      'TransfererChannel',
      'TransfererUniqueid',
      'TransfereeUniqueid',
      'TransfereeChannel',
      'Extension',
      'OrigTransfererUniqueid',
      'OrigTransfererChannel',
      'Duration',
    ];
    // Values from a small pool, so that the same ids, channels and bridges come back.
    const value = fc.oneof(
      fc.constantFrom('1.1', '1.2', '1.3', '2.1', 'PJSIP/1001-00000001', 'PJSIP/1002-00000002', 'PJSIP/pstn-00000003'),
      fc.constantFrom('Local/1002@internal-00000000;1', 'Local/1002@internal-00000000;2', 'b1', 'b2', 'support'),
      fc.constantFrom('0', '4', '5', '6', '16', '26', 'ANSWER', 'CANCEL', 'BUSY', 'Success', 'Failure', 'transfer'),
      fc.constantFrom('CALLGATE_CALL_ID', '__CALLGATE_CRM_REF', 'MIXMONITOR_FILENAME', 'PJSIP/1001', 'SIP/1002'),
      fc.constantFrom('UNAVAILABLE', 'NOT_INUSE', 'Unreachable', 'Registered', '<unknown>', ''),
      fc.string({ maxLength: 12 }),
    );
    const message = fc.tuple(
      fc.constantFrom(...names),
      fc.array(fc.tuple(fc.constantFrom(...keys), value), { maxLength: 14 }),
    );
    const input = fc.oneof(
      {
        weight: 12,
        arbitrary: message.map(([event, headers]) => ({
          type: 'ami-event' as const,
          message: AmiMessage.fromHeaders([['Event', event], ...headers]),
        })),
      },
      { weight: 1, arbitrary: fc.constant({ type: 'ami-disconnected' as const }) },
      {
        weight: 1,
        arbitrary: fc.array(message, { maxLength: 3 }).map((items) => ({
          type: 'ami-resync' as const,
          channels: items.map(([, headers]) => AmiMessage.fromHeaders([['Event', 'CoreShowChannel'], ...headers])),
        })),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom('1.1', '1.2', 'cc-x').map((callId) => ({
          type: 'originate-requested' as const,
          callId,
          operatorId: 'op-1001',
          customerNumber: '+79990000001',
          crmRef: null,
          actionId: callId,
        })),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom('1.1', 'cc-x')
          .map((actionId) => ({ type: 'originate-failed' as const, actionId, reason: 'x' })),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom('1.1', 'cc-x')
          .map((callId) => ({ type: 'hangup-requested' as const, callId, operatorId: 'op-1001' })),
      },
    );
    fc.assert(
      fc.property(fc.array(input, { maxLength: 120 }), (inputs) => {
        const state = createEngineState(engineConfig(site[PJSIP]), 0, { amiConnected: true });
        inputs.forEach((inp, i) => {
          for (const event of step(state, inp, i * 10).events) {
            assert.ok(domainEventValidator.check(event), JSON.stringify(event));
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});
