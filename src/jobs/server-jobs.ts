// Every background job a server runs, in one list: the one place a new job is wired.
import type { Container } from '../container.ts';
import {
  OutboxDispatcher,
  type DispatcherOptions,
  type Subscriber,
} from '../modules/notifications/outbox-dispatcher.ts';
import { OutboxRepository } from '../store/outbox.repository.ts';
import type { ConnectorSettings } from '../connectors/settings.ts';
import type { FastifyBaseLogger } from 'fastify';
import { checkpointsJob } from './checkpoints.job.ts';
import { gitlabBlockedDeploymentsJob } from './gitlab-blocked-deployments.job.ts';
import type { Job } from './job.ts';
import { outboxDeliveryJobs } from './outbox-delivery.job.ts';
import { outboxPruneJob } from './outbox-prune.job.ts';

/** What the forge connectors' jobs need: their settings and secrets, and where to log what they answer. */
export interface ConnectorJobsSetup {
  settings: ConnectorSettings;
  secret: (name: string) => string | undefined;
  log: FastifyBaseLogger;
}

export function serverJobs(
  c: Container,
  subscribers: Subscriber[],
  delivery: DispatcherOptions,
  connectors?: ConnectorJobsSetup,
): Job[] {
  const dispatcher = new OutboxDispatcher(c.store, subscribers, { now: c.deps.now, ...delivery });
  const gitlab = connectors?.settings.gitlab;
  return [
    checkpointsJob(c.checkpoints, c.policies),
    ...outboxDeliveryJobs(dispatcher),
    outboxPruneJob(new OutboxRepository(c.store)),
    ...(connectors && gitlab && gitlab.pollProjects.length > 0
      ? [gitlabBlockedDeploymentsJob(c, gitlab, connectors.secret, connectors.log)]
      : []),
  ];
}
