/**
 * The hub's end of the site uplink (issue 7, docs/uplink.md). The hub's HTTP server mounts
 * `accept` on UPLINK_WS_PATH; `sendCommand` carries hub commands (a CRM-initiated call) to
 * sites; `sites()` is every site's delivery health.
 */
export {
  createUplinkServer,
  type SiteUplinkState,
  type UplinkServer,
  type UplinkServerOptions,
} from './uplink-server.js';
export { hubCorePort, type UplinkHubPort, type UplinkIngestOutcome } from './uplink-hub-port.js';
export type { SendCommandOptions } from './hub-commands.js';
export { HubUplinkMetrics } from './uplink-metrics.js';
