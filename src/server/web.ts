// Serves the built web app (web/dist) from the API's own server: the page and its files at `/`, every unknown
// path outside /api and /docs answered with index.html so the app's router can show it. Files are read and
// compressed (brotli and gzip) once at start; hashed files under /assets/ are cached for a year, index.html is
// revalidated on every load so a new build is picked up at once.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Where `npm run build:web` writes the app. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt']);

interface WebFile {
  type: string;
  raw: Buffer;
  br: Buffer | null;
  gzip: Buffer | null;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Every file of the build by URL path, with its compressed forms where they are smaller. */
export function loadWebFiles(dir: string): Map<string, WebFile> {
  const files = new Map<string, WebFile>();
  for (const path of walk(dir)) {
    const ext = extname(path);
    const raw = readFileSync(path);
    const squeeze = COMPRESSIBLE.has(ext) && raw.length > 512;
    const br = squeeze ? brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }) : null;
    const gzip = squeeze ? gzipSync(raw, { level: 9 }) : null;
    files.set(`/${relative(dir, path).split(sep).join('/')}`, {
      type: TYPES[ext] ?? 'application/octet-stream',
      raw,
      br: br && br.length < raw.length ? br : null,
      gzip: gzip && gzip.length < raw.length ? gzip : null,
    });
  }
  return files;
}

function send(req: FastifyRequest, reply: FastifyReply, file: WebFile, immutable: boolean) {
  const accepts = String(req.headers['accept-encoding'] ?? '');
  void reply
    .header('content-type', file.type)
    .header('vary', 'accept-encoding')
    .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (file.br && /\bbr\b/.test(accepts)) return reply.header('content-encoding', 'br').send(file.br);
  if (file.gzip && /\bgzip\b/.test(accepts)) return reply.header('content-encoding', 'gzip').send(file.gzip);
  return reply.send(file.raw);
}

/** Paths that are not the app's: the API and the rendered API reference. */
export const isAppPath = (path: string) =>
  !['/api', '/docs'].some((p) => path === p || path.startsWith(`${p}/`));

/**
 * Mounts the app built in `dir`; returns false (mounting nothing) when it has not been built, so the caller
 * can keep `/` pointing at the docs.
 */
export function registerWeb(app: FastifyInstance, dir: string): boolean {
  if (!existsSync(join(dir, 'index.html'))) return false;
  const files = loadWebFiles(dir);
  const index = files.get('/index.html')!;
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0]!;
    if (!isAppPath(path)) return reply.callNotFound();
    const file = files.get(path);
    if (file) return send(req, reply, file, path.startsWith('/assets/'));
    // A missing build file is a 404, never the page (a script answered with HTML would fail obscurely).
    if (path.startsWith('/assets/')) return reply.callNotFound();
    return send(req, reply, index, false);
  };
  app.get('/', { schema: { hide: true } }, handler);
  app.get('/*', { schema: { hide: true } }, handler);
  return true;
}
