/**
 * The chaos run's hub: `startHub` with the uplink plugin on the given database, in a process of
 * its own so the run can SIGKILL it. Prints `{"ready":true,"port":N}`; SIGTERM closes it cleanly.
 */
import pino from 'pino';
import { parseHubConfig } from '@callgate/contracts';
import { openDatabase, startHub, uplinkPlugin } from '@callgate/hub';

interface HubProcessArgs {
  databaseUrl: string;
  schema?: string;
  heartbeatSeconds: number;
  logLevel: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as HubProcessArgs;
const logger = pino({ level: args.logLevel, base: { role: 'hub' } }, pino.destination(2));
const config = parseHubConfig({ listen: { host: '127.0.0.1', port: 0 }, panelDir: '/nonexistent', logLevel: 'warn' });
if (!config.ok) throw config.error;
const database = await openDatabase({ url: args.databaseUrl, ...(args.schema ? { schema: args.schema } : {}) });
const hub = await startHub({
  config: config.value,
  database,
  logger,
  plugins: [uplinkPlugin({ heartbeatSeconds: args.heartbeatSeconds, statusSeconds: 1 })],
});
process.stdout.write(`${JSON.stringify({ ready: true, port: Number(new URL(hub.url).port) })}\n`);
process.once('SIGTERM', () => {
  hub
    .close()
    .then(() => database.close())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'hub shutdown failed');
        process.exit(1);
      },
    );
});
