/**
 * Everything the call engine reacts to. The I/O shell (telephony/) and `callgate replay` build
 * these; the engine never reads a socket or a clock.
 */
import type { AmiMessage } from '@callgate/ami';

/** An unsolicited AMI event, as the client delivered it. Unknown events are ignored. */
export interface AmiEventInput {
  type: 'ami-event';
  message: AmiMessage;
}

/**
 * The gateway is about to send a click-to-call `Originate` with this ActionID, the operator's
 * phone as `Channel`, and the channel variables `__CALLGATE_CALL_ID=<callId>` and
 * `__CALLGATE_CRM_REF=<crmRef>`. Feed it before sending, so that even a click-to-call that fails
 * before any channel exists (OriginateResponse `Failure`, recording 09) gets a record.
 */
export interface OriginateRequestedInput {
  type: 'originate-requested';
  callId: string;
  operatorId: string;
  /** E.164 or as dialled. */
  customerNumber: string;
  crmRef: string | null;
  actionId: string;
}

/**
 * Asterisk refused the Originate (`Response: Error`, e.g. `Extension does not exist.` or
 * `Originate failed`, recording 09 (c)/(d)), or it was never sent (not connected). Do not feed
 * it when the outcome is unknown (timeout, connection lost after sending): the call may exist.
 */
export interface OriginateFailedInput {
  type: 'originate-failed';
  actionId: string;
  reason: string;
}

/**
 * The gateway hung up this operator's leg on the operator's request (AMI `Hangup` gives only a
 * `SoftHangupRequest`, which Asterisk also raises for system hang-ups), so the record can say
 * the operator ended the call.
 */
export interface HangupRequestedInput {
  type: 'hangup-requested';
  callId: string;
  operatorId: string;
}

/** The AMI connection is gone: what happens next is not seen until the resync. */
export interface AmiDisconnectedInput {
  type: 'ami-disconnected';
}

/**
 * What Asterisk says is up right now, after a (re)connect: `CoreShowChannels` items
 * (`CoreShowChannel` events) and, when asked for, `QueueStatus` items (`QueueParams`,
 * `QueueMember`, `QueueEntry`). Calls not in it ended while the engine was not watching.
 */
export interface AmiResyncInput {
  type: 'ami-resync';
  /** Undefined when CoreShowChannels was not fetched: channels are kept as they are. */
  channels?: readonly AmiMessage[];
  /** Undefined when QueueStatus was not (or could not be) fetched: memberships are kept. */
  queueStatus?: readonly AmiMessage[];
}

export type EngineInput =
  | AmiEventInput
  | OriginateRequestedInput
  | OriginateFailedInput
  | HangupRequestedInput
  | AmiDisconnectedInput
  | AmiResyncInput;

/** Channel variables the gateway sets on click-to-call (the `__` prefix makes Asterisk copy them to the PSTN leg). */
export const CALL_ID_VARIABLE = 'CALLGATE_CALL_ID';
export const CRM_REF_VARIABLE = 'CALLGATE_CRM_REF';
