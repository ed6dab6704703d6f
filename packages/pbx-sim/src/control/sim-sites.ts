/**
 * `callgate sim --config FILE` as a library: every site of the configuration started as its
 * own simulated Asterisk, its load generator, and the optional HTTP control interface.
 */
import { readFile } from 'node:fs/promises';
import type { SimConfig, SimSiteConfig } from '@callgate/contracts';
import { RealScheduler, type Scheduler } from '../clock/scheduler.js';
import { SimError, SimErrorCode } from '../errors.js';
import { LoadGenerator } from '../load/load-generator.js';
import { startPbxSim, type PbxSim, type PbxSimUser } from '../pbx-sim.js';
import { startHttpControl, type HttpControl } from './http-control.js';
import { worldFromSite } from './site-world.js';

export interface SimSite {
  readonly config: SimSiteConfig;
  readonly sim: PbxSim;
  /** Present when the site has a `load` section. */
  readonly load: LoadGenerator | undefined;
}

export interface SimSites {
  readonly sites: ReadonlyMap<string, SimSite>;
  readonly http: HttpControl | undefined;
  stop(): Promise<void>;
}

export interface SimSitesOptions {
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** One scheduler per site; default real time. */
  scheduler?: (siteId: string) => Scheduler;
  /** Reads secret and token files (first line); default the file system. */
  readSecret?: (file: string) => Promise<string>;
}

async function firstLine(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).split(/\r?\n/)[0]?.trim() ?? '';
  } catch (error) {
    throw new SimError(
      SimErrorCode.BadConfig,
      `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export async function startSimSites(config: SimConfig, options: SimSitesOptions = {}): Promise<SimSites> {
  const readSecret = options.readSecret ?? firstLine;
  const sites = new Map<string, SimSite>();
  let http: HttpControl | undefined;
  const stopAll = async (): Promise<void> => {
    await http?.close();
    for (const site of sites.values()) {
      site.load?.stop();
      await site.sim.stop();
    }
  };
  try {
    for (const site of config.sites) {
      const users: PbxSimUser[] = [];
      for (const u of site.ami.users) {
        const secret = u.secret ?? (u.secretFile !== undefined ? await readSecret(u.secretFile) : '');
        if (secret === '')
          throw new SimError(SimErrorCode.BadConfig, `site ${site.id}: AMI user ${u.username} has an empty secret`);
        users.push({ username: u.username, secret, read: u.read, write: u.write });
      }
      const sim = await startPbxSim({
        host: site.ami.host,
        port: site.ami.port,
        flavour: site.flavour,
        world: worldFromSite(site),
        users,
        seed: site.seed,
        scheduler: options.scheduler?.(site.id) ?? new RealScheduler(),
        ...(options.log
          ? { log: (m: string, f?: Record<string, unknown>) => options.log?.(m, { site: site.id, ...f }) }
          : {}),
      });
      let load: LoadGenerator | undefined;
      if (site.load) {
        load = new LoadGenerator(sim.pbx.world, {
          callsPerSecond: site.load.callsPerSecond,
          ...(site.load.lines ? { lines: site.load.lines } : {}),
          talkSeconds: site.load.talkSeconds,
          patienceSeconds: site.load.patienceSeconds,
          ...(site.operators.answerAfterSeconds ? { operatorAnswerSeconds: site.operators.answerAfterSeconds } : {}),
          callerPrefix: site.load.callerPrefix,
          ...(site.load.durationSeconds !== undefined ? { durationSeconds: site.load.durationSeconds } : {}),
          seed: site.seed,
        });
        if (site.load.autostart) load.start();
      }
      sites.set(site.id, { config: site, sim, load });
    }
    if (config.control) {
      const token = config.control.tokenFile !== undefined ? await readSecret(config.control.tokenFile) : undefined;
      const loopback = ['127.0.0.1', '::1', 'localhost'].includes(config.control.host);
      if (!loopback && !token) {
        throw new SimError(
          SimErrorCode.BadConfig,
          `control.host ${config.control.host} is not loopback: set control.tokenFile so requests need a token`,
        );
      }
      http = await startHttpControl({ host: config.control.host, port: config.control.port, token, sites });
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  return { sites, http, stop: stopAll };
}
