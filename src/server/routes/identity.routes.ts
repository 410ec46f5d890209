import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, ErrorBody } from '../../contracts/errors.ts';
import {
  CreatedToken,
  CreateTokenBody,
  CreateUserBody,
  LoginBody,
  LoginResponse,
  TokenIdParam,
  TokenList,
  TokenView,
  UpdateUserBody,
  UserList,
  UsernameParam,
  UserView,
} from '../../contracts/identity.ts';
import type { Container } from '../../container.ts';
import { actor, bearer, requireScope } from '../auth.ts';
import { mutate } from '../idempotency.ts';
import type { LoginLimits } from '../login-limits.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export function identityRoutes(app: FastifyInstance, c: Container, limits: LoginLimits): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with username and password; returns a session token',
        body: LoginBody,
        response: { 200: LoginResponse, ...errors, 429: ErrorBody },
      },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      await limits.check(req, reply, username);
      try {
        return await c.identity.login(username, password);
      } catch (err) {
        if (err instanceof AppError && err.code === 'unauthenticated') await limits.failed(req, username);
        throw err;
      }
    },
  );
  r.post(
    '/auth/logout',
    { schema: { tags: ['auth'], summary: 'End this session', response: { 204: z.null(), ...errors } } },
    async (req, reply) => {
      actor(req);
      await c.identity.logout(bearer(req) ?? '');
      return reply.code(204).send(null);
    },
  );
  r.get(
    '/auth/me',
    { schema: { tags: ['auth'], summary: 'Who you are', response: { 200: UserView, ...errors } } },
    async (req) => c.identity.getUser(actor(req), actor(req).id),
  );

  const users = ['users'];
  r.get(
    '/users',
    {
      schema: {
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
      schema: {
        tags: users,
        summary: 'Create a user or bot (admin)',
        body: CreateUserBody,
        response: { 201: UserView, ...errors },
      },
    },
    async (req, reply) => {
      const a = requireScope(req, 'users:admin');
      return mutate(c.deps, req, reply, async () => ({
        status: 201,
        body: await c.identity.createUser(a, req.body),
      }));
    },
  );
  r.get(
    '/users/:username',
    {
      schema: {
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
      schema: {
        tags: users,
        summary: 'Change roles, groups, profile or password',
        params: UsernameParam,
        body: UpdateUserBody,
        response: { 200: UserView, ...errors },
      },
    },
    async (req, reply) => {
      const a = actor(req);
      return mutate(c.deps, req, reply, async () => ({
        status: 200,
        body: await c.identity.updateUser(a, req.params.username, req.body),
      }));
    },
  );

  const tokens = ['tokens'];
  r.get(
    '/tokens',
    {
      schema: {
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
      schema: {
        tags: tokens,
        summary: 'Create a scoped API token; the secret is shown once',
        body: CreateTokenBody,
        response: { 201: CreatedToken, ...errors },
      },
    },
    async (req, reply) => {
      const a = actor(req);
      return mutate(c.deps, req, reply, async () => ({
        status: 201,
        body: await c.identity.createToken(a, req.body),
      }));
    },
  );
  r.post(
    '/tokens/:id/revoke',
    {
      schema: {
        tags: tokens,
        summary: 'Revoke a token',
        params: TokenIdParam,
        response: { 200: TokenView, ...errors },
      },
    },
    async (req, reply) => {
      const a = actor(req);
      return mutate(c.deps, req, reply, async () => ({
        status: 200,
        body: await c.identity.revokeToken(a, req.params.id),
      }));
    },
  );
}
