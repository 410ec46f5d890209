// One delivery job per subscriber, so a subscriber that is slow to answer delays only its own next round.
// Not once per cluster: the subscriber's cursor lease keeps servers from delivering its events side by
// side, and lets another server carry on when one stops.
import type { OutboxDispatcher } from '../modules/notifications/outbox-dispatcher.ts';
import type { Job } from './job.ts';

export function outboxDeliveryJobs(dispatcher: OutboxDispatcher, intervalMs = 1_000): Job[] {
  return dispatcher.subscribers.map((s) => ({
    name: `outbox-delivery:${s.name}`,
    intervalMs,
    oncePerCluster: false,
    run: async () => {
      await dispatcher.deliver(s.name);
    },
  }));
}
