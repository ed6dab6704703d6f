/**
 * Where the panel's files are on disk. Found by package name, not relative to the importing
 * file: this code also runs from the `callgate` bundle (packages/cli/dist/bundle, see
 * packages/cli/src/build/build-bundle.ts), where `import.meta.url` is the bundle's.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const resolvePackage = (name: string): string =>
  dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));

/** packages/panel */
export const panelRoot = resolvePackage('@callgate/panel');
/** Where the built bundle is: serve this directory at the panel's URL. */
export const panelDistDir = join(panelRoot, 'dist');
/** The contracts' sources, which the build aliases for the browser. */
export const contractsSrc = join(resolvePackage('@callgate/contracts'), 'src');
