/**
 * Where the hub's configuration comes from, highest first: command-line flags, environment
 * variables, the config file (YAML or JSON), the defaults in contracts' HubConfig. Any invalid
 * value is HUB_ERR_BAD_CONFIG naming the field (and the variable, when it came from one).
 *
 * Every setting but the list of dispositions has a variable (`HUB_CONFIG_VARIABLES`): the
 * listen address `CALLGATE_HUB_HOST`/`_PORT`, `DATABASE_URL` as every PostgreSQL tool names it,
 * `CALLGATE_LOG_LEVEL` for every role, and `CALLGATE_HUB_` with the field's path in capitals for
 * the rest (`tokens.ttlSeconds` → `CALLGATE_HUB_TOKENS_TTL_SECONDS`). docs/configuration.md
 * lists them; a test checks that every setting of the schema has one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyConfigEnv, parseHubConfig, type ConfigVariable, type HubConfig } from '@callgate/contracts';
import { parse as parseYaml } from 'yaml';
import { HubError, HubErrorCode } from './errors.js';

const v = (variable: string, field: string, kind: ConfigVariable['kind'] = 'text'): ConfigVariable => ({
  variable,
  field,
  kind,
});

export const HUB_CONFIG_VARIABLES: readonly ConfigVariable[] = [
  v('CALLGATE_HUB_HOST', 'listen.host'),
  v('CALLGATE_HUB_PORT', 'listen.port', 'integer'),
  v('CALLGATE_HUB_PUBLIC_URL', 'publicUrl'),
  v('CALLGATE_HUB_DATA_DIR', 'dataDir'),
  v('DATABASE_URL', 'database.url'),
  v('CALLGATE_HUB_DATABASE_SCHEMA', 'database.schema'),
  v('CALLGATE_HUB_TOKENS_TTL_SECONDS', 'tokens.ttlSeconds', 'integer'),
  v('CALLGATE_HUB_TOKENS_ROTATION_DAYS', 'tokens.rotationDays', 'integer'),
  v('CALLGATE_HUB_TOKENS_PREPUBLISH_HOURS', 'tokens.prepublishHours', 'integer'),
  v('CALLGATE_HUB_SESSIONS_TTL_HOURS', 'sessions.ttlHours', 'integer'),
  v('CALLGATE_HUB_SESSIONS_SECURE_COOKIE', 'sessions.secureCookie', 'boolean'),
  v('CALLGATE_HUB_LOGIN_MAX_FAILURES_PER_ACCOUNT', 'login.maxFailuresPerAccount', 'integer'),
  v('CALLGATE_HUB_LOGIN_MAX_FAILURES_PER_ADDRESS', 'login.maxFailuresPerAddress', 'integer'),
  v('CALLGATE_HUB_LOGIN_WINDOW_SECONDS', 'login.windowSeconds', 'integer'),
  v('CALLGATE_HUB_PASSWORDS_MIN_LENGTH', 'passwords.minLength', 'integer'),
  v('CALLGATE_HUB_CONTACTS_DEFAULT_COUNTRY', 'contacts.defaultCountry'),
  v('CALLGATE_HUB_LIMITS_BODY_BYTES', 'limits.bodyBytes', 'integer'),
  v('CALLGATE_HUB_LIMITS_IMPORT_BYTES', 'limits.importBytes', 'integer'),
  v('CALLGATE_HUB_WEBHOOKS_MAX_ATTEMPTS', 'webhooks.maxAttempts', 'integer'),
  v('CALLGATE_HUB_WEBHOOKS_BACKOFF_SECONDS', 'webhooks.backoffSeconds', 'number-list'),
  v('CALLGATE_HUB_WEBHOOKS_TIMEOUT_SECONDS', 'webhooks.timeoutSeconds', 'number'),
  v('CALLGATE_HUB_WEBHOOKS_CONCURRENCY', 'webhooks.concurrency', 'integer'),
  v('CALLGATE_HUB_LIVE_VIEW_SERVICE_LEVEL_SECONDS', 'liveView.serviceLevelSeconds', 'integer'),
  v('CALLGATE_HUB_LIVE_VIEW_TICK_MS', 'liveView.tickMs', 'integer'),
  v('CALLGATE_HUB_LIVE_VIEW_MAX_BUFFERED_BYTES', 'liveView.maxBufferedBytes', 'integer'),
  v('CALLGATE_HUB_PANEL_DIR', 'panelDir'),
  v('CALLGATE_HUB_TRUST_PROXY', 'trustProxy', 'boolean'),
  v('CALLGATE_HUB_METRICS_ENABLED', 'metrics.enabled', 'boolean'),
  v('CALLGATE_LOG_LEVEL', 'logLevel'),
];

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
  // Paths in variables are kept as written: like the flags, relative to the working directory.
  const fromEnv = applyConfigEnv(
    options.file === undefined ? {} : readFile(options.file),
    HUB_CONFIG_VARIABLES,
    env,
    (path) => path,
  );
  const raw = fromEnv.settings as Json;
  const from: string[] = [...fromEnv.sources].map(([field, variable]) => `${field} (from ${variable})`);
  const set = (path: string, value: unknown, source: string) => {
    const keys = path.split('.');
    let target = raw;
    for (const key of keys.slice(0, -1)) target = section(target, key);
    target[keys[keys.length - 1] as string] = value;
    from.push(`${path} (from ${source})`);
  };
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
