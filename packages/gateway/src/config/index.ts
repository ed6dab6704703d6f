/** Loading the site configuration file and its environment overrides (docs/configuration.md). */
export {
  loadSiteConfig,
  parseConfigText,
  readSecretFile,
  validateSiteConfig,
  type LoadOptions,
  type LoadedSiteConfig,
} from './load-site-config.js';
export {
  applySiteConfigEnv,
  GATEWAY_CONFIG_VARIABLE,
  SITE_CONFIG_VARIABLES,
  type Environment,
  type SiteConfigOverrides,
  type SiteConfigVariable,
  type SiteConfigVariableKind,
} from './site-config-env.js';
