// The one way state changes: ledger entry, projection rows and outbox row, in the caller's transaction.
import type { Actor } from '../domain/actor.ts';
import type { RecordedEvent } from '../domain/events.ts';
import type { Store } from './database.ts';
import { LedgerRepository, type PendingEvent } from './ledger.repository.ts';
import { OutboxRepository } from './outbox.repository.ts';
import type { Projections } from './projection.ts';

export class Recorder {
  readonly ledger: LedgerRepository;
  private readonly store: Store;
  private readonly projections: Projections;
  private readonly outbox: OutboxRepository;

  constructor(store: Store, projections: Projections) {
    this.store = store;
    this.ledger = new LedgerRepository(store);
    this.projections = projections;
    this.outbox = new OutboxRepository(store);
  }

  /** An event no projection handles throws, and with it the whole transaction rolls back. */
  async record(actor: Actor, at: string, pending: PendingEvent[]): Promise<RecordedEvent[]> {
    const recorded = await this.ledger.append(actor, at, pending);
    for (const event of recorded) await this.projections.apply(this.store, event);
    await this.outbox.enqueue(recorded);
    return recorded;
  }
}
