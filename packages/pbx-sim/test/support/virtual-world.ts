/** A world on virtual time that records every event it raises, for model tests (no sockets, no sleeping). */
import { AmiMessage } from '@callgate/ami';
import { VirtualScheduler } from '../../src/clock/scheduler.js';
import { World } from '../../src/model/world.js';
import { labWorld, type WorldConfig } from '../../src/model/world-config.js';

export interface VirtualWorld {
  world: World;
  clock: VirtualScheduler;
  events: AmiMessage[];
  /** Events named `name`, optionally filtered. */
  named(name: string, test?: (m: AmiMessage) => boolean): AmiMessage[];
}

export function virtualWorld(configure?: (config: WorldConfig) => void): VirtualWorld {
  const config = labWorld();
  configure?.(config);
  return virtualWorldFrom(config);
}

export function virtualWorldFrom(config: WorldConfig): VirtualWorld {
  const clock = new VirtualScheduler();
  const events: AmiMessage[] = [];
  const world = new World({
    config,
    scheduler: clock,
    seed: 7,
    emit: (e) => events.push(new AmiMessage([...e.fields])),
  });
  return {
    world,
    clock,
    events,
    named: (name, test) => events.filter((e) => e.event === name && (test === undefined || test(e))),
  };
}
