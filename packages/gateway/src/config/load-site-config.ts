/**
 * Loads the site gateway's configuration file (docs/configuration.md): YAML, or JSON when the
 * file name ends in `.json`. Every problem is reported as `GW_ERR_CONFIG` naming the field and
 * the reason (`operators[2].endpoint: must match …`, `ami.secretFile: cannot read …`), all of
 * them at once, so a broken file is fixed in one go.
 *
 * Relative paths in the file (`ami.secretFile`, `hold.ariPasswordFile`, `hub.*File`, `siteLogin.panelDir`, `dataDir`) are relative to the
 * file itself, not to wherever the gateway was started from. Secrets are read from their files
 * and never logged.
 *
 * With `env`, the `CALLGATE_GATEWAY_*` variables override the file's settings
 * (./site-config-env.ts); an error about a value that came from one names the variable.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { parseSiteConfig, type SiteConfig } from '@callgate/contracts';
import { GatewayError, GatewayErrorCode } from '../errors.js';
import { applySiteConfigEnv, nameSource, type Environment } from './site-config-env.js';

export interface LoadedSiteConfig {
  config: SiteConfig;
  /** Absolute path of the file read. */
  path: string;
  /** The AMI secret (first line of `ami.secretFile`); empty when secrets were not read. */
  amiSecret: string;
  /** The ARI password (first line of `hold.ariPasswordFile`) when `hold.method` is `ari`. */
  ariPassword: string | undefined;
  /** Things that work but should be fixed (a secret file others can read). */
  warnings: string[];
}

export interface LoadOptions {
  /** Read `ami.secretFile` (default true). `callgate replay` needs no secrets. */
  readSecrets?: boolean;
  /**
   * Environment whose `CALLGATE_GATEWAY_*` variables override the file (`callgate gateway`
   * passes `process.env`). Absent: the file alone, as tests and embedded gateways want.
   */
  env?: Environment;
  /** What relative paths in variables are relative to (default: the working directory). */
  cwd?: string;
}

function configError(path: string, problems: readonly string[]): GatewayError {
  return new GatewayError(GatewayErrorCode.Config, `site configuration ${path}: ${problems.join('; ')}`);
}

function errnoText(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) {
    const code = String(error.code);
    if (code === 'ENOENT') return 'no such file';
    if (code === 'EACCES') return 'permission denied';
    if (code === 'EISDIR') return 'is a directory';
    return code;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Parses the text of a config file: JSON for `.json`, YAML otherwise. */
export function parseConfigText(text: string, path: string): unknown {
  if (extname(path).toLowerCase() === '.json') {
    try {
      const value: unknown = JSON.parse(text);
      return value;
    } catch (error) {
      throw configError(path, [`not valid JSON (${error instanceof Error ? error.message : String(error)})`]);
    }
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw configError(
      path,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return `${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}${e.message.split('\n')[0] ?? e.code}`;
      }),
    );
  }
  return doc.toJS() as unknown;
}

/**
 * Validates a parsed config and resolves its relative paths against `baseDir`. `sources` names
 * the environment variable behind a field, for the error message.
 */
export function validateSiteConfig(
  input: unknown,
  path: string,
  baseDir: string,
  sources: ReadonlyMap<string, string> = new Map(),
): SiteConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw configError(path, ['must be a mapping of settings (site, ami, operators, …)']);
  }
  const parsed = parseSiteConfig(input);
  if (!parsed.ok) {
    throw configError(
      path,
      parsed.error.problems.map((p) => {
        if (!p.path) return p.reason;
        const variable = nameSource(p.path, sources);
        return `${p.path}: ${p.reason}${variable === undefined ? '' : ` (from ${variable})`}`;
      }),
    );
  }
  const config = parsed.value;
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p));
  config.ami.secretFile = at(config.ami.secretFile);
  config.dataDir = at(config.dataDir);
  if (config.hub.credentialFile !== undefined) config.hub.credentialFile = at(config.hub.credentialFile);
  if (config.hub.publicKeyFile !== undefined) config.hub.publicKeyFile = at(config.hub.publicKeyFile);
  if (config.siteLogin.panelDir !== undefined) config.siteLogin.panelDir = at(config.siteLogin.panelDir);
  if (config.hold.ariPasswordFile !== undefined) config.hold.ariPasswordFile = at(config.hold.ariPasswordFile);
  return config;
}

/** Reads the first line of a secret file; the field name goes into every error. */
export async function readSecretFile(
  file: string,
  field: string,
  configPath: string,
): Promise<{ secret: string; warning?: string }> {
  let text: string;
  let mode: number;
  try {
    text = await readFile(file, 'utf8');
    mode = (await stat(file)).mode;
  } catch (error) {
    throw configError(configPath, [`${field}: cannot read ${file}: ${errnoText(error)}`]);
  }
  const secret = (text.split(/\r?\n/)[0] ?? '').trim();
  if (secret === '') throw configError(configPath, [`${field}: ${file} is empty (the secret is its first line)`]);
  // The secret goes into AMI headers: a control character would be an injection, never escaped.
  if (/[\u0000-\u001f\u007f]/.test(secret)) {
    throw configError(configPath, [`${field}: ${file} holds a control character in its first line`]);
  }
  const warning =
    process.platform !== 'win32' && (mode & 0o077) !== 0
      ? `${field}: ${file} can be read by other users (chmod 600 it)`
      : undefined;
  return warning === undefined ? { secret } : { secret, warning };
}

/** Reads, parses and validates a site configuration file (and its AMI secret). */
export async function loadSiteConfig(file: string, options: LoadOptions = {}): Promise<LoadedSiteConfig> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw configError(path, [`cannot read the file: ${errnoText(error)}`]);
  }
  const { settings, sources } = applySiteConfigEnv(
    parseConfigText(text, path),
    options.env ?? {},
    options.cwd ?? process.cwd(),
  );
  const config = validateSiteConfig(settings, path, dirname(path), sources);
  const fieldName = (field: string): string => {
    const variable = sources.get(field);
    return variable === undefined ? field : `${field} (from ${variable})`;
  };
  const warnings: string[] = [];
  let amiSecret = '';
  let ariPassword: string | undefined;
  if (options.readSecrets ?? true) {
    const ami = await readSecretFile(config.ami.secretFile, fieldName('ami.secretFile'), path);
    amiSecret = ami.secret;
    if (ami.warning !== undefined) warnings.push(ami.warning);
    if (config.hold.method === 'ari' && config.hold.ariPasswordFile !== undefined) {
      const ari = await readSecretFile(config.hold.ariPasswordFile, fieldName('hold.ariPasswordFile'), path);
      ariPassword = ari.secret;
      if (ari.warning !== undefined) warnings.push(ari.warning);
    }
  }
  return { config, path, amiSecret, ariPassword, warnings };
}
