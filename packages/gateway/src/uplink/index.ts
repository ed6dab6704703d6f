/**
 * The gateway's end of the site uplink (issue 7, docs/uplink.md): the durable outbox and the
 * client that drains it to the hub.
 *
 * Wiring (gateway.ts), right after the telephony link is made so the outbox is the first to
 * see every `call.ended`:
 *   const uplink = await startGatewayUplink({ config, logger, registry: metrics.registry,
 *     subscribe: (l) => telephony.onDomainEvent(l), snapshot: () => telephony.snapshot(),
 *     onKeys: (jwks) => verifier.setKeys(jwks), onCommand });
 *   …and on SIGTERM, after telephony.stop(): await uplink.stop();
 */
export {
  openOutbox,
  OUTBOX_FILE,
  type Outbox,
  type OutboxOptions,
  type RejectedEntry,
  type StoredEntry,
} from './outbox.js';
export {
  parseSiteCredential,
  proveSiteCredential,
  readSiteCredential,
  UplinkCredentialError,
  type SiteCredential,
} from './site-credential.js';
export {
  DEFAULT_UPLINK_BACKOFF,
  startUplinkClient,
  type HubCommandOutcome,
  type UplinkClient,
  type UplinkClientOptions,
  type UplinkLinkStatus,
} from './uplink-client.js';
export {
  DIRECTORY_CACHE_FILE,
  startGatewayUplink,
  VERIFIERS_CACHE_FILE,
  type GatewayUplink,
  type GatewayUplinkOptions,
} from './gateway-uplink.js';
export { HubCommandBridge, type RunOperatorCommand } from './hub-command-bridge.js';
export { LINK_STATES, UplinkMetrics, type LinkState } from './uplink-metrics.js';
