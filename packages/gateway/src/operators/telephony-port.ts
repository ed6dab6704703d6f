/**
 * What the operator side of the gateway needs from telephony (the call engine and its AMI
 * link), as one narrow interface. The operator code is written and tested against this; the
 * gateway wires it to the real engine (gateway.ts).
 */
import type { AmiAction, AmiResult, SendOptions } from '@callgate/ami';
import type { DomainEvent, OperatorStatus } from '@callgate/contracts';
import type { OperatorCallView } from '../engine/index.js';

export type { OperatorCallView };

export interface OriginateRequest {
  callId: string;
  operatorId: string;
  /** E.164 of the customer, or a colleague's extension for internal calls. */
  customerNumber: string;
  crmRef: string | null;
  actionId: string;
}

export interface TelephonyPort {
  /** True while logged in to AMI (commands can be sent). */
  readonly connected: boolean;
  /** The operator's calls in progress, most involved first. Carries channel names: never send them on. */
  callsOf(operatorId: string): OperatorCallView[];
  status(operatorId: string): OperatorStatus | undefined;
  /** Uniqueid of a live channel by name (ARI addresses channels by it). */
  channelUniqueid(channelName: string): string | undefined;
  send(action: AmiAction, options?: SendOptions): Promise<AmiResult>;
  /** A fresh ActionID, for an Originate whose answer must be correlated before it arrives. */
  nextActionId(): string;
  /** Registers a click-to-call before its Originate is sent, so its events get our call id. */
  originateRequested(request: OriginateRequest): void;
  /** Asterisk refused the Originate outright (or it was never sent): the click-to-call failed. */
  originateFailed(actionId: string, reason: string): void;
  /** The gateway hung up the operator's leg at their request (so the record says who hung up). */
  hangupRequested(callId: string, operatorId: string): void;
  onDomainEvent(listener: (event: DomainEvent) => void): () => void;
  onConnectionChange(listener: (connected: boolean) => void): () => void;
}
