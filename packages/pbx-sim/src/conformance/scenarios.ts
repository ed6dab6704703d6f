/**
 * The recordings the simulator can stage, as data: what happened around the PBX (a customer
 * called, a phone answered, a phone put the call on hold…) and when, in the recording's own
 * milliseconds. The AMI actions are not listed: the stage replays the recording's own actions
 * at their recorded times. A new recording becomes a conformance case by adding an entry here.
 *
 * Times come from the recordings (the `t` of the event the stimulus caused, minus the few
 * milliseconds the real PBX took), so the simulated run has the same shape in time.
 */
import type { FlavourId } from '../model/flavour.js';
import type { NumberBehaviour, PhoneBehaviour } from '../model/world-config.js';

export type ScenarioStep =
  | { at: number; customerCalls: { from: string; name: string; line: string } }
  /** `call` is the index of the customer call in this scenario (0 = the first). */
  | { at: number; customerHangsUp: number }
  | { at: number; phoneAnswers: string }
  | { at: number; phoneHangsUp: string }
  | { at: number; phoneHolds: string }
  | { at: number; phoneUnholds: string }
  | { at: number; phoneRegisters: string }
  | { at: number; phoneUnregisters: string }
  | { at: number; asteriskRestarts: true };

export interface ScenarioWorld {
  /**
   * Device states Asterisk's cache already held when the recording began (announced by calls
   * before it), so the staged run does not announce them again.
   */
  devicesKnown?: Record<string, 'NOT_INUSE'>;
  /** Process timings of this Asterisk (restart: time to Shutdown, time refusing connects). */
  timing?: { shutdownAfterMs?: number; restartDownMs?: number };
  phones?: Record<string, Partial<PhoneBehaviour>>;
  numbers?: Record<string, Partial<NumberBehaviour>>;
}

export interface ConformanceScenario {
  /** File name without extension, the same in every version folder. */
  recording: string;
  description: string;
  /**
   * Version folders under fixtures/ami this scenario is staged against; a version may bring
   * its own steps (its recording's times) and world changes.
   */
  versions: Array<{ folder: string; flavour: FlavourId; steps?: ScenarioStep[]; world?: ScenarioWorld }>;
  world?: ScenarioWorld;
  steps: ScenarioStep[];
}

const V22 = { folder: 'asterisk-22.10.1', flavour: 'asterisk-22' } as const;
const V20 = { folder: 'asterisk-20.20.1-chansip', flavour: 'asterisk-20-chansip' } as const;

const IVAN = { from: '79165550101', name: 'Ivan Petrov', line: '74950000000' };

export const SCENARIOS: readonly ConformanceScenario[] = [
  {
    recording: '01-login-ok-and-fail',
    description: 'login ok, a wrong secret on a second connection, core actions, logoff',
    versions: [V22],
    steps: [],
  },
  {
    recording: '02-inbound-queue-answered-customer-hangup',
    description: 'customer → support (ringall), 1001 answers, 1002 cancelled, customer hangs up',
    versions: [V22, V20],
    steps: [
      { at: 668, customerCalls: { from: '79161234567', name: 'Иван Петров', line: '74950000000' } },
      { at: 3194, phoneAnswers: '1001' },
      { at: 8178, customerHangsUp: 0 },
    ],
  },
  {
    recording: '04-inbound-queue-abandoned',
    description: 'customer waits in support while both members ring, then hangs up',
    versions: [V22],
    steps: [
      { at: 666, customerCalls: IVAN },
      { at: 4675, customerHangsUp: 0 },
    ],
  },
  {
    recording: '06-click-to-call-answered',
    description: 'Originate with auto-answer, the customer answers after 2 s, the operator hangs up',
    versions: [V22, V20],
    steps: [{ at: 7360, phoneHangsUp: '1001' }],
  },
  {
    recording: '07-click-to-call-busy',
    description: 'Originate with auto-answer to a busy number, __CRM_CALL_ID inherited',
    versions: [V22],
    steps: [],
  },
  {
    recording: '09-originate-failure',
    description: 'Originate to unknown and unregistered endpoints, sync failure, missing context, Channel only',
    versions: [V22, V20],
    // SIPp answered every INVITE after 0.3 s, with or without the auto-answer header (20.20.1 README).
    world: { phones: { '1001': { mode: 'answer', answerAfterMs: 300 } } },
    steps: [],
  },
  {
    recording: '10-hold-unhold',
    description: 'queue call answered by 1001, the phone holds and unholds, the customer hangs up',
    versions: [V22],
    steps: [
      { at: 658, customerCalls: IVAN },
      { at: 3181, phoneAnswers: '1001' },
      { at: 6189, phoneHolds: '1001' },
      { at: 10198, phoneUnholds: '1001' },
      { at: 15672, customerHangsUp: 0 },
    ],
  },
  {
    recording: '11-blind-transfer',
    description: 'queue call answered by 1001, AMI BlindTransfer to 1003, 1003 answers, the customer hangs up',
    versions: [V22],
    steps: [
      { at: 682, customerCalls: IVAN },
      { at: 3205, phoneAnswers: '1001' },
      { at: 7730, phoneAnswers: '1003' },
      { at: 15696, customerHangsUp: 0 },
    ],
  },
  {
    recording: '12-attended-transfer',
    description:
      'queue call answered by 1001, AMI Atxfer to 1002 via Local, 1002 answers, 1001 hangs up, customer hangs up',
    versions: [V22],
    steps: [
      { at: 673, customerCalls: IVAN },
      { at: 3193, phoneAnswers: '1001' },
      { at: 9037, phoneAnswers: '1002' },
      { at: 14196, phoneHangsUp: '1001' },
      { at: 20687, customerHangsUp: 0 },
    ],
  },
  {
    recording: '13-queue-member-actions',
    description: 'QueuePause/Add/Remove/Status/Summary with their errors, and the missing Queues action',
    versions: [V22, V20],
    steps: [],
  },
  {
    recording: '14-hangup-action-errors',
    description: 'error answers of Hangup, Getvar, Originate, Redirect, an unknown action, and a limited user',
    versions: [V22],
    steps: [],
  },
  {
    recording: '15-channel-snapshot-mid-call',
    description: 'CoreShowChannels, Status, Getvar/Setvar, BridgeList, QueueStatus and Command during a call',
    versions: [V22],
    steps: [
      { at: 649, customerCalls: IVAN },
      { at: 3170, phoneAnswers: '1001' },
      { at: 12662, customerHangsUp: 0 },
    ],
  },
  {
    recording: '16-ami-restart',
    description: 'answered queue call, core restart now, refused connects, reconnect after the boot',
    versions: [
      V22,
      {
        ...V20,
        // chan_sip took longer to stop: Shutdown 1.1 s after the command, three refused connects.
        world: { timing: { shutdownAfterMs: 1123, restartDownMs: 800 }, devicesKnown: { 'SIP/pstn': 'NOT_INUSE' } },
        steps: [
          { at: 658, customerCalls: IVAN },
          { at: 3178, phoneAnswers: '1001' },
          { at: 6182, asteriskRestarts: true },
        ],
      },
    ],
    steps: [
      { at: 678, customerCalls: IVAN },
      { at: 3203, phoneAnswers: '1001' },
      { at: 6209, asteriskRestarts: true },
    ],
  },
  {
    recording: '18-operator-registration',
    description: '1001 unregisters, then registers again',
    versions: [V22, V20],
    steps: [
      { at: 619, phoneUnregisters: '1001' },
      { at: 2788, phoneRegisters: '1001' },
    ],
  },
];
