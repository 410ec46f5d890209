// GitHub's custom deployment protection rule: a GitHub App subscribed to `deployment_protection_rule`
// receives a delivery when a workflow job reaches a protected environment; we decide with the gate and
// answer through the run's `deployment_callback_url` with approved or rejected and every reason.
import { APPROVAL_DECISIONS, GATE_DECISIONS } from '../../domain/vocabulary.ts';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, ErrorBody } from '../../contracts/errors.ts';
import { sendWithRetry } from '../callback.ts';
import type { Connector } from '../connector.ts';
import { decideDeployment } from '../forge-decision.ts';
import { verdictComment } from '../gate-port.ts';
import { CONNECTOR_SECRET_NAMES } from '../settings.ts';
import { hmacSha256Verifier } from '../signature.ts';
import { gitHubApi } from './github.api.ts';
import { artifactsOf, CHANGE_HINT, findChange, placeOf, readDelivery } from './github.payload.ts';

const DELIVERY = /^[A-Za-z0-9-]{1,100}$/;
const Answer = z.object({
  decision: z.enum(GATE_DECISIONS).optional(),
  state: z.enum(APPROVAL_DECISIONS).optional(),
  change: z.string().nullable().optional(),
  reasons: z.array(z.object({ code: z.string(), message: z.string() })).optional(),
  callback: z.enum(['sent', 'retrying', 'failed']).optional(),
  callbackError: z.string().nullable().optional(),
  ignored: z.string().optional(),
});

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

export const githubConnector: Connector = {
  source: 'github',
  // A delivery carries the repository and up to a few pull requests in full.
  bodyLimit: 5 * 1024 * 1024,
  routes: (ctx) => {
    const settings = ctx.settings.github;
    const api = gitHubApi(settings, ctx.secret);
    return [
      {
        method: 'POST',
        url: '/webhook',
        auth: {
          kind: 'signature',
          verify: hmacSha256Verifier({
            header: 'X-Hub-Signature-256',
            secret: () => ctx.secret(CONNECTOR_SECRET_NAMES.githubWebhook),
          }),
        },
        schema: {
          operationId: 'githubWebhook',
          summary: 'GitHub App webhook: deployment protection rule requests',
          description:
            'Signed with X-Hub-Signature-256. A `deployment_protection_rule` delivery is decided by the gate and answered through its `deployment_callback_url`; a delivery id seen before is refused. `ping` is answered; other events are ignored.',
          tags: ['connectors'],
          body: z.looseObject({}),
          response: { 200: Answer, 202: Answer, 400: ErrorBody, 401: ErrorBody, 409: ErrorBody },
        },
        handler: async (req, reply) => {
          const event = header(req, 'x-github-event');
          if (event === 'ping') return { ignored: 'ping' };
          if (event !== 'deployment_protection_rule')
            return reply.code(202).send({ ignored: event ?? 'no X-GitHub-Event' });
          const delivery = header(req, 'x-github-delivery');
          if (!delivery || !DELIVERY.test(delivery))
            throw new AppError(
              'validation_failed',
              'the X-GitHub-Delivery header is missing or not a delivery id',
            );
          const d = readDelivery(req.body);
          if (d.action !== 'requested') return reply.code(202).send({ ignored: `action ${d.action}` });
          const installationId = d.installation?.id;
          const change = await findChange(d, (sha) =>
            api.commitMessage(d.repository.full_name, sha, installationId),
          );
          const runId = /\/actions\/runs\/(\d+)\//.exec(d.deployment_callback_url)![1];
          const place = placeOf(d, settings);
          const decided = await decideDeployment(ctx.container, {
            source: 'github',
            change,
            ...place,
            artifacts: artifactsOf(d),
            pipelineUrl: d.repository.html_url ? `${d.repository.html_url}/actions/runs/${runId}` : undefined,
            delivery: { key: `github:${delivery}`, raw: req.rawBody!, path: req.url },
            hint: CHANGE_HINT,
          });
          if (decided.replayed)
            throw new AppError(
              'conflict',
              `delivery ${delivery} was already received and answered; it is not decided twice`,
            );
          const { verdict } = decided;
          const state = verdict.decision === 'allow' ? 'approved' : 'rejected';
          const body = {
            environment_name: d.environment,
            state,
            comment: verdictComment(verdict, change?.where ?? null),
          } as const;
          const callback = await sendWithRetry(
            `GitHub run ${d.repository.full_name}#${runId} ${state}`,
            () => api.review(d.deployment_callback_url, installationId, body),
            {
              delaysMs: settings.retryDelaysMs,
              log: req.log,
              giveUp: `the run stays waiting: review it in GitHub (our decision ${verdict.decisionId ?? 'was not recorded'} stands)`,
            },
          );
          return reply.code(callback.state === 'sent' ? 200 : 202).send({
            decision: verdict.decision,
            state,
            change: verdict.change,
            reasons: verdict.reasons,
            callback: callback.state,
            callbackError: callback.error,
          });
        },
      },
    ];
  },
};
