/**
 * A simulated bridge. Queue and Dial bridges are `basic`/`simple_bridge` with no creator or
 * name, exactly as every bridge in the recordings.
 */
import type { Channel } from './channel.js';

export class Bridge {
  readonly id: string;
  readonly type = 'basic';
  readonly technology = 'simple_bridge';
  readonly creator = '<unknown>';
  readonly bridgeName = '<unknown>';
  readonly videoSourceMode = 'none';
  readonly channels: Channel[] = [];
  readonly createdAt: number;
  destroyed = false;

  constructor(id: string, createdAt: number) {
    this.id = id;
    this.createdAt = createdAt;
  }

  peerOf(ch: Channel): Channel | undefined {
    return this.channels.find((c) => c !== ch);
  }
}
