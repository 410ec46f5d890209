// Late approvals: a read across changes, against the active policy's approval SLA and the clock.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { LateApprovalList, LateApprovalsQuery } from '../../contracts/approvals.ts';
import { ErrorBody } from '../../contracts/errors.ts';
import type { Container } from '../../container.ts';

export function approvalsRoutes(app: FastifyInstance, c: Container): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/approvals/late',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'listLateApprovals',
        tags: ['changes'],
        summary:
          "Approvals pending longer than the policy's deadlines.approvalSla, with the groups that owe them",
        querystring: LateApprovalsQuery,
        response: { 200: LateApprovalList, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (req) => c.lateApprovals.list(req.query, await c.policies.forDisplay(), c.deps.now().toISOString()),
  );
}
