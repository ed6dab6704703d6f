/**
 * `@callgate/hub`: the central server (packages/hub/README.md). The surface other components use:
 * - `startHub` — the whole hub (HTTP API, live WebSocket, webhooks) on one database;
 * - `HubCore` — the same services without HTTP; the uplink calls `ingestRecord`,
 *   `verifySiteCredential`, `siteDirectory`, `credentialVerifiers`, `acceptLiveEvent`,
 *   `acceptLiveSnapshot` and `setSiteLinked`, and listens on `events`;
 * - `openDatabase`, `loadHubConfig` — for `callgate hub` and `callgate admin`.
 */
export { startHub, hubLogger, silentLogger, REDACTED_LOG_PATHS, type Hub, type StartHubOptions } from './hub.js';
export { HubCore, type HubCoreOptions } from './hub-core.js';
export { DEFAULT_PANEL_DIR, type HubApp, type HubPlugin } from './http/server.js';
export { HubEvents, type HubEventMap } from './hub-events.js';
export { loadHubConfig, databaseUrlOf, type HubConfigOverrides } from './hub-config-file.js';
export {
  openDatabase,
  engineOf,
  dropPostgresSchema,
  type Engine,
  type HubDatabase,
  type OpenDatabaseOptions,
} from './db/open-database.js';
export { migrationProgressText, type MigrationProgress } from './db/migrations.js';
export { HubError, HubErrorCode, isHubError } from './errors.js';
export type { Actor } from './audit/audit-log.js';
export type { IngestOutcome } from './calls/calls.js';
export { importContactsCsv, parseContactsCsv, type ImportProgress } from './contacts/contact-import.js';
export { toE164 } from './contacts/phone-numbers.js';
export { scryptHasher, DEFAULT_SCRYPT_COST, type PasswordHasher, type ScryptCost } from '@callgate/contracts/passwords';
export { parseSiteCredential } from './sites/site-credential.js';
export { signWebhook, verifyWebhookSignature, type SignatureCheck } from './webhooks/webhook-signature.js';
export { LiveView } from './live/live-view.js';
export { systemClock, type Clock } from './clock.js';
export * from './uplink/index.js';
