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
export { type AriOptions, type AriServer } from './ari/ari-server.js';
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
export {
  compareTraces,
  lineDiff,
  VOLATILE_HEADERS,
  type CompareOptions,
  type ConformanceReport,
  type Difference,
} from './conformance/compare-traces.js';
export { traceStreams, type StreamEvent, type TraceStreams } from './conformance/event-streams.js';
export { SCENARIOS, type ConformanceScenario, type ScenarioStep, type ScenarioWorld } from './conformance/scenarios.js';
export { stageScenario, type RecordingMeta, type StagedRun } from './conformance/stage-scenario.js';
export { runConformance, runConformanceCase, loadRecording, type CaseResult } from './conformance/run-conformance.js';
export { LoadGenerator, type LoadProfile, type LoadStats } from './load/load-generator.js';
export { sample, mean } from './load/distributions.js';
export { startSimSites, type SimSite, type SimSites, type SimSitesOptions } from './control/sim-sites.js';
export { startHttpControl, type HttpControl } from './control/http-control.js';
export { worldFromSite } from './control/site-world.js';
export { formatMessage } from './ami/wire.js';
export { Prng } from './model/prng.js';
