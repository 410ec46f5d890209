// Thin routes for the deployment gate and deployments. A deny is an answer (200), not an error; the gate
// reads the Idempotency-Key itself, so that even a database failure is answered as a deny.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ChangeIdParam } from '../../contracts/common.ts';
import { ErrorBody } from '../../contracts/errors.ts';
import {
  BreakGlassBody,
  BreakGlassView,
  DeploymentIdParam,
  DeploymentList,
  DeploymentView,
  FinishDeploymentBody,
  GateBody,
  GateDecisionList,
  GateDecisionView,
  ListDeploymentsQuery,
  ListGateDecisionsQuery,
  StartDeploymentBody,
} from '../../contracts/gate.ts';
import type { Container } from '../../container.ts';
import { actor } from '../auth.ts';
import { idempotencyKeyOf } from '../idempotency.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['gate'];
const artifactsOf = (b: { artifact?: string | undefined; artifacts?: string[] | undefined }) =>
  b.artifacts ?? (b.artifact ? [b.artifact] : []);

export function gateRoutes(app: FastifyInstance, c: Container): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/gate',
    {
      config: { access: 'gate' },
      schema: {
        operationId: 'decideGate',
        tags,
        summary: 'May this artifact be deployed to this service and environment under this change, now?',
        description:
          'Answers allow or deny with every reason (a deny is an answer: 200). Not a dry run: recorded as a ledger event of the change, whose id a deployment names.',
        body: GateBody,
        response: { 200: GateDecisionView, ...errors },
      },
    },
    async (req) => {
      const { artifact: _a, artifacts: _as, ...b } = req.body;
      return c.gate.decide(
        actor(req),
        { ...b, artifacts: artifactsOf(req.body), source: 'api' },
        idempotencyKeyOf(req),
      );
    },
  );

  r.post(
    '/gate/break-glass',
    {
      config: { access: 'gate' },
      schema: {
        operationId: 'breakGlass',
        tags,
        summary: 'Force a deployment past the gate: recorded, and raised as an emergency change',
        description:
          'Records an allow under break-glass and raises an emergency change, under way now, that owes its record and review by the policy deadlines; the claimed change notes it.',
        body: BreakGlassBody,
        response: { 201: BreakGlassView, ...errors },
      },
    },
    async (req, reply) => {
      const { artifact: _a, artifacts: _as, change, ...b } = req.body;
      const result = await c.gate.breakGlass(
        actor(req),
        { ...b, change: change ?? null, artifacts: artifactsOf(req.body), source: 'api' },
        idempotencyKeyOf(req),
      );
      return reply.code(201).send(result);
    },
  );

  r.post(
    '/deployments',
    {
      config: { access: 'gate' },
      schema: {
        operationId: 'startDeployment',
        tags,
        summary: 'Record that a deployment starts, under the allowing gate decision it names',
        description:
          'Always recorded; without an allowing decision for this service, environment and artifact it is flagged unauthorized on the change and listed.',
        body: StartDeploymentBody,
        response: { 201: DeploymentView, ...errors },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await c.gate.startDeployment(actor(req), req.body, idempotencyKeyOf(req))),
  );

  r.post(
    '/deployments/:id/finish',
    {
      config: { access: 'gate' },
      schema: {
        operationId: 'finishDeployment',
        tags,
        summary: 'Record how a deployment ended; a failure or rollback is noted on its change',
        params: DeploymentIdParam,
        body: FinishDeploymentBody,
        response: { 200: DeploymentView, ...errors },
      },
    },
    async (req) => c.gate.finishDeployment(actor(req), req.params.id, req.body, idempotencyKeyOf(req)),
  );

  r.get(
    '/deployments',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'listDeployments',
        tags,
        summary: 'Deployments, newest first; unauthorized=true lists those no allowing decision covers',
        querystring: ListDeploymentsQuery,
        response: { 200: DeploymentList, ...errors },
      },
    },
    async (req) => c.gateRead.deployments(req.query),
  );

  r.get(
    '/deployments/:id',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'getDeployment',
        tags,
        summary: 'One deployment',
        params: DeploymentIdParam,
        response: { 200: DeploymentView, ...errors },
      },
    },
    async (req) => c.gate.deployment(req.params.id),
  );

  r.get(
    '/changes/:id/gate-decisions',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'listChangeGateDecisions',
        tags,
        summary: "The gate's recorded decisions for one change, newest first, each with every reason",
        description:
          'Allow and deny alike, with when, the service, environment and artifacts asked about, and which source asked (API, GitHub, GitLab, Kubernetes). Dry runs are recorded nowhere and so are not listed.',
        params: ChangeIdParam,
        querystring: ListGateDecisionsQuery,
        response: { 200: GateDecisionList, ...errors },
      },
    },
    async (req) => {
      await c.changes.get(req.params.id); // 404 for a change that does not exist
      return c.gateRead.decisionsOf(req.params.id, req.query);
    },
  );
}
