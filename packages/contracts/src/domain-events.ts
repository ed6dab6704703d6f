/**
 * Domain events: what the gateway's call engine says happened, in call-center terms.
 * They feed the operator WebSocket (filtered per operator, see operator-protocol), the uplink
 * to the hub (live view) and the outbox (records, via `call.ended`).
 *
 * They may carry telephony internals a supervisor is allowed to see (queue names); the operator
 * protocol has its own, narrower messages, and only the gateway maps one to the other.
 */
import Type from 'typebox';
import { CallDirection, CallRecord } from './call-record.js';
import { validator } from './validate.js';

const IsoTime = Type.String({ format: 'date-time' });
const Id = Type.String({ minLength: 1, maxLength: 200 });
const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** What the operator's phone is doing, as Asterisk reports it. */
export const PhoneState = Type.Union([
  Type.Literal('unavailable'),
  Type.Literal('idle'),
  Type.Literal('ringing'),
  Type.Literal('in-call'),
  Type.Literal('on-hold'),
]);
export type PhoneState = Type.Static<typeof PhoneState>;

/**
 * The operator's work state, derived from queue membership as Asterisk reports it:
 * `logged-out` = in none of their queues; `paused` = paused (reason `wrap-up` during wrap-up);
 * `ready` = a member and not paused.
 */
export const WorkState = Type.Union([Type.Literal('logged-out'), Type.Literal('ready'), Type.Literal('paused')]);
export type WorkState = Type.Static<typeof WorkState>;

export const OperatorStatus = Type.Object(
  {
    operatorId: Id,
    phone: PhoneState,
    work: WorkState,
    pauseReason: Nullable(Type.String({ maxLength: 80 })),
    /** When `work`/`pauseReason` last changed (time in status). */
    since: IsoTime,
    /** The call the operator is on or being offered, if any. */
    callId: Nullable(Id),
  },
  { additionalProperties: false },
);
export type OperatorStatus = Type.Static<typeof OperatorStatus>;

/** A call in progress, as the live view shows it. */
export const LiveCall = Type.Object(
  {
    callId: Id,
    direction: CallDirection,
    customerNumber: Nullable(Type.String()),
    line: Nullable(Type.String()),
    queue: Nullable(Type.String()),
    state: Type.Union([
      Type.Literal('dialing'),
      Type.Literal('queued'),
      Type.Literal('ringing'),
      Type.Literal('talking'),
      Type.Literal('on-hold'),
    ]),
    startedAt: IsoTime,
    answeredAt: Nullable(IsoTime),
    /** Operators ringing or talking on it. */
    operatorIds: Type.Array(Id),
    crmRef: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type LiveCall = Type.Static<typeof LiveCall>;

const Base = { site: Id, at: IsoTime };
const CallInfo = {
  callId: Id,
  direction: CallDirection,
  customerNumber: Nullable(Type.String()),
  line: Nullable(Type.String()),
  queue: Nullable(Type.String()),
  crmRef: Nullable(Type.String()),
};

export const CallQueuedEvent = Type.Object(
  { type: Type.Literal('call.queued'), ...Base, ...CallInfo },
  { additionalProperties: false },
);
/** An operator's phone started ringing for this call. */
export const CallOfferedEvent = Type.Object(
  { type: Type.Literal('call.offered'), ...Base, ...CallInfo, operatorId: Id },
  { additionalProperties: false },
);
/**
 * The operator's own call is ringing at the other end: click-to-call once the operator's phone
 * has answered and the customer's (or colleague's) phone is being dialled; a call dialled on the
 * phone once its other party is dialled. The operator's counterpart of `call.offered`.
 */
export const CallDialingEvent = Type.Object(
  { type: Type.Literal('call.dialing'), ...Base, ...CallInfo, operatorId: Id },
  { additionalProperties: false },
);
export const CallAnsweredEvent = Type.Object(
  { type: Type.Literal('call.answered'), ...Base, ...CallInfo, operatorId: Id },
  { additionalProperties: false },
);
/** An offer ended without this operator answering (missed, declined, answered elsewhere). */
export const CallOfferEndedEvent = Type.Object(
  {
    type: Type.Literal('call.offer-ended'),
    ...Base,
    callId: Id,
    operatorId: Id,
    result: Type.Union([Type.Literal('no-answer'), Type.Literal('declined'), Type.Literal('cancelled')]),
  },
  { additionalProperties: false },
);
export const CallHeldEvent = Type.Object(
  { type: Type.Literal('call.held'), ...Base, callId: Id, operatorId: Id },
  { additionalProperties: false },
);
export const CallResumedEvent = Type.Object(
  { type: Type.Literal('call.resumed'), ...Base, callId: Id, operatorId: Id },
  { additionalProperties: false },
);
/**
 * An attended transfer's consultation: `operatorId` has left the customer on hold and talks to
 * (or is calling) a colleague. Sent when the consultation starts (`colleagueOperatorId` null if
 * the target is not an operator of the site or not known yet) and again when the colleague
 * answers. Coming back without transferring is `call.held` (still holding) or `call.resumed`.
 */
export const CallConsultingEvent = Type.Object(
  { type: Type.Literal('call.consulting'), ...Base, callId: Id, operatorId: Id, colleagueOperatorId: Nullable(Id) },
  { additionalProperties: false },
);
export const CallTransferredEvent = Type.Object(
  {
    type: Type.Literal('call.transferred'),
    ...Base,
    callId: Id,
    kind: Type.Union([Type.Literal('blind'), Type.Literal('attended')]),
    fromOperatorId: Id,
    /** The colleague it went to, when the target is an operator of this site. */
    toOperatorId: Nullable(Id),
    /** The extension or number it went to. */
    toNumber: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export const CallEndedEvent = Type.Object(
  { type: Type.Literal('call.ended'), ...Base, callId: Id, record: CallRecord },
  { additionalProperties: false },
);
export const OperatorStatusEvent = Type.Object(
  { type: Type.Literal('operator.status'), ...Base, status: OperatorStatus },
  { additionalProperties: false },
);

export const DomainEvent = Type.Union([
  CallQueuedEvent,
  CallOfferedEvent,
  CallDialingEvent,
  CallAnsweredEvent,
  CallOfferEndedEvent,
  CallHeldEvent,
  CallResumedEvent,
  CallConsultingEvent,
  CallTransferredEvent,
  CallEndedEvent,
  OperatorStatusEvent,
]);
export type DomainEvent = Type.Static<typeof DomainEvent>;
export type DomainEventType = DomainEvent['type'];

export const domainEventValidator = validator<DomainEvent>('domain event', DomainEvent);

/** The whole live state of a site: sent after every uplink (re)connect and on resync. */
export const SiteLiveSnapshot = Type.Object(
  {
    site: Id,
    at: IsoTime,
    /** False while the gateway has no AMI connection: the state shown may be stale. */
    amiConnected: Type.Boolean(),
    operators: Type.Array(OperatorStatus),
    calls: Type.Array(LiveCall),
  },
  { additionalProperties: false },
);
export type SiteLiveSnapshot = Type.Static<typeof SiteLiveSnapshot>;
