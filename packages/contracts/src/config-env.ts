/**
 * Environment variables over a configuration file (the hub's and the gateway's): one variable
 * per setting, its value converted to what the schema expects and put into the file's settings
 * before they are validated, so a bad value is reported like a bad field — with the variable
 * named. The variable tables themselves live with each loader (hub-config-file.ts,
 * site-config-env.ts) and in docs/configuration.md.
 *
 * Pure, and free of Node APIs (contracts also runs in the browser): paths are resolved by the
 * caller's `resolvePath`.
 */

export type ConfigVariableKind = 'text' | 'integer' | 'number' | 'boolean' | 'list' | 'number-list' | 'path';

export interface ConfigVariable {
  variable: string;
  /** The field's path in the file, as errors name it (`ami.port`). */
  field: string;
  kind: ConfigVariableKind;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export interface ConfigOverrides {
  /** The file's settings with the variables' values put in (a copy; the input is not changed). */
  settings: unknown;
  /** Field path → the variable that set it, for error messages. */
  sources: ReadonlyMap<string, string>;
}

const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;

/**
 * A value as the schema expects it; one that cannot be converted is passed on as text so the
 * validator reports it ("ami.port: must be integer (from CALLGATE_GATEWAY_AMI_PORT)").
 */
export function convertConfigValue(
  value: string,
  kind: ConfigVariableKind,
  resolvePath: (path: string) => string,
): unknown {
  const trimmed = value.trim();
  const list = (): string[] =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  switch (kind) {
    case 'integer':
      return /^-?[0-9]+$/.test(trimmed) ? Number(trimmed) : value;
    case 'number':
      return NUMBER.test(trimmed) ? Number(trimmed) : value;
    case 'boolean': {
      const word = trimmed.toLowerCase();
      if (['true', 'yes', 'on', '1'].includes(word)) return true;
      if (['false', 'no', 'off', '0'].includes(word)) return false;
      return value;
    }
    case 'list':
      return list();
    case 'number-list':
      return list().map((item) => (NUMBER.test(item) ? Number(item) : item));
    case 'path':
      return resolvePath(value);
    case 'text':
      return value;
  }
}

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Puts every set (non-empty) variable into the file's settings. Settings that are not a mapping
 * are returned as they are (the validator says so), unless they are empty and variables fill them.
 */
export function applyConfigEnv(
  fileSettings: unknown,
  variables: readonly ConfigVariable[],
  env: Environment,
  resolvePath: (path: string) => string,
): ConfigOverrides {
  const sources = new Map<string, string>();
  const set = variables.filter((v) => (env[v.variable] ?? '') !== '');
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
    target[keys[keys.length - 1] ?? field] = convertConfigValue(env[variable] ?? '', kind, resolvePath);
    sources.set(field, variable);
  }
  return { settings, sources };
}

/** The variable behind a problem's path (`pauseReasons[1]` → the variable of `pauseReasons`). */
export function configVariableOf(path: string, sources: ReadonlyMap<string, string>): string | undefined {
  for (const [field, variable] of sources) {
    if (path === field || path.startsWith(`${field}[`) || path.startsWith(`${field}.`)) return variable;
  }
  return undefined;
}
