/**
 * Environment variables that override the site configuration file, one per setting, so a
 * container or a systemd unit can change a port, an address or a secret file without editing
 * the file. Where a value comes from, highest first: the variable, the file, the default.
 *
 * The names follow the hub's (`CALLGATE_HUB_HOST`, `CALLGATE_HUB_PORT`, …): the listen address
 * is `CALLGATE_GATEWAY_HOST`/`_PORT`/`_PUBLIC_URL`, every other field is `CALLGATE_GATEWAY_` and
 * its path in capitals (`ami.secretFile` → `CALLGATE_GATEWAY_AMI_SECRET_FILE`), and the log
 * level is `CALLGATE_LOG_LEVEL` for every role. The structured lists (`operators`, `queues`,
 * `lines`) live only in the file. docs/configuration.md lists them all; a test keeps the two
 * in step and checks that every setting of the schema has its variable.
 *
 * Pure: the values are converted (numbers, booleans, comma-separated lists, paths made absolute
 * against the working directory, as a path typed in a shell means) and validated afterwards with
 * the rest of the file, so a bad value is reported like a bad field, with the variable named.
 */
import { isAbsolute, resolve } from 'node:path';

export type SiteConfigVariableKind = 'text' | 'integer' | 'boolean' | 'list' | 'path';

export interface SiteConfigVariable {
  variable: string;
  /** The field's path in the file, as errors name it (`ami.port`). */
  field: string;
  kind: SiteConfigVariableKind;
}

/** Where `callgate gateway` finds its file when `--config` is not given. */
export const GATEWAY_CONFIG_VARIABLE = 'CALLGATE_GATEWAY_CONFIG';

const v = (variable: string, field: string, kind: SiteConfigVariableKind = 'text'): SiteConfigVariable => ({
  variable,
  field,
  kind,
});

export const SITE_CONFIG_VARIABLES: readonly SiteConfigVariable[] = [
  v('CALLGATE_GATEWAY_SITE_ID', 'site.id'),
  v('CALLGATE_GATEWAY_SITE_NAME', 'site.name'),
  v('CALLGATE_GATEWAY_AMI_HOST', 'ami.host'),
  v('CALLGATE_GATEWAY_AMI_PORT', 'ami.port', 'integer'),
  v('CALLGATE_GATEWAY_AMI_USERNAME', 'ami.username'),
  v('CALLGATE_GATEWAY_AMI_SECRET_FILE', 'ami.secretFile', 'path'),
  v('CALLGATE_GATEWAY_AMI_AUTH', 'ami.auth'),
  v('CALLGATE_GATEWAY_AMI_TLS', 'ami.tls', 'boolean'),
  v('CALLGATE_GATEWAY_HOST', 'listen.host'),
  v('CALLGATE_GATEWAY_PORT', 'listen.port', 'integer'),
  v('CALLGATE_GATEWAY_PUBLIC_URL', 'listen.publicUrl'),
  v('CALLGATE_GATEWAY_DIALING_DEFAULT_COUNTRY', 'dialing.defaultCountry'),
  v('CALLGATE_GATEWAY_DIALING_ALLOWED_PREFIXES', 'dialing.allowedPrefixes', 'list'),
  v('CALLGATE_GATEWAY_DIALING_ORIGINATE_CONTEXT', 'dialing.originateContext'),
  v('CALLGATE_GATEWAY_DIALING_INTERNAL_CONTEXT', 'dialing.internalContext'),
  v('CALLGATE_GATEWAY_DIALING_DIAL_FORMAT', 'dialing.dialFormat'),
  v('CALLGATE_GATEWAY_DIALING_OPERATOR_RING_SECONDS', 'dialing.operatorRingSeconds', 'integer'),
  v('CALLGATE_GATEWAY_AUTO_ANSWER_METHOD', 'autoAnswer.method'),
  v('CALLGATE_GATEWAY_AUTO_ANSWER_CALL_INFO_HOST', 'autoAnswer.callInfoHost'),
  v('CALLGATE_GATEWAY_HOLD_METHOD', 'hold.method'),
  v('CALLGATE_GATEWAY_HOLD_ARI_URL', 'hold.ariUrl'),
  v('CALLGATE_GATEWAY_HOLD_ARI_USERNAME', 'hold.ariUsername'),
  v('CALLGATE_GATEWAY_HOLD_ARI_PASSWORD_FILE', 'hold.ariPasswordFile', 'path'),
  v('CALLGATE_GATEWAY_WRAP_UP_TIMEOUT_SECONDS', 'wrapUp.timeoutSeconds', 'integer'),
  v('CALLGATE_GATEWAY_PAUSE_REASONS', 'pauseReasons', 'list'),
  v('CALLGATE_GATEWAY_HUB_URL', 'hub.url'),
  v('CALLGATE_GATEWAY_HUB_CREDENTIAL_FILE', 'hub.credentialFile', 'path'),
  v('CALLGATE_GATEWAY_HUB_PUBLIC_KEY_FILE', 'hub.publicKeyFile', 'path'),
  v('CALLGATE_GATEWAY_DATA_DIR', 'dataDir', 'path'),
  v('CALLGATE_LOG_LEVEL', 'logLevel'),
];

export type Environment = Readonly<Record<string, string | undefined>>;

export interface SiteConfigOverrides {
  /** The file's settings with the variables' values put in (a new object; the input is not changed). */
  settings: unknown;
  /** Field path → the variable that set it, for error messages. */
  sources: ReadonlyMap<string, string>;
}

/**
 * A value as the schema expects it; one that cannot be converted is passed on as text so the
 * validator reports it ("ami.port: must be integer (from CALLGATE_GATEWAY_AMI_PORT)").
 */
function convert(value: string, kind: SiteConfigVariableKind, cwd: string): unknown {
  switch (kind) {
    case 'integer':
      return /^-?[0-9]+$/.test(value.trim()) ? Number(value.trim()) : value;
    case 'boolean': {
      const word = value.trim().toLowerCase();
      if (['true', 'yes', 'on', '1'].includes(word)) return true;
      if (['false', 'no', 'off', '0'].includes(word)) return false;
      return value;
    }
    case 'list':
      return value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    case 'path':
      return isAbsolute(value) ? value : resolve(cwd, value);
    case 'text':
      return value;
  }
}

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Puts every set (non-empty) variable into the file's settings. A file that is not a mapping is
 * returned as it is (the validator says so), unless it is empty and variables fill it.
 */
export function applySiteConfigEnv(fileSettings: unknown, env: Environment, cwd: string): SiteConfigOverrides {
  const sources = new Map<string, string>();
  const set = SITE_CONFIG_VARIABLES.filter((s) => (env[s.variable] ?? '') !== '');
  if (set.length === 0) return { settings: fileSettings, sources };
  const base = fileSettings === null || fileSettings === undefined ? {} : fileSettings;
  if (!isMapping(base)) return { settings: fileSettings, sources };
  const settings = structuredClone(base);
  for (const { variable, field, kind } of set) {
    const keys = field.split('.');
    let target: Record<string, unknown> = settings;
    for (const key of keys.slice(0, -1)) {
      const next = target[key];
      if (isMapping(next)) target = next;
      else {
        const created: Record<string, unknown> = {};
        target[key] = created;
        target = created;
      }
    }
    target[keys[keys.length - 1] ?? field] = convert(env[variable] ?? '', kind, cwd);
    sources.set(field, variable);
  }
  return { settings, sources };
}

/** `ami.port: must be <= 65535` → `… (from CALLGATE_GATEWAY_AMI_PORT)` when a variable set it. */
export function nameSource(path: string, sources: ReadonlyMap<string, string>): string | undefined {
  for (const [field, variable] of sources) {
    if (path === field || path.startsWith(`${field}[`) || path.startsWith(`${field}.`)) return variable;
  }
  return undefined;
}
