/**
 * A real site for end-to-end tests: pbx-sim (Asterisk over real TCP AMI) + a real gateway on
 * port 0, configured from a real YAML file, with tokens signed by a test hub key.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { stringify } from 'yaml';
import { startPbxSim, type AriOptions, type PbxSim } from '@callgate/pbx-sim';
import { loadSiteConfig } from '../../src/config/index.js';
import { startGateway, type RunningGateway } from '../../src/gateway.js';
import { OperatorClient } from './operator-client.js';
import { testIssuer, type TestIssuer } from './tokens.js';
import { LAB_SITE, OPERATORS } from './site-config.js';

export interface Harness {
  sim: PbxSim;
  gateway: RunningGateway;
  issuer: TestIssuer;
  dir: string;
  token(operatorId: string, extension?: string): Promise<string>;
  login(operatorId: string, extension?: string): Promise<OperatorClient>;
  stop(): Promise<void>;
}

export { OPERATORS };

export async function waitUntil(test: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The gateway offers a call as soon as Asterisk dials the phone; the phone rings a moment later. */
export async function answerWhenRinging(h: Harness, extension: string): Promise<void> {
  await waitUntil(() => h.sim.control.phone(extension).ringing, `phone ${extension} rings`);
  h.sim.control.phone(extension).answer();
}

export interface HarnessOptions {
  /**
   * Serve ARI from pbx-sim and configure the gateway's hold from the browser with it
   * (`hold: { method: ari, ariUrl: <the sim's ARI>, … }`).
   */
  ari?: Omit<AriOptions, 'port'>;
  /** Called with the site's directory before the gateway starts (to place cached files). */
  prepare?: (dir: string) => void;
}

export async function startHarness(
  overrides: Record<string, unknown> = {},
  options: HarnessOptions = {},
): Promise<Harness> {
  const sim = await startPbxSim(options.ari ? { ari: { ...options.ari, port: 0 } } : {});
  const issuer = await testIssuer();
  const dir = mkdtempSync(join(tmpdir(), 'callgate-gw-'));
  writeFileSync(join(dir, 'ami.secret'), 'crm-secret\n', { mode: 0o600 });
  const hold =
    options.ari && sim.ari
      ? {
          hold: {
            method: 'ari',
            ariUrl: sim.ari.url,
            ariUsername: options.ari.username,
            ariPasswordFile: 'ari.secret',
          },
        }
      : {};
  if (options.ari) writeFileSync(join(dir, 'ari.secret'), `${options.ari.password}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'hub-keys.json'), JSON.stringify(issuer.jwks));
  const config = {
    ...LAB_SITE,
    ami: { host: sim.host, port: sim.port, username: 'crm', secretFile: 'ami.secret' },
    listen: { host: '127.0.0.1', port: 0 },
    wrapUp: { timeoutSeconds: 2 },
    hub: { publicKeyFile: 'hub-keys.json' },
    dataDir: 'data',
    logLevel: 'warn',
    ...hold,
    ...overrides,
  };
  writeFileSync(join(dir, 'gateway.yaml'), stringify(config));
  options.prepare?.(dir);
  const loaded = await loadSiteConfig(join(dir, 'gateway.yaml'));
  const gateway = await startGateway(loaded, {
    logger: pino({ level: process.env.CALLGATE_TEST_LOG ?? 'silent' }),
    ami: { reconnect: { initialDelayMs: 50, maxDelayMs: 500 } },
    ...(loaded.ariPassword !== undefined ? { ariPassword: loaded.ariPassword } : {}),
  });
  await waitUntil(() => gateway.telephony.connected, 'the gateway is logged in to pbx-sim');
  const token = (operatorId: string, extension?: string): Promise<string> => {
    const op = OPERATORS.find((o) => o.id === operatorId);
    return issuer.sign({ sub: operatorId, ext: extension ?? op?.extension ?? '' });
  };
  return {
    sim,
    gateway,
    issuer,
    dir,
    token,
    async login(operatorId, extension) {
      const { client } = await OperatorClient.login(gateway.url, await token(operatorId, extension));
      return client;
    },
    async stop() {
      await gateway.stop();
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
