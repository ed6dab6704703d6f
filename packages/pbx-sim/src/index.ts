/**
 * `pbx-sim`: an Asterisk stand-in that speaks real AMI over TCP and reproduces the event
 * sequences of the recordings in fixtures/ami for scripted scenarios and generated load.
 */
export { startPbxSim, type PbxSim, type PbxSimOptions, type PbxSimUser } from './pbx-sim.js';
export {
  SimControl,
  type ChannelInfo,
  type CustomerCallHandle,
  type PhoneControl,
  type WaitOptions,
} from './control/sim-control.js';
export { SimError, SimErrorCode, isSimError } from './errors.js';
export { RealScheduler, VirtualScheduler, type Scheduler, type TimerHandle } from './clock/scheduler.js';
export { FLAVOURS, type Flavour, type FlavourId } from './model/flavour.js';
export {
  labWorld,
  numberBehaviour,
  phoneBehaviour,
  type LineConfig,
  type NumberBehaviour,
  type PhoneBehaviour,
  type PhoneConfig,
  type QueueConfig,
  type QueueMemberConfig,
  type WorldConfig,
} from './model/world-config.js';
export { SimulatedAsterisk, type PbxState } from './simulated-asterisk.js';
export { World } from './model/world.js';
export type { SimEvent, EventClass } from './model/sim-event.js';
