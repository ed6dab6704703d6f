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
import {
  applyConfigEnv,
  configVariableOf,
  type ConfigOverrides,
  type ConfigVariable,
  type ConfigVariableKind,
  type Environment,
} from '@callgate/contracts';

export type SiteConfigVariableKind = ConfigVariableKind;
export type SiteConfigVariable = ConfigVariable;
export type SiteConfigOverrides = ConfigOverrides;
export type { Environment };

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
  v('CALLGATE_GATEWAY_HOLD_PHONE_TIMEOUT_MS', 'hold.phoneTimeoutMs', 'integer'),
  v('CALLGATE_GATEWAY_HOLD_ARI_URL', 'hold.ariUrl'),
  v('CALLGATE_GATEWAY_HOLD_ARI_USERNAME', 'hold.ariUsername'),
  v('CALLGATE_GATEWAY_HOLD_ARI_PASSWORD_FILE', 'hold.ariPasswordFile', 'path'),
  v('CALLGATE_GATEWAY_SITE_LOGIN_MODE', 'siteLogin.mode'),
  v('CALLGATE_GATEWAY_SITE_LOGIN_TOKEN_TTL_SECONDS', 'siteLogin.tokenTtlSeconds', 'integer'),
  v('CALLGATE_GATEWAY_SITE_LOGIN_SESSION_HOURS', 'siteLogin.sessionHours', 'integer'),
  v('CALLGATE_GATEWAY_SITE_LOGIN_PANEL_DIR', 'siteLogin.panelDir', 'path'),
  v('CALLGATE_GATEWAY_WRAP_UP_TIMEOUT_SECONDS', 'wrapUp.timeoutSeconds', 'integer'),
  v('CALLGATE_GATEWAY_PAUSE_REASONS', 'pauseReasons', 'list'),
  v('CALLGATE_GATEWAY_HUB_URL', 'hub.url'),
  v('CALLGATE_GATEWAY_HUB_CREDENTIAL_FILE', 'hub.credentialFile', 'path'),
  v('CALLGATE_GATEWAY_HUB_PUBLIC_KEY_FILE', 'hub.publicKeyFile', 'path'),
  v('CALLGATE_GATEWAY_DATA_DIR', 'dataDir', 'path'),
  v('CALLGATE_LOG_LEVEL', 'logLevel'),
];

/**
 * Puts every set (non-empty) variable into the file's settings; a relative path in a variable
 * is relative to `cwd`, as a path typed in a shell means.
 */
export function applySiteConfigEnv(fileSettings: unknown, env: Environment, cwd: string): SiteConfigOverrides {
  return applyConfigEnv(fileSettings, SITE_CONFIG_VARIABLES, env, (path) =>
    isAbsolute(path) ? path : resolve(cwd, path),
  );
}

/** `ami.port: must be <= 65535` → `… (from CALLGATE_GATEWAY_AMI_PORT)` when a variable set it. */
export const nameSource = configVariableOf;
