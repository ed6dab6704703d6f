/**
 * `callgate doctor --config FILE`: checks a site's Asterisk (and hub) against what the gateway
 * needs, and says in plain words what is wrong. Exit code 0 when nothing blocks, 1 otherwise.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { formatReport, loadSiteConfig, readSecretFile, runDoctor } from '@callgate/gateway';
import { intFlag, parseFlags, required, type Command } from '../command.js';

const help = `Usage: callgate doctor --config FILE [--json] [--timeout SECONDS]

Connects to the Asterisk (and the hub) named in the gateway configuration and reports, in plain
words, what is wrong: AMI unreachable, login refused, missing or excess manager.conf privileges
(with the exact line to use), an Asterisk version with known AMI security advisories, missing
dialplan contexts, operators' phones not registered, the hub unreachable or its key unknown,
clock skew, ARI hold not reachable. Every check is read-only.

Options:
  --config FILE        the gateway configuration (docs/configuration.md)
  --json               print the report as JSON
  --timeout SECONDS    per-step timeout (default 5)`;

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
    const loaded = await loadSiteConfig(required(values.config, 'config'));
    let ariPassword: string | undefined;
    const file = loaded.config.hold.ariPasswordFile;
    if (loaded.config.hold.method === 'ari' && file !== undefined) {
      const path = isAbsolute(file) ? file : resolve(dirname(loaded.path), file);
      ariPassword = (await readSecretFile(path, 'hold.ariPasswordFile', loaded.path)).secret;
    }
    const timeoutS = intFlag(values.timeout, 'timeout', 1, 120) ?? 5;
    const report = await runDoctor(loaded, {
      timeoutMs: timeoutS * 1000,
      ...(ariPassword !== undefined ? { ariPassword } : {}),
    });
    ctx.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.ok ? 0 : 1;
  },
};
