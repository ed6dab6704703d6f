/**
 * What the uplink needs from the rest of the hub, as one narrow interface: the uplink's tests
 * run it against a real HubCore (real database), and nothing here reaches into HTTP.
 */
import type {
  DomainEvent,
  FieldProblem,
  IngestResultKind,
  PublicJwks,
  Result,
  SiteCredentialVerifiers,
  SiteDirectory,
  SiteLiveSnapshot,
  UplinkSiteStatus,
} from '@callgate/contracts';
import type { HubCore } from '../hub-core.js';
import type { HubEventMap } from '../hub-events.js';

export interface UplinkIngestOutcome {
  result: IngestResultKind;
  problems?: FieldProblem[];
}

export interface UplinkHubPort {
  /**
   * Records per ingest transaction when the server is not told otherwise. SQLite runs a
   * transaction without giving the event loop a turn, so small ones keep live events moving;
   * PostgreSQL's are asynchronous I/O, and fewer commits store faster.
   */
  readonly ingestChunk: number;
  /** SHA-256 (hex) of the site's credential secret, or null: unknown site or none issued. */
  credentialHash(site: string): Promise<string | null>;
  /**
   * One records frame in one transaction, idempotent by record id: one outcome per record, in
   * order. Throws only when nothing was stored (database down).
   */
  ingestRecords(records: readonly unknown[], site: string): Promise<UplinkIngestOutcome[]>;
  acceptLiveEvent(site: string, event: unknown): Result<DomainEvent, Error>;
  acceptLiveSnapshot(site: string, snapshot: unknown): Result<SiteLiveSnapshot, Error>;
  setSiteLinked(site: string, linked: boolean): void;
  /** The site's delivery health, for the supervisors' live view. */
  reportUplinkStatus(site: string, status: UplinkSiteStatus): void;
  siteDirectory(site: string): Promise<SiteDirectory>;
  credentialVerifiers(site: string): Promise<SiteCredentialVerifiers>;
  jwks(): Promise<PublicJwks>;
  /** Records a refused connection in the audit log. */
  auditRefused(site: string, details: Record<string, unknown>): Promise<void>;
  on<K extends keyof HubEventMap>(type: K, listener: (event: HubEventMap[K]) => void): () => void;
}

export function hubCorePort(core: HubCore): UplinkHubPort {
  return {
    ingestChunk: core.database.engine === 'postgres' ? 256 : 32,
    async credentialHash(site) {
      const row = await core.sites.get(site);
      return row?.credential_hash ?? null;
    },
    async ingestRecords(records, site) {
      const outcomes = await core.ingestRecords(records, `site:${site}`);
      return outcomes.map((o) =>
        o.problems === undefined ? { result: o.result } : { result: o.result, problems: o.problems },
      );
    },
    acceptLiveEvent: (site, event) => core.acceptLiveEvent(site, event),
    acceptLiveSnapshot: (site, snapshot) => core.acceptLiveSnapshot(site, snapshot),
    setSiteLinked: (site, linked) => core.setSiteLinked(site, linked),
    reportUplinkStatus: (site, status) => core.live.setUplinkStatus(site, status),
    siteDirectory: (site) => core.siteDirectory(site),
    credentialVerifiers: (site) => core.credentialVerifiers(site),
    jwks: () => core.keys.jwks(),
    auditRefused: (site, details) => core.audit.record('system', 'uplink.refused', `site:${site}`, details),
    on: (type, listener) => core.events.on(type, listener),
  };
}
