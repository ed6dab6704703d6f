/**
 * netfault: a fault-injecting TCP proxy (latency, blackholes, resets, drops, half-open links)
 * and a seeded chaos schedule that drives it. For tests and benchmarks of anything that must
 * survive a bad WAN; see README.md.
 */
export {
  startFaultProxy,
  type FaultProxy,
  type FaultProxyOptions,
  type FaultProxyStats,
  type HalfOpenDirection,
} from './fault-proxy.js';
export {
  chaosPlan,
  startChaos,
  DEFAULT_CHAOS_WEIGHTS,
  type ChaosAction,
  type ChaosOptions,
  type ChaosRun,
  type ChaosStep,
} from './chaos-schedule.js';
export { Prng } from './prng.js';
