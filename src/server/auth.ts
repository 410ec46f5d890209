// Bearer authentication for every route except the public ones (health, login, the API description), or
// else the browser's session cookie, whose writes must carry the CSRF token (browser-session.ts); then
// the route's declared access checked in one place (authorize.ts, modules/identity/access.ts). Routes that
// declare `auth: 'signature'` are checked by their verifier over the raw body instead, and a bearer token
// never stands in for a signature; `auth: 'none'` routes are open by explicit declaration.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../contracts/errors.ts';
import type { Actor } from '../domain/actor.ts';
import { routeRefusal, type Credential } from '../modules/identity/access.ts';
import type { Authenticated } from '../modules/identity/sessions.service.ts';
import './authorize.ts';
import { checkCookieWrite, sessionCookie } from './browser-session.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    credential: Credential | null;
    /** The secret that authenticated the request (to end its session), and whether it came by cookie. */
    secret: { value: string; viaCookie: boolean } | null;
    /** The body's exact bytes, kept by parsers of routes that verify signatures (connectors). */
    rawBody: Buffer | null;
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

export function registerAuth(
  app: FastifyInstance,
  identity: { authenticate(secret: string): Promise<Authenticated | null> },
): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('credential', null);
  app.decorateRequest('rawBody', null);
  app.decorateRequest('secret', null);
  const authenticate = async (req: FastifyRequest) => {
    const config = req.routeOptions.config;
    // The header first: a client that sends one means it, whatever cookie the browser adds.
    const header = bearer(req);
    const secret = header ?? sessionCookie(req);
    if (!secret)
      throw new AppError(
        'unauthenticated',
        'sign in first: send Authorization: Bearer <token> (POST /api/v1/auth/login gives one)',
      );
    const found = await identity.authenticate(secret);
    // A cookie carries sessions only: an API token is never a browser credential.
    if (!found || (header === null && found.credential.kind !== 'session'))
      throw new AppError(
        'unauthenticated',
        'the token is unknown, expired or revoked, the session ended, or the account is disabled',
      );
    if (header === null) checkCookieWrite(req, secret);
    const refusal = routeRefusal(config.access, found.credential, found.actor);
    if (refusal) throw new AppError('forbidden', refusal);
    req.actor = found.actor;
    req.credential = found.credential;
    req.secret = { value: secret, viaCookie: header === null };
  };
  app.addHook('onRequest', async (req) => {
    const config = req.routeOptions.config;
    if (config.public || config.access === 'public' || !req.routeOptions.url) return;
    if (config.auth === 'none' || config.auth === 'signature' || config.bearerAfterBody) return;
    await authenticate(req);
  });
  // After parsing, so the verifier sees the bytes that were sent; before validation and the handler.
  app.addHook('preValidation', async (req) => {
    const config = req.routeOptions.config;
    if (config.bearerAfterBody && (config.auth ?? 'bearer') === 'bearer') return authenticate(req);
    if (config.auth !== 'signature') return;
    // A body parsed without its bytes kept cannot be checked: refuse rather than verify an empty buffer.
    const refusal =
      !config.verifySignature || (req.rawBody === null && req.body !== undefined)
        ? 'this route cannot verify signatures (no verifier or no raw body); nothing was done'
        : await config.verifySignature(req.rawBody ?? Buffer.alloc(0), req.headers);
    if (refusal) throw new AppError('unauthenticated', refusal);
  });
}

export function actor(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('unauthenticated', 'sign in first');
  return req.actor;
}

export function credential(req: FastifyRequest): Credential {
  if (!req.credential) throw new AppError('unauthenticated', 'sign in first');
  return req.credential;
}

/**
 * Sessions carry all of their user's rights; tokens only the scopes they were given. Routes declare their
 * scope in `config.access`, which the hook above enforces; this remains for checks inside a route.
 */
export function requireScope(req: FastifyRequest, scope: string): Actor {
  const a = actor(req);
  if (a.scopes !== null && !a.scopes.includes(scope))
    throw new AppError('forbidden', `this API token lacks the ${scope} scope`);
  return a;
}
