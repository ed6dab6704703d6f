/**
 * The channels sharing one Linkedid: one customer interaction as Asterisk sees it. It owns the
 * CDRs of the call (emitted when their owning channel hangs up) and knows when the last
 * channel is gone (CEL `LINKEDID_END`).
 */
import type { Channel } from './channel.js';

/**
 * One CDR. `Source` and `CallerID` are the owner's caller id when the record is written, as
 * Asterisk's CDR engine reads them then (12: the Local `;2` record names the customer).
 */
export interface CdrRecord {
  /** The channel that owns the record; it is emitted when that channel hangs up. */
  owner: Channel;
  destination: string;
  destinationContext: string;
  channel: string;
  destinationChannel: string;
  lastApplication: string;
  lastData: string;
  start: number;
  answer: number | undefined;
  end: number | undefined;
  disposition: 'ANSWERED' | 'NO ANSWER' | 'BUSY' | 'FAILED';
  uniqueid: string;
  /** The dialled leg this record describes, for closing it when that leg ends. */
  peer: Channel | undefined;
}

export class CallGroup {
  readonly linkedid: string;
  readonly channels = new Set<Channel>();
  readonly cdrs: CdrRecord[] = [];

  constructor(linkedid: string) {
    this.linkedid = linkedid;
  }
}
