/** Loading the site configuration file (docs/configuration.md). */
export {
  loadSiteConfig,
  parseConfigText,
  readSecretFile,
  validateSiteConfig,
  type LoadOptions,
  type LoadedSiteConfig,
} from './load-site-config.js';
