// Plain JavaScript (it runs before anything can compile TypeScript): is there a bundle built
// from exactly the sources in this checkout? See packages/cli/src/build/build-bundle.ts.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cliRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(cliRoot, '../..');
const bundleDir = join(cliRoot, 'dist', 'bundle');

/**
 * The bundle's entry URL when every source file it was built from is unchanged, else the reason
 * it cannot be used (no build, or the first changed file).
 */
export function freshBundle(dir = bundleDir) {
  let info;
  try {
    info = JSON.parse(readFileSync(join(dir, 'build-info.json'), 'utf8'));
  } catch {
    return { entry: null, reason: 'no build (npm run build)' };
  }
  for (const [path, sha] of Object.entries(info.inputs ?? {})) {
    let text;
    try {
      text = readFileSync(join(repoRoot, path));
    } catch {
      return { entry: null, reason: `${path} is gone since the build` };
    }
    if (createHash('sha256').update(text).digest('hex') !== sha) {
      return { entry: null, reason: `${path} changed since the build (npm run build)` };
    }
  }
  return { entry: pathToFileURL(join(dir, info.entry)).href, reason: null };
}
