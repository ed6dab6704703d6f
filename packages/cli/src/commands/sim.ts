/**
 * `callgate sim`: the simulated Asterisk(s) of pbx-sim, for development, demos and load tests,
 * and the conformance tools that compare it with recordings of real Asterisk.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { parseTrace } from '@callgate/ami';
import { parseSimConfig, type SimConfig } from '@callgate/contracts';
import { compareTraces, runConformance, SimError, SimErrorCode, startSimSites } from '@callgate/pbx-sim';
import { parseFlags, UsageError, type Command, type CommandContext } from '../command.js';

const help = `Usage:
  callgate sim [--config FILE]
      Start simulated Asterisk sites: AMI over TCP, a scripted world, optional generated load.
      Without --config: one site with the recordings' lab world (phones 1001-1004, queues
      support and sales, line 74950000000), AMI on 127.0.0.1:5038 (users crm / crm-secret and
      crm-limited / limited-secret), and the HTTP control interface on 127.0.0.1:8090.
      The file (YAML, or JSON if it ends in .json) is described in docs/pbx-sim.md.

  callgate sim conformance [--only TEXT] [--fixtures DIR]
      Stage every recording the simulator knows (fixtures/ami) and compare the simulator's
      AMI traffic with the recording: event order per channel, headers, values, Linkedid and
      bridge relations. Prints a diff for each difference; exit code 1 if any case differs.

  callgate sim compare RECORDING TRACE
      Compare two AMI trace files ({t, dir, raw, conn} JSON lines) the same way.

Stops cleanly on SIGTERM or Ctrl-C.`;

const LAB_CONFIG: SimConfig = {
  logLevel: 'info',
  control: { host: '127.0.0.1', port: 8090 },
  sites: [
    {
      id: 'lab',
      flavour: 'asterisk-22',
      lab: true,
      ami: {
        host: '127.0.0.1',
        port: 5038,
        users: [
          { username: 'crm', secret: 'crm-secret', read: 'all', write: 'all' },
          { username: 'crm-limited', secret: 'limited-secret', read: 'call,reporting', write: 'reporting' },
        ],
      },
      seed: 1,
      operators: {
        count: 0,
        firstExtension: '1001',
        namePrefix: 'Operator ',
        registered: true,
        queues: [],
        mode: 'manual',
        autoAnswer: true,
        remoteHold: true,
      },
      queues: [],
      lines: [],
      trunk: { name: 'pstn', numbers: {} },
    },
  ],
};

function defaultFixtures(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'fixtures', 'ami');
}

async function loadConfig(file: string): Promise<{ config: SimConfig; dir: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SimError(
      SimErrorCode.BadConfig,
      `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new SimError(
      SimErrorCode.BadConfig,
      `${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = parseSimConfig(raw);
  if (!parsed.ok) throw new SimError(SimErrorCode.BadConfig, `${file}: ${parsed.error.message}`);
  return { config: parsed.value, dir: dirname(resolve(file)) };
}

async function serve(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(args, { config: { type: 'string' } });
  const { config, dir } = values.config ? await loadConfig(values.config) : { config: LAB_CONFIG, dir: process.cwd() };
  const order = ['debug', 'info', 'warn', 'error'];
  const log = (msg: string, fields?: Record<string, unknown>): void => {
    if (order.indexOf(config.logLevel) > order.indexOf('warn')) return;
    ctx.stderr.write(`${JSON.stringify({ level: 'warn', time: Date.now(), msg, ...fields })}\n`);
  };
  const sites = await startSimSites(config, {
    log,
    readSecret: async (file) =>
      (await readFile(isAbsolute(file) ? file : resolve(dir, file), 'utf8')).split(/\r?\n/)[0]?.trim() ?? '',
  });
  for (const site of sites.sites.values()) {
    ctx.stdout.write(
      `callgate sim ${site.config.id}: ${site.sim.pbx.world.flavour.banner} on ${site.sim.host}:${site.sim.port}` +
        `${site.load ? `, load ${site.config.load?.callsPerSecond ?? 0} calls/s` : ''}\n`,
    );
  }
  if (sites.http) ctx.stdout.write(`callgate sim: control on http://${sites.http.host}:${sites.http.port}/sites\n`);
  await new Promise<void>((resolveStop) => {
    if (ctx.signal.aborted) resolveStop();
    ctx.signal.addEventListener('abort', () => resolveStop(), { once: true });
  });
  await sites.stop();
  return 0;
}

async function conformance(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(args, { only: { type: 'string' }, fixtures: { type: 'string' } });
  const only = values.only;
  const results = await runConformance(
    values.fixtures ?? defaultFixtures(),
    only ? (id) => id.includes(only) : undefined,
  );
  let failed = 0;
  for (const r of results) {
    const ok = r.report.ok && r.run.problems.length === 0;
    if (!ok) failed++;
    ctx.stdout.write(
      `${ok ? 'ok  ' : 'FAIL'} ${r.id} (${r.report.eventsCompared} events in ${r.report.streamsCompared} streams)\n`,
    );
    if (!ok) {
      for (const p of r.run.problems) ctx.stdout.write(`  ${p}\n`);
      ctx.stdout.write(`${r.report.format()}\n`);
    }
  }
  if (results.length === 0) throw new UsageError(`no conformance case matches ${JSON.stringify(only ?? '')}`);
  ctx.stdout.write(`${results.length - failed}/${results.length} recordings match the simulator\n`);
  return failed === 0 ? 0 : 1;
}

async function compare(args: string[], ctx: CommandContext): Promise<number> {
  const { positionals } = parseFlags(args, {}, true);
  if (positionals.length !== 2) throw new UsageError('compare takes a recording and a trace');
  const [a, b] = await Promise.all(positionals.map((f) => readFile(f, 'utf8')));
  const report = compareTraces(parseTrace(a ?? ''), parseTrace(b ?? ''));
  for (const note of report.notes) ctx.stdout.write(`note: ${note}\n`);
  if (report.ok) {
    ctx.stdout.write(`same structure: ${report.eventsCompared} events in ${report.streamsCompared} streams\n`);
    return 0;
  }
  ctx.stdout.write(`${report.format()}\n`);
  return 1;
}

export const simCommand: Command = {
  name: 'sim',
  summary: 'run simulated Asterisk sites (AMI, scripted calls, load), or check them against recordings',
  help,
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (sub === 'conformance') return conformance(rest, ctx);
    if (sub === 'compare') return compare(rest, ctx);
    return serve(args, ctx);
  },
};
