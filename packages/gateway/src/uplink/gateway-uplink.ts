/**
 * The uplink as the gateway runs it: the outbox always (a standalone site keeps its records and
 * delivers them once it is linked), the client when `hub.url` and `hub.credentialFile` are set,
 * the engine's events wired to both, and config pushes from the hub applied and cached in the
 * data directory so a gateway restarted during a WAN outage still has them.
 *
 * A record is appended in the engine's event dispatch, synchronously, before the next I/O turn.
 * If the append itself fails (disk full, file removed) the record is held in memory, retried
 * every few seconds and reported (log, `callgate_gateway_outbox_append_failures_total`,
 * `callgate_gateway_outbox_held_in_memory`) — never dropped. A failing flush to disk is reported
 * the same way (`callgate_gateway_outbox_flush_failures_total`); operators keep working either
 * way, so neither makes the gateway unready.
 */
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { BackoffOptions } from '@callgate/ami';
import type {
  CallRecord,
  DomainEvent,
  HubCommand,
  PublicJwks,
  SiteConfig,
  SiteCredentialVerifiers,
  SiteDirectory,
  SiteLiveSnapshot,
  UplinkConfig,
} from '@callgate/contracts';
import { saveHubKeys } from '../auth/hub-keys.js';
import { writeDataFile } from '../config/data-files.js';
import { openDispositionQueue, type DispositionQueue } from './disposition-queue.js';
import { openOutbox, type Outbox } from './outbox.js';
import { readSiteCredential } from './site-credential.js';
import {
  startUplinkClient,
  type HubCommandOutcome,
  type UplinkClient,
  type UplinkLinkStatus,
} from './uplink-client.js';

export const DIRECTORY_CACHE_FILE = 'hub-directory.json';
export const VERIFIERS_CACHE_FILE = 'hub-verifiers.json';

export interface GatewayUplinkOptions {
  config: SiteConfig;
  logger: Logger;
  registry: Registry;
  /** Subscribes to the engine's domain events; returns the unsubscribe. */
  subscribe: (listener: (event: DomainEvent) => void) => () => void;
  snapshot: () => SiteLiveSnapshot;
  /** New token keys from the hub (after they are cached on disk). */
  onKeys?: (jwks: PublicJwks) => void;
  onDirectory?: (directory: SiteDirectory) => void;
  onVerifiers?: (verifiers: SiteCredentialVerifiers) => void;
  onCommand?: (command: HubCommand, commandId: string) => Promise<HubCommandOutcome>;
  /** Client tuning (tests and the chaos run use short backoffs). */
  backoff?: BackoffOptions;
  connectTimeoutMs?: number;
}

export interface GatewayUplink {
  readonly outbox: Outbox;
  /** Dispositions saved at the site during an outage, until the hub has them. */
  readonly dispositions: DispositionQueue;
  /** Undefined for a standalone site (no hub.url). */
  readonly client: UplinkClient | undefined;
  /** False while a record is held in memory (not written) or the outbox cannot be flushed to disk. */
  readonly outboxHealthy: boolean;
  status(): UplinkLinkStatus | undefined;
  stop(): Promise<void>;
}

const RETRY_APPEND_MS = 2000;

export async function startGatewayUplink(options: GatewayUplinkOptions): Promise<GatewayUplink> {
  const { config, logger } = options;
  const log = logger.child({ component: 'uplink' });
  let client: UplinkClient | undefined;
  let flushFailing = false;
  const flushFailures = new Counter({
    name: 'callgate_gateway_outbox_flush_failures_total',
    help: 'Flushes of the outbox to disk that failed (retried every second; records wait until one succeeds)',
    registers: [options.registry],
  });
  const outbox = openOutbox(config.dataDir, {
    // Records become sendable once flushed to disk.
    onFlushed: () => {
      if (flushFailing) log.info({}, 'the outbox is flushed to disk again');
      flushFailing = false;
      client?.kick();
    },
    onFlushError: (error) => {
      flushFailures.inc();
      if (!flushFailing) log.error({ err: error }, 'cannot flush the outbox to disk; retrying every second');
      flushFailing = true;
    },
  });
  const dispositions = openDispositionQueue(outbox.database);
  new Gauge({
    name: 'callgate_gateway_dispositions_queued',
    help: 'Dispositions saved at the site during an outage, not yet at the hub',
    registers: [options.registry],
    collect() {
      this.set(dispositions.depth());
    },
  });
  const failures = new Counter({
    name: 'callgate_gateway_outbox_append_failures_total',
    help: 'Records that could not be written to the outbox at once (held in memory and retried)',
    registers: [options.registry],
  });
  const held: CallRecord[] = [];
  new Gauge({
    name: 'callgate_gateway_outbox_held_in_memory',
    help: 'Records waiting in memory because the outbox could not be written',
    registers: [options.registry],
    collect() {
      this.set(held.length);
    },
  });

  const { url, credentialFile } = config.hub;
  if (url !== undefined && credentialFile !== undefined) {
    const credential = await readSiteCredential(credentialFile, config.site.id);
    client = startUplinkClient({
      url,
      credential,
      outbox,
      dispositions,
      snapshot: options.snapshot,
      logger,
      registry: options.registry,
      onConfig: (message) => applyConfig(message),
      ...(options.onCommand === undefined ? {} : { onCommand: options.onCommand }),
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
    });
  } else if (url !== undefined) {
    log.warn('hub.url is set but hub.credentialFile is not: the site stays unlinked, records wait in the outbox');
  }

  async function applyConfig(message: UplinkConfig): Promise<void> {
    switch (message.kind) {
      case 'keys':
        await saveHubKeys(config.dataDir, message.jwks);
        options.onKeys?.(message.jwks);
        log.info({ keys: message.jwks.keys.map((k) => k.kid) }, 'hub token keys updated');
        return;
      case 'directory':
        await writeDataFile(config.dataDir, DIRECTORY_CACHE_FILE, message.directory);
        options.onDirectory?.(message.directory);
        log.info({ operators: message.directory.operators.length }, 'site directory updated from the hub');
        return;
      case 'verifiers':
        await writeDataFile(config.dataDir, VERIFIERS_CACHE_FILE, message.verifiers);
        options.onVerifiers?.(message.verifiers);
        log.info({ users: message.verifiers.users.length }, 'site-only login verifiers updated from the hub');
        return;
    }
  }

  const append = (record: CallRecord): boolean => {
    try {
      outbox.append(record);
      return true;
    } catch (error) {
      failures.inc();
      log.error(
        { err: error, recordId: record.recordId, callId: record.callId },
        'cannot write a call record to the outbox; holding it in memory and retrying',
      );
      return false;
    }
  };
  const retry = setInterval(() => {
    while (held.length > 0) {
      const next = held[0];
      if (!next || !append(next)) return;
      held.shift();
      client?.kick();
    }
  }, RETRY_APPEND_MS);
  retry.unref();

  const unsubscribe = options.subscribe((event) => {
    if (event.type === 'call.ended') {
      // Order matters: a record held after a failure must not be overtaken by a later one.
      // Sent once flushed (onFlushed kicks the client).
      if (held.length > 0 || !append(event.record)) held.push(event.record);
    }
    client?.publish(event);
  });

  let stopping: Promise<void> | undefined;
  return {
    outbox,
    dispositions,
    client,
    get outboxHealthy() {
      return held.length === 0 && !flushFailing;
    },
    status: () => client?.status(),
    stop() {
      stopping ??= (async () => {
        unsubscribe();
        clearInterval(retry);
        for (const record of held.splice(0)) append(record);
        await client?.stop();
        outbox.close();
      })();
      return stopping;
    },
  };
}
