/**
 * Where the hub's configuration comes from, highest first: command-line flags, environment
 * variables, the config file (YAML or JSON), the defaults in contracts' HubConfig. Any invalid
 * value is HUB_ERR_BAD_CONFIG naming the field (and the variable, when it came from one).
 *
 * | variable                 | field          |
 * | ------------------------ | -------------- |
 * | DATABASE_URL             | database.url   |
 * | CALLGATE_HUB_HOST        | listen.host    |
 * | CALLGATE_HUB_PORT        | listen.port    |
 * | CALLGATE_HUB_PUBLIC_URL  | publicUrl      |
 * | CALLGATE_HUB_DATA_DIR    | dataDir        |
 * | CALLGATE_LOG_LEVEL       | logLevel       |
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHubConfig, type HubConfig } from '@callgate/contracts';
import { parse as parseYaml } from 'yaml';
import { HubError, HubErrorCode } from './errors.js';

export interface HubConfigOverrides {
  host?: string;
  port?: number;
  dataDir?: string;
  publicUrl?: string;
}

type Json = Record<string, unknown>;

function section(target: Json, key: string): Json {
  const existing = target[key];
  if (typeof existing === 'object' && existing !== null && !Array.isArray(existing)) return existing as Json;
  const created: Json = {};
  target[key] = created;
  return created;
}

function readFile(file: string): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HubError(HubErrorCode.BadConfig, `cannot read config file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new HubError(
      HubErrorCode.BadConfig,
      `config file ${file} is not valid YAML/JSON: ${(error as Error).message}`,
    );
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new HubError(HubErrorCode.BadConfig, `config file ${file} must hold a mapping of settings`);
  }
  return parsed as Json;
}

export function loadHubConfig(
  options: { file?: string; env?: NodeJS.ProcessEnv; overrides?: HubConfigOverrides } = {},
): HubConfig {
  const env = options.env ?? process.env;
  const raw = options.file === undefined ? {} : readFile(options.file);
  const from: string[] = [];
  const set = (path: string, value: unknown, source: string) => {
    const keys = path.split('.');
    let target = raw;
    for (const key of keys.slice(0, -1)) target = section(target, key);
    target[keys[keys.length - 1] as string] = value;
    from.push(`${path} (from ${source})`);
  };
  const port = (value: string, source: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n))
      throw new HubError(HubErrorCode.BadConfig, `${source} must be a port number, got "${value}"`);
    return n;
  };
  if (env.DATABASE_URL) set('database.url', env.DATABASE_URL, 'DATABASE_URL');
  if (env.CALLGATE_HUB_HOST) set('listen.host', env.CALLGATE_HUB_HOST, 'CALLGATE_HUB_HOST');
  if (env.CALLGATE_HUB_PORT) set('listen.port', port(env.CALLGATE_HUB_PORT, 'CALLGATE_HUB_PORT'), 'CALLGATE_HUB_PORT');
  if (env.CALLGATE_HUB_PUBLIC_URL) set('publicUrl', env.CALLGATE_HUB_PUBLIC_URL, 'CALLGATE_HUB_PUBLIC_URL');
  if (env.CALLGATE_HUB_DATA_DIR) set('dataDir', env.CALLGATE_HUB_DATA_DIR, 'CALLGATE_HUB_DATA_DIR');
  if (env.CALLGATE_LOG_LEVEL) set('logLevel', env.CALLGATE_LOG_LEVEL, 'CALLGATE_LOG_LEVEL');
  const o = options.overrides ?? {};
  if (o.host !== undefined) set('listen.host', o.host, '--host');
  if (o.port !== undefined) set('listen.port', o.port, '--port');
  if (o.dataDir !== undefined) set('dataDir', o.dataDir, '--data-dir');
  if (o.publicUrl !== undefined) set('publicUrl', o.publicUrl, '--public-url');
  const parsed = parseHubConfig(raw);
  if (!parsed.ok) {
    const overridden = from.length === 0 ? '' : ` (overridden: ${from.join(', ')})`;
    throw new HubError(HubErrorCode.BadConfig, `${parsed.error.message}${overridden}`, {
      problems: parsed.error.problems,
    });
  }
  return parsed.value;
}

/** The database URL the config means: `database.url`, or the SQLite file in `dataDir`. */
export function databaseUrlOf(config: HubConfig): string {
  return config.database.url ?? join(config.dataDir, 'hub.sqlite');
}
