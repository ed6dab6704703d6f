/**
 * The site gateway, assembled: AMI client → telephony link (call engine) → operator hub and
 * wrap-up; operator WebSockets → commands → AMI; HTTP health/metrics. `startGateway` returns a
 * running gateway whose `stop()` drains cleanly (operators get 1001, AMI logs off, SQLite is
 * closed), which is what SIGTERM does.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { AmiClient } from '@callgate/ami';
import {
  siteCredentialVerifiersValidator,
  type DispositionOption,
  type DomainEvent,
  type SiteConfig,
} from '@callgate/contracts';
import { scryptHasher } from '@callgate/contracts/passwords';
import { loadHubKeys } from './auth/hub-keys.js';
import { GatewayError, GatewayErrorCode } from './errors.js';
import type { JSONWebKeySet } from 'jose';
import { createTokenVerifier, type TokenVerifier } from './auth/token-verifier.js';
import { SiteLogin } from './auth/site-login.js';
import { loadSiteSigningKey } from './auth/site-signing-key.js';
import { SiteTokenIssuer } from './auth/site-token-issuer.js';
import type { LoadedSiteConfig } from './config/index.js';
import { applyDirectory, directoryChanges, readCachedDirectory } from './config/site-directory.js';
import { readDataFile } from './config/data-files.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { CommandExecutor } from './operators/command-executor.js';
import { openCommandStore, type CommandStore } from './operators/command-store.js';
import { ariHoldControl, noHoldControl, phoneNotifyHoldControl } from './operators/hold-control.js';
import { OperatorHub } from './operators/operator-hub.js';
import { RateLimiter } from './operators/rate-limiter.js';
import { WrapUpController } from './operators/wrap-up.js';
import { startGatewayHttp, type GatewayHttpDeps, type GatewayHttpServer } from './server/http-server.js';
import { OperatorSocket } from './server/operator-socket.js';
import { DEFAULT_PANEL_DIR, panelFiles } from './server/panel-files.js';
import { siteApiRoutes } from './server/site-api-routes.js';
import { TelephonyLink } from './telephony/index.js';
import {
  HubCommandBridge,
  startGatewayUplink,
  VERIFIERS_CACHE_FILE,
  type GatewayUplink,
  type GatewayUplinkOptions,
} from './uplink/index.js';

export interface GatewayOptions {
  /** Overrides for tests and the demo. */
  logger?: Logger;
  /** ARI password (read from hold.ariPasswordFile by the CLI). */
  ariPassword?: string;
  /** AMI client tuning (tests use short timeouts). */
  ami?: { keepaliveIntervalMs?: number; reconnect?: { initialDelayMs?: number; maxDelayMs?: number } };
  /** Operator socket tuning. */
  sockets?: { helloTimeoutMs?: number; heartbeatSeconds?: number };
  /**
   * Extra HTTP routes on the gateway's port, tried before the 404 (the demo's softphone strip).
   * Gets the token verifier so the routes authenticate operators like the WebSocket does.
   */
  extraRoutes?: (deps: { verifier: TokenVerifier }) => NonNullable<GatewayHttpDeps['extraRoutes']>;
  /** Uplink tuning (tests and the chaos run reconnect faster). */
  uplink?: Pick<GatewayUplinkOptions, 'backoff' | 'connectTimeoutMs'>;
}

export interface RunningGateway {
  readonly config: SiteConfig;
  readonly url: string;
  readonly port: number;
  readonly telephony: TelephonyLink;
  readonly operators: OperatorHub;
  readonly verifier: TokenVerifier;
  /** The site-only login and the tokens the gateway signs during a WAN outage. */
  readonly siteLogin: SiteLogin;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** The outbox and the link to the hub (docs/uplink.md). */
  readonly uplink: GatewayUplink;
  /** Subscribes to the engine's domain events (the uplink feeds on these). */
  onDomainEvent(listener: (event: DomainEvent) => void): () => void;
  stop(): Promise<void>;
}

export function createLogger(config: SiteConfig): Logger {
  return pino({
    level: config.logLevel,
    base: { site: config.site.id, role: 'gateway' },
    // Belt and braces: these never belong in a log line, whatever a caller passes.
    redact: {
      paths: ['token', '*.token', 'secret', '*.secret', 'password', '*.password', 'authorization'],
      censor: '[redacted]',
    },
  });
}

/**
 * The hub keys to start with. A gateway linked to a hub may start without any (first start of a
 * new site): operators are refused (and /readyz says why) until the uplink brings the keys,
 * which are then cached for starts during a WAN outage. A standalone gateway needs a key file.
 */
async function initialHubKeys(config: SiteConfig, logger: Logger): Promise<JSONWebKeySet> {
  try {
    return await loadHubKeys(config.dataDir, config.hub.publicKeyFile);
  } catch (error) {
    if (!(error instanceof GatewayError) || error.code !== GatewayErrorCode.NoHubKey || config.hub.url === undefined) {
      throw error;
    }
    logger.info({}, 'no hub key yet: operators are refused until the uplink brings the keys');
    return { keys: [] };
  }
}

/** The hub's password verifiers as last cached, for site-only logins after a restart mid-outage. */
async function cachedVerifiers(dataDir: string, logger: Logger) {
  const read = await readDataFile(dataDir, VERIFIERS_CACHE_FILE, siteCredentialVerifiersValidator);
  if (read.ok) return read.value;
  if (read.problem === 'damaged') {
    logger.warn(
      { file: VERIFIERS_CACHE_FILE, problem: read.reason },
      'the cached password verifiers are unreadable; site login waits for the hub',
    );
  }
  return undefined;
}

export async function startGateway(loaded: LoadedSiteConfig, options: GatewayOptions = {}): Promise<RunningGateway> {
  let config = loaded.config;
  // The hub's directory (operators, queues) as last delivered over the uplink wins over the file.
  const cached = config.hub.url === undefined ? undefined : await readCachedDirectory(config.dataDir);
  let directoryNote: string | undefined;
  if (cached) {
    const result = applyDirectory(config, cached);
    config = result.config;
    directoryNote = result.applied
      ? `operators and queues from the hub's directory (${cached.generatedAt})`
      : `the hub's cached directory was not applied: ${result.reason}`;
  }
  const logger = options.logger ?? createLogger(config);
  if (directoryNote !== undefined) logger.info({ operators: config.operators.length }, directoryNote);
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const siteKey = await loadSiteSigningKey(config.dataDir, config.site.id);
  const verifier = createTokenVerifier(config.site.id, await initialHubKeys(config, logger), 30, siteKey.publicJwks);
  const store: CommandStore = openCommandStore(join(config.dataDir, 'commands.db'));
  const metrics = new GatewayMetrics();

  const client = new AmiClient({
    host: config.ami.host,
    port: config.ami.port,
    username: config.ami.username,
    secret: loaded.amiSecret,
    auth: config.ami.auth,
    tls: config.ami.tls,
    ...(options.ami?.keepaliveIntervalMs !== undefined ? { keepaliveIntervalMs: options.ami.keepaliveIntervalMs } : {}),
    ...(options.ami?.reconnect ? { reconnect: options.ami.reconnect } : {}),
  });
  client.on('state', (state, error) => {
    metrics.amiState(state);
    if (state === 'disconnected')
      logger.warn({ err: error?.message, code: (error as { code?: string } | undefined)?.code }, 'AMI disconnected');
    else logger.info({ state }, 'AMI state');
  });
  client.on('error', (error) =>
    logger.warn({ err: error.message, code: (error as { code?: string }).code }, 'AMI problem'),
  );
  client.on('event', () => metrics.amiEvents.inc());

  const telephony = new TelephonyLink({ client, site: config, logger });
  // Subscribed before anything else: every call.ended is in the outbox (on disk) before any
  // other part of the gateway reacts to the end of the call (issue 7).
  const hubCommands = new HubCommandBridge(
    () => config.operators,
    (operator, id, command) => executor.handle(operator, id, command),
  );
  // The hub's disposition list, for the wrap-up form of a panel working at the site.
  let dispositionOptions: readonly DispositionOption[] = cached?.dispositions ?? [];
  // Bound below, once the uplink exists: the site login opens only while it is not linked.
  let linked = (): boolean => false;
  const siteTokens = new SiteTokenIssuer(siteKey, config.siteLogin.tokenTtlSeconds);
  const siteLogin = new SiteLogin({
    site: config,
    operators: () => config.operators,
    linked: () => linked(),
    key: siteKey,
    tokens: siteTokens,
    passwords: scryptHasher(),
    now: Date.now,
  });
  const verifiers = await cachedVerifiers(config.dataDir, logger);
  if (verifiers) siteLogin.setVerifiers(verifiers);
  const uplink = await startGatewayUplink({
    config,
    logger,
    registry: metrics.registry,
    subscribe: (listener) => telephony.onDomainEvent(listener),
    snapshot: () => telephony.snapshot(),
    onKeys: (jwks) => verifier.setKeys(jwks),
    onDirectory: (directory) => {
      dispositionOptions = directory.dispositions;
      // Applied at the next start (it is cached); a running engine keeps the operators it has.
      if (directoryChanges(config, directory)) {
        logger.warn(
          { operators: directory.operators.length },
          "the hub changed this site's operators or queues; restart the gateway to apply",
        );
      }
    },
    onVerifiers: (v) => siteLogin.setVerifiers(v),
    onCommand: (command, commandId) => hubCommands.handle(command, commandId),
    ...options.uplink,
  });
  linked = () => uplink.status()?.state === 'linked';
  const hold =
    config.hold.method === 'phone-notify'
      ? phoneNotifyHoldControl({
          send: (action) => telephony.send(action),
          onDomainEvent: (listener) => telephony.onDomainEvent(listener),
          timeoutMs: config.hold.phoneTimeoutMs,
        })
      : config.hold.method === 'ari' && config.hold.ariUsername && options.ariPassword
        ? ariHoldControl({ url: config.hold.ariUrl, username: config.hold.ariUsername, password: options.ariPassword })
        : noHoldControl;

  const wrapUp = new WrapUpController({
    config,
    telephony,
    onError: (error, operatorId) => logger.warn({ operatorId, err: String(error) }, 'wrap-up pause failed'),
  });
  const heartbeatSeconds = options.sockets?.heartbeatSeconds ?? 15;
  const operators = new OperatorHub({
    config,
    telephony,
    wrapUpEndsAt: (id) => wrapUp.endsAt(id),
    now: () => new Date(),
    streamId: randomBytes(9).toString('base64url'),
    heartbeatSeconds,
  });
  const executor = new CommandExecutor({
    config,
    telephony,
    store,
    hold,
    limiter: new RateLimiter({ burst: 20, perSecond: 5 }),
    dialLimiter: new RateLimiter({ burst: 3, perSecond: 1 / 3 }),
    now: Date.now,
    reply: (operatorId, reply) => {
      if (!hubCommands.settle(operatorId, reply)) operators.reply(operatorId, reply);
    },
    endWrapUp: (operatorId) => {
      wrapUp.end(operatorId);
      operators.refreshStatus(operatorId);
    },
    log: (fields, message) => {
      metrics.commands.inc({ command: String(fields.command), result: String(fields.status) });
      logger.info(fields, message);
    },
  });

  const listeners = new Set<(event: DomainEvent) => void>();
  telephony.onDomainEvent((event) => {
    metrics.domainEvents.inc({ type: event.type });
    wrapUp.onEvent(event);
    operators.onDomainEvent(event);
    if (event.type === 'call.ended') {
      logger.info(
        {
          callId: event.callId,
          recordId: event.record.recordId,
          outcome: event.record.outcome,
          incomplete: event.record.incomplete,
        },
        'call ended',
      );
    }
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.error({ err: String(error), event: event.type }, 'domain event listener failed');
      }
    }
  });
  telephony.onConnectionChange((connected) => {
    metrics.telephonyUp.set(connected ? 1 : 0);
    operators.refreshAllStatuses();
    // The hub's view of the site says whether its PBX link is up; no domain event carries that.
    uplink.client?.refreshSnapshot();
  });

  const extra = options.extraRoutes?.({ verifier });
  const siteApi = siteApiRoutes({
    login: siteLogin,
    siteId: config.site.id,
    dispositions: () => dispositionOptions,
    queueDisposition: (d) => {
      const queued = uplink.dispositions.add(d, Date.now());
      uplink.client?.sendDispositions();
      return queued.savedAt;
    },
    secureCookie: config.listen.publicUrl?.startsWith('https:') === true,
    log: logger,
    onLogin: (result) => metrics.siteLogins.inc({ result }),
    onToken: () => metrics.siteTokens.inc(),
  });
  const panel = panelFiles(config.siteLogin.panelDir ?? DEFAULT_PANEL_DIR);
  const routes: NonNullable<GatewayHttpDeps['extraRoutes']> = (req, res) =>
    (extra?.(req, res) ?? false) || siteApi(req, res) || panel(req, res);
  const http: GatewayHttpServer = await startGatewayHttp({
    host: config.listen.host,
    port: config.listen.port,
    registry: metrics.registry,
    maxFrameBytes: 64 * 1024,
    extraRoutes: routes,
    readiness: () => {
      const checks = { ami: telephony.connected, hubKeys: verifier.keyCount > 0 };
      return { ready: Object.values(checks).every(Boolean), checks };
    },
    onOperatorSocket: (ws, remoteAddress) => {
      new OperatorSocket(ws, {
        hub: operators,
        verifier,
        executor,
        renew: async (claims) => {
          const renewed = await siteLogin.renewForSocket(claims);
          if (renewed.ok) metrics.siteTokens.inc();
          return renewed;
        },
        now: () => new Date(),
        helloTimeoutMs: options.sockets?.helloTimeoutMs ?? 5000,
        heartbeatSeconds,
        maxBufferedBytes: 1024 * 1024,
        maxViolations: 20,
        log: logger,
        remoteAddress,
      });
    },
  });
  metrics.observeOperators(
    () => operators.connectionCount,
    () => operators.onlineOperatorCount,
  );

  const prune = setInterval(() => store.prune(Date.now()), 60_000);
  prune.unref();
  telephony.start();
  logger.info(
    { url: http.url, ami: `${config.ami.host}:${config.ami.port}`, operators: config.operators.length },
    'gateway started',
  );

  let stopping: Promise<void> | undefined;
  return {
    config,
    url: http.url,
    port: http.port,
    telephony,
    operators,
    verifier,
    siteLogin,
    metrics,
    logger,
    uplink,
    onDomainEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      stopping ??= (async () => {
        logger.info({}, 'gateway stopping');
        clearInterval(prune);
        await http.close();
        wrapUp.stop();
        await telephony.stop();
        await uplink.stop();
        store.close();
        logger.info({}, 'gateway stopped');
      })();
      return stopping;
    },
  };
}
