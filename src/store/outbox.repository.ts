// The outbox: one row per recorded event, written in the same transaction, delivered after commit.
// Delivery is at-least-once; consumers de-duplicate by the event id.
import type { RecordedEvent } from '../domain/events.ts';
import type { Store } from './database.ts';

export interface OutboxMessage {
  seq: number;
  eventId: string;
  type: string;
  subject: string;
  payload: RecordedEvent;
  attempts: number;
  nextAttemptAt: string;
}

export class OutboxRepository {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  async enqueue(events: RecordedEvent[]): Promise<void> {
    await this.store.insertLater(
      'outbox',
      events.map((e) => ({
        event_seq: e.seq,
        event_id: e.id,
        type: e.type,
        subject: e.subject,
        payload: JSON.stringify(e),
        created_at: e.at,
        attempts: 0,
        next_attempt_at: e.at,
        delivered_at: null,
        last_error: null,
      })),
    );
  }

  /** The oldest undelivered rows, in ledger order, whether or not they are due yet. */
  async undelivered(limit: number): Promise<OutboxMessage[]> {
    const rows = await this.store.db
      .selectFrom('outbox')
      .selectAll()
      .where('delivered_at', 'is', null)
      .orderBy('event_seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      seq: Number(r.event_seq),
      eventId: r.event_id,
      type: r.type,
      subject: r.subject,
      payload: JSON.parse(r.payload) as RecordedEvent,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
    }));
  }

  /** One statement in one (group-committed) transaction: a commit per row would cost an fsync each. */
  async markDelivered(seqs: number[], at: string): Promise<void> {
    if (seqs.length === 0) return;
    await this.store.write(async () => {
      await this.store.db
        .updateTable('outbox')
        .set({ delivered_at: at })
        .where('event_seq', 'in', seqs)
        .execute();
    });
  }

  async markFailed(seq: number, attempts: number, error: string, retryAt: string): Promise<void> {
    await this.store.write(async () => {
      await this.store.db
        .updateTable('outbox')
        .set({ attempts, last_error: error.slice(0, 1000), next_attempt_at: retryAt })
        .where('event_seq', '=', seq)
        .execute();
    });
  }

  async pending(): Promise<number> {
    const row = await this.store.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('delivered_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
