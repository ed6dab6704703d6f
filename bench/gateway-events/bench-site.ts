/**
 * One call-center site for the gateway benchmarks, every part in its own process on this
 * machine: the simulated Asterisk with its load (sim-process.ts), the gateway as
 * `callgate gateway` (gateway-process.ts), and the operators' browsers (operator-swarm-process.ts).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callCenter, siteConfig, type CallCenter, type CallCenterShape } from './call-center.js';
import { startGatewayProcess, type CallgateProcess } from './callgate-process.js';
import { HelperProcess } from './ipc.js';
import { clockOffsetMicros } from './monotonic-clock.js';
import type { BenchIssuer } from './operator-tokens.js';
import type { SimRunRequest, SimRunResult } from './sim-process.js';
import type { SwarmCollection } from './operator-swarm-process.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const SIM_ENTRY = join(HERE, 'sim-process.ts');
export const SWARM_ENTRY = join(HERE, 'operator-swarm-process.ts');
export const RAW_FANOUT_ENTRY = join(HERE, 'raw-fanout-process.ts');

export interface BenchSiteOptions {
  shape: CallCenterShape;
  /** A fresh directory for the gateway's configuration and data. */
  dir: string;
  issuer: BenchIssuer;
  cpuProfileDir?: string;
  /** Extra Node flags for the gateway process. */
  gatewayNodeFlags?: string[];
  /** Where the gateway keeps its outbox and command store (default `data` beside its configuration). */
  dataDir?: string;
  /** Extra `hub:` settings and files for a gateway linked to a hub (two-sites). */
  hub?: { settings: Record<string, string>; files: Record<string, string> };
  log: (line: string) => void;
}

export class BenchSite {
  readonly center: CallCenter;
  readonly config: Record<string, unknown>;
  readonly sim: HelperProcess;
  readonly swarm: HelperProcess;
  readonly gateway: CallgateProcess;
  readonly #tokens: Array<{ id: string; token: string }>;
  #stopping: Promise<void> | undefined;

  private constructor(
    center: CallCenter,
    config: Record<string, unknown>,
    sim: HelperProcess,
    swarm: HelperProcess,
    gateway: CallgateProcess,
    tokens: Array<{ id: string; token: string }>,
  ) {
    this.center = center;
    this.config = config;
    this.sim = sim;
    this.swarm = swarm;
    this.gateway = gateway;
    this.#tokens = tokens;
  }

  static async start(options: BenchSiteOptions): Promise<BenchSite> {
    const center = callCenter(options.shape);
    const sim = HelperProcess.start(SIM_ENTRY, 'pbx-sim process');
    const swarm = HelperProcess.start(SWARM_ENTRY, 'operators process');
    try {
      const ami = await sim.request<{ host: string; port: number }>({ type: 'init', shape: options.shape });
      const config = siteConfig(center, ami, {
        ...(options.hub ? { hub: options.hub.settings } : {}),
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      });
      const site = options.shape.site.id;
      const gateway = await startGatewayProcess({
        dir: options.dir,
        config,
        amiSecret: 'crm-secret',
        hubKeys: options.issuer.jwks,
        ...(options.hub ? { files: options.hub.files } : {}),
        ...(options.cpuProfileDir ? { cpuProfileDir: options.cpuProfileDir } : {}),
        ...(options.gatewayNodeFlags ? { nodeFlags: options.gatewayNodeFlags } : {}),
        onOutput: (line) => options.log(`  gateway ${site}: ${line}`),
      });
      const tokens = await Promise.all(
        center.operators.map(async (op) => ({ id: op.id, token: await options.issuer.sign(op, site) })),
      );
      return new BenchSite(center, config, sim, swarm, gateway, tokens);
    } catch (error) {
      await Promise.all([sim.stop(), swarm.stop()]);
      throw error;
    }
  }

  /** Logs every operator in (one WebSocket each); fails unless all of them got their welcome. */
  async connectOperators(): Promise<{ connected: number; ms: number }> {
    const r = await this.swarm.request<{ connected: number; failed: number; ms: number }>({
      type: 'connect',
      url: this.gateway.url,
      operators: this.#tokens,
      concurrency: 50,
    });
    if (r.failed > 0) throw new Error(`${r.failed} of ${this.#tokens.length} operators could not log in`);
    return r;
  }

  /** The clocks of the simulator and the operators' process against ours (must be ~0). */
  async clockOffsets(): Promise<{ simUs: number; operatorsUs: number; roundTripUs: number }> {
    const a = await clockOffsetMicros(this.sim.child);
    const b = await clockOffsetMicros(this.swarm.child);
    return { simUs: a.offsetUs, operatorsUs: b.offsetUs, roundTripUs: Math.max(a.roundTripUs, b.roundTripUs) };
  }

  resetOperators(recordFrames = false): Promise<null> {
    return this.swarm.request({ type: 'reset', recordFrames });
  }

  collectOperators(): Promise<SwarmCollection> {
    return this.swarm.request({ type: 'collect' });
  }

  runLoad(request: Omit<SimRunRequest, 'site'>): Promise<SimRunResult> {
    return this.sim.request({ type: 'run', ...request, site: this.config });
  }

  /** Operators leave, the gateway drains (SIGTERM), then the simulator stops. Safe to call twice. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.swarm.request({ type: 'disconnect' }).catch(() => null);
      await this.gateway.stop();
      await Promise.all([this.sim.stop(), this.swarm.stop()]);
    })();
    return this.#stopping;
  }
}
