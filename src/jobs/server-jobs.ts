// Every background job a server runs, in one list: the one place a new job is wired.
import type { Container } from '../container.ts';
import {
  OutboxDispatcher,
  type DispatcherOptions,
  type Subscriber,
} from '../modules/notifications/outbox-dispatcher.ts';
import { OutboxRepository } from '../store/outbox.repository.ts';
import { checkpointsJob } from './checkpoints.job.ts';
import type { Job } from './job.ts';
import { outboxDeliveryJobs } from './outbox-delivery.job.ts';
import { outboxPruneJob } from './outbox-prune.job.ts';

export function serverJobs(c: Container, subscribers: Subscriber[], delivery: DispatcherOptions): Job[] {
  const dispatcher = new OutboxDispatcher(c.store, subscribers, { now: c.deps.now, ...delivery });
  return [
    checkpointsJob(c.checkpoints, c.policies),
    ...outboxDeliveryJobs(dispatcher),
    outboxPruneJob(new OutboxRepository(c.store)),
  ];
}
