// How delivery after commit stands, per subscriber, for GET /health: how far behind, how often it has
// failed and since when, and whether it is stuck (failing too long or too far behind).
import type { Store } from '../../store/database.ts';
import { OutboxCursorRepository } from '../../store/outbox-cursors.repository.ts';
import { OutboxRepository } from '../../store/outbox.repository.ts';

export interface StuckThresholds {
  /** Failing for longer than this is stuck. */
  failingMs: number;
  /** More events than this waiting is stuck. */
  behind: number;
}

export const DEFAULT_STUCK: StuckThresholds = { failingMs: 5 * 60_000, behind: 10_000 };

export interface SubscriberDelivery {
  name: string;
  deliveredSeq: number;
  behind: number;
  attempts: number;
  lastError: string | null;
  failingSince: string | null;
  nextAttemptAt: string;
  stuck: boolean;
}

/**
 * The error text as the public health endpoint shows it: one line, at most 200 characters, and URLs cut to
 * their origin, since a webhook's path or query often carries its secret.
 */
export function publicError(error: string | null): string | null {
  if (error === null) return null;
  const line = (error.split('\n')[0] ?? '').replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (url) => {
    try {
      return `${new URL(url).origin}/…`;
    } catch {
      return '<url>';
    }
  });
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

export class DeliveryReadModel {
  private readonly cursors: OutboxCursorRepository;
  private readonly outbox: OutboxRepository;
  private readonly now: () => Date;
  private readonly thresholds: StuckThresholds;

  constructor(store: Store, now: () => Date, thresholds: StuckThresholds = DEFAULT_STUCK) {
    this.cursors = new OutboxCursorRepository(store);
    this.outbox = new OutboxRepository(store);
    this.now = now;
    this.thresholds = thresholds;
  }

  async subscribers(): Promise<SubscriberDelivery[]> {
    const [cursors, head] = await Promise.all([this.cursors.all(), this.outbox.head()]);
    const now = this.now().getTime();
    return cursors.map((c) => {
      // Outbox rows carry the ledger's gapless seqs, so the distance is the number waiting.
      const behind = head === null ? 0 : Math.max(0, head - c.deliveredSeq);
      const failingFor = c.failingSince === null ? 0 : now - Date.parse(c.failingSince);
      return {
        name: c.subscriber,
        deliveredSeq: c.deliveredSeq,
        behind,
        attempts: c.attempts,
        lastError: publicError(c.lastError),
        failingSince: c.failingSince,
        nextAttemptAt: c.nextAttemptAt,
        stuck: failingFor > this.thresholds.failingMs || behind > this.thresholds.behind,
      };
    });
  }
}
