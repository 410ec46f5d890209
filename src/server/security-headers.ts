// Security headers on every response. `@fastify/helmet` is not among the dependencies, and what is needed
// is short: no MIME sniffing, no framing, no referrer, a Content-Security-Policy per kind of page, HSTS when
// the request came over HTTPS (directly, or through a proxy CHANGEPROOF_TRUST_PROXY trusts), and no caching
// of answers that carry a secret (routes declaring `config.secret`).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DOCS_CSP } from './docs.ts';

/** JSON answers load nothing and may not be framed. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Pages whose CSP is not the API's, by path prefix: the API reference (its CSP lives with it, in docs.ts). */
const PAGE_PREFIXES = ['/docs'];

const HSTS = 'max-age=31536000; includeSubDomains';

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
    void reply.header('content-security-policy', isPage(req) ? DOCS_CSP : API_CSP);
    if (req.protocol === 'https') void reply.header('strict-transport-security', HSTS);
    if (req.routeOptions.config.secret) void reply.header('cache-control', 'no-store');
  });
}
