/**
 * `npm run build -w @callgate/cli`: the `callgate` command as plain JavaScript
 * (packages/cli/dist/bundle), so the daemons run without tsx. tsx compiles TypeScript on the fly
 * in a module-hooks thread — a second V8 isolate of about 35 MiB next to every gateway and hub
 * (bench/RESULTS.md, gateway-events). The bundle holds callgate's own code only (every npm
 * package stays external and is loaded from node_modules as usual), one chunk per lazily loaded
 * command, and `build-info.json` with a SHA-256 of every source file that went in:
 * bin/callgate.js runs the bundle only when all of them still match, and the sources through
 * tsx otherwise, so a checkout newer than its build can never run stale code.
 *
 * Why the directory is three levels below the package (dist/bundle/…): a few modules locate
 * files next to the sources with `import.meta.url` (the panel's dist, the recordings); at the
 * same depth as `src/<dir>/` those relative paths hold unchanged in the bundle.
 */
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const cliRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const repoRoot = resolve(cliRoot, '../..');
export const bundleDir = join(cliRoot, 'dist', 'bundle');

export interface BundleInfo {
  builtAt: string;
  /** The entry module, relative to the bundle directory. */
  entry: string;
  /** Every source file in the bundle, relative to the repository root, with its SHA-256. */
  inputs: Record<string, string>;
}

/** Builds into `outDir` (tests build elsewhere than the real bundle, at the same depth). */
export async function buildBundle(outDir = bundleDir): Promise<BundleInfo> {
  await rm(outDir, { recursive: true, force: true });
  const builtAt = new Date().toISOString();
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: { main: join(cliRoot, 'src', 'main.ts') },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    // npm packages load from node_modules at run time, exactly as with tsx; only callgate's
    // workspaces (@callgate/*, symlinked into node_modules) are bundled.
    plugins: [
      {
        name: 'external-npm-packages',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@callgate/') ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
    define: { __CALLGATE_BUILT_AT__: JSON.stringify(builtAt) },
    metafile: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const inputs: Record<string, string> = {};
  for (const path of Object.keys(result.metafile.inputs).sort()) {
    inputs[path] = createHash('sha256')
      .update(await readFile(join(repoRoot, path)))
      .digest('hex');
  }
  const info: BundleInfo = { builtAt, entry: 'main.mjs', inputs };
  await writeFile(join(outDir, 'build-info.json'), `${JSON.stringify(info, null, 2)}\n`);
  return info;
}

/** `node --import tsx packages/cli/src/build/build-bundle.ts` */
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const info = await buildBundle();
  const files = Object.keys(info.inputs).length;
  console.log(
    `callgate bundle: ${files} source files → ${relative(repoRoot, bundleDir)} in ${Date.now() - started} ms`,
  );
}
