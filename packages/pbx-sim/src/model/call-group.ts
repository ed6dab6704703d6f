/**
 * The channels sharing one Linkedid: one customer interaction as Asterisk sees it. It owns the
 * CDRs of the call (emitted when their owning channel hangs up) and knows when the last
 * channel is gone (CEL `LINKEDID_END`).
 */
import type { Channel } from './channel.js';

export interface CdrRecord {
  /** The channel that owns the record; it is emitted when that channel hangs up. */
  owner: Channel;
  source: string;
  destination: string;
  destinationContext: string;
  callerId: string;
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
