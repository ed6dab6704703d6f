/**
 * The uplink chaos run as a library: `runUplinkChaos` (used by test/chaos.test.ts and by
 * `npm run chaos -w @callgate/uplink-chaos -- --seed N --seconds S` for longer runs).
 */
export { formatReport, runUplinkChaos, type ChaosReport, type ChaosRunOptions, type SiteReport } from './chaos-run.js';
export { judge, expectedRecords, sameJson, type SiteLedger, type Verdict } from './verdict.js';
export { installLedger, readSiteOutbox } from './ledger.js';
