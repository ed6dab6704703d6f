/**
 * Every recording of real Asterisk in fixtures/ami, replayed the way `callgate replay` does
 * (`replayTraceFile` + `replayOutputLines`, the code the command runs), against records written
 * by hand from the recordings and their READMEs. Times below are the trace's `t` in ms; the
 * reasoning for each value is next to it. Durations are compared within 0.5 s; outcome,
 * hangupBy, segments and offers exactly.
 *
 * Conventions these expectations follow (docs/call-record.md):
 * - startedAt: the customer leg's Newchannel (inbound) or the moment the click-to-call was
 *   requested (the Originate action); endedAt: the customer leg's Hangup;
 * - waitSeconds: QueueCallerJoin → QueueCallerLeave; ringSeconds: the answering operator's
 *   DialBegin → answer (inbound), the customer leg's DialBegin → answer or end of dialling
 *   (outbound);
 * - a segment runs from the moment the operator is bridged to the customer until they are not;
 *   talkSeconds = segment time − hold; holdSeconds from Hold to Unhold on the operator's leg;
 * - hangupBy: whose leg got the HangupRequest (the side that sent BYE); only SoftHangupRequests
 *   (Asterisk itself) means "system".
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { CallRecord } from '@callgate/contracts';
import { callRecordValidator } from '@callgate/contracts';
import { callIdForLinkedid } from '../../src/engine/index.js';
import { replayOutputLines, replayTraceFile } from '../../src/telephony/trace-replay.js';
import { assertRecord, CHANSIP, listRecordings, PJSIP, sitePath, tracePath, type ExpectedRecord } from './support.js';

/**
 * A call the gateway did not start has the call id derived from its Linkedid (the Uniqueid of
 * its first channel, here the customer's) and the site: operators never see a Uniqueid.
 */
const linked = (version: string, linkedid: string): string =>
  callIdForLinkedid(version === CHANSIP ? 'lab-20' : 'lab-22', linkedid);

const NORMAL = { code: 16, text: 'Normal Clearing' };
const UNKNOWN = { code: 0, text: 'Unknown' };

/** The ringall pair of the support queue: 1002 cancelled when 1001 answers after ~2 s. */
const supportOffers = (ring1002: number, ring1001: number): ExpectedRecord['offers'] => [
  { operatorId: 'op-1002', extension: '1002', ringSeconds: ring1002, result: 'cancelled' },
  { operatorId: 'op-1001', extension: '1001', ringSeconds: ring1001, result: 'answered' },
];

const inbound = {
  direction: 'inbound' as const,
  line: '74950000000',
  queue: 'support',
  crmRef: null,
  incomplete: false,
};

const clickToCall = {
  direction: 'outbound' as const,
  line: null,
  queue: null,
  waitSeconds: 0,
  crmRef: null,
  incomplete: false,
};

/** A click-to-call Asterisk refused or failed before any channel existed (09). */
const failedOriginate = (callId: string, requested: number, failed: number): ExpectedRecord => ({
  ...clickToCall,
  callId,
  customerNumber: '+79990000001',
  startedAt: requested,
  answeredAt: null,
  endedAt: failed,
  ringSeconds: 0,
  talkSeconds: 0,
  holdSeconds: 0,
  durationSeconds: (failed - requested) / 1000,
  outcome: 'failed',
  hangupBy: 'system',
  // OriginateResponse Reason 0 / Response: Error: Asterisk gives no cause at all.
  hangupCause: UNKNOWN,
  segments: [],
  offers: [],
});

const EXPECTED: Record<string, ExpectedRecord[]> = {
  // Customer 79161234567 (Cyrillic name) calls 74950000000; Newchannel t=670, Answer() and
  // QueueCallerJoin support t=1174. ringall: 1002 DialBegin 1183, 1001 DialBegin 1185.
  // 1001 Newstate Up 3196 (ring 2.0), 1002 DialEnd CANCEL 3198 (ring 2.0), QueueCallerLeave
  // 3200 (wait 2.0, AgentConnect HoldTime 2 agrees), bridged 3202. The customer's leg gets
  // the HangupRequest at 8180 (their BYE): hangupBy customer; Hangup 8184 Cause 16.
  // Talk 3202 → 8184 = 5.0 (AgentComplete TalkTime 5). Duration 670 → 8184 = 7.5.
  [`${PJSIP}/02-inbound-queue-answered-customer-hangup`]: [
    {
      ...inbound,
      callId: linked(PJSIP, '1795795616.0'),
      customerNumber: '+79161234567',
      startedAt: 670,
      answeredAt: 3202,
      endedAt: 8184,
      waitSeconds: 2.0,
      ringSeconds: 2.0,
      talkSeconds: 5.0,
      holdSeconds: 0,
      durationSeconds: 7.5,
      outcome: 'answered',
      hangupBy: 'customer',
      hangupCause: NORMAL,
      segments: [
        {
          operatorId: 'op-1001',
          extension: '1001',
          answeredAt: 3202,
          endedAt: 8184,
          talkSeconds: 5.0,
          holdSeconds: 0,
          endedBy: 'hangup',
        },
      ],
      offers: supportOffers(2.0, 2.0),
    },
  ],
  // The same call on chan_sip: Newchannel 658 (Down, then Ring, then Up), join 1162, 1002
  // DialBegin 1165, 1001 DialBegin 1166, 1001 Up 3175, leave 3177, bridged 3179; customer
  // HangupRequest 8170, Hangup 8171. Wait 2.0, ring 2.0, talk 5.0, duration 7.5.
  [`${CHANSIP}/02-inbound-queue-answered-customer-hangup`]: [
    {
      ...inbound,
      callId: linked(CHANSIP, '1795797591.0'),
      customerNumber: '+79161234567',
      startedAt: 658,
      answeredAt: 3179,
      endedAt: 8171,
      waitSeconds: 2.0,
      ringSeconds: 2.0,
      talkSeconds: 5.0,
      holdSeconds: 0,
      durationSeconds: 7.5,
      outcome: 'answered',
      hangupBy: 'customer',
      hangupCause: NORMAL,
      segments: [
        {
          operatorId: 'op-1001',
          extension: '1001',
          answeredAt: 3179,
          endedAt: 8171,
          talkSeconds: 5.0,
          holdSeconds: 0,
          endedBy: 'hangup',
        },
      ],
      offers: supportOffers(2.0, 2.0),
    },
  ],
  // Newchannel 668, join 1171; 1002 and 1001 ring from 1175/1177. The customer hangs up:
  // HangupRequest on their leg 4677, DialEnd CANCEL for both members (each twice), then
  // QueueCallerAbandon (HoldTime 3) and Leave at 4678, Hangup 4680 with Cause 0 "Unknown"
  // (Asterisk's own value on abandon, README). Wait 1171 → 4678 = 3.5; nobody answered so
  // ring 0; both offers rang 3.5 s and were cancelled by the caller leaving.
  [`${PJSIP}/04-inbound-queue-abandoned`]: [
    {
      ...inbound,
      callId: linked(PJSIP, '1795795654.6'),
      customerNumber: '+79165550101',
      startedAt: 668,
      answeredAt: null,
      endedAt: 4680,
      waitSeconds: 3.5,
      ringSeconds: 0,
      talkSeconds: 0,
      holdSeconds: 0,
      durationSeconds: 4.0,
      outcome: 'abandoned',
      hangupBy: 'customer',
      hangupCause: UNKNOWN,
      segments: [],
      offers: [
        { operatorId: 'op-1002', extension: '1002', ringSeconds: 3.5, result: 'cancelled' },
        { operatorId: 'op-1001', extension: '1001', ringSeconds: 3.5, result: 'cancelled' },
      ],
    },
  ],
  // Originate PJSIP/1001 → outbound,79990000001 at t=541 with CRM_CALL_ID=abc123 (accepted as
  // the call id). 1001 rings 548 → Up 856 (0.3 s, auto-answer), Dial of the PSTN leg 860,
  // customer Up 2877 (ring 2.0), bridged 2878. The operator sends BYE: HangupRequest on 1001
  // at 7362 → hangupBy operator; the PSTN leg's Hangup 7363 Cause 16. Talk 2878 → 7362 = 4.5;
  // duration 541 → 7363 = 6.8.
  [`${PJSIP}/06-click-to-call-answered`]: [
    {
      ...clickToCall,
      callId: 'abc123',
      customerNumber: '+79990000001',
      startedAt: 541,
      answeredAt: 2878,
      endedAt: 7363,
      ringSeconds: 2.0,
      talkSeconds: 4.5,
      holdSeconds: 0,
      durationSeconds: 6.8,
      outcome: 'answered',
      hangupBy: 'operator',
      hangupCause: NORMAL,
      segments: [
        {
          operatorId: 'op-1001',
          extension: '1001',
          answeredAt: 2878,
          endedAt: 7362,
          talkSeconds: 4.5,
          holdSeconds: 0,
          endedBy: 'hangup',
        },
      ],
      offers: [{ operatorId: 'op-1001', extension: '1001', ringSeconds: 0.3, result: 'answered' }],
    },
  ],
  // chan_sip: Originate 532; 1001 DialBegin 536, OriginateResponse Success 844 *before* its
  // Newstate Up 844 (README); PSTN DialBegin 848, Up 2860 (ring 2.0), bridged 2861; operator
  // HangupRequest 7349, Hangups 7350. Talk 4.5, duration 6.8.
  [`${CHANSIP}/06-click-to-call-answered`]: [
    {
      ...clickToCall,
      callId: 'abc123',
      customerNumber: '+79990000001',
      startedAt: 532,
      answeredAt: 2861,
      endedAt: 7350,
      ringSeconds: 2.0,
      talkSeconds: 4.5,
      holdSeconds: 0,
      durationSeconds: 6.8,
      outcome: 'answered',
      hangupBy: 'operator',
      hangupCause: NORMAL,
      segments: [
        {
          operatorId: 'op-1001',
          extension: '1001',
          answeredAt: 2861,
          endedAt: 7349,
          talkSeconds: 4.5,
          holdSeconds: 0,
          endedBy: 'hangup',
        },
      ],
      offers: [{ operatorId: 'op-1001', extension: '1001', ringSeconds: 0.3, result: 'answered' }],
    },
  ],
  // Originate at 548 (__CRM_CALL_ID=abc124); 1001 rings 555 → Up 866 (0.3 s). The PSTN leg
  // (DialBegin 873) answers 486: HangupRequest Cause 17 on it at 876, DialEnd BUSY 878, both
  // Hangups 881 with Cause 17 "User busy". The customer's phone never rang: ring 0.0; busy,
  // decided by the customer's side.
  [`${PJSIP}/07-click-to-call-busy`]: [
    {
      ...clickToCall,
      callId: 'abc124',
      customerNumber: '+79990000002',
      startedAt: 548,
      answeredAt: null,
      endedAt: 881,
      ringSeconds: 0,
      talkSeconds: 0,
      holdSeconds: 0,
      durationSeconds: 0.3,
      outcome: 'busy',
      hangupBy: 'customer',
      hangupCause: { code: 17, text: 'User busy' },
      segments: [],
      offers: [{ operatorId: 'op-1001', extension: '1001', ringSeconds: 0.3, result: 'answered' }],
    },
  ],
  // (a) PJSIP/1099 (no such endpoint): queued at 522, OriginateResponse Failure 523, no channel.
  // (b) PJSIP/1004 (not registered): 1524 → Failure 1526. (c) sync, no variables: Response:
  // Error "Originate failed" at 2528 (call id made from the ActionID). (d) unknown context:
  // immediate Error "Extension does not exist." 3529. Each is a click-to-call the CRM asked
  // for that failed: one failed record each. (e) Originate with only a Channel (no Exten):
  // not a click-to-call, no customer, only 1001's phone: no record.
  [`${PJSIP}/09-originate-failure`]: [
    failedOriginate('fail-1', 522, 523),
    failedOriginate('fail-2', 1524, 1526),
    failedOriginate('originate-crm-004', 2526, 2528),
    failedOriginate('fail-4', 3528, 3529),
  ],
  // chan_sip, same sequence: 517 → 518, 1519 → 1520, 2520 → 2521, 3522 → 3523; (e) no record.
  [`${CHANSIP}/09-originate-failure`]: [
    failedOriginate('fail-1', 517, 518),
    failedOriginate('fail-2', 1519, 1520),
    failedOriginate('originate-crm-004', 2520, 2521),
    failedOriginate('fail-4', 3522, 3523),
  ],
  // Newchannel 660, join 1164, 1002 DialBegin 1169, 1001 DialBegin 1173 → Up 3183 (ring 2.0),
  // leave 3186 (wait 2.0), bridged 3187. Hold on 1001's leg 6190, Unhold 10199: 4.0 s on hold.
  // Customer HangupRequest 15674, Hangup 15684. Segment 3187 → 15680 (BridgeLeave), talk
  // 12.5 − 4.0 = 8.5; duration 660 → 15684 = 15.0.
  [`${PJSIP}/10-hold-unhold`]: [
    {
      ...inbound,
      callId: linked(PJSIP, '1795795758.19'),
      customerNumber: '+79165550101',
      startedAt: 660,
      answeredAt: 3187,
      endedAt: 15684,
      waitSeconds: 2.0,
      ringSeconds: 2.0,
      talkSeconds: 8.5,
      holdSeconds: 4.0,
      durationSeconds: 15.0,
      outcome: 'answered',
      hangupBy: 'customer',
      hangupCause: NORMAL,
      segments: [
        {
          operatorId: 'op-1001',
          extension: '1001',
          answeredAt: 3187,
          endedAt: 15680,
          talkSeconds: 8.5,
          holdSeconds: 4.0,
          endedBy: 'hangup',
        },
      ],
      offers: supportOffers(2.0, 2.0),
    },
  ],
  // Newchannel 684, join 1189, 1001 answers 3207 (ring 1196 → 3207 = 2.0), leave 3210, bridged
  // 3211. BlindTransfer to 1003 at 5715 (the stray Unhold before it is no hold), 1001 leaves
  // 5716: segment 2.5 s ended by transfer. The customer dials 1003: DialBegin 5719, Up 7732
  // (2.0), bridged 7735; customer HangupRequest 15698, Hangup 15702. Segment 1003 7735 → 15698
  // = 8.0. One record, two segments, three offers; talk 10.5, duration 15.0.
  [`${PJSIP}/11-blind-transfer`]: [
    {
      ...inbound,
      callId: linked(PJSIP, '1795795786.22'),
      customerNumber: '+79165550101',
      startedAt: 684,
      answeredAt: 3211,
      endedAt: 15702,
      waitSeconds: 2.0,
      ringSeconds: 2.0,
      talkSeconds: 10.5,
      holdSeconds: 0,
      durationSeconds: 15.0,
      outcome: 'answered',
      hangupBy: 'customer',
      hangupCause: NORMAL,
      segments: [
        {
          operatorId: 'op-1001',
          extension: '1001',
          answeredAt: 3211,
          endedAt: 5716,
          talkSeconds: 2.5,
          holdSeconds: 0,
          endedBy: 'transfer',
        },
        {
          operatorId: 'op-1003',
          extension: '1003',
          answeredAt: 7735,
          endedAt: 15698,
          talkSeconds: 8.0,
          holdSeconds: 0,
          endedBy: 'hangup',
        },
      ],
      offers: [
        ...supportOffers(2.0, 2.0),
        { operatorId: 'op-1003', extension: '1003', ringSeconds: 2.0, result: 'answered' },
      ],
    },
  ],
  // Newchannel 675, join 1178, 1001 answers 3195 (ring 1185 → 3195 = 2.0), leave 3196,
  // bridged 3197. Atxfer at 6519: Hold on 1001's leg 6782 (the customer hears MOH), 1001
  // moves to the consultation bridge 7026, Local;2 dials 1002 at 7029, 1002 answers 9039
  // (2.0; this offer is part of the customer's call: same Linkedid). 1001 hangs up 14198,
  // BridgeMerge 14199 puts the customer with Local;1 whose ;2 is bridged to 1002,
  // AttendedTransfer 14201, 1001's Hangup 14201. Segment 1001: 3197 → 14201, held 6782 →
  // 14201 = 7.4, talk 11.0 − 7.4 = 3.6, ended by transfer. Segment 1002: 14199 → customer
  // HangupRequest 20689 = 6.5. Hangup 20694; duration 20.0.
  [`${PJSIP}/12-attended-transfer`]: [
    {
      ...inbound,
      callId: linked(PJSIP, '1795795815.26'),
      customerNumber: '+79165550101',
      startedAt: 675,
      answeredAt: 3197,
      endedAt: 20694,
      waitSeconds: 2.0,
      ringSeconds: 2.0,
      talkSeconds: 10.1,
      holdSeconds: 7.4,
      durationSeconds: 20.0,
      outcome: 'answered',
      hangupBy: 'customer',
      hangupCause: NORMAL,
      segments: [
        {
          operatorId: 'op-1001',
          extension: '1001',
          answeredAt: 3197,
          endedAt: 14201,
          talkSeconds: 3.6,
          holdSeconds: 7.4,
          endedBy: 'transfer',
        },
        {
          operatorId: 'op-1002',
          extension: '1002',
          answeredAt: 14199,
          endedAt: 20689,
          talkSeconds: 6.5,
          holdSeconds: 0,
          endedBy: 'hangup',
        },
      ],
      offers: [
        ...supportOffers(2.0, 2.0),
        { operatorId: 'op-1002', extension: '1002', ringSeconds: 2.0, result: 'answered' },
      ],
    },
  ],
  // A queue call 651 → 12665 with CoreShowChannels (4674), Status, Getvar/Setvar and
  // QueueStatus (9089) in the middle. The snapshots agree with what was seen: nothing changes,
  // nothing is incomplete. Join 1154, 1001 DialBegin 1159 → Up 3172 (2.0), leave 3173, bridged
  // 3173; customer HangupRequest 12664; talk 9.5; duration 12.0.
  [`${PJSIP}/15-channel-snapshot-mid-call`]: [
    {
      ...inbound,
      callId: linked(PJSIP, '1795795870.32'),
      customerNumber: '+79165550101',
      startedAt: 651,
      answeredAt: 3173,
      endedAt: 12665,
      waitSeconds: 2.0,
      ringSeconds: 2.0,
      talkSeconds: 9.5,
      holdSeconds: 0,
      durationSeconds: 12.0,
      outcome: 'answered',
      hangupBy: 'customer',
      hangupCause: NORMAL,
      segments: [
        {
          operatorId: 'op-1001',
          extension: '1001',
          answeredAt: 3173,
          endedAt: 12664,
          talkSeconds: 9.5,
          holdSeconds: 0,
          endedBy: 'hangup',
        },
      ],
      offers: supportOffers(2.0, 2.0),
    },
  ],
  // `core restart now` during an answered call: Newchannel 680, join 1185, 1001 DialBegin
  // 1195 → Up 3205, leave 3208, bridged 3210. Asterisk hangs both legs up itself
  // (SoftHangupRequest Cause 4 at 6233/6234, no HangupRequest): hangupBy system. The customer's
  // Hangup 6236 (Cause 16) arrives before Shutdown (7334) and the TCP close: the whole call was
  // seen, so it is complete; the reconnect's CoreShowChannels is empty and records nothing more.
  [`${PJSIP}/16-ami-restart`]: [
    {
      ...inbound,
      callId: linked(PJSIP, '1795795997.0'),
      customerNumber: '+79165550101',
      startedAt: 680,
      answeredAt: 3210,
      endedAt: 6236,
      waitSeconds: 2.0,
      ringSeconds: 2.0,
      talkSeconds: 3.0,
      holdSeconds: 0,
      durationSeconds: 5.6,
      outcome: 'answered',
      hangupBy: 'system',
      hangupCause: NORMAL,
      segments: [
        {
          operatorId: 'op-1001',
          extension: '1001',
          answeredAt: 3210,
          endedAt: 6236,
          talkSeconds: 3.0,
          holdSeconds: 0,
          endedBy: 'hangup',
        },
      ],
      offers: supportOffers(2.0, 2.0),
    },
  ],
  // chan_sip: Newchannel 659, join 1164, 1001 DialBegin 1169 → Up 3180, leave 3181, bridged
  // 3181; SoftHangupRequest Cause 4 at 6204 (system), BridgeLeave 6205, Hangup 6208.
  [`${CHANSIP}/16-ami-restart`]: [
    {
      ...inbound,
      callId: linked(CHANSIP, '1795797764.24'),
      customerNumber: '+79165550101',
      startedAt: 659,
      answeredAt: 3181,
      endedAt: 6208,
      waitSeconds: 2.0,
      ringSeconds: 2.0,
      talkSeconds: 3.0,
      holdSeconds: 0,
      durationSeconds: 5.5,
      outcome: 'answered',
      hangupBy: 'system',
      hangupCause: NORMAL,
      segments: [
        {
          operatorId: 'op-1001',
          extension: '1001',
          answeredAt: 3181,
          endedAt: 6205,
          talkSeconds: 3.0,
          holdSeconds: 0,
          endedBy: 'hangup',
        },
      ],
      offers: supportOffers(2.0, 2.0),
    },
  ],
  // No call at all: logins (01), queue member actions (13), registrations (18). In 14 the only
  // Originates are one without a Channel (refused, no call) and one sent by the second,
  // `crm-limited` session (Permission denied) — another AMI client's, not the one replayed.
  [`${PJSIP}/01-login-ok-and-fail`]: [],
  [`${PJSIP}/13-queue-member-actions`]: [],
  [`${CHANSIP}/13-queue-member-actions`]: [],
  [`${PJSIP}/14-hangup-action-errors`]: [],
  [`${PJSIP}/18-operator-registration`]: [],
  [`${CHANSIP}/18-operator-registration`]: [],
};

async function replayRecording(version: string, scenario: string): Promise<{ records: CallRecord[]; startMs: number }> {
  const result = await replayTraceFile(tracePath(version, scenario), sitePath(version));
  const records = replayOutputLines(result.events, false).map((line) => {
    const { kind, ...record } = JSON.parse(line) as { kind: string } & CallRecord;
    assert.equal(kind, 'record');
    return record;
  });
  const meta = JSON.parse(await readFile(tracePath(version, scenario).replace('.jsonl', '.meta.json'), 'utf8')) as {
    started_at_unix: number;
  };
  return { records, startMs: Math.round(meta.started_at_unix * 1000) };
}

describe('recordings of real Asterisk replay to the records a careful reading gives', () => {
  for (const { version, scenario } of listRecordings()) {
    const key = `${version}/${scenario}`;
    it(key, async () => {
      const expected = EXPECTED[key];
      assert.ok(expected, `no hand-written expectation for ${key}: read the recording and add one`);
      const { records, startMs } = await replayRecording(version, scenario);
      assert.deepEqual(
        records.map((r) => r.callId),
        expected.map((e) => e.callId),
        'the calls recorded, in order',
      );
      const site = version === CHANSIP ? 'lab-20' : 'lab-22';
      records.forEach((record, i) => {
        assert.ok(callRecordValidator.check(record), `${record.callId} matches the CallRecord schema`);
        assertRecord(record, expected[i] as ExpectedRecord, site, startMs);
      });
    });
  }

  it('has an expectation only for recordings that exist', () => {
    const present = new Set(listRecordings().map((r) => `${r.version}/${r.scenario}`));
    for (const key of Object.keys(EXPECTED)) assert.ok(present.has(key), `${key} is not in fixtures/ami`);
  });
});
