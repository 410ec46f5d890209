import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, ErrorBody } from '../../contracts/errors.ts';
import {
  ChangePasswordBody,
  CookieLoginResponse,
  CreatedToken,
  CreateTokenBody,
  CreateUserBody,
  CsrfView,
  LoginBody,
  LoginResponse,
  PasswordChanged,
  SessionIdParam,
  SessionList,
  SessionView,
  TokenIdParam,
  TokenList,
  TokenView,
  UpdateUserBody,
  UserList,
  UsernameParam,
  UserView,
} from '../../contracts/identity.ts';
import type { Container } from '../../container.ts';
import { actor, credential } from '../auth.ts';
import { clearSessionCookie, csrfToken, ownOrigin, setSessionCookie } from '../browser-session.ts';
import { mutate } from '../idempotency.ts';
import type { LoginLimits } from '../login-limits.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
/** Sign-in attempts, counted before the password is checked and given back when it is right. */
async function limited<T>(
  limits: LoginLimits,
  req: FastifyRequest,
  reply: FastifyReply,
  username: string,
  attempt: () => Promise<T>,
) {
  const release = limits.reserve(req, reply, username);
  try {
    const result = await attempt();
    release();
    return result;
  } catch (err) {
    // Only a wrong password keeps its count; a refusal for another reason says nothing about guessing.
    if (!(err instanceof AppError && err.code === 'unauthenticated')) release();
    throw err;
  }
}

export function identityRoutes(app: FastifyInstance, c: Container, limits: LoginLimits): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/auth/login',
    {
      config: { access: 'public', secret: ['token'] },
      schema: {
        operationId: 'login',
        tags: ['auth'],
        summary:
          'Sign in with username and password; returns a session token, or with cookie: true sets the cp_session cookie and returns the CSRF token',
        body: LoginBody,
        response: { 200: z.union([LoginResponse, CookieLoginResponse]), ...errors, 429: ErrorBody },
      },
    },
    async (req, reply) => {
      const { username, password, cookie } = req.body;
      // A browser sign-in from another site's page would sign the victim into the attacker's account.
      if (cookie && req.headers.origin !== undefined && req.headers.origin !== ownOrigin(req))
        throw new AppError('csrf_failed', `sign in from this server's own pages (${ownOrigin(req)})`);
      const session = await limited(limits, req, reply, username, () =>
        c.identity.sessions.login(username, password),
      );
      if (!cookie) return session;
      setSessionCookie(req, reply, session.token, session.expiresAt, c.deps.now());
      return { user: session.user, expiresAt: session.expiresAt, csrfToken: csrfToken(session.token) };
    },
  );
  r.get(
    '/auth/csrf',
    {
      config: { access: 'session', secret: ['csrfToken'] },
      schema: {
        operationId: 'getCsrfToken',
        tags: ['auth'],
        summary: "This session's CSRF token: browser pages send it as X-CSRF-Token on every write",
        response: { 200: CsrfView, ...errors },
      },
    },
    async (req) => {
      actor(req);
      return { csrfToken: csrfToken(req.secret!.value) };
    },
  );
  r.post(
    '/auth/logout',
    {
      config: { access: 'session' },
      schema: {
        operationId: 'logout',
        tags: ['auth'],
        summary: 'End this session (and clear the cp_session cookie of a browser sign-in)',
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      actor(req);
      await c.identity.sessions.logout(req.secret!.value);
      if (req.secret!.viaCookie) clearSessionCookie(req, reply);
      return reply.code(204).send(null);
    },
  );
  r.get(
    '/auth/me',
    {
      config: { access: 'any' },
      schema: {
        operationId: 'getCurrentUser',
        tags: ['auth'],
        summary: 'Who you are',
        response: { 200: UserView, ...errors },
      },
    },
    async (req) => c.identity.getUser(actor(req), actor(req).id),
  );
  r.post(
    '/auth/password',
    {
      config: { access: 'session' },
      schema: {
        operationId: 'changePassword',
        tags: ['auth'],
        summary:
          'Change your password: needs the current one and a signed-in session; ends your other sessions (API tokens stay valid)',
        body: ChangePasswordBody,
        response: { 200: PasswordChanged, ...errors, 429: ErrorBody },
      },
    },
    async (req, reply) => {
      const a = actor(req);
      const current = credential(req);
      // A stolen session must not become a way to guess the password: same limits as signing in. Not through
      // mutate(): Argon2 must not run inside the serialised write transaction, and a retry is harmless.
      return limited(limits, req, reply, a.id, () =>
        c.identity.sessions.changePassword(a, current, req.body),
      );
    },
  );
  r.get(
    '/auth/sessions',
    {
      config: { access: 'session' },
      schema: {
        operationId: 'listSessions',
        tags: ['auth'],
        summary: 'Your signed-in sessions',
        response: { 200: SessionList, ...errors },
      },
    },
    async (req) => ({ items: await c.identity.sessions.list(actor(req), credential(req)) }),
  );
  r.post(
    '/auth/sessions/:id/revoke',
    {
      config: { access: 'session' },
      schema: {
        operationId: 'revokeSession',
        tags: ['auth'],
        summary: 'End one of your sessions',
        params: SessionIdParam,
        response: { 200: SessionView, ...errors },
      },
    },
    async (req) => c.identity.sessions.revoke(actor(req), credential(req), req.params.id),
  );

  const users = ['users'];
  r.get(
    '/users',
    {
      config: { access: 'users:read' },
      schema: {
        operationId: 'listUsers',
        tags: users,
        summary: 'All users (admins, change managers, auditors)',
        response: { 200: UserList, ...errors },
      },
    },
    async (req) => {
      return { items: await c.identity.listUsers(actor(req)) };
    },
  );
  r.post(
    '/users',
    {
      config: { access: 'users:admin' },
      schema: {
        operationId: 'createUser',
        tags: users,
        summary: 'Create a user or bot (admin)',
        body: CreateUserBody,
        response: { 201: UserView, ...errors },
      },
    },
    async (req, reply) => {
      return mutate(c.commands, req, reply, async ({ actor: a }) => ({
        status: 201,
        body: await c.identity.createUser(a, req.body),
      }));
    },
  );
  r.get(
    '/users/:username',
    {
      config: { access: 'users:read' },
      schema: {
        operationId: 'getUser',
        tags: users,
        summary: 'One user',
        params: UsernameParam,
        response: { 200: UserView, ...errors },
      },
    },
    async (req) => {
      return c.identity.getUser(actor(req), req.params.username);
    },
  );
  r.patch(
    '/users/:username',
    {
      config: { access: 'users:admin' },
      schema: {
        operationId: 'updateUser',
        tags: users,
        summary: 'Change roles, groups, profile or whether the account is active (admin)',
        params: UsernameParam,
        body: UpdateUserBody,
        response: { 200: UserView, ...errors },
      },
    },
    async (req, reply) => {
      return mutate(c.commands, req, reply, async ({ actor: a }) => ({
        status: 200,
        body: await c.identity.updateUser(a, req.params.username, req.body),
      }));
    },
  );

  const tokens = ['tokens'];
  r.get(
    '/tokens',
    {
      config: { access: 'any' },
      schema: {
        operationId: 'listTokens',
        tags: tokens,
        summary: 'Your API tokens (admins: all)',
        response: { 200: TokenList, ...errors },
      },
    },
    async (req) => ({
      items: await c.identity.listTokens(actor(req)),
    }),
  );
  r.post(
    '/tokens',
    {
      // Any credential: the new token carries no more scopes, and expires no later, than the one creating it.
      config: { access: 'any', secret: ['token'] },
      schema: {
        operationId: 'createToken',
        tags: tokens,
        summary:
          'Create a scoped API token for yourself (admins: also for bots); the secret is shown once, and a retry with the same Idempotency-Key gets 409',
        body: CreateTokenBody,
        response: { 201: CreatedToken, ...errors },
      },
    },
    async (req, reply) => {
      const via = credential(req);
      return mutate(c.commands, req, reply, async ({ actor: a }) => ({
        status: 201,
        body: await c.identity.createToken(a, req.body, via),
      }));
    },
  );
  r.post(
    '/tokens/:id/revoke',
    {
      config: { access: 'any' },
      schema: {
        operationId: 'revokeToken',
        tags: tokens,
        summary: 'Revoke a token (yours; admins: anyone’s)',
        params: TokenIdParam,
        response: { 200: TokenView, ...errors },
      },
    },
    async (req, reply) => {
      return mutate(c.commands, req, reply, async ({ actor: a }) => ({
        status: 200,
        body: await c.identity.revokeToken(a, req.params.id),
      }));
    },
  );
}
