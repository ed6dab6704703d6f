/**
 * Building the panel bundle (packages/panel/dist), for `npm run build -w @callgate/panel`, the
 * hub, the demo and the browser tests. `ensurePanelBuilt()` builds only when the sources changed
 * since the last build (a hash of every input is kept in dist/build-info.json), builds into a
 * temporary directory and swaps it in, and holds a lock so that two processes never build over
 * each other.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PanelError, PanelErrorCode } from '../errors.js';
import { contractRuntimePlugin } from './contract-runtime-plugin.js';
import { contractsSrc, panelDistDir, panelRoot } from './panel-paths.js';

export { panelDistDir, panelRoot };

const BUILD_INFO = 'build-info.json';
const LOCK_DIR = join(panelRoot, '.build-lock');
const LOCK_STALE_MS = 5 * 60_000;

export interface BuiltFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface BuildInfo {
  inputsHash: string;
  builtAt: string;
  files: BuiltFile[];
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out;
}

/** A hash of everything the bundle is made of: the panel's sources, the contracts, the lock file. */
export async function inputsHash(): Promise<string> {
  const files = [
    ...(await listFiles(join(panelRoot, 'src'))),
    ...(await listFiles(contractsSrc)),
    join(panelRoot, 'index.html'),
    join(panelRoot, 'package.json'),
    join(panelRoot, '../../package-lock.json'),
  ].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(panelRoot, file));
    hash.update('\0');
    hash.update(await readFile(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export async function readBuildInfo(dir = panelDistDir): Promise<BuildInfo | null> {
  try {
    return JSON.parse(await readFile(join(dir, BUILD_INFO), 'utf8')) as BuildInfo;
  } catch {
    return null;
  }
}

/** Builds the bundle into `outDir` (default: dist, replaced as a whole). */
export async function buildPanel(options: { outDir?: string } = {}): Promise<BuildInfo> {
  const outDir = options.outDir ?? panelDistDir;
  const staging = `${outDir}.tmp-${process.pid}-${Date.now().toString(36)}`;
  const hash = await inputsHash();
  try {
    const { build } = await import('vite');
    await build({
      configFile: false,
      root: panelRoot,
      // Relative asset URLs: the same bundle works at the hub's / and under a gateway's path.
      base: './',
      logLevel: 'warn',
      plugins: [contractRuntimePlugin()],
      // Vite 8's own Oxc JSX transform with preact's automatic runtime (docs/decisions.md).
      oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
      build: {
        outDir: staging,
        emptyOutDir: true,
        target: 'es2022',
        sourcemap: false,
        reportCompressedSize: false,
        // Loaded on demand: named for what they are (ru, supervisor-screen). Shared chunks: by
        // content only (the module rolldown would name them after is arbitrary).
        rolldownOptions: {
          output: {
            chunkFileNames: (chunk) => (chunk.isDynamicEntry ? 'assets/[name]-[hash].js' : 'assets/chunk-[hash].js'),
          },
        },
      },
    });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    const message = error instanceof Error ? error.message : String(error);
    throw new PanelError(PanelErrorCode.BuildFailed, `building the panel failed: ${message}`, { cause: error });
  }
  const files: BuiltFile[] = [];
  for (const path of await listFiles(staging)) {
    const content = await readFile(path);
    files.push({
      file: relative(staging, path),
      bytes: content.length,
      gzipBytes: gzipSync(content, { level: 9 }).length,
    });
  }
  files.sort((a, b) => a.file.localeCompare(b.file));
  const info: BuildInfo = { inputsHash: hash, builtAt: new Date().toISOString(), files };
  await writeFile(join(staging, BUILD_INFO), `${JSON.stringify(info, null, 2)}\n`);
  await rm(outDir, { recursive: true, force: true });
  await rename(staging, outDir);
  return info;
}

async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      await mkdir(LOCK_DIR);
      break;
    } catch {
      const since = await stat(LOCK_DIR).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      // A build that died holding the lock must not block every later one.
      if (since > LOCK_STALE_MS) await rm(LOCK_DIR, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(LOCK_DIR, { recursive: true, force: true });
  }
}

/**
 * Makes sure dist holds a bundle built from the current sources; builds it when it is missing or
 * stale. Returns the directory to serve and whether a build ran.
 */
export async function ensurePanelBuilt(): Promise<{ dir: string; built: boolean; info: BuildInfo }> {
  const hash = await inputsHash();
  const current = await readBuildInfo();
  if (current?.inputsHash === hash) return { dir: panelDistDir, built: false, info: current };
  return withBuildLock(async () => {
    // Another process may have built it while this one waited for the lock.
    const again = await readBuildInfo();
    if (again?.inputsHash === (await inputsHash())) return { dir: panelDistDir, built: false, info: again };
    const info = await buildPanel();
    return { dir: panelDistDir, built: true, info };
  });
}
