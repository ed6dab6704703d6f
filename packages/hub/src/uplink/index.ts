/**
 * The hub's end of the site uplink (issue 7, docs/uplink.md). `startHub({ plugins: [uplinkPlugin()] })`
 * mounts it at UPLINK_WS_PATH; `sendCommand` carries hub commands (a CRM-initiated call) to
 * sites; `sites()` is every site's delivery health.
 */
export {
  createUplinkServer,
  type SiteUplinkState,
  type UplinkLogger,
  type UplinkServer,
  type UplinkServerOptions,
} from './uplink-server.js';
export { uplinkPlugin, type UplinkPlugin, type UplinkPluginOptions } from './uplink-plugin.js';
export { hubCorePort, type UplinkHubPort, type UplinkIngestOutcome } from './uplink-hub-port.js';
export type { SendCommandOptions } from './hub-commands.js';
export { HubUplinkMetrics } from './uplink-metrics.js';
