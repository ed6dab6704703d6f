/**
 * The site gateway's public surface. The call engine (issue 4) is pure and documented in
 * ./engine/index.ts; the site configuration loader in ./config; the telephony shell that feeds
 * the engine from a live AMI connection, and trace replay, in ./telephony.
 */
export * from './engine/index.js';
export * from './config/index.js';
export * from './telephony/index.js';
export { GatewayError, GatewayErrorCode } from './errors.js';
export { startGateway, createLogger, type GatewayOptions, type RunningGateway } from './gateway.js';
export * from './uplink/index.js';
export { formatReport, runDoctor, type CheckResult, type CheckStatus, type DoctorReport } from './doctor/doctor.js';
export { createTokenVerifier, type TokenVerifier, type TokenCheck } from './auth/token-verifier.js';
