/**
 * `@callgate/panel` for Node: building and locating the browser bundle. The panel itself is the
 * browser app under src/app (entry src/main.tsx); the hub and the gateway serve `panelDistDir`.
 */
export {
  buildPanel,
  ensurePanelBuilt,
  inputsHash,
  panelDistDir,
  panelRoot,
  readBuildInfo,
  type BuildInfo,
  type BuiltFile,
} from './build/build-panel.js';
export { PanelError, PanelErrorCode } from './errors.js';
