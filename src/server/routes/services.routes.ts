import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorBody } from '../../contracts/errors.ts';
import {
  CreateServiceBody,
  RetireServiceBody,
  ServiceList,
  ServiceNameParam,
  ServiceView,
  UpdateServiceBody,
} from '../../contracts/services.ts';
import type { Container } from '../../container.ts';
import { mutate } from '../idempotency.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['services'];

export function servicesRoutes(app: FastifyInstance, c: Container): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/services',
    {
      config: { access: 'services:write' },
      schema: {
        operationId: 'createService',
        tags,
        summary: 'Register a service',
        body: CreateServiceBody,
        response: { 201: ServiceView, ...errors },
      },
    },
    async (req, reply) => {
      return mutate(c.commands, req, reply, async ({ actor: a }) => ({
        status: 201,
        body: await c.services.register(a, req.body),
      }));
    },
  );
  r.get(
    '/services',
    {
      config: { access: 'services:read' },
      schema: {
        operationId: 'listServices',
        tags,
        summary: 'The service catalogue',
        response: { 200: ServiceList, ...errors },
      },
    },
    async () => {
      return { items: await c.services.list() };
    },
  );
  r.get(
    '/services/:name',
    {
      config: { access: 'services:read' },
      schema: {
        operationId: 'getService',
        tags,
        summary: 'One service',
        params: ServiceNameParam,
        response: { 200: ServiceView, ...errors },
      },
    },
    async (req) => {
      return c.services.get(req.params.name);
    },
  );
  r.patch(
    '/services/:name',
    {
      config: { access: 'services:write' },
      schema: {
        operationId: 'updateService',
        tags,
        summary: "Change a service's attributes",
        params: ServiceNameParam,
        body: UpdateServiceBody,
        response: { 200: ServiceView, ...errors },
      },
    },
    async (req, reply) => {
      return mutate(c.commands, req, reply, async ({ actor: a }) => ({
        status: 200,
        body: await c.services.update(a, req.params.name, req.body),
      }));
    },
  );
  r.post(
    '/services/:name/retire',
    {
      config: { access: 'services:write' },
      schema: {
        operationId: 'retireService',
        tags,
        summary: 'Retire a service: no new change may target it; its history stays',
        params: ServiceNameParam,
        body: RetireServiceBody,
        response: { 200: ServiceView, ...errors },
      },
    },
    async (req, reply) => {
      return mutate(c.commands, req, reply, async ({ actor: a }) => ({
        status: 200,
        body: await c.services.retire(a, req.params.name, req.body),
      }));
    },
  );
}
