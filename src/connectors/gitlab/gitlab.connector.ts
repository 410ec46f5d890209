// GitLab protected environments with deployment approvals: the `deployment` webhook with status `blocked`
// (recent GitLab versions) is decided with the gate and answered through the deployment approval API. A
// job (src/jobs/gitlab-blocked-deployments.job.ts) polls the same for versions that do not send it.
import { APPROVAL_DECISIONS, GATE_DECISIONS } from '../../domain/vocabulary.ts';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, ErrorBody } from '../../contracts/errors.ts';
import type { Connector } from '../connector.ts';
import { CONNECTOR_SECRET_NAMES } from '../settings.ts';
import { sharedTokenVerifier } from '../signature.ts';
import { gitLabApi } from './gitlab.api.ts';
import { answerBlocked, type BlockedDeployment } from './gitlab.deployment.ts';

const DeploymentHook = z.looseObject({
  object_kind: z.literal('deployment'),
  status: z.string(),
  deployment_id: z.number().int(),
  deployable_id: z.number().int().nullable().optional(),
  deployable_url: z.string().nullable().optional(),
  environment: z.string().min(1),
  project: z.looseObject({
    id: z.number().int(),
    name: z.string().min(1),
    path_with_namespace: z.string().min(1),
  }),
  ref: z.string().nullable().optional(),
  commit_title: z.string().nullable().optional(),
});

const Answer = z.object({
  decision: z.enum(GATE_DECISIONS).optional(),
  status: z.enum(APPROVAL_DECISIONS).optional(),
  change: z.string().nullable().optional(),
  reasons: z.array(z.object({ code: z.string(), message: z.string() })).optional(),
  approval: z.enum(['sent', 'retrying', 'failed']).optional(),
  approvalError: z.string().nullable().optional(),
  ignored: z.string().optional(),
});

const KEY = /^[A-Za-z0-9._:-]{1,150}$/;

/** GitLab names a delivery by `Idempotency-Key` (newer versions; the same on every retry) or `X-Gitlab-Event-UUID`. */
function deliveryKey(req: FastifyRequest): string {
  const value = req.headers['idempotency-key'] ?? req.headers['x-gitlab-event-uuid'];
  if (typeof value !== 'string' || !KEY.test(value))
    throw new AppError(
      'validation_failed',
      'the Idempotency-Key or X-Gitlab-Event-UUID header is missing or malformed: GitLab sends one with every webhook',
    );
  return `gitlab:${value}`;
}

function readHook(body: unknown): z.infer<typeof DeploymentHook> {
  const parsed = DeploymentHook.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new AppError(
    'validation_failed',
    `body.${issue.path.join('.')}: ${issue.message} (a deployment webhook)`,
  );
}

export const gitlabConnector: Connector = {
  source: 'gitlab',
  routes: (ctx) => {
    const settings = ctx.settings.gitlab;
    const api = gitLabApi(settings, ctx.secret);
    return [
      {
        method: 'POST',
        url: '/webhook',
        auth: {
          kind: 'signature',
          verify: sharedTokenVerifier({
            header: 'X-Gitlab-Token',
            secret: () => ctx.secret(CONNECTOR_SECRET_NAMES.gitlabWebhook),
          }),
        },
        schema: {
          operationId: 'gitlabWebhook',
          summary: 'GitLab webhook: deployments blocked awaiting approval',
          description:
            'Authenticated by X-Gitlab-Token. A `deployment` event with status `blocked` is decided by the gate and answered through the deployment approval API; a delivery seen before (Idempotency-Key or X-Gitlab-Event-UUID) is refused. Other events and statuses are ignored.',
          tags: ['connectors'],
          body: z.looseObject({}),
          response: { 200: Answer, 202: Answer, 400: ErrorBody, 401: ErrorBody, 409: ErrorBody },
        },
        handler: async (req, reply) => {
          const kind = (req.body as { object_kind?: unknown } | undefined)?.object_kind;
          if (kind !== 'deployment')
            return reply.code(202).send({ ignored: typeof kind === 'string' ? kind : 'no object_kind' });
          const hook = readHook(req.body);
          if (hook.status !== 'blocked') return reply.code(202).send({ ignored: `status ${hook.status}` });
          const key = deliveryKey(req);
          const deployment: BlockedDeployment = {
            projectId: hook.project.id,
            projectPath: hook.project.path_with_namespace,
            projectName: hook.project.name,
            deploymentId: hook.deployment_id,
            jobId: hook.deployable_id ?? null,
            environment: hook.environment,
            ref: hook.ref ?? null,
            commitText: hook.commit_title ?? null,
            pipelineUrl: hook.deployable_url ?? undefined,
          };
          const answered = await answerBlocked(
            ctx.container,
            api,
            settings,
            deployment,
            { key, raw: req.rawBody!, path: req.url },
            req.log,
          );
          if (answered.replayed || !answered.verdict)
            throw new AppError(
              'conflict',
              `delivery ${key.slice(7)} was already received and answered; it is not decided twice`,
            );
          const { verdict } = answered;
          return reply.code(answered.approval === 'sent' ? 200 : 202).send({
            decision: verdict.decision,
            status: verdict.decision === 'allow' ? 'approved' : 'rejected',
            change: verdict.change,
            reasons: verdict.reasons,
            approval: answered.approval ?? undefined,
            approvalError: answered.error,
          });
        },
      },
    ];
  },
};
