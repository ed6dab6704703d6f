/**
 * The call record: one customer interaction, keyed by the customer's leg, surviving transfers.
 * Field names are a public contract (docs/call-record.md): the hub stores it, webhooks carry
 * it, CRMs read it. Seconds are numbers with one decimal.
 */
import Type from 'typebox';
import { validator } from './validate.js';

const IsoTime = Type.String({ format: 'date-time', description: 'ISO 8601 with zone' });
const Seconds = Type.Number({ minimum: 0, description: 'seconds, one decimal' });
const Id = Type.String({ minLength: 1, maxLength: 200 });

export const CallDirection = Type.Union([Type.Literal('inbound'), Type.Literal('outbound'), Type.Literal('internal')]);
export type CallDirection = Type.Static<typeof CallDirection>;

export const CallOutcome = Type.Union([
  Type.Literal('answered'),
  Type.Literal('abandoned'),
  Type.Literal('no-answer'),
  Type.Literal('busy'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
]);
export type CallOutcome = Type.Static<typeof CallOutcome>;

export const HangupBy = Type.Union([Type.Literal('customer'), Type.Literal('operator'), Type.Literal('system')]);
export type HangupBy = Type.Static<typeof HangupBy>;

export const HangupCause = Type.Object(
  {
    code: Type.Integer({ minimum: 0, maximum: 127, description: 'Q.850 cause code' }),
    text: Type.String({ maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type HangupCause = Type.Static<typeof HangupCause>;

export const CallSegment = Type.Object(
  {
    operatorId: Id,
    extension: Type.String({ maxLength: 40 }),
    answeredAt: IsoTime,
    endedAt: IsoTime,
    talkSeconds: Seconds,
    holdSeconds: Seconds,
    endedBy: Type.Union([Type.Literal('hangup'), Type.Literal('transfer')]),
  },
  { additionalProperties: false },
);
export type CallSegment = Type.Static<typeof CallSegment>;

export const CallOffer = Type.Object(
  {
    operatorId: Id,
    extension: Type.String({ maxLength: 40 }),
    ringSeconds: Seconds,
    result: Type.Union([
      Type.Literal('answered'),
      Type.Literal('no-answer'),
      Type.Literal('declined'),
      Type.Literal('cancelled'),
    ]),
  },
  { additionalProperties: false },
);
export type CallOffer = Type.Static<typeof CallOffer>;

export const CallRecord = Type.Object(
  {
    recordId: Id,
    callId: Id,
    site: Id,
    direction: CallDirection,
    /** E.164 where possible, as dialled otherwise; null when there is no customer number. */
    customerNumber: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
    /** The DID or line called (inbound), or null. */
    line: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
    queue: Type.Union([Type.String({ maxLength: 80 }), Type.Null()]),
    startedAt: IsoTime,
    answeredAt: Type.Union([IsoTime, Type.Null()]),
    endedAt: IsoTime,
    waitSeconds: Seconds,
    ringSeconds: Seconds,
    talkSeconds: Seconds,
    holdSeconds: Seconds,
    durationSeconds: Seconds,
    outcome: CallOutcome,
    hangupBy: HangupBy,
    hangupCause: HangupCause,
    segments: Type.Array(CallSegment, { maxItems: 100 }),
    offers: Type.Array(CallOffer, { maxItems: 1000 }),
    crmRef: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
    recording: Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]),
    incomplete: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type CallRecord = Type.Static<typeof CallRecord>;

export const callRecordValidator = validator<CallRecord>('call record', CallRecord);

/** Rounds seconds to the record's one decimal. */
export function roundSeconds(seconds: number): number {
  return Math.max(0, Math.round(seconds * 10) / 10);
}

/**
 * A call's record id: `<site>:<callId>`. One record per customer interaction; the gateway writes
 * it, the hub keys storage and dispositions by it, the panel finds a call's record with it.
 */
export function recordIdOf(site: string, callId: string): string {
  return `${site}:${callId}`;
}
