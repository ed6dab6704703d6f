/**
 * callgate's own processes exactly as a site or a data center runs them: `callgate gateway
 * --config FILE` and `callgate hub --config FILE`, each in its own process with its YAML
 * configuration and secrets in files beside it. Started and stopped (SIGTERM: the clean drain)
 * by the benchmark; measured from outside through /proc (process-usage.ts). With
 * `cpuProfileDir` the process runs under `node --cpu-prof`, which writes a .cpuprofile there
 * when it exits (open it in Chrome DevTools or speedscope).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JSONWebKeySet } from 'jose';
import { stringify } from 'yaml';
import { trackChild } from './child-registry.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CALLGATE = join(ROOT, 'packages', 'cli', 'bin', 'callgate.js');
const UNITS = { gateway: 'callgate-gateway@.service', hub: 'callgate-hub.service' } as const;

/**
 * The Node flags the shipped systemd unit starts the role with (`ExecStart=/usr/bin/node FLAGS
 * …/callgate.js`, deploy/), so the benchmark measures callgate as it is deployed.
 */
export function deployedNodeFlags(role: 'gateway' | 'hub'): string[] {
  const unit = readFileSync(join(ROOT, 'deploy', UNITS[role]), 'utf8');
  const exec = unit.split('\n').find((line) => line.startsWith('ExecStart='));
  const words = (exec ?? '').slice('ExecStart='.length).trim().split(/\s+/);
  const script = words.findIndex((w) => w.endsWith('/callgate.js'));
  return script > 1 ? words.slice(1, script) : [];
}

export interface CallgateProcessOptions {
  /** A fresh directory for the configuration, secrets and data (the process's working directory). */
  dir: string;
  /** The configuration (paths relative to `dir`). */
  config: Record<string, unknown>;
  /** Files written beside the configuration, readable by the owner only (secrets, keys). */
  files?: Record<string, string>;
  cpuProfileDir?: string;
  /** Node flags; default those of the shipped systemd unit (`deployedNodeFlags`). */
  nodeFlags?: string[];
  /** Whatever the process prints besides its "listening" line (warnings, --trace-gc …). */
  onOutput?: (line: string) => void;
}

export interface CallgateProcess {
  url: string;
  pid: number;
  /** SIGTERM, then waits for the exit (and the CPU profile to be written). */
  stop(): Promise<number | null>;
}

export function startGatewayProcess(
  options: CallgateProcessOptions & { amiSecret: string; hubKeys: JSONWebKeySet },
): Promise<CallgateProcess> {
  return startCallgate('gateway', '/readyz', {
    ...options,
    files: {
      'ami.secret': `${options.amiSecret}\n`,
      'hub-keys.json': JSON.stringify(options.hubKeys),
      ...options.files,
    },
  });
}

export function startHubProcess(options: CallgateProcessOptions): Promise<CallgateProcess> {
  return startCallgate('hub', '/ready', options);
}

async function startCallgate(
  role: 'gateway' | 'hub',
  readyPath: string,
  options: CallgateProcessOptions,
): Promise<CallgateProcess> {
  mkdirSync(options.dir, { recursive: true });
  for (const [name, text] of Object.entries(options.files ?? {})) {
    writeFileSync(join(options.dir, name), text, { mode: 0o600 });
  }
  const configFile = join(options.dir, `${role}.yaml`);
  writeFileSync(configFile, stringify(options.config));
  const nodeArgs = [
    ...(options.nodeFlags ?? deployedNodeFlags(role)),
    ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
  ];
  // Settings come from the file only: a DATABASE_URL or CALLGATE_HUB_* in the benchmark's own
  // environment must never point a benchmark's hub at a real database or port.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k !== 'DATABASE_URL' && !k.startsWith('CALLGATE_HUB_')),
  );
  const child = spawn(process.execPath, [...nodeArgs, CALLGATE, role, '--config', configFile], {
    cwd: options.dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  let announced: ((url: string) => void) | undefined;
  const listening = new Promise<string>((resolve, reject) => {
    announced = resolve;
    void exited.then((code) => reject(new Error(`callgate ${role} exited with ${code} before listening`)));
  });
  const onText = (text: string): void => {
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      // `callgate gateway SITE: listening on URL`, `callgate hub: listening on URL (sqlite)`
      const m = /listening on (\S+)/.exec(line);
      if (m?.[1]) announced?.(m[1]);
      else options.onOutput?.(line);
    }
  };
  child.stdout.setEncoding('utf8').on('data', onText);
  child.stderr.setEncoding('utf8').on('data', onText);
  const url = await listening;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (gone) throw new Error(`callgate ${role} exited before it was ready`);
    if (Date.now() > deadline) throw new Error(`callgate ${role} not ready after 60 s`);
    const status = await fetch(`${url}${readyPath}`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
