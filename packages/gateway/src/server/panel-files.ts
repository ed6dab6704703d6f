/**
 * The operator panel served by the gateway itself, so operators can open it on the LAN while
 * the hub is out of reach (site-only login, docs/uplink.md). Same bundle the hub serves.
 *
 * Serves only the files the build produced: the directory is listed once (at the first request,
 * so a panel built after the gateway started is still found) and requests are looked up in that
 * list, so no request path ever reaches the file system — no traversal to guard against. The
 * bundle is small (well under a megabyte) and kept in memory. Hand-written rather than a static
 * file library for that reason (docs/decisions.md).
 */
import { readdir, readFile } from 'node:fs/promises';
import type http from 'node:http';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The panel built in this installation (`npm run build -w @callgate/panel`), as the hub serves it. */
export const DEFAULT_PANEL_DIR = resolve(fileURLToPath(new URL('../../../panel/dist', import.meta.url)));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

interface PanelFile {
  body: Buffer;
  type: string;
  /** Content-hashed asset names never change: cache them for good; index.html never. */
  immutable: boolean;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function loadPanel(dir: string): Promise<Map<string, PanelFile> | undefined> {
  let files: string[];
  try {
    files = await listFiles(dir);
  } catch {
    return undefined;
  }
  const byPath = new Map<string, PanelFile>();
  for (const file of files) {
    const rel = relative(dir, file).split(sep).join('/');
    const ext = rel.slice(rel.lastIndexOf('.'));
    const type = TYPES[ext];
    if (type === undefined) continue;
    byPath.set(`/${rel}`, {
      body: await readFile(file),
      type,
      immutable: /[.-][A-Za-z0-9_]{8,}\.[a-z0-9]+$/.test(rel),
    });
  }
  const index = byPath.get('/index.html');
  if (index === undefined) return undefined;
  byPath.set('/', index);
  return byPath;
}

export type PanelRoute = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

/** GET/HEAD of the panel's files; false for anything else (the next route decides). */
export function panelFiles(dir: string): PanelRoute {
  let loading: Promise<Map<string, PanelFile> | undefined> | undefined;
  const serve = async (path: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    loading ??= loadPanel(dir);
    const files = await loading;
    if (files === undefined) {
      // Not built: look again next time (a build may be running), and say what to do.
      loading = undefined;
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`The operator panel is not built (no ${join(dir, 'index.html')}): npm run build -w @callgate/panel\n`);
      return;
    }
    const file = files.get(path);
    if (file === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
      return;
    }
    res.writeHead(200, {
      'content-type': file.type,
      'content-length': file.body.length,
      'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
      // The login page must not be framed by another site (clickjacking).
      'x-frame-options': 'DENY',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  };
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path !== '/' && !/^\/[A-Za-z0-9._/-]+$/.test(path)) return false;
    if (path.startsWith('/api/') || path.startsWith('/demo/')) return false;
    void serve(path, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
    return true;
  };
}
