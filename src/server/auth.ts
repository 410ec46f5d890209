// Bearer authentication for every route except those marked public (health, login, the API description).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../contracts/errors.ts';
import type { Actor } from '../domain/actor.ts';
import type { IdentityService } from '../modules/identity/identity.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    public?: boolean;
  }
}

export function bearer(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1] ?? null;
}

export function registerAuth(app: FastifyInstance, identity: Pick<IdentityService, 'authenticate'>): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.config.public || !req.routeOptions.url) return;
    const secret = bearer(req);
    if (!secret)
      throw new AppError(
        'unauthenticated',
        'sign in first: send Authorization: Bearer <token> (POST /api/v1/auth/login gives one)',
      );
    const actor = await identity.authenticate(secret);
    if (!actor)
      throw new AppError(
        'unauthenticated',
        'the token is unknown, expired or revoked, or the account is disabled',
      );
    req.actor = actor;
  });
}

export function actor(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('unauthenticated', 'sign in first');
  return req.actor;
}

/** Sessions carry all of their user's rights; tokens only the scopes they were given. */
export function requireScope(req: FastifyRequest, scope: string): Actor {
  const a = actor(req);
  if (a.scopes !== null && !a.scopes.includes(scope))
    throw new AppError('forbidden', `this API token lacks the ${scope} scope`);
  return a;
}
