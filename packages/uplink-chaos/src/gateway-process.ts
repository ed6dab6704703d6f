/**
 * The chaos run's site gateway: the real `startGateway` (AMI to pbx-sim, call engine, outbox,
 * uplink) from a real config file, in a process of its own so the run can SIGKILL it. Prints
 * `{"ready":true}` once logged in to AMI; SIGTERM stops it cleanly.
 */
import pino from 'pino';
import { loadSiteConfig, startGateway } from '@callgate/gateway';

interface GatewayProcessArgs {
  configFile: string;
  logLevel: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as GatewayProcessArgs;
const loaded = await loadSiteConfig(args.configFile);
const logger = pino(
  { level: args.logLevel, base: { role: 'gateway', site: loaded.config.site.id } },
  pino.destination(2),
);
const gateway = await startGateway(loaded, {
  logger,
  ami: { reconnect: { initialDelayMs: 50, maxDelayMs: 500 } },
  uplink: { backoff: { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5 }, connectTimeoutMs: 3000 },
});
const deadline = Date.now() + 30_000;
while (!gateway.telephony.connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
process.stdout.write(`${JSON.stringify({ ready: true, port: gateway.port })}\n`);
process.once('SIGTERM', () => {
  gateway.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'gateway shutdown failed');
      process.exit(1);
    },
  );
});
