// The API reference at /docs: Swagger UI served from the package's own files, so the page loads nothing from
// other hosts and offers nothing that reaches outside services (no hosted validator, no "explore" bar for
// foreign URLs). It has no inline script, so it works under a CSP that allows scripts from 'self' only.
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** The CSP of the docs page and its assets: everything from this server, nothing inline but styles. */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  // Swagger UI sets style attributes from its scripts; no stylesheet comes from elsewhere.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: DOCS_CSP,
    theme: { title: 'Changeproof API' },
    // BaseLayout has no top bar: no field that loads a specification from another address.
    uiConfig: { layout: 'BaseLayout', deepLinking: true, tryItOutEnabled: false },
    validatorUrl: false,
    logLevel: 'silent',
  });
}
