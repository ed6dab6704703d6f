/**
 * The hub without HTTP: every service wired to one database, plus the functions the site uplink
 * (issue 7) calls. `callgate admin` uses this directly; `startHub` puts the HTTP API in front.
 */
import { randomUUID } from 'node:crypto';
import {
  domainEventValidator,
  SiteLiveSnapshot,
  validator,
  type CallRecord,
  type DomainEvent,
  type HubConfig,
  type HubCall,
  type Result,
  type SiteCredentialVerifiers,
  type SiteDirectory,
  type WebhookEvent,
} from '@callgate/contracts';
import type { Logger } from 'pino';
import { Auth } from './accounts/auth.js';
import { LoginLimiter } from './accounts/login-limiter.js';
import { DEFAULT_SCRYPT_COST, scryptHasher, type PasswordHasher, type ScryptCost } from '@callgate/contracts/passwords';
import { Sessions } from './accounts/sessions.js';
import { Users } from './accounts/users.js';
import { AuditLog, type Actor } from './audit/audit-log.js';
import { Calls, type IngestOutcome } from './calls/calls.js';
import { systemClock, type Clock } from './clock.js';
import { Contacts } from './contacts/contacts.js';
import type { HubDatabase } from './db/open-database.js';
import { HubError, HubErrorCode } from './errors.js';
import { HubEvents } from './hub-events.js';
import { LiveView } from './live/live-view.js';
import { HubMetrics } from './metrics.js';
import { Sites } from './sites/sites.js';
import { SigningKeys } from './tokens/signing-keys.js';
import { TokenIssuer } from './tokens/token-issuer.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { Webhooks } from './webhooks/webhooks.js';

export interface HubCoreOptions {
  config: HubConfig;
  clock?: Clock;
  /** Lower scrypt cost for tests; production uses the default (N = 2^15, r = 8, p = 1). */
  passwordCost?: ScryptCost;
  logger: Logger;
  metrics?: HubMetrics;
  /** How often the webhook queue is polled (default 1 s); deliveries are also sent on enqueue. */
  webhookPollMs?: number;
}

const liveSnapshotValidator = validator<SiteLiveSnapshot>('live snapshot', SiteLiveSnapshot);
const HOUSEKEEPING_MS = 3_600_000;

export class HubCore {
  readonly clock: Clock;
  readonly config: HubConfig;
  readonly events: HubEvents;
  readonly metrics: HubMetrics;
  readonly audit: AuditLog;
  readonly hasher: PasswordHasher;
  readonly keys: SigningKeys;
  readonly tokens: TokenIssuer;
  readonly sessions: Sessions;
  readonly users: Users;
  readonly sites: Sites;
  readonly auth: Auth;
  readonly contacts: Contacts;
  readonly calls: Calls;
  readonly webhooks: Webhooks;
  readonly dispatcher: WebhookDispatcher;
  readonly live: LiveView;
  private readonly timeZones = new Map<string, string>();
  private housekeeping: NodeJS.Timeout | undefined;
  private stopListening: () => void = () => undefined;

  constructor(
    readonly database: HubDatabase,
    private readonly options: HubCoreOptions,
  ) {
    const { config, logger } = options;
    const db = database.db;
    this.config = config;
    this.clock = options.clock ?? systemClock;
    this.metrics = options.metrics ?? new HubMetrics();
    this.events = new HubEvents((error) => logger.error({ err: error }, 'hub event listener failed'));
    this.audit = new AuditLog(db, this.clock);
    this.hasher = scryptHasher(options.passwordCost ?? DEFAULT_SCRYPT_COST);
    const tokenTtlMs = config.tokens.ttlSeconds * 1000;
    this.keys = new SigningKeys(
      db,
      this.audit,
      this.clock,
      {
        tokenTtlMs,
        rotationMs: config.tokens.rotationDays * 86_400_000,
        prepublishMs: config.tokens.prepublishHours * 3_600_000,
      },
      () => this.events.emit('keys-changed', {}),
    );
    this.tokens = new TokenIssuer(this.keys, this.clock, tokenTtlMs);
    this.sessions = new Sessions(db, this.clock, config.sessions.ttlHours * 3_600_000);
    this.users = new Users(
      db,
      this.audit,
      this.hasher,
      this.clock,
      { minPasswordLength: config.passwords.minLength },
      (userId, trx) => this.sessions.endAllOf(userId, trx),
      this.events,
    );
    this.sites = new Sites(db, this.audit, this.clock, this.events, config.dispositions);
    const limiter = new LoginLimiter(
      {
        maxFailuresPerAccount: config.login.maxFailuresPerAccount,
        maxFailuresPerAddress: config.login.maxFailuresPerAddress,
        windowMs: config.login.windowSeconds * 1000,
      },
      this.clock,
    );
    this.auth = new Auth(this.users, this.sessions, this.tokens, limiter, this.hasher, this.sites, this.audit, {
      loginSucceeded: () => this.metrics.logins.inc({ result: 'ok' }),
      loginFailed: (reason) => this.metrics.logins.inc({ result: reason }),
    });
    this.contacts = new Contacts(db, this.audit, this.clock, (name, query) => database.prepared(name, query));
    this.webhooks = new Webhooks(db, this.audit, this.clock);
    this.dispatcher = new WebhookDispatcher(
      db,
      this.clock,
      {
        maxAttempts: config.webhooks.maxAttempts,
        backoffMs: config.webhooks.backoffSeconds.map((s) => s * 1000),
        timeoutMs: config.webhooks.timeoutSeconds * 1000,
        concurrency: config.webhooks.concurrency,
        pollMs: options.webhookPollMs ?? 1000,
        userAgent: 'callgate-hub/0.1 (webhook)',
      },
      { attempt: (outcome) => this.metrics.webhookAttempts.inc({ outcome }) },
      logger.child({ component: 'webhooks' }),
    );
    this.webhooks.onEnqueued = () => this.dispatcher.kick();
    this.live = new LiveView({
      serviceLevelSeconds: config.liveView.serviceLevelSeconds,
      clock: this.clock,
      timeZoneOf: (site) => this.timeZones.get(site) ?? 'UTC',
    });
    this.calls = new Calls(db, this.audit, this.clock, config.dispositions, {
      onStored: (trx, record) => this.webhooks.enqueue(trx, this.completedEvent(record)).then(() => undefined),
      onDispositionSaved: (trx, call) => this.webhooks.enqueue(trx, this.dispositionEvent(call)).then(() => undefined),
      afterIngest: (result, record) => {
        this.metrics.record(result);
        if (record !== undefined && (result === 'stored' || result === 'replaced')) {
          this.live.countRecord(record);
          this.dispatcher.kick();
        }
      },
    });
  }

  /** Makes the first signing key if needed, loads sites and today's records into the live view, starts timers. */
  async start(): Promise<void> {
    this.stopListening = this.events.on('directory-changed', () => {
      this.refreshSites().catch((error: unknown) =>
        this.options.logger.error({ err: error }, 'reloading sites failed'),
      );
    });
    await this.keys.ensure();
    await this.refreshSites();
    await this.seedLiveCounters();
    this.dispatcher.start();
    this.housekeeping = setInterval(() => {
      this.keys
        .ensure()
        .then(() => this.sessions.prune())
        .catch((error: unknown) => this.options.logger.error({ err: error }, 'housekeeping failed'));
    }, HOUSEKEEPING_MS);
    this.housekeeping.unref();
  }

  /** Stops timers and waits for webhook deliveries in flight. Does not close the database. */
  async stop(): Promise<void> {
    this.stopListening();
    if (this.housekeeping) clearInterval(this.housekeeping);
    this.housekeeping = undefined;
    await this.dispatcher.stop();
  }

  // ---- the uplink's interface (issue 7) -----------------------------------------------------

  /**
   * Stores a call record idempotently: `stored`, `duplicate`, `replaced` or `dead-lettered`
   * (invalid; kept with the reason). Ack the gateway's outbox entry for every result; only a
   * thrown error (database down) means "not stored, send again".
   */
  ingestRecord(record: unknown, source: Actor = 'system'): Promise<IngestOutcome> {
    return this.calls.ingest(record, source);
  }

  /**
   * Several records in one transaction (the uplink's records frame): one outcome per record, in
   * order; a thrown error means none was stored.
   */
  ingestRecords(records: readonly unknown[], source: Actor = 'system'): Promise<IngestOutcome[]> {
    return this.calls.ingestMany(records, source);
  }

  /** Checks a gateway's site credential (`cgs1.<site>.<secret>`). */
  verifySiteCredential(credential: string): Promise<Result<{ site: string }, HubError>> {
    return this.sites.verifyCredential(credential);
  }

  siteDirectory(site: string): Promise<SiteDirectory> {
    return this.sites.directory(site);
  }

  credentialVerifiers(site: string): Promise<SiteCredentialVerifiers> {
    return this.sites.credentialVerifiers(site);
  }

  /** A live event from `site`'s gateway; rejected (not applied) if invalid or for another site. */
  acceptLiveEvent(site: string, event: unknown): Result<DomainEvent, HubError> {
    const parsed = domainEventValidator.parse(event);
    if (!parsed.ok || parsed.value.site !== site) {
      this.metrics.liveEvents.inc({ kind: 'rejected' });
      const message = parsed.ok ? `event for site ${parsed.value.site} on ${site}'s uplink` : parsed.error.message;
      return { ok: false, error: new HubError(HubErrorCode.Validation, message) };
    }
    this.metrics.liveEvents.inc({ kind: 'event' });
    this.live.applyEvent(parsed.value);
    if (parsed.value.type === 'call.offered' || parsed.value.type === 'call.answered') {
      const e = parsed.value;
      const webhook: WebhookEvent = {
        id: randomUUID(),
        type: e.type,
        at: e.at,
        site: e.site,
        data: {
          callId: e.callId,
          direction: e.direction,
          customerNumber: e.customerNumber,
          line: e.line,
          queue: e.queue,
          crmRef: e.crmRef,
          operatorId: e.operatorId,
        },
      };
      this.webhooks
        .publish(webhook)
        .catch((error: unknown) => this.options.logger.error({ err: error, site }, 'enqueueing a webhook failed'));
    }
    return parsed;
  }

  /** The full live state of `site` (after every uplink reconnect). */
  acceptLiveSnapshot(site: string, snapshot: unknown): Result<SiteLiveSnapshot, HubError> {
    const parsed = liveSnapshotValidator.parse(snapshot);
    if (!parsed.ok || parsed.value.site !== site) {
      this.metrics.liveEvents.inc({ kind: 'rejected' });
      const message = parsed.ok ? `snapshot of site ${parsed.value.site} on ${site}'s uplink` : parsed.error.message;
      return { ok: false, error: new HubError(HubErrorCode.Validation, message) };
    }
    this.metrics.liveEvents.inc({ kind: 'snapshot' });
    this.live.applySnapshot(parsed.value);
    return parsed;
  }

  /** The site's uplink connected (true) or dropped (false). */
  setSiteLinked(site: string, linked: boolean): void {
    this.live.setLinked(site, linked);
  }

  // ---- internals ------------------------------------------------------------------------

  private completedEvent(record: CallRecord): WebhookEvent {
    return { id: randomUUID(), type: 'call.completed', at: record.endedAt, site: record.site, data: { record } };
  }

  private dispositionEvent(call: HubCall): WebhookEvent {
    const d = call.disposition;
    return {
      id: randomUUID(),
      type: 'disposition.saved',
      at: d?.savedAt ?? new Date(this.clock()).toISOString(),
      site: call.record.site,
      data: {
        recordId: call.record.recordId,
        callId: call.record.callId,
        code: d?.code ?? '',
        label: d?.label ?? '',
        notes: d?.notes ?? '',
        savedBy: d?.savedBy ?? '',
      },
    };
  }

  private async refreshSites(): Promise<void> {
    for (const site of await this.sites.list()) {
      this.timeZones.set(site.id, site.timeZone);
      this.live.ensureSite(site.id);
    }
  }

  /** After a restart, today's counters come back from the records stored today. */
  private async seedLiveCounters(): Promise<void> {
    const since = this.clock() - 36 * 3_600_000;
    const rows = await this.database.db
      .selectFrom('calls')
      .select('record_json')
      .where('started_at', '>=', since)
      .where('queue', 'is not', null)
      .execute();
    for (const row of rows) this.live.countRecord(JSON.parse(row.record_json) as CallRecord);
  }
}
