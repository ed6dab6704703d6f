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
  UplinkDisposition,
  UplinkDispositionAck,
  UplinkSiteStatus,
} from '@callgate/contracts';
import { UplinkErrorCode } from '@callgate/contracts';
import { operatorVouchedBySite } from '../accounts/access.js';
import { HubError, HubErrorCode } from '../errors.js';
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
  /**
   * A disposition an operator saved at the site during an outage: saved as if the operator had
   * saved it here (same checks: the operator handled the call, the code is in the list), or
   * `waiting` while the call's record has not arrived. Throws only when nothing could be
   * decided (database down): the gateway sends it again.
   */
  saveSiteDisposition(site: string, d: UplinkDisposition): Promise<Omit<UplinkDispositionAck, 'type' | 'id'>>;
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
    async saveSiteDisposition(site, d) {
      const refused = (message: string) => ({
        result: 'refused' as const,
        code: UplinkErrorCode.DispositionRefused,
        message,
      });
      if (!d.recordId.startsWith(`${site}:`)) return refused(`${d.recordId} is not a call of site ${site}`);
      const user = await core.users.get(d.operatorId);
      if (!user || user.disabled === 1 || user.role !== 'operator' || user.site !== site) {
        return refused(`${d.operatorId} is not an enabled operator of site ${site}`);
      }
      const principal = operatorVouchedBySite(user, site, core.clock());
      try {
        await core.calls.saveDisposition(principal, d.recordId, d.code, d.notes);
        return { result: 'saved', code: null, message: null };
      } catch (error) {
        if (!(error instanceof HubError)) throw error;
        if (error.code === HubErrorCode.NotFound)
          return { result: 'waiting', code: error.code, message: error.message };
        return refused(`${error.code}: ${error.message}`);
      }
    },
    auditRefused: (site, details) => core.audit.record('system', 'uplink.refused', `site:${site}`, details),
    on: (type, listener) => core.events.on(type, listener),
  };
}
