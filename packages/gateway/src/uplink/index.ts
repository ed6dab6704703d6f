/**
 * The gateway's end of the site uplink (issue 7, docs/uplink.md): the durable outbox and the
 * client that drains it to the hub.
 *
 * Wiring (gateway.ts):
 *   const outbox = openOutbox(config.dataDir);
 *   const credential = await readSiteCredential(config.hub.credentialFile, config.site.id);
 *   const uplink = startUplinkClient({ url: config.hub.url, credential, outbox, snapshot, onConfig, onCommand, logger, registry });
 *   for each engine event: if (e.type === 'call.ended') { outbox.append(e.record); uplink.kick(); }  uplink.publish(e);
 *   on SIGTERM: await uplink.stop(); outbox.close();
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
export { LINK_STATES, UplinkMetrics, type LinkState } from './uplink-metrics.js';
