/**
 * `callgate gateway --config FILE`: runs a site gateway until SIGTERM/SIGINT, then drains
 * (operators get close code 1001 and reconnect to the next instance, AMI logs off).
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { GATEWAY_CONFIG_VARIABLE, loadSiteConfig, readSecretFile, startGateway } from '@callgate/gateway';
import { parseFlags, UsageError, type Command } from '../command.js';

const help = `Usage: callgate gateway --config FILE

Runs the site gateway next to Asterisk: follows calls over AMI, serves operators' browsers
(WebSocket /operator), health (/healthz, /readyz) and metrics (/metrics).

Options:
  --config FILE   the site configuration (YAML, or JSON if it ends in .json);
                  every field is described in docs/configuration.md

Environment: ${GATEWAY_CONFIG_VARIABLE} (the file, when --config is not given), and one
variable per setting, overriding the file: CALLGATE_GATEWAY_HOST, CALLGATE_GATEWAY_PORT,
CALLGATE_GATEWAY_AMI_HOST, CALLGATE_GATEWAY_AMI_PORT, CALLGATE_GATEWAY_AMI_SECRET_FILE,
CALLGATE_GATEWAY_HUB_URL, CALLGATE_GATEWAY_HUB_CREDENTIAL_FILE, CALLGATE_GATEWAY_DATA_DIR,
CALLGATE_LOG_LEVEL, … (the full list is in docs/configuration.md).

Stops cleanly on SIGTERM or Ctrl-C: operators' sockets close with 1001, records already
closed are in the outbox on disk, AMI logs off.`;

export const gatewayCommand: Command = {
  name: 'gateway',
  summary: 'run a site gateway next to an Asterisk',
  help,
  async run(args, ctx) {
    const { values } = parseFlags(args, { config: { type: 'string' } });
    const file = values.config ?? (process.env[GATEWAY_CONFIG_VARIABLE] || undefined);
    if (file === undefined) throw new UsageError(`--config FILE is required (or set ${GATEWAY_CONFIG_VARIABLE})`);
    const loaded = await loadSiteConfig(file, { env: process.env });
    for (const warning of loaded.warnings) ctx.stderr.write(`callgate gateway: warning: ${warning}\n`);
    let ariPassword: string | undefined;
    const passwordFile = loaded.config.hold.ariPasswordFile;
    if (loaded.config.hold.method === 'ari' && passwordFile !== undefined) {
      const file = isAbsolute(passwordFile) ? passwordFile : resolve(dirname(loaded.path), passwordFile);
      ariPassword = (await readSecretFile(file, 'hold.ariPasswordFile', loaded.path)).secret;
    }
    const gateway = await startGateway(loaded, { ...(ariPassword !== undefined ? { ariPassword } : {}) });
    ctx.stdout.write(`callgate gateway ${loaded.config.site.id}: listening on ${gateway.url}\n`);
    await new Promise<void>((resolveStop) => {
      if (ctx.signal.aborted) resolveStop();
      ctx.signal.addEventListener('abort', () => resolveStop(), { once: true });
    });
    await gateway.stop();
    return 0;
  },
};
