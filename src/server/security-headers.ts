// Security headers on every response. `@fastify/helmet` is not among the dependencies, and what is needed
// is short: no MIME sniffing, no framing, no referrer, a Content-Security-Policy per kind of page, HSTS when
// the request came over HTTPS (directly, or through a proxy CHANGEPROOF_TRUST_PROXY trusts), and no caching
// of answers that carry a secret (routes declaring `config.secret`). `setSecurityHeaders` is the one place
// that sets them: whatever serves pages (the web app at /) gets them from the same hook, and an HTML answer
// outside /docs gets the web app's CSP.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DOCS_CSP } from './docs.ts';

/** JSON answers load nothing and may not be framed. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Pages whose CSP is not the API's, by path prefix: the API reference (its CSP lives with it, in docs.ts). */
const PAGE_PREFIXES = ['/docs'];

const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * The web app's pages: its own scripts and styles only, nothing inline and no eval, no framing; it talks to
 * its own origin alone.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The API reference has its CSP in docs.ts; other HTML answers are the web app's; the rest is the API's. */
function cspFor(req: FastifyRequest, html: boolean): string {
  const path = req.url.split('?')[0]!;
  if (PAGE_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) return DOCS_CSP;
  return html ? APP_CSP : API_CSP;
}

/** Every header of this file for one answer; `html`: the answer is a page of the web app. */
export function setSecurityHeaders(req: FastifyRequest, reply: FastifyReply, html = false): void {
  void reply.header('x-content-type-options', 'nosniff');
  void reply.header('x-frame-options', 'DENY');
  void reply.header('referrer-policy', 'no-referrer');
  void reply.header('cross-origin-opener-policy', 'same-origin');
  void reply.header('content-security-policy', cspFor(req, html));
  if (req.protocol === 'https') void reply.header('strict-transport-security', HSTS);
  if (req.routeOptions.config.secret) void reply.header('cache-control', 'no-store');
}

const isHtml = (reply: FastifyReply) => /^text\/html\b/i.test(String(reply.getHeader('content-type') ?? ''));

export function registerSecurityHeaders(app: FastifyInstance): void {
  // Set before anything runs, so errors and refusals carry them too; an HTML answer is known only when sent.
  app.addHook('onRequest', async (req, reply) => setSecurityHeaders(req, reply));
  app.addHook('onSend', async (req, reply) => {
    if (isHtml(reply)) setSecurityHeaders(req, reply, true);
  });
}
