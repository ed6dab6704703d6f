/**
 * `startHub`: opens the database (migrating it), starts the services and the HTTP server, and
 * returns a handle whose `close()` shuts down in the order that loses nothing: stop taking
 * requests (readiness goes 503 first), close live sockets, finish requests in flight, finish
 * webhook deliveries in flight, close the database.
 */
import type { HubConfig } from '@callgate/contracts';
import { pino, type Logger } from 'pino';
import type { ScryptCost } from '@callgate/contracts/passwords';
import type { Clock } from './clock.js';
import { migrationProgressText } from './db/migrations.js';
import { openDatabase, type HubDatabase } from './db/open-database.js';
import { HubCore } from './hub-core.js';
import { databaseUrlOf } from './hub-config-file.js';
import { buildServer, type HubApp, type HubPlugin } from './http/server.js';
import { DEFAULT_LIVE_SOCKET_OPTIONS, type LiveSocketOptions } from './live/live-socket.js';

export interface StartHubOptions {
  config: HubConfig;
  /** Default: JSON lines to stdout at `config.logLevel`, secrets redacted. */
  logger?: Logger;
  clock?: Clock;
  /** Tests only: a cheaper scrypt. */
  passwordCost?: ScryptCost;
  /** Use this database instead of opening `config.database.url` (it is not closed by `close()`). */
  database?: HubDatabase;
  liveSocket?: Partial<LiveSocketOptions>;
  webhookPollMs?: number;
  /** Parts mounted on the same server (the site uplink). */
  plugins?: readonly HubPlugin[];
  /** Plain-text progress of long start-up work (migrations), besides the log. */
  progress?: (line: string) => void;
}

export interface Hub {
  /** `http://host:port` it listens on (port 0 in the config = an OS-chosen port). */
  readonly url: string;
  readonly core: HubCore;
  readonly app: HubApp;
  close(): Promise<void>;
}

/** Log fields that may hold secrets; pino writes `[redacted]` instead. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  'token',
  '*.token',
  'credential',
  '*.credential',
  'secret',
  '*.secret',
];

/** A logger that writes nothing (the admin CLI, tools). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * Requests are logged as method, path and client: never the query string, which holds customer
 * phone numbers (`/contacts/lookup?number=…`) and search terms that do not belong in log files.
 */
const requestSerializer = (req: {
  method?: string;
  url?: string;
  ip?: string;
  socket?: { remoteAddress?: string };
}) => ({
  method: req.method,
  path: (req.url ?? '').split('?')[0],
  remoteAddress: req.ip ?? req.socket?.remoteAddress,
});

export function hubLogger(config: HubConfig, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level: config.logLevel,
    redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
    base: { role: 'hub' },
    serializers: { req: requestSerializer },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

export async function startHub(options: StartHubOptions): Promise<Hub> {
  const { config } = options;
  const logger = options.logger ?? hubLogger(config);
  const ownDatabase = options.database === undefined;
  const database =
    options.database ??
    (await openDatabase({
      url: databaseUrlOf(config),
      ...(config.database.schema === undefined ? {} : { schema: config.database.schema }),
      onMigration: (progress) => {
        if (progress.phase === 'start') logger.info({ pending: progress.pending }, 'migrating database');
        else logger.info({ applied: progress.applied, seconds: progress.seconds }, 'database migrated');
        options.progress?.(migrationProgressText(progress));
      },
    }));
  let closing = false;
  const core = new HubCore(database, {
    config,
    logger,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.passwordCost === undefined ? {} : { passwordCost: options.passwordCost }),
    ...(options.webhookPollMs === undefined ? {} : { webhookPollMs: options.webhookPollMs }),
  });
  try {
    await core.start();
    const { app, live } = await buildServer(core, {
      logger,
      live: {
        ...DEFAULT_LIVE_SOCKET_OPTIONS,
        tickMs: config.liveView.tickMs,
        maxBufferedBytes: config.liveView.maxBufferedBytes,
        ...options.liveSocket,
      },
      isClosing: () => closing,
      ...(options.plugins === undefined ? {} : { plugins: options.plugins }),
    });
    const address = await app.listen({ host: config.listen.host, port: config.listen.port });
    const url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '[::1]');
    logger.info({ url, database: database.description }, 'hub listening');
    let closed: Promise<void> | undefined;
    return {
      url,
      core,
      app,
      close() {
        closed ??= (async () => {
          closing = true;
          live.closeAll();
          for (const plugin of options.plugins ?? []) {
            await plugin
              .close?.()
              .catch((error: unknown) => logger.error({ err: error, plugin: plugin.name }, 'plugin close failed'));
          }
          await app.close();
          await core.stop();
          if (ownDatabase) await database.close();
          logger.info('hub stopped');
        })();
        return closed;
      },
    };
  } catch (error) {
    await core.stop();
    if (ownDatabase) await database.close();
    throw error;
  }
}
