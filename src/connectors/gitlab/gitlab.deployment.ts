// A GitLab deployment waiting for approval, from the `deployment` webhook (status `blocked`) or from the
// API for versions without it, decided with the gate and answered through GitLab's deployment approval
// API with every reason as the comment; optionally its job is played once approved.
import type { FastifyBaseLogger } from 'fastify';
import type { Container } from '../../container.ts';
import { sendWithRetry, type CallbackState } from '../callback.ts';
import { firstChange } from '../change-reference.ts';
import { decideDeployment } from '../forge-decision.ts';
import { verdictComment, type Verdict } from '../gate-port.ts';
import type { GitLabSettings } from '../settings.ts';
import type { GitLabApi } from './gitlab.api.ts';

export interface BlockedDeployment {
  projectId: number;
  /** `group/project`: the key of the service map. */
  projectPath: string;
  projectName: string;
  deploymentId: number;
  /** The deployment's job (the webhook's `deployable_id`), played once approved when so configured. */
  jobId: number | null;
  environment: string;
  ref: string | null;
  /** The commit's title (webhook) or full message (API). */
  commitText: string | null;
  pipelineUrl: string | undefined;
}

export const CHANGE_HINT =
  'no change named: put CHG-n in the ref (branch or tag) or the commit message of the deployment';

export interface Answered {
  verdict: Verdict | null;
  replayed: boolean;
  approval: CallbackState | null;
  error: string | null;
  /** Settles when the last retry has. */
  done: Promise<void>;
}

export async function answerBlocked(
  container: Container,
  api: GitLabApi,
  settings: GitLabSettings,
  d: BlockedDeployment,
  delivery: { key: string; raw: Buffer | string; path: string },
  log: FastifyBaseLogger,
): Promise<Answered> {
  const change = await firstChange([
    { where: 'ref', text: () => d.ref },
    { where: 'commit message', text: () => d.commitText },
  ]);
  const decided = await decideDeployment(container, {
    source: 'gitlab',
    change,
    service: settings.services[d.projectPath] ?? d.projectName,
    environment: settings.environments[d.environment] ?? d.environment,
    artifacts: [],
    pipelineUrl: d.pipelineUrl,
    delivery,
    hint: CHANGE_HINT,
  });
  if (decided.replayed)
    return { verdict: null, replayed: true, approval: null, error: null, done: Promise.resolve() };
  const { verdict } = decided;
  const status = verdict.decision === 'allow' ? 'approved' : 'rejected';
  const comment = verdictComment(verdict, change?.where ?? null);
  let approved = false;
  const sent = await sendWithRetry(
    `GitLab deployment ${d.projectPath}#${d.deploymentId} ${status}`,
    async () => {
      // A retry after a failed play must not approve twice: GitLab refuses a second approval.
      if (!approved) await api.approve(d.projectId, d.deploymentId, status, comment);
      approved = true;
      if (status === 'approved' && settings.playApproved && d.jobId !== null)
        await api.play(d.projectId, d.jobId);
    },
    {
      delaysMs: settings.retryDelaysMs,
      log,
      giveUp: `the deployment stays blocked: ${status === 'approved' ? 'approve' : 'reject'} it in GitLab (our decision ${verdict.decisionId ?? 'was not recorded'} stands)`,
    },
  );
  return { verdict, replayed: false, approval: sent.state, error: sent.error, done: sent.done };
}
