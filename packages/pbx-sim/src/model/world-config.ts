/**
 * The simulated world: phones, the trunk and its customer numbers, queues, lines (DIDs) and the
 * few dialplan contexts the lab uses (fixtures/ami/asterisk-22.10.1/config). The defaults are
 * that lab, so a scenario staged on a default world meets the same names and numbers as the
 * recordings.
 */
import type { FlavourId } from './flavour.js';

/** How a phone reacts when it rings. */
export interface PhoneBehaviour {
  /**
   * `manual`: rings until told to answer (control API); `answer`: answers after `answerAfterMs`;
   * `never`: rings and never answers; `busy`: refuses with 486 Busy Here.
   */
  mode: 'manual' | 'answer' | 'never' | 'busy';
  answerAfterMs: number;
  /** Answer a call that carries the auto-answer header, whatever `mode` says (not when busy). */
  autoAnswer: boolean;
  /** Delay of an auto-answer (SIPp answered after 0.3 s in 06). */
  autoAnswerAfterMs: number;
  /** The phone hangs up this long after answering (load tests); undefined: stays up. */
  hangupAfterMs: number | undefined;
  /**
   * BroadWorks remote control: an in-dialog NOTIFY `Event: hold` / `Event: talk` (AMI
   * PJSIPNotify) makes the phone hold / resume its call itself with a re-INVITE (Yealink,
   * Polycom… only when the feature is enabled on the phone). Off: the phone refuses the NOTIFY
   * (489 Bad Event) and nothing happens. On by default so the demo and tests can hold from the
   * browser with the default world; a real phone must have it switched on.
   */
  remoteHold: boolean;
}

export interface PhoneConfig {
  /** The endpoint / peer name, also the extension (`1001`). */
  extension: string;
  /** Caller id name (`Operator 1001`). */
  name: string;
  registered: boolean;
  behaviour: PhoneBehaviour;
}

/** How a number behind the trunk reacts to an outgoing call (click-to-call). */
export interface NumberBehaviour {
  /** `answer` after `answerAfterMs`; `busy` (486); `never` answers; `unavailable` (503). */
  mode: 'answer' | 'busy' | 'never' | 'unavailable';
  answerAfterMs: number;
  /** The customer hangs up this long after answering; undefined: stays up. */
  hangupAfterMs: number | undefined;
}

export interface QueueMemberConfig {
  /** `PJSIP/1001` (or `SIP/1001` on chan_sip). */
  interface: string;
  name: string;
  penalty: number;
}

export interface QueueConfig {
  name: string;
  strategy: 'ringall' | 'rrmemory';
  /** Seconds a member rings before the queue gives up on that attempt (`timeout`). */
  timeoutSeconds: number;
  /** Seconds before the next attempt (`retry`). */
  retrySeconds: number;
  /** Ring members that are already in a call (`ringinuse`). */
  ringInUse: boolean;
  wrapupSeconds: number;
  serviceLevelSeconds: number;
  /**
   * Static members, in the order QueueStatus lists them. ringall rings them in the reverse
   * order: app_queue prepends each call attempt to its list (02: 1002 rings before 1001).
   */
  members: QueueMemberConfig[];
}

/**
 * A line (DID) and where `from-pstn` sends its calls: a queue (`Answer()`, `Queue(<queue>,tT)`,
 * the lab's lines) or one operator's phone (`Dial(<tech>/<extension>,20,tT)` without `Answer()`,
 * a typical DID-to-desk route). Exactly one of `queue` and `extension`.
 */
export type LineConfig = LineToQueue | LineToExtension;

export interface LineToQueue {
  /** The DID as the trunk delivers it (`74950000000`). */
  number: string;
  queue: string;
  extension?: never;
}

export interface LineToExtension {
  /** The DID as the trunk delivers it (`74950000002`). */
  number: string;
  /** The phone the line rings (`1002`), one of `phones`. */
  extension: string;
  queue?: never;
}

export interface WorldConfig {
  flavour: FlavourId;
  phones: PhoneConfig[];
  queues: QueueConfig[];
  lines: LineConfig[];
  trunk: {
    /** Endpoint name of the trunk (`pstn`). */
    name: string;
    /** Behaviour of numbers not listed. */
    defaultNumber: NumberBehaviour;
    numbers: Record<string, NumberBehaviour>;
  };
  contexts: {
    /** Where trunk calls arrive (`from-pstn`). */
    inbound: string;
    /** Phones' context and the transfer context (`internal`). */
    internal: string;
    /** Click-to-call context (`outbound`). */
    outbound: string;
  };
  /** Seconds Dial() rings an internal extension / the trunk (`Dial(PJSIP/${EXTEN},20,tT)`, `…@pstn,30,tT`). */
  internalDialTimeoutSeconds: number;
  outboundDialTimeoutSeconds: number;
  /** Host in SIP URIs and `SIPDOMAIN` (the lab's 127.0.0.1). */
  sipHost: string;
  /**
   * The version CoreSettings and `core show version` report (default: the flavour's, 22.10.1 or
   * 20.20.1). Stages an Asterisk with known AMI advisories for `callgate doctor`.
   */
  asteriskVersion?: string;
  /**
   * How far the simulated Asterisk's wall clock is ahead of this host's (negative: behind), in
   * ms. Shows in `Ping`'s `Timestamp` and the ARI `Date` header: stages clock skew.
   */
  clockOffsetMs?: number;
  timing: {
    /** From `Answer()` to `Queue()` starting (PJSIP waits for media; 500 ms in 02 and 04). */
    answerSettleMs: number;
    /** From INVITE to `180 Ringing` (2–5 ms in the recordings). */
    ringingAfterMs: number;
    /** From `core restart now` to `Shutdown` (1.1 s in 16). */
    shutdownAfterMs: number;
    /** From `Shutdown` to accepting connections again (16: about 550 ms, 2 refused connects). */
    restartDownMs: number;
  };
}

export function phoneBehaviour(partial: Partial<PhoneBehaviour> = {}): PhoneBehaviour {
  return {
    mode: 'manual',
    answerAfterMs: 2000,
    autoAnswer: true,
    autoAnswerAfterMs: 300,
    hangupAfterMs: undefined,
    remoteHold: true,
    ...partial,
  };
}

export function numberBehaviour(partial: Partial<NumberBehaviour> = {}): NumberBehaviour {
  return { mode: 'answer', answerAfterMs: 2000, hangupAfterMs: undefined, ...partial };
}

/** The lab of the recordings: phones 1001–1003 registered, 1004 configured but not registered. */
export function labWorld(flavour: FlavourId = 'asterisk-22'): WorldConfig {
  const tech = flavour === 'asterisk-22' ? 'PJSIP' : 'SIP';
  const phone = (ext: string, registered = true): PhoneConfig => ({
    extension: ext,
    name: `Operator ${ext}`,
    registered,
    behaviour: phoneBehaviour(),
  });
  return {
    flavour,
    phones: [phone('1001'), phone('1002'), phone('1003'), phone('1004', false)],
    queues: [
      {
        name: 'support',
        strategy: 'ringall',
        timeoutSeconds: 10,
        retrySeconds: 2,
        ringInUse: false,
        wrapupSeconds: 0,
        serviceLevelSeconds: 60,
        members: [
          { interface: `${tech}/1001`, name: 'Operator 1001', penalty: 0 },
          { interface: `${tech}/1002`, name: 'Operator 1002', penalty: 0 },
        ],
      },
      {
        name: 'sales',
        strategy: 'rrmemory',
        timeoutSeconds: 10,
        retrySeconds: 2,
        ringInUse: false,
        wrapupSeconds: 0,
        serviceLevelSeconds: 0,
        members: [{ interface: `${tech}/1003`, name: 'Operator 1003', penalty: 0 }],
      },
    ],
    lines: [
      { number: '74950000000', queue: 'support' },
      { number: '74950000001', queue: 'sales' },
    ],
    trunk: {
      name: 'pstn',
      defaultNumber: numberBehaviour(),
      numbers: {
        '79990000001': numberBehaviour({ mode: 'answer', answerAfterMs: 2000 }),
        '79990000002': numberBehaviour({ mode: 'busy' }),
        '79990000003': numberBehaviour({ mode: 'never' }),
      },
    },
    contexts: { inbound: 'from-pstn', internal: 'internal', outbound: 'outbound' },
    internalDialTimeoutSeconds: 20,
    outboundDialTimeoutSeconds: 30,
    sipHost: '127.0.0.1',
    timing: { answerSettleMs: 500, ringingAfterMs: 3, shutdownAfterMs: 1100, restartDownMs: 550 },
  };
}
