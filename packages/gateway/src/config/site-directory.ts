/**
 * The hub's directory of a site (operators with their extensions, endpoints and queues; queues
 * with their operator-facing labels) applied over the gateway's own configuration file. The hub
 * is where admins manage people, so when it has a directory for the site, its operators and
 * queues win; everything else (AMI, dialing, listen, wrap-up…) stays the file's. The gateway
 * caches the last directory the uplink delivered and applies it at start.
 */
import { readDataFile } from './data-files.js';
import { DIRECTORY_CACHE_FILE } from '../uplink/gateway-uplink.js';
import { parseSiteConfig, siteDirectoryValidator, type SiteConfig, type SiteDirectory } from '@callgate/contracts';

export type DirectoryResult =
  { applied: true; config: SiteConfig } | { applied: false; config: SiteConfig; reason: string };

export function applyDirectory(config: SiteConfig, directory: SiteDirectory): DirectoryResult {
  if (directory.site !== config.site.id) {
    return { applied: false, config, reason: `the directory is for site ${directory.site}` };
  }
  if (directory.operators.length === 0) {
    return { applied: false, config, reason: 'the hub has no operators for this site yet' };
  }
  const merged = parseSiteConfig({ ...config, operators: directory.operators, queues: directory.queues });
  if (!merged.ok) return { applied: false, config, reason: merged.error.message };
  return { applied: true, config: merged.value };
}

/** The cached directory, or undefined when there is none or it is unreadable (then ignored). */
export async function readCachedDirectory(dataDir: string): Promise<SiteDirectory | undefined> {
  const read = await readDataFile(dataDir, DIRECTORY_CACHE_FILE, siteDirectoryValidator);
  return read.ok ? read.value : undefined;
}

/** True when a new directory would change who the gateway serves (order does not count). */
export function directoryChanges(config: SiteConfig, directory: SiteDirectory): boolean {
  return directoryKey(config.operators, config.queues) !== directoryKey(directory.operators, directory.queues);
}

/** A canonical form: the hub lists operators by id, a file in whatever order its author chose. */
function directoryKey(operators: SiteConfig['operators'], queues: SiteConfig['queues']): string {
  const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return JSON.stringify({
    operators: operators
      .map((o) => [o.id, o.name, o.extension, o.endpoint, [...o.queues].sort(byString)] as const)
      .sort((a, b) => byString(a[0], b[0])),
    queues: queues.map((q) => [q.name, q.label] as const).sort((a, b) => byString(a[0], b[0])),
  });
}
