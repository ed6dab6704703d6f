/**
 * `startPbxSim`: a simulated Asterisk listening for AMI on TCP, with the control API that
 * scripts the people and phones around it. This is the entry point tests, the demo and the
 * load generator use.
 */
import { startAriServer, type AriOptions, type AriServer } from './ari/ari-server.js';
import { RealScheduler, type Scheduler } from './clock/scheduler.js';
import { amiUser, labUsers, type AmiUser } from './ami/ami-users.js';
import { SimControl } from './control/sim-control.js';
import type { FlavourId } from './model/flavour.js';
import { labWorld, type WorldConfig } from './model/world-config.js';
import { SimulatedAsterisk } from './simulated-asterisk.js';

export interface PbxSimUser {
  username: string;
  secret: string;
  /** manager.conf `read`, e.g. `all` or `call,reporting`. Default `all`. */
  read?: string;
  /** manager.conf `write`. Default `all`. */
  write?: string;
}

export interface PbxSimOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: the OS picks a free port (read it from `port`). */
  port?: number;
  /** `asterisk-22` (PJSIP, banner 11.0.0; default) or `asterisk-20-chansip` (SIP/, banner 9.0.0). */
  flavour?: FlavourId;
  /** The world; default the lab of the recordings (`labWorld(flavour)`). */
  world?: WorldConfig;
  /** AMI users; default `crm`/`crm-secret` (all) and `crm-limited`/`limited-secret`. */
  users?: PbxSimUser[];
  /** Time source; default real time. Pass a `VirtualScheduler` to drive time by hand. */
  scheduler?: Scheduler;
  /** Seeds bridge ids, Call-IDs and RTP values; the same seed gives the same run. */
  seed?: number;
  /** The version CoreSettings reports (default the flavour's); overrides `world.asteriskVersion`. */
  asteriskVersion?: string;
  /** The simulated Asterisk's clock minus this host's, in ms; overrides `world.clockOffsetMs`. */
  clockOffsetMs?: number;
  /** Also serve a minimal ARI (asterisk/info, channel hold) on HTTP; off by default. */
  ari?: AriOptions;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface PbxSim {
  readonly host: string;
  /** The AMI port (the one the OS picked when `port` was 0). Unchanged by restarts. */
  readonly port: number;
  readonly control: SimControl;
  /** The simulated Asterisk itself (world model, AMI server) for advanced use. */
  readonly pbx: SimulatedAsterisk;
  /** The ARI listener when `ari` was given (`ari.url` is what a gateway's `hold.ariUrl` names). */
  readonly ari: AriServer | undefined;
  /** Closes the AMI and ARI ports and every connection, cancels every timer. */
  stop(): Promise<void>;
}

export async function startPbxSim(options: PbxSimOptions = {}): Promise<PbxSim> {
  const flavour = options.flavour ?? options.world?.flavour ?? 'asterisk-22';
  const world: WorldConfig = {
    ...(options.world ?? labWorld(flavour)),
    ...(options.asteriskVersion !== undefined ? { asteriskVersion: options.asteriskVersion } : {}),
    ...(options.clockOffsetMs !== undefined ? { clockOffsetMs: options.clockOffsetMs } : {}),
  };
  const users: AmiUser[] = options.users
    ? options.users.map((u) => amiUser(u.username, u.secret, u.read ?? 'all', u.write ?? 'all'))
    : labUsers();
  const host = options.host ?? '127.0.0.1';
  const pbx = await SimulatedAsterisk.start({
    world: { ...world, flavour },
    users,
    host,
    port: options.port ?? 0,
    scheduler: options.scheduler ?? new RealScheduler(),
    seed: options.seed ?? 1,
    ...(options.log ? { log: options.log } : {}),
  });
  const control = new SimControl(pbx);
  let ari: AriServer | undefined;
  if (options.ari) {
    try {
      ari = await startAriServer(pbx, { host, ...options.ari });
    } catch (error) {
      await pbx.stop();
      throw error;
    }
  }
  return {
    host,
    get port() {
      return pbx.port;
    },
    control,
    pbx,
    ari,
    async stop() {
      await ari?.close();
      await pbx.stop();
    },
  };
}
