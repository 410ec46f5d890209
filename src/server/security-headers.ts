// Security headers on every response. `@fastify/helmet` is not among the dependencies, and what is needed
// is short: no MIME sniffing, no framing, no referrer, a Content-Security-Policy per kind of page, HSTS when
// the request came over HTTPS (directly, or through a proxy CHANGEPROOF_TRUST_PROXY trusts), and no caching
// of answers that carry a secret (routes declaring `config.secret`).
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** JSON answers load nothing and may not be framed. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The API reference page: its own scripts (inline ones by hash, computed from the page as sent), styles
 * the renderer injects, and requests to this server only, so nothing reaches outside services. Adjust here
 * when the docs renderer changes.
 */
function docsCsp(inlineScriptHashes: string[]): string {
  const scripts = ["'self'", ...inlineScriptHashes.map((h) => `'sha256-${h}'`)].join(' ');
  return [
    "default-src 'self'",
    `script-src ${scripts}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Pages whose CSP is not the API's, by path prefix. */
const PAGE_PREFIXES = ['/docs'];

const HSTS = 'max-age=31536000; includeSubDomains';

function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) =>
    createHash('sha256').update(m[1]!).digest('base64'),
  );
}

function isPage(req: FastifyRequest): boolean {
  const path = req.url.split('?')[0]!;
  return PAGE_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (req, reply) => {
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('x-frame-options', 'DENY');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('cross-origin-opener-policy', 'same-origin');
    void reply.header('content-security-policy', isPage(req) ? docsCsp([]) : API_CSP);
    if (req.protocol === 'https') void reply.header('strict-transport-security', HSTS);
    if (req.routeOptions.config.secret) void reply.header('cache-control', 'no-store');
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (isPage(req) && typeof payload === 'string' && type.startsWith('text/html'))
      void reply.header('content-security-policy', docsCsp(inlineScripts(payload)));
    return payload;
  });
}
