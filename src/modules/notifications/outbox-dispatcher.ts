// Delivers outbox rows to subscribers after commit, at least once, in ledger order, with backoff on failure.
// Subscribers de-duplicate by event id. Webhooks and e-mail plug in here as subscribers.
import type { RecordedEvent } from '../../domain/events.ts';
import { OutboxRepository } from '../../store/outbox.repository.ts';
import type { Store } from '../../store/database.ts';

export type Subscriber = (event: RecordedEvent) => Promise<void>;

const BATCH = 100;
const MAX_BACKOFF_MS = 15 * 60_000;

export class OutboxDispatcher {
  private readonly outbox: OutboxRepository;
  private readonly subscribers: Subscriber[];
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(store: Store, subscribers: Subscriber[], now: () => Date = () => new Date()) {
    this.outbox = new OutboxRepository(store);
    this.subscribers = subscribers;
    this.now = now;
  }

  /** Delivers what is due; returns how many rows were delivered. */
  async drain(): Promise<number> {
    this.running ??= this.drainOnce().finally(() => (this.running = null));
    return this.running;
  }

  private async drainOnce(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const batch = await this.outbox.undelivered(BATCH);
      const done: number[] = [];
      let stop = false;
      for (const message of batch) {
        // Later events wait behind one that is backing off, so subscribers see the ledger's order.
        if (message.nextAttemptAt > this.now().toISOString()) {
          stop = true;
          break;
        }
        try {
          for (const subscriber of this.subscribers) await subscriber(message.payload);
          done.push(message.seq);
        } catch (err) {
          const attempts = message.attempts + 1;
          const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempts);
          await this.outbox.markFailed(
            message.seq,
            attempts,
            String(err),
            new Date(this.now().getTime() + delay).toISOString(),
          );
          stop = true;
          break;
        }
      }
      await this.outbox.markDelivered(done, this.now().toISOString());
      delivered += done.length;
      if (stop || batch.length < BATCH) return delivered;
    }
  }

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => void this.drain().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
