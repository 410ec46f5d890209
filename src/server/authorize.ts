// The one place route access is enforced: every route declares `config.access` (see
// modules/identity/access.ts), and the auth hook asks `routeRefusal` before the route runs. Routes that
// declare nothing admit signed-in sessions only, never API tokens: forgetting a declaration fails closed.
import type { FastifyInstance } from 'fastify';
import type { Access } from '../modules/identity/access.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route; see Access. */
    access?: Access;
  }
}

export interface RouteAccess {
  method: string;
  url: string;
  access: Access | undefined;
}

// Keyed by the HTTP server, which the root instance and every encapsulated child share.
const registered = new WeakMap<object, RouteAccess[]>();

/** Records every route's declaration as it is added; call on the root instance before any route. */
export function trackRouteAccess(app: FastifyInstance): void {
  const list: RouteAccess[] = [];
  registered.set(app.server, list);
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { access?: Access; public?: boolean };
    const access = config.public ? 'public' : config.access;
    for (const method of [route.method].flat()) list.push({ method, url: route.url, access });
  });
}

/** Every route registered on `app` with what it declares, for tests and the API description. */
export function declaredAccess(app: FastifyInstance): RouteAccess[] {
  return [...(registered.get(app.server) ?? [])];
}
