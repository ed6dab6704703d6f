/**
 * What the operator side of the gateway needs from telephony (the call engine and its AMI
 * link), as one narrow interface. The operator code is written and tested against this; the
 * gateway wires it to the real engine (telephony/), tests may wire it to pbx-sim.
 */
import type { AmiAction, AmiResult, SendOptions } from '@callgate/ami';
import type { DomainEvent, LiveCall, OperatorStatus } from '@callgate/contracts';

/** Channels of one operator's call, for turning commands into AMI actions. Never sent to browsers. */
export interface CallLegs {
  callId: string;
  /** The operator's own channel on this call (PJSIP/1001-00000002). */
  operatorChannel: string;
  /** Its Uniqueid (ARI addresses channels by it). */
  operatorUniqueid: string;
  /** The other party's channel (customer or colleague), when there is one yet. */
  peerChannel: string | null;
  state: LiveCall['state'];
}

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
  /** The operator's calls in progress (ringing, talking, on hold). */
  callsOf(operatorId: string): LiveCall[];
  legs(operatorId: string, callId: string): CallLegs | undefined;
  status(operatorId: string): OperatorStatus | undefined;
  send(action: AmiAction, options?: SendOptions): Promise<AmiResult>;
  /** A fresh ActionID, for an Originate whose answer must be correlated before it arrives. */
  nextActionId(): string;
  /** Registers a click-to-call before its Originate is sent, so its events get our call id. */
  originateRequested(request: OriginateRequest): void;
  onDomainEvent(listener: (event: DomainEvent) => void): () => void;
  onConnectionChange(listener: (connected: boolean) => void): () => void;
}
