// Security headers on every response. `@fastify/helmet` is not among the dependencies, and what is needed
// is short: no MIME sniffing, no framing, no referrer, a Content-Security-Policy per kind of page, HSTS when
// the request came over HTTPS (directly, or through a proxy CHANGEPROOF_TRUST_PROXY trusts), and no caching
// of answers that carry a secret (routes declaring `config.secret`).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DOCS_CSP } from './docs.ts';

/** JSON answers load nothing and may not be framed. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The web app's pages (every path outside /api and /docs): its own scripts and styles only, nothing inline, no
 * framing; it talks to its own origin alone.
 */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const HSTS = 'max-age=31536000; includeSubDomains';

/** The API reference has its CSP in docs.ts, the web app's pages the one above, the API its own. */
function cspFor(req: FastifyRequest): string {
  const path = req.url.split('?')[0]!;
  const under = (p: string) => path === p || path.startsWith(`${p}/`);
  if (under('/docs')) return DOCS_CSP;
  if (under('/api')) return API_CSP;
  return WEB_CSP;
}

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (req, reply) => {
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('x-frame-options', 'DENY');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('cross-origin-opener-policy', 'same-origin');
    void reply.header('content-security-policy', cspFor(req));
    if (req.protocol === 'https') void reply.header('strict-transport-security', HSTS);
    if (req.routeOptions.config.secret) void reply.header('cache-control', 'no-store');
  });
}
