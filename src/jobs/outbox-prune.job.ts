// Deletes the outbox rows every subscriber has, oldest first, a batch per statement and a bounded number of
// batches per run, so the table keeps only what someone still needs and no statement holds up writers.
import type { OutboxRepository } from '../store/outbox.repository.ts';
import type { Job } from './job.ts';

export interface PruneOptions {
  batch?: number;
  /** Most batches per run; the rest waits for the next. */
  maxBatches?: number;
  intervalMs?: number;
}

/** Prunes what every subscriber has; returns how many rows went. */
export async function pruneOutbox(
  outbox: Pick<OutboxRepository, 'prunableUpTo' | 'prune'>,
  { batch = 1_000, maxBatches = 50 }: PruneOptions = {},
): Promise<number> {
  const upTo = await outbox.prunableUpTo();
  if (upTo === null) return 0;
  let pruned = 0;
  for (let i = 0; i < maxBatches; i++) {
    const n = await outbox.prune(upTo, batch);
    pruned += n;
    if (n < batch) break;
  }
  return pruned;
}

export function outboxPruneJob(
  outbox: Pick<OutboxRepository, 'prunableUpTo' | 'prune'>,
  options: PruneOptions = {},
): Job {
  return {
    name: 'outbox-prune',
    // Up to 50,000 rows every 10 s: well above the events a server records at its fastest.
    intervalMs: options.intervalMs ?? 10_000,
    oncePerCluster: true,
    run: async () => {
      await pruneOutbox(outbox, options);
    },
  };
}
