// The one place route access is enforced: every route declares `config.access` (see
// modules/identity/access.ts), and the auth hook asks `routeRefusal` before the route runs. Routes that
// declare nothing admit signed-in sessions only, never API tokens: forgetting a declaration fails closed.
// How the caller authenticates is declared per route too (`config.auth`): a bearer session or token (the
// default), a signature over the raw body (webhooks), or explicitly none (an endpoint behind its own TLS).
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Access } from '../modules/identity/access.ts';

/** `bearer` (default): session or API token; `signature`: the route's verifier; `none`: declared open. */
export type AuthMode = 'bearer' | 'signature' | 'none';

/** Why the signature on this request is not valid, or null if it is; given the body's exact bytes. */
export type SignatureVerifier = (
  raw: Buffer,
  headers: IncomingHttpHeaders,
) => string | null | Promise<string | null>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route; see Access. */
    access?: Access;
    /** How the caller authenticates; bearer when absent. */
    auth?: AuthMode;
    /** The verifier of a `signature` route. */
    verifySignature?: SignatureVerifier;
    /**
     * A bearer route that authenticates once its body is parsed, so that a refusal can answer in the
     * protocol's form with the request's own id (Kubernetes matches an AdmissionReview's answer by uid).
     */
    bearerAfterBody?: boolean;
  }
}

export interface RouteAccess {
  method: string;
  url: string;
  access: Access | undefined;
  auth: AuthMode;
}

// Keyed by the HTTP server, which the root instance and every encapsulated child share.
const registered = new WeakMap<object, RouteAccess[]>();

/** Records every route's declaration as it is added; call on the root instance before any route. */
export function trackRouteAccess(app: FastifyInstance): void {
  const list: RouteAccess[] = [];
  registered.set(app.server, list);
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as {
      access?: Access;
      public?: boolean;
      auth?: AuthMode;
      verifySignature?: unknown;
    };
    const access = config.public ? 'public' : config.access;
    const auth = config.auth ?? 'bearer';
    // A signature route without its verifier would have nothing to check: refuse to start.
    if (auth === 'signature' && typeof config.verifySignature !== 'function')
      throw new Error(`${String(route.method)} ${route.url} declares signature auth but no verifier`);
    for (const method of [route.method].flat()) list.push({ method, url: route.url, access, auth });
  });
}

/** Every route registered on `app` with what it declares, for tests and the API description. */
export function declaredAccess(app: FastifyInstance): RouteAccess[] {
  return [...(registered.get(app.server) ?? [])];
}
