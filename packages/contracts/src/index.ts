/**
 * `contracts`: every wire format as a schema plus its inferred type — the single source of
 * truth for the gateway, the hub, the panel and pbx-sim. Runs in Node and in the browser.
 */
export { ContractError, validator, type FieldProblem, type Result, type Validator } from './validate.js';
export * from './call-record.js';
export * from './token-claims.js';
export * from './site-config.js';
export * from './domain-events.js';
export * from './hub-config.js';
export * from './hub-api.js';
export * from './hub-live.js';
export * from './hub-webhooks.js';
export * from './operator-protocol.js';
export * from './uplink-protocol.js';
export * from './sim-config.js';
export * from './config-env.js';
export { sampleCallRecord } from './sample-call-record.js';
