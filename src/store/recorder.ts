// The one way state changes: ledger entry, projection rows and outbox row, in the caller's transaction.
import type { Actor } from '../domain/actor.ts';
import type { RecordedEvent } from '../domain/events.ts';
import type { Store } from './database.ts';
import { LedgerRepository, type PendingEvent } from './ledger.repository.ts';
import { OutboxRepository } from './outbox.repository.ts';
import { Projector } from './projector.ts';

export class Recorder {
  readonly ledger: LedgerRepository;
  private readonly projector: Projector;
  private readonly outbox: OutboxRepository;

  constructor(store: Store) {
    this.ledger = new LedgerRepository(store);
    this.projector = new Projector(store);
    this.outbox = new OutboxRepository(store);
  }

  async record(actor: Actor, at: string, pending: PendingEvent[]): Promise<RecordedEvent[]> {
    const recorded = await this.ledger.append(actor, at, pending);
    for (const event of recorded) await this.projector.apply(event);
    await this.outbox.enqueue(recorded);
    return recorded;
  }
}
