// What the web app's home page reads: the signed-in person's queue and changes per week by outcome.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorBody } from '../../contracts/errors.ts';
import { MyQueue, WeeklyMetrics, WeeklyQuery } from '../../contracts/home.ts';
import type { Container } from '../../container.ts';
import { actor } from '../auth.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

export function homeRoutes(app: FastifyInstance, c: Container): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/me/queue',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'getMyQueue',
        tags: ['changes'],
        summary:
          'What needs you: awaiting your approval, your open changes, owing a record or review, upcoming, your refusals',
        response: { 200: MyQueue, ...errors },
      },
    },
    async (req) => {
      const policy = await c.policies.forDisplay();
      return c.home.queue(actor(req), c.deps.now(), policy.deadlines.approvalSlaMinutes);
    },
  );
  r.get(
    '/metrics/changes/weekly',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'getWeeklyChangeMetrics',
        tags: ['changes'],
        summary: 'Changes raised per week by outcome, for the last `weeks` weeks (1 to 52, 12 by default)',
        querystring: WeeklyQuery,
        response: { 200: WeeklyMetrics, ...errors },
      },
    },
    async (req) => c.home.weekly(req.query.weeks, c.deps.now()),
  );
}
