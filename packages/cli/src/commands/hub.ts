/**
 * `callgate hub`: runs the central hub until SIGTERM/SIGINT, then shuts down without losing
 * anything (readiness goes 503, live sockets close with 1001, requests and webhook deliveries in
 * flight finish, the database closes).
 */
import { databaseUrlOf, engineOf, loadHubConfig, startHub, uplinkPlugin } from '@callgate/hub';
import { intFlag, parseFlags, type Command } from '../command.js';

const help = `Usage: callgate hub [--config FILE] [--host HOST] [--port PORT] [--data-dir DIR] [--public-url URL]

Runs the hub: login and tokens, CRM data, call records from every site (the gateways' uplink
at /uplink), the supervisors' live view, webhooks to your CRM, the operator panel, the API at
/api/v1 (docs at /api/docs), /health, /ready and /metrics.

Storage: a SQLite file in DIR (default ./data/hub/hub.sqlite); for PostgreSQL set
DATABASE_URL=postgres://user@host:5432/db (or database.url in the config file). The schema is
created and migrated at start (it says which migrations it applies and how long they took).

Options:
  --config FILE      the hub configuration (YAML or JSON); every field is in docs/configuration.md
  --host HOST        listen address (default 0.0.0.0)
  --port PORT        listen port (default 8080; 0 picks a free one)
  --data-dir DIR     where the SQLite database lives (default ./data/hub)
  --public-url URL   the URL browsers use (https://crm.example.com)

Environment: DATABASE_URL, CALLGATE_HUB_HOST, CALLGATE_HUB_PORT, CALLGATE_HUB_PUBLIC_URL,
CALLGATE_HUB_DATA_DIR, CALLGATE_LOG_LEVEL, and one CALLGATE_HUB_* variable for every other
setting (CALLGATE_HUB_TOKENS_TTL_SECONDS, …; all in docs/configuration.md). Flags win over
variables, variables over the file.

The first admin: callgate admin create-user --id admin --name Admin --role admin
Stops cleanly on SIGTERM or Ctrl-C.`;

export const hubCommand: Command = {
  name: 'hub',
  summary: 'run the central hub (API, login, CRM data, records, live view, webhooks)',
  help,
  async run(args, ctx) {
    const { values } = parseFlags(args, {
      config: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'public-url': { type: 'string' },
    });
    const port = intFlag(values.port, 'port', 0, 65535);
    const config = loadHubConfig({
      ...(values.config === undefined ? {} : { file: values.config }),
      overrides: {
        ...(values.host === undefined ? {} : { host: values.host }),
        ...(port === undefined ? {} : { port }),
        ...(values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] }),
        ...(values['public-url'] === undefined ? {} : { publicUrl: values['public-url'] }),
      },
    });
    if (ctx.signal.aborted) return 0;
    // The site gateways' uplink (docs/uplink.md) on the same port as the API.
    const hub = await startHub({
      config,
      plugins: [uplinkPlugin()],
      progress: (line) => ctx.stdout.write(`callgate hub: ${line}\n`),
    });
    const engine = engineOf(databaseUrlOf(config));
    ctx.stdout.write(`callgate hub: listening on ${hub.url} (${engine})\n`);
    const admins = await hub.core.users.list({ role: 'admin', limit: 1 });
    if (admins.items.length === 0) {
      ctx.stderr.write(
        'callgate hub: no admin user yet; create one with: callgate admin create-user --id admin --name Admin --role admin\n',
      );
    }
    await new Promise<void>((resolveStop) => {
      if (ctx.signal.aborted) resolveStop();
      ctx.signal.addEventListener('abort', () => resolveStop(), { once: true });
    });
    await hub.close();
    ctx.stdout.write('callgate hub: stopped\n');
    return 0;
  },
};
