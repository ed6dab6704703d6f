/**
 * `callgate doctor --config FILE`: checks a site's Asterisk (and hub) against what the gateway
 * needs, and says in plain words what is wrong. Exit code 0 when nothing blocks, 1 otherwise.
 */
import { GATEWAY_CONFIG_VARIABLE, formatReport, loadSiteConfig, runDoctor } from '@callgate/gateway';
import { intFlag, parseFlags, UsageError, type Command } from '../command.js';

const help = `Usage: callgate doctor --config FILE [--json] [--timeout SECONDS]

Connects to the Asterisk (and the hub) named in the gateway configuration and reports, in plain
words, what is wrong: AMI unreachable, login refused, missing or excess manager.conf privileges
(with the exact line to use), an Asterisk version with known AMI security advisories, missing
dialplan contexts, operators' phones not registered, the hub unreachable or its key unknown,
clock skew, ARI hold not reachable. Every check is read-only.

Options:
  --config FILE        the gateway configuration (docs/configuration.md); default: ${GATEWAY_CONFIG_VARIABLE}
  --json               print the report as JSON
  --timeout SECONDS    per-step timeout (default 5)

The CALLGATE_GATEWAY_* variables override the file as they do for \`callgate gateway\`, so the
doctor checks exactly what the gateway would use.`;

export const doctorCommand: Command = {
  name: 'doctor',
  summary: "check a site's Asterisk and hub against what the gateway needs",
  help,
  async run(args, ctx) {
    const { values } = parseFlags(args, {
      config: { type: 'string' },
      json: { type: 'boolean' },
      timeout: { type: 'string' },
    });
    const file = values.config ?? (process.env[GATEWAY_CONFIG_VARIABLE] || undefined);
    if (file === undefined) throw new UsageError(`--config FILE is required (or set ${GATEWAY_CONFIG_VARIABLE})`);
    // The same environment as `callgate gateway`: a CALLGATE_GATEWAY_AMI_PORT in the unit file
    // must be what the doctor checks too.
    const loaded = await loadSiteConfig(file, { env: process.env });
    for (const warning of loaded.warnings) ctx.stderr.write(`callgate doctor: warning: ${warning}\n`);
    const { ariPassword } = loaded;
    const timeoutS = intFlag(values.timeout, 'timeout', 1, 120) ?? 5;
    const report = await runDoctor(loaded, {
      timeoutMs: timeoutS * 1000,
      ...(ariPassword !== undefined ? { ariPassword } : {}),
    });
    ctx.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.ok ? 0 : 1;
  },
};
