/**
 * Outgoing webhooks from the hub to an external CRM (docs/hub.md, "Webhooks"). Each delivery is
 * one HTTP POST with one JSON event as the body and these headers:
 *
 * - `X-Callgate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`
 * - `X-Callgate-Event: <type>`, `X-Callgate-Event-Id: <id>`, `X-Callgate-Delivery: <delivery id>`
 *
 * A receiver checks the signature over the raw body, refuses a `t` more than 5 minutes off its
 * clock (replay), answers 2xx quickly, and dedupes by event id: a delivery that timed out is
 * retried, so the same event may arrive more than once.
 */
import Type from 'typebox';
import { CallDirection, CallRecord } from './call-record.js';
import { validator } from './validate.js';

export const WEBHOOK_SIGNATURE_HEADER = 'x-callgate-signature';
export const WEBHOOK_EVENT_HEADER = 'x-callgate-event';
export const WEBHOOK_EVENT_ID_HEADER = 'x-callgate-event-id';
export const WEBHOOK_DELIVERY_HEADER = 'x-callgate-delivery';
/** Receivers should refuse signatures older (or newer) than this. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const IsoTime = Type.String({ format: 'date-time' });
const Id = Type.String({ minLength: 1, maxLength: 200 });
const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);

const Envelope = {
  /** Unique per event; the same across retries and replays. */
  id: Id,
  at: IsoTime,
  site: Id,
};

const OfferInfo = Type.Object(
  {
    callId: Id,
    direction: CallDirection,
    customerNumber: Nullable(Type.String()),
    line: Nullable(Type.String()),
    queue: Nullable(Type.String()),
    crmRef: Nullable(Type.String()),
    operatorId: Id,
  },
  { additionalProperties: false },
);

export const WebhookEvent = Type.Union([
  /** An operator's phone started ringing for a call. */
  Type.Object({ ...Envelope, type: Type.Literal('call.offered'), data: OfferInfo }, { additionalProperties: false }),
  Type.Object({ ...Envelope, type: Type.Literal('call.answered'), data: OfferInfo }, { additionalProperties: false }),
  /**
   * The call record, when the hub stores it and again when a more complete version replaces it:
   * upsert by `record.recordId`.
   */
  Type.Object(
    { ...Envelope, type: Type.Literal('call.completed'), data: Type.Object({ record: CallRecord }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      ...Envelope,
      type: Type.Literal('disposition.saved'),
      data: Type.Object(
        {
          recordId: Id,
          callId: Id,
          code: Type.String(),
          label: Type.String(),
          notes: Type.String(),
          savedBy: Id,
        },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
]);
export type WebhookEvent = Type.Static<typeof WebhookEvent>;
export const webhookEventValidator = validator<WebhookEvent>('webhook event', WebhookEvent);
