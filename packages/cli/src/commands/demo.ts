/**
 * `callgate demo` (also `npm start`): the whole system on one machine with simulated sites and
 * traffic, for trying callgate in a minute. Ctrl-C stops everything cleanly.
 */
import { runDemo } from '../demo/run-demo.js';
import { intFlag, parseFlags, UsageError, type Command } from '../command.js';

const help = `Usage: callgate demo [--port PORT] [--host HOST] [--data-dir DIR] [--no-traffic] [--log-level LEVEL]

Starts, in one process: a hub on SQLite with demo data (two sites, Moscow and Tallinn, six
operators each, a supervisor, contacts), two simulated Asterisks (pbx-sim) with their gateways
linked to the hub, and simulated customers calling in (some give up). Prints the URLs and the
demo logins. Everything is recreated under DIR at each start.

Options:
  --port PORT        the hub's port (default 8080); the gateways use PORT+1 and PORT+2
  --host HOST        listen address (default 127.0.0.1; 0.0.0.0 to show it on the LAN)
  --data-dir DIR     default ./data/demo
  --no-traffic       no simulated customers (make calls yourself: callgate sim's HTTP API is not started)
  --log-level LEVEL  silent, error, warn (default), info, debug

Stops cleanly on Ctrl-C or SIGTERM.`;

const LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run everything on this machine with simulated sites and callers (npm start)',
  help,
  async run(args, ctx) {
    const { values } = parseFlags(args, {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'no-traffic': { type: 'boolean' },
      'log-level': { type: 'string' },
    });
    const level = values['log-level'] ?? 'warn';
    if (!(LEVELS as readonly string[]).includes(level))
      throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}`);
    const started = Date.now();
    const demo = await runDemo({
      port: intFlag(values.port, 'port', 1, 65533) ?? 8080,
      host: values.host ?? '127.0.0.1',
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      traffic: values['no-traffic'] !== true,
      logLevel: level as (typeof LEVELS)[number],
      progress: (line) => ctx.stdout.write(`callgate demo: ${line}\n`),
    });
    const lines = [
      '',
      `callgate demo is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s).`,
      '',
      `  Open ${demo.hubUrl}/ and log in (operators: ${demo.hubUrl}/?demo-phone adds the demo's softphone strip):`,
      ...demo.logins.map(
        (l) => `    ${l.role.padEnd(26)} ${l.username.padEnd(12)} password: ${l.password}   (${l.site})`,
      ),
      '',
      '  Sites:',
      ...[...demo.gateways.values()].map(
        (g) => `    ${g.config.site.name.padEnd(8)} gateway ${g.url}   (metrics ${g.url}/metrics)`,
      ),
      `  Hub API docs: ${demo.hubUrl}/api/docs`,
      '',
      '  Calls arrive by themselves; as an operator, answer with "Answer on phone" in the softphone strip',
      '  (the demo stands in for the SIP phone on your desk). Ctrl-C stops everything.',
      '',
    ];
    ctx.stdout.write(lines.join('\n'));
    await new Promise<void>((resolveStop) => {
      if (ctx.signal.aborted) resolveStop();
      ctx.signal.addEventListener('abort', () => resolveStop(), { once: true });
    });
    ctx.stdout.write('callgate demo: stopping…\n');
    await demo.stop();
    ctx.stdout.write('callgate demo: stopped\n');
    return 0;
  },
};
